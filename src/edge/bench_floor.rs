//! `make bench` only (feature `bench-floor`): the floor's fixed reply (bench/floor) served
//! from this very module, every line of the service still in it. Beside the 0.4 MB floor
//! it shows what the module costs a request before any of its code runs.

use fastly::http::StatusCode;
use fastly::{Request, Response};

const REPLY: &[u8] = include_bytes!("../../bench/floor/reply.json");

pub fn answer() {
    let mut request = Request::from_client();
    std::hint::black_box(request.take_body_bytes());
    Response::from_status(StatusCode::OK)
        .with_header("content-type", "application/json")
        .with_body(REPLY)
        .send_to_client();
}
