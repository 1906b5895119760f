//! MCP Streamable HTTP (2025-03-26 and later), stateless: every POST carries all it needs,
//! the session id issued on initialize is self-validating, and GET/DELETE are 405 because
//! there is no session stream to open or end (404 when they present a dead session id).
//! A request's reply is JSON, unless the handler emits notifications (progress, logs)
//! first: then the reply switches to an SSE stream at the first notification, so the
//! client sees them as they happen, and the response ends it. Requests of 2026-07-28
//! (no initialize, no session: `modern.rs`) share the endpoint and this reply logic.

use super::connection::ClientConnection;
use super::envelope::{accepts, check_json_body, header_str, Refusal, EVENT_STREAM, JSON};
use super::exchange::{declared_capabilities, exchange, tools_call_params, Answer, Trace};
use super::held::{self, Continuation, Fanout};
use super::held_stream::{self, StreamPoint};
use super::resume::ResumePoint;
use super::session::{Kind, Session};
use super::Endpoint;
use super::{modern, origin, sse};
use crate::config::Config;
use crate::headers::{GRIP_SIG, LAST_EVENT_ID, MCP_PROTOCOL_VERSION, MCP_SESSION_ID};
use crate::jsonrpc::{self, Incoming, Message, Output, RequestId};
use crate::mcp::input::InputRequired;
use crate::mcp::model::initialize::negotiated_version;
use crate::mcp::model::meta::ClientCapabilities;
use crate::mcp::model::method::Method as McpMethod;
use crate::mcp::server::{Era, Reach};
use crate::mcp::version;
use http::header::{self, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use reply::Reply;
use serde_json::{Map, Value};

/// What became of a request.
#[derive(Debug, PartialEq)]
pub enum Served {
    /// Answered on the connection; what it dispatched (for the log).
    Answered(Trace),
    /// A tool asked the client a question that needs a held stream: the edge hands the
    /// request to Fanout, which sends it back (`held.rs`). Nothing was sent.
    HandOff(Trace),
}

/// Answers one HTTP request to the MCP endpoint. Session ids are issued on initialize
/// and checked when presented; a request without one is still served (the server keeps
/// no per-session state).
pub fn serve(
    req: &Request<Vec<u8>>,
    endpoint: &Endpoint,
    fanout: &mut Fanout,
    conn: &mut dyn ClientConnection,
) -> Served {
    let config = endpoint.config;
    let cors = match origin::check(
        config,
        header_str(req, header::HOST),
        header_str(req, header::ORIGIN),
    ) {
        Ok(cors) => cors,
        Err(reason) => {
            conn.respond(Refusal::new(StatusCode::FORBIDDEN, reason).response());
            return Served::Answered(Trace::default());
        }
    };
    let mut reply = Reply {
        conn,
        cors: cors.as_deref(),
        session: None,
        streaming: false,
        resume: None,
        disconnected: false,
    };
    let outcome = match *req.method() {
        Method::POST => post(req, endpoint, fanout, &mut reply),
        Method::GET if req.headers().contains_key(LAST_EVENT_ID) => {
            resume_stream(req, endpoint, fanout, &mut reply)
        }
        Method::OPTIONS if reply.cors.is_some() => {
            let mut response = Response::new(Vec::new());
            *response.status_mut() = StatusCode::NO_CONTENT;
            origin::preflight_headers(response.headers_mut());
            reply.send(response);
            Ok(Served::Answered(Trace::default()))
        }
        // A dead session is 404 whatever the method (as on POST); a live one or none
        // gets 405: there is still no stream to open or session to end.
        _ => presented_session(req, endpoint).and_then(|_| {
            Err(Refusal::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "Method not allowed: this stateless server offers no GET stream or session; POST JSON-RPC messages",
            ))
        }),
    };
    outcome.unwrap_or_else(|refusal| {
        let method_not_allowed = refusal.status == StatusCode::METHOD_NOT_ALLOWED;
        let mut response = refusal.response();
        if method_not_allowed {
            let allow = HeaderValue::from_static("POST, OPTIONS");
            response.headers_mut().insert(header::ALLOW, allow);
        }
        reply.send(response);
        Served::Answered(Trace::default())
    })
}

