//! Notifications this server sends while a request runs.

use serde::Serialize;
use serde_json::Value;

/// A JSON-RPC notification (no id): `{"jsonrpc":"2.0","method":...,"params":...}`.
#[derive(Debug, Serialize)]
pub struct Notification<'a, P> {
    pub jsonrpc: &'static str,
    pub method: &'a str,
    pub params: P,
}

impl<'a, P: Serialize> Notification<'a, P> {
    pub fn new(method: &'a str, params: P) -> Self {
        Notification {
            jsonrpc: "2.0",
            method,
            params,
        }
    }

    /// As JSON, the form notifiers take.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// `notifications/progress`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgressParams<'a> {
    /// The client's token, echoed as it sent it (a string or a number).
    pub progress_token: &'a Value,
    pub progress: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'a str>,
}

/// `notifications/message`.
#[derive(Debug, Serialize)]
pub struct LoggingMessageParams<'a> {
    pub level: &'a str,
    pub logger: &'a str,
    pub data: Value,
}
