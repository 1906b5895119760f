//! Dispatcher tests for 2026-07-28: discover, result fields, removed methods, and tools
//! that ask for input (MRTR) with signed, bound state.

use super::tests::run_in;
use super::*;
use crate::mcp::model::meta::{CLIENT_CAPABILITIES, LOG_LEVEL, PROTOCOL_VERSION};
use serde_json::json;

fn meta(capabilities: Value) -> Value {
    json!({ PROTOCOL_VERSION: "2026-07-28", CLIENT_CAPABILITIES: capabilities })
}

fn era(meta: &Value) -> Era {
    let params = json!({ "_meta": meta });
    Era::Modern(RequestMeta::read(params.as_object()).unwrap())
}

/// One 2026-07-28 request by `principal` with `capabilities`; the output and notifications.
fn modern_as(
    principal: &str,
    capabilities: Value,
    method: &str,
    mut params: Value,
) -> (Value, Vec<Value>) {
    let meta = meta(capabilities);
    params["_meta"] = meta.clone();
    run_in(&era(&meta), principal, true, 50, method, params)
}

fn modern(method: &str, params: Value) -> Value {
    let all = json!({ "elicitation": {}, "sampling": {}, "roots": {} });
    modern_as("alice", all, method, params).0
}

#[test]
fn discover_names_every_version_and_no_subscriptions() {
    let result = &modern("server/discover", json!({}))["result"];
    assert_eq!(result["resultType"], "complete");
    assert_eq!(
        result["supportedVersions"],
        json!([
            "2026-07-28",
            "2025-11-25",
            "2025-06-18",
            "2025-03-26",
            "2024-11-05"
        ])
    );
    assert_eq!(result["capabilities"]["resources"]["subscribe"], false);
    assert_eq!(result["capabilities"]["tools"]["listChanged"], false);
    assert_eq!(
        result["_meta"]["io.modelcontextprotocol/serverInfo"]["name"],
        "mcp-edge"
    );
    assert_eq!(result["ttlMs"], 300_000);
    assert_eq!(result["cacheScope"], "private");
}

#[test]
fn every_result_has_its_type_and_lists_and_reads_a_cache_hint() {
    for (method, params, ttl) in [
        ("tools/list", json!({}), Some(300_000)),
        ("prompts/list", json!({}), Some(300_000)),
        ("resources/list", json!({}), Some(300_000)),
        ("resources/templates/list", json!({}), Some(300_000)),
        (
            "resources/read",
            json!({ "uri": "test://static-text" }),
            Some(60_000),
        ),
        ("tools/call", json!({ "name": "test_simple_text" }), None),
        ("prompts/get", json!({ "name": "test_simple_prompt" }), None),
    ] {
        let result = &modern(method, params)["result"];
        assert_eq!(result["resultType"], "complete", "{method}: {result}");
        assert!(result["_meta"]["io.modelcontextprotocol/serverInfo"]["version"].is_string());
        assert_eq!(result["ttlMs"].as_u64(), ttl, "{method}");
        assert_eq!(result["cacheScope"].is_string(), ttl.is_some(), "{method}");
    }
    // The older revisions' results are unchanged.
    let (legacy, _) = run_in(&Era::legacy(), "alice", true, 50, "tools/list", json!({}));
    assert!(legacy["result"].get("resultType").is_none());
    assert!(legacy["result"].get("_meta").is_none());
}

#[test]
fn removed_methods_are_unknown_and_discover_is_only_modern() {
    for method in [
        "initialize",
        "ping",
        "logging/setLevel",
        "resources/subscribe",
        "resources/unsubscribe",
        "subscriptions/listen",
    ] {
        assert_eq!(
            modern(method, json!({}))["error"]["code"],
            -32601,
            "{method}"
        );
    }
    let (legacy, _) = run_in(
        &Era::legacy(),
        "alice",
        true,
        50,
        "server/discover",
        json!({}),
    );
    assert_eq!(legacy["error"]["code"], -32601);
}

#[test]
fn an_unknown_resource_is_invalid_params_with_its_uri() {
    let error = &modern("resources/read", json!({ "uri": "test://nope" }))["error"];
    assert_eq!(error["code"], -32602);
    assert_eq!(error["data"]["uri"], "test://nope");
}

#[test]
fn logs_go_out_only_at_the_requested_level() {
    let call = |level: Option<&str>| {
        let mut meta = meta(json!({}));
        if let Some(level) = level {
            meta[LOG_LEVEL] = json!(level);
        }
        let params = json!({ "name": "test_logging_tool", "_meta": meta });
        run_in(&era(&meta), "alice", true, 50, "tools/call", params).1
    };
    assert!(call(None).is_empty());
    assert!(call(Some("warning")).is_empty());
    assert_eq!(call(Some("info")).len(), 1);
}

