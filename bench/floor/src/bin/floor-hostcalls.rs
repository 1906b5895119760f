//! The floor plus the platform calls mcp-edge makes for a tools/call (benchmark config,
//! no MCP work): read the method, the URL (as text, its target parsed as an http::Uri)
//! and the 12 headers it reads, draw the log id, read its one Config Store item and
//! (mode=local, as the local stack runs) FASTLY_HOSTNAME, check the edge rate limiter,
//! read the body, answer with the same headers, write one log line. What this costs above
//! `bench-floor` is what those calls cost under Viceroy, before any JSON-RPC or MCP work.
use fastly::erl::{Penaltybox, RateCounter, RateWindow, ERL};
use fastly::handle::{client_request_and_body, BodyHandle, ResponseHandle};
use fastly::http::{HeaderName, HeaderValue, StatusCode};
use std::io::{Read, Write};
use std::time::{Duration, Instant};

// In the floor's own crate this is the one copy; in mcp-edge's bench build
// (`bench-floor-hostcalls`) it sits beside `edge::raw_read`, on purpose: the same code.
#[allow(clippy::duplicate_mod)]
#[path = "../../../../src/edge/raw_read.rs"]
mod raw_read;

const REPLY: &[u8] = include_bytes!("../../reply.json");

/// The keys mcp-edge reads for a Streamable HTTP request: its settings are all in the
/// one item `settings` (src/config/item.rs; without OAuth nothing else is read).
const KEYS: [&str; 1] = ["settings"];

const HEADERS: [&str; 12] = [
    "host",
    "origin",
    "accept",
    "content-type",
    "content-length",
    "authorization",
    "mcp-protocol-version",
    "mcp-session-id",
    "mcp-method",
    "mcp-name",
    "last-event-id",
    "grip-sig",
];

pub fn main() {
    let (request, mut body) = client_request_and_body();
    let started = Instant::now();
    std::hint::black_box(request.get_method(32).ok());
    // The URL as text, its target parsed as a URI, and each header's values, read the
    // way mcp-edge reads them (edge::request, with this same raw_read.rs).
    let mut url = Vec::new();
    let read = raw_read::read_sized(&mut url, 8 * 1024, |buf, len, written| {
        // SAFETY: the host writes at most `len` bytes and says how many in `written`.
        unsafe { fastly_sys::fastly_http_req::uri_get(request.as_u32(), buf, len, written) }.code
    });
    if read.is_some() {
        let text = String::from_utf8(url).unwrap_or_default();
        let target = raw_read::target(&text);
        std::hint::black_box(http::Uri::try_from(target.as_ref()).ok());
    }
    let mut declared = None;
    let mut scratch = Vec::new();
    for name in HEADERS {
        let mut ending = -1i64;
        let read = raw_read::read_sized(&mut scratch, 16 * 1024 + 1, |buf, len, written| {
            // SAFETY: as above; `name` and `ending` outlive the call.
            unsafe {
                fastly_sys::fastly_http_req::header_values_get(
                    request.as_u32(),
                    name.as_ptr(),
                    name.len(),
                    buf,
                    len,
                    0,
                    &mut ending,
                    written,
                )
            }
            .code
        });
        let Some(values) = read.and_then(|()| scratch.strip_suffix(&[0])) else {
            continue;
        };
        for value in values.split(|&b| b == 0) {
            let value = HeaderValue::from_bytes(value).ok();
            if name == "content-length" {
                declared = value
                    .as_ref()
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<usize>().ok());
            }
            std::hint::black_box(value);
        }
    }
    // One WASI random_get, like mcp-edge's log id (std's hash seed draws it).
    std::hint::black_box(std::collections::hash_map::RandomState::new());
    let store = fastly::ConfigStore::try_open("mcp_config").ok();
    for key in KEYS {
        std::hint::black_box(store.as_ref().and_then(|s| s.try_get(key).ok().flatten()));
    }
    std::hint::black_box(std::env::var("FASTLY_HOSTNAME").ok());
    let erl = ERL::open(
        RateCounter::open("mcp_rate"),
        Penaltybox::open("mcp_penalty"),
    );
    let over = erl.check_rate(
        "local",
        1,
        RateWindow::SixtySecs,
        20,
        Duration::from_secs(60),
    );
    std::hint::black_box(over.ok());
    // As mcp-edge reads it: room for the declared length, then to the end.
    let mut bytes = Vec::with_capacity(declared.unwrap_or(0).min(64 * 1024) + 1);
    let _ = (&mut body).take(1024 * 1024 + 1).read_to_end(&mut bytes);
    std::hint::black_box(bytes);

    let mut response = ResponseHandle::new();
    response.set_status(StatusCode::OK);
    let json = HeaderValue::from_static("application/json");
    response.append_header(&HeaderName::from_static("content-type"), &json);
    let mut out = BodyHandle::new();
    let _ = out.write_all(REPLY);
    response.send_to_client(out);

    let line = format!(
        r#"{{"request_id":"0123456789abcdef","principal":"local","http_method":"POST","path":"/mcp","mcp_method":"tools/call","tool":"diagnostics_payload","status":200,"duration_ms":{:.2}}}"#,
        started.elapsed().as_secs_f64() * 1000.0
    );
    if let Ok(mut endpoint) = fastly::log::Endpoint::try_from_name("mcp_log") {
        let _ = endpoint.write_all(line.as_bytes());
    }
}
