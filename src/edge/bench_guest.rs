//! `make guest-cost` only (feature `bench-guest-cost`): the MCP work of a request timed
//! inside the guest under `viceroy serve`, where goal 2 of `make bench` is decided.
//! Before main answers a request on the MCP endpoint, the same call it is about to make,
//! `streamable_http::serve` with the same request and endpoint, runs twice into a
//! recorded connection: first in the fresh instance (cold: its code and data not
//! cached, its stack and heap pages not yet faulted in, as every request under Viceroy
//! runs), then again (warm). Then a loop of pure arithmetic (no memory, no calls) of
//! about the warm work's length: what the platform adds to any guest code of that
//! length, ours or not. Each request prints one line `guest-cost COLD WARM SPIN` (ns)
//! to stderr, which bench/cold/serve.sh reads. Hostcalls are in none of the figures
//! for the requests it sends (ping, a Rust tool's call, tools/list). A build with this
//! feature is for that script alone: a call of a tool that reaches an API, or a request
//! that publishes to Fanout, would do so three times.

use mcp_edge::transport::connection::Recorded;
use mcp_edge::transport::held::Fanout;
use mcp_edge::transport::{streamable_http, Endpoint};
use std::hint::black_box;
use std::time::Instant;

pub fn time(request: &http::Request<Vec<u8>>, endpoint: &Endpoint, fanout: &mut Fanout) {
    let mut run = || {
        let started = Instant::now();
        let mut recorded = Recorded::default();
        let served = streamable_http::serve(request, endpoint, fanout, &mut recorded);
        black_box((served, recorded));
        started.elapsed().as_nanos()
    };
    let cold = run();
    let warm = run();
    let started = Instant::now();
    black_box(spin(SPIN_ROUNDS));
    let spin = started.elapsed().as_nanos();
    eprintln!("guest-cost {cold} {warm} {spin}");
}

/// About 10 us of arithmetic as wasm under Viceroy on the bench machine.
const SPIN_ROUNDS: u64 = 10_000;

#[inline(never)]
fn spin(rounds: u64) -> u64 {
    (0..rounds).fold(1u64, |x, i| {
        black_box(x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(i))
    })
}
