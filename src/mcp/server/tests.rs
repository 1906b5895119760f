//! Dispatcher tests: every MCP method against the conformance catalog (and the empty one).

use super::*;
use crate::catalog;
use crate::config::Config;
use crate::mcp::version::{LATEST, SUPPORTED};
use crate::registry::tool::Arguments;
use serde_json::{json, Value};

const INVALID_PARAMS: i64 = -32602;
const NOT_FOUND: i64 = -32601;
const TEMPLATE: &str = "test://template/{id}/data";

/// Runs one request (id 1) and returns the JSON-RPC output and the notifications sent.
fn run(conformance: bool, page_size: usize, method: &str, params: Value) -> (Value, Vec<Value>) {
    run_in(
        &Era::legacy(),
        "local",
        conformance,
        page_size,
        method,
        params,
    )
}

/// `run` by `era`'s rules, as the caller `principal`, with a request state key.
pub(super) fn run_in(
    era: &Era,
    principal: &str,
    conformance: bool,
    page_size: usize,
    method: &str,
    params: Value,
) -> (Value, Vec<Value>) {
    let mut config = Config::default();
    config.tools.conformance = conformance;
    let catalog = catalog::for_caller(&config, &[], &crate::auth::Principal::local());
    let info = catalog::server_info();
    let states = Lazy::new(|| StateSigner::new(b"0123456789abcdef".to_vec(), 1_000));
    let principal = crate::lazy::Deferred::new(|| principal.to_string());
    let server = Server {
        catalog: &catalog,
        info: &info,
        page_size,
        upstream: &crate::upstream::NoUpstream,
        principal: &principal,
        cache_scope: CacheScope::Private,
        states: &states,
    };
    let message = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
    let crate::jsonrpc::Message::Request(request) = crate::jsonrpc::classify(message) else {
        panic!("not a request: {method} {params}");
    };
    let mut sent: Vec<Value> = Vec::new();
    let output = serde_json::to_value(server.handle(request, era, &mut sent)).unwrap();
    assert_eq!(output["jsonrpc"], "2.0");
    assert_eq!(output["id"], 1);
    (output, sent)
}

/// The result of a successful request on the conformance catalog.
fn ok(method: &str, params: Value) -> Value {
    let (output, _) = run(true, 50, method, params);
    assert!(output.get("error").is_none(), "{method}: {output}");
    output["result"].clone()
}

/// The error object of a failed request; `conformance` picks the catalog.
fn err_in(conformance: bool, method: &str, params: Value, code: i64) -> Value {
    let (output, sent) = run(conformance, 50, method, params);
    assert!(output.get("result").is_none(), "{method}: {output}");
    assert_eq!(output["error"]["code"], code, "{method}: {output}");
    assert!(sent.is_empty());
    output["error"].clone()
}

fn err(method: &str, params: Value, code: i64) -> Value {
    err_in(true, method, params, code)
}

/// An invalid-params error on the conformance catalog.
fn bad(method: &str, params: Value) -> Value {
    err_in(true, method, params, INVALID_PARAMS)
}

/// tools/call: the tool result and the notifications it emitted.
fn call_tool(name: &str, arguments: Value, meta: Option<Value>) -> (Value, Vec<Value>) {
    let mut params = json!({ "name": name, "arguments": arguments });
    if let Some(meta) = meta {
        params["_meta"] = meta;
    }
    let (output, sent) = run(true, 50, "tools/call", params);
    assert!(output.get("error").is_none(), "{name}: {output}");
    (output["result"].clone(), sent)
}

fn text_of(value: &Value) -> &str {
    value.as_str().expect("a string")
}

fn strings(items: &Value, key: &str) -> Vec<String> {
    let items = items.as_array().expect("an array");
    items.iter().map(|i| text_of(&i[key]).to_string()).collect()
}

