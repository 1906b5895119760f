//! Prompts: named message templates with string arguments.

use crate::mcp::context::RequestContext;
use crate::mcp::input::Outcome;
use crate::mcp::model::prompt::{GetPromptResult, PromptArgument, PromptDescriptor};
use serde_json::{Map, Value};

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
    /// Builds the prompts/get result from valid arguments, or asks the client for what
    /// it needs first (`mcp::input`).
    pub get: fn(&PromptArgs, &mut RequestContext) -> Outcome<GetPromptResult>,
    /// Suggestions for an argument given what the user typed so far.
    pub complete: Option<fn(argument: &str, typed: &str) -> Vec<String>>,
}

impl PromptDef {
    pub fn describe(&self) -> PromptDescriptor<'_> {
        PromptDescriptor {
            name: self.name,
            title: self.title,
            description: self.description,
            arguments: self
                .arguments
                .iter()
                .map(|a| PromptArgument {
                    name: a.name,
                    description: a.description,
                    required: a.required,
                })
                .collect(),
        }
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
