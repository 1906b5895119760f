//! From the API's answer to a tool result, the same way for every HTTP tool: failures
//! become `isError` results that carry the HTTP status and the API's own message, and
//! large answers are cut to the tool's size cap with a note saying how to get the rest.

use super::spec::ResponseSpec;
use crate::registry::schema;
use crate::registry::tool::CallToolResult;
use crate::upstream::{UpstreamError, UpstreamResponse};
use serde_json::{json, Map, Value};

/// Longest piece of an upstream error body quoted back.
const MAX_QUOTED: usize = 400;

/// The result for a call that got no response at all from `backend`.
pub fn unreachable(error: UpstreamError, backend: &str) -> CallToolResult {
    CallToolResult::error(match error {
        UpstreamError::Timeout => {
            format!("The API did not answer in time (backend {backend}). Try again later.")
        }
        UpstreamError::Unreachable => {
            format!("The API could not be reached (backend {backend}). Try again later.")
        }
        UpstreamError::NoSuchBackend => format!(
            "This service has no backend '{backend}': the operator must add it \
             (fastly.toml [setup.backends], README: Deploying)."
        ),
    })
}

/// The result for a response; `offset` pages through long text results. A tool with an
/// `output_schema` promises structured content that conforms to it: a success that
/// cannot keep that promise (an empty, non-JSON, or differently shaped answer) becomes
/// an isError result saying so, because clients reject such a result outright.
pub fn from_response(
    response: UpstreamResponse,
    spec: &ResponseSpec,
    offset: usize,
    output_schema: Option<&Value>,
) -> CallToolResult {
    let result = shape(&response, spec, offset);
    match output_schema {
        Some(schema) if !result.is_error => conform(result, schema, &response),
        _ => result,
    }
}

fn shape(response: &UpstreamResponse, spec: &ResponseSpec, offset: usize) -> CallToolResult {
    if !(200..300).contains(&response.status) {
        return failure(response);
    }
    if response.body.is_empty() {
        return CallToolResult::structured(json!({ "status": response.status }));
    }
    let Ok(document) = serde_json::from_slice::<Value>(&response.body) else {
        let text = String::from_utf8_lossy(&response.body).into_owned();
        return window(&text, offset, spec.max_bytes);
    };
    let Some(selected) = document.pointer(&spec.pointer) else {
        return CallToolResult::error(format!(
            "The API's answer has no '{}' (HTTP {}); the API may have changed.",
            spec.pointer, response.status
        ));
    };
    match selected {
        Value::String(text) => window(text, offset, spec.max_bytes),
        Value::Array(items) => list(items, spec.max_bytes),
        other => object(other.clone(), spec.max_bytes),
    }
}

/// `result` when its structured content conforms to `schema`, else an isError result
/// that says the call went through but its answer has another shape.
fn conform(result: CallToolResult, schema: &Value, response: &UpstreamResponse) -> CallToolResult {
    let problem = match result.structured_content() {
        None if response.body.is_empty() => "the answer is empty".to_string(),
        None => "the answer is not a JSON object".to_string(),
        Some(content) => match schema::check(schema, content) {
            Ok(()) => return result,
            Err(problems) => problems,
        },
    };
    let body = String::from_utf8_lossy(&response.body);
    let body = body.trim();
    let said = if body.is_empty() {
        "(nothing)".to_string()
    } else {
        clip(body, MAX_QUOTED)
    };
    CallToolResult::error(format!(
        "HTTP {}: the API answered, but not in the shape this tool's output schema promises \
         ({problem}). If the call changes data, it may have taken effect: check before \
         repeating it. The API said: {said}",
        response.status
    ))
}

