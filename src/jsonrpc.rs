//! JSON-RPC 2.0 framing: classifying what a client sent and building what the server
//! answers. Error objects and codes are `jsonrpc-core`'s; request ids are this module's
//! own `RequestId`, which holds any id a client may send exactly as it was written.
//! Nothing here knows about MCP or HTTP.

use jsonrpc_core::Version;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::fmt;

pub use jsonrpc_core::{Error, ErrorCode, Params};

/// The former name of `RequestId` (jsonrpc-core's `Id` had the same variants but only
/// unsigned integers), kept so existing callers compile.
pub type Id = RequestId;

/// MCP's "resource not found" error code (not part of JSON-RPC itself).
pub const RESOURCE_NOT_FOUND: i64 = -32002;

/// A JSON-RPC request id exactly as the client sent it: a string, any JSON number, or (in
/// answers that cannot name a request) null. Numbers keep their JSON text, so `-1`, `1.5`,
/// `1e3`, `-0` and `18446744073709551616` come back byte for byte.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RequestId {
    Null,
    Str(String),
    Num(NumberText),
}

/// A JSON number as its text (RFC 8259 grammar), never converted through u64, i64 or f64.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NumberText(Box<str>);

impl NumberText {
    /// `text` when it is exactly one JSON number.
    pub fn parse(text: &str) -> Option<NumberText> {
        is_json_number(text.as_bytes()).then(|| NumberText(text.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NumberText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
fn is_json_number(text: &[u8]) -> bool {
    fn digits(text: &[u8], at: &mut usize) -> usize {
        let start = *at;
        while text.get(*at).is_some_and(u8::is_ascii_digit) {
            *at += 1;
        }
        *at - start
    }
    let mut at = usize::from(text.first() == Some(&b'-'));
    match text.get(at) {
        Some(b'0') => at += 1,
        Some(b'1'..=b'9') => {
            digits(text, &mut at);
        }
        _ => return false,
    }
    if text.get(at) == Some(&b'.') {
        at += 1;
        if digits(text, &mut at) == 0 {
            return false;
        }
    }
    if matches!(text.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(text.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        if digits(text, &mut at) == 0 {
            return false;
        }
    }
    at == text.len()
}

impl From<u64> for RequestId {
    fn from(n: u64) -> Self {
        RequestId::Num(NumberText(n.to_string().into()))
    }
}

impl From<i64> for RequestId {
    fn from(n: i64) -> Self {
        RequestId::Num(NumberText(n.to_string().into()))
    }
}

impl From<&str> for RequestId {
    fn from(s: &str) -> Self {
        RequestId::Str(s.to_string())
    }
}

impl From<String> for RequestId {
    fn from(s: String) -> Self {
        RequestId::Str(s)
    }
}

impl From<jsonrpc_core::Id> for RequestId {
    fn from(id: jsonrpc_core::Id) -> Self {
        match id {
            jsonrpc_core::Id::Null => RequestId::Null,
            jsonrpc_core::Id::Num(n) => n.into(),
            jsonrpc_core::Id::Str(s) => RequestId::Str(s),
        }
    }
}

impl Serialize for RequestId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            RequestId::Null => serializer.serialize_unit(),
            RequestId::Str(s) => serializer.serialize_str(s),
            // The number's own text, verbatim (the text was checked to be a JSON number).
            RequestId::Num(n) => RawValue::from_string(n.0.to_string())
                .map_err(serde::ser::Error::custom)?
                .serialize(serializer),
        }
    }
}

impl RequestId {
    /// The id a JSON value names: null, a string or a number; anything else is no id.
    fn of_value(value: Value) -> Option<RequestId> {
        match value {
            Value::Null => Some(RequestId::Null),
            Value::String(s) => Some(RequestId::Str(s)),
            Value::Number(n) => NumberText::parse(&n.to_string()).map(RequestId::Num),
            _ => None,
        }
    }
}

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
    Response,
    /// Not a valid JSON-RPC 2.0 message; answered with -32600 and the id when known.
    Invalid {
        id: RequestId,
        reason: &'static str,
    },
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
        let id = match self.id {
            Some(RawId::Text(raw)) => Some(match NumberText::parse(raw.get()) {
                Some(number) => RawId::Number(number),
                None if levels + nesting(raw.get()) >= VALUE_RECURSION_LIMIT => {
                    return Err(Error {
                        code: ErrorCode::ParseError,
                        message: "Parse error: recursion limit exceeded".into(),
                        data: None,
                    })
                }
                None => RawId::Value(serde_json::from_str(raw.get()).map_err(parse_error)?),
            }),
            other => other,
        };
        Ok(Envelope {
            members: self.members,
            id,
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

/// `serde_json` refuses a document whose arrays and objects nest this deep.
const VALUE_RECURSION_LIMIT: usize = 128;

/// How deeply arrays and objects nest in a JSON text (strings skipped).
fn nesting(json: &str) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for b in json.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
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
        let mut members = Map::new();
        let mut id = None;
        // A repeated member keeps its last value, as in `serde_json::Value`.
        while let Some(key) = map.next_key::<String>()? {
            if key == "id" {
                id = Some(RawId::Text(map.next_value::<Box<RawValue>>()?));
            } else {
                let value = map.next_value::<Value>()?;
                members.insert(key, value);
            }
        }
        Ok(Read::Message(Envelope { members, id }))
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
        return Message::Response;
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

const NOT_JSONRPC: &str = "not a JSON-RPC 2.0 request";

fn object_params(params: Params) -> Result<Option<Map<String, Value>>, &'static str> {
    match params {
        Params::None => Ok(None),
        Params::Map(map) => Ok(Some(map)),
        Params::Array(_) => Err("MCP params must be an object"),
    }
}

fn invalid(id: RequestId, reason: &'static str) -> Message {
    Message::Invalid { id, reason }
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
    pub result: Box<RawValue>,
    pub id: RequestId,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    pub jsonrpc: Version,
    pub error: Error,
    pub id: RequestId,
}

/// The response to a request: a result or an error, always tagged "2.0".
pub fn response(id: RequestId, result: Result<Box<RawValue>, Error>) -> Output {
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
    serde_json::to_vec(message).unwrap_or_else(|_| {
        br#"{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"Internal error"}}"#
            .to_vec()
    })
}

/// How many calls a body holds, for rate limits: the members of a top-level array (a
/// batch), else 1. A scan, not a parse: a malformed body counts as what it looks like
/// and is refused by the parser afterwards.
pub fn calls_in(body: &[u8]) -> u32 {
    let mut bytes = body.iter().skip_while(|b| b.is_ascii_whitespace());
    if bytes.next() != Some(&b'[') {
        return 1;
    }
    let (mut depth, mut in_string, mut escaped) = (0u32, false, false);
    let (mut members, mut seen) = (0u32, false);
    for &byte in bytes {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
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

#[cfg(test)]
mod tests {

    #[test]
    fn calls_in_counts_batch_members() {
        assert_eq!(calls_in(br#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#), 1);
        assert_eq!(calls_in(b" [ ]"), 1);
        assert_eq!(calls_in(br#"[{"id":1}]"#), 1);
        let batch = br#" [{"id":1,"params":{"a":[1,2,"x,]"]}}, {"id":"\",2"},{"id":3}] "#;
        assert_eq!(calls_in(batch), 3);
        let twenty = format!(
            "[{}]",
            vec![r#"{"jsonrpc":"2.0","method":"ping","id":1}"#; 20].join(",")
        );
        assert_eq!(calls_in(twenty.as_bytes()), 20);
        assert_eq!(calls_in(b"[1,2,"), 2, "a cut body counts what it shows");
        assert_eq!(calls_in(b"not json"), 1);
    }
    use super::*;
    use serde_json::json;

    fn raw(value: Value) -> Box<RawValue> {
        serde_json::value::to_raw_value(&value).unwrap()
    }

    fn one(body: &str) -> Message {
        match parse(body.as_bytes()) {
            Ok(Incoming::Single(m)) => m,
            other => panic!("expected a single message, got {other:?}"),
        }
    }

    #[test]
    fn malformed_json_is_a_parse_error() {
        let err = parse(b"{\"jsonrpc\":").unwrap_err();
        assert_eq!(err.code.code(), -32700);
    }

    #[test]
    fn non_objects_and_empty_batches_are_invalid_requests() {
        for body in ["42", "\"x\"", "null", "[]"] {
            assert_eq!(
                parse(body.as_bytes()).unwrap_err().code.code(),
                -32600,
                "{body}"
            );
        }
    }

    #[test]
    fn requests_keep_their_id_and_params() {
        let m = one(r#"{"jsonrpc":"2.0","id":"a","method":"ping","params":{"x":1}}"#);
        let Message::Request(r) = m else { panic!() };
        assert_eq!(r.id, RequestId::Str("a".into()));
        assert_eq!(r.params.unwrap()["x"], json!(1));
    }

    #[test]
    fn notifications_and_responses_are_told_apart() {
        assert!(matches!(
            one(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#),
            Message::Notification { .. }
        ));
        assert_eq!(
            one(r#"{"jsonrpc":"2.0","id":1,"result":{}}"#),
            Message::Response
        );
        assert_eq!(
            one(r#"{"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"no"}}"#),
            Message::Response
        );
    }

    #[test]
    fn wrong_version_null_id_and_array_params_are_invalid() {
        for body in [
            r#"{"jsonrpc":"1.0","id":1,"method":"ping"}"#,
            r#"{"id":1,"method":"ping"}"#,
            r#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"ping","params":[1]}"#,
            r#"{"jsonrpc":"2.0","id":1}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":5}"#,
        ] {
            assert!(matches!(one(body), Message::Invalid { .. }), "{body}");
        }
    }

    #[test]
    fn limits_bound_depth_strings_arrays_and_batches() {
        let limits = Limits {
            depth: 4,
            string_bytes: 8,
            array_items: 3,
            batch: 2,
        };
        let ok = br#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"a":[1,2]}}"#;
        assert!(parse_with(ok, &limits).is_ok());
        for body in [
            r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"a":{"b":{"c":{"d":1}}}}}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"a":"123456789"}}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"a":[1,2,3,4]}}"#,
            r#"[{"jsonrpc":"2.0","method":"n"},{"jsonrpc":"2.0","method":"n"},{"jsonrpc":"2.0","method":"n"}]"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"123456789":1}}"#,
        ] {
            assert_eq!(
                parse_with(body.as_bytes(), &limits)
                    .unwrap_err()
                    .code
                    .code(),
                -32600,
                "{body}"
            );
        }
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(parse(deep.as_bytes()).is_err());
    }

    #[test]
    fn batches_classify_each_member() {
        let Ok(Incoming::Batch(items)) = parse(
            br#"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"n"},7]"#,
        ) else {
            panic!()
        };
        assert!(matches!(items[0], Message::Request(_)));
        assert!(matches!(items[1], Message::Notification { .. }));
        assert!(matches!(items[2], Message::Invalid { .. }));
    }

    #[test]
    fn responses_serialize_as_json_rpc_2() {
        let ok = to_bytes(&response(RequestId::from(3u64), Ok(raw(json!({})))));
        assert_eq!(ok, br#"{"jsonrpc":"2.0","result":{},"id":3}"#);
        let err = to_bytes(&response(RequestId::Null, Err(invalid_params("bad"))));
        let v: Value = serde_json::from_slice(&err).unwrap();
        assert_eq!(v["error"]["code"], json!(-32602));
        assert_eq!(v["id"], Value::Null);
    }

    /// JSON numbers that are valid JSON-RPC ids but not u64s, and some that are.
    const NUMBER_IDS: [&str; 14] = [
        "-1",
        "1.5",
        "18446744073709551616",
        "1e3",
        "0",
        "-0",
        "1E+2",
        "2.50",
        "1.0",
        "-9223372036854775809",
        "123456789012345678901234567890",
        "7",
        "1e400",
        "-1.5e-7",
    ];

    #[test]
    fn every_json_number_id_is_echoed_byte_for_byte() {
        for id in NUMBER_IDS {
            let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"ping"}}"#);
            let Ok(Incoming::Single(Message::Request(request))) = parse(body.as_bytes()) else {
                panic!("{id}: not a request: {:?}", parse(body.as_bytes()));
            };
            let answer = to_bytes(&response(request.id, Ok(raw(json!({})))));
            let expected = format!(r#"{{"jsonrpc":"2.0","result":{{}},"id":{id}}}"#);
            assert_eq!(String::from_utf8(answer).unwrap(), expected);
        }
    }

    #[test]
    fn invalid_messages_and_batch_members_keep_their_exact_id() {
        let batch = format!(
            "[{}]",
            NUMBER_IDS
                .iter()
                .map(|id| format!(r#"{{"jsonrpc":"1.0","id":{id},"method":"ping"}}"#))
                .collect::<Vec<_>>()
                .join(",")
        );
        let Ok(Incoming::Batch(messages)) = parse(batch.as_bytes()) else {
            panic!("a batch")
        };
        for (message, id) in messages.into_iter().zip(NUMBER_IDS) {
            let Message::Invalid { id: kept, .. } = message else {
                panic!("{id}: {message:?}")
            };
            let answer = to_bytes(&response(kept, Err(invalid_request("x"))));
            let answer = String::from_utf8(answer).unwrap();
            assert!(answer.ends_with(&format!(r#","id":{id}}}"#)), "{answer}");
        }
        let strings = r#"{"jsonrpc":"2.0","id":"caf\u00e9 \"q\"","method":"ping"}"#;
        let Message::Request(request) = one(strings) else {
            panic!()
        };
        let answer = to_bytes(&response(request.id, Ok(raw(json!({})))));
        let answer: Value = serde_json::from_slice(&answer).unwrap();
        assert_eq!(answer["id"], "café \"q\"");
    }

    /// The body reader keeps ids raw but must otherwise refuse exactly what reading the
    /// body as a `serde_json::Value` refuses (-32700), and apply the same limits.
    #[test]
    fn the_body_reader_refuses_what_serde_json_values_refuse() {
        let nested = |levels: usize| format!("{}1{}", "[".repeat(levels), "]".repeat(levels));
        let message = |id: &str| format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"m"}}"#);
        let bodies = [
            message(&nested(126)),
            message(&nested(127)),
            format!("[{}]", message(&nested(125))),
            format!("[{}]", message(&nested(126))),
            message(r#""\ud800""#),
            message(r#""\u00""#),
            message("01"),
            message("1."),
            message("+1"),
            message("tru"),
            format!("{} x", message("1")),
            format!("{}\n", message("1")),
            r#"{"id":1,"id":2,"jsonrpc":"2.0","method":"m"}"#.to_string(),
            "{\"id\":\"\u{e9}\",\"jsonrpc\":\"2.0\",\"method\":\"m\"}".to_string(),
        ];
        for body in &bodies {
            let by_value = serde_json::from_slice::<Value>(body.as_bytes());
            let code = parse(body.as_bytes()).err().map(|e| e.code.code());
            match by_value {
                Err(_) => assert_eq!(code, Some(-32700), "{body}"),
                Ok(_) => assert_ne!(code, Some(-32700), "{body}"),
            }
        }
        let deep = parse(message(&nested(40)).as_bytes()).unwrap_err();
        assert!(deep.message.contains("nesting"), "{}", deep.message);
        let limits = Limits {
            string_bytes: 8,
            ..Limits::default()
        };
        let long_id = parse_with(message(r#""123456789""#).as_bytes(), &limits).unwrap_err();
        assert_eq!(long_id.code.code(), -32600);
        let Message::Request(last) = one(&bodies[12]) else {
            panic!()
        };
        assert_eq!(
            last.id,
            RequestId::from(2u64),
            "a repeated id keeps the last"
        );
    }

    /// The classification jsonrpc-core's own `Call` deserializer gives (what `classify`
    /// did before it read members by hand), as the reference `classify` must match. Ids
    /// are the one difference: jsonrpc-core takes only unsigned integers, `classify` any
    /// JSON number, so the reference sees such an id as a stand-in string and the id is
    /// put back in what it answers.
    fn classify_by_jsonrpc_core(mut value: Value) -> Message {
        const STAND_IN: &str = "\u{0}number id";
        let number = match value.get_mut("id") {
            Some(id @ Value::Number(_)) => {
                let number = RequestId::of_value(id.clone());
                *id = json!(STAND_IN);
                number
            }
            _ => None,
        };
        let put_back = |id: jsonrpc_core::Id| match (&id, &number) {
            (jsonrpc_core::Id::Str(s), Some(number)) if s == STAND_IN => number.clone(),
            _ => RequestId::from(id),
        };
        match classify_by_jsonrpc_core_ids(value) {
            Reference::Request(id, method, params) => Message::Request(Request {
                id: put_back(id),
                method,
                params,
            }),
            Reference::Invalid(id, reason) => invalid(put_back(id), reason),
            Reference::Other(message) => message,
        }
    }

    enum Reference {
        Request(jsonrpc_core::Id, String, Option<Map<String, Value>>),
        Invalid(jsonrpc_core::Id, &'static str),
        Other(Message),
    }

    fn classify_by_jsonrpc_core_ids(value: Value) -> Reference {
        use jsonrpc_core::{Call, Id};
        let Value::Object(object) = &value else {
            return Reference::Invalid(Id::Null, "a JSON-RPC message must be an object");
        };
        if !object.contains_key("method")
            && object.contains_key("id")
            && (object.contains_key("result") || object.contains_key("error"))
        {
            return Reference::Other(Message::Response);
        }
        match serde_json::from_value::<Call>(value) {
            Ok(Call::MethodCall(call)) if call.jsonrpc != Some(Version::V2) => {
                Reference::Invalid(call.id, "\"jsonrpc\" must be \"2.0\"")
            }
            Ok(Call::MethodCall(call)) if call.id == Id::Null => {
                Reference::Invalid(Id::Null, "the request id must be a string or a number")
            }
            Ok(Call::MethodCall(call)) => match object_params(call.params) {
                Ok(params) => Reference::Request(call.id, call.method, params),
                Err(reason) => Reference::Invalid(call.id, reason),
            },
            Ok(Call::Notification(note)) if note.jsonrpc != Some(Version::V2) => {
                Reference::Invalid(Id::Null, "\"jsonrpc\" must be \"2.0\"")
            }
            Ok(Call::Notification(note)) => match object_params(note.params) {
                Ok(params) => Reference::Other(Message::Notification {
                    method: note.method,
                    params,
                }),
                Err(reason) => Reference::Invalid(Id::Null, reason),
            },
            Ok(Call::Invalid { id }) => Reference::Invalid(id, NOT_JSONRPC),
            Err(_) => Reference::Invalid(Id::Null, NOT_JSONRPC),
        }
    }

    #[test]
    fn classification_matches_jsonrpc_core() {
        let ids = [
            None,
            Some(json!(null)),
            Some(json!(7)),
            Some(json!("a")),
            Some(json!(-1)),
            Some(json!(1.5)),
            Some(json!(true)),
            Some(json!({})),
            Some(json!([1])),
        ];
        let versions = [
            None,
            Some(json!("2.0")),
            Some(json!("1.0")),
            Some(json!(null)),
            Some(json!(2)),
        ];
        let methods = [
            None,
            Some(json!("tools/call")),
            Some(json!(5)),
            Some(json!(null)),
        ];
        let params = [
            None,
            Some(json!(null)),
            Some(json!({"name": "x"})),
            Some(json!([1, 2])),
            Some(json!("text")),
            Some(json!(3)),
        ];
        let extras = [None, Some(("extra", json!(1))), Some(("result", json!({})))];
        let mut checked = 0;
        for id in &ids {
            for version in &versions {
                for method in &methods {
                    for param in &params {
                        for extra in &extras {
                            let mut message = Map::new();
                            let members = [
                                ("id", id),
                                ("jsonrpc", version),
                                ("method", method),
                                ("params", param),
                            ];
                            for (key, value) in members {
                                if let Some(value) = value {
                                    message.insert(key.to_string(), value.clone());
                                }
                            }
                            if let Some((key, value)) = extra {
                                message.insert(key.to_string(), value.clone());
                            }
                            let value = Value::Object(message);
                            assert_eq!(
                                classify(value.clone()),
                                classify_by_jsonrpc_core(value.clone()),
                                "{value}"
                            );
                            // The body reader (raw ids) agrees with `classify`.
                            assert_eq!(one(&value.to_string()), classify(value.clone()));
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 9 * 5 * 4 * 6 * 3);
    }
}
