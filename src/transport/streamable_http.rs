//! MCP Streamable HTTP (2025-03-26 and later), stateless: every POST carries all it needs,
//! the session id issued on initialize is self-validating, and GET/DELETE are 405 because
//! there is no session stream to open or end (404 when they present a dead session id).
//! A request's reply is JSON, unless the handler emits notifications (progress, logs)
//! first: then the reply switches to an SSE stream at the first notification, so the
//! client sees them as they happen, and the response ends it.

use super::connection::ClientConnection;
use super::envelope::{
    accepts, check_json_body, error_response, header_str, json_response, refusal, EVENT_STREAM,
    JSON,
};
use super::session::{Kind, Session};
use super::Endpoint;
use super::{origin, sse};
use crate::config::Config;
use crate::jsonrpc::{self, invalid_request, Incoming, Message, Output, RequestId};
use crate::mcp::context::Notifier;
use crate::mcp::model::initialize::negotiated_version;
use crate::mcp::model::method::Method as McpMethod;
use crate::mcp::server::Server;
use crate::mcp::version;
use http::header::{self, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use serde_json::Value;

const PROTOCOL_VERSION: &str = "mcp-protocol-version";
const SESSION_ID: &str = "mcp-session-id";

/// Answers one HTTP request to the MCP endpoint. Session ids are issued on initialize
/// and checked when presented; a request without one is still served (the server keeps
/// no per-session state).
pub fn serve(req: &Request<Vec<u8>>, endpoint: &Endpoint, conn: &mut dyn ClientConnection) {
    let config = endpoint.config;
    let cors = match origin::check(config, header_str(req, "host"), header_str(req, "origin")) {
        Ok(cors) => cors,
        Err(reason) => return conn.respond(refusal(StatusCode::FORBIDDEN, None, reason)),
    };
    let mut reply = Reply {
        conn,
        cors: cors.as_deref(),
        session: None,
        streaming: false,
    };
    match *req.method() {
        Method::POST => post(req, endpoint, &mut reply),
        Method::OPTIONS if reply.cors.is_some() => {
            let mut response = Response::new(Vec::new());
            *response.status_mut() = StatusCode::NO_CONTENT;
            origin::preflight_headers(response.headers_mut());
            reply.send(response);
        }
        _ => {
            // A dead session is 404 whatever the method (as on POST); a live one or none
            // gets 405: there is still no stream to open or session to end.
            if let Err(dead) = presented_session(req, endpoint) {
                return reply.send(dead.response());
            }
            let mut response = refusal(
                StatusCode::METHOD_NOT_ALLOWED,
                None,
                "Method not allowed: this stateless server offers no GET stream or session; POST JSON-RPC messages",
            );
            let allow = HeaderValue::from_static("POST, OPTIONS");
            response.headers_mut().insert(header::ALLOW, allow);
            reply.send(response);
        }
    }
}

fn post(req: &Request<Vec<u8>>, endpoint: &Endpoint, reply: &mut Reply) {
    let server = endpoint.server;
    if let Err((status, reason)) = check_headers(req, endpoint.config) {
        return reply.send(refusal(status, None, reason));
    }
    let session = match presented_session(req, endpoint) {
        Ok(session) => session,
        Err(dead) => return reply.send(dead.response()),
    };
    // Without the header, the version negotiated at initialize (carried by the session
    // id) before the spec's fallback: a 2025-11-25 session does not regain batching.
    let version = match header_str(req, PROTOCOL_VERSION) {
        None => session
            .and_then(|s| version::supported(&s.label))
            .unwrap_or(version::ASSUMED_WITHOUT_HEADER),
        Some(v) => match version::supported(v.trim()) {
            Some(v) => v,
            None => {
                let reason = "Bad Request: unsupported MCP-Protocol-Version";
                return reply.send(refusal(StatusCode::BAD_REQUEST, None, reason));
            }
        },
    };
    let incoming = match jsonrpc::parse_with(req.body(), &endpoint.config.limits) {
        Ok(incoming) => incoming,
        Err(error) => {
            return reply.send(error_response(
                StatusCode::BAD_REQUEST,
                RequestId::Null,
                error,
            ))
        }
    };
    match incoming {
        Incoming::Single(Message::Request(request)) => {
            if let Some(refusal) = endpoint.scope_refusal(&request) {
                return reply.send(refusal);
            }
            let initialize = McpMethod::parse(&request.method) == Some(McpMethod::Initialize);
            let output = server.handle(request, reply);
            // Only initialize issues an id (and only it needs the signing key).
            let sessions = if initialize {
                endpoint.sessions.get()
            } else {
                None
            };
            if let (Some(sessions), Output::Success(success)) = (sessions, &output) {
                let version = negotiated_version(&success.result).unwrap_or_default();
                let id = sessions.issue(Kind::StreamableHttp, &version);
                reply.session = HeaderValue::from_str(&id).ok();
            }
            reply.finish(vec![jsonrpc::to_bytes(&output)], false);
        }
        Incoming::Single(Message::Notification { method, params }) => {
            server.notify(&method, params.as_ref());
            reply.accepted();
        }
        Incoming::Single(Message::Response) => reply.accepted(),
        Incoming::Single(Message::Invalid { id, reason }) => reply.send(error_response(
            StatusCode::BAD_REQUEST,
            id,
            invalid_request(reason),
        )),
        Incoming::Batch(_) if !version::allows_batching(version) => {
            let error =
                invalid_request("JSON-RPC batches are not allowed in this protocol version");
            reply.send(error_response(
                StatusCode::BAD_REQUEST,
                RequestId::Null,
                error,
            ))
        }
        Incoming::Batch(messages) => batch(messages, server, reply),
    }
}

/// The session a request presents in `Mcp-Session-Id`: `Ok(None)` without one, `Err`
/// when it is unknown, forged or expired (or no session key is configured).
fn presented_session(
    req: &Request<Vec<u8>>,
    endpoint: &Endpoint,
) -> Result<Option<Session>, DeadSession> {
    let Some(id) = header_str(req, SESSION_ID) else {
        return Ok(None);
    };
    let sessions = endpoint.sessions.get();
    let session = sessions.and_then(|s| s.verify(Kind::StreamableHttp, id));
    session.map(Some).ok_or(DeadSession)
}

/// A presented session id that is not (or no longer) valid: 404, whatever the method.
struct DeadSession;

impl DeadSession {
    fn response(self) -> Response<Vec<u8>> {
        let reason = "Not Found: unknown or expired session; initialize again";
        refusal(StatusCode::NOT_FOUND, None, reason)
    }
}

/// 2025-03-26 batches: every request answered (in order), notifications and responses
/// only acknowledged; initialize must travel alone.
fn batch(messages: Vec<Message>, server: &Server, reply: &mut Reply) {
    let mut outputs = Vec::new();
    for message in messages {
        match message {
            Message::Request(request)
                if McpMethod::parse(&request.method) == Some(McpMethod::Initialize) =>
            {
                let error = invalid_request("initialize must not be part of a batch");
                outputs.push(jsonrpc::to_bytes(&jsonrpc::response(
                    request.id,
                    Err(error),
                )));
            }
            Message::Request(request) => {
                outputs.push(jsonrpc::to_bytes(&server.handle(request, reply)));
            }
            Message::Notification { method, params } => server.notify(&method, params.as_ref()),
            Message::Response => {}
            Message::Invalid { id, reason } => {
                let output = jsonrpc::response(id, Err(invalid_request(reason)));
                outputs.push(jsonrpc::to_bytes(&output));
            }
        }
    }
    if outputs.is_empty() {
        reply.accepted();
    } else {
        reply.finish(outputs, true);
    }
}

/// Accept (406) for Streamable HTTP, then the common body checks (415, 413).
fn check_headers(
    req: &Request<Vec<u8>>,
    config: &Config,
) -> Result<(), (StatusCode, &'static str)> {
    // A list header may span several field lines (RFC 9110 5.3).
    let accept: Vec<&str> = req
        .headers()
        .get_all("accept")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let accept = accept.join(",");
    if !(accepts(&accept, JSON) && accepts(&accept, EVENT_STREAM)) {
        return Err((
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
            headers.insert(SESSION_ID, session.clone());
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

    /// Sends the responses: as events on the open stream, or as one JSON body.
    fn finish(&mut self, outputs: Vec<Vec<u8>>, batch: bool) {
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
        self.send(json_response(StatusCode::OK, body));
    }
}

impl Notifier for Reply<'_> {
    fn notify(&mut self, notification: Value) {
        if !self.streaming {
            let mut head = Response::new(());
            let headers = head.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(EVENT_STREAM));
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            self.common_headers(headers);
            self.conn.start_stream(head);
            self.streaming = true;
        }
        self.conn
            .write(&sse::message(&jsonrpc::to_bytes(&notification)));
    }
}

#[cfg(test)]
#[path = "streamable_http_tests.rs"]
mod tests;
