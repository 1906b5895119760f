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
    // The URL as text (mcp-edge's edge::request::url_text): 512 bytes of room first,
    // then what the host asks for.
    let mut url = Vec::<u8>::with_capacity(512);
    let mut written = 0;
    let mut status = uri_get(&request, &mut url, &mut written);
    if status == 4 && written <= 8192 {
        url.reserve(written);
        status = uri_get(&request, &mut url, &mut written);
    }
    if status == 0 && written <= url.capacity() {
        // SAFETY: the host initialized `written` bytes.
        unsafe { url.set_len(written) };
        // The path and query from the text, parsed as a URI (edge::request::target).
        let text = String::from_utf8(url).unwrap_or_default();
        let after_scheme = text.find("://").map_or(0, |i| i + 3);
        let rest = text.get(after_scheme..).unwrap_or("");
        let target = rest.find(['/', '?']).map_or("", |i| rest.split_at(i).1);
        std::hint::black_box(http::Uri::try_from(target).ok());
    }
    // Each header's values through the ABI into one small buffer, read again at the
    // size the host asks for when it is too small (mcp-edge's edge::request::read_header).
    let mut declared = None;
    let mut scratch = Vec::<u8>::with_capacity(512);
    for name in HEADERS {
        let mut ending = -1i64;
        let mut written = 0usize;
        let mut call = |buffer: &mut Vec<u8>, written: &mut usize| {
            // SAFETY: the host writes at most the capacity and says how much.
            unsafe {
                fastly_sys::fastly_http_req::header_values_get(
                    request.as_u32(),
                    name.as_ptr(),
                    name.len(),
                    buffer.as_mut_ptr(),
                    buffer.capacity(),
                    0,
                    &mut ending,
                    written,
                )
            }
            .code
        };
        let mut status = call(&mut scratch, &mut written);
        if status == 4 && written <= 16385 {
            scratch.reserve(written);
            status = call(&mut scratch, &mut written);
        }
        if status != 0 || written > scratch.capacity() {
            continue;
        }
        // SAFETY: the host initialized `written` bytes.
        unsafe { scratch.set_len(written) };
        if let Some(values) = scratch.strip_suffix(&[0]) {
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
        scratch.clear();
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

/// The URL into `buffer`'s capacity: the status code; `written` is what the host wrote,
/// or with BUFLEN (4) what it needs.
fn uri_get(
    request: &fastly::handle::RequestHandle,
    buffer: &mut Vec<u8>,
    written: &mut usize,
) -> i32 {
    // SAFETY: the host writes at most the capacity and says how much.
    unsafe {
        fastly_sys::fastly_http_req::uri_get(
            request.as_u32(),
            buffer.as_mut_ptr(),
            buffer.capacity(),
            written,
        )
    }
    .code
}
