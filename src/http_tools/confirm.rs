//! A write confirmed by the user before it is made. When the client can show a form
//! (it declared elicitation), a tool that changes data first asks the user, showing the
//! exact request it will send (method, path, body; never headers, which carry secrets).
//! The request is bound into the round's signed state, so what runs is what was shown:
//! if the retry would send anything else, the user is asked again. Clients that cannot
//! ask get today's behaviour: the write runs as the operator's guards allow.

use super::spec::ToolSpec;
use crate::mcp::context::RequestContext;
use crate::mcp::input::{Elicited, InputRequest, InputRequired, Outcome};
use crate::mcp::model::meta::Capability;
use crate::registry::tool::{CallToolResult, ToolOutcome};
use crate::upstream::UpstreamRequest;
use serde_json::{json, Value};

/// The key the confirmation is asked and answered under.
const KEY: &str = "confirm";
/// How much of a request body the form shows.
const BODY_PREVIEW_CHARS: usize = 2_000;

/// `None` when the write may go ahead; otherwise what to answer instead: the question,
/// or the user's refusal.
pub fn write(
    spec: &ToolSpec,
    request: &UpstreamRequest,
    ctx: &RequestContext,
) -> Option<ToolOutcome> {
    if !ctx.can_ask(Capability::Elicitation) {
        return None;
    }
    let change = describe(request);
    let answers = ctx.answers();
    let confirmed_this = answers
        .state()
        .and_then(|s| s.get(KEY))
        .and_then(Value::as_str)
        == Some(change.as_str());
    if confirmed_this {
        match answers.elicited(KEY) {
            Some(Elicited::Accepted(content)) if content.get(KEY) == Some(&json!(true)) => {
                return None
            }
            Some(Elicited::Accepted(_) | Elicited::Declined | Elicited::Cancelled) => {
                let refused = format!(
                    "Not done: the user did not confirm this change, so nothing was sent.\n{change}"
                );
                return Some(CallToolResult::error(refused).into());
            }
            // No usable answer: ask again.
            None => {}
        }
    }
    let title = spec.title.as_deref().unwrap_or(&spec.name);
    let message = format!("{title}: this changes data. Confirm to send:\n{change}");
    let schema = json!({
        "type": "object",
        "properties": {
            KEY: {
                "type": "boolean",
                "title": "Make this change",
                "description": "Send the request shown above",
            }
        },
        "required": [KEY],
    });
    let ask = InputRequired::ask(KEY, InputRequest::elicit(message, schema))
        .with_state(json!({ KEY: change }));
    Some(Outcome::InputRequired(ask))
}

/// What the request will change, as the user sees it.
fn describe(request: &UpstreamRequest) -> String {
    let mut text = format!(
        "{} {} (backend {})",
        request.method, request.path_and_query, request.backend
    );
    if let Some(body) = request.body.as_deref().filter(|b| !b.is_empty()) {
        let body = String::from_utf8_lossy(body);
        let preview: String = body.chars().take(BODY_PREVIEW_CHARS).collect();
        let more = if preview.len() < body.len() {
            " ..."
        } else {
            ""
        };
        text.push_str(&format!("\nBody: {preview}{more}"));
    }
    text
}
