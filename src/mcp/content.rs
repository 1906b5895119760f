//! Builders for MCP content blocks (tool results, prompt messages) and resource contents.

use serde_json::{json, Value};

pub fn text(text: impl Into<String>) -> Value {
    json!({ "type": "text", "text": text.into() })
}

/// `data` is base64.
pub fn image(data: &str, mime_type: &str) -> Value {
    json!({ "type": "image", "data": data, "mimeType": mime_type })
}

/// `data` is base64.
pub fn audio(data: &str, mime_type: &str) -> Value {
    json!({ "type": "audio", "data": data, "mimeType": mime_type })
}

/// An embedded resource block wrapping resource contents (see [`text_contents`]).
pub fn embedded(contents: Value) -> Value {
    json!({ "type": "resource", "resource": contents })
}

/// Text contents of a resource, as resources/read returns them.
pub fn text_contents(uri: &str, mime_type: &str, text: &str) -> Value {
    json!({ "uri": uri, "mimeType": mime_type, "text": text })
}

/// Binary contents of a resource; `blob` is base64.
pub fn blob_contents(uri: &str, mime_type: &str, blob: &str) -> Value {
    json!({ "uri": uri, "mimeType": mime_type, "blob": blob })
}
