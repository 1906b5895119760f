//! Arbitrary bytes as the body of a Streamable HTTP POST, through the whole pure stack:
//! origin and header checks, session ids, `jsonrpc::parse`, the MCP dispatcher and the
//! tools (conformance fixtures plus the `fastly` and `backoffice` HTTP tool sets, writes
//! allowed, against a simulated API). The first byte picks header variants; the rest is
//! the body. `jsonrpc::parse` is also checked directly on the same body.
//!
//! Checked on every input, besides "no panic":
//! - the reply is complete and its status is never 5xx;
//! - a 4xx body is one JSON-RPC error response (`"jsonrpc": "2.0"`, integer code,
//!   string message);
//! - a 200 application/json body is a JSON-RPC response or an array of them, answering
//!   the request (same id) or the batch (one output per request or invalid member, in
//!   order); an SSE reply is notifications followed by the response(s);
//! - 202 has an empty body and acknowledges only notifications and responses;
//! - with acceptable headers, a body `parse_with(config.limits.json)` refuses is a 400 with
//!   the same error code, a single request always gets a 200, and refused headers never
//!   reach the dispatcher;
//! - `parse` fails with -32700 exactly when the body is not JSON, otherwise -32600; a
//!   batch keeps every member, and each request or notification matches its JSON.

#![no_main]

use http::{Method, Request};
use libfuzzer_sys::fuzz_target;
use mcp_edge::auth::challenge::ResourceInfo;
use mcp_edge::auth::Principal;
use mcp_edge::config::{Config, Mode};
use mcp_edge::http_tools::HttpToolSet;
use mcp_edge::jsonrpc::{self, Incoming, Limits, Message, RequestId};
use mcp_edge::lazy::{Deferred, Lazy};
use mcp_edge::mcp::model::meta::RequestMeta;
use mcp_edge::mcp::request_state::StateSigner;
use mcp_edge::mcp::server::{Server, ServerInfo};
use mcp_edge::transport::connection::Recorded;
use mcp_edge::transport::session::{Kind, LazySessions, Sessions};
use mcp_edge::transport::held::Fanout;
use mcp_edge::transport::{streamable_http, Endpoint};
use mcp_edge::upstream::{Upstream, UpstreamError, UpstreamRequest, UpstreamResponse};
use serde_json::Value;

const NOW: u64 = 1_700_000_000;
const KEY: &[u8] = b"fuzz-session-key-0123456789abcdef";

/// The conformance tools that pause 50 ms per step (std::thread::sleep) to mimic real
/// work; inputs naming them are skipped so executions stay fast (the sleeps would also
/// trip libFuzzer's slow-unit reports). The diagnostics set, whose payload tool can build
/// 4 MiB replies, is off for the same reason.
const SLOW_TOOLS: [&[u8]; 2] = [b"test_tool_with_progress", b"test_tool_with_logging"];

/// What every execution shares, built once per process: loading the HTTP tool sets
/// parses their catalogs and compiles their schemas. Catalog and server are assembled
/// per execution from these, as the edge does per request (a few pointer copies).
struct Fixture {
    config: Config,
    http_sets: Vec<HttpToolSet>,
    info: ServerInfo,
    sessions: Sessions,
    /// Local mode without authentication: every tool set is usable.
    principal: Principal,
    /// A session id this key issued (sent by some header variants).
    session_id: String,
}

fn fixture() -> Fixture {
    let mut config = Config {
        mode: Mode::Local,
        ..Config::default()
    };
    config.tools.conformance = true;
    config.tools.tool_sets = vec!["fastly".into(), "backoffice".into()];
    config.tools.allow_writes = vec!["fastly".into(), "backoffice".into()];
    let http_sets = mcp_edge::catalog::http_sets(&config);
    assert_eq!(http_sets.len(), 2, "both shipped catalogs must load");
    let sessions = Sessions::new(KEY.to_vec(), NOW, [7; 16], 3600).expect("a 32-byte key");
    let session_id = sessions.issue(Kind::StreamableHttp, "2025-11-25").to_string();
    Fixture {
        config,
        http_sets,
        info: mcp_edge::catalog::server_info(),
        sessions,
        principal: Principal::local(),
        session_id,
    }
}

thread_local! {
    static FIXTURE: Fixture = fixture();
}

