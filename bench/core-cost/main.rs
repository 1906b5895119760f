//! What the protocol layer costs per request, natively, without Viceroy's noise: a
//! Streamable HTTP POST through `transport::streamable_http::serve` (body parse, the
//! revision checks, dispatch, the reply), as an MCP 2025-11-25 client and as a
//! 2026-07-28 client sends it, and the revision checks (`transport::modern::era`) alone.
//! Then what the configuration costs: ping, tools/call and tools/list from the settings
//! item's text to the reply (what a request does between its hostcalls), with the
//! benchmark's minimal settings and with fastly.toml's shipped ones.
//! `make bench-core` (N=200000 by default; `CORE_COST_N=...`). Native x86 time is not
//! wasm time under Compute, but the differences between rows are what a change costs.
//! `core-cost configuration`: the configuration rows alone, one JSON object per line
//! (`make bench` puts them beside its Viceroy rows). Last, the same requests with the
//! caches emptied before each (`core-cost cold` alone): what a request costs where nothing of it is
//! cached, as on an instance made for it (bench/README.md, "All of Viceroy's CPU").

use http::Request;
use mcp_edge::auth::challenge::ResourceInfo;
use mcp_edge::auth::Principal;
use mcp_edge::catalog;
use mcp_edge::config::{Config, Mode, Runtime};
use mcp_edge::jsonrpc;
use mcp_edge::lazy::{Deferred, Lazy};
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
    let n: u32 = env_number("CORE_COST_N").unwrap_or(200_000);
    match std::env::args().nth(1).as_deref() {
        Some("configuration") => return configuration(n / 4, true),
        Some("cold") => {
            let mut sizes: Vec<usize> = std::env::args()
                .skip(2)
                .filter_map(|a| a.parse().ok())
                .collect();
            if sizes.is_empty() {
                sizes.push(evict_mb());
            }
            return cold(n / 400, &sizes);
        }
        Some("once") => return once(std::env::args().nth(2).as_deref().unwrap_or("call")),
        _ => {}
    }
    let mut config = Config {
        mode: Mode::Local,
        ..Config::default()
    };
    config.tools.diagnostics = true;
    let principal = Principal::local();
    let catalog = mcp_edge::catalog::for_caller(&config, &[], &principal);
    let info = mcp_edge::catalog::server_info();
    let states = Lazy::new(|| StateSigner::new(b"0123456789abcdef".to_vec(), 1_000));
    let principal_id = Deferred::new(|| principal.id());
    let server = Server {
        catalog: &catalog,
        info: &info,
        page_size: config.tools.page_size,
        upstream: &mcp_edge::upstream::NoUpstream,
        principal: &principal_id,
        cache_scope: mcp_edge::catalog::cache_scope(&principal),
        states: &states,
    };
    let resource = local_resource();
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
            black_box(serve(black_box(req), &endpoint).len());
        });
        let incoming = jsonrpc::parse(req.body()).ok();
        let checks_ns = per_request(n, || {
            if let Some(incoming) = &incoming {
                black_box(modern::era(black_box(req), incoming).is_ok());
            }
        });
        println!("| {label} | {serve_ns:.0} | {checks_ns:.0} |");
    }
    configuration(n / 4, false);
    cold(n / 400, &[evict_mb()]);
}

/// `CORE_COST_EVICT_MB`, default 64 (twice this machine's L3): how much other memory the
/// `cold` table writes before each request when no sizes are given.
fn evict_mb() -> usize {
    env_number("CORE_COST_EVICT_MB").unwrap_or(64)
}

