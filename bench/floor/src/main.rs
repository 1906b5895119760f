//! Reads the request (headers and body) and answers 200 with a fixed JSON-RPC reply of the
//! same bytes as mcp-edge's tools/call diagnostics_payload {"bytes":1024} reply.
use fastly::http::StatusCode;
use fastly::{Request, Response};

const REPLY: &[u8] = include_bytes!("../reply.json");

fn main() {
    let mut req = Request::from_client();
    let body = req.take_body_bytes();
    std::hint::black_box(body);
    Response::from_status(StatusCode::OK)
        .with_header("content-type", "application/json")
        .with_body(REPLY)
        .send_to_client();
}
