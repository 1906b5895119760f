//! Streamable HTTP tests: hand-built requests through `serve`, recorded replies.

use super::*;
use crate::config::Mode;
use crate::mcp::server::Server;
use crate::transport::connection::Recorded;
use crate::transport::session::{Kind, LazySessions, Session, Sessions};
use http::header::HeaderName;
use serde_json::json;

mod held;

const NOW: u64 = 1_700_000_000;
const INVALID: i64 = -32600;
const INSPECTOR: &str = "http://localhost:6274";
const EVIL: &str = "http://evil.example.com";
const ALLOW_ORIGIN: &str = "access-control-allow-origin";
const BOTH: &str = "application/json, text/event-stream";
const DEFAULTS: [(&str, &str); 3] = [
    ("host", "localhost:7676"),
    ("accept", BOTH),
    ("content-type", JSON),
];

fn config() -> Config {
    let mut config = Config {
        mode: Mode::Local,
        ..Config::default()
    };
    config.tools.conformance = true;
    config
}

fn sessions() -> Sessions {
    let key = b"0123456789abcdef0123456789abcdef".to_vec();
    Sessions::new(key, NOW, [9; 16], 3600).unwrap()
}

/// A request with the default headers; each change replaces one, or removes it when "".
fn request(method: Method, changes: &[(&str, &str)], body: &str) -> Request<Vec<u8>> {
    let mut builder = Request::builder().method(method).uri("/mcp");
    let headers = builder.headers_mut().unwrap();
    for (name, value) in DEFAULTS.iter().chain(changes) {
        let name = HeaderName::from_bytes(name.as_bytes()).unwrap();
        match *value {
            "" => headers.remove(name),
            value => headers.insert(name, HeaderValue::from_str(value).unwrap()),
        };
    }
    builder.body(body.as_bytes().to_vec()).unwrap()
}

fn serve_with(config: &Config, req: &Request<Vec<u8>>, sessions: Option<&Sessions>) -> Recorded {
    serve_counting(config, req, sessions, &std::cell::Cell::new(0))
}

/// `serve_with`, counting how often the session key is loaded into `loads`.
fn serve_counting(
    config: &Config,
    req: &Request<Vec<u8>>,
    sessions: Option<&Sessions>,
    loads: &std::cell::Cell<u32>,
) -> Recorded {
    serve_on(config, req, sessions, loads, Recorded::default())
}

/// `serve_counting` on the connection `conn`.
fn serve_on(
    config: &Config,
    req: &Request<Vec<u8>>,
    sessions: Option<&Sessions>,
    loads: &std::cell::Cell<u32>,
    conn: Recorded,
) -> Recorded {
    let (conn, served, _) = serve_full(config, req, sessions, loads, conn);
    assert!(matches!(served, Served::Answered(_)), "{served:?}");
    assert!(conn.finished, "the reply must be complete");
    conn
}

/// The key Fanout's callbacks are signed with in these tests (the local Pushpin's way).
pub(super) const GRIP_KEY: &[u8] = b"grip key for the tests";

thread_local! {
    /// What held calls keep (`held_stream.rs`), per test thread, across its requests.
    pub(super) static KEPT: std::rc::Rc<std::cell::RefCell<std::collections::HashMap<String, Vec<u8>>>> =
        std::rc::Rc::default();
}

