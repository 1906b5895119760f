//! JSON-RPC 2.0 framing on top of `jsonrpc-core`'s types: classifying what a client sent
//! and building what the server answers. Nothing here knows about MCP or HTTP.

use jsonrpc_core::{Failure, Output, Success, Version};
use serde_json::{Map, Value};

pub use jsonrpc_core::{Error, ErrorCode, Id, Params};

/// MCP's "resource not found" error code (not part of JSON-RPC itself).
pub const RESOURCE_NOT_FOUND: i64 = -32002;

/// A request the server must answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub id: Id,
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
        id: Id,
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
pub fn parse_with(body: &[u8], limits: &Limits) -> Result<Incoming, Error> {
    let value: Value = serde_json::from_slice(body).map_err(|e| Error {
        code: ErrorCode::ParseError,
        message: format!("Parse error: {e}"),
        data: None,
    })?;
    check_limits(&value, limits, 0)?;
    match value {
        Value::Array(items) if items.is_empty() => {
            Err(invalid_request("an empty batch is not a request"))
        }
        Value::Array(items) if items.len() > limits.batch => Err(invalid_request(&format!(
            "a batch may hold at most {} messages",
            limits.batch
        ))),
        Value::Array(items) => Ok(Incoming::Batch(items.into_iter().map(classify).collect())),
        Value::Object(_) => Ok(Incoming::Single(classify(value))),
        _ => Err(invalid_request("expected a JSON-RPC message object")),
    }
}

fn check_limits(value: &Value, limits: &Limits, depth: usize) -> Result<(), Error> {
    match value {
        Value::String(s) if s.len() > limits.string_bytes => Err(invalid_request(&format!(
            "a string is longer than {} bytes",
            limits.string_bytes
        ))),
        Value::Array(_) | Value::Object(_) if depth >= limits.depth => Err(invalid_request(
            &format!("nesting is deeper than {} levels", limits.depth),
        )),
        Value::Array(items) if items.len() > limits.array_items => Err(invalid_request(&format!(
            "an array holds more than {} items",
            limits.array_items
        ))),
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
/// profile. The rules are jsonrpc-core's: no unknown members, `jsonrpc` "2.0", a string
/// `method`, `params` an object, array or null, an id that is null, a string or an
/// unsigned integer.
pub fn classify(value: Value) -> Message {
    let Value::Object(mut object) = value else {
        return invalid(Id::Null, "a JSON-RPC message must be an object");
    };
    if !object.contains_key("method")
        && object.contains_key("id")
        && (object.contains_key("result") || object.contains_key("error"))
    {
        return Message::Response;
    }
    let id = match object.remove("id") {
        None => None,
        Some(value) => match id_of(value) {
            Some(id) => Some(id),
            None => return invalid(Id::Null, NOT_JSONRPC),
        },
    };
    let answer_id = || id.clone().unwrap_or(Id::Null);
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
        Some(Id::Null) => invalid(Id::Null, "the request id must be a string or an integer"),
        Some(id) => match object_params(params) {
            Ok(params) => Message::Request(Request { id, method, params }),
            Err(reason) => invalid(id, reason),
        },
        None => match object_params(params) {
            Ok(params) => Message::Notification { method, params },
            Err(reason) => invalid(Id::Null, reason),
        },
    }
}

const NOT_JSONRPC: &str = "not a JSON-RPC 2.0 request";

/// The ids jsonrpc-core can carry: null, an unsigned integer, a string.
fn id_of(value: Value) -> Option<Id> {
    match value {
        Value::Null => Some(Id::Null),
        Value::String(s) => Some(Id::Str(s)),
        Value::Number(n) => n.as_u64().map(Id::Num),
        _ => None,
    }
}

fn object_params(params: Params) -> Result<Option<Map<String, Value>>, &'static str> {
    match params {
        Params::None => Ok(None),
        Params::Map(map) => Ok(Some(map)),
        Params::Array(_) => Err("MCP params must be an object"),
    }
}

fn invalid(id: Id, reason: &'static str) -> Message {
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

/// The response to a request: a result or an error, always tagged "2.0".
pub fn response(id: Id, result: Result<Value, Error>) -> Output {
    match result {
        Ok(result) => Output::Success(Success {
            jsonrpc: Some(Version::V2),
            result,
            id,
        }),
        Err(error) => Output::Failure(Failure {
            jsonrpc: Some(Version::V2),
            error,
            id,
        }),
    }
}

/// A server notification (progress, log message, list changed).
pub fn notification(method: &str, params: Value) -> Value {
    serde_json::json!({ "jsonrpc": "2.0", "method": method, "params": params })
}

/// Serializes a message; serialization of these plain types cannot fail,
/// but a fallback keeps this total rather than panicking.
pub fn to_bytes<T: serde::Serialize>(message: &T) -> Vec<u8> {
    serde_json::to_vec(message).unwrap_or_else(|_| {
        br#"{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"Internal error"}}"#
            .to_vec()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
        assert_eq!(r.id, Id::Str("a".into()));
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
        let ok = to_bytes(&response(Id::Num(3), Ok(json!({}))));
        assert_eq!(ok, br#"{"jsonrpc":"2.0","result":{},"id":3}"#);
        let err = to_bytes(&response(Id::Null, Err(invalid_params("bad"))));
        let v: Value = serde_json::from_slice(&err).unwrap();
        assert_eq!(v["error"]["code"], json!(-32602));
        assert_eq!(v["id"], Value::Null);
    }

    /// The classification jsonrpc-core's own `Call` deserializer gives (what `classify`
    /// did before it read members by hand), as the reference `classify` must match.
    fn classify_by_jsonrpc_core(value: Value) -> Message {
        use jsonrpc_core::Call;
        let Value::Object(object) = &value else {
            return invalid(Id::Null, "a JSON-RPC message must be an object");
        };
        if !object.contains_key("method")
            && object.contains_key("id")
            && (object.contains_key("result") || object.contains_key("error"))
        {
            return Message::Response;
        }
        match serde_json::from_value::<Call>(value) {
            Ok(Call::MethodCall(call)) if call.jsonrpc != Some(Version::V2) => {
                invalid(call.id, "\"jsonrpc\" must be \"2.0\"")
            }
            Ok(Call::MethodCall(call)) if call.id == Id::Null => {
                invalid(Id::Null, "the request id must be a string or an integer")
            }
            Ok(Call::MethodCall(call)) => match object_params(call.params) {
                Ok(params) => Message::Request(Request {
                    id: call.id,
                    method: call.method,
                    params,
                }),
                Err(reason) => invalid(call.id, reason),
            },
            Ok(Call::Notification(note)) if note.jsonrpc != Some(Version::V2) => {
                invalid(Id::Null, "\"jsonrpc\" must be \"2.0\"")
            }
            Ok(Call::Notification(note)) => match object_params(note.params) {
                Ok(params) => Message::Notification {
                    method: note.method,
                    params,
                },
                Err(reason) => invalid(Id::Null, reason),
            },
            Ok(Call::Invalid { id }) => invalid(id, NOT_JSONRPC),
            Err(_) => invalid(Id::Null, NOT_JSONRPC),
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
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 9 * 5 * 4 * 6 * 3);
    }
}
