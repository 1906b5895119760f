//! `make bench` only (feature `bench-floor`): the floor's fixed reply (bench/floor) served
//! from this very module, every line of the service still in it. Beside the 0.4 MB floor
//! it shows what the module costs a request before any of its code runs. With
//! `bench-floor-hostcalls`, floor-hostcalls itself (the same source, not a copy) runs
//! instead: mcp-edge's hostcalls from mcp-edge's module, without the MCP work.

#[cfg(feature = "bench-floor-hostcalls")]
#[path = "../../bench/floor/src/bin/floor-hostcalls.rs"]
mod floor_hostcalls;

#[cfg(feature = "bench-floor-hostcalls")]
pub fn answer() {
    floor_hostcalls::main();
}

#[cfg(not(feature = "bench-floor-hostcalls"))]
pub fn answer() {
    use fastly::http::StatusCode;
    use fastly::{Request, Response};

    const REPLY: &[u8] = include_bytes!("../../bench/floor/reply.json");
    let mut request = Request::from_client();
    std::hint::black_box(request.take_body_bytes());
    Response::from_status(StatusCode::OK)
        .with_header("content-type", "application/json")
        .with_body(REPLY)
        .send_to_client();
}
