//! The 2026-07-28 checks before dispatch: which rules serve a request, and each refusal.

use super::*;
use crate::jsonrpc::parse;
use serde_json::json;

const MODERN: &str = "2026-07-28";

fn meta() -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientCapabilities": {},
    })
}

fn request(headers: &[(&str, &str)], body: &Value) -> (Request<Vec<u8>>, Incoming) {
    let mut builder = Request::post("/mcp");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let bytes = serde_json::to_vec(body).unwrap();
    let incoming = parse(&bytes).unwrap();
    (builder.body(bytes).unwrap(), incoming)
}

/// The refusal's status, code and id.
fn refused(headers: &[(&str, &str)], body: Value) -> (u16, i64, Value) {
    let (req, incoming) = request(headers, &body);
    let refusal = era(&req, &incoming).expect_err("refused");
    let id = serde_json::to_value(&refusal.id).unwrap();
    (refusal.status.as_u16(), refusal.error.code.code(), id)
}

fn call(name: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": { "name": name, "_meta": meta() } })
}

const GOOD: [(&str, &str); 3] = [
    ("mcp-protocol-version", MODERN),
    ("mcp-method", "tools/call"),
    ("mcp-name", "echo"),
];

#[test]
fn requests_without_modern_meta_keep_the_older_rules() {
    let ping = json!({ "jsonrpc": "2.0", "id": 1, "method": "ping" });
    for headers in [&[][..], &[("mcp-protocol-version", "2025-11-25")][..]] {
        let (req, incoming) = request(headers, &ping);
        assert_eq!(era(&req, &incoming), Ok(None));
    }
    let initialize = json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "protocolVersion": "2025-11-25" } });
    let (req, incoming) = request(&[], &initialize);
    assert_eq!(era(&req, &incoming), Ok(None));
    // An unknown version header is refused with the versions this server speaks.
    let (status, code, _) = refused(&[("mcp-protocol-version", "v999")], ping);
    assert_eq!((status, code), (400, -32022));
}

#[test]
fn a_modern_request_with_matching_headers_is_served_by_its_rules() {
    let (req, incoming) = request(&GOOD, &call("echo"));
    let Ok(Some(Era::Modern(meta))) = era(&req, &incoming) else {
        panic!("modern")
    };
    assert_eq!(meta.protocol_version, MODERN);
    // Header names are case-insensitive, values trimmed, the base64 sentinel decoded.
    let encoded = [
        ("MCP-Protocol-Version", " 2026-07-28 "),
        ("Mcp-Method", "=?base64?dG9vbHMvY2FsbA==?="),
        ("MCP-NAME", "=?base64?w6ljaG8=?="),
    ];
    let (req, incoming) = request(&encoded, &call("écho"));
    assert!(matches!(era(&req, &incoming), Ok(Some(Era::Modern(_)))));
}

#[test]
fn each_rule_refuses_with_its_code_and_the_request_id() {
    // The version header alone makes a request modern: its _meta is then required.
    let bare = json!({ "jsonrpc": "2.0", "id": 3, "method": "server/discover", "params": {} });
    assert_eq!(
        refused(
            &[
                ("mcp-protocol-version", MODERN),
                ("mcp-method", "server/discover")
            ],
            bare
        ),
        (400, -32602, json!(3))
    );
    // Header and _meta disagree: -32020; both name an unknown version: -32022.
    let mut v999 = call("echo");
    v999["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"] = json!("v999");
    assert_eq!(refused(&GOOD, v999.clone()), (400, -32020, json!(7)));
    let v999_headers = [
        ("mcp-protocol-version", "v999"),
        ("mcp-method", "tools/call"),
        ("mcp-name", "echo"),
    ];
    assert_eq!(refused(&v999_headers, v999), (400, -32022, json!(7)));
    // Missing or different Mcp-Method / Mcp-Name; values are case-sensitive.
    assert_eq!(refused(&GOOD[..2], call("echo")), (400, -32020, json!(7)));
    assert_eq!(refused(&GOOD, call("Echo")), (400, -32020, json!(7)));
    let wrong_method = [GOOD[0], ("mcp-method", "tools/list"), GOOD[2]];
    assert_eq!(
        refused(&wrong_method, call("echo")),
        (400, -32020, json!(7))
    );
    // No version header with modern _meta: a mismatch too.
    assert_eq!(refused(&GOOD[1..], call("echo")), (400, -32020, json!(7)));
    // No batches and no client responses in 2026-07-28.
    let batch = json!([call("echo")]);
    assert_eq!(refused(&GOOD, batch).1, -32600);
    let response = json!({ "jsonrpc": "2.0", "id": 1, "result": {} });
    assert_eq!(refused(&GOOD[..1], response).1, -32600);
}

#[test]
fn error_statuses_follow_the_revision() {
    let error = |code: i64| Error {
        code: ErrorCode::from(code),
        message: String::new(),
        data: None,
    };
    assert_eq!(status_of(&error(-32601)), StatusCode::NOT_FOUND);
    for code in [-32020, -32021, -32022] {
        assert_eq!(status_of(&error(code)), StatusCode::BAD_REQUEST);
    }
    assert_eq!(status_of(&error(-32602)), StatusCode::OK);
}