#[test]
fn initialize_negotiates_the_version_and_requires_one() {
    for v in SUPPORTED {
        let params = json!({ "protocolVersion": v, "capabilities": {} });
        let result = ok("initialize", params);
        assert_eq!(result["protocolVersion"], v);
        assert_eq!(result["serverInfo"]["name"], catalog::server_info().name);
        assert!(result["instructions"].is_string());
    }
    for unknown in ["1999-01-01", "2099-12-31", ""] {
        let result = ok("initialize", json!({ "protocolVersion": unknown }));
        assert_eq!(result["protocolVersion"], LATEST, "{unknown}");
    }
    bad("initialize", json!({ "capabilities": {} }));
    bad("initialize", Value::Null);
    bad("initialize", json!({ "protocolVersion": 1 }));
}

#[test]
fn initialize_advertises_what_the_catalog_offers() {
    let params = json!({ "protocolVersion": LATEST });
    let caps = ok("initialize", params.clone())["capabilities"].clone();
    for key in ["tools", "resources", "prompts", "logging", "completions"] {
        assert!(caps[key].is_object(), "{key} missing from {caps}");
    }
    assert_eq!(caps["resources"]["subscribe"], true);
    let (output, _) = run(false, 50, "initialize", params);
    assert_eq!(output["result"]["capabilities"], json!({ "logging": {} }));
}

#[test]
fn ping_answers_an_empty_object() {
    assert_eq!(ok("ping", Value::Null), json!({}));
    assert_eq!(ok("ping", json!({})), json!({}));
    assert_eq!(run(false, 50, "ping", Value::Null).0["result"], json!({}));
}

#[test]
fn tools_list_describes_every_tool() {
    let result = ok("tools/list", json!({}));
    assert!(result.get("nextCursor").is_none());
    let tools = result["tools"].as_array().unwrap();
    assert_eq!(tools.len(), 26);
    for tool in tools {
        let name = &tool["name"];
        assert!(!text_of(&tool["description"]).is_empty(), "{name}");
        assert!(tool["inputSchema"].is_object(), "{name}");
        assert_eq!(tool["inputSchema"]["type"], "object", "{name}");
    }
    let structured = tools.iter().find(|t| t["name"] == "test_structured_output");
    assert_eq!(structured.unwrap()["outputSchema"]["type"], "object");
}

#[test]
fn tools_list_pages_walk_every_tool() {
    let all = strings(&ok("tools/list", json!({}))["tools"], "name");
    let (mut seen, mut cursor, mut pages) = (Vec::new(), None::<String>, 0);
    loop {
        let params = cursor.map_or(json!({}), |c| json!({ "cursor": c }));
        let (output, _) = run(true, 3, "tools/list", params);
        let result = &output["result"];
        let page = strings(&result["tools"], "name");
        assert!(!page.is_empty() && page.len() <= 3);
        seen.extend(page);
        pages += 1;
        match result.get("nextCursor") {
            Some(next) => cursor = Some(text_of(next).to_string()),
            None => break,
        }
    }
    assert_eq!(pages, all.len().div_ceil(3));
    assert_eq!(seen, all);
    for cursor in [json!("nonsense"), json!("offset:999"), json!(3)] {
        bad("tools/list", json!({ "cursor": cursor }));
    }
}

#[test]
fn each_conformance_tool_returns_its_content_types() {
    const MIXED: &[&str] = &["text", "image", "resource"];
    let expected: [(&str, &[&str]); 11] = [
        ("test_simple_text", &["text"]),
        ("test_image_content", &["image"]),
        ("test_audio_content", &["audio"]),
        ("test_embedded_resource", &["resource"]),
        ("test_multiple_content_types", MIXED),
        ("test_tool_with_logging", &["text"]),
        ("test_error_handling", &["text"]),
        ("test_tool_with_progress", &["text"]),
        ("test_reconnection", &["text"]),
        ("json_schema_2020_12_tool", &["text"]),
        ("test_structured_output", &["text"]),
    ];
    // The 2025 fixtures first; those that ask for input (2026-07-28) follow.
    let listed = strings(&ok("tools/list", json!({}))["tools"], "name");
    assert_eq!(listed[..11], expected.map(|(n, _)| n.to_string()));
    for (name, types) in expected {
        // Each tool is held to its schema (json_schema_2020_12_tool allows no others).
        let arguments = match name {
            "json_schema_2020_12_tool" => json!({ "name": "hi", "email": "hi@example.com" }),
            _ => json!({ "message": "hi" }),
        };
        let (result, _) = call_tool(name, arguments, None);
        assert_eq!(strings(&result["content"], "type"), types, "{name}");
        let failed = result["isError"] == json!(true);
        assert_eq!(failed, name == "test_error_handling", "{name}");
        for block in result["content"].as_array().unwrap() {
            match text_of(&block["type"]) {
                "text" => assert!(!text_of(&block["text"]).is_empty()),
                "image" | "audio" => {
                    assert!(!text_of(&block["data"]).is_empty());
                    assert!(block["mimeType"].is_string());
                }
                _ => assert!(block["resource"]["uri"].is_string()),
            }
        }
    }
}