/// Serves `req` with everything a held call needs: what became of it, the reply, and
/// the bodies published to Fanout.
pub(super) fn serve_full(
    config: &Config,
    req: &Request<Vec<u8>>,
    sessions: Option<&Sessions>,
    loads: &std::cell::Cell<u32>,
    mut conn: Recorded,
) -> (Recorded, Served, Vec<Vec<u8>>) {
    let catalog = crate::catalog::for_caller(config, &[], &crate::auth::Principal::local());
    let info = crate::catalog::server_info();
    let page_size = config.tools.page_size;
    let principal = crate::auth::Principal::local();
    let states = crate::lazy::Lazy::new(|| {
        crate::mcp::request_state::StateSigner::new(b"state key, long enough".to_vec(), 1_000)
    });
    let principal_id = crate::lazy::Deferred::new(|| principal.id());
    let server = Server {
        catalog: &catalog,
        info: &info,
        page_size,
        upstream: &crate::upstream::NoUpstream,
        principal: &principal_id,
        cache_scope: crate::catalog::cache_scope(&principal),
        states: &states,
    };
    let resource = crate::auth::challenge::ResourceInfo {
        resource: "http://localhost:7676/mcp",
        metadata_url: "http://localhost:7676/.well-known/oauth-protected-resource/mcp",
        authorization_servers: &[],
        scopes_supported: &Vec::new,
        oauth: false,
    };
    let sessions = LazySessions::new(|| {
        loads.set(loads.get() + 1);
        sessions.cloned()
    });
    let endpoint = Endpoint {
        config,
        server: &server,
        sessions: &sessions,
        principal: &principal,
        resource: &resource,
    };
    let grip = crate::lazy::Lazy::new(|| {
        Some(crate::fanout::grip_sig::GripVerifier::SharedKey {
            key: GRIP_KEY.to_vec(),
            issuer: "pushpin".into(),
        })
    });
    let mut published: Vec<Vec<u8>> = Vec::new();
    let kept = KEPT.with(std::rc::Rc::clone);
    let mut fanout = Fanout {
        grip: &grip,
        publisher: &mut published,
        store: &*kept,
    };
    let served = serve(req, &endpoint, &mut fanout, &mut conn);
    (conn, served, published)
}

/// Serves a request with sessions enabled.
fn send_req(req: &Request<Vec<u8>>) -> Recorded {
    serve_with(&config(), req, Some(&sessions()))
}

#[test]
fn only_initialize_and_requests_with_a_session_id_load_the_session_key() {
    let loads = std::cell::Cell::new(0);
    let keyed = sessions();
    let serve = |changes: &[(&str, &str)], body: &str| {
        let req = request(Method::POST, changes, body);
        serve_counting(&config(), &req, Some(&keyed), &loads)
    };
    serve(&[], &ping(1));
    assert_eq!(loads.get(), 0, "a request without a session id");
    let id = keyed.issue(Kind::StreamableHttp, "2025-11-25");
    serve(&[("mcp-session-id", &id)], &ping(2));
    assert_eq!(loads.get(), 1, "a request presenting an id");
    let init = rpc(
        json!(3),
        "initialize",
        json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}),
    );
    serve(&[], &init);
    assert_eq!(loads.get(), 2, "initialize");
}

/// POSTs `body` with the default headers changed by `changes`.
fn send(changes: &[(&str, &str)], body: &str) -> Recorded {
    send_req(&request(Method::POST, changes, body))
}

fn rpc(id: Value, method: &str, params: Value) -> String {
    json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }).to_string()
}

fn ping(id: i64) -> String {
    rpc(json!(id), "ping", json!({}))
}

fn initialize(version: &str) -> String {
    let client = json!({ "name": "t", "version": "1" });
    let params = json!({ "protocolVersion": version, "capabilities": {}, "clientInfo": client });
    rpc(json!(1), "initialize", params)
}

fn call_tool(id: i64, params: Value) -> String {
    rpc(json!(id), "tools/call", params)
}

fn batch(items: &[String]) -> String {
    format!("[{}]", items.join(","))
}

fn status(conn: &Recorded) -> u16 {
    conn.head.as_ref().expect("a response head").status.as_u16()
}

fn header<'c>(conn: &'c Recorded, name: &str) -> Option<&'c str> {
    let value = conn.head.as_ref()?.headers.get(name)?;
    Some(value.to_str().unwrap())
}

fn text(conn: &Recorded) -> String {
    String::from_utf8_lossy(&conn.body).into_owned()
}

/// A plain JSON reply with this status; returns its body.
fn json_reply(conn: &Recorded, expected: u16) -> Value {
    assert_eq!(status(conn), expected, "{}", text(conn));
    assert!(!conn.streamed);
    assert_eq!(header(conn, "content-type"), Some(JSON));
    serde_json::from_slice(&conn.body).expect("a JSON body")
}

/// A JSON-RPC error reply with this status and code; returns its id.
fn error_reply(conn: &Recorded, expected: u16, code: i64) -> Value {
    let body = json_reply(conn, expected);
    assert_eq!(body["jsonrpc"], "2.0");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(body["error"]["message"].is_string());
    body["id"].clone()
}

fn empty_reply(conn: &Recorded, expected: u16) {
    assert_eq!(status(conn), expected);
    assert!(conn.body.is_empty(), "{}", text(conn));
}

