//! The legacy HTTP+SSE transport (2024-11-05) on Fanout. A Compute request cannot hold a
//! stream open, so the stream lives in Fanout:
//!
//! 1. `GET /sse` from a client is handed off to Fanout (backend `self`).
//! 2. Fanout sends it back with a `Grip-Sig`; once verified, the service answers with
//!    GRIP headers (hold the stream on the session's channel, keep it alive) and the
//!    first event, `endpoint`, naming `/messages?sessionId=<signed id>`.
//! 3. `POST /messages?sessionId=<id>` runs the message through the same dispatcher as
//!    Streamable HTTP and publishes what it produces to the channel, in order; 202.

use super::connection::ClientConnection;
use super::envelope::{check_json_body, header_str, Refusal};
use super::exchange::{declared_capabilities, exchange, tools_call_params, Answer, Trace};
use super::held::{self, Continuation};
use super::held_stream::NoStore;
use super::session::Kind;
use super::session_stream::SessionStream;
use super::{origin, sse, Endpoint};
use crate::fanout::grip_sig::GripVerifier;
use crate::fanout::publish::Publisher;
use crate::headers::{GRIP_CHANNEL, GRIP_HOLD, GRIP_KEEP_ALIVE, GRIP_SIG};
use crate::jsonrpc::{self, Error, ErrorCode, Incoming, Message, Output, RequestId};
use crate::mcp::model::meta::ClientCapabilities;
use crate::mcp::server::{Era, Reach};
use crate::mcp::version;
use http::header::{self, HeaderValue};
use http::{Method, Request, Response, StatusCode};

/// What the edge must do with a `/sse` request.
#[derive(Debug, PartialEq, Eq)]
pub enum SseOutcome {
    /// A client's GET: hand it to Fanout, which will call back with a Grip-Sig.
    HandOff,
    /// Answered on `conn`.
    Answered,
}

/// `/sse`: hand-off, the GRIP hold answer, or a refusal.
pub fn sse(
    req: &Request<Vec<u8>>,
    endpoint: &Endpoint,
    grip: &GripVerifier,
    conn: &mut dyn ClientConnection,
) -> SseOutcome {
    if let Some(signature) = header_str(req, GRIP_SIG) {
        // Fanout's callback: the Grip-Sig, not the Host, proves where it came from.
        return match grip.verify(signature) {
            Ok(()) if req.method() == Method::GET => {
                open_stream(endpoint, conn);
                SseOutcome::Answered
            }
            Ok(()) => answer(conn, not_allowed("GET")),
            Err(reason) => answer(
                conn,
                Refusal::new(StatusCode::FORBIDDEN, forbidden(reason)).response(),
            ),
        };
    }
    let cors = match origin::check(
        endpoint.config,
        header_str(req, header::HOST),
        header_str(req, header::ORIGIN),
    ) {
        Ok(cors) => cors,
        Err(reason) => return answer(conn, Refusal::new(StatusCode::FORBIDDEN, reason).response()),
    };
    match *req.method() {
        Method::GET if endpoint.sessions.get().is_some() => SseOutcome::HandOff,
        Method::GET => answer(conn, unavailable()),
        Method::OPTIONS if cors.is_some() => answer(conn, with_cors(preflight(), cors.as_deref())),
        // Clients POST to the SSE URL to probe for Streamable HTTP; 405 makes them fall
        // back to this transport.
        _ => answer(conn, with_cors(not_allowed("GET"), cors.as_deref())),
    }
}

