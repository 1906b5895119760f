use super::*;
use crate::catalog::CATALOGS;
use crate::mcp::context::RequestContext;
use crate::registry::tool::{Arguments, Tool};
use crate::upstream::{Upstream, UpstreamError, UpstreamRequest, UpstreamResponse};
use serde_json::{json, Value};
use std::cell::RefCell;

/// (path prefix, status, body, headers)
type Answer = (&'static str, u16, Value, Vec<(&'static str, &'static str)>);

/// An API double: answers by path prefix and records what reached it.
struct FakeApi {
    answers: Vec<Answer>,
    seen: RefCell<Vec<UpstreamRequest>>,
}

impl FakeApi {
    fn new(answers: Vec<Answer>) -> Self {
        FakeApi {
            answers,
            seen: RefCell::new(Vec::new()),
        }
    }
}

impl Upstream for FakeApi {
    fn send(&self, request: UpstreamRequest) -> Result<UpstreamResponse, UpstreamError> {
        let path = request.path_and_query.clone();
        self.seen.borrow_mut().push(request);
        let (_, status, body, headers) = self
            .answers
            .iter()
            .find(|(prefix, ..)| path.starts_with(prefix))
            .ok_or(UpstreamError::Unreachable)?;
        let mut map = http::HeaderMap::new();
        for (k, v) in headers {
            map.insert(*k, http::HeaderValue::from_static(v));
        }
        let body = match body {
            Value::String(s) if s.starts_with("raw:") => s.as_bytes()[4..].to_vec(),
            other => other.to_string().into_bytes(),
        };
        Ok(UpstreamResponse {
            status: *status,
            headers: map,
            body,
        })
    }

    /// Every key has a value here, the server's own included: what a tool may read is
    /// its catalog's business, not the store's.
    fn secret(&self, key: &str) -> Option<String> {
        Some(format!("secret-{key}"))
    }
}

fn set(name: &str) -> HttpToolSet {
    let json = CATALOGS.iter().find(|(n, _)| *n == name).unwrap().1;
    load(json).unwrap()
}

fn call(api: &FakeApi, set_name: &str, tool: &str, args: Value) -> Value {
    let set = set(set_name);
    let tool = set.tools.iter().find(|t| t.name() == tool).unwrap();
    let mut notes = Vec::new();
    let mut ctx = RequestContext::new(None, &mut notes, api);
    let outcome = tool.call(Arguments::of(&args).unwrap(), &mut ctx);
    outcome.complete().expect("a complete result").to_json()
}

fn text(result: &Value) -> String {
    result["content"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["text"].as_str().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn shipped_catalogs_are_valid_and_describe_every_tool() {
    for (name, json) in CATALOGS {
        let loaded = load(json).unwrap_or_else(|e| panic!("{name}: {e}"));
        check_schemas(&loaded).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(loaded.name, name);
        for tool in &loaded.tools {
            let d = serde_json::to_value(tool.describe()).unwrap();
            assert_eq!(d["inputSchema"]["type"], "object", "{}", tool.name());
            assert!(d["annotations"]["readOnlyHint"].is_boolean());
        }
    }
    let fastly = set("fastly");
    let writes: Vec<_> = fastly
        .tools
        .iter()
        .filter(|t| t.writes())
        .map(|t| t.name())
        .collect();
    assert_eq!(writes, ["fastly_purge_surrogate_key", "fastly_purge_all"]);
}

#[test]
fn malformed_catalogs_are_refused() {
    let base = json!({ "tool_set": "x", "backend": "x_api", "secrets": ["x_token"], "tools": [{
        "name": "t", "description": "A tool that does something useful.",
        "inputSchema": { "type": "object", "properties": { "id": { "type": "string" } }, "required": ["id"] },
        "annotations": { "readOnlyHint": true },
        "request": { "method": "GET", "path": "/a/{id}" }
    }]});
    assert!(load(&base.to_string()).is_ok());
    let broken = |path: &str, value: Value| {
        let mut doc = base.clone();
        *doc.pointer_mut(path).unwrap() = value;
        load(&doc.to_string()).err().unwrap()
    };
    assert!(broken("/tools/0/name", json!("bad name")).contains("names use"));
    assert!(broken("/tools/0/request/path", json!("/a/{nope}")).contains("must be required"));
    assert!(broken("/tools/0/request/method", json!("POST")).contains("readOnlyHint"));
    assert!(broken("/tools/0/request/method", json!("TRACE")).contains("unsupported method"));
    assert!(broken("/tools/0/inputSchema/type", json!("array")).contains("object schema"));
    assert!(broken("/tools/0/request/path", json!("a/{id}")).contains("start with '/'"));
    assert!(broken("/tools/0/description", json!("short")).contains("description"));
    assert!(broken("/backend", json!("self")).contains("backend must be"));
    assert!(broken("/backend", json!("a b")).contains("backend must be"));
    for owned in crate::secret_keys::SERVER_OWNED {
        assert!(broken("/secrets", json!([owned])).contains("belongs to the server"));
    }
    let header = json!({ "Authorization": { "secret": "api_token", "prefix": "Bearer " } });
    let request = json!({ "method": "GET", "path": "/a/{id}", "headers": header });
    assert!(broken("/tools/0/request", request)
        .contains("header secret 'api_token' is not among the catalog's secrets"));
    let mut bad_schema = base.clone();
    bad_schema["tools"][0]["inputSchema"]["properties"]["id"]["type"] = json!("no-such-type");
    let loaded = load(&bad_schema.to_string()).unwrap();
    assert!(check_schemas(&loaded)
        .unwrap_err()
        .contains("this server does not check"));
    assert!(broken(
        "/tools/0/request",
        json!({"method":"GET","path":"/a/{id}","query":{"q":"{zz}"}})
    )
    .contains("'zz'"));
    assert!(broken(
        "/tools/0/request",
        json!({"method":"GET","path":"/a/{id}","extra":1})
    )
    .contains("unknown field"));
}

#[test]
fn catalogs_never_share_a_secret_or_a_name() {
    let files: Vec<CatalogFile> = CATALOGS
        .iter()
        .map(|(_, json)| serde_json::from_str(json).unwrap())
        .collect();
    validate_together(&files.iter().collect::<Vec<_>>()).unwrap();
    let other = |secret: &str, set: &str| -> CatalogFile {
        serde_json::from_value(
            json!({ "tool_set": set, "backend": "other", "secrets": [secret], "tools": [] }),
        )
        .unwrap()
    };
    let (thief, twin) = (other("api_token", "thief"), other("x", "fastly"));
    let err = validate_together(&[&files[0], &thief]).unwrap_err();
    assert!(err.contains("both name secret 'api_token'"), "{err}");
    let err = validate_together(&[&files[0], &twin]).unwrap_err();
    assert!(err.contains("defined twice"), "{err}");
}

#[test]
fn each_catalog_goes_to_its_own_backend_with_only_its_own_secret() {
    let api = FakeApi::new(vec![
        ("/service?", 200, json!([]), vec![]),
        (
            "/backoffice/",
            200,
            json!({ "crew_id": "c-1001", "role": "lead" }),
            vec![],
        ),
    ]);
    call(&api, "fastly", "fastly_list_services", json!({}));
    call(
        &api,
        "backoffice",
        "backoffice_staff_role",
        json!({ "crew_id": "c-1001" }),
    );
    let seen = api.seen.borrow();
    let sent = |n: usize| -> Vec<(String, String)> {
        seen[n]
            .headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_string()))
            .collect()
    };
    assert_eq!(seen[0].backend, "api");
    assert!(sent(0).contains(&("fastly-key".into(), "secret-api_token".into())));
    assert_eq!(seen[1].backend, "backoffice");
    assert!(sent(1).contains(&(
        "authorization".into(),
        "Bearer secret-backoffice_token".into()
    )));
    for (n, foreign) in [(0, "backoffice_token"), (1, "api_token")] {
        assert!(
            sent(n).iter().all(|(_, v)| !v.contains(foreign)),
            "{:?}",
            sent(n)
        );
    }
}

#[test]
fn a_catalog_reads_only_the_secrets_it_lists() {
    let access = ApiAccess {
        backend: "b".into(),
        secrets: vec!["mine".into(), "session_key".into()],
    };
    let api = FakeApi::new(vec![]);
    assert_eq!(access.secret(&api, "mine").as_deref(), Some("secret-mine"));
    assert_eq!(access.secret(&api, "api_token"), None, "another catalog's");
    assert_eq!(access.secret(&api, "session_key"), None, "the server's own");
}

#[test]
fn a_call_sends_the_rendered_request_with_the_secret_header() {
    let api = FakeApi::new(vec![(
        "/service?",
        200,
        json!([{ "id": "a" }, { "id": "b" }]),
        vec![],
    )]);
    let result = call(
        &api,
        "fastly",
        "fastly_list_services",
        json!({ "page": 2, "per_page": 5 }),
    );
    assert_eq!(
        result["structuredContent"],
        json!({ "items": [{ "id": "a" }, { "id": "b" }], "total": 2, "truncated": false })
    );
    let seen = api.seen.borrow();
    assert_eq!(seen[0].path_and_query, "/service?page=2&per_page=5");
    let key = seen[0]
        .headers
        .iter()
        .find(|(n, _)| n == "fastly-key")
        .unwrap();
    assert_eq!(key.1, "secret-api_token");
}

#[test]
fn invalid_arguments_never_reach_the_api() {
    let api = FakeApi::new(vec![]);
    for (args, expect) in [
        (json!({}), "\"service_id\" is a required property"),
        (json!({ "service_id": "../admin" }), "'service_id'"),
        (json!({ "service_id": "abc%2F" }), "'service_id'"),
        (json!({ "service_id": "abc\r\nX: 1" }), "'service_id'"),
        (json!({ "service_id": 7 }), "'service_id'"),
        (
            json!({ "service_id": "abc", "extra": 1 }),
            "Additional properties",
        ),
    ] {
        let result = call(&api, "fastly", "fastly_get_service", args.clone());
        assert_eq!(result["isError"], true, "{args}");
        assert!(text(&result).contains(expect), "{args}: {}", text(&result));
    }
    let result = call(
        &api,
        "backoffice",
        "backoffice_register_hours",
        json!({ "crew_id": "c-1", "date": "2026-02-30", "hours": 25 }),
    );
    let t = text(&result);
    assert!(t.contains("'date'") && t.contains("'hours'"), "{t}");
    assert!(api.seen.borrow().is_empty());
}

#[test]
fn free_form_path_arguments_are_encoded_as_one_segment() {
    let api = FakeApi::new(vec![("/service/", 200, json!({ "status": "ok" }), vec![])]);
    call(
        &api,
        "fastly",
        "fastly_purge_surrogate_key",
        json!({ "service_id": "abc", "surrogate_key": "../../x%2Fy\r\nHost: evil" }),
    );
    let seen = api.seen.borrow();
    assert_eq!(
        seen[0].path_and_query,
        "/service/abc/purge/..%2F..%2Fx%252Fy%0D%0AHost%3A%20evil"
    );
    assert_eq!(seen[0].method, http::Method::POST);
    let dots = call(
        &api,
        "fastly",
        "fastly_purge_surrogate_key",
        json!({ "service_id": "abc", "surrogate_key": ".." }),
    );
    assert_eq!(dots["isError"], true);
}

#[test]
fn missing_versions_resolve_to_the_active_one() {
    let api = FakeApi::new(vec![
        (
            "/service/abc/details",
            200,
            json!({ "active_version": { "number": 7 } }),
            vec![],
        ),
        (
            "/service/abc/version/7/backend",
            200,
            json!([{ "name": "origin" }]),
            vec![],
        ),
        (
            "/service/none/details",
            200,
            json!({ "active_version": null }),
            vec![],
        ),
    ]);
    let result = call(
        &api,
        "fastly",
        "fastly_list_backends",
        json!({ "service_id": "abc" }),
    );
    assert_eq!(result["structuredContent"]["items"][0]["name"], "origin");
    assert_eq!(api.seen.borrow().len(), 2);
    let none = call(
        &api,
        "fastly",
        "fastly_list_backends",
        json!({ "service_id": "none" }),
    );
    assert!(text(&none).contains("no active version"));
}

#[test]
fn upstream_failures_carry_status_and_message() {
    let api = FakeApi::new(vec![
        (
            "/service/s401/",
            401,
            json!({ "msg": "Provided credentials are missing or invalid" }),
            vec![],
        ),
        (
            "/service/s404/",
            404,
            json!({ "msg": "Record not found", "detail": "Cannot find service 's404'" }),
            vec![],
        ),
        (
            "/service/s429/",
            429,
            json!({ "msg": "Too many requests" }),
            vec![("retry-after", "30")],
        ),
        (
            "/service/s500/",
            500,
            json!("raw:<html>oops</html>"),
            vec![],
        ),
    ]);
    let r401 = call(
        &api,
        "fastly",
        "fastly_get_service",
        json!({ "service_id": "s401" }),
    );
    assert!(text(&r401).starts_with("HTTP 401: The API refused this server's credentials"));
    assert!(text(&r401).contains("Provided credentials are missing or invalid"));
    assert!(!text(&r401).contains("secret-api_token"));
    let r404 = call(
        &api,
        "fastly",
        "fastly_get_service",
        json!({ "service_id": "s404" }),
    );
    assert!(text(&r404).contains("HTTP 404") && text(&r404).contains("Cannot find service 's404'"));
    let r429 = call(
        &api,
        "fastly",
        "fastly_get_service",
        json!({ "service_id": "s429" }),
    );
    assert!(text(&r429).contains("retry after 30 seconds"));
    assert!(r429.get("structuredContent").is_none());
    let r500 = call(
        &api,
        "fastly",
        "fastly_get_service",
        json!({ "service_id": "s500" }),
    );
    assert!(text(&r500).contains("HTTP 500") && text(&r500).contains("<html>oops</html>"));
    for r in [&r401, &r404, &r429, &r500] {
        assert_eq!(r["isError"], true);
    }
    let down = call(
        &api,
        "fastly",
        "fastly_get_service",
        json!({ "service_id": "elsewhere" }),
    );
    assert!(text(&down).contains("could not be reached"));
}

#[test]
fn large_text_is_paged_by_offset() {
    let vcl = "x".repeat(40_000);
    let api = FakeApi::new(vec![(
        "/service/abc/version/3/generated_vcl",
        200,
        json!({ "content": vcl }),
        vec![],
    )]);
    let first = call(
        &api,
        "fastly",
        "fastly_get_generated_vcl",
        json!({ "service_id": "abc", "version": 3 }),
    );
    assert_eq!(first["content"][0]["text"].as_str().unwrap().len(), 16384);
    assert!(text(&first).contains("bytes 0-16384 of 40000. Call again with offset=16384"));
    let last = call(
        &api,
        "fastly",
        "fastly_get_generated_vcl",
        json!({ "service_id": "abc", "version": 3, "offset": 32768 }),
    );
    assert_eq!(
        last["content"][0]["text"].as_str().unwrap().len(),
        40_000 - 32768
    );
    assert!(!text(&last).contains("Call again"));
    let past = call(
        &api,
        "fastly",
        "fastly_get_generated_vcl",
        json!({ "service_id": "abc", "version": 3, "offset": 50000 }),
    );
    assert_eq!(past["isError"], true);
}

#[test]
fn large_lists_and_objects_are_cut_with_a_note() {
    let buckets: Vec<Value> = (0..2000)
        .map(|i| json!({ "start_time": i, "requests": i * 10 }))
        .collect();
    let api = FakeApi::new(vec![
        (
            "/stats/",
            200,
            json!({ "status": "success", "data": buckets }),
            vec![],
        ),
        (
            "/service/big/details",
            200,
            json!({ "id": "big", "versions": (0..3000).map(|n| json!({ "number": n })).collect::<Vec<_>>() }),
            vec![],
        ),
    ]);
    let stats = call(
        &api,
        "fastly",
        "fastly_get_stats",
        json!({ "service_id": "abc", "from": "1 day ago" }),
    );
    let s = &stats["structuredContent"];
    assert_eq!(s["total"], 2000);
    assert_eq!(s["truncated"], true);
    assert!(s.to_string().len() <= 24576 + 64);
    assert!(text(&stats).contains("showing the first"));
    let details = call(
        &api,
        "fastly",
        "fastly_get_service",
        json!({ "service_id": "big" }),
    );
    assert!(
        details["structuredContent"]["versions"]
            .as_array()
            .unwrap()
            .len()
            < 3000
    );
    assert!(text(&details).contains("'versions' shows the first"));
}

#[test]
fn missing_credentials_are_reported_without_a_call() {
    struct NoSecrets;
    impl Upstream for NoSecrets {
        fn send(&self, _: UpstreamRequest) -> Result<UpstreamResponse, UpstreamError> {
            panic!("must not be called")
        }
        fn secret(&self, _: &str) -> Option<String> {
            None
        }
    }
    let set = set("backoffice");
    let tool = set
        .tools
        .iter()
        .find(|t| t.name() == "backoffice_staff_role")
        .unwrap();
    let mut notes = Vec::new();
    let mut ctx = RequestContext::new(None, &mut notes, &NoSecrets);
    let result = tool
        .call(
            Arguments::of(&json!({ "crew_id": "c-1001" })).unwrap(),
            &mut ctx,
        )
        .complete()
        .unwrap();
    assert!(result.is_error);
    assert!(result
        .to_json()
        .to_string()
        .contains("Secret Store key 'backoffice_token'"));
}

/// A tool with an outputSchema either returns structuredContent that conforms to it or an
/// isError result; never a success without it (MCP clients reject those).
#[test]
fn answers_that_cannot_meet_the_output_schema_are_errors() {
    let hours = json!({ "crew_id": "c-1001", "date": "2025-09-01", "hours": 7.5 });
    let role = json!({ "crew_id": "c-1001" });
    let cases = [
        (
            "backoffice_register_hours",
            hours.clone(),
            201,
            json!("raw:"),
        ),
        (
            "backoffice_register_hours",
            hours.clone(),
            204,
            json!("raw:"),
        ),
        (
            "backoffice_register_hours",
            hours.clone(),
            200,
            json!({ "ok": true }),
        ),
        (
            "backoffice_staff_role",
            role.clone(),
            200,
            json!("raw:<html>maintenance</html>"),
        ),
        (
            "backoffice_staff_role",
            role.clone(),
            200,
            json!("Ana Ortiz"),
        ),
        ("backoffice_staff_role", role.clone(), 200, json!(42)),
        ("backoffice_staff_role", role.clone(), 200, json!(null)),
        (
            "backoffice_staff_role",
            role.clone(),
            200,
            json!({ "crew_id": "c-1001", "name": 5, "role": "x" }),
        ),
    ];
    for (tool, args, status, body) in cases {
        let api = FakeApi::new(vec![("/backoffice/", status, body.clone(), vec![])]);
        let result = call(&api, "backoffice", tool, args);
        assert_eq!(result["isError"], true, "{tool} {status} {body}: {result}");
        assert!(result.get("structuredContent").is_none(), "{result}");
        let text = text(&result);
        assert!(text.contains(&format!("HTTP {status}")), "{text}");
        assert!(text.contains("output schema"), "{text}");
    }
    // A conforming answer is unchanged, and tools without an outputSchema keep their
    // structured status for an empty answer.
    let entry =
        json!({ "entry_id": "e-1", "crew_id": "c-1001", "date": "2025-09-01", "hours": 7.5 });
    let api = FakeApi::new(vec![("/backoffice/", 201, entry.clone(), vec![])]);
    let result = call(&api, "backoffice", "backoffice_register_hours", hours);
    assert_eq!(result["structuredContent"], entry, "{result}");
    let api = FakeApi::new(vec![("/service/", 200, json!("raw:"), vec![])]);
    let args = json!({ "service_id": "abc" });
    let result = call(&api, "fastly", "fastly_get_service", args);
    assert_eq!(
        result["structuredContent"],
        json!({ "status": 200 }),
        "{result}"
    );
}
