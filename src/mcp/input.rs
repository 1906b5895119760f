//! Handlers that ask the client for input before they finish, one API for every revision.
//! A tool (or prompt) returns `Outcome::InputRequired` with what it needs (an elicitation
//! form, a sampling request, the roots) and optional state for the next round; it is
//! called again with the client's answers and that state, verified. On 2026-07-28 this
//! travels as Multi Round-Trip Requests (`resultType: "input_required"`, signed
//! `requestState`: `super::request_state`); the dispatcher never sends what the client
//! did not declare it can answer.

use super::model::meta::Capability;
use serde::Serialize;
use serde_json::{json, Map, Value};

/// One thing a handler asks the client for: a server->client request without an id.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputRequest {
    pub method: &'static str,
    pub params: Value,
}

impl InputRequest {
    /// A form for the user: `message` and the flat object schema of what to fill in.
    pub fn elicit(message: impl Into<String>, requested_schema: Value) -> Self {
        let params = json!({
            "mode": "form",
            "message": message.into(),
            "requestedSchema": requested_schema,
        });
        InputRequest {
            method: "elicitation/create",
            params,
        }
    }

    /// One completion from the client's model for a user message.
    pub fn sample(prompt: impl Into<String>, max_tokens: u32) -> Self {
        let params = json!({
            "messages": [{ "role": "user", "content": { "type": "text", "text": prompt.into() } }],
            "maxTokens": max_tokens,
        });
        InputRequest {
            method: "sampling/createMessage",
            params,
        }
    }

    /// The client's roots (the folders or files it works in).
    pub fn roots() -> Self {
        InputRequest {
            method: "roots/list",
            params: json!({}),
        }
    }

    /// The client capability answering it needs.
    pub fn capability(&self) -> Option<Capability> {
        Capability::of_method(self.method)
    }
}

/// "Input required": what to ask, each under a key the answer comes back under, and
/// state the next round gets back (signed, so the client cannot alter it).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InputRequired {
    pub requests: Vec<(String, InputRequest)>,
    pub state: Option<Value>,
}

impl InputRequired {
    pub fn ask(key: impl Into<String>, request: InputRequest) -> Self {
        InputRequired::default().and(key, request)
    }

    pub fn and(mut self, key: impl Into<String>, request: InputRequest) -> Self {
        self.requests.push((key.into(), request));
        self
    }

    pub fn with_state(mut self, state: Value) -> Self {
        self.state = Some(state);
        self
    }
}

/// What a handler that may ask for input returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome<T> {
    Complete(T),
    InputRequired(InputRequired),
}

impl<T> Outcome<T> {
    /// The result, when the handler finished.
    pub fn complete(self) -> Option<T> {
        match self {
            Outcome::Complete(result) => Some(result),
            Outcome::InputRequired(_) => None,
        }
    }
}

impl<T> From<T> for Outcome<T> {
    fn from(result: T) -> Self {
        Outcome::Complete(result)
    }
}

/// A user's answer to an elicitation form.
#[derive(Debug, Clone, PartialEq)]
pub enum Elicited<'a> {
    Accepted(&'a Map<String, Value>),
    Declined,
    Cancelled,
}

/// The client's answers to the previous round (`inputResponses`), and that round's state
/// once verified. An answer of the wrong shape reads as absent, so the handler asks again.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answers {
    responses: Map<String, Value>,
    state: Option<Value>,
}

impl Answers {
    pub fn new(responses: Map<String, Value>, state: Option<Value>) -> Self {
        Answers { responses, state }
    }

    pub fn is_empty(&self) -> bool {
        self.responses.is_empty() && self.state.is_none()
    }

    /// The state this handler returned last round; `None` when the request carried none.
    /// Only state this server signed for this caller, method and arguments gets here.
    pub fn state(&self) -> Option<&Value> {
        self.state.as_ref()
    }

    /// The answer under `key` as the client sent it.
    pub fn raw(&self, key: &str) -> Option<&Value> {
        self.responses.get(key)
    }

    /// The answer to the form asked under `key`.
    pub fn elicited(&self, key: &str) -> Option<Elicited<'_>> {
        let answer = self.responses.get(key)?.as_object()?;
        match answer.get("action")?.as_str()? {
            "accept" => Some(Elicited::Accepted(answer.get("content")?.as_object()?)),
            "decline" => Some(Elicited::Declined),
            "cancel" => Some(Elicited::Cancelled),
            _ => None,
        }
    }

    /// The text the client's model wrote for the sampling request under `key`.
    pub fn sampled_text(&self, key: &str) -> Option<&str> {
        let answer = self.responses.get(key)?.as_object()?;
        let content = answer.get("content")?;
        // One content block, or (2025-11-25 on) an array of them: the first text.
        let blocks = content
            .as_array()
            .map_or(std::slice::from_ref(content), Vec::as_slice);
        blocks
            .iter()
            .find(|b| b.get("type").and_then(Value::as_str) == Some("text"))?
            .get("text")?
            .as_str()
    }

    /// The roots listed in answer to the roots/list request under `key`.
    pub fn roots(&self, key: &str) -> Option<&Vec<Value>> {
        self.responses.get(key)?.get("roots")?.as_array()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(responses: Value) -> Answers {
        Answers::new(responses.as_object().unwrap().clone(), None)
    }

    #[test]
    fn answers_are_read_by_kind_and_wrong_shapes_read_as_absent() {
        let a = answers(json!({
            "form": { "action": "accept", "content": { "name": "Alice" } },
            "no": { "action": "decline" },
            "gone": { "action": "cancel" },
            "odd": { "action": "accept" },
            "number": 12345,
            "sample": { "role": "assistant", "content": { "type": "text", "text": "Paris" }, "model": "m" },
            "samples": { "role": "assistant", "content": [{ "type": "image", "data": "", "mimeType": "image/png" }, { "type": "text", "text": "two" }] },
            "roots": { "roots": [{ "uri": "file:///a" }] },
        }));
        let Some(Elicited::Accepted(content)) = a.elicited("form") else {
            panic!("accepted")
        };
        assert_eq!(content["name"], "Alice");
        assert_eq!(a.elicited("no"), Some(Elicited::Declined));
        assert_eq!(a.elicited("gone"), Some(Elicited::Cancelled));
        assert_eq!(a.elicited("odd"), None);
        assert_eq!(a.elicited("number"), None);
        assert_eq!(a.elicited("missing"), None);
        assert_eq!(a.sampled_text("sample"), Some("Paris"));
        assert_eq!(a.sampled_text("samples"), Some("two"));
        assert_eq!(a.sampled_text("form"), None);
        assert_eq!(a.roots("roots").map(Vec::len), Some(1));
        assert_eq!(a.roots("number"), None);
    }

    #[test]
    fn requests_name_the_capability_they_need() {
        let schema = json!({ "type": "object", "properties": {} });
        assert_eq!(
            InputRequest::elicit("m", schema).capability(),
            Some(Capability::Elicitation)
        );
        assert_eq!(
            InputRequest::sample("p", 10).capability(),
            Some(Capability::Sampling)
        );
        assert_eq!(InputRequest::roots().capability(), Some(Capability::Roots));
        let asked =
            InputRequired::ask("a", InputRequest::roots()).and("b", InputRequest::sample("p", 1));
        assert_eq!(asked.requests.len(), 2);
    }
}