/// A knob from the environment, if set to a number.
fn env_number<T: std::str::FromStr>(name: &str) -> Option<T> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// The shipped settings against the minimal ones (bench/run.mjs's `mcp-edge` target:
/// conformance off, diagnostics on, no catalog), per request kind, from the settings
/// item's text to the reply: parsing the item, the tool sets a method needs, dispatch
/// and the reply. Everything in a request that the configuration can change, without
/// the hostcalls (the same for both) and without Viceroy's drift, which in this VM is
/// larger than the 5% `make bench` checks (bench/README.md).
fn configuration(n: u32, json_lines: bool) {
    let shipped = shipped_settings();
    let minimal = "mode = local; conformance = off; diagnostics = on; tool_sets = ; allow_writes = fastly,backoffice";
    let legacy = [("mcp-protocol-version", "2025-11-25")];
    let cases = [
        (
            "ping",
            json!({ "jsonrpc": "2.0", "id": 1, "method": "ping" }),
            "\"result\":{}",
        ),
        (
            "tools/call 1 KB (JSON)",
            json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call",
                "params": { "name": "diagnostics_payload", "arguments": { "bytes": 1024 } } }),
            "\"structuredContent\":{\"bytes\":1024}",
        ),
        (
            "tools/list",
            json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" }),
            "\"diagnostics_payload\"",
        ),
    ];
    let tools = [tool_count(minimal), tool_count(&shipped)];
    if !json_lines {
        println!();
        println!("{n} requests each, from the settings item to the reply (the tools: minimal {}, shipped {})", tools[0], tools[1]);
        println!("| request | minimal ns | shipped ns | shipped - minimal ns | reply bytes (minimal / shipped) |");
        println!("|---|--:|--:|--:|--:|");
    }
    for (label, body, expect) in &cases {
        let req = post(&legacy, body);
        let replies = [serve_with(minimal, &req), serve_with(&shipped, &req)];
        for reply in &replies {
            let text = String::from_utf8_lossy(reply);
            assert!(
                text.contains(expect),
                "{label}: the reply lacks {expect}: {text:.300}"
            );
        }
        // Alternated, so a drift of the machine's speed falls on both alike.
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for _ in 0..5 {
            a.push(per_request(n, || {
                black_box(serve_with(black_box(minimal), &req).len());
            }));
            b.push(per_request(n, || {
                black_box(serve_with(black_box(&shipped), &req).len());
            }));
        }
        let (a, b) = (median(a), median(b));
        if json_lines {
            let row = json!({
                "request": label, "requests": n, "minimal_ns": a, "shipped_ns": b,
                "minimal_tools": tools[0], "shipped_tools": tools[1],
                "minimal_bytes": replies[0].len(), "shipped_bytes": replies[1].len(),
            });
            println!("{row}");
            continue;
        }
        println!(
            "| {label} | {a:.0} | {b:.0} | {:+.0} | {} / {} |",
            b - a,
            replies[0].len(),
            replies[1].len()
        );
    }
}

/// The shipped configuration's requests as above, with the CPU caches warm (the same
/// request over and over) and cold: before each, `megabytes` of other memory is written
/// (one column per size; without sizes `evict_mb()`), and
/// only the request is timed. Under Viceroy every request runs in a fresh instance
/// between Viceroy's own work, so its code and data are mostly not cached; the cold
/// columns are what that costs. `make cold-wasm` runs this same code as wasm under
/// Viceroy (`viceroy run`, which passes arguments but no environment: the sizes come
/// after `cold`). Natively, `CORE_COST_GAP_US` spins that long between the writes and
/// the request, as the time between two requests under `viceroy serve`: whether what
/// the writes left in the caches decays on its own meanwhile (this VM's L3 is shared).
fn cold(n: u32, megabytes: &[usize]) {
    let shipped = shipped_settings();
    let gap = env_number("CORE_COST_GAP_US").map(std::time::Duration::from_micros);
    let largest = megabytes.iter().copied().max().unwrap_or(0);
    let mut other = vec![0u8; largest << 20];
    let legacy = [("mcp-protocol-version", "2025-11-25")];
    let cases = [
        (
            "ping",
            json!({ "jsonrpc": "2.0", "id": 1, "method": "ping" }),
        ),
        (
            "tools/call 1 KB (JSON)",
            json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call",
                "params": { "name": "diagnostics_payload", "arguments": { "bytes": 1024 } } }),
        ),
        (
            "tools/list",
            json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" }),
        ),
    ];
    let sizes: Vec<String> = megabytes
        .iter()
        .map(|mb| format!("{mb} MB written"))
        .collect();
    println!();
    println!("{n} requests each, the shipped settings, caches warm and emptied before each request (other memory written; median of 3 runs)");
    println!("| request | warm ns | {} ns |", sizes.join(" ns | "));
    println!("|---|--:|{}", "--:|".repeat(megabytes.len()));
    for (label, body) in &cases {
        let req = post(&legacy, body);
        let mut timed = |evict: usize, round: u8| {
            let mut total = 0u128;
            for _ in 0..n {
                // One write per cache line.
                for byte in other.iter_mut().take(evict << 20).step_by(64) {
                    *byte = byte.wrapping_add(round);
                }
                if let Some(gap) = gap {
                    let until = Instant::now() + gap;
                    while Instant::now() < until {
                        std::hint::spin_loop();
                    }
                }
                let started = Instant::now();
                black_box(serve_with(black_box(&shipped), &req).len());
                total += started.elapsed().as_nanos();
            }
            total as f64 / f64::from(n.max(1))
        };
        let mut row = format!("| {label} |");
        for evict in std::iter::once(0).chain(megabytes.iter().copied()) {
            let runs = (0..3).map(|round| timed(evict, round)).collect();
            row += &format!(" {:.0} |", median(runs));
        }
        println!("{row}");
    }
    black_box(&other);
}

