//! The client connection on Fastly: whole responses, or a streamed body flushed per
//! chunk so SSE events reach the client as they are written.
//!
//! Written through the raw response and body handles: the SDK's `Response` builds a
//! lazy header map only to copy it into a handle at send time (see `edge::request`).

use fastly::handle::{BodyHandle, ResponseHandle, StreamingBodyHandle};
use mcp_edge::transport::{connection::ClientConnection, origin};
use std::io::Write;

#[derive(Default)]
pub struct Client {
    stream: Option<StreamingBodyHandle>,
    /// The status sent, for the request log (0 until something is sent).
    pub status: u16,
    /// An allowed cross-origin caller's Origin: every response, whatever its status,
    /// carries the CORS headers (a browser sees nothing of a response without them).
    pub cors: Option<String>,
    /// A streamed write failed: the client went away (its request is cancelled).
    closed: bool,
}

impl Client {
    fn with_cors(&self, headers: &mut http::HeaderMap) {
        if let Some(allowed) = &self.cors {
            origin::cors_headers(headers, allowed);
        }
    }
}

fn to_fastly<B>(response: http::Response<B>) -> (ResponseHandle, B) {
    let (parts, body) = response.into_parts();
    let mut out = ResponseHandle::new();
    out.set_status(parts.status);
    for (name, value) in &parts.headers {
        out.append_header(name, value);
    }
    (out, body)
}

impl ClientConnection for Client {
    fn respond(&mut self, mut response: http::Response<Vec<u8>>) {
        self.with_cors(response.headers_mut());
        self.status = response.status().as_u16();
        let (out, body) = to_fastly(response);
        let mut handle = BodyHandle::new();
        if !body.is_empty() {
            // A body handle is host memory; writing it fails only when the host does.
            let _ = handle.write_all(&body);
        }
        out.send_to_client(handle);
    }

    fn start_stream(&mut self, mut head: http::Response<()>) {
        self.with_cors(head.headers_mut());
        self.status = head.status().as_u16();
        let (out, ()) = to_fastly(head);
        self.stream = Some(out.stream_to_client(BodyHandle::new()));
    }

    fn write(&mut self, chunk: &[u8]) {
        if self.closed {
            return;
        }
        if let Some(stream) = self.stream.as_mut() {
            self.closed = stream
                .write_all(chunk)
                .and_then(|()| stream.flush())
                .is_err();
        }
    }

    fn finish(&mut self) {
        if let Some(stream) = self.stream.take() {
            let _ = stream.finish();
        }
    }

    fn closed(&self) -> bool {
        self.closed
    }
}
