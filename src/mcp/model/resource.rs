//! Resources on the wire: list entries, templates, resources/read.

use super::content::ResourceContents;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceDescriptor<'a> {
    pub uri: &'a str,
    pub name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<&'a str>,
    pub description: &'a str,
    pub mime_type: &'a str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceTemplateDescriptor<'a> {
    pub uri_template: &'a str,
    pub name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<&'a str>,
    pub description: &'a str,
    pub mime_type: &'a str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListResourcesResult<'a> {
    pub resources: Vec<ResourceDescriptor<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListResourceTemplatesResult<'a> {
    pub resource_templates: Vec<ResourceTemplateDescriptor<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// resources/read, resources/subscribe and resources/unsubscribe.
#[derive(Debug, Deserialize)]
pub struct UriParams {
    pub uri: String,
}

#[derive(Debug, Serialize)]
pub struct ReadResourceResult {
    pub contents: Vec<ResourceContents>,
}

/// The `data` of a -32002 "Resource not found" error.
#[derive(Debug, Serialize)]
pub struct ResourceNotFound<'a> {
    pub uri: &'a str,
}