#[test]
fn tools_call_rejects_bad_params() {
    let e = bad("tools/call", json!({ "name": "no_such_tool" }));
    assert!(text_of(&e["message"]).contains("no_such_tool"));
    bad("tools/call", json!({ "arguments": {} }));
    bad("tools/call", Value::Null);
    for arguments in [json!("x"), json!([1]), json!(5), json!(true)] {
        let params = json!({ "name": "test_simple_text", "arguments": arguments });
        bad("tools/call", params);
    }
}

#[test]
fn progress_is_reported_only_with_a_token() {
    for token in [json!("tok-1"), json!(42)] {
        let meta = json!({ "progressToken": token });
        let (result, sent) = call_tool("test_tool_with_progress", json!({}), Some(meta));
        assert_eq!(strings(&result["content"], "type"), ["text"]);
        assert_eq!(sent.len(), 3);
        let mut last = -1.0;
        for note in &sent {
            assert_eq!(note["jsonrpc"], "2.0");
            assert!(note.get("id").is_none());
            assert_eq!(note["method"], "notifications/progress");
            assert_eq!(note["params"]["progressToken"], token);
            let progress = note["params"]["progress"].as_f64().unwrap();
            assert!(progress > last, "progress must increase: {sent:?}");
            last = progress;
        }
    }
    let (_, sent) = call_tool("test_tool_with_progress", json!({}), None);
    assert!(sent.is_empty());
}

#[test]
fn logging_tool_emits_three_messages() {
    let (result, sent) = call_tool("test_tool_with_logging", json!({}), None);
    assert_eq!(strings(&result["content"], "type"), ["text"]);
    assert_eq!(sent.len(), 3);
    for note in &sent {
        assert_eq!(note["method"], "notifications/message");
        assert_eq!(note["params"]["level"], "info");
        assert!(note["params"]["data"].is_string());
    }
}

#[test]
fn structured_output_carries_structure_and_text_or_names_the_problem() {
    let args = json!({ "message": "hello" });
    let (result, _) = call_tool("test_structured_output", args, None);
    let expected = json!({ "message": "hello", "length": 5 });
    assert_eq!(result["structuredContent"], expected);
    let text = text_of(&result["content"][0]["text"]);
    assert_eq!(serde_json::from_str::<Value>(text).unwrap(), expected);
    assert!(result.get("isError").is_none());
    let cases = [
        (json!({}), "message"),
        (
            json!({ "message": 5 }),
            "'message': 5 is not of type \"string\"",
        ),
    ];
    for (arguments, problem) in cases {
        let (result, _) = call_tool("test_structured_output", arguments, None);
        assert_eq!(result["isError"], true);
        assert!(result.get("structuredContent").is_none());
        let text = text_of(&result["content"][0]["text"]);
        assert!(text.contains(problem), "{text}");
    }
}

#[test]
fn resources_and_templates_are_listed() {
    let resources = ok("resources/list", json!({}))["resources"].clone();
    let uris = [
        "test://static-text",
        "test://static-binary",
        "test://watched-resource",
    ];
    assert_eq!(strings(&resources, "uri"), uris);
    for r in resources.as_array().unwrap() {
        assert!(r["name"].is_string() && r["mimeType"].is_string());
    }
    let templates = ok("resources/templates/list", Value::Null)["resourceTemplates"].clone();
    assert_eq!(strings(&templates, "uriTemplate"), [TEMPLATE]);
}