/// The data of each SSE event of a streamed reply; every event must be `event: message`.
fn events(conn: &Recorded) -> Vec<Value> {
    assert!(conn.streamed && conn.finished);
    assert_eq!(status(conn), 200);
    assert_eq!(header(conn, "content-type"), Some(EVENT_STREAM));
    let text = text(conn);
    assert!(text.ends_with("\n\n"), "{text}");
    let frames = text.split("\n\n").filter(|f| !f.is_empty());
    let data = frames.map(|frame| match frame.split_once('\n') {
        Some(("event: message", data)) => data.strip_prefix("data: ").unwrap().to_string(),
        _ => panic!("not a message event: {frame}"),
    });
    data.map(|d| serde_json::from_str(&d).unwrap()).collect()
}

#[test]
fn initialize_issues_a_session_id_that_verifies() {
    let conn = send(&[], &initialize("2025-06-18"));
    let reply = json_reply(&conn, 200);
    assert_eq!(reply["result"]["protocolVersion"], "2025-06-18");
    let id = header(&conn, "mcp-session-id").expect("a session id");
    let (label, nonce) = ("2025-06-18".to_string(), "09".repeat(16));
    let expected = Session {
        issued_at: NOW,
        label,
        nonce,
    };
    let session = sessions().verify(Kind::StreamableHttp, id);
    assert_eq!(session, Some(expected));
}

#[test]
fn a_valid_session_id_is_served() {
    let id = sessions().issue(Kind::StreamableHttp, "2025-06-18");
    let conn = send(&[("mcp-session-id", &id)], &ping(2));
    let expected = json!({ "jsonrpc": "2.0", "result": {}, "id": 2 });
    assert_eq!(json_reply(&conn, 200), expected);
    assert_eq!(header(&conn, "mcp-session-id"), None, "only on initialize");
}

#[test]
fn forged_or_tampered_session_ids_are_not_found() {
    let id = sessions().issue(Kind::StreamableHttp, "2025-06-18");
    let tampered = id.replacen("2025-06-18", "2025-11-25", 1);
    let (nonce, mac) = ("00".repeat(16), "ab".repeat(32));
    let forged = format!("s1.{NOW:x}.2025-06-18.{nonce}.{mac}");
    let legacy = sessions().issue(Kind::LegacySse, "sse");
    for bad in [
        tampered.as_str(),
        forged.as_str(),
        legacy.as_str(),
        "nonsense",
    ] {
        let conn = send(&[("mcp-session-id", bad)], &ping(3));
        assert_eq!(error_reply(&conn, 404, INVALID), Value::Null, "{bad}");
    }
}

#[test]
fn requests_without_a_session_id_are_served() {
    let conn = send(&[], &ping(4));
    assert_eq!(json_reply(&conn, 200)["result"], json!({}));
}

#[test]
fn without_sessions_no_id_is_issued_and_none_is_known() {
    let req = request(Method::POST, &[], &initialize("2025-11-25"));
    let conn = serve_with(&config(), &req, None);
    let reply = json_reply(&conn, 200);
    assert_eq!(reply["result"]["protocolVersion"], "2025-11-25");
    assert_eq!(header(&conn, "mcp-session-id"), None);
    let id = sessions().issue(Kind::StreamableHttp, "2025-11-25");
    let req = request(Method::POST, &[("mcp-session-id", &id)], &ping(5));
    error_reply(&serve_with(&config(), &req, None), 404, INVALID);
}

#[test]
fn notifications_and_client_responses_are_accepted() {
    let note = r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;
    let response = r#"{"jsonrpc":"2.0","id":"s-1","result":{}}"#;
    for body in [note, response] {
        empty_reply(&send(&[], body), 202);
    }
}

#[test]
fn get_and_delete_are_not_allowed() {
    for method in [Method::GET, Method::DELETE] {
        let req = request(method, &[("accept", EVENT_STREAM)], "");
        let conn = send_req(&req);
        error_reply(&conn, 405, INVALID);
        assert_eq!(header(&conn, "allow"), Some("POST, OPTIONS"));
    }
}

#[test]
fn accept_must_admit_json_and_event_streams() {
    let refused = [
        "",
        JSON,
        EVENT_STREAM,
        "application/json, text/event-stream;q=0",
    ];
    for accept in refused {
        error_reply(&send(&[("accept", accept)], &ping(6)), 406, INVALID);
    }
    let wildcards = [
        "*/*",
        "application/*, text/*",
        "text/event-stream;q=0.5, */*",
    ];
    for accept in wildcards {
        let conn = send(&[("accept", accept)], &ping(6));
        assert_eq!(json_reply(&conn, 200)["id"], 6, "{accept}");
    }
}

