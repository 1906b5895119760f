//! Request ids exactly as the client wrote them.

use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;
use std::fmt;

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
    pub fn of_value(value: Value) -> Option<RequestId> {
        match value {
            Value::Null => Some(RequestId::Null),
            Value::String(s) => Some(RequestId::Str(s)),
            Value::Number(n) => NumberText::parse(&n.to_string()).map(RequestId::Num),
            _ => None,
        }
    }
}
