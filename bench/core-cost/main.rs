//! What the protocol layer costs per request, natively, without Viceroy's noise: a
//! Streamable HTTP POST through `transport::streamable_http::serve` (body parse, the
//! revision checks, dispatch, the reply), as an MCP 2025-11-25 client and as a
//! 2026-07-28 client sends it, and the revision checks (`transport::modern::era`) alone.
//! `make bench-core` (N=200000 by default; `CORE_COST_N=...`). Native x86 time is not
//! wasm time under Compute, but the differences between rows are what a change costs.

use http::Request;
use mcp_edge::auth::challenge::ResourceInfo;
use mcp_edge::auth::Principal;
use mcp_edge::config::{Config, Mode};
use mcp_edge::jsonrpc;
use mcp_edge::lazy::Lazy;
use mcp_edge::mcp::request_state::StateSigner;
use mcp_edge::mcp::server::Server;
use mcp_edge::transport::connection::Recorded;
use mcp_edge::transport::held::Fanout;
use mcp_edge::transport::session::LazySessions;
use mcp_edge::transport::{modern, streamable_http, Endpoint};
use serde_json::{json, Value};
use std::hint::black_box;
use std::time::Instant;

fn post(headers: &[(&str, &str)], body: &Value) -> Request<Vec<u8>> {
    let mut builder = Request::post("/mcp")
        .header("host", "127.0.0.1:7676")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder
        .body(serde_json::to_vec(body).unwrap_or_default())
        .unwrap_or_default()
}

fn main() {
    let n: u32 = std::env::var("CORE_COST_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let mut config = Config {
        mode: Mode::Local,
        ..Config::default()
    };
    config.tools.diagnostics = true;
    let principal = Principal::local();
    let catalog = mcp_edge::catalog::for_caller(&config, &[], &principal);
    let info = mcp_edge::catalog::server_info();
    let states = Lazy::new(|| StateSigner::new(b"0123456789abcdef".to_vec(), 1_000));
    let principal_id = principal.id();
    let server = Server {
        catalog: &catalog,
        info: &info,
        page_size: config.tools.page_size,
        upstream: &mcp_edge::upstream::NoUpstream,
        principal: &principal_id,
        cache_scope: mcp_edge::catalog::cache_scope(&principal),
        states: &states,
    };
    let resource = ResourceInfo {
        resource: "http://127.0.0.1:7676/mcp",
        metadata_url: "http://127.0.0.1:7676/.well-known/oauth-protected-resource/mcp",
        authorization_servers: &[],
        scopes_supported: &Vec::new,
        oauth: false,
    };
    let sessions = LazySessions::new(|| None);
    let endpoint = Endpoint {
        config: &config,
        server: &server,
        sessions: &sessions,
        principal: &principal,
        resource: &resource,
    };

    let meta = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": { "name": "bench", "version": "1.0" },
        "io.modelcontextprotocol/clientCapabilities": {},
    });
    let legacy = [("mcp-protocol-version", "2025-11-25")];
    let modern_list = [
        ("mcp-protocol-version", "2026-07-28"),
        ("mcp-method", "tools/list"),
    ];
    let list = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });
    let list_modern =
        json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": { "_meta": meta } });
    let cases = [
        ("tools/list, 2025-11-25", post(&legacy, &list)),
        ("tools/list, 2026-07-28", post(&modern_list, &list_modern)),
    ];
    println!("{n} requests each, native, release build");
    println!("| request | ns per request (serve) | ns per request (revision checks alone) |");
    println!("|---|--:|--:|");
    for (label, req) in &cases {
        let serve_ns = per_request(n, || {
            let mut conn = Recorded::default();
            let mut published: Vec<Vec<u8>> = Vec::new();
            let grip = Lazy::new(|| None);
            let mut fanout = Fanout {
                grip: &grip,
                publisher: &mut published,
                store: &mcp_edge::transport::held_stream::NoStore,
            };
            streamable_http::serve(black_box(req), &endpoint, &mut fanout, &mut conn);
            black_box(conn.body.len());
        });
        let incoming = jsonrpc::parse(req.body()).ok();
        let checks_ns = per_request(n, || {
            if let Some(incoming) = &incoming {
                black_box(modern::era(black_box(req), incoming).is_ok());
            }
        });
        println!("| {label} | {serve_ns:.0} | {checks_ns:.0} |");
    }
}

/// Median of 5 timed runs of `n` calls, in ns per call.
fn per_request(n: u32, mut f: impl FnMut()) -> f64 {
    for _ in 0..n / 10 {
        f();
    }
    let mut runs: Vec<f64> = (0..5)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..n {
                f();
            }
            started.elapsed().as_nanos() as f64 / f64::from(n)
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    runs.get(2).copied().unwrap_or(f64::NAN)
}