#[test]
fn content_type_must_be_json() {
    for content_type in ["text/plain", ""] {
        let conn = send(&[("content-type", content_type)], &ping(7));
        error_reply(&conn, 415, INVALID);
    }
    let charset = [("content-type", "Application/JSON; charset=utf-8")];
    assert_eq!(json_reply(&send(&charset, &ping(7)), 200)["id"], 7);
}

#[test]
fn bodies_over_the_limit_are_refused() {
    let mut config = config();
    config.limits.max_body_bytes = 1024;
    let post = |changes: &[(&str, &str)], body: &str| {
        serve_with(&config, &request(Method::POST, changes, body), None)
    };
    let exact = format!("{:<1024}", ping(8));
    assert_eq!(json_reply(&post(&[], &exact), 200)["id"], 8);
    error_reply(&post(&[], &format!("{exact} ")), 413, INVALID);
    let declared = [("content-length", "1025")];
    error_reply(&post(&declared, &ping(8)), 413, INVALID);
}

#[test]
fn protocol_version_header_must_be_supported_when_present() {
    for bad in ["1999-01-01", "2025-06-19", "latest"] {
        let conn = send(&[("mcp-protocol-version", bad)], &ping(9));
        error_reply(&conn, 400, -32022);
        let body: Value = serde_json::from_slice(&conn.body).unwrap();
        assert_eq!(body["error"]["data"]["requested"], bad);
        assert_eq!(body["error"]["data"]["supported"][0], "2026-07-28");
    }
    for good in version::SUPPORTED {
        let conn = send(&[("mcp-protocol-version", good)], &ping(9));
        assert_eq!(json_reply(&conn, 200)["result"], json!({}), "{good}");
    }
    assert_eq!(json_reply(&send(&[], &ping(9)), 200)["result"], json!({}));
}

#[test]
fn malformed_json_is_a_parse_error_without_an_id() {
    for body in [r#"{"jsonrpc":"2.0","id":1,"#, ""] {
        let conn = send(&[], body);
        assert_eq!(error_reply(&conn, 400, -32700), Value::Null);
    }
}

#[test]
fn invalid_requests_keep_their_id() {
    let wrong_version = r#"{"jsonrpc":"1.0","id":11,"method":"ping"}"#;
    assert_eq!(error_reply(&send(&[], wrong_version), 400, INVALID), 11);
    let array = r#"{"jsonrpc":"2.0","id":"abc","method":"ping","params":[1]}"#;
    assert_eq!(error_reply(&send(&[], array), 400, INVALID), "abc");
    let empty_batch = send(&[], "[]");
    assert_eq!(error_reply(&empty_batch, 400, INVALID), Value::Null);
}

#[test]
fn unknown_methods_are_json_rpc_errors_over_200() {
    let conn = send(&[], &rpc(json!(12), "nope/nothing", json!({})));
    assert_eq!(error_reply(&conn, 200, -32601), 12);
}

#[test]
fn notifications_switch_the_reply_to_an_event_stream() {
    let meta = json!({ "progressToken": "p" });
    let params = json!({ "name": "test_tool_with_progress", "_meta": meta });
    let events = events(&send(&[], &call_tool(13, params)));
    assert_eq!(events.len(), 4);
    let mut last = -1.0;
    for note in &events[..3] {
        assert_eq!(note["method"], "notifications/progress");
        assert_eq!(note["params"]["progressToken"], "p");
        let progress = note["params"]["progress"].as_f64().unwrap();
        assert!(progress > last);
        last = progress;
    }
    assert_eq!(events[3]["id"], 13, "the response comes last");
    assert_eq!(events[3]["result"]["content"][0]["type"], "text");
}

#[test]
fn streamed_replies_carry_cors_headers() {
    let params = json!({ "name": "test_tool_with_logging", "arguments": {} });
    let conn = send(&[("origin", INSPECTOR)], &call_tool(16, params));
    let events = events(&conn);
    assert_eq!(header(&conn, ALLOW_ORIGIN), Some(INSPECTOR));
    let methods: Vec<_> = events.iter().map(|e| e["method"].as_str()).collect();
    let log = Some("notifications/message");
    assert_eq!(methods, [log, log, log, None], "logs, then the response");
}