const RESOURCE: ResourceInfo<'static> = ResourceInfo {
    resource: "http://localhost:7676/mcp",
    metadata_url: "http://localhost:7676/.well-known/oauth-protected-resource/mcp",
    authorization_servers: &[],
    scopes_supported: &Vec::new,
    oauth: false,
};

/// The API behind the HTTP tools, simulated so tool calls get past the credential lookup
/// (`NoUpstream` has no secrets, so every HTTP tool would stop there) into request
/// rendering, version resolution and the shaping of answers. Each request must stay on
/// the API's host (a path, never a URL); the answer is a function of the request, so
/// inputs reach error statuses, a timeout, long multi-byte text to page through with
/// `offset`, and lists over the tools' size caps.
struct FuzzUpstream;

impl Upstream for FuzzUpstream {
    fn send(&self, request: UpstreamRequest) -> Result<UpstreamResponse, UpstreamError> {
        let target = &request.path_and_query;
        assert!(
            target.starts_with('/') && !target.starts_with("//"),
            "an upstream request not relative to the API: {target:?}"
        );
        assert!(
            target.parse::<http::uri::PathAndQuery>().is_ok(),
            "an upstream request with an invalid path: {target:?}"
        );
        let hash = target
            .bytes()
            .chain(request.body.iter().flatten().copied())
            .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            });
        let mut headers = http::HeaderMap::new();
        let (status, body) = match hash % 8 {
            0 => (
                404,
                br#"{"msg":"Record not found","detail":"Cannot find service"}"#.to_vec(),
            ),
            1 => {
                headers.insert("retry-after", http::HeaderValue::from_static("30"));
                (429, br#"{"msg":"Too many requests"}"#.to_vec())
            }
            2 => (503, b"<html>upstream down \xff\xfe</html>".to_vec()),
            3 => return Err(UpstreamError::Timeout),
            _ => (200, answer(target, request.body.as_deref())),
        };
        Ok(UpstreamResponse {
            status,
            headers,
            body,
        })
    }

    fn secret(&self, key: &str) -> Option<String> {
        Some(format!("fuzz-{key}"))
    }
}

/// A successful answer shaped like what the tool's response spec selects.
fn answer(target: &str, body: Option<&[u8]>) -> Vec<u8> {
    let path = target.split('?').next().unwrap_or(target);
    let value = if path.ends_with("/details") {
        serde_json::json!({ "id": "svc", "name": "é", "active_version": { "number": 3 } })
    } else if path.ends_with("/generated_vcl") {
        // 40 KB of 1- to 4-byte characters: more than the tool's 16 KiB window.
        serde_json::json!({ "content": "vcl é € 😀 ".repeat(2000) })
    } else if path.starts_with("/stats/") {
        let row = serde_json::json!({ "requests": 1, "hits": 2, "region": "ünïcode" });
        serde_json::json!({ "status": "success", "data": vec![row; 600] })
    } else if let Some(body) = body {
        let echo: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        serde_json::json!({ "status": "ok", "echo": echo })
    } else {
        serde_json::json!([{ "id": "a", "path": target }, { "id": "b" }])
    };
    value.to_string().into_bytes()
}

/// The header variants one byte selects.
struct Variant {
    /// `MCP-Protocol-Version`: absent, two supported versions, or an unsupported one.
    version: Option<&'static str>,
    accept: &'static str,
    content_type: &'static str,
    /// `Mcp-Session-Id`: none, the issued one, or a forged one.
    session: Session,
    /// A loopback browser origin (allowed in local mode).
    origin: bool,
}

enum Session {
    None,
    Valid,
    Forged,
}

impl Variant {
    fn from_byte(b: u8) -> Variant {
        Variant {
            version: [
                None,
                Some("2025-03-26"),
                Some("2025-11-25"),
                Some("1999-01-01"),
            ][usize::from(b & 3)],
            accept: [
                "application/json, text/event-stream",
                "*/*",
                "text/event-stream;q=0.5, application/*",
                "application/json",
            ][usize::from((b >> 2) & 3)],
            content_type: ["application/json", "Application/JSON; charset=utf-8"]
                [usize::from((b >> 4) & 1)],
            session: match (b >> 5) & 3 {
                1 => Session::Valid,
                3 => Session::Forged,
                _ => Session::None,
            },
            origin: b & 0x80 != 0,
        }
    }

    /// Whether the transport should get past its header checks to the body.
    fn acceptable(&self) -> bool {
        self.version != Some("1999-01-01")
            && self.accept != "application/json"
            && !matches!(self.session, Session::Forged)
    }