fn open_stream(endpoint: &Endpoint, conn: &mut dyn ClientConnection) {
    let Some(sessions) = endpoint.sessions.get() else {
        return conn.respond(unavailable());
    };
    // The session is bound to its principal: its id carries the principal's id.
    let id = sessions.issue(Kind::LegacySse, &endpoint.principal.id());
    let Some(session) = sessions.verify(Kind::LegacySse, &id) else {
        return conn.respond(unavailable());
    };
    let endpoint_url = format!("/messages?sessionId={id}");
    let mut response = Response::new(sse::event("endpoint", endpoint_url.as_bytes()));
    let headers = response.headers_mut();
    let pairs = [
        (header::CONTENT_TYPE, "text/event-stream".to_string()),
        (header::CACHE_CONTROL, "no-cache".to_string()),
        (GRIP_HOLD, "stream".to_string()),
        (GRIP_CHANNEL, channel(&session.nonce)),
        (
            GRIP_KEEP_ALIVE,
            format!(
                ":\\n\\n; format=cstring; timeout={}",
                endpoint.config.legacy_sse.keepalive_seconds
            ),
        ),
    ];
    for (name, value) in pairs {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    conn.respond(response);
}

/// The Fanout channel of a session: its 128 random bits.
fn channel(nonce: &str) -> String {
    format!("mcp-{nonce}")
}

/// `POST /messages?sessionId=<id>`; returns what it dispatched (for the log).
pub fn messages(
    req: &Request<Vec<u8>>,
    endpoint: &Endpoint,
    publisher: &mut dyn Publisher,
    conn: &mut dyn ClientConnection,
) -> Trace {
    let cors = match origin::check(
        endpoint.config,
        header_str(req, header::HOST),
        header_str(req, header::ORIGIN),
    ) {
        Ok(cors) => cors,
        Err(reason) => {
            conn.respond(Refusal::new(StatusCode::FORBIDDEN, reason).response());
            return Trace::default();
        }
    };
    let cors = cors.as_deref();
    let (response, trace) = match *req.method() {
        Method::POST => match post_message(req, endpoint, publisher) {
            Ok(answered) => answered,
            Err(refusal) => (refusal.response(), Trace::default()),
        },
        Method::OPTIONS if cors.is_some() => (preflight(), Trace::default()),
        _ => (not_allowed("POST"), Trace::default()),
    };
    conn.respond(with_cors(response, cors));
    trace
}

fn post_message(
    req: &Request<Vec<u8>>,
    endpoint: &Endpoint,
    publisher: &mut dyn Publisher,
) -> Result<(Response<Vec<u8>>, Trace), Refusal> {
    let bad_request = |reason| Refusal::new(StatusCode::BAD_REQUEST, reason);
    let id = session_id(req).ok_or_else(|| bad_request("Bad Request: missing sessionId"))?;
    if !looks_like_session_id(id) {
        return Err(bad_request("Bad Request: malformed sessionId"));
    }
    let session = endpoint
        .sessions
        .get()
        .and_then(|s| s.verify(Kind::LegacySse, id))
        .ok_or_else(|| {
            let reason = "Not Found: unknown or expired session; reconnect to /sse";
            Refusal::new(StatusCode::NOT_FOUND, reason)
        })?;
    // The label: the principal's id, then (once initialized) what its client can answer.
    let (owner, flags) = session
        .label
        .split_once('-')
        .unwrap_or((&session.label, ""));
    if owner != endpoint.principal.id() {
        let reason = "Forbidden: this session belongs to another client";
        return Err(Refusal::new(StatusCode::FORBIDDEN, reason));
    }
    check_json_body(req, endpoint.config)?;
    let incoming = jsonrpc::parse_with(req.body(), &endpoint.config.limits.json)
        .map_err(|error| Refusal::error(StatusCode::BAD_REQUEST, RequestId::Null, error))?;
    if let Incoming::Single(Message::Response(response)) = &incoming {
        if held::is_continuation(response) {
            // A session's stream is not sequenced: nothing is kept.
            let trace = held::resume(response, endpoint.server, publisher, &NoStore)?;
            return Ok((accepted(), trace));
        }
    }
    let declared = declared_capabilities(&incoming).filter(|f| !f.is_empty());
    // Only a session whose client can answer may hold a call: only then keep its params.
    let call_params = (!flags.is_empty())
        .then(|| tools_call_params(&incoming))
        .flatten();
    let reach = Reach {
        capabilities: (!flags.is_empty()).then(|| ClientCapabilities::from_flags(flags)),
        ..Reach::default()
    };
    let channel = channel(&session.nonce);
    let mut stream = SessionStream::new(publisher, channel.clone());
    let era = Era::Legacy(reach);
    let (answer, trace) = exchange(incoming, version::LEGACY_SSE, &era, endpoint, &mut stream);
    if let (Some(flags), Some(sessions)) = (declared, endpoint.sessions.get()) {
        // After initialize: a new endpoint whose session id says what the client can
        // answer. Clients take the latest `endpoint` event (the TS SDK's SSE transport,
        // which mcp-remote uses, does); one that keeps the first is simply never asked.
        let label = format!("{owner}-{flags}");
        let id = sessions.reissue(Kind::LegacySse, &label, &session.nonce);
        stream.event(&sse::event(
            "endpoint",
            format!("/messages?sessionId={id}").as_bytes(),
        ));
    }
    let (response, reply_id) = match answer {
        Answer::Accepted => return Ok((accepted(), trace)),
        Answer::Response(output) => {
            let asked = match &era {
                Era::Legacy(reach) => reach.asked.take(),
                Era::Modern(_) => None,
            };
            match (asked, call_params, endpoint.server.states.get()) {
                (Some(asked), Some(params), Some(signer)) => {
                    let (id, principal) = (output.id(), endpoint.server.principal.get());
                    let flags = flags.to_owned();
                    let continuation =
                        Continuation::start(channel, id, params, flags, false, principal);
                    let question = held::question(&asked, signer, continuation);
                    (
                        question.map(|q| q.0).unwrap_or_default(),
                        output.id().clone(),
                    )
                }
                (Some(_), _, _) => {
                    let output = held::unsent(output.id());
                    (output.to_bytes(), output.id().clone())
                }
                (None, _, _) => {
                    let id = output.id().clone();
                    (output.into_bytes(), id)
                }
            }
        }
        Answer::Batch(outputs) => {
            let members: Vec<Vec<u8>> = outputs.into_iter().map(Output::into_bytes).collect();
            let mut batch = b"[".to_vec();
            batch.extend_from_slice(&members.join(&b','));
            batch.push(b']');
            (batch, RequestId::Null)
        }
        Answer::Invalid(id, error) => {
            return Err(Refusal::error(StatusCode::BAD_REQUEST, id, error));
        }
        Answer::Refused(response) => return Ok((response, trace)),
    };
    match stream.finish(&response, &reply_id) {
        Ok(()) => Ok((accepted(), trace)),
        Err(failure) => {
            let status = failure
                .status
                .map_or(String::new(), |s| format!(" (HTTP {s})"));
            let error = Error {
                code: ErrorCode::InternalError,
                message: format!(
                    "Bad Gateway: the reply could not be published to the session stream: {}{status}",
                    failure.reason
                ),
                data: None,
            };
            Err(Refusal::error(StatusCode::BAD_GATEWAY, reply_id, error))
        }
    }
}

fn session_id(req: &Request<Vec<u8>>) -> Option<&str> {
    req.uri()
        .query()?
        .split('&')
        .find_map(|pair| pair.strip_prefix("sessionId="))
        .filter(|id| !id.is_empty())
}

/// Ids are `<tag>.<hex>.<principal hex>.<hex>.<hex>` in URL-safe ASCII.
fn looks_like_session_id(id: &str) -> bool {
    id.len() <= 256
        && id.split('.').count() == 5
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

fn answer(conn: &mut dyn ClientConnection, response: Response<Vec<u8>>) -> SseOutcome {
    conn.respond(response);
    SseOutcome::Answered
}

fn forbidden(reason: &str) -> String {
    format!("Forbidden: {reason}")
}

fn accepted() -> Response<Vec<u8>> {
    let mut response = Response::new(b"Accepted".to_vec());
    *response.status_mut() = StatusCode::ACCEPTED;
    response
}

fn unavailable() -> Response<Vec<u8>> {
    let reason = "Service Unavailable: the SSE transport needs a session key (Secret Store mcp_secrets/session_key)";
    Refusal::new(StatusCode::SERVICE_UNAVAILABLE, reason).response()
}

fn not_allowed(allow: &'static str) -> Response<Vec<u8>> {
    let mut response =
        Refusal::new(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed").response();
    let allow = HeaderValue::from_static(if allow == "GET" {
        "GET, OPTIONS"
    } else {
        "POST, OPTIONS"
    });
    response.headers_mut().insert(header::ALLOW, allow);
    response
}

fn preflight() -> Response<Vec<u8>> {
    let mut response = Response::new(Vec::new());
    *response.status_mut() = StatusCode::NO_CONTENT;
    origin::preflight_headers(response.headers_mut());
    response
}

fn with_cors(mut response: Response<Vec<u8>>, cors: Option<&str>) -> Response<Vec<u8>> {
    if let Some(origin) = cors {
        origin::cors_headers(response.headers_mut(), origin);
    }
    response
}
