//! The client connection on Fastly: whole responses, or a streamed body flushed per
//! chunk so SSE events reach the client as they are written.

use fastly::http::body::StreamingBody;
use fastly::Response;
use mcp_edge::transport::connection::ClientConnection;
use std::io::Write;

#[derive(Default)]
pub struct Client {
    stream: Option<StreamingBody>,
    /// The status sent, for the request log (0 until something is sent).
    pub status: u16,
}

fn to_fastly<B>(response: http::Response<B>) -> (Response, B) {
    let (parts, body) = response.into_parts();
    let mut out = Response::from_status(parts.status.as_u16());
    for (name, value) in &parts.headers {
        out.append_header(name, value);
    }
    (out, body)
}

impl ClientConnection for Client {
    fn respond(&mut self, response: http::Response<Vec<u8>>) {
        self.status = response.status().as_u16();
        let (mut out, body) = to_fastly(response);
        if !body.is_empty() {
            out.set_body(body);
        }
        out.send_to_client();
    }

    fn start_stream(&mut self, head: http::Response<()>) {
        self.status = head.status().as_u16();
        let (out, ()) = to_fastly(head);
        self.stream = Some(out.stream_to_client());
    }

    fn write(&mut self, chunk: &[u8]) {
        if let Some(stream) = self.stream.as_mut() {
            // A client that went away cannot be written to; nothing else to do.
            let _ = stream.write_all(chunk).and_then(|()| stream.flush());
        }
    }

    fn finish(&mut self) {
        if let Some(stream) = self.stream.take() {
            let _ = stream.finish();
        }
    }
}
