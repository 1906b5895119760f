//! Conformance fixtures for 2026-07-28: tools and a prompt that ask the client for input
//! (Multi Round-Trip Requests), the tool that needs an undeclared capability, and the
//! diagnostics of the response stream and of logging. Each runs on the real mechanism
//! (`mcp::input`, the dispatcher's capability check and signed state); the suite names
//! them and the keys they ask under.

use super::tools::fixture;
use crate::mcp::context::{LogLevel, RequestContext};
use crate::mcp::input::{Elicited, InputRequest, InputRequired, Outcome};
use crate::mcp::model::content::text;
use crate::mcp::model::meta::Capability;
use crate::mcp::model::prompt::{user, GetPromptResult};
use crate::registry::prompt::{PromptArgs, PromptDef};
use crate::registry::tool::{CallToolResult, ToolAnnotations, ToolDef, ToolOutcome};
use serde_json::{json, Value};

/// A one-field text form.
fn form(message: &str, field: &str) -> InputRequest {
    let schema = json!({
        "type": "object",
        "properties": { field: { "type": "string" } },
        "required": [field],
    });
    InputRequest::elicit(message, schema)
}

/// The text of an accepted form's `field`.
fn filled<'a>(ctx: &'a RequestContext, key: &str, field: &str) -> Option<&'a str> {
    match ctx.answers().elicited(key)? {
        Elicited::Accepted(content) => content.get(field)?.as_str(),
        Elicited::Declined | Elicited::Cancelled => None,
    }
}

/// The handler's own state from the previous round, when it is of `kind`.
fn state_of<'a>(ctx: &'a RequestContext, kind: &str) -> Option<&'a Value> {
    ctx.answers()
        .state()
        .filter(|s| s.get("kind").and_then(Value::as_str) == Some(kind))
}

/// "Please confirm" (an `ok` checkbox), keeping `kind` as the state for the next round.
fn confirm_keeping(kind: &str) -> ToolOutcome {
    let schema = json!({
        "type": "object",
        "properties": { "ok": { "type": "boolean" } },
        "required": ["ok"],
    });
    let question = InputRequest::elicit("Please confirm", schema);
    ask(InputRequired::ask("confirm", question).with_state(json!({ "kind": kind })))
}

fn done(message: String) -> ToolOutcome {
    CallToolResult::text(message).into()
}

fn ask(asked: InputRequired) -> ToolOutcome {
    Outcome::InputRequired(asked)
}

/// A 2025-11-25 fixture's elicitation: the form, then what the user did, as the
/// reference server reports it.
fn elicit_then_report(
    ctx: &RequestContext,
    message: &str,
    schema: Value,
    label: &str,
) -> ToolOutcome {
    match ctx
        .answers()
        .raw("form")
        .filter(|_| ctx.answers().elicited("form").is_some())
    {
        Some(answer) => {
            let action = answer.get("action").and_then(Value::as_str).unwrap_or("");
            let content = answer.get("content").cloned().unwrap_or(json!({}));
            done(format!("{label}: action={action}, content={content}"))
        }
        None => ask(InputRequired::ask(
            "form",
            InputRequest::elicit(message, schema),
        )),
    }
}

