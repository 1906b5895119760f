//! Server->client requests for clients of 2024-11-05 .. 2025-11-25 on Streamable HTTP,
//! statelessly. A tool that asks (elicitation, sampling, roots) needs the question sent
//! on its tools/call's response stream and the answer, which arrives as a separate POST
//! at any instance, taken back to the tool. No instance can wait for it, so the stream is
//! held by Fanout:
//!
//! 1. POST #1 (tools/call): the tool asks; the client declared at initialize that it can
//!    answer (its session id says so). The service hands the request to Fanout.
//! 2. Fanout sends it back with a Grip-Sig; the tool asks again, and the service answers
//!    `Grip-Hold: stream` on a channel of this call's own, its first event the question,
//!    whose id is the signed continuation (`Continuation`): the channel, the original
//!    request's id and params, the client's capabilities, the answers so far and the
//!    tool's state, the caller, an expiry.
//! 3. POST #2 (the client's JSON-RPC response, at any instance): the continuation is
//!    verified, the tool runs again with the answer; the next question, or the final
//!    result and the end of the stream, is published to the channel; 202. A forged,
//!    expired or foreign continuation is 400 and nothing is published. An error answer
//!    (the client could not or would not answer) still finishes the tool: it runs again
//!    without that capability.
//!
//! What follows the first question travels in numbered groups that are also kept, so a
//! publish that reaches Fanout before its subscription is fetched, not lost
//! (`held_stream.rs`).

use super::envelope::Refusal;
use super::held_stream::{self, Group, StreamPoint, StreamStore};
use super::sse;
use crate::fanout::publish::{stream_body, Publisher};
use crate::jsonrpc::{self, ClientResponse, Error, ErrorCode, Output, Request, RequestId};
use crate::mcp::input::{Answers, InputRequired};
use crate::mcp::model::meta::ClientCapabilities;
use crate::mcp::model::tool::CallToolResult;
use crate::mcp::request_state::{StateSigner, LIFETIME_SECONDS};
use crate::mcp::server::{Era, Reach, Server};
use crate::transport::exchange::Trace;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::cell::RefCell;

/// Continuation ids start with this, so a client response is known for one at a glance.
const PREFIX: &str = "k1.";
const DOMAIN: &[u8] = b"mcp-edge continuation v1\n";

/// What a held call needs to go on, signed into the id of the question it sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Continuation {
    /// The Fanout channel holding the call's response stream.
    #[serde(rename = "c")]
    pub channel: String,
    /// The tools/call's own id, as the client sent it.
    #[serde(rename = "i")]
    pub id: Value,
    /// Its params (`name`, `arguments`).
    #[serde(rename = "p")]
    pub params: Map<String, Value>,
    /// What the client declared it can answer (`ClientCapabilities::flags`).
    #[serde(rename = "f")]
    pub flags: String,
    /// The key the question was asked under, and what it needs.
    #[serde(rename = "k")]
    pub key: String,
    #[serde(rename = "q")]
    pub needs: String,
    /// The answers so far.
    #[serde(rename = "a")]
    pub answers: Map<String, Value>,
    /// The tool's state for its next round.
    #[serde(rename = "s")]
    pub state: Option<Value>,
    /// Whether the stream ends with the call's result (a call's own stream on Streamable
    /// HTTP), or goes on (a legacy SSE session's stream).
    #[serde(rename = "x")]
    pub ends: bool,
    /// The event group the question went out in, on a stream that ends (`held_stream`);
    /// 0 on a session's stream, which is not sequenced.
    #[serde(rename = "n", default)]
    pub group: u64,
    /// The caller (`Principal::id`) and the expiry (seconds since the epoch).
    #[serde(rename = "u")]
    pub principal: String,
    #[serde(rename = "e")]
    pub expires: u64,
}

