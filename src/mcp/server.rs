//! The MCP dispatcher: one request in, one response out, notifications on the side.
//! Transport-agnostic and stateless: everything a request needs is in the request.

use super::context::{LogLevel, Notifier, RequestContext};
use super::version;
use crate::jsonrpc::{self, invalid_params, Error, ErrorCode, Output, Request, RESOURCE_NOT_FOUND};
use crate::registry::{page::page, Catalog};
use crate::upstream::Upstream;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::cell::RefCell;

/// Who this server says it is in the initialize result.
pub struct ServerInfo {
    pub name: &'static str,
    pub title: &'static str,
    pub version: &'static str,
    pub instructions: Option<String>,
}

/// Completion answers are capped at 100 values by the spec.
const MAX_COMPLETIONS: usize = 100;

pub struct Server<'a> {
    pub catalog: &'a Catalog<'a>,
    pub info: &'a ServerInfo,
    /// Items per page for tools/list, resources/list, prompts/list.
    pub page_size: usize,
    /// The HTTP API tools act on.
    pub upstream: &'a dyn Upstream,
    /// What this request dispatched, for the request log.
    pub trace: RefCell<Trace>,
}

/// The MCP method and tool of the last request dispatched (never arguments).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Trace {
    pub method: Option<String>,
    pub tool: Option<String>,
}

impl Server<'_> {
    /// Answers one request. Progress and log notifications go to `notifier` before the
    /// response is returned.
    pub fn handle(&self, request: Request, notifier: &mut dyn Notifier) -> Output {
        let params = request.params.as_ref();
        if let Ok(mut trace) = self.trace.try_borrow_mut() {
            trace.method = Some(request.method.clone());
            trace.tool = (request.method == "tools/call")
                .then(|| params.and_then(|p| p.get("name")).and_then(Value::as_str))
                .flatten()
                .map(|name| name.chars().take(64).collect());
        }
        let result = self.dispatch(&request.method, params, notifier);
        jsonrpc::response(request.id, result)
    }

    /// Notifications need no answer. initialized, cancelled and roots/list_changed carry
    /// nothing a stateless server must act on: a cancelled request ran on another
    /// instance that cannot be reached, and its response is simply not awaited.
    pub fn notify(&self, _method: &str, _params: Option<&Map<String, Value>>) {}

    fn dispatch(
        &self,
        method: &str,
        params: Option<&Map<String, Value>>,
        notifier: &mut dyn Notifier,
    ) -> Result<Value, Error> {
        let catalog = self.catalog;
        match method {
            "initialize" => self.initialize(parse(params)?),
            "ping" => Ok(json!({})),
            "tools/list" if !catalog.tools.is_empty() => {
                let ListParams { cursor } = parse(params)?;
                let (tools, next) = page(&catalog.tools, cursor.as_deref(), self.page_size)?;
                let tools: Vec<Value> = tools.iter().map(|t| t.describe()).collect();
                Ok(listed("tools", tools, next))
            }
            "tools/call" if !catalog.tools.is_empty() => {
                let CallParams { name, arguments } = parse(params)?;
                if let Some(disabled) = catalog.disabled.iter().find(|d| d.name == name) {
                    let result = crate::registry::tool::ToolResult::error(disabled.reason.clone());
                    return Ok(result.to_json());
                }
                let tool = catalog
                    .tool(&name)
                    .ok_or_else(|| invalid_params(format!("unknown tool '{name}'")))?;
                let mut ctx = RequestContext::new(params, notifier, self.upstream);
                Ok(tool.call(&arguments, &mut ctx).to_json())
            }
            "resources/list" if self.has_resources() => {
                let ListParams { cursor } = parse(params)?;
                let (items, next) = page(&catalog.resources, cursor.as_deref(), self.page_size)?;
                Ok(listed(
                    "resources",
                    items.iter().map(|r| r.describe()).collect(),
                    next,
                ))
            }
            "resources/templates/list" if self.has_resources() => {
                let ListParams { cursor } = parse(params)?;
                let (items, next) = page(&catalog.templates, cursor.as_deref(), self.page_size)?;
                let items = items.iter().map(|t| t.describe()).collect();
                Ok(listed("resourceTemplates", items, next))
            }
            "resources/read" if self.has_resources() => {
                let UriParams { uri } = parse(params)?;
                Ok(json!({ "contents": self.read_resource(&uri)? }))
            }
            // Subscriptions are acknowledged for resources that exist. Updates are pushed
            // only where a stream exists to carry them (not on stateless Streamable HTTP).
            "resources/subscribe" | "resources/unsubscribe" if self.has_resources() => {
                let UriParams { uri } = parse(params)?;
                self.read_resource(&uri)?;
                Ok(json!({}))
            }
            "prompts/list" if !catalog.prompts.is_empty() => {
                let ListParams { cursor } = parse(params)?;
                let (items, next) = page(&catalog.prompts, cursor.as_deref(), self.page_size)?;
                Ok(listed(
                    "prompts",
                    items.iter().map(|p| p.describe()).collect(),
                    next,
                ))
            }
            "prompts/get" if !catalog.prompts.is_empty() => {
                let GetPromptParams { name, arguments } = parse(params)?;
                let prompt = catalog
                    .prompt(&name)
                    .ok_or_else(|| invalid_params(format!("unknown prompt '{name}'")))?;
                let arguments = prompt
                    .validate(arguments.as_ref())
                    .map_err(invalid_params)?;
                Ok((prompt.get)(&arguments))
            }
            "logging/setLevel" => {
                let LevelParams { level } = parse(params)?;
                LogLevel::parse(&level)
                    .map(|_| json!({}))
                    .ok_or_else(|| invalid_params(format!("unknown log level '{level}'")))
            }
            "completion/complete" if self.has_completions() => self.complete(parse(params)?),
            _ => Err(Error {
                code: ErrorCode::MethodNotFound,
                message: format!("Method not found: {method}"),
                data: None,
            }),
        }
    }

    /// The OAuth scope a tools/call needs but the caller lacks, if that is the case.
    pub fn scope_needed(&self, request: &Request) -> Option<&str> {
        if request.method != "tools/call" {
            return None;
        }
        let name = request.params.as_ref()?.get("name")?.as_str()?;
        let disabled = self.catalog.disabled.iter().find(|d| d.name == name)?;
        disabled.scope.as_deref()
    }

    fn has_resources(&self) -> bool {
        !self.catalog.resources.is_empty() || !self.catalog.templates.is_empty()
    }

    fn has_completions(&self) -> bool {
        self.catalog.prompts.iter().any(|p| p.complete.is_some())
            || self.catalog.templates.iter().any(|t| t.complete.is_some())
    }

    fn initialize(&self, params: InitializeParams) -> Result<Value, Error> {
        let catalog = self.catalog;
        let mut capabilities = json!({ "logging": {} });
        if !catalog.tools.is_empty() {
            capabilities["tools"] = json!({ "listChanged": false });
        }
        if self.has_resources() {
            capabilities["resources"] = json!({ "subscribe": true, "listChanged": false });
        }
        if !catalog.prompts.is_empty() {
            capabilities["prompts"] = json!({ "listChanged": false });
        }
        if self.has_completions() {
            capabilities["completions"] = json!({});
        }
        let mut result = json!({
            "protocolVersion": version::negotiate(&params.protocol_version),
            "capabilities": capabilities,
            "serverInfo": {
                "name": self.info.name,
                "title": self.info.title,
                "version": self.info.version,
            },
        });
        if let Some(instructions) = &self.info.instructions {
            result["instructions"] = json!(instructions);
        }
        Ok(result)
    }

    fn read_resource(&self, uri: &str) -> Result<Vec<Value>, Error> {
        let catalog = self.catalog;
        if let Some(resource) = catalog.resources.iter().find(|r| r.uri == uri) {
            return Ok((resource.read)(uri));
        }
        for template in &catalog.templates {
            if let Some(vars) = template.matches(uri) {
                return Ok((template.read)(uri, &vars));
            }
        }
        Err(Error {
            code: ErrorCode::ServerError(RESOURCE_NOT_FOUND),
            message: format!("Resource not found: {uri}"),
            data: Some(json!({ "uri": uri })),
        })
    }

    fn complete(&self, params: CompleteParams) -> Result<Value, Error> {
        let CompleteArgument { name, value } = params.argument;
        let values = match params.reference {
            Reference::Prompt { name: prompt } => {
                let prompt = self
                    .catalog
                    .prompt(&prompt)
                    .ok_or_else(|| invalid_params(format!("unknown prompt '{prompt}'")))?;
                if !prompt.arguments.iter().any(|a| a.name == name) {
                    return Err(invalid_params(format!("prompt has no argument '{name}'")));
                }
                prompt
                    .complete
                    .map(|f| f(&name, &value))
                    .unwrap_or_default()
            }
            Reference::Resource { uri } => {
                let template = self
                    .catalog
                    .templates
                    .iter()
                    .find(|t| t.uri_template == uri)
                    .ok_or_else(|| invalid_params(format!("unknown resource template '{uri}'")))?;
                if !template.variables().any(|v| v == name) {
                    return Err(invalid_params(format!("template has no variable '{name}'")));
                }
                template
                    .complete
                    .map(|f| f(&name, &value))
                    .unwrap_or_default()
            }
        };
        let total = values.len();
        let values: Vec<String> = values.into_iter().take(MAX_COMPLETIONS).collect();
        Ok(json!({
            "completion": { "values": values, "total": total, "hasMore": total > MAX_COMPLETIONS }
        }))
    }
}