#[test]
fn calls_without_notifications_answer_plain_json() {
    let params = json!({ "name": "test_tool_with_progress" });
    let reply = json_reply(&send(&[], &call_tool(14, params)), 200);
    assert_eq!(reply["result"]["content"][0]["type"], "text");
    let params = json!({ "name": "test_simple_text", "arguments": {} });
    let conn = send(&[], &call_tool(15, params));
    assert_eq!(json_reply(&conn, 200)["id"], 15);
}

#[test]
fn batches_are_answered_in_2025_03_26_and_without_a_header() {
    let pong = |id: i64| json!({ "jsonrpc": "2.0", "result": {}, "id": id });
    let pings = batch(&[ping(1), ping(2)]);
    for version in ["2025-03-26", ""] {
        let conn = send(&[("mcp-protocol-version", version)], &pings);
        let expected = json!([pong(1), pong(2)]);
        assert_eq!(json_reply(&conn, 200), expected, "{version}");
    }
}

#[test]
fn initialize_may_not_travel_in_a_batch() {
    let conn = send(&[], &batch(&[initialize("2025-03-26"), ping(2)]));
    let reply = json_reply(&conn, 200);
    assert_eq!(reply[0]["id"], 1);
    assert_eq!(reply[0]["error"]["code"], INVALID);
    assert_eq!(reply[1]["result"], json!({}));
    assert_eq!(header(&conn, "mcp-session-id"), None);
}

#[test]
fn a_batch_of_notifications_is_accepted() {
    let note = r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;
    let response = r#"{"jsonrpc":"2.0","id":5,"result":{}}"#;
    let body = batch(&[note.to_string(), response.to_string()]);
    empty_reply(&send(&[], &body), 202);
}

#[test]
fn batches_are_refused_from_2025_06_18() {
    let pings = batch(&[ping(1), ping(2)]);
    for version in ["2025-06-18", "2025-11-25"] {
        let conn = send(&[("mcp-protocol-version", version)], &pings);
        assert_eq!(error_reply(&conn, 400, INVALID), Value::Null);
    }
}

#[test]
fn foreign_hosts_and_origins_are_forbidden() {
    for change in [("host", "evil.example.com"), ("origin", EVIL)] {
        let conn = send(&[change], &ping(1));
        error_reply(&conn, 403, INVALID);
        assert_eq!(header(&conn, ALLOW_ORIGIN), None);
    }
}

#[test]
fn allowed_origins_get_cors_headers() {
    let conn = send(&[("origin", INSPECTOR)], &initialize("2025-06-18"));
    json_reply(&conn, 200);
    assert_eq!(header(&conn, ALLOW_ORIGIN), Some(INSPECTOR));
    let exposed = header(&conn, "access-control-expose-headers").unwrap();
    assert!(exposed.contains("Mcp-Session-Id"), "{exposed}");
    assert!(header(&conn, "mcp-session-id").is_some());
}

#[test]
fn preflights_from_allowed_origins_list_the_mcp_headers() {
    let conn = send_req(&request(Method::OPTIONS, &[("origin", INSPECTOR)], ""));
    empty_reply(&conn, 204);
    assert_eq!(header(&conn, ALLOW_ORIGIN), Some(INSPECTOR));
    let methods = header(&conn, "access-control-allow-methods").unwrap();
    assert!(methods.contains("POST"), "{methods}");
    let allowed = header(&conn, "access-control-allow-headers").unwrap();
    let needed = [
        "MCP-Protocol-Version",
        "Mcp-Session-Id",
        "Authorization",
        "Last-Event-ID",
    ];
    for name in needed {
        assert!(allowed.contains(name), "{name} missing from {allowed}");
    }
}

#[test]
fn preflights_from_other_origins_are_forbidden() {
    let conn = send_req(&request(Method::OPTIONS, &[("origin", EVIL)], ""));
    error_reply(&conn, 403, INVALID);
    assert_eq!(header(&conn, ALLOW_ORIGIN), None);
    assert_eq!(header(&conn, "access-control-allow-headers"), None);
}