pub static TOOLS: [ToolDef; 15] = [
    ToolDef {
        name: "test_sampling",
        title: None,
        description: "Asks the client's model to complete `prompt`, then returns its answer.",
        input_schema: r#"{"type":"object","properties":{"prompt":{"type":"string","description":"The prompt to send to the LLM"}},"required":["prompt"]}"#,
        output_schema: None,
        annotations: ToolAnnotations::READ_ONLY_LOCAL,
        run: |args, ctx| match ctx.answers().sampled_text("completion") {
            Some(text) => done(format!("LLM response: {text}")),
            None if !ctx.can_ask(Capability::Sampling) => {
                done("Sampling not supported: the client cannot be asked".into())
            }
            None => {
                let prompt = args.get("prompt").and_then(Value::as_str).unwrap_or("");
                ask(InputRequired::ask(
                    "completion",
                    InputRequest::sample(prompt, 100),
                ))
            }
        },
    },
    ToolDef {
        name: "test_elicitation",
        title: None,
        description: "Asks the user `message` with a one-field form, then reports the answer.",
        input_schema: r#"{"type":"object","properties":{"message":{"type":"string","description":"The message to show the user"}},"required":["message"]}"#,
        output_schema: None,
        annotations: ToolAnnotations::READ_ONLY_LOCAL,
        run: |args, ctx| {
            if !ctx.can_ask(Capability::Elicitation) {
                return done("Elicitation not supported: the client cannot be asked".into());
            }
            let message = args.get("message").and_then(Value::as_str).unwrap_or("");
            let schema = json!({
                "type": "object",
                "properties": { "response": { "type": "string", "description": "User's response" } },
                "required": ["response"],
            });
            elicit_then_report(ctx, message, schema, "User response")
        },
    },
    fixture(
        "test_elicitation_sep1034_defaults",
        "Asks a form whose fields have defaults (SEP-1034), then reports the answer.",
        |_, ctx| {
            let schema = json!({
                "type": "object",
                "properties": {
                    "name": { "type": "string", "description": "User name", "default": "John Doe" },
                    "age": { "type": "integer", "description": "User age", "default": 30 },
                    "score": { "type": "number", "description": "User score", "default": 95.5 },
                    "status": { "type": "string", "description": "User status", "enum": ["active", "inactive", "pending"], "default": "active" },
                    "verified": { "type": "boolean", "description": "Verification status", "default": true },
                },
                "required": [],
            });
            let message = "Please review and update the form fields with defaults";
            elicit_then_report(ctx, message, schema, "Elicitation completed")
        },
    ),
    fixture(
        "test_elicitation_sep1330_enums",
        "Asks a form with each kind of enum field (SEP-1330), then reports the answer.",
        |_, ctx| {
            let titled = |titles: [&str; 3]| {
                let values = ["value1", "value2", "value3"];
                let options: Vec<Value> = values
                    .iter()
                    .zip(titles)
                    .map(|(v, t)| json!({ "const": v, "title": t }))
                    .collect();
                Value::Array(options)
            };
            let schema = json!({
                "type": "object",
                "properties": {
                    "untitledSingle": { "type": "string", "description": "Select one option", "enum": ["option1", "option2", "option3"] },
                    "titledSingle": { "type": "string", "description": "Select one option with titles", "oneOf": titled(["First Option", "Second Option", "Third Option"]) },
                    "legacyEnum": { "type": "string", "description": "Select one option (legacy)", "enum": ["opt1", "opt2", "opt3"], "enumNames": ["Option One", "Option Two", "Option Three"] },
                    "untitledMulti": { "type": "array", "description": "Select multiple options", "minItems": 1, "maxItems": 3, "items": { "type": "string", "enum": ["option1", "option2", "option3"] } },
                    "titledMulti": { "type": "array", "description": "Select multiple options with titles", "minItems": 1, "maxItems": 3, "items": { "anyOf": titled(["First Choice", "Second Choice", "Third Choice"]) } },
                },
                "required": [],
            });
            let message = "Please select options from the enum fields";
            elicit_then_report(ctx, message, schema, "Elicitation completed")
        },
    ),
    fixture(
        "test_missing_capability",
        "Needs the client's sampling: asks its model one question.",
        |_, ctx| match ctx.answers().sampled_text("sample") {
            Some(answer) => done(format!("Success: the client's model answered '{answer}'")),
            None => ask(InputRequired::ask(
                "sample",
                InputRequest::sample("Say hello.", 20),
            )),
        },
    ),
    fixture(
        "test_input_required_result_elicitation",
        "Asks the user's name with a form, then greets them.",
        |_, ctx| match filled(ctx, "user_name", "name") {
            Some(name) => done(format!("Hello, {name}!")),
            None => ask(InputRequired::ask(
                "user_name",
                form("What is your name?", "name"),
            )),
        },
    ),
    fixture(
        "test_input_required_result_sampling",
        "Asks the client's model a question, then reports its answer.",
        |_, ctx| match ctx.answers().sampled_text("sample_request") {
            Some(answer) => done(format!("Sampling result: {answer}")),
            None => {
                let question = InputRequest::sample("What is the capital of France?", 100);
                ask(InputRequired::ask("sample_request", question))
            }
        },
    ),
    fixture(
        "test_input_required_result_list_roots",
        "Asks for the client's roots, then counts them.",
        |_, ctx| match ctx.answers().roots("roots_request") {
            Some(roots) => done(format!("Found {} root(s)", roots.len())),
            None => ask(InputRequired::ask("roots_request", InputRequest::roots())),
        },
    ),
    fixture(
        "test_input_required_result_request_state",
        "Asks for a confirmation and keeps state between the rounds.",
        |_, ctx| {
            let confirmed = match ctx.answers().elicited("confirm") {
                Some(Elicited::Accepted(content)) => content.get("ok") == Some(&json!(true)),
                _ => false,
            };
            if state_of(ctx, "request-state").is_some() && confirmed {
                return done("state-ok: requestState validated".into());
            }
            confirm_keeping("request-state")
        },
    ),
    fixture(
        "test_input_required_result_multiple_inputs",
        "Asks a form, the client's model and its roots at once.",
        |_, ctx| {
            let answers = ctx.answers();
            let all = (
                filled(ctx, "user_name", "name"),
                answers.sampled_text("greeting"),
                answers.roots("client_roots"),
            );
            if let (Some(name), Some(greeting), Some(roots)) = all {
                if state_of(ctx, "multiple-inputs").is_some() {
                    let n = roots.len();
                    return done(format!("Name: {name}; Greeting: {greeting}; Roots: {n}"));
                }
            }
            let asked = InputRequired::ask("user_name", form("What is your name?", "name"))
                .and("greeting", InputRequest::sample("Generate a greeting", 50))
                .and("client_roots", InputRequest::roots())
                .with_state(json!({ "kind": "multiple-inputs" }));
            ask(asked)
        },
    ),
    fixture(
        "test_input_required_result_multi_round",
        "Asks two questions in two rounds, carrying the first answer in its state.",
        |_, ctx| {
            let round = state_of(ctx, "multi-round").and_then(|s| s.get("round")?.as_u64());
            if round == Some(2) {
                let name = state_of(ctx, "multi-round")
                    .and_then(|s| s.get("name")?.as_str())
                    .unwrap_or("friend");
                if let Some(color) = filled(ctx, "step2", "color") {
                    return done(format!("Multi-round complete for {name} who likes {color}"));
                }
            }
            if round == Some(1) {
                if let Some(name) = filled(ctx, "step1", "name") {
                    let question = form("Step 2: What is your favorite color?", "color");
                    let state = json!({ "kind": "multi-round", "round": 2, "name": name });
                    return ask(InputRequired::ask("step2", question).with_state(state));
                }
            }
            let question = form("Step 1: What is your name?", "name");
            let state = json!({ "kind": "multi-round", "round": 1 });
            ask(InputRequired::ask("step1", question).with_state(state))
        },
    ),
    fixture(
        "test_input_required_result_tampered_state",
        "Keeps signed state between rounds; a state altered by the client is refused.",
        |_, ctx| {
            if state_of(ctx, "tamper-test").is_some() && ctx.answers().elicited("confirm").is_some()
            {
                return done("integrity-ok: state verified".into());
            }
            confirm_keeping("tamper-test")
        },
    ),
    fixture(
        "test_input_required_result_capabilities",
        "Asks only what the client declared it can answer.",
        |_, ctx| {
            let answers = ctx.answers();
            if filled(ctx, "elicit_input", "value").is_some()
                || answers.sampled_text("sample_input").is_some()
            {
                return done("capabilities-ok: answers received".into());
            }
            let mut asked = InputRequired::default();
            if ctx.can_ask(Capability::Elicitation) {
                asked = asked.and("elicit_input", form("Elicitation input", "value"));
            }
            if ctx.can_ask(Capability::Sampling) {
                asked = asked.and("sample_input", InputRequest::sample("Sample request", 50));
            }
            if asked.requests.is_empty() {
                return done("No supported capabilities declared".into());
            }
            ask(asked)
        },
    ),
    fixture(
        "test_streaming_elicitation",
        "Asks the user through its result, never as a request on the response stream.",
        |_, ctx| {
            if ctx.answers().elicited("proceed").is_some() || !ctx.can_ask(Capability::Elicitation)
            {
                return done("Streaming complete".into());
            }
            ask(InputRequired::ask(
                "proceed",
                form("Continue streaming?", "answer"),
            ))
        },
    ),
    fixture(
        "test_logging_tool",
        "Logs at info level, then returns text: the log reaches only requests that ask for it.",
        |_, ctx| {
            ctx.log(
                LogLevel::Info,
                "conformance",
                json!("Diagnostic trace logging activated"),
            );
            done("Logging evaluated".into())
        },
    ),
];

pub static PROMPTS: [PromptDef; 1] = [PromptDef {
    name: "test_input_required_result_prompt",
    title: Some("Prompt that asks for context"),
    description: "Asks the user for context with a form, then builds its message from it.",
    arguments: &[],
    get: |_: &PromptArgs, ctx| match filled(ctx, "user_context", "context") {
        Some(context) => {
            GetPromptResult::messages(vec![user(text(format!("Prompt with context: {context}")))])
                .into()
        }
        None => Outcome::InputRequired(InputRequired::ask(
            "user_context",
            form("What context should the prompt use?", "context"),
        )),
    },
    complete: None,
}];