impl Continuation {
    /// A call's first question: on `channel`, resuming the request `id` with `params`, for
    /// `principal`, whose client can answer what `flags` say; `ends`: the stream ends with
    /// the call's result. `question` fills in the rest.
    pub fn start(
        channel: String,
        id: &RequestId,
        params: Map<String, Value>,
        flags: String,
        ends: bool,
        principal: &str,
    ) -> Continuation {
        Continuation {
            channel,
            id: serde_json::to_value(id).unwrap_or(Value::Null),
            params,
            flags,
            key: String::new(),
            needs: String::new(),
            answers: Map::new(),
            state: None,
            ends,
            group: u64::from(ends),
            principal: principal.to_owned(),
            expires: 0,
        }
    }

    /// Where the client can resume the stream this question went out on.
    pub fn point(&self) -> StreamPoint {
        StreamPoint {
            channel: self.channel.clone(),
            group: self.group,
            id: self.id.clone(),
            expires: self.expires,
            principal: self.principal.clone(),
        }
    }

    pub fn seal(&self, signer: &StateSigner) -> String {
        let payload = serde_json::to_vec(self).unwrap_or_default();
        format!("{PREFIX}{}", signer.seal_raw(DOMAIN, &payload))
    }

    /// The continuation a client response answers, when it is one this key signed for
    /// `principal` and it has not expired.
    pub fn open(signer: &StateSigner, principal: &str, id: &str) -> Option<Continuation> {
        let token = id.strip_prefix(PREFIX)?;
        let payload = signer.open_raw(DOMAIN, token).ok()?;
        let claims: Continuation = serde_json::from_slice(&payload).ok()?;
        (claims.principal == principal && claims.expires > signer.now()).then_some(claims)
    }

    /// The original request, the era that resumes it with `answer` (an error answer
    /// drops the capability the question needed, so the tool finishes without it), and
    /// this continuation with the answer in, for the next question.
    pub fn resume(mut self, answer: Result<Value, Value>) -> (Request, Era, Continuation) {
        match answer {
            Ok(result) => {
                self.answers.insert(self.key.clone(), result);
            }
            Err(_) => {
                let needs = self.needs.clone();
                self.flags.retain(|f| !needs.contains(f));
            }
        }
        let request = Request {
            id: RequestId::of_value(self.id.clone()).unwrap_or(RequestId::Null),
            method: "tools/call".into(),
            params: Some(self.params.clone()),
        };
        let reach = Reach {
            capabilities: Some(ClientCapabilities::from_flags(&self.flags)),
            answers: Answers::new(self.answers.clone(), self.state.clone()),
            asked: RefCell::new(None),
        };
        (request, Era::Legacy(reach), self)
    }
}

/// What lets a Streamable HTTP request use a held stream: the verifier of Fanout's
/// callbacks (loaded when one comes), the publisher of what follows and the store
/// that keeps it.
pub struct Fanout<'a> {
    pub grip: &'a crate::lazy::Lazy<'a, crate::fanout::grip_sig::GripVerifier>,
    pub publisher: &'a mut dyn Publisher,
    pub store: &'a dyn StreamStore,
}

/// Whether a client response answers one of this server's questions.
pub fn is_continuation(response: &ClientResponse) -> bool {
    matches!(&response.id, Some(RequestId::Str(id)) if id.starts_with(PREFIX))
}

/// The question a tool asked, as the server->client request to send next, and the
/// continuation that resumes it (signed into the request's id). One question at a time: the first the client has not
/// answered yet (or, when it answered them all and the tool still asks, the first again);
/// the tool is called with the answers so far and asks for what it still needs.
pub fn question(
    asked: &InputRequired,
    signer: &StateSigner,
    mut next: Continuation,
) -> Option<(Vec<u8>, Continuation)> {
    let unanswered = asked
        .requests
        .iter()
        .find(|(k, _)| !next.answers.contains_key(k));
    let (key, request) = unanswered.or_else(|| asked.requests.first())?;
    next.key = key.clone();
    next.needs = request
        .capability()
        .map(|c| c.flag().to_string())
        .unwrap_or_default();
    next.state = asked.state.clone();
    next.expires = signer.now().saturating_add(LIFETIME_SECONDS);
    let message = json!({
        "jsonrpc": "2.0",
        "id": next.seal(signer),
        "method": request.method,
        "params": request.params,
    });
    Some((jsonrpc::to_bytes(&message), next))
}

