//! Tools on the wire: the tools/list entry, tools/call params, annotations and results.

use super::content::{self, Content};
use crate::jsonrpc::{escape, JsonText, ResultText};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::sync::LazyLock;

/// Behaviour hints shown to clients (MCP `ToolAnnotations`); the declarative catalogs
/// read them from JSON (`readOnlyHint` required there, so every write is explicit).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ToolAnnotations {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only_hint: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destructive_hint: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotent_hint: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_world_hint: Option<bool>,
}

impl ToolAnnotations {
    /// A tool that only reads and touches nothing outside this server.
    pub const READ_ONLY_LOCAL: ToolAnnotations = ToolAnnotations {
        read_only_hint: Some(true),
        destructive_hint: Some(false),
        idempotent_hint: Some(true),
        open_world_hint: Some(false),
    };

    pub fn is_empty(&self) -> bool {
        *self == ToolAnnotations::default()
    }
}

/// A tools/list entry. The schemas are the tool's own JSON text, written out unparsed.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolDescriptor<'a> {
    pub name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<&'a str>,
    pub description: &'a str,
    pub input_schema: &'a RawValue,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_schema: Option<&'a RawValue>,
    #[serde(skip_serializing_if = "ToolAnnotations::is_empty")]
    pub annotations: ToolAnnotations,
}

/// tools/call params as serde reads them: what `ToolCall::read` must accept and refuse.
#[derive(Debug, Deserialize)]
pub struct CallToolParams {
    pub name: String,
    #[serde(default)]
    pub arguments: Map<String, Value>,
}

/// tools/call params read where they are in the request: the tool's name and its
/// arguments borrowed, not copied (a call's arguments are then checked and read in
/// place). Accepts exactly what `CallToolParams` accepts; what it refuses gets serde's
/// own message, from `CallToolParams`.
#[derive(Debug, Clone, Copy)]
pub struct ToolCall<'a> {
    pub name: &'a str,
    /// An empty object when the params have no `arguments`.
    pub arguments: Arguments<'a>,
}

/// A call's arguments: a JSON object, borrowed from the request it came in, so the
/// schema check and the tool read it where it is (never copied for either).
#[derive(Debug, Clone, Copy)]
pub struct Arguments<'a> {
    value: &'a Value,
    map: &'a Map<String, Value>,
}

impl<'a> Arguments<'a> {
    /// `value` when it is an object.
    pub fn of(value: &'a Value) -> Option<Arguments<'a>> {
        match value {
            Value::Object(map) => Some(Arguments { value, map }),
            _ => None,
        }
    }

    /// The object, as the value the schema check reads.
    pub fn value(self) -> &'a Value {
        self.value
    }

    /// Its members, as tools read them.
    pub fn map(self) -> &'a Map<String, Value> {
        self.map
    }
}

impl<'a> ToolCall<'a> {
    pub fn read(params: Option<&'a Map<String, Value>>) -> Result<Self, serde_json::Error> {
        let name = params.and_then(|p| p.get("name"));
        let arguments = params.and_then(|p| p.get("arguments"));
        let arguments = Arguments::of(arguments.unwrap_or(&NO_ARGUMENTS));
        match (name, arguments) {
            (Some(Value::String(name)), Some(arguments)) => Ok(ToolCall { name, arguments }),
            _ => Err(Self::refusal(params)),
        }
    }

    /// serde's message for params `read` refuses.
    #[cold]
    fn refusal(params: Option<&Map<String, Value>>) -> serde_json::Error {
        let empty = Map::new();
        match CallToolParams::deserialize(params.unwrap_or(&empty)) {
            Err(e) => e,
            // Unreachable: `read` refuses only what serde refuses (a unit test holds it).
            Ok(_) => serde::de::Error::custom("invalid tools/call params"),
        }
    }
}

/// The arguments of a call that sends none.
static NO_ARGUMENTS: LazyLock<Value> = LazyLock::new(|| Value::Object(Map::new()));

/// The outcome of a tool call: content blocks, optional structured content, and whether
/// the tool itself failed (a tool failure is a result, not a JSON-RPC error).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallToolResult {
    pub content: Vec<Content>,
    /// Set only by `CallToolResult::structured`, which also adds the same JSON as text.
    #[serde(skip_serializing_if = "Option::is_none")]
    structured_content: Option<Value>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub is_error: bool,
}

impl CallToolResult {
    pub fn content(content: Vec<Content>) -> Self {
        CallToolResult {
            content,
            structured_content: None,
            is_error: false,
        }
    }

    pub fn text(text: impl Into<String>) -> Self {
        Self::content(vec![content::text(text)])
    }

    /// A failure the model should see and can act on.
    pub fn error(message: impl Into<String>) -> Self {
        CallToolResult {
            is_error: true,
            ..Self::text(message)
        }
    }

    /// Structured output, also given as JSON text for clients without outputSchema support
    /// (the only way to make one: every structured result carries its JSON as text).
    pub fn structured(value: Value) -> Self {
        CallToolResult {
            content: vec![content::text(value.to_string())],
            structured_content: Some(value),
            is_error: false,
        }
    }

    /// The structured content, if any.
    pub fn structured_content(&self) -> Option<&Value> {
        self.structured_content.as_ref()
    }

    /// The text of every text block, joined by newlines.
    pub fn text_of(&self) -> String {
        let texts: Vec<&str> = self.content.iter().filter_map(Content::as_text).collect();
        texts.join("\n")
    }

