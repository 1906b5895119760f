//! Reading a body: one pass over the JSON, each message's id kept as the client's own
//! text, limits checked before anything acts on it, then classification.

use super::id::{NumberText, RequestId};
use super::{
    invalid_request, ClientResponse, Error, ErrorCode, Incoming, Limits, Message, Params, Request,
};
use jsonrpc_core::Version;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::fmt;

/// Parses a body with the default limits.
pub fn parse(body: &[u8]) -> Result<Incoming, Error> {
    parse_with(body, &Limits::default())
}

/// Parses a body. Malformed JSON is a -32700 error; anything that is not a message or a
/// non-empty array of messages, or that breaks `limits`, is -32600.
///
/// Read in one pass like `serde_json::Value` (same grammar, errors and limits), except
/// that each message's `id` is kept as the client's own JSON text, so numeric ids that
/// no Rust number type holds exactly are answered with the same bytes.
pub fn parse_with(body: &[u8], limits: &Limits) -> Result<Incoming, Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let read = ReadSeed { top: true }
        .deserialize(&mut deserializer)
        .and_then(|read| deserializer.end().map(|()| read))
        .map_err(parse_error)?;
    let read = read.with_ids(1)?;
    read.check_limits(limits, 0)?;
    match read {
        Read::Batch(items) if items.is_empty() => {
            Err(invalid_request("an empty batch is not a request"))
        }
        Read::Batch(items) if items.len() > limits.batch => Err(invalid_request(&format!(
            "a batch may hold at most {} messages",
            limits.batch
        ))),
        Read::Batch(items) => Ok(Incoming::Batch(
            items.into_iter().map(Read::classify).collect(),
        )),
        Read::Message(envelope) => Ok(Incoming::Single(envelope.classify())),
        Read::Other(_) => Err(invalid_request("expected a JSON-RPC message object")),
    }
}

fn parse_error(e: serde_json::Error) -> Error {
    Error {
        code: ErrorCode::ParseError,
        message: format!("Parse error: {e}"),
        data: None,
    }
}

/// A body (or a member of a batch) as read: a message object, a batch (top level only),
/// or any other JSON value.
enum Read {
    Message(Envelope),
    Batch(Vec<Read>),
    Other(Value),
}

/// A message object: its members except `id`, and the id as the client wrote it.
struct Envelope {
    members: Map<String, Value>,
    id: Option<RawId>,
    /// Ids a repeated `id` member replaced: unused, but the body is JSON only if they are.
    replaced: Vec<Box<RawValue>>,
}

enum RawId {
    /// As read from the body.
    Text(Box<RawValue>),
    /// Once looked at: a number keeps its text; anything else becomes a value.
    Number(NumberText),
    Value(Value),
}

impl Read {
    /// Turns every raw id into a number (kept as its text) or a value. A non-number id
    /// that reading the whole body as a `serde_json::Value` would have refused (nesting
    /// past its recursion limit, a lone surrogate) is the same parse error. `levels`:
    /// the arrays and objects around this one, itself included.
    fn with_ids(self, levels: usize) -> Result<Read, Error> {
        Ok(match self {
            Read::Message(envelope) => Read::Message(envelope.with_id(levels)?),
            Read::Batch(items) => Read::Batch(
                items
                    .into_iter()
                    .map(|item| item.with_ids(levels + 1))
                    .collect::<Result<_, _>>()?,
            ),
            other => other,
        })
    }

    fn check_limits(&self, limits: &Limits, depth: usize) -> Result<(), Error> {
        match self {
            Read::Other(value) => check_limits(value, limits, depth),
            Read::Message(envelope) => {
                if depth >= limits.depth {
                    return Err(too_deep(limits));
                }
                for (key, value) in &envelope.members {
                    if key.len() > limits.string_bytes {
                        return Err(invalid_request("an object key is too long"));
                    }
                    check_limits(value, limits, depth + 1)?;
                }
                match &envelope.id {
                    Some(RawId::Value(value)) => check_limits(value, limits, depth + 1),
                    _ => Ok(()),
                }
            }
            Read::Batch(_) if depth >= limits.depth => Err(too_deep(limits)),
            Read::Batch(items) if items.len() > limits.array_items => Err(too_many(limits)),
            Read::Batch(items) => items
                .iter()
                .try_for_each(|item| item.check_limits(limits, depth + 1)),
        }
    }

