//! Tools: the trait every tool implements, a zero-cost static definition for tools written
//! in Rust, and the result type.
//!
//! A tool's schemas are kept as JSON text and parsed only when tools/list pages over them,
//! so a request that calls one tool pays nothing for the others (every request starts a
//! fresh instance).

use crate::mcp::context::RequestContext;
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

/// Behaviour hints shown to clients (MCP `ToolAnnotations`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Annotations {
    pub read_only: Option<bool>,
    pub destructive: Option<bool>,
    pub idempotent: Option<bool>,
    pub open_world: Option<bool>,
}

impl Annotations {
    /// A tool that only reads and touches nothing outside this server.
    pub const READ_ONLY_LOCAL: Annotations = Annotations {
        read_only: Some(true),
        destructive: Some(false),
        idempotent: Some(true),
        open_world: Some(false),
    };

    fn to_json(self) -> Option<Value> {
        let mut out = Map::new();
        let hints = [
            ("readOnlyHint", self.read_only),
            ("destructiveHint", self.destructive),
            ("idempotentHint", self.idempotent),
            ("openWorldHint", self.open_world),
        ];
        for (key, hint) in hints {
            if let Some(hint) = hint {
                out.insert(key.into(), Value::Bool(hint));
            }
        }
        (!out.is_empty()).then_some(Value::Object(out))
    }
}

/// The outcome of a tool call: content blocks, optional structured content, and whether
/// the tool itself failed (a tool failure is a result, not a JSON-RPC error).
#[derive(Debug, Clone, PartialEq)]
pub struct ToolResult {
    pub content: Vec<Value>,
    /// Set only by `ToolResult::structured`, which also adds the same JSON as text.
    structured: Option<Value>,
    pub is_error: bool,
}

impl ToolResult {
    pub fn content(content: Vec<Value>) -> Self {
        ToolResult {
            content,
            structured: None,
            is_error: false,
        }
    }

    pub fn text(text: impl Into<String>) -> Self {
        Self::content(vec![crate::mcp::content::text(text)])
    }

    /// A failure the model should see and can act on.
    pub fn error(message: impl Into<String>) -> Self {
        ToolResult {
            is_error: true,
            ..Self::text(message)
        }
    }

    /// Structured output, also given as JSON text for clients without outputSchema support
    /// (the only way to make one: every structured result carries its JSON as text).
    pub fn structured(value: Value) -> Self {
        ToolResult {
            content: vec![crate::mcp::content::text(value.to_string())],
            structured: Some(value),
            is_error: false,
        }
    }

    /// The structured content, if any.
    pub fn structured_content(&self) -> Option<&Value> {
        self.structured.as_ref()
    }

    pub fn to_json(&self) -> Value {
        let mut out = json!({ "content": self.content });
        if let Some(structured) = &self.structured {
            out["structuredContent"] = structured.clone();
        }
        if self.is_error {
            out["isError"] = Value::Bool(true);
        }
        out
    }
}

/// Anything the server can offer as a tool.
pub trait Tool: Sync {
    fn name(&self) -> &str;
    /// The tools/list entry.
    fn describe(&self) -> Value;
    fn call(&self, arguments: &Map<String, Value>, ctx: &mut RequestContext) -> ToolResult;
}

/// A tool written in Rust; `const`-constructible so a tool set is a static slice.
pub struct ToolDef {
    pub name: &'static str,
    pub title: Option<&'static str>,
    pub description: &'static str,
    /// JSON Schema (an object schema) as JSON text; unit tests check that it parses.
    pub input_schema: &'static str,
    pub output_schema: Option<&'static str>,
    pub annotations: Annotations,
    pub run: fn(&Map<String, Value>, &mut RequestContext) -> ToolResult,
}

impl Tool for ToolDef {
    fn name(&self) -> &str {
        self.name
    }

    fn describe(&self) -> Value {
        let mut out = json!({
            "name": self.name,
            "description": self.description,
            "inputSchema": parse_schema(self.input_schema),
        });
        if let Some(title) = self.title {
            out["title"] = json!(title);
        }
        if let Some(schema) = self.output_schema {
            out["outputSchema"] = parse_schema(schema);
        }
        if let Some(annotations) = self.annotations.to_json() {
            out["annotations"] = annotations;
        }
        out
    }

    /// Arguments are held to the input schema first, with the same refusal as the
    /// declarative tools give; `run` only sees arguments that conform.
    fn call(&self, arguments: &Map<String, Value>, ctx: &mut RequestContext) -> ToolResult {
        let schema = parse_schema(self.input_schema);
        if let Err(problems) = super::schema::check_arguments(&schema, arguments) {
            return ToolResult::error(format!("Invalid arguments: {problems}"));
        }
        (self.run)(arguments, ctx)
    }
}

/// Schemas are compile-time constants checked by tests; an unparsable one still yields a
/// valid (empty object) schema instead of a panic.
fn parse_schema(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| json!({ "type": "object" }))
}

/// Deserializes a tool's arguments into its typed form; the error names what is wrong so
/// the model can correct the call.
pub fn arguments<T: DeserializeOwned>(arguments: &Map<String, Value>) -> Result<T, ToolResult> {
    serde_json::from_value(Value::Object(arguments.clone()))
        .map_err(|e| ToolResult::error(format!("Invalid arguments: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_serialize_per_spec() {
        assert_eq!(
            ToolResult::text("hi").to_json(),
            json!({ "content": [{ "type": "text", "text": "hi" }] })
        );
        assert_eq!(ToolResult::error("no").to_json()["isError"], json!(true));
        let s = ToolResult::structured(json!({ "a": 1 })).to_json();
        assert_eq!(s["structuredContent"], json!({ "a": 1 }));
        assert_eq!(s["content"][0]["text"], json!("{\"a\":1}"));
    }

    #[test]
    fn typed_arguments_report_what_is_wrong() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Args {
            n: u32,
        }
        let bad = json!({ "n": "x" });
        let err = arguments::<Args>(bad.as_object().unwrap()).unwrap_err();
        assert!(err.is_error);
        assert!(err.content[0]["text"]
            .as_str()
            .unwrap()
            .contains("invalid type"));
    }
}