    fn batching(&self) -> bool {
        matches!(self.version, None | Some("2025-03-26"))
    }
}

fn request(variant: &Variant, fixture: &Fixture, body: &[u8]) -> Request<Vec<u8>> {
    let mut builder = Request::builder()
        .method(Method::POST)
        .uri("/mcp")
        .header("host", "localhost:7676")
        .header("accept", variant.accept)
        .header("content-type", variant.content_type);
    if let Some(version) = variant.version {
        builder = builder.header("mcp-protocol-version", version);
    }
    match variant.session {
        Session::None => {}
        Session::Valid => builder = builder.header("mcp-session-id", &fixture.session_id),
        Session::Forged => {
            let forged = format!("{}0", &fixture.session_id[..fixture.session_id.len() - 1]);
            let forged = if forged == fixture.session_id {
                forged.replace('0', "1")
            } else {
                forged
            };
            builder = builder.header("mcp-session-id", forged);
        }
    }
    if variant.origin {
        builder = builder.header("origin", "http://localhost:6274");
    }
    builder.body(body.to_vec()).expect("valid request parts")
}

fn slow(body: &[u8]) -> bool {
    let named = |text: &[u8]| {
        SLOW_TOOLS
            .iter()
            .any(|name| text.windows(name.len()).any(|w| w == *name))
    };
    if named(body) {
        return true;
    }
    // "\u0070" spells "p": compare the unescaped form too.
    body.contains(&b'\\')
        && serde_json::from_slice::<Value>(body)
            .map(|v| named(v.to_string().as_bytes()))
            .unwrap_or(false)
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    FIXTURE.with(|fixture| {
        // `parse` on its own, then with the limits the transport applies (the same unless
        // the configuration changes them); the latter predicts what the reply must be.
        let limits = fixture.config.limits.json;
        let default = check_parse(body, jsonrpc::parse(body), &Limits::default());
        let parsed = if limits == Limits::default() {
            default
        } else {
            check_parse(body, jsonrpc::parse_with(body, &limits), &limits)
        };
        // A body a serde_json::Value cannot hold (an id such as 1e400, which `parse` keeps
        // as text) is answered, but the reply cannot be read back as a Value either.
        let representable = serde_json::from_slice::<Value>(body).is_ok();
        if slow(body) {
            return;
        }
        let variant = Variant::from_byte(first);
        let req = request(&variant, fixture, body);
        let catalog =
            mcp_edge::catalog::for_caller(&fixture.config, &fixture.http_sets, &fixture.principal);
        let states = Lazy::new(|| StateSigner::new(b"0123456789abcdef".to_vec(), 1_000));
        let principal_id = Deferred::new(|| fixture.principal.id());
        let server = Server {
            catalog: &catalog,
            info: &fixture.info,
            page_size: fixture.config.tools.page_size,
            upstream: &FuzzUpstream,
            principal: &principal_id,
            cache_scope: mcp_edge::catalog::cache_scope(&fixture.principal),
            states: &states,
        };
        let sessions = LazySessions::new(|| Some(fixture.sessions.clone()));
        let endpoint = Endpoint {
            config: &fixture.config,
            server: &server,
            sessions: &sessions,
            principal: &fixture.principal,
            resource: &RESOURCE,
        };
        let mut conn = Recorded::default();
        let grip = Lazy::new(|| None);
        let mut published: Vec<Vec<u8>> = Vec::new();
        let kept = std::cell::RefCell::new(std::collections::HashMap::new());
        let mut fanout = Fanout {
            grip: &grip,
            publisher: &mut published,
            store: &kept,
        };
        streamable_http::serve(&req, &endpoint, &mut fanout, &mut conn);
        if representable {
            check_reply(&conn, &variant, &parsed);
        } else {
            assert!(conn.finished, "the reply was left unfinished");
            let status = conn.head.as_ref().expect("no response head").status;
            assert!(status.as_u16() < 500, "status {status} for a client's input");
        }
    });
});

