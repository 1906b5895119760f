//! The reply to one Streamable HTTP POST: JSON until the handler emits a notification,
//! an SSE stream after; let go after a priming event when a tool asks (`resume.rs`).

use super::super::connection::ClientConnection;
use super::super::envelope::{json_response, EVENT_STREAM};
use super::super::{origin, sse};
use crate::headers::{MCP_SESSION_ID, X_ACCEL_BUFFERING};
use crate::jsonrpc;
use crate::mcp::context::Notifier;
use crate::mcp::request_state::StateSigner;
use crate::transport::resume::ResumePoint;
use http::header::{self, HeaderValue};
use http::{Response, StatusCode};
use serde_json::Value;

/// The reply under construction: JSON until a notification arrives, SSE after.
pub(super) struct Reply<'c> {
    pub(super) conn: &'c mut dyn ClientConnection,
    pub(super) cors: Option<&'c str>,
    /// A session id issued by this request (initialize).
    pub(super) session: Option<HeaderValue>,
    pub(super) streaming: bool,
    /// Where a tool that lets the connection go is resumed from (`resume.rs`): set for a
    /// tools/call of a 2025-11-25 session.
    pub(super) resume: Option<(ResumePoint, &'c StateSigner)>,
    /// The connection was let go after a priming event: nothing more is written.
    pub(super) disconnected: bool,
}

impl Reply<'_> {
    pub(super) fn common_headers(&self, headers: &mut header::HeaderMap) {
        if let Some(origin) = self.cors {
            origin::cors_headers(headers, origin);
        }
        if let Some(session) = &self.session {
            headers.insert(MCP_SESSION_ID, session.clone());
        }
    }

    pub(super) fn send(&mut self, mut response: Response<Vec<u8>>) {
        self.common_headers(response.headers_mut());
        self.conn.respond(response);
    }

    pub(super) fn accepted(&mut self) {
        let mut response = Response::new(Vec::new());
        *response.status_mut() = StatusCode::ACCEPTED;
        self.send(response);
    }

    /// Sends the responses: as events on the open stream, or as one JSON body with
    /// `status`.
    pub(super) fn finish(&mut self, outputs: Vec<Vec<u8>>, batch: bool, status: StatusCode) {
        if self.disconnected {
            return self.conn.finish();
        }
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
            // One response: its buffer is the body (not copied into another).
            match <[Vec<u8>; 1]>::try_from(outputs) {
                Ok([one]) => one,
                Err(outputs) => outputs.concat(),
            }
        };
        self.send(json_response(status, body));
    }
}

impl Reply<'_> {
    pub(super) fn start_stream(&mut self) {
        if self.streaming {
            return;
        }
        let mut head = Response::new(());
        let headers = head.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(EVENT_STREAM));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert(X_ACCEL_BUFFERING, HeaderValue::from_static("no"));
        self.common_headers(headers);
        self.conn.start_stream(head);
        self.streaming = true;
    }
}

impl Notifier for Reply<'_> {
    fn notify(&mut self, notification: Value) {
        if self.disconnected {
            return;
        }
        self.start_stream();
        self.conn
            .write(&sse::message(&jsonrpc::to_bytes(&notification)));
    }

    fn cancelled(&self) -> bool {
        self.disconnected || self.conn.closed()
    }

    /// The priming event must come first: a reply already streaming is not let go.
    fn disconnect(&mut self) -> bool {
        if self.streaming {
            return false;
        }
        let Some((point, signer)) = self.resume.take() else {
            return false;
        };
        self.start_stream();
        self.conn.write(&point.priming_event(signer));
        self.disconnected = true;
        true
    }
}
