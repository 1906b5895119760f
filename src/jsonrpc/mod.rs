//! JSON-RPC 2.0 framing: classifying what a client sent and building what the server
//! answers. Error objects and codes are `jsonrpc-core`'s; request ids are this module's
//! own `RequestId` (`id.rs`), which holds any id a client may send exactly as it was
//! written; `read.rs` parses bodies. Nothing here knows about MCP or HTTP.

pub mod escape;
mod id;
mod json_text;
mod read;

pub use id::{NumberText, RequestId};
pub use json_text::{JsonText, ResultText};
pub use jsonrpc_core::{Error, ErrorCode, Params};
pub use read::{classify, parse, parse_with};

use jsonrpc_core::Version;
use serde::Serialize;
use serde_json::{Map, Value};

/// MCP's "resource not found" error code (not part of JSON-RPC itself).
pub const RESOURCE_NOT_FOUND: i64 = -32002;

/// A request the server must answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub id: RequestId,
    pub method: String,
    /// `None` when the client sent no params; MCP params are always an object.
    pub params: Option<Map<String, Value>>,
}

/// One message from the client, classified.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Request(Request),
    Notification {
        method: String,
        params: Option<Map<String, Value>>,
    },
    /// A response to a server->client request (sampling, elicitation, roots).
    Response(Box<ClientResponse>),
    /// Not a valid JSON-RPC 2.0 message; answered with -32600 and the id when known.
    Invalid {
        id: RequestId,
        reason: &'static str,
    },
}

/// A client's answer to a server->client request: the id it answers (as sent: the
/// server's own ids are strings) and its result or error.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientResponse {
    pub id: Option<RequestId>,
    pub outcome: Result<Value, Value>,
}

/// What one HTTP body held: a single message or a batch.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    Single(Message),
    Batch(Vec<Message>),
}

/// Bounds on what one body may hold, checked before anything acts on it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Deepest nesting of arrays and objects.
    pub depth: usize,
    /// Longest string (bytes), keys included.
    pub string_bytes: usize,
    /// Most items in one array (a batch counts separately).
    pub array_items: usize,
    /// Most messages in one batch.
    pub batch: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            depth: 32,
            string_bytes: 256 * 1024,
            array_items: 10_000,
            batch: 20,
        }
    }
}

/// A -32600 error with a reason.
pub fn invalid_request(reason: &str) -> Error {
    Error {
        code: ErrorCode::InvalidRequest,
        message: format!("Invalid request: {reason}"),
        data: None,
    }
}

/// A -32602 error with a reason.
pub fn invalid_params(reason: impl std::fmt::Display) -> Error {
    Error {
        code: ErrorCode::InvalidParams,
        message: format!("Invalid params: {reason}"),
        data: None,
    }
}

/// A response: a result or an error for one request id, always tagged "2.0".
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Output {
    Success(Success),
    Failure(Failure),
}

/// The result is the handler's typed result already serialized, written out as is.
#[derive(Debug, Clone, Serialize)]
pub struct Success {
    pub jsonrpc: Version,
    pub result: JsonText,
    pub id: RequestId,
}

