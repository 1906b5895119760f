//! Handlers that ask for input, in the dispatcher: the answers and verified state a
//! request brings, and how an "input required" outcome leaves. On 2026-07-28 the answers
//! come in `inputResponses`/`requestState` and the question leaves as a Multi Round-Trip
//! Requests result with a signed state. Up to 2025-11-25 the question can reach the
//! client only where the transport holds a stream for it (`Reach`): the dispatcher leaves
//! it there for the transport to send as a server->client request; elsewhere a tool says
//! in an error result that it cannot ask.

use super::{result_text, serialize, Era, Reach, Server};
use crate::jsonrpc::{invalid_params, Error, ErrorCode, JsonText, ResultText};
use crate::mcp::context::{Notifier, RequestContext};
use crate::mcp::input::{Answers, InputRequired, Outcome};
use crate::mcp::model::discover::InputRequiredResult;
use crate::mcp::model::method::Method;
use crate::mcp::model::tool::CallToolResult;
use crate::mcp::request_state::Binding;
use serde_json::{json, Map, Value};

/// MissingRequiredClientCapabilityError (2026-07-28).
pub const MISSING_CAPABILITY: i64 = -32021;

impl Server<'_> {
    /// The client's answers to the previous round, with its state once verified: a state
    /// this server did not sign for this caller, method and params is refused (-32602),
    /// whatever the handler would do with it.
    pub(super) fn answers(
        &self,
        method: Method,
        params: Option<&Map<String, Value>>,
        era: &Era,
    ) -> Result<Answers, Error> {
        let params = match (era, params) {
            (Era::Legacy(reach), _) => return Ok(reach.answers.clone()),
            (Era::Modern(_), None) => return Ok(Answers::default()),
            (Era::Modern(_), Some(params)) => params,
        };
        let responses = match params.get("inputResponses") {
            None => Map::new(),
            Some(Value::Object(responses)) => responses.clone(),
            Some(_) => return Err(invalid_params("inputResponses must be an object")),
        };
        let state = match params.get("requestState") {
            None => None,
            Some(Value::String(token)) => {
                let signer = self.states.get().ok_or_else(|| {
                    invalid_params("requestState cannot be verified: no session_key is configured")
                })?;
                let binding = self.binding(method, Some(params));
                let state = signer.open(&binding, token).map_err(|rejected| {
                    invalid_params(format!("requestState is refused: {}", rejected.reason()))
                })?;
                Some(state)
            }
            Some(_) => return Err(invalid_params("requestState must be a string")),
        };
        Ok(Answers::new(responses, state))
    }

    /// The context a handler runs in, for this request's revision.
    pub(super) fn context<'c>(
        &'c self,
        params: Option<&Map<String, Value>>,
        era: &'c Era,
        answers: Answers,
        notifier: &'c mut dyn Notifier,
    ) -> RequestContext<'c> {
        let ctx = RequestContext::new(params, notifier, self.upstream);
        match era {
            Era::Legacy(Reach {
                capabilities: Some(capabilities),
                ..
            }) => ctx.reaching(capabilities, answers),
            Era::Legacy(_) => ctx,
            Era::Modern(meta) => ctx.for_client(meta, answers),
        }
    }

    /// A handler's outcome as the result: complete, or "input required" with the state
    /// signed. A question the client did not declare it can answer is never sent: the
    /// request fails with -32021 naming the capabilities it needs.
    pub(super) fn answer<T: ResultText>(
        &self,
        outcome: Outcome<T>,
        method: Method,
        params: Option<&Map<String, Value>>,
        era: &Era,
        legacy: impl FnOnce(&InputRequired) -> Result<T, Error>,
    ) -> Result<JsonText, Error> {
        let asked = match outcome {
            Outcome::Complete(result) => return result_text(&result),
            Outcome::InputRequired(asked) => asked,
        };
        let capabilities = match era {
            Era::Modern(meta) => &meta.capabilities,
            // Only a tools/call can be resumed from a client's answer (`transport::held`).
            Era::Legacy(reach) => {
                let resumable = method == Method::ToolsCall;
                let reachable = reach.capabilities.as_ref().filter(|declared| {
                    let needed = asked.requests.iter().filter_map(|(_, r)| r.capability());
                    !asked.requests.is_empty() && needed.into_iter().all(|c| declared.has(c))
                });
                if reachable.is_none() || !resumable {
                    return result_text(&legacy(&asked)?);
                }
                // The transport sends it; what it answers this request with is its own.
                *reach.asked.borrow_mut() = Some(asked);
                return serialize(&serde_json::Map::new());
            }
        };
        let mut missing = Map::new();
        for capability in asked.requests.iter().filter_map(|(_, r)| r.capability()) {
            if !capabilities.has(capability) {
                missing.insert(capability.key().to_owned(), json!({}));
            }
        }
        if !missing.is_empty() {
            let names: Vec<&str> = missing.keys().map(String::as_str).collect();
            return Err(Error {
                code: ErrorCode::ServerError(MISSING_CAPABILITY),
                message: format!(
                    "Missing required client capability: {} (declare it in _meta.io.modelcontextprotocol/clientCapabilities)",
                    names.join(", ")
                ),
                data: Some(json!({ "requiredCapabilities": missing })),
            });
        }
        if asked.requests.is_empty() && asked.state.is_none() {
            return Err(internal("the handler asked for nothing"));
        }
        let binding = self.binding(method, params);
        let request_state = match (self.states.get(), asked.state) {
            (Some(signer), state) => Some(signer.seal(&binding, state.unwrap_or(Value::Null))),
            (None, None) => None,
            (None, Some(_)) => {
                return Err(internal(
                    "this server cannot keep a request's state: no session_key is configured",
                ))
            }
        };
        serialize(&InputRequiredResult {
            result_type: "input_required",
            input_requests: asked
                .requests
                .iter()
                .map(|(k, r)| (k.as_str(), r))
                .collect(),
            request_state,
        })
    }

    fn binding<'b>(
        &'b self,
        method: Method,
        params: Option<&'b Map<String, Value>>,
    ) -> Binding<'b> {
        Binding {
            principal: self.principal.get(),
            method: method.name(),
            params,
        }
    }
}

/// A tool's answer to a client that no question can reach: an error result that says why.
pub(super) fn tool_cannot_ask(asked: &InputRequired) -> Result<CallToolResult, Error> {
    let methods: Vec<&str> = asked.requests.iter().map(|(_, r)| r.method).collect();
    Ok(CallToolResult::error(format!(
        "This tool needs the client to answer first ({}); this server can ask only clients that speak MCP 2026-07-28.",
        methods.join(", ")
    )))
}

/// A prompt's answer to such a client: a request error.
pub(super) fn undeliverable(
    asked: &InputRequired,
) -> Result<crate::mcp::model::prompt::GetPromptResult, Error> {
    let methods: Vec<&str> = asked.requests.iter().map(|(_, r)| r.method).collect();
    Err(Error {
        code: ErrorCode::InvalidRequest,
        message: format!(
            "Invalid request: this prompt needs the client to answer first ({}); this server can ask only clients that speak MCP 2026-07-28",
            methods.join(", ")
        ),
        data: None,
    })
}

fn internal(reason: &str) -> Error {
    Error {
        code: ErrorCode::InternalError,
        message: format!("Internal error: {reason}"),
        data: None,
    }
}