fn post<'c>(
    req: &Request<Vec<u8>>,
    endpoint: &Endpoint<'c>,
    fanout: &mut Fanout,
    reply: &mut Reply<'c>,
) -> Result<Served, Refusal> {
    check_headers(req, endpoint.config)?;
    // Fanout's callback of a call handed off for its question (`held.rs`).
    let via_fanout = via_fanout(req, fanout)?;
    let incoming = jsonrpc::parse_with(req.body(), &endpoint.config.limits.json)
        .map_err(|error| Refusal::error(StatusCode::BAD_REQUEST, RequestId::Null, error))?;
    if let Incoming::Single(Message::Response(response)) = &incoming {
        if held::is_continuation(response) {
            let trace = held::resume(response, endpoint.server, fanout.publisher, fanout.store)?;
            reply.accepted();
            return Ok(Served::Answered(trace));
        }
    }
    // 2026-07-28 (`modern`) has no sessions: an Mcp-Session-Id it sends is ignored.
    let (era, version, session) = match modern::era(req, &incoming)? {
        Some(era) => (era, version::MODERN, None),
        None => {
            let (version, session) = legacy_version(req, endpoint)?;
            (Era::legacy(), version, session)
        }
    };
    let capabilities = session.as_ref().and_then(session_capabilities);
    let era = match era {
        // A session whose client declared what it can answer: a tool may ask it.
        Era::Legacy(reach) if capabilities.is_some() => Era::Legacy(Reach {
            capabilities,
            ..reach
        }),
        era => era,
    };
    let modern = matches!(era, Era::Modern(_));
    let declared = declared_capabilities(&incoming);
    // Only a session's call can be held or resumed: only then keep its params.
    let call_params = session
        .is_some()
        .then(|| tools_call_params(&incoming))
        .flatten();
    // A tools/call in a session may let its connection go (`resume.rs`): Streamable HTTP
    // clients resume with Last-Event-ID since 2025-03-26.
    if let (Era::Legacy(_), Some(_), Some(params), Incoming::Single(Message::Request(call))) =
        (&era, &session, &call_params, &incoming)
    {
        if let Some(signer) = endpoint.server.states.get() {
            let point = ResumePoint::new(&call.id, params.clone(), endpoint.server.principal.get());
            reply.resume = Some((point, signer));
        }
    }
    let (answer, trace) = exchange(incoming, version, &era, endpoint, reply);
    match answer {
        Answer::Accepted => reply.accepted(),
        Answer::Response(output) => {
            if let Era::Legacy(reach) = &era {
                if let Some(asked) = reach.asked.take() {
                    let held = Held {
                        asked: &asked,
                        reach,
                        params: call_params,
                        output: &output,
                    };
                    return ask(held, endpoint, via_fanout, reply, trace);
                }
            }
            // Only initialize issues an id (and only it needs the signing key).
            let sessions = trace
                .was(McpMethod::Initialize)
                .then(|| endpoint.sessions.get())
                .flatten();
            if let (Some(sessions), Output::Success(success)) = (sessions, &output) {
                let version = negotiated_version(success.result.get()).unwrap_or_default();
                // The label: the version, then what the client can answer (`held.rs`).
                let label = match declared.filter(|flags| !flags.is_empty()) {
                    Some(flags) => format!("{version}~{flags}"),
                    None => version,
                };
                let id = sessions.issue(Kind::StreamableHttp, &label);
                reply.session = HeaderValue::from_str(&id).ok();
            }
            let status = match &output {
                Output::Failure(failure) if modern => modern::status_of(&failure.error),
                _ => StatusCode::OK,
            };
            reply.finish(vec![output.into_bytes()], false, status);
        }
        Answer::Batch(outputs) => {
            let outputs = outputs.into_iter().map(Output::into_bytes).collect();
            reply.finish(outputs, true, StatusCode::OK);
        }
        Answer::Invalid(id, error) => {
            return Err(Refusal::error(StatusCode::BAD_REQUEST, id, error));
        }
        Answer::Refused(response) => reply.send(response),
    }
    Ok(Served::Answered(trace))
}

/// A tool's question for a 2025-era client, left by the dispatcher.
struct Held<'h> {
    asked: &'h InputRequired,
    reach: &'h Reach,
    params: Option<Map<String, Value>>,
    output: &'h Output,
}

/// Sends a tool's question: hand the call to Fanout first; on Fanout's callback, hold the
/// stream with the question as its first event. A reply already streaming (the tool sent
/// progress first) cannot be held: the tool's call then fails with a clear result.
fn ask(
    held: Held,
    endpoint: &Endpoint,
    via_fanout: bool,
    reply: &mut Reply,
    trace: Trace,
) -> Result<Served, Refusal> {
    let id = held.output.id();
    let signer = endpoint.server.states.get();
    let sessions = endpoint.sessions.get();
    let (Some(signer), Some(sessions), Some(params), false) =
        (signer, sessions, held.params, reply.streaming)
    else {
        reply.finish(
            vec![jsonrpc::to_bytes(&held::unsent(id))],
            false,
            StatusCode::OK,
        );
        return Ok(Served::Answered(trace));
    };
    if !via_fanout {
        return Ok(Served::HandOff(trace));
    }
    let channel = format!("mcp-call-{}", crate::hex::encode(&sessions.nonce));
    let flags = held.reach.capabilities.as_ref().map(|c| c.flags());
    let principal = endpoint.server.principal.get();
    let continuation = Continuation::start(
        channel.clone(),
        id,
        params,
        flags.unwrap_or_default(),
        true,
        principal,
    );
    match held::question(held.asked, signer, continuation) {
        Some((message, asked)) => {
            let keepalive = endpoint.config.legacy_sse.keepalive_seconds;
            let event = held::question_event(&message, &asked, signer);
            reply.send(held_stream::hold(
                &asked.point().link(),
                asked.group,
                event,
                keepalive,
            ));
        }
        None => reply.finish(
            vec![jsonrpc::to_bytes(&held::unsent(id))],
            false,
            StatusCode::OK,
        ),
    }
    Ok(Served::Answered(trace))
}