fn read(uri: &str) -> Value {
    let contents = ok("resources/read", json!({ "uri": uri }))["contents"].clone();
    assert_eq!(contents.as_array().unwrap().len(), 1);
    assert_eq!(contents[0]["uri"], uri);
    contents[0].clone()
}

#[test]
fn resources_read_text_blob_and_template() {
    let text = read("test://static-text");
    assert_eq!(text["mimeType"], "text/plain");
    assert!(!text_of(&text["text"]).is_empty());

    let blob = read("test://static-binary");
    assert_eq!(blob["mimeType"], "image/png");
    assert!(!text_of(&blob["blob"]).is_empty());
    assert!(blob.get("text").is_none());

    let data = read("test://template/123/data");
    assert!(text_of(&data["text"]).contains("123"));
}

#[test]
fn unknown_resources_are_not_found_and_known_ones_subscribable() {
    for uri in ["test://nope", "test://template/1/2/data"] {
        let e = err("resources/read", json!({ "uri": uri }), -32002);
        assert_eq!(e["data"]["uri"], uri);
    }
    bad("resources/read", json!({}));
    for method in ["resources/subscribe", "resources/unsubscribe"] {
        for uri in ["test://watched-resource", "test://template/9/data"] {
            assert_eq!(ok(method, json!({ "uri": uri })), json!({}));
        }
        let e = err(method, json!({ "uri": "test://missing" }), -32002);
        assert_eq!(e["data"]["uri"], "test://missing");
    }
}

#[test]
fn prompts_are_listed_with_their_arguments() {
    let prompts = ok("prompts/list", json!({}))["prompts"].clone();
    let expected = [
        "test_simple_prompt",
        "test_prompt_with_arguments",
        "test_prompt_with_embedded_resource",
        "test_prompt_with_image",
        "test_input_required_result_prompt",
    ];
    assert_eq!(strings(&prompts, "name"), expected);
    assert_eq!(strings(&prompts[1]["arguments"], "name"), ["arg1", "arg2"]);
    assert_eq!(prompts[1]["arguments"][0]["required"], true);
}

fn get_prompt(name: &str, arguments: Value) -> Value {
    let params = json!({ "name": name, "arguments": arguments });
    ok("prompts/get", params)["messages"].clone()
}

#[test]
fn each_prompt_renders() {
    let simple = get_prompt("test_simple_prompt", json!({}));
    assert!(simple[0]["content"]["text"].is_string());
    assert_eq!(simple[0]["role"], "user");

    let args = json!({ "arg1": "a1", "arg2": "b2" });
    let with_args = get_prompt("test_prompt_with_arguments", args);
    let text = text_of(&with_args[0]["content"]["text"]);
    assert!(text.contains("a1") && text.contains("b2"), "{text}");

    let args = json!({ "resourceUri": "test://x" });
    let embedded = get_prompt("test_prompt_with_embedded_resource", args);
    assert_eq!(embedded[0]["content"]["type"], "resource");
    assert_eq!(embedded[0]["content"]["resource"]["uri"], "test://x");

    let image = get_prompt("test_prompt_with_image", Value::Null);
    assert_eq!(image[0]["content"]["type"], "image");
    assert_eq!(image[0]["content"]["mimeType"], "image/png");
}

#[test]
fn prompts_get_rejects_bad_arguments() {
    let name = "test_prompt_with_arguments";
    let missing = json!({ "name": name, "arguments": { "arg1": "a" } });
    let e = bad("prompts/get", missing);
    assert!(text_of(&e["message"]).contains("arg2"));
    bad("prompts/get", json!({ "name": name }));
    let non_string = json!({ "name": name, "arguments": { "arg1": "a", "arg2": 2 } });
    bad("prompts/get", non_string);
    bad("prompts/get", json!({ "name": "no_such_prompt" }));
    bad("prompts/get", json!({}));
}

