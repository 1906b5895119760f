//! Conformance tools: one per content type, logging, progress and error handling.

use super::{PNG, WAV};
use crate::mcp::context::{LogLevel, RequestContext};
use crate::mcp::model::content::{audio, embedded, image, text, text_contents};
use crate::registry::tool::{CallToolResult, ToolAnnotations, ToolDef, ToolOutcome};
use serde_json::{json, Map, Value};

/// The reference fixtures pause ~50 ms between steps, like a tool doing real work, so a
/// client sees each notification arrive on its own before the result.
fn work() {
    std::thread::sleep(std::time::Duration::from_millis(50));
}

const NO_ARGUMENTS: &str = r#"{"type":"object","properties":{}}"#;

/// A fixture without arguments that only reads.
pub(super) const fn fixture(
    name: &'static str,
    description: &'static str,
    run: fn(&Map<String, Value>, &mut RequestContext) -> ToolOutcome,
) -> ToolDef {
    ToolDef {
        name,
        title: None,
        description,
        input_schema: NO_ARGUMENTS,
        output_schema: None,
        annotations: ToolAnnotations::READ_ONLY_LOCAL,
        run,
    }
}

pub static TOOLS: [ToolDef; 11] = [
    fixture(
        "test_simple_text",
        "Returns a simple text response.",
        |_, _| CallToolResult::text("This is a simple text response for testing.").into(),
    ),
    fixture("test_image_content", "Returns a 1x1 PNG image.", |_, _| {
        CallToolResult::content(vec![image(PNG, "image/png")]).into()
    }),
    fixture(
        "test_audio_content",
        "Returns a short WAV audio clip.",
        |_, _| CallToolResult::content(vec![audio(WAV, "audio/wav")]).into(),
    ),
    fixture(
        "test_embedded_resource",
        "Returns an embedded text resource.",
        |_, _| {
            CallToolResult::content(vec![embedded(text_contents(
                "test://embedded-resource",
                "text/plain",
                "This is an embedded resource content.",
            ))])
            .into()
        },
    ),
    fixture(
        "test_multiple_content_types",
        "Returns text, an image and an embedded resource together.",
        |_, _| {
            CallToolResult::content(vec![
                text("Multiple content types test:"),
                image(PNG, "image/png"),
                embedded(text_contents(
                    "test://mixed-content-resource",
                    "application/json",
                    r#"{"test":"data","value":123}"#,
                )),
            ])
            .into()
        },
    ),
    fixture(
        "test_tool_with_logging",
        "Emits three log messages while it runs, then returns text.",
        |_, ctx| {
            for (i, step) in [
                "Tool execution started",
                "Tool processing data",
                "Tool execution completed",
            ]
            .into_iter()
            .enumerate()
            {
                if i > 0 {
                    work();
                }
                ctx.log(LogLevel::Info, "conformance", json!(step));
            }
            CallToolResult::text("Tool with logging executed successfully").into()
        },
    ),
    fixture(
        "test_error_handling",
        "Always fails, to show how tool errors are reported.",
        |_, _| CallToolResult::error("This tool intentionally returns an error for testing").into(),
    ),
    fixture(
        "test_tool_with_progress",
        "Reports progress 0, 50 and 100 of 100 when given a progress token, then returns text.",
        |_, ctx| {
            for progress in [0.0, 50.0, 100.0] {
                if ctx.cancelled() {
                    return CallToolResult::error("Cancelled: the client closed the stream").into();
                }
                if progress > 0.0 {
                    work();
                }
                ctx.progress(progress, Some(100.0), None);
            }
            CallToolResult::text("Progress test completed").into()
        },
    ),
    fixture(
        "test_reconnection",
        "Lets the connection go after a priming event (2025-11-25 resumable streams); the \
         client reconnects with Last-Event-ID and gets the result.",
        |_, ctx| {
            if ctx.disconnect() {
                return CallToolResult::text("Disconnected: the client resumes for the result.")
                    .into();
            }
            CallToolResult::text(
                "Reconnection test completed successfully. If you received this, the client \
                 properly reconnected after stream closure.",
            )
            .into()
        },
    ),
    ToolDef {
        name: "json_schema_2020_12_tool",
        title: None,
        description: "Tool with JSON Schema 2020-12 features",
        // The suite's fixture (SEP-1613, SEP-2106): $defs with an $anchor, composition
        // and conditional keywords, all listed as written.
        input_schema: r##"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","$defs":{"address":{"$anchor":"addressDef","type":"object","properties":{"street":{"type":"string"},"city":{"type":"string"}}}},"properties":{"name":{"type":"string"},"address":{"$ref":"#/$defs/address"},"contactMethod":{"type":"string","enum":["phone","email"]},"phone":{"type":"string"},"email":{"type":"string"}},"allOf":[{"anyOf":[{"required":["phone"]},{"required":["email"]}]}],"if":{"properties":{"contactMethod":{"const":"phone"}},"required":["contactMethod"]},"then":{"required":["phone"]},"else":{"required":["email"]},"additionalProperties":false}"##,
        output_schema: None,
        annotations: ToolAnnotations::READ_ONLY_LOCAL,
        run: |args, _| {
            CallToolResult::text(format!(
                "JSON Schema 2020-12 tool called with: {}",
                Value::Object(args.clone())
            ))
            .into()
        },
    },
    ToolDef {
        name: "test_structured_output",
        title: Some("Structured output"),
        description:
            "Echoes a message with its length as structured content matching outputSchema.",
        input_schema: r#"{"type":"object","properties":{"message":{"type":"string","description":"Text to echo"}},"required":["message"]}"#,
        output_schema: Some(
            r#"{"type":"object","properties":{"message":{"type":"string"},"length":{"type":"integer"}},"required":["message","length"]}"#,
        ),
        annotations: ToolAnnotations::READ_ONLY_LOCAL,
        run: |args, _| {
            #[derive(serde::Deserialize)]
            struct Args {
                message: String,
            }
            match crate::registry::tool::arguments::<Args>(args) {
                Ok(Args { message }) => {
                    let length = message.chars().count();
                    CallToolResult::structured(json!({ "message": message, "length": length }))
                        .into()
                }
                Err(invalid) => invalid.into(),
            }
        },
    },
];