fn forbidden(reason: &str) -> Refusal {
    Refusal::new(
        StatusCode::FORBIDDEN,
        format!("Forbidden: Fanout's callback failed verification: {reason}"),
    )
}

/// The version of a request served by the older rules: its MCP-Protocol-Version header,
/// else the version negotiated at initialize (carried by the session id) before the
/// spec's fallback: a 2025-11-25 session does not regain batching. A dead session is 404.
fn legacy_version(
    req: &Request<Vec<u8>>,
    endpoint: &Endpoint,
) -> Result<(&'static str, Option<Session>), Refusal> {
    let session = presented_session(req, endpoint)?;
    let negotiated = session
        .as_ref()
        .map(|s| s.label.split('~').next().unwrap_or_default());
    let header = header_str(req, MCP_PROTOCOL_VERSION).and_then(|v| version::supported(v.trim()));
    let version = header
        .or_else(|| negotiated.and_then(version::supported))
        .unwrap_or(version::ASSUMED_WITHOUT_HEADER);
    Ok((version, session))
}

/// What a session's client declared it can answer (its id's label after `~`).
fn session_capabilities(session: &Session) -> Option<ClientCapabilities> {
    let (_, flags) = session.label.split_once('~')?;
    (!flags.is_empty()).then(|| ClientCapabilities::from_flags(flags))
}

/// GET with `Last-Event-ID`: the call a priming event let go runs again, and its result
/// is the event this stream carries (`resume.rs`); a stream Fanout held is held again
/// from the client's last event on (`held_stream.rs`).
fn resume_stream(
    req: &Request<Vec<u8>>,
    endpoint: &Endpoint,
    fanout: &mut Fanout,
    reply: &mut Reply,
) -> Result<Served, Refusal> {
    presented_session(req, endpoint)?;
    let unknown = || {
        let reason = "Bad Request: Last-Event-ID names no stream of this server (unknown, forged or expired)";
        Refusal::new(StatusCode::BAD_REQUEST, reason)
    };
    let event_id = header_str(req, LAST_EVENT_ID).ok_or_else(unknown)?.trim();
    let signer = endpoint.server.states.get().ok_or_else(unknown)?;
    if StreamPoint::is_one(event_id) {
        let point = StreamPoint::open(signer, endpoint.server.principal.get(), event_id);
        let point = point.ok_or_else(unknown)?;
        if !via_fanout(req, fanout)? {
            return Ok(Served::HandOff(Trace::default()));
        }
        let keepalive = endpoint.config.legacy_sse.keepalive_seconds;
        reply.send(point.reopen(fanout.store, keepalive));
        return Ok(Served::Answered(Trace::default()));
    }
    let request =
        ResumePoint::open(signer, endpoint.server.principal.get(), event_id).ok_or_else(unknown)?;
    let trace = Trace {
        method: Some(request.method.clone()),
        tool: None,
    };
    let output = endpoint.server.handle(request, &Era::legacy(), reply);
    reply.start_stream();
    reply.conn.write(&sse::message(&output.to_bytes()));
    reply.conn.finish();
    Ok(Served::Answered(trace))
}

/// Whether a request is Fanout's callback: false without a Grip-Sig, 403 with one that
/// does not verify.
fn via_fanout(req: &Request<Vec<u8>>, fanout: &Fanout) -> Result<bool, Refusal> {
    let Some(signature) = header_str(req, GRIP_SIG) else {
        return Ok(false);
    };
    let grip = fanout
        .grip
        .get()
        .ok_or_else(|| forbidden("no Grip-Sig key"))?;
    grip.verify(signature).map_err(forbidden)?;
    Ok(true)
}

/// The session a request presents in `Mcp-Session-Id`: `Ok(None)` without one, 404
/// when it is unknown, forged or expired (or no session key is configured), whatever
/// the method.
fn presented_session(
    req: &Request<Vec<u8>>,
    endpoint: &Endpoint,
) -> Result<Option<Session>, Refusal> {
    let Some(id) = header_str(req, MCP_SESSION_ID) else {
        return Ok(None);
    };
    let sessions = endpoint.sessions.get();
    let session = sessions.and_then(|s| s.verify(Kind::StreamableHttp, id));
    let reason = "Not Found: unknown or expired session; initialize again";
    session
        .map(Some)
        .ok_or_else(|| Refusal::new(StatusCode::NOT_FOUND, reason))
}

/// Accept (406) for Streamable HTTP, then the common body checks (415, 413).
fn check_headers(req: &Request<Vec<u8>>, config: &Config) -> Result<(), Refusal> {
    // A list header may span several field lines (RFC 9110 5.3).
    let accept: Vec<&str> = req
        .headers()
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let accept = accept.join(",");
    if !(accepts(&accept, JSON) && accepts(&accept, EVENT_STREAM)) {
        return Err(Refusal::new(
            StatusCode::NOT_ACCEPTABLE,
            "Not Acceptable: Accept must include both application/json and text/event-stream",
        ));
    }
    check_json_body(req, config)
}

mod reply;

#[cfg(test)]
mod tests;
