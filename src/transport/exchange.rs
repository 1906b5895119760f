//! The message loop both transports share: a parsed body in, what to answer out. Each
//! request goes to the dispatcher, notifications and client responses are only
//! acknowledged, and the per-version rules (batches, initialize alone) live here once.

use super::Endpoint;
use crate::jsonrpc::{self, invalid_request, Error, Incoming, Message, Output, Request, RequestId};
use crate::mcp::context::Notifier;
use crate::mcp::model::meta::ClientCapabilities;
use crate::mcp::model::method::Method;
use crate::mcp::server::Era;
use crate::mcp::version;
use http::Response;
use serde_json::{Map, Value};

/// What to send back for one body.
pub enum Answer {
    /// Nothing to answer (notifications, client responses): 202.
    Accepted,
    /// The response to the one request.
    Response(Output),
    /// A batch's responses, in order.
    Batch(Vec<Output>),
    /// Refused before dispatch: 400 with this error for this id.
    Invalid(RequestId, Error),
    /// Refused by an HTTP rule before dispatch (403 insufficient_scope).
    Refused(Response<Vec<u8>>),
}

/// What a body asked for, for the request log: the method and tool of its last request
/// (names only, never arguments; a tool name is cut to 64 characters).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Trace {
    pub method: Option<String>,
    pub tool: Option<String>,
}

impl Trace {
    fn of(request: &Request) -> Trace {
        let method = Method::parse(&request.method);
        let tool = (method == Some(Method::ToolsCall))
            .then(|| request.params.as_ref()?.get("name")?.as_str())
            .flatten()
            .map(|name| name.chars().take(64).collect());
        Trace {
            method: Some(request.method.clone()),
            tool,
        }
    }

    /// Whether the last request was `method`.
    pub fn was(&self, method: Method) -> bool {
        self.method.as_deref().and_then(Method::parse) == Some(method)
    }
}

/// Answers `incoming`, spoken in protocol `version` by `era`'s rules, with `endpoint`'s
/// dispatcher; notifications a request emits go to `notifier` before its response is
/// returned. (2026-07-28 has no batches: its requests come one per body.)
pub fn exchange(
    incoming: Incoming,
    version: &str,
    era: &Era,
    endpoint: &Endpoint,
    notifier: &mut dyn Notifier,
) -> (Answer, Trace) {
    let server = endpoint.server;
    let mut trace = Trace::default();
    let answer = match incoming {
        Incoming::Single(Message::Request(request)) => {
            trace = Trace::of(&request);
            match endpoint.scope_refusal(&request) {
                Some(refusal) => Answer::Refused(refusal),
                None => Answer::Response(server.handle(request, era, notifier)),
            }
        }
        Incoming::Single(Message::Notification { method, params }) => {
            server.notify(&method, params.as_ref());
            Answer::Accepted
        }
        Incoming::Single(Message::Response(_)) => Answer::Accepted,
        Incoming::Single(Message::Invalid { id, reason }) => {
            Answer::Invalid(id, invalid_request(reason))
        }
        Incoming::Batch(_) if !version::allows_batching(version) => {
            let reason = "JSON-RPC batches are not allowed in this protocol version";
            Answer::Invalid(RequestId::Null, invalid_request(reason))
        }
        Incoming::Batch(messages) => {
            let mut outputs = Vec::new();
            for message in messages {
                match message {
                    Message::Request(request)
                        if version::initialize_alone(version)
                            && Method::parse(&request.method) == Some(Method::Initialize) =>
                    {
                        let error = invalid_request("initialize must not be part of a batch");
                        outputs.push(jsonrpc::response(request.id, Err(error)));
                    }
                    Message::Request(request) => {
                        trace = Trace::of(&request);
                        outputs.push(server.handle(request, era, notifier));
                    }
                    Message::Notification { method, params } => {
                        server.notify(&method, params.as_ref());
                    }
                    Message::Response(_) => {}
                    Message::Invalid { id, reason } => {
                        outputs.push(jsonrpc::response(id, Err(invalid_request(reason))));
                    }
                }
            }
            if outputs.is_empty() {
                Answer::Accepted
            } else {
                Answer::Batch(outputs)
            }
        }
    };
    (answer, trace)
}

/// The capabilities an initialize request declares, as flags for its session id (what a
/// tool may ask that client: `held.rs`).
pub fn declared_capabilities(incoming: &Incoming) -> Option<String> {
    let Incoming::Single(Message::Request(request)) = incoming else {
        return None;
    };
    if Method::parse(&request.method) != Some(Method::Initialize) {
        return None;
    }
    let declared = request.params.as_ref()?.get("capabilities")?.as_object()?;
    Some(ClientCapabilities::declared(declared.clone()).flags())
}

/// The params of a single tools/call (what a held call's continuation carries).
pub fn tools_call_params(incoming: &Incoming) -> Option<Map<String, Value>> {
    let Incoming::Single(Message::Request(request)) = incoming else {
        return None;
    };
    let call = Method::parse(&request.method) == Some(Method::ToolsCall);
    call.then(|| request.params.clone()).flatten()
}