    fn classify(self) -> Message {
        match self {
            Read::Message(envelope) => envelope.classify(),
            Read::Other(value) => classify(value),
            Read::Batch(_) => invalid(RequestId::Null, "a JSON-RPC message must be an object"),
        }
    }
}

impl Envelope {
    fn with_id(self, levels: usize) -> Result<Envelope, Error> {
        for raw in self.replaced {
            read_id(&raw, levels)?;
        }
        let id = match self.id {
            Some(RawId::Text(raw)) => Some(read_id(&raw, levels)?),
            other => other,
        };
        Ok(Envelope {
            members: self.members,
            id,
            replaced: Vec::new(),
        })
    }

    fn classify(self) -> Message {
        let id = self.id.map(|id| match id {
            RawId::Number(number) => Some(RequestId::Num(number)),
            RawId::Value(value) => RequestId::of_value(value),
            RawId::Text(raw) => serde_json::from_str(raw.get())
                .ok()
                .and_then(RequestId::of_value),
        });
        classify_members(self.members, id)
    }
}

/// A raw id as a number (kept as its text) or a value; the parse error reading the whole
/// body as a `serde_json::Value` would have given where that refuses it (nesting past its
/// recursion limit, a lone surrogate).
fn read_id(raw: &RawValue, levels: usize) -> Result<RawId, Error> {
    if let Some(number) = NumberText::parse(raw.get()) {
        return Ok(RawId::Number(number));
    }
    if levels + nesting(raw.get()) >= VALUE_RECURSION_LIMIT {
        return Err(Error {
            code: ErrorCode::ParseError,
            message: "Parse error: recursion limit exceeded".into(),
            data: None,
        });
    }
    let value = serde_json::from_str(raw.get()).map_err(parse_error)?;
    Ok(RawId::Value(value))
}

/// `serde_json` refuses a document whose arrays and objects nest this deep.
const VALUE_RECURSION_LIMIT: usize = 128;

