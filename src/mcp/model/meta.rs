//! The per-request `_meta` of MCP 2026-07-28: what replaced initialize. Every request
//! says which revision it speaks and what the client can do; nothing carries over from
//! an earlier request ("Servers MUST NOT infer capabilities from prior requests").

use crate::jsonrpc::{invalid_params, Error};
use crate::mcp::context::LogLevel;
use serde_json::{Map, Value};

pub const PROTOCOL_VERSION: &str = "io.modelcontextprotocol/protocolVersion";
pub const CLIENT_CAPABILITIES: &str = "io.modelcontextprotocol/clientCapabilities";
pub const CLIENT_INFO: &str = "io.modelcontextprotocol/clientInfo";
pub const LOG_LEVEL: &str = "io.modelcontextprotocol/logLevel";
/// Where a 2026-07-28 result names the server.
pub const SERVER_INFO: &str = "io.modelcontextprotocol/serverInfo";

/// A client capability a request may need: what the server can ask the client for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    Elicitation,
    Sampling,
    Roots,
}

impl Capability {
    /// Its key in `ClientCapabilities`.
    pub fn key(self) -> &'static str {
        match self {
            Capability::Elicitation => "elicitation",
            Capability::Sampling => "sampling",
            Capability::Roots => "roots",
        }
    }

    /// Its letter in `ClientCapabilities::flags`.
    pub fn flag(self) -> char {
        FLAGS
            .iter()
            .find(|(_, c)| *c == self)
            .map_or('?', |(flag, _)| *flag)
    }

    /// The server->client request that needs it.
    pub fn of_method(method: &str) -> Option<Capability> {
        match method {
            "elicitation/create" => Some(Capability::Elicitation),
            "sampling/createMessage" => Some(Capability::Sampling),
            "roots/list" => Some(Capability::Roots),
            _ => None,
        }
    }
}

const FLAGS: [(char, Capability); 3] = [
    ('e', Capability::Elicitation),
    ('s', Capability::Sampling),
    ('r', Capability::Roots),
];

/// What one request's client declared it can do.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClientCapabilities {
    declared: Map<String, Value>,
}

impl ClientCapabilities {
    /// What a client declared (initialize's `capabilities`, or a request's `_meta`).
    pub fn declared(declared: Map<String, Value>) -> Self {
        ClientCapabilities { declared }
    }

    /// The capabilities this server can use, as letters (`e` elicitation, `s` sampling,
    /// `r` roots): how a session id and a continuation carry them.
    pub fn flags(&self) -> String {
        FLAGS
            .iter()
            .filter(|(_, c)| self.has(*c))
            .map(|(flag, _)| *flag)
            .collect()
    }

    pub fn from_flags(flags: &str) -> Self {
        let declared = FLAGS
            .iter()
            .filter(|(flag, _)| flags.contains(*flag))
            .map(|(_, c)| (c.key().to_owned(), Value::Object(Map::new())))
            .collect();
        ClientCapabilities { declared }
    }

    /// Whether the client declared `capability`. Elicitation without modes means form
    /// mode (2025-11-25); with modes, form must be among them: every elicitation this
    /// server sends is a form.
    pub fn has(&self, capability: Capability) -> bool {
        let Some(Value::Object(declared)) = self.declared.get(capability.key()) else {
            return false;
        };
        match capability {
            Capability::Elicitation => {
                let modes = ["form", "url"];
                !modes.iter().any(|m| declared.contains_key(*m)) || declared.contains_key("form")
            }
            _ => true,
        }
    }
}

/// The `_meta` fields of one 2026-07-28 request.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestMeta {
    pub protocol_version: String,
    pub capabilities: ClientCapabilities,
    /// Logs go out only when the request names a level, and only at or above it.
    pub log_level: Option<LogLevel>,
}

impl RequestMeta {
    /// Whether `params._meta` carries any of the 2026-07-28 per-request fields: such a
    /// request is served by that revision's rules (and must then carry all it needs).
    pub fn claimed(params: Option<&Map<String, Value>>) -> bool {
        meta_of(params).is_some_and(|meta| {
            [
                PROTOCOL_VERSION,
                CLIENT_CAPABILITIES,
                CLIENT_INFO,
                LOG_LEVEL,
            ]
            .iter()
            .any(|key| meta.contains_key(*key))
        })
    }