#[test]
fn logging_set_level_accepts_rfc5424_levels() {
    for level in LogLevel::ALL {
        let params = json!({ "level": level.as_str() });
        assert_eq!(ok("logging/setLevel", params), json!({}));
    }
    bad("logging/setLevel", json!({ "level": "verbose" }));
    bad("logging/setLevel", json!({}));
    let (output, _) = run(false, 50, "logging/setLevel", json!({ "level": "debug" }));
    assert_eq!(output["result"], json!({}));
}

fn completion(reference: Value, name: &str, value: &str) -> Value {
    json!({ "ref": reference, "argument": { "name": name, "value": value } })
}

fn prompt_ref(name: &str) -> Value {
    json!({ "type": "ref/prompt", "name": name })
}

fn template_ref(uri: &str) -> Value {
    json!({ "type": "ref/resource", "uri": uri })
}

#[test]
fn completion_filters_prompt_arguments_and_template_variables() {
    let prompt = prompt_ref("test_prompt_with_arguments");
    let params = completion(prompt.clone(), "arg1", "test");
    let values = json!(["test", "testValue1", "testValue2"]);
    let expected = json!({ "values": values, "total": 3, "hasMore": false });
    assert_eq!(ok("completion/complete", params)["completion"], expected);
    let result = ok("completion/complete", completion(prompt, "arg2", ""));
    assert_eq!(result["completion"]["total"], 6);

    let params = completion(template_ref(TEMPLATE), "id", "1");
    let expected = json!({ "values": ["1", "123"], "total": 2, "hasMore": false });
    assert_eq!(ok("completion/complete", params)["completion"], expected);
}

#[test]
fn completion_rejects_unknown_references_and_arguments() {
    let tool = json!({ "type": "ref/tool", "name": "test_simple_text" });
    let cases = [
        (prompt_ref("nope"), "arg1"),
        (prompt_ref("test_prompt_with_arguments"), "arg9"),
        (template_ref("test://nope/{id}"), "id"),
        (template_ref(TEMPLATE), "x"),
        (tool, "x"),
    ];
    for (reference, name) in cases {
        bad("completion/complete", completion(reference, name, ""));
    }
}

#[test]
fn unknown_methods_and_those_of_absent_capabilities_are_not_found() {
    let e = err("tools/destroy", json!({}), NOT_FOUND);
    assert!(text_of(&e["message"]).contains("tools/destroy"));
    err("sampling/createMessage", Value::Null, NOT_FOUND);
    let uri = json!({ "uri": "test://static-text" });
    let prompt = prompt_ref("test_prompt_with_arguments");
    let methods = [
        ("tools/list", json!({})),
        ("tools/call", json!({ "name": "test_simple_text" })),
        ("resources/list", json!({})),
        ("resources/templates/list", json!({})),
        ("resources/read", uri.clone()),
        ("resources/subscribe", uri),
        ("prompts/list", json!({})),
        ("prompts/get", json!({ "name": "test_simple_prompt" })),
        ("completion/complete", completion(prompt, "arg1", "")),
    ];
    for (method, params) in methods {
        err_in(false, method, params, NOT_FOUND);
    }
}

#[test]
fn synthetic_bench_tools_page_through_tools_list() {
    let mut config = crate::config::Config::default();
    config.tools.bench_tools = 120;
    config.tools.tool_sets = Vec::new();
    let sets = catalog::http_sets(&config);
    let catalog = catalog::for_caller(&config, &sets, &crate::auth::Principal::local());
    // Only builds with the bench-catalog feature (`make bench`) have the bench catalog.
    if cfg!(feature = "bench-catalog") {
        assert_eq!(catalog.tools.len(), 120);
        assert_eq!(catalog.tools[119].name(), "bench_tool_0119");
    } else {
        assert!(catalog.tools.is_empty());
    }
}