#[test]
fn a_tool_asks_then_finishes_with_the_answer() {
    let ask = &modern(
        "tools/call",
        json!({ "name": "test_input_required_result_elicitation" }),
    )["result"];
    assert_eq!(ask["resultType"], "input_required");
    assert!(ask.get("ttlMs").is_none() && ask["_meta"].is_object());
    let request = &ask["inputRequests"]["user_name"];
    assert_eq!(request["method"], "elicitation/create");
    assert_eq!(request["params"]["mode"], "form");
    assert!(request.get("id").is_none() && request.get("jsonrpc").is_none());

    let retry = json!({
        "name": "test_input_required_result_elicitation",
        "inputResponses": { "user_name": { "action": "accept", "content": { "name": "Alice" } }, "extra": 1 },
        "requestState": ask["requestState"],
    });
    let done = &modern("tools/call", retry)["result"];
    assert_eq!(done["resultType"], "complete");
    assert_eq!(done["content"][0]["text"], "Hello, Alice!");

    // Wrong or missing answers: asked again, not an error.
    let wrong = json!({ "name": "test_input_required_result_elicitation", "inputResponses": { "other": {} } });
    assert_eq!(
        modern("tools/call", wrong)["result"]["resultType"],
        "input_required"
    );
    let number = json!({ "name": "test_input_required_result_elicitation", "inputResponses": { "user_name": 12345 } });
    assert_eq!(
        modern("tools/call", number)["result"]["resultType"],
        "input_required"
    );
    let null = json!({ "name": "test_input_required_result_elicitation", "inputResponses": null });
    assert_eq!(modern("tools/call", null)["error"]["code"], -32602);
}

#[test]
fn state_is_carried_between_rounds_and_bound_to_the_request() {
    let name = "test_input_required_result_multi_round";
    let r1 = modern("tools/call", json!({ "name": name }))["result"].clone();
    let step1 = json!({ "action": "accept", "content": { "name": "Ada" } });
    let retry1 = json!({ "name": name, "inputResponses": { "step1": step1 }, "requestState": r1["requestState"] });
    let r2 = modern("tools/call", retry1)["result"].clone();
    assert!(r2["inputRequests"]["step2"].is_object(), "{r2}");
    assert_ne!(r2["requestState"], r1["requestState"]);
    let step2 = json!({ "action": "accept", "content": { "color": "green" } });
    let retry2 = json!({ "name": name, "inputResponses": { "step2": step2 }, "requestState": r2["requestState"] });
    let done = modern("tools/call", retry2);
    assert_eq!(
        done["result"]["content"][0]["text"],
        "Multi-round complete for Ada who likes green"
    );

    let state = r2["requestState"].as_str().unwrap();
    let refused = |principal: &str, params: Value| {
        let all = json!({ "elicitation": {} });
        let (output, _) = modern_as(principal, all, "tools/call", params);
        assert_eq!(output["error"]["code"], -32602, "{output}");
        output["error"]["message"].as_str().unwrap().to_owned()
    };
    let answer = json!({ "step2": step2 });
    let tampered = json!({ "name": name, "inputResponses": answer, "requestState": format!("{state}-TAMPERED") });
    assert!(refused("alice", tampered).contains("requestState is refused"));
    let foreign = json!({ "name": name, "inputResponses": answer, "requestState": state });
    assert!(refused("bob", foreign).contains("another caller"));
    let other_tool = json!({ "name": "test_input_required_result_tampered_state", "inputResponses": answer, "requestState": state });
    assert!(refused("alice", other_tool).contains("another caller, method or arguments"));
}

#[test]
fn a_question_the_client_cannot_answer_is_never_sent() {
    let (output, _) = modern_as(
        "alice",
        json!({}),
        "tools/call",
        json!({ "name": "test_missing_capability" }),
    );
    assert_eq!(output["error"]["code"], -32021);
    assert_eq!(
        output["error"]["data"]["requiredCapabilities"],
        json!({ "sampling": {} })
    );

    let sampling_only = json!({ "sampling": {} });
    let (output, _) = modern_as(
        "alice",
        sampling_only,
        "tools/call",
        json!({ "name": "test_input_required_result_capabilities" }),
    );
    let requests = output["result"]["inputRequests"].as_object().unwrap();
    assert_eq!(requests.keys().collect::<Vec<_>>(), ["sample_input"]);

    // Elicitation declared for URL mode only: a form cannot be shown.
    let url_only = json!({ "elicitation": { "url": {} } });
    let (output, _) = modern_as(
        "alice",
        url_only,
        "tools/call",
        json!({ "name": "test_input_required_result_elicitation" }),
    );
    assert_eq!(
        output["error"]["data"]["requiredCapabilities"],
        json!({ "elicitation": {} })
    );
}

#[test]
fn a_prompt_asks_too_and_older_clients_are_told_why_not() {
    let name = "test_input_required_result_prompt";
    let ask = modern("prompts/get", json!({ "name": name }))["result"].clone();
    assert_eq!(
        ask["inputRequests"]["user_context"]["method"],
        "elicitation/create"
    );
    let answer =
        json!({ "user_context": { "action": "accept", "content": { "context": "edge" } } });
    let done = modern(
        "prompts/get",
        json!({ "name": name, "inputResponses": answer, "requestState": ask["requestState"] }),
    );
    assert_eq!(
        done["result"]["messages"][0]["content"]["text"],
        "Prompt with context: edge"
    );

    let (legacy, _) = run_in(
        &Era::legacy(),
        "alice",
        true,
        50,
        "tools/call",
        json!({ "name": "test_input_required_result_elicitation" }),
    );
    assert_eq!(legacy["result"]["isError"], true);
    assert!(legacy["result"]["content"][0]["text"]
        .as_str()
        .unwrap()
        .contains("2026-07-28"));
    let (legacy, _) = run_in(
        &Era::legacy(),
        "alice",
        true,
        50,
        "prompts/get",
        json!({ "name": name }),
    );
    assert_eq!(legacy["error"]["code"], -32600);
}
