//! MCP Streamable HTTP (2025-03-26 and later), stateless: every POST carries all it needs,
//! the session id issued on initialize is self-validating, and GET/DELETE are 405 because
//! there is no session stream to open or end (404 when they present a dead session id).
//! A request's reply is JSON, unless the handler emits notifications (progress, logs)
//! first: then the reply switches to an SSE stream at the first notification, so the
//! client sees them as they happen, and the response ends it. Requests of 2026-07-28
//! (no initialize, no session: `modern.rs`) share the endpoint and this reply logic.

use super::connection::ClientConnection;
use super::envelope::{
    accepts, check_json_body, header_str, json_response, Refusal, EVENT_STREAM, JSON,
};
use super::exchange::{exchange, Answer, Trace};
use super::session::{Kind, Session};
use super::Endpoint;
use super::{modern, origin, sse};
use crate::config::Config;
use crate::headers::{MCP_PROTOCOL_VERSION, MCP_SESSION_ID, X_ACCEL_BUFFERING};
use crate::jsonrpc::{self, Output, RequestId};
use crate::mcp::context::Notifier;
use crate::mcp::model::initialize::negotiated_version;
use crate::mcp::model::method::Method as McpMethod;
use crate::mcp::server::Era;
use crate::mcp::version;
use http::header::{self, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use serde_json::Value;

/// Answers one HTTP request to the MCP endpoint; returns what it dispatched (for the
/// log). Session ids are issued on initialize and checked when presented; a request
/// without one is still served (the server keeps no per-session state).
pub fn serve(
    req: &Request<Vec<u8>>,
    endpoint: &Endpoint,
    conn: &mut dyn ClientConnection,
) -> Trace {
    let config = endpoint.config;
    let cors = match origin::check(
        config,
        header_str(req, header::HOST),
        header_str(req, header::ORIGIN),
    ) {
        Ok(cors) => cors,
        Err(reason) => {
            conn.respond(Refusal::new(StatusCode::FORBIDDEN, reason).response());
            return Trace::default();
        }
    };
    let mut reply = Reply {
        conn,
        cors: cors.as_deref(),
        session: None,
        streaming: false,
    };
    let outcome = match *req.method() {
        Method::POST => post(req, endpoint, &mut reply),
        Method::OPTIONS if reply.cors.is_some() => {
            let mut response = Response::new(Vec::new());
            *response.status_mut() = StatusCode::NO_CONTENT;
            origin::preflight_headers(response.headers_mut());
            reply.send(response);
            Ok(Trace::default())
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
        Trace::default()
    })
}

fn post(req: &Request<Vec<u8>>, endpoint: &Endpoint, reply: &mut Reply) -> Result<Trace, Refusal> {
    check_headers(req, endpoint.config)?;
    let incoming = jsonrpc::parse_with(req.body(), &endpoint.config.limits.json)
        .map_err(|error| Refusal::error(StatusCode::BAD_REQUEST, RequestId::Null, error))?;
    // 2026-07-28 (`modern`) has no sessions: an Mcp-Session-Id it sends is ignored.
    let (era, version) = match modern::era(req, &incoming)? {
        Some(era) => (era, version::MODERN),
        None => (Era::Legacy, legacy_version(req, endpoint)?),
    };
    let modern = era != Era::Legacy;
    let (answer, trace) = exchange(incoming, version, &era, endpoint, reply);
    match answer {
        Answer::Accepted => reply.accepted(),
        Answer::Response(output) => {
            // Only initialize issues an id (and only it needs the signing key).
            let sessions = trace
                .was(McpMethod::Initialize)
                .then(|| endpoint.sessions.get())
                .flatten();
            if let (Some(sessions), Output::Success(success)) = (sessions, &output) {
                let version = negotiated_version(&success.result).unwrap_or_default();
                let id = sessions.issue(Kind::StreamableHttp, &version);
                reply.session = HeaderValue::from_str(&id).ok();
            }
            let status = match &output {
                Output::Failure(failure) if modern => modern::status_of(&failure.error),
                _ => StatusCode::OK,
            };
            reply.finish(vec![jsonrpc::to_bytes(&output)], false, status);
        }
        Answer::Batch(outputs) => {
            let outputs = outputs.iter().map(jsonrpc::to_bytes).collect();
            reply.finish(outputs, true, StatusCode::OK);
        }
        Answer::Invalid(id, error) => {
            return Err(Refusal::error(StatusCode::BAD_REQUEST, id, error));
        }
        Answer::Refused(response) => reply.send(response),
    }
    Ok(trace)
}

/// The version of a request served by the older rules: its MCP-Protocol-Version header,
/// else the version negotiated at initialize (carried by the session id) before the
/// spec's fallback: a 2025-11-25 session does not regain batching. A dead session is 404.
fn legacy_version(req: &Request<Vec<u8>>, endpoint: &Endpoint) -> Result<&'static str, Refusal> {
    let session = presented_session(req, endpoint)?;
    let header = header_str(req, MCP_PROTOCOL_VERSION).and_then(|v| version::supported(v.trim()));
    Ok(header
        .or_else(|| session.and_then(|s| version::supported(&s.label)))
        .unwrap_or(version::ASSUMED_WITHOUT_HEADER))
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

/// The reply under construction: JSON until a notification arrives, SSE after.
struct Reply<'c> {
    conn: &'c mut dyn ClientConnection,
    cors: Option<&'c str>,
    /// A session id issued by this request (initialize).
    session: Option<HeaderValue>,
    streaming: bool,
}

impl Reply<'_> {
    fn common_headers(&self, headers: &mut header::HeaderMap) {
        if let Some(origin) = self.cors {
            origin::cors_headers(headers, origin);
        }
        if let Some(session) = &self.session {
            headers.insert(MCP_SESSION_ID, session.clone());
        }
    }

    fn send(&mut self, mut response: Response<Vec<u8>>) {
        self.common_headers(response.headers_mut());
        self.conn.respond(response);
    }

    fn accepted(&mut self) {
        let mut response = Response::new(Vec::new());
        *response.status_mut() = StatusCode::ACCEPTED;
        self.send(response);
    }

    /// Sends the responses: as events on the open stream, or as one JSON body with
    /// `status`.
    fn finish(&mut self, outputs: Vec<Vec<u8>>, batch: bool, status: StatusCode) {
        if self.streaming {
            for output in outputs {
                self.conn.write(&sse::message(&output));
            }
            return self.conn.finish();
        }
        let body = if batch {
            let mut body = b"[".to_vec();
            body.extend_from_slice(&outputs.join(&b','));
            body.push(b']');
            body
        } else {
            outputs.concat()
        };
        self.send(json_response(status, body));
    }
}

impl Notifier for Reply<'_> {
    fn notify(&mut self, notification: Value) {
        if !self.streaming {
            let mut head = Response::new(());
            let headers = head.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(EVENT_STREAM));
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            headers.insert(X_ACCEL_BUFFERING, HeaderValue::from_static("no"));
            self.common_headers(headers);
            self.conn.start_stream(head);
            self.streaming = true;
        }
        self.conn
            .write(&sse::message(&jsonrpc::to_bytes(&notification)));
    }

    fn cancelled(&self) -> bool {
        self.conn.closed()
    }
}

#[cfg(test)]
mod tests;