    /// The result as JSON (tests and the few places that inspect a result).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// Written field by field, in serde's order and form: the texts of text blocks through
/// `escape::write_str` (a tool's text is most of its result; serde escapes it byte by
/// byte), the other blocks and the structured content by serde.
impl ResultText for CallToolResult {
    fn json_text(&self) -> serde_json::Result<JsonText> {
        let texts: usize = self
            .content
            .iter()
            .filter_map(Content::as_text)
            .map(str::len)
            .sum();
        // Room for a few escapes and the fields around the texts.
        let mut out = JsonText::buffer(texts + texts / 16 + 48 * self.content.len() + 32);
        out.push_str("{\"content\":[");
        for (i, block) in self.content.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            match block {
                Content::Text { text } => {
                    out.push_str("{\"type\":\"text\",\"text\":");
                    escape::write_str(&mut out, text);
                    out.push('}');
                }
                other => out.push_str(&serde_json::to_string(other)?),
            }
        }
        out.push(']');
        if let Some(structured) = &self.structured_content {
            out.push_str(",\"structuredContent\":");
            out.push_str(&serde_json::to_string(structured)?);
        }
        if self.is_error {
            out.push_str(",\"isError\":true");
        }
        out.push('}');
        Ok(JsonText::assembled(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn results_write_the_bytes_serde_writes() {
        let results = [
            CallToolResult::text(""),
            CallToolResult::text("hi \"there\"\n\t\u{1}é😀"),
            CallToolResult::error("no such thing"),
            CallToolResult::structured(json!({ "a": [1, "two", null], "b": { "c": "\\" } })),
            CallToolResult::content(vec![]),
            CallToolResult::content(vec![
                content::text("first"),
                content::image("AA==", "image/png"),
                content::audio("AA==", "audio/wav"),
                content::embedded(content::text_contents("u://x", "text/plain", "t\"")),
                content::embedded(content::blob_contents("u://b", "image/png", "AA==")),
                content::text(crate::tools::diagnostics::payload(5000)),
            ]),
        ];
        for result in results {
            let serde = serde_json::to_string(&result).unwrap();
            assert_eq!(result.json_text().unwrap().get(), serde);
        }
    }

    #[test]
    fn results_serialize_per_spec() {
        assert_eq!(
            CallToolResult::text("hi").to_json(),
            json!({ "content": [{ "type": "text", "text": "hi" }] })
        );
        assert_eq!(
            CallToolResult::error("no").to_json()["isError"],
            json!(true)
        );
        let s = CallToolResult::structured(json!({ "a": 1 })).to_json();
        assert_eq!(s["structuredContent"], json!({ "a": 1 }));
        assert_eq!(s["content"][0]["text"], json!("{\"a\":1}"));
    }

    #[test]
    fn descriptors_write_schemas_as_given_and_only_set_hints() {
        let schema = RawValue::from_string(r#"{"type":"object"}"#.into()).unwrap();
        let d = ToolDescriptor {
            name: "t",
            title: None,
            description: "d",
            input_schema: &schema,
            output_schema: None,
            annotations: ToolAnnotations {
                read_only_hint: Some(true),
                ..ToolAnnotations::default()
            },
        };
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            r#"{"name":"t","description":"d","inputSchema":{"type":"object"},"annotations":{"readOnlyHint":true}}"#
        );
    }

    /// The borrowed read accepts what serde accepts, with the same name and arguments,
    /// and refuses the rest with serde's message.
    #[test]
    fn a_tool_call_is_read_in_place_as_serde_reads_it() {
        let cases = [
            json!({}),
            json!({ "name": "t" }),
            json!({ "name": "t", "arguments": {} }),
            json!({ "name": "t", "arguments": { "a": [1, { "b": null }] } }),
            json!({ "name": "t", "arguments": { "a": 1 }, "_meta": { "progressToken": 1 } }),
            json!({ "name": "", "extra": true }),
            json!({ "name": 1 }),
            json!({ "name": null }),
            json!({ "name": ["t"] }),
            json!({ "name": "t", "arguments": null }),
            json!({ "name": "t", "arguments": [] }),
            json!({ "name": "t", "arguments": "a=1" }),
            json!({ "name": "t", "arguments": 0 }),
            json!({ "arguments": {} }),
            json!({ "name": { "t": 1 }, "arguments": [] }),
        ];
        let params: Vec<Option<Map<String, Value>>> = cases
            .iter()
            .map(|c| c.as_object().cloned())
            .chain([None])
            .collect();
        for params in &params {
            let read = ToolCall::read(params.as_ref());
            let serde = CallToolParams::deserialize(params.clone().unwrap_or_default());
            match (read, serde) {
                (Ok(read), Ok(serde)) => {
                    assert_eq!(read.name, serde.name, "{params:?}");
                    assert_eq!(read.arguments.map(), &serde.arguments, "{params:?}");
                    assert_eq!(read.arguments.value(), &Value::Object(serde.arguments));
                }
                (Err(read), Err(serde)) => {
                    assert_eq!(read.to_string(), serde.to_string(), "{params:?}")
                }
                (read, serde) => panic!("{params:?}: read {read:?}, serde {serde:?}"),
            }
        }
        assert!(Arguments::of(&json!([])).is_none());
    }
}