/// A question as an SSE event: on a call's own stream it carries the id the client
/// resumes from (`held_stream::StreamPoint`).
pub fn question_event(message: &[u8], asked: &Continuation, signer: &StateSigner) -> Vec<u8> {
    if asked.ends {
        held_stream::event_with_id(&asked.point().seal(signer), message)
    } else {
        sse::message(message)
    }
}

/// Sends one publish request `body` built; a reply too large for one is refused whole.
pub fn publish_body(publisher: &mut dyn Publisher, body: Option<Vec<u8>>) -> Result<(), Refusal> {
    let body = body.ok_or_else(|| {
        Refusal::new(
            StatusCode::BAD_GATEWAY,
            "Bad Gateway: the reply is too large to publish",
        )
    })?;
    publisher.publish(body).map_err(|e| {
        Refusal::new(
            StatusCode::BAD_GATEWAY,
            format!(
                "Bad Gateway: publishing to the held stream failed: {}",
                e.reason
            ),
        )
    })
}

/// A client's answer to a question: the call goes on, and what it says next (its next
/// question, or its result) is published to the stream the question went out on.
pub fn resume(
    response: &ClientResponse,
    server: &Server,
    publisher: &mut dyn Publisher,
    store: &dyn StreamStore,
) -> Result<Trace, Refusal> {
    let signer = server.states.get().ok_or_else(unknown)?;
    let Some(RequestId::Str(id)) = &response.id else {
        return Err(unknown());
    };
    let continuation =
        Continuation::open(signer, server.principal.get(), id).ok_or_else(unknown)?;
    let (request, era, mut next) = continuation.resume(response.outcome.clone());
    let trace = Trace {
        method: Some(request.method.clone()),
        tool: None,
    };
    let mut notifications: Vec<Value> = Vec::new();
    let output = server.handle(request, &era, &mut notifications);
    let mut events: Vec<u8> = notifications
        .iter()
        .flat_map(|n| sse::message(&jsonrpc::to_bytes(n)))
        .collect();
    let (channel, ends) = (next.channel.clone(), next.ends);
    // On a call's own stream, this pass's events are the group after the question's.
    let group = next.group + u64::from(ends);
    next.group = group;
    let asked = match &era {
        Era::Legacy(reach) => reach.asked.take(),
        Era::Modern(_) => None,
    };
    let (closes, expires) = match asked.and_then(|asked| question(&asked, signer, next)) {
        Some((message, asked)) => {
            events.extend(question_event(&message, &asked, signer));
            (false, asked.expires)
        }
        None => {
            events.extend(sse::message(&output.to_bytes()));
            (ends, 0)
        }
    };
    if ends {
        let group_events = Group {
            events,
            closes,
            expires,
        };
        held_stream::send(store, publisher, &channel, group, &group_events)?;
    } else {
        let body = stream_body(&channel, &String::from_utf8_lossy(&events));
        publish_body(publisher, body)?;
    }
    Ok(trace)
}

/// The answer to a call whose question cannot be sent (its reply already streams, or no
/// session key signs continuations): a tool error that says so.
pub fn unsent(id: &RequestId) -> Output {
    failed(
        id,
        "This tool needs the client to answer a question, which cannot be sent on this reply.",
    )
}

/// A call that ends with a tool error saying `why`.
pub fn failed(id: &RequestId, why: &str) -> Output {
    let result = jsonrpc::JsonText::serialize(&CallToolResult::error(why)).map_err(|_| Error {
        code: ErrorCode::InternalError,
        message: "Internal error".into(),
        data: None,
    });
    jsonrpc::response(id.clone(), result)
}

/// A continuation that does not verify: 400, nothing published.
pub fn unknown() -> Refusal {
    Refusal::new(
        StatusCode::BAD_REQUEST,
        "Bad Request: this response answers no request of this server (unknown, forged or expired id)",
    )
}

#[cfg(test)]
mod tests;