/// A failed call: status, what the API said, and what to do about it.
fn failure(response: &UpstreamResponse) -> CallToolResult {
    let status = response.status;
    let said = api_message(&response.body);
    let advice = match status {
        401 | 403 => {
            "The API refused this server's credentials (missing, invalid or lacking \
                      the scope for this call); an operator must fix the token in the Secret Store."
                .to_string()
        }
        404 => "Not found: check the identifiers in the arguments.".to_string(),
        429 => match response
            .headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
        {
            Some(after) => format!("Rate limited by the API: retry after {after} seconds."),
            None => "Rate limited by the API: wait before retrying.".to_string(),
        },
        400..=499 => "The API rejected the request.".to_string(),
        _ => "The API failed; try again later.".to_string(),
    };
    // No structuredContent: clients check it against the tool's outputSchema, which
    // describes success.
    CallToolResult::error(format!("HTTP {status}: {advice} The API said: {said}"))
}

/// The API's own explanation: its JSON `msg`/`detail`/`error`/`message` fields, or the
/// start of the body.
fn api_message(body: &[u8]) -> String {
    if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
        let parts: Vec<&str> = ["msg", "message", "error", "title", "detail", "field"]
            .iter()
            .filter_map(|key| map.get(*key).and_then(Value::as_str))
            .collect();
        if !parts.is_empty() {
            return clip(&parts.join(": "), MAX_QUOTED);
        }
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        "(no message)".to_string()
    } else {
        clip(text, MAX_QUOTED)
    }
}

fn clip(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

/// A page of a long text, with a note saying where the rest starts.
fn window(text: &str, offset: usize, max: usize) -> CallToolResult {
    let total = text.len();
    if offset > total {
        return CallToolResult::error(format!(
            "Invalid arguments: offset {offset} is past the end of the text ({total} bytes)."
        ));
    }
    let mut start = offset;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + max).min(total);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut result = CallToolResult::text(&text[start..end]);
    if start > 0 || end < total {
        let next = if end < total {
            format!(" Call again with offset={end} for the next part.")
        } else {
            String::new()
        };
        result
            .content
            .push(crate::mcp::model::content::text(format!(
                "[Cut to fit: bytes {start}-{end} of {total}.{next}]"
            )));
    }
    result
}

/// A list as `{items, total, truncated}`, keeping as many leading items as fit.
fn list(items: &[Value], max: usize) -> CallToolResult {
    let (kept, truncated) = fit_items(items, max);
    let mut result = CallToolResult::structured(json!({
        "items": kept,
        "total": items.len(),
        "truncated": truncated,
    }));
    if truncated {
        result
            .content
            .push(crate::mcp::model::content::text(format!(
                "[Cut to fit: showing the first {} of {} items.]",
                kept.len(),
                items.len()
            )));
    }
    result
}

/// An object; when too large, its longest array is cut until it fits.
fn object(mut value: Value, max: usize) -> CallToolResult {
    let size = value.to_string().len();
    if size <= max {
        return CallToolResult::structured(value);
    }
    let Some(map) = value.as_object_mut() else {
        return CallToolResult::error(format!(
            "The answer is {size} bytes, over this tool's {max} byte cap."
        ));
    };
    let Some(key) = longest_array(map) else {
        return CallToolResult::error(format!(
            "The answer is {size} bytes, over this tool's {max} byte cap; narrow the request."
        ));
    };
    let items = map
        .get(&key)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let others = size - Value::Array(items.clone()).to_string().len();
    let (kept, _) = fit_items(&items, max.saturating_sub(others));
    let note = format!(
        "[Cut to fit: '{key}' shows the first {} of {} items.]",
        kept.len(),
        items.len()
    );
    map.insert(key, Value::Array(kept));
    let mut result = CallToolResult::structured(value);
    result.content.push(crate::mcp::model::content::text(note));
    result
}

fn longest_array(map: &Map<String, Value>) -> Option<String> {
    map.iter()
        .filter_map(|(k, v)| {
            v.as_array()
                .map(|a| (k, Value::Array(a.clone()).to_string().len()))
        })
        .max_by_key(|(_, len)| *len)
        .map(|(k, _)| k.clone())
}

fn fit_items(items: &[Value], max: usize) -> (Vec<Value>, bool) {
    let mut kept = Vec::new();
    let mut size = 2;
    for item in items {
        let len = item.to_string().len() + 1;
        if size + len > max {
            return (kept, true);
        }
        size += len;
        kept.push(item.clone());
    }
    (kept, false)
}