/// What `parse` made of a body: error codes and batch classification.
fn check_parse(
    body: &[u8],
    result: Result<Incoming, jsonrpc::Error>,
    limits: &Limits,
) -> Result<Incoming, i64> {
    let json = serde_json::from_slice::<Value>(body);
    match result {
        Err(error) => {
            let code = error.code.code();
            // JSON's grammar has no range for numbers: where a Value stopped at a number
            // no f64 holds (1e400), the body may still be JSON. As an id that number is
            // read (kept as its text) and the body can then be refused as a request, or
            // fail to parse further on; anywhere else it is the parse error itself.
            match &json {
                Err(e) if e.to_string().contains("number out of range") => assert!(
                    code == -32600 || code == -32700,
                    "JSON with a number out of range: {code} {}",
                    error.message
                ),
                Err(_) => assert_eq!(code, -32700, "malformed JSON must be a parse error"),
                Ok(_) => assert_eq!(code, -32600, "valid JSON refused: {}", error.message),
            }
            Err(code)
        }
        Ok(incoming) => {
            let value = match json {
                Ok(value) => value,
                // Ids are kept as their JSON text, so an id no f64 holds (1e400) is read
                // where a Value is refused; nothing else may differ.
                Err(e) => {
                    let why = e.to_string();
                    assert!(
                        why.contains("number out of range"),
                        "parse accepted a body serde_json rejects: {why}"
                    );
                    return Ok(incoming);
                }
            };
            match (&incoming, &value) {
                (Incoming::Single(message), Value::Object(_)) => {
                    check_message(message, &value);
                }
                (Incoming::Batch(messages), Value::Array(items)) => {
                    assert!(!items.is_empty(), "an empty batch was accepted");
                    assert!(items.len() <= limits.batch, "a batch over the limit");
                    assert_eq!(messages.len(), items.len(), "batch members lost or added");
                    for (message, item) in messages.iter().zip(items) {
                        check_message(message, item);
                    }
                }
                _ => panic!("parse shape {incoming:?} does not match the JSON {value}"),
            }
            Ok(incoming)
        }
    }
}

/// A classified message against the JSON it came from.
fn check_message(message: &Message, value: &Value) {
    match message {
        Message::Request(request) => {
            assert_eq!(value["jsonrpc"], "2.0");
            assert_eq!(value["method"], request.method.as_str());
            assert_ne!(request.id, RequestId::Null, "a request with a null id");
            assert_eq!(
                serde_json::to_value(&request.id).ok().as_ref(),
                value.get("id")
            );
            assert_eq!(request.params.is_some(), !value["params"].is_null());
        }
        Message::Notification { method, .. } => {
            assert_eq!(value["jsonrpc"], "2.0");
            assert_eq!(value["method"], method.as_str());
            assert!(value.get("id").is_none(), "a notification with an id");
        }
        Message::Response(_) => {
            assert!(value.get("method").is_none() && value.get("id").is_some());
        }
        Message::Invalid { .. } => {}
    }
}

fn check_reply(conn: &Recorded, variant: &Variant, parsed: &Result<Incoming, i64>) {
    assert!(conn.finished, "the reply was left unfinished");
    let head = conn.head.as_ref().expect("no response head");
    let status = head.status.as_u16();
    assert!(status < 500, "status {status} for a client's input");
    let content_type = head
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");

    if status >= 400 {
        assert!(!conn.streamed, "an error after the stream started");
        let body: Value = serde_json::from_slice(&conn.body).expect("error body is not JSON");
        check_output(&body);
        assert!(
            body.get("error").is_some(),
            "status {status} without an error: {body}"
        );
        if variant.acceptable() {
            match parsed {
                Err(code) => {
                    assert_eq!(status, 400);
                    assert_eq!(body["error"]["code"], *code);
                }
                // A request claiming MCP 2026-07-28 (its _meta) must carry every field and
                // the headers that match it; the variants send none of those headers.
                Ok(Incoming::Single(Message::Request(request)))
                    if RequestMeta::claimed(request.params.as_ref()) =>
                {
                    let code = body["error"]["code"].as_i64();
                    let expected = matches!(
                        (status, code),
                        (400, Some(-32602 | -32020 | -32022 | -32600)) | (404, Some(-32601))
                    );
                    assert!(expected, "{request:?} refused with {status}: {body}");
                }
                Ok(Incoming::Single(Message::Request(request))) => {
                    panic!("{request:?} refused with {status}: {body}")
                }
                _ => {}
            }
        }
        return;
    }
    assert!(
        variant.acceptable(),
        "status {status} past headers that must be refused"
    );
    match status {
        202 => {
            assert!(conn.body.is_empty(), "202 with a body");
            assert!(parsed.is_ok(), "202 for a body parse refused: {parsed:?}");
            let messages = match parsed {
                Ok(Incoming::Single(message)) => std::slice::from_ref(message),
                Ok(Incoming::Batch(messages)) => messages.as_slice(),
                Err(_) => &[],
            };
            for message in messages {
                assert!(
                    matches!(message, Message::Notification { .. } | Message::Response(_)),
                    "202 although {message:?} needs an answer"
                );
            }
        }
        200 if conn.streamed => {
            assert!(
                content_type.starts_with("text/event-stream"),
                "{content_type}"
            );
            // Notifications as they happened, then the response(s) at the end.
            let messages = sse_messages(&conn.body);
            let split = messages
                .iter()
                .position(|m| m.get("method").is_none())
                .expect("a stream without a response");
            let (notifications, responses) = messages.split_at(split);
            for n in notifications {
                assert_eq!(n["jsonrpc"], "2.0", "{n}");
                assert!(n["method"].is_string(), "{n}");
            }
            match parsed {
                Ok(Incoming::Batch(_)) => {
                    check_answer(&Value::Array(responses.to_vec()), parsed, variant)
                }
                _ => {
                    assert_eq!(responses.len(), 1, "one request, several responses");
                    check_answer(&responses[0], parsed, variant);
                }
            }
        }
        200 => {
            assert!(
                content_type.starts_with("application/json"),
                "{content_type}"
            );
            let body: Value = serde_json::from_slice(&conn.body).expect("200 body is not JSON");
            check_answer(&body, parsed, variant);
        }
        _ => panic!("unexpected status {status}"),
    }
}

