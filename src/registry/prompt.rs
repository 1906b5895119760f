//! Prompts: named message templates with string arguments.

use serde_json::{json, Map, Value};

pub struct PromptArg {
    pub name: &'static str,
    pub description: &'static str,
    pub required: bool,
}

/// Validated prompt arguments (MCP prompt arguments are strings).
pub type PromptArgs = Map<String, Value>;

pub struct PromptDef {
    pub name: &'static str,
    pub title: Option<&'static str>,
    pub description: &'static str,
    pub arguments: &'static [PromptArg],
    /// Builds the prompts/get result (`{ description?, messages }`) from valid arguments.
    pub get: fn(&PromptArgs) -> Value,
    /// Suggestions for an argument given what the user typed so far.
    pub complete: Option<fn(argument: &str, typed: &str) -> Vec<String>>,
}

impl PromptDef {
    pub fn describe(&self) -> Value {
        let arguments: Vec<Value> = self
            .arguments
            .iter()
            .map(
                |a| json!({ "name": a.name, "description": a.description, "required": a.required }),
            )
            .collect();
        let mut out = json!({ "name": self.name, "description": self.description });
        if !arguments.is_empty() {
            out["arguments"] = Value::Array(arguments);
        }
        if let Some(title) = self.title {
            out["title"] = json!(title);
        }
        out
    }

    /// Checks required arguments are present and every argument is a string.
    pub fn validate(&self, arguments: Option<&Map<String, Value>>) -> Result<PromptArgs, String> {
        let given = arguments.cloned().unwrap_or_default();
        for (name, value) in &given {
            if !value.is_string() {
                return Err(format!("argument '{name}' must be a string"));
            }
        }
        for arg in self.arguments.iter().filter(|a| a.required) {
            if !given.contains_key(arg.name) {
                return Err(format!("missing required argument '{}'", arg.name));
            }
        }
        Ok(given)
    }
}

/// A prompt message with one content block.
pub fn message(role: &str, content: Value) -> Value {
    json!({ "role": role, "content": content })
}
