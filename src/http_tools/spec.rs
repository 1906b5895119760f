//! The catalog format for declarative HTTP tools: what a tool is called, what it takes,
//! which request it makes on the catalog's backend, and how the answer is shaped. Catalogs are
//! JSON files compiled into the service and checked by `validate` (unit tests run it on
//! every shipped catalog; a malformed catalog is refused at load, never half-used).

use crate::mcp::model::tool::ToolAnnotations;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    /// The tool set's name, as configuration enables it (`tool_sets`).
    pub tool_set: String,
    #[serde(default)]
    pub description: String,
    /// The named backend every request of this catalog goes to (declared in fastly.toml,
    /// `[setup.backends]` and `[local_server.backends]`): each API has its own, so one
    /// API's credentials can never be sent to another.
    pub backend: String,
    /// The Secret Store keys this catalog's headers may send. No other catalog may name
    /// them, nor any key the server keeps for itself (`secret_keys::SERVER_OWNED`).
    #[serde(default)]
    pub secrets: Vec<String>,
    pub tools: Vec<ToolSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ToolSpec {
    pub name: String,
    #[serde(default)]
    pub title: Option<String>,
    pub description: String,
    /// Kept as raw JSON: it goes out unparsed in listings, and is parsed only when a
    /// request calls the tool (`ToolSpec::input_schema`).
    #[serde(rename = "inputSchema")]
    pub raw_input_schema: Box<RawValue>,
    #[serde(default, rename = "outputSchema")]
    pub raw_output_schema: Option<Box<RawValue>>,
    /// MCP tool annotations; `validate` requires `readOnlyHint`, so every write is explicit.
    pub annotations: ToolAnnotations,
    pub request: RequestSpec,
    #[serde(default)]
    pub response: ResponseSpec,
}

impl ToolSpec {
    /// The input schema as a JSON value (`Null` only if the raw JSON were not JSON, which
    /// the parser that produced it rules out).
    pub fn input_schema(&self) -> Value {
        // From bytes: the request body's reader (`registry::tool::ToolDef::call`).
        serde_json::from_slice(self.raw_input_schema.get().as_bytes()).unwrap_or(Value::Null)
    }

    pub fn output_schema(&self) -> Option<Value> {
        let raw = self.raw_output_schema.as_ref()?;
        serde_json::from_slice(raw.get().as_bytes()).ok()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestSpec {
    pub method: String,
    /// Path template on the catalog's backend: `{name}` is replaced by the argument, percent-encoded
    /// as one path segment.
    pub path: String,
    /// Query parameters: `"{name}"` takes the argument (omitted when absent), anything
    /// else is a literal.
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// JSON body template: a string `"{name}"` is replaced by the argument's JSON value
    /// (the member is dropped when the argument is absent); all else is literal.
    #[serde(default)]
    pub body: Option<Value>,
    /// Request headers: literal values, or `{"secret": key, "prefix": "Bearer "}` taken
    /// from the Secret Store (a key the catalog lists in `secrets`). Arguments can never
    /// reach a header.
    #[serde(default)]
    pub headers: BTreeMap<String, HeaderSpec>,
    /// Defaults for absent arguments, looked up with a GET on the same API.
    #[serde(default)]
    pub resolve: BTreeMap<String, ResolveSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum HeaderSpec {
    Literal(String),
    Secret {
        secret: String,
        #[serde(default)]
        prefix: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolveSpec {
    /// Path template of the GET (same rules as `request.path`).
    pub path: String,
    /// JSON pointer to the value in its answer.
    pub pointer: String,
    /// What to tell the model when the value is missing.
    pub missing: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseSpec {
    /// JSON pointer selecting the part of the answer to return (`""` = all).
    #[serde(default)]
    pub pointer: String,
    /// Most bytes of result returned in one call.
    #[serde(default = "default_max_bytes")]
    pub max_bytes: usize,
    /// For text results: the argument that pages through a text longer than `max_bytes`.
    #[serde(default)]
    pub offset_argument: Option<String>,
}

impl Default for ResponseSpec {
    fn default() -> Self {
        ResponseSpec {
            pointer: String::new(),
            max_bytes: default_max_bytes(),
            offset_argument: None,
        }
    }
}

/// Fits a reply on both transports (the legacy SSE budget is ~500 KB; models prefer less).
fn default_max_bytes() -> usize {
    24 * 1024
}

/// The `{name}` placeholders of a template, in order.
pub fn placeholders(template: &str) -> Vec<&str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .collect()
}

/// `"{name}"` exactly: the argument it stands for.
pub fn whole_placeholder(value: &str) -> Option<&str> {
    value
        .strip_prefix('{')
        .and_then(|v| v.strip_suffix('}'))
        .filter(|name| !name.is_empty() && !name.contains(['{', '}']))
}

/// Placeholders used anywhere in a body template.
pub fn body_placeholders(body: &Value, out: &mut Vec<String>) {
    match body {
        Value::String(s) => out.extend(whole_placeholder(s).map(str::to_string)),
        Value::Array(items) => items.iter().for_each(|v| body_placeholders(v, out)),
        Value::Object(map) => map.values().for_each(|v| body_placeholders(v, out)),
        _ => {}
    }
}

/// The argument names a tool's input schema declares, and which are required.
pub fn schema_properties(schema: &Value) -> (Vec<&str>, Vec<&str>) {
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let required = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    (properties, required)
}