/// The response (or batch of responses) ending a 200 reply, against the request.
fn check_answer(body: &Value, parsed: &Result<Incoming, i64>, variant: &Variant) {
    match body {
        Value::Array(outputs) => {
            assert!(!outputs.is_empty(), "an empty batch reply");
            outputs.iter().for_each(check_output);
            if let Ok(Incoming::Batch(messages)) = parsed {
                assert!(
                    variant.batching(),
                    "a batch answered in a version without batches"
                );
                let answered: Vec<&Message> = messages
                    .iter()
                    .filter(|m| matches!(m, Message::Request(_) | Message::Invalid { .. }))
                    .collect();
                assert_eq!(outputs.len(), answered.len(), "one output per request");
                for (output, message) in outputs.iter().zip(answered) {
                    let id = match message {
                        Message::Request(request) => serde_json::to_value(&request.id).ok(),
                        Message::Invalid { id, .. } => serde_json::to_value(id).ok(),
                        _ => unreachable!(),
                    };
                    assert_eq!(output.get("id"), id.as_ref(), "batch outputs out of order");
                }
            } else {
                panic!("an array reply to a single message: {parsed:?}");
            }
        }
        _ => {
            check_output(body);
            match parsed {
                Ok(Incoming::Single(Message::Request(request))) => {
                    let id = serde_json::to_value(&request.id).ok();
                    assert_eq!(body.get("id"), id.as_ref(), "the answer has another id");
                }
                other => panic!("a single 200 answer to {other:?}"),
            }
        }
    }
}

/// One JSON-RPC 2.0 response: an id and exactly one of result and error.
fn check_output(output: &Value) {
    assert_eq!(output["jsonrpc"], "2.0", "{output}");
    assert!(
        output.get("id").is_some(),
        "a response without an id: {output}"
    );
    match (output.get("result"), output.get("error")) {
        (Some(_), None) => {}
        (None, Some(error)) => {
            assert!(error["code"].is_i64(), "{output}");
            assert!(error["message"].is_string(), "{output}");
        }
        _ => panic!("a response needs exactly one of result and error: {output}"),
    }
}

/// The JSON messages of an SSE body (`event: message` + `data:` lines).
fn sse_messages(body: &[u8]) -> Vec<Value> {
    let text = std::str::from_utf8(body).expect("SSE is not UTF-8");
    assert!(text.ends_with("\n\n"), "an unterminated event");
    text.split("\n\n")
        .filter(|event| !event.is_empty())
        .map(|event| {
            let data: Vec<&str> = event
                .lines()
                .filter_map(|line| line.strip_prefix("data: "))
                .collect();
            assert!(event.starts_with("event: message\n"), "{event:?}");
            serde_json::from_str(&data.join("\n")).expect("SSE data is not JSON")
        })
        .collect()
}