/// One POST /mcp as the edge serves it once its hostcalls are done: the settings from
/// the item's text, the catalog built only when the method needs it (main.rs's order).
fn serve_with(settings: &str, req: &Request<Vec<u8>>) -> Vec<u8> {
    let get = |key: &str| (key == "settings").then(|| settings.to_owned());
    let (config, _) = Config::from_lookup_for(get, false, || Runtime::Local);
    let principal = Principal::local();
    let http_sets = Deferred::new(|| catalog::http_sets(&config));
    let catalog = catalog::CallerCatalog::new(&config, &http_sets, &principal);
    let info = catalog::server_info();
    let states = Lazy::new(|| None);
    // The rate limiter's key (`edge::gate`): every request hashes the caller's id.
    black_box(principal.id());
    let principal_id = Deferred::new(|| principal.id());
    let server = Server {
        catalog: &catalog,
        info: &info,
        page_size: config.tools.page_size,
        upstream: &mcp_edge::upstream::NoUpstream,
        principal: &principal_id,
        cache_scope: catalog::cache_scope(&principal),
        states: &states,
    };
    let resource = local_resource();
    let sessions = LazySessions::new(|| None);
    let endpoint = Endpoint {
        config: &config,
        server: &server,
        sessions: &sessions,
        principal: &principal,
        resource: &resource,
    };
    serve(req, &endpoint)
}

/// The resource as the local stack names it, without OAuth.
fn local_resource() -> ResourceInfo<'static> {
    ResourceInfo {
        resource: "http://127.0.0.1:7676/mcp",
        metadata_url: "http://127.0.0.1:7676/.well-known/oauth-protected-resource/mcp",
        authorization_servers: &[],
        scopes_supported: &Vec::new,
        oauth: false,
    }
}

/// One POST through the Streamable HTTP transport (no Fanout, nothing held); the body.
fn serve(req: &Request<Vec<u8>>, endpoint: &Endpoint) -> Vec<u8> {
    let mut conn = Recorded::default();
    let mut published: Vec<Vec<u8>> = Vec::new();
    let grip = Lazy::new(|| None);
    let mut fanout = Fanout {
        grip: &grip,
        publisher: &mut published,
        store: &mcp_edge::transport::held_stream::NoStore,
    };
    streamable_http::serve(req, endpoint, &mut fanout, &mut conn);
    conn.body
}

/// How many tools `settings` offers (so the table says what it compared).
fn tool_count(settings: &str) -> usize {
    let list = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {} });
    let reply = serve_with(
        settings,
        &post(&[("mcp-protocol-version", "2025-11-25")], &list),
    );
    String::from_utf8_lossy(&reply)
        .matches("\"inputSchema\"")
        .count()
}

/// fastly.toml's `settings` item: what `make serve` runs (empty when it is not there:
/// the shipped row then says 2 tools, and the table shows it).
fn shipped_settings() -> String {
    let manifest = std::fs::read_to_string("fastly.toml").unwrap_or_default();
    manifest
        .lines()
        .find_map(|line| line.trim().strip_prefix("settings = "))
        .and_then(|value| serde_json::from_str::<String>(value).ok())
        .unwrap_or_default()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Median of 5 timed runs of `n` calls, in ns per call.
fn per_request(n: u32, mut f: impl FnMut()) -> f64 {
    for _ in 0..n / 10 {
        f();
    }
    let runs: Vec<f64> = (0..5)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..n {
                f();
            }
            started.elapsed().as_nanos() as f64 / f64::from(n)
        })
        .collect();
    median(runs)
}

/// One request of the shipped configuration, the first of the process (for a cache
/// simulator: `valgrind --tool=callgrind --cache-sim=yes --toggle-collect='*serve_with*'`).
fn once(kind: &str) {
    let body = match kind {
        "ping" => json!({ "jsonrpc": "2.0", "id": 1, "method": "ping" }),
        "list" => json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" }),
        _ => json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": { "name": "diagnostics_payload", "arguments": { "bytes": 1024 } } }),
    };
    let req = post(&[("mcp-protocol-version", "2025-11-25")], &body);
    let shipped = shipped_settings();
    println!("{} bytes", serve_with(black_box(&shipped), &req).len());
}