fn listed(key: &str, items: Vec<Value>, next: Option<String>) -> Value {
    let mut out = json!({ key: items });
    if let Some(next) = next {
        out["nextCursor"] = json!(next);
    }
    out
}

/// Typed params; absent params parse as an empty object so all-optional params work.
fn parse<T: DeserializeOwned>(params: Option<&Map<String, Value>>) -> Result<T, Error> {
    let value = Value::Object(params.cloned().unwrap_or_default());
    serde_json::from_value(value).map_err(invalid_params)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InitializeParams {
    protocol_version: String,
}

#[derive(Deserialize)]
struct ListParams {
    #[serde(default)]
    cursor: Option<String>,
}

#[derive(Deserialize)]
struct CallParams {
    name: String,
    #[serde(default)]
    arguments: Map<String, Value>,
}

#[derive(Deserialize)]
struct UriParams {
    uri: String,
}

#[derive(Deserialize)]
struct GetPromptParams {
    name: String,
    #[serde(default)]
    arguments: Option<Map<String, Value>>,
}

#[derive(Deserialize)]
struct LevelParams {
    level: String,
}

#[derive(Deserialize)]
struct CompleteParams {
    #[serde(rename = "ref")]
    reference: Reference,
    argument: CompleteArgument,
}

#[derive(Deserialize)]
#[serde(tag = "type")]
enum Reference {
    #[serde(rename = "ref/prompt")]
    Prompt { name: String },
    #[serde(rename = "ref/resource")]
    Resource { uri: String },
}

#[derive(Deserialize)]
struct CompleteArgument {
    name: String,
    value: String,
}

#[cfg(test)]
#[path = "server_tests.rs"]
mod tests;
