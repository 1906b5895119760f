//! The MCP dispatcher: one request in, one response out, notifications on the side.
//! Transport-agnostic and stateless: everything a request needs is in the request.
//! Dispatch matches on `Method`; every result is a type of `super::model`, serialized
//! once, straight into the response. The revision's rules come with the request as its
//! `Era`: what 2026-07-28 adds (discover, result fields, asking for input) is in
//! `server/modern.rs` and `server/input.rs`.

mod input;
mod modern;
mod tool_page;

use super::context::{LogLevel, Notifier};
use super::input::{Answers, InputRequired};
use super::model::completion::{
    CompleteArgument, CompleteParams, CompleteResult, Completion, Reference,
};
use super::model::discover::CacheScope;
use super::model::initialize::{
    Empty, Implementation, InitializeParams, InitializeResult, ListChanged, ResourcesCapability,
    ServerCapabilities,
};
use super::model::meta::{ClientCapabilities, RequestMeta};
use super::model::method::Method;
use super::model::prompt::{GetPromptParams, ListPromptsResult};
use super::model::resource::{
    ListResourceTemplatesResult, ListResourcesResult, ReadResourceResult, ResourceNotFound,
    UriParams,
};
use super::model::tool::{CallToolResult, ToolCall};
use super::model::{content::ResourceContents, EmptyResult, ListParams, SetLevelParams};
use super::request_state::StateSigner;
use super::version;
use crate::jsonrpc::{
    self, invalid_params, Error, ErrorCode, JsonText, Output, Request, ResultText,
    RESOURCE_NOT_FOUND,
};
use crate::lazy::{Deferred, Lazy};
use crate::registry::{page::page, Catalog, CatalogSource, Found};
use crate::upstream::Upstream;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
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

/// Which revision's rules a request is served by; the transport tells them apart.
#[derive(Debug, Clone, PartialEq)]
pub enum Era {
    /// 2024-11-05 .. 2025-11-25: negotiated once with initialize.
    Legacy(Reach),
    /// 2026-07-28: the request's own `_meta` (already checked against its headers).
    Modern(RequestMeta),
}

impl Era {
    /// The older rules, with no way to ask the client anything.
    pub fn legacy() -> Era {
        Era::Legacy(Reach::default())
    }
}

/// What a 2025-era request can ask of its client. Nothing, unless the transport can hold
/// a stream that carries server->client requests (through Fanout) and knows what the
/// client declared at initialize; then a handler's question is left in `asked` for the
/// transport to send, and the answers come back in a later request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reach {
    /// What the client declared it can answer; `None`: nothing can reach it.
    pub capabilities: Option<ClientCapabilities>,
    /// The answers so far, and the handler's state from the previous round.
    pub answers: Answers,
    /// What the handler asked (set by the dispatcher, taken by the transport).
    pub asked: RefCell<Option<InputRequired>>,
}

pub struct Server<'a> {
    /// What the caller is offered, built when a method first needs it (ping never does).
    pub catalog: &'a dyn CatalogSource,
    pub info: &'a ServerInfo,
    /// Items per page for tools/list, resources/list, prompts/list.
    pub page_size: usize,
    /// The HTTP APIs tools act on.
    pub upstream: &'a dyn Upstream,
    /// The caller's id (`Principal::id`, a SHA-256): request states are bound to it.
    /// Made on first use: most requests carry no state.
    pub principal: &'a Deferred<'a, String>,
    /// Who may reuse a cacheable result (`catalog::cache_scope`).
    pub cache_scope: CacheScope,
    /// Signs and verifies request states; loaded only by requests that need it.
    pub states: &'a Lazy<'a, StateSigner>,
}