#[test]
fn every_json_number_id_is_answered_with_the_same_bytes() {
    let ids = ["-1", "1.5", "18446744073709551616", "1e3", "-0", "2.50"];
    for id in ids {
        let conn = send(
            &[],
            &format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"ping"}}"#),
        );
        json_reply(&conn, 200);
        assert_eq!(
            text(&conn),
            format!(r#"{{"jsonrpc":"2.0","result":{{}},"id":{id}}}"#)
        );
        let invalid = format!(r#"{{"jsonrpc":"1.0","id":{id},"method":"ping"}}"#);
        let conn = send(&[], &invalid);
        error_reply(&conn, 400, INVALID);
        assert!(
            text(&conn).ends_with(&format!(r#","id":{id}}}"#)),
            "{}",
            text(&conn)
        );
    }
    let pings: Vec<String> = ids
        .iter()
        .map(|id| format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"ping"}}"#))
        .collect();
    let conn = send(&[("mcp-protocol-version", "2025-03-26")], &batch(&pings));
    json_reply(&conn, 200);
    let answers: Vec<String> = ids
        .iter()
        .map(|id| format!(r#"{{"jsonrpc":"2.0","result":{{}},"id":{id}}}"#))
        .collect();
    assert_eq!(text(&conn), format!("[{}]", answers.join(",")));
}

#[test]
fn accept_split_over_two_field_lines_is_accepted() {
    let mut req = request(Method::POST, &[("accept", JSON)], &ping(17));
    let headers = req.headers_mut();
    headers.append("accept", HeaderValue::from_static(EVENT_STREAM));
    assert_eq!(json_reply(&send_req(&req), 200)["id"], 17);
}

/// A session id issued two hours before NOW (the test TTL is one hour).
fn expired_session_id() -> String {
    let key = b"0123456789abcdef0123456789abcdef".to_vec();
    let then = Sessions::new(key, NOW - 7200, [9; 16], 3600).unwrap();
    then.issue(Kind::StreamableHttp, "2025-11-25").to_string()
}

#[test]
fn get_and_delete_with_an_expired_or_forged_session_are_not_found() {
    let (nonce, mac) = ("00".repeat(16), "ab".repeat(32));
    let forged = format!("s1.{NOW:x}.2025-11-25.{nonce}.{mac}");
    let expired = expired_session_id();
    for method in [Method::GET, Method::DELETE] {
        for bad in [expired.as_str(), forged.as_str(), "nonsense"] {
            let changes = [("accept", EVENT_STREAM), ("mcp-session-id", bad)];
            let conn = send_req(&request(method.clone(), &changes, ""));
            assert_eq!(
                error_reply(&conn, 404, INVALID),
                Value::Null,
                "{method} {bad}"
            );
        }
        let live = sessions().issue(Kind::StreamableHttp, "2025-11-25");
        let changes = [("accept", EVENT_STREAM), ("mcp-session-id", live.as_str())];
        let conn = send_req(&request(method.clone(), &changes, ""));
        error_reply(&conn, 405, INVALID);
        assert_eq!(header(&conn, "allow"), Some("POST, OPTIONS"), "{method}");
    }
}

#[test]
fn without_a_version_header_the_sessions_version_decides_batching() {
    let pings = batch(&[ping(1), ping(2)]);
    let newer = sessions().issue(Kind::StreamableHttp, "2025-11-25");
    let conn = send(&[("mcp-session-id", &newer)], &pings);
    assert_eq!(error_reply(&conn, 400, INVALID), Value::Null);
    let older = sessions().issue(Kind::StreamableHttp, "2025-03-26");
    let conn = send(&[("mcp-session-id", &older)], &pings);
    assert_eq!(json_reply(&conn, 200).as_array().map(Vec::len), Some(2));
    // The header, when present, is what the request says it speaks.
    let header = [
        ("mcp-session-id", older.as_str()),
        ("mcp-protocol-version", "2025-11-25"),
    ];
    error_reply(&send(&header, &pings), 400, INVALID);
}

#[test]
fn a_client_that_closes_the_stream_cancels_the_request() {
    let params = json!({ "name": "test_tool_with_progress", "_meta": { "progressToken": "p" } });
    let req = request(Method::POST, &[], &call_tool(4, params));
    let gone = Recorded {
        gone_after_writes: Some(1),
        ..Recorded::default()
    };
    let conn = serve_on(&config(), &req, None, &std::cell::Cell::new(0), gone);
    assert!(conn.streamed);
    // The first progress event went out; the tool then saw the stream closed and stopped
    // (no more progress, and its result has no reader).
    let events = text(&conn);
    assert_eq!(
        events.matches("notifications/progress").count(),
        1,
        "{events}"
    );
    assert!(!events.contains("Progress test completed"), "{events}");
}