    /// The required fields (-32602 when one is missing or of the wrong type); clientInfo
    /// is optional (a SHOULD) and not read.
    pub fn read(params: Option<&Map<String, Value>>) -> Result<RequestMeta, Error> {
        let empty = Map::new();
        let meta = meta_of(params).unwrap_or(&empty);
        let protocol_version = match meta.get(PROTOCOL_VERSION) {
            Some(Value::String(version)) => version.clone(),
            Some(_) => {
                return Err(invalid_params(format!(
                    "_meta.{PROTOCOL_VERSION} must be a string"
                )))
            }
            None => {
                return Err(invalid_params(format!(
                    "_meta.{PROTOCOL_VERSION} is required"
                )))
            }
        };
        let capabilities = match meta.get(CLIENT_CAPABILITIES) {
            Some(Value::Object(declared)) => ClientCapabilities {
                declared: declared.clone(),
            },
            Some(_) => {
                return Err(invalid_params(format!(
                    "_meta.{CLIENT_CAPABILITIES} must be an object"
                )))
            }
            None => {
                return Err(invalid_params(format!(
                    "_meta.{CLIENT_CAPABILITIES} is required"
                )))
            }
        };
        let log_level = match meta.get(LOG_LEVEL) {
            None => None,
            Some(level) => Some(level.as_str().and_then(LogLevel::parse).ok_or_else(|| {
                invalid_params(format!("_meta.{LOG_LEVEL} is not a logging level"))
            })?),
        };
        Ok(RequestMeta {
            protocol_version,
            capabilities,
            log_level,
        })
    }
}

fn meta_of(params: Option<&Map<String, Value>>) -> Option<&Map<String, Value>> {
    params?.get("_meta")?.as_object()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params(meta: Value) -> Map<String, Value> {
        json!({ "_meta": meta }).as_object().unwrap().clone()
    }

    #[test]
    fn a_request_claims_the_modern_revision_with_any_of_its_fields() {
        assert!(!RequestMeta::claimed(None));
        assert!(!RequestMeta::claimed(Some(&params(
            json!({ "progressToken": 1 })
        ))));
        assert!(RequestMeta::claimed(Some(&params(
            json!({ CLIENT_CAPABILITIES: {} })
        ))));
        assert!(RequestMeta::claimed(Some(&params(
            json!({ PROTOCOL_VERSION: "2026-07-28" })
        ))));
    }

    #[test]
    fn required_fields_are_required_and_typed() {
        let ok = params(json!({ PROTOCOL_VERSION: "2026-07-28", CLIENT_CAPABILITIES: {} }));
        let meta = RequestMeta::read(Some(&ok)).unwrap();
        assert_eq!(meta.protocol_version, "2026-07-28");
        assert_eq!(meta.log_level, None);
        for bad in [
            json!({ CLIENT_CAPABILITIES: {} }),
            json!({ PROTOCOL_VERSION: "2026-07-28" }),
            json!({ PROTOCOL_VERSION: 7, CLIENT_CAPABILITIES: {} }),
            json!({ PROTOCOL_VERSION: "2026-07-28", CLIENT_CAPABILITIES: [] }),
            json!({ PROTOCOL_VERSION: "2026-07-28", CLIENT_CAPABILITIES: {}, LOG_LEVEL: "loud" }),
        ] {
            let err = RequestMeta::read(Some(&params(bad.clone()))).unwrap_err();
            assert_eq!(err.code.code(), -32602, "{bad}");
        }
        assert!(RequestMeta::read(None).is_err());
    }

    #[test]
    fn capabilities_are_read_as_declared() {
        let read = |caps: Value| {
            let p = params(json!({ PROTOCOL_VERSION: "2026-07-28", CLIENT_CAPABILITIES: caps }));
            RequestMeta::read(Some(&p)).unwrap().capabilities
        };
        let none = read(json!({}));
        assert!(!none.has(Capability::Elicitation) && !none.has(Capability::Sampling));
        let some =
            read(json!({ "elicitation": {}, "sampling": {}, "roots": { "listChanged": true } }));
        assert!(some.has(Capability::Elicitation));
        assert!(some.has(Capability::Sampling));
        assert!(some.has(Capability::Roots));
        assert!(read(json!({ "elicitation": { "form": {} } })).has(Capability::Elicitation));
        assert!(!read(json!({ "elicitation": { "url": {} } })).has(Capability::Elicitation));
        assert!(!read(json!({ "sampling": true })).has(Capability::Sampling));
        assert_eq!(some.flags(), "esr");
        let back = ClientCapabilities::from_flags(&some.flags());
        assert!(back.has(Capability::Elicitation) && back.has(Capability::Roots));
        assert_eq!(ClientCapabilities::from_flags("s").flags(), "s");
        assert_eq!(read(json!({ "elicitation": { "url": {} } })).flags(), "");
    }
}
