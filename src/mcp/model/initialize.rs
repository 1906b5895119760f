//! initialize: what the client offers, and what this server answers.

use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitializeParams {
    pub protocol_version: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InitializeResult<'a> {
    pub protocol_version: &'a str,
    pub capabilities: ServerCapabilities,
    pub server_info: Implementation<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instructions: Option<&'a str>,
}

/// Who this server says it is.
#[derive(Debug, Clone, Serialize)]
pub struct Implementation<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub version: &'a str,
}

/// What this server offers; a feature is absent when the server has none of it.
#[derive(Debug, Default, Serialize)]
pub struct ServerCapabilities {
    pub logging: Empty,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tools: Option<ListChanged>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourcesCapability>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompts: Option<ListChanged>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completions: Option<Empty>,
}

/// `{}`: a capability with no options.
#[derive(Debug, Default, Serialize)]
pub struct Empty {}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListChanged {
    pub list_changed: bool,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourcesCapability {
    pub subscribe: bool,
    pub list_changed: bool,
}

/// The version an initialize result negotiated, read back from the serialized result (the
/// transport signs it into the session id).
pub fn negotiated_version(result: &str) -> Option<String> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Negotiated {
        protocol_version: String,
    }
    let negotiated: Negotiated = serde_json::from_str(result).ok()?;
    Some(negotiated.protocol_version)
}