/// The message a catalog (HTTP) tool gives for arguments that break its inputSchema.
fn catalog_style_refusal(schema: &str, arguments: &Value) -> String {
    let schema: Value = serde_json::from_str(schema).unwrap();
    let problems = crate::registry::schema::check(&schema, arguments).unwrap_err();
    format!("Invalid arguments: {problems}")
}

#[test]
fn rust_tools_validate_arguments_against_their_input_schema_like_catalog_tools() {
    let tools = crate::conformance::SET.tools;
    let cases = [
        ("json_schema_2020_12_tool", json!({ "bogus": 1, "name": 5 })),
        (
            "json_schema_2020_12_tool",
            json!({ "address": { "city": 7 } }),
        ),
        ("test_structured_output", json!({ "message": 5 })),
        ("test_structured_output", json!({})),
    ];
    for (name, arguments) in cases {
        let tool = tools.iter().find(|t| t.name == name).unwrap();
        let (result, _) = call_tool(name, arguments.clone(), None);
        assert_eq!(result["isError"], true, "{name} {arguments}: {result}");
        assert!(result.get("structuredContent").is_none());
        let expected = catalog_style_refusal(tool.input_schema, &arguments);
        assert_eq!(text_of(&result["content"][0]["text"]), expected);
    }
    let fine = json!({ "name": "x", "contactMethod": "phone", "phone": "1" });
    let (fine, _) = call_tool("json_schema_2020_12_tool", fine, None);
    assert!(fine.get("isError").is_none(), "{fine}");
    // The conditional keywords apply: phone chosen but not given.
    let wrong = json!({ "name": "x", "contactMethod": "phone", "email": "x@example.com" });
    let (wrong, _) = call_tool("json_schema_2020_12_tool", wrong, None);
    assert_eq!(wrong["isError"], true, "{wrong}");
}

/// Arguments that make each Rust tool with an outputSchema succeed.
fn sample_arguments(tool: &str) -> Value {
    match tool {
        "test_structured_output" => json!({ "message": "héllo" }),
        "diagnostics_payload" => json!({ "bytes": 100 }),
        other => panic!("no sample arguments for {other}: add some"),
    }
}

#[test]
fn every_structured_result_of_a_rust_tool_conforms_and_carries_its_json_as_text() {
    use crate::registry::tool::Tool;
    let sets = [&crate::conformance::SET, &crate::tools::diagnostics::SET];
    let mut structured = Vec::new();
    for tool in sets.iter().flat_map(|set| set.tools.iter()) {
        let arguments = sample_arguments_if_structured(tool);
        let Some(arguments) = arguments else { continue };
        structured.push(tool.name);
        let mut notes = Vec::new();
        let mut ctx = crate::mcp::context::RequestContext::new(
            None,
            &mut notes,
            &crate::upstream::NoUpstream,
        );
        let result = tool
            .call(Arguments::of(&arguments).unwrap(), &mut ctx)
            .complete()
            .unwrap()
            .to_json();
        assert!(result.get("isError").is_none(), "{}: {result}", tool.name);
        let content = &result["structuredContent"];
        assert!(content.is_object(), "{}: {result}", tool.name);
        let as_text = result["content"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["text"].as_str())
            .filter_map(|t| serde_json::from_str::<Value>(t).ok());
        assert!(
            as_text.into_iter().any(|v| &v == content),
            "{}: no text block holds the structured JSON: {result}",
            tool.name
        );
        let schema = tool
            .output_schema
            .expect("structured output needs an outputSchema");
        let schema: Value = serde_json::from_str(schema).unwrap();
        assert!(
            jsonschema::is_valid(&schema, content),
            "{}: {content}",
            tool.name
        );
    }
    assert_eq!(
        structured,
        ["test_structured_output", "diagnostics_payload"]
    );
}

/// Sample arguments for a tool that declares structured output (or returns it anyway).
fn sample_arguments_if_structured(tool: &crate::registry::tool::ToolDef) -> Option<Value> {
    let structured = tool.output_schema.is_some() || tool.name == "diagnostics_payload";
    structured.then(|| sample_arguments(tool.name))
}