/// How deeply arrays and objects nest in a JSON text (strings skipped).
fn nesting(json: &str) -> usize {
    let (mut depth, mut deepest, mut strings) = (0usize, 0usize, super::Strings::default());
    for b in json.bytes().filter(|&b| strings.structural(b)) {
        match b {
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Reads any JSON value; objects (the top level's, and a top-level array's members) as
/// envelopes, a top-level array as a batch.
struct ReadSeed {
    top: bool,
}

impl<'de> DeserializeSeed<'de> for ReadSeed {
    type Value = Read;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Read, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ReadSeed {
    type Value = Read;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Read, E> {
        Ok(Read::Other(Value::Bool(b)))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Read, E> {
        Ok(Read::Other(Value::from(n)))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Read, E> {
        Ok(Read::Other(Value::from(n)))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Read, E> {
        Ok(Read::Other(
            serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number),
        ))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Read, E> {
        Ok(Read::Other(Value::String(s.to_string())))
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<Read, E> {
        Ok(Read::Other(Value::String(s)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Read, E> {
        Ok(Read::Other(Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<Read, E> {
        Ok(Read::Other(Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Read, A::Error> {
        if self.top {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element_seed(ReadSeed { top: false })? {
                items.push(item);
            }
            Ok(Read::Batch(items))
        } else {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element::<Value>()? {
                items.push(item);
            }
            Ok(Read::Other(Value::Array(items)))
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Read, A::Error> {
        let (mut members, mut id, mut replaced) = (Map::new(), None, Vec::new());
        // A repeated member keeps its last value, as in `serde_json::Value`.
        while let Some(key) = map.next_key::<String>()? {
            if key == "id" {
                let raw = RawId::Text(map.next_value::<Box<RawValue>>()?);
                if let Some(RawId::Text(earlier)) = id.replace(raw) {
                    replaced.push(earlier);
                }
            } else {
                let value = map.next_value::<Value>()?;
                members.insert(key, value);
            }
        }
        Ok(Read::Message(Envelope {
            members,
            id,
            replaced,
        }))
    }
}

fn too_deep(limits: &Limits) -> Error {
    invalid_request(&format!("nesting is deeper than {} levels", limits.depth))
}

fn too_many(limits: &Limits) -> Error {
    invalid_request(&format!(
        "an array holds more than {} items",
        limits.array_items
    ))
}

fn check_limits(value: &Value, limits: &Limits, depth: usize) -> Result<(), Error> {
    match value {
        Value::String(s) if s.len() > limits.string_bytes => Err(invalid_request(&format!(
            "a string is longer than {} bytes",
            limits.string_bytes
        ))),
        Value::Array(_) | Value::Object(_) if depth >= limits.depth => Err(too_deep(limits)),
        Value::Array(items) if items.len() > limits.array_items => Err(too_many(limits)),
        Value::Array(items) => items
            .iter()
            .try_for_each(|v| check_limits(v, limits, depth + 1)),
        Value::Object(map) => map.iter().try_for_each(|(k, v)| {
            if k.len() > limits.string_bytes {
                return Err(invalid_request("an object key is too long"));
            }
            check_limits(v, limits, depth + 1)
        }),
        _ => Ok(()),
    }
}

/// Classifies one JSON value as a request, notification, response or invalid message.
///
/// Read member by member rather than through `jsonrpc_core::Call`'s untagged serde
/// enums: those buffer the whole message and build (and throw away) a formatted error
/// per variant tried, which was the largest part of parsing a tools/call in the guest
/// profile. The rules are jsonrpc-core's (no unknown members, `jsonrpc` "2.0", a string
/// `method`, `params` an object, array or null) except for ids: any JSON-RPC id is
/// accepted (null, a string, any number), where jsonrpc-core takes only unsigned integers.
/// A number that went through a `Value` is kept as `Value` prints it; `parse` keeps the
/// client's own text.
pub fn classify(value: Value) -> Message {
    let Value::Object(mut object) = value else {
        return invalid(RequestId::Null, "a JSON-RPC message must be an object");
    };
    let id = object.remove("id").map(RequestId::of_value);
    classify_members(object, id)
}

/// `id`: absent, or present and the id it names (`None` when it is not a valid id type).
fn classify_members(mut object: Map<String, Value>, id: Option<Option<RequestId>>) -> Message {
    if !object.contains_key("method")
        && id.is_some()
        && (object.contains_key("result") || object.contains_key("error"))
    {
        let outcome = match object.remove("result") {
            Some(result) => Ok(result),
            None => Err(object.remove("error").unwrap_or(Value::Null)),
        };
        let id = id.flatten();
        return Message::Response(Box::new(ClientResponse { id, outcome }));
    }
    let id = match id {
        None => None,
        Some(Some(id)) => Some(id),
        Some(None) => return invalid(RequestId::Null, NOT_JSONRPC),
    };
    let answer_id = || id.clone().unwrap_or(RequestId::Null);
    let known = |key: &String| matches!(key.as_str(), "jsonrpc" | "method" | "params");
    let version = match object.get("jsonrpc") {
        None | Some(Value::Null) => None,
        Some(Value::String(v)) if v == "2.0" => Some(Version::V2),
        Some(_) => return invalid(answer_id(), NOT_JSONRPC),
    };
    let params = match object.remove("params") {
        None | Some(Value::Null) => Params::None,
        Some(Value::Object(map)) => Params::Map(map),
        Some(Value::Array(items)) => Params::Array(items),
        Some(_) => return invalid(answer_id(), NOT_JSONRPC),
    };
    let method = match object.remove("method") {
        Some(Value::String(method)) if object.keys().all(known) => method,
        _ => return invalid(answer_id(), NOT_JSONRPC),
    };
    if version.is_none() {
        return invalid(answer_id(), "\"jsonrpc\" must be \"2.0\"");
    }
    match id {
        Some(RequestId::Null) => invalid(
            RequestId::Null,
            "the request id must be a string or a number",
        ),
        Some(id) => match object_params(params) {
            Ok(params) => Message::Request(Request { id, method, params }),
            Err(reason) => invalid(id, reason),
        },
        None => match object_params(params) {
            Ok(params) => Message::Notification { method, params },
            Err(reason) => invalid(RequestId::Null, reason),
        },
    }
}

pub(super) const NOT_JSONRPC: &str = "not a JSON-RPC 2.0 request";

pub(super) fn object_params(params: Params) -> Result<Option<Map<String, Value>>, &'static str> {
    match params {
        Params::None => Ok(None),
        Params::Map(map) => Ok(Some(map)),
        Params::Array(_) => Err("MCP params must be an object"),
    }
}

pub(super) fn invalid(id: RequestId, reason: &'static str) -> Message {
    Message::Invalid { id, reason }
}