impl Server<'_> {
    /// Answers one request. Progress and log notifications go to `notifier` before the
    /// response is returned.
    pub fn handle(&self, request: Request, era: &Era, notifier: &mut dyn Notifier) -> Output {
        let params = request.params.as_ref();
        let result = self.dispatch(&request.method, params, era, notifier);
        let result = match era {
            Era::Legacy(_) => result,
            Era::Modern(_) => result.map(|r| self.with_result_fields(&request.method, params, r)),
        };
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
        era: &Era,
        notifier: &mut dyn Notifier,
    ) -> Result<JsonText, Error> {
        let not_found = || Error {
            code: ErrorCode::MethodNotFound,
            message: format!("Method not found: {method}"),
            data: None,
        };
        let known = Method::parse(method).filter(|m| match era {
            Era::Legacy(_) => m.in_legacy(),
            Era::Modern(_) => m.in_modern(),
        });
        let Some(known) = known else {
            return Err(not_found());
        };
        match known {
            Method::ServerDiscover => self.discover(),
            Method::Initialize => self.initialize(parse(params)?),
            Method::Ping => serialize(&EmptyResult {}),
            Method::ToolsList if self.has_tools() => {
                let ListParams { cursor } = parse(params)?;
                let (items, next) = self.catalog.tools_page(cursor.as_deref(), self.page_size)?;
                tool_page::tools_page(&items, next.as_deref())
            }
            Method::ToolsCall if self.has_tools() => {
                let ToolCall { name, arguments } =
                    ToolCall::read(params).map_err(invalid_params)?;
                let tool = match self.catalog.find_tool(name) {
                    Found::Offered(tool) => tool,
                    Found::Disabled(disabled) => {
                        return result_text(&CallToolResult::error(disabled.reason));
                    }
                    Found::Unknown => return Err(invalid_params(format!("unknown tool '{name}'"))),
                };
                let answers = self.answers(known, params, era)?;
                let mut ctx = self.context(params, era, answers, notifier);
                let outcome = tool.call(arguments, &mut ctx);
                self.answer(outcome, known, params, era, input::tool_cannot_ask)
            }
            Method::ResourcesList if self.has_resources() => {
                let ListParams { cursor } = parse(params)?;
                let (items, next) =
                    page(&self.catalog().resources, cursor.as_deref(), self.page_size)?;
                serialize(&ListResourcesResult {
                    resources: items.iter().map(|r| r.describe()).collect(),
                    next_cursor: next,
                })
            }
            Method::ResourceTemplatesList if self.has_resources() => {
                let ListParams { cursor } = parse(params)?;
                let (items, next) =
                    page(&self.catalog().templates, cursor.as_deref(), self.page_size)?;
                serialize(&ListResourceTemplatesResult {
                    resource_templates: items.iter().map(|t| t.describe()).collect(),
                    next_cursor: next,
                })
            }
            Method::ResourcesRead if self.has_resources() => {
                let UriParams { uri } = parse(params)?;
                let contents = self.read_resource(&uri, era)?;
                serialize(&ReadResourceResult { contents })
            }
            // Subscriptions are acknowledged for resources that exist. Updates are pushed
            // only where a stream exists to carry them (not on stateless Streamable HTTP).
            Method::ResourcesSubscribe | Method::ResourcesUnsubscribe if self.has_resources() => {
                let UriParams { uri } = parse(params)?;
                self.read_resource(&uri, era)?;
                serialize(&EmptyResult {})
            }
            Method::PromptsList if self.has_prompts() => {
                let ListParams { cursor } = parse(params)?;
                let (items, next) =
                    page(&self.catalog().prompts, cursor.as_deref(), self.page_size)?;
                serialize(&ListPromptsResult {
                    prompts: items.iter().map(|p| p.describe()).collect(),
                    next_cursor: next,
                })
            }
            Method::PromptsGet if self.has_prompts() => {
                let GetPromptParams { name, arguments } = parse(params)?;
                let prompt = self
                    .catalog()
                    .prompt(&name)
                    .ok_or_else(|| invalid_params(format!("unknown prompt '{name}'")))?;
                let arguments = prompt
                    .validate(arguments.as_ref())
                    .map_err(invalid_params)?;
                let answers = self.answers(known, params, era)?;
                let mut ctx = self.context(params, era, answers, notifier);
                let outcome = (prompt.get)(&arguments, &mut ctx);
                self.answer(outcome, known, params, era, input::undeliverable)
            }
            Method::LoggingSetLevel => {
                let SetLevelParams { level } = parse(params)?;
                LogLevel::parse(&level)
                    .ok_or_else(|| invalid_params(format!("unknown log level '{level}'")))?;
                serialize(&EmptyResult {})
            }
            Method::CompletionComplete if self.has_completions() => self.complete(parse(params)?),
            _ => Err(not_found()),
        }
    }

    /// The OAuth scope a tools/call needs but the caller lacks, if that is the case.
    pub fn scope_needed(&self, request: &Request) -> Option<String> {
        if Method::parse(&request.method) != Some(Method::ToolsCall) {
            return None;
        }
        let name = request.params.as_ref()?.get("name")?.as_str()?;
        match self.catalog.find_tool(name) {
            Found::Disabled(disabled) => disabled.scope,
            Found::Offered(_) | Found::Unknown => None,
        }
    }

    fn catalog(&self) -> &Catalog<'_> {
        self.catalog.catalog()
    }

    fn has_tools(&self) -> bool {
        self.catalog.offers_tools()
    }

    fn has_prompts(&self) -> bool {
        !self.catalog().prompts.is_empty()
    }

    fn has_resources(&self) -> bool {
        let catalog = self.catalog();
        !catalog.resources.is_empty() || !catalog.templates.is_empty()
    }

    fn has_completions(&self) -> bool {
        let catalog = self.catalog();
        catalog.prompts.iter().any(|p| p.complete.is_some())
            || catalog.templates.iter().any(|t| t.complete.is_some())
    }

    fn initialize(&self, params: InitializeParams) -> Result<JsonText, Error> {
        serialize(&InitializeResult {
            protocol_version: version::negotiate(&params.protocol_version),
            capabilities: self.capabilities(true),
            server_info: self.implementation(),
            instructions: self.info.instructions.as_deref(),
        })
    }

    /// What this server offers. Resource subscriptions are acknowledged up to 2025-11-25
    /// (`subscribe`); 2026-07-28 moved them to subscriptions/listen, which this server does
    /// not offer, so it advertises neither subscriptions nor list changes there.
    fn capabilities(&self, subscribe: bool) -> ServerCapabilities {
        // This server's lists never change while a client holds them.
        let unchanging = || ListChanged {
            list_changed: false,
        };
        ServerCapabilities {
            logging: Empty {},
            tools: self.has_tools().then(unchanging),
            resources: self.has_resources().then_some(ResourcesCapability {
                subscribe,
                list_changed: false,
            }),
            prompts: self.has_prompts().then(unchanging),
            completions: self.has_completions().then_some(Empty {}),
        }
    }

    fn implementation(&self) -> Implementation<'_> {
        Implementation {
            name: self.info.name,
            title: self.info.title,
            version: self.info.version,
        }
    }

    /// A resource's contents; not found is -32002 until 2025-11-25, and -32602 (with the
    /// uri) from 2026-07-28.
    fn read_resource(&self, uri: &str, era: &Era) -> Result<Vec<ResourceContents>, Error> {
        let catalog = self.catalog();
        if let Some(resource) = catalog.resources.iter().find(|r| r.uri == uri) {
            return Ok((resource.read)(uri));
        }
        for template in &catalog.templates {
            if let Some(vars) = template.matches(uri) {
                return Ok((template.read)(uri, &vars));
            }
        }
        let code = match era {
            Era::Legacy(_) => ErrorCode::ServerError(RESOURCE_NOT_FOUND),
            Era::Modern(_) => ErrorCode::InvalidParams,
        };
        Err(Error {
            code,
            message: format!("Resource not found: {uri}"),
            data: serde_json::to_value(ResourceNotFound { uri }).ok(),
        })
    }

    fn complete(&self, params: CompleteParams) -> Result<JsonText, Error> {
        let CompleteArgument { name, value } = params.argument;
        let values = match params.reference {
            Reference::Prompt { name: prompt } => {
                let prompt = self
                    .catalog()
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
                    .catalog()
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
        serialize(&CompleteResult {
            completion: Completion {
                values,
                total,
                has_more: total > MAX_COMPLETIONS,
            },
        })
    }
}

/// A result, serialized once into the response. The model's types always serialize; a
/// failure would still be an error response, never a panic.
fn serialize<T: Serialize>(result: &T) -> Result<JsonText, Error> {
    JsonText::serialize(result).map_err(serialize_failed)
}

/// A result that may write its own text (`ResultText`): a tool's or a prompt's.
fn result_text<T: ResultText>(result: &T) -> Result<JsonText, Error> {
    result.json_text().map_err(serialize_failed)
}

fn serialize_failed(_: impl std::error::Error) -> Error {
    Error {
        code: ErrorCode::InternalError,
        message: "Internal error: the result could not be serialized".into(),
        data: None,
    }
}

/// Typed params; absent params parse as an empty object so all-optional params work.
/// Read from the params in place (no copy of them first).
fn parse<T: DeserializeOwned>(params: Option<&Map<String, Value>>) -> Result<T, Error> {
    match params {
        Some(params) => T::deserialize(params),
        None => T::deserialize(&Map::new()),
    }
    .map_err(invalid_params)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_modern;