impl Output {
    /// The response's bytes, in a buffer sized for its result up front: a long result
    /// (a page of tools) grown into serde's doubling buffer was copied over and over.
    /// A success is written by hand around its result's text, which is not checked again
    /// (`JsonText`); the fields and their order are serde's (a unit test compares them).
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Output::Success(success) => {
                let result = success.result.get();
                let mut out = Vec::with_capacity(result.len() + ENVELOPE_ROOM);
                out.extend_from_slice(SUCCESS_HEAD);
                out.extend_from_slice(result.as_bytes());
                close_success(out, &success.id)
            }
            Output::Failure(_) => write_into(Vec::with_capacity(128), self),
        }
    }

    /// `to_bytes`, written into the result's own buffer: the envelope's head moves the
    /// text along in place instead of copying it into a new allocation. A long result
    /// (the shipped tools/list is 22 KB) copied afresh touched new heap pages, each a
    /// page fault and a teardown in the host (bench/README.md, "Memory").
    pub fn into_bytes(self) -> Vec<u8> {
        match self {
            Output::Success(success) => {
                let mut out = success.result.into_string().into_bytes();
                out.reserve(ENVELOPE_ROOM);
                out.splice(0..0, SUCCESS_HEAD.iter().copied());
                close_success(out, &success.id)
            }
            failure => failure.to_bytes(),
        }
    }

    /// The id this response answers.
    pub fn id(&self) -> &RequestId {
        match self {
            Output::Success(success) => &success.id,
            Output::Failure(failure) => &failure.id,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    pub jsonrpc: Version,
    pub error: Error,
    pub id: RequestId,
}

/// The response to a request: a result or an error, always tagged "2.0".
pub fn response(id: RequestId, result: Result<JsonText, Error>) -> Output {
    match result {
        Ok(result) => Output::Success(Success {
            jsonrpc: Version::V2,
            result,
            id,
        }),
        Err(error) => Output::Failure(Failure {
            jsonrpc: Version::V2,
            error,
            id,
        }),
    }
}

/// Serializes a message; serialization of these plain types cannot fail,
/// but a fallback keeps this total rather than panicking.
pub fn to_bytes<T: serde::Serialize>(message: &T) -> Vec<u8> {
    write_into(Vec::with_capacity(128), message)
}

fn write_into<T: serde::Serialize>(mut out: Vec<u8>, message: &T) -> Vec<u8> {
    match serde_json::to_writer(&mut out, message) {
        Ok(()) => out,
        Err(_) => INTERNAL_ERROR.to_vec(),
    }
}

/// A success's bytes before its result.
const SUCCESS_HEAD: &[u8] = br#"{"jsonrpc":"2.0","result":"#;

/// Room a result's buffer leaves for the envelope around it (`Output::into_bytes`); a
/// longer request id only costs a reallocation.
pub const ENVELOPE_ROOM: usize = 64;

/// Ends a success after its result: the id, then the closing brace.
fn close_success(mut out: Vec<u8>, id: &RequestId) -> Vec<u8> {
    out.extend_from_slice(br#","id":"#);
    match serde_json::to_writer(&mut out, id) {
        Ok(()) => {
            out.push(b'}');
            out
        }
        Err(_) => INTERNAL_ERROR.to_vec(),
    }
}

/// What is sent when a response cannot be written.
const INTERNAL_ERROR: &[u8] =
    br#"{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"Internal error"}}"#;

/// How many calls a body holds, for rate limits: the members of a top-level array (a
/// batch), else 1. A scan, not a parse: a malformed body counts as what it looks like
/// and is refused by the parser afterwards.
pub fn calls_in(body: &[u8]) -> u32 {
    let mut bytes = body.iter().skip_while(|b| b.is_ascii_whitespace());
    if bytes.next() != Some(&b'[') {
        return 1;
    }
    let (mut depth, mut strings) = (0u32, Strings::default());
    let (mut members, mut seen) = (0u32, false);
    for &byte in bytes {
        if !strings.structural(byte) {
            seen |= byte == b'"';
            continue;
        }
        match byte {
            b'[' | b'{' => depth += 1,
            b']' | b'}' if depth == 0 => break,
            b']' | b'}' => depth -= 1,
            b',' if depth == 0 => {
                members = members.saturating_add(1);
                seen = false;
                continue;
            }
            _ => {}
        }
        seen |= !byte.is_ascii_whitespace();
    }
    members.saturating_add(u32::from(seen)).max(1)
}

/// Tells, byte by byte, whether JSON text is outside string literals: what the scans
/// above and in `read` (nesting depth) skip.
#[derive(Default)]
pub(crate) struct Strings {
    inside: bool,
    escaped: bool,
}

impl Strings {
    /// Whether `byte` is structural: outside every string, and not a quote that opens or
    /// closes one.
    pub(crate) fn structural(&mut self, byte: u8) -> bool {
        if self.inside {
            match byte {
                _ if self.escaped => self.escaped = false,
                b'\\' => self.escaped = true,
                b'"' => self.inside = false,
                _ => {}
            }
            return false;
        }
        self.inside = byte == b'"';
        !self.inside
    }
}

#[cfg(test)]
mod tests;
