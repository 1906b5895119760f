//! The MCP wire model: what this server reads and writes, as serde types, a file per area
//! (after rmcp's `model/`). Handlers build these types and the dispatcher serializes them
//! where they leave. JSON Schemas stay raw JSON text inside typed envelopes: they are
//! data, and a request that does not list a tool never parses its schema.

pub mod completion;
pub mod content;
pub mod discover;
pub mod initialize;
pub mod meta;
pub mod method;
pub mod notification;
pub mod prompt;
pub mod resource;
pub mod tool;

use serde::{Deserialize, Serialize};

/// `{}`: the result of ping, logging/setLevel and resources/(un)subscribe.
#[derive(Debug, Default, Serialize)]
pub struct EmptyResult {}

/// The params of every list method.
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    pub cursor: Option<String>,
}

/// logging/setLevel.
#[derive(Debug, Deserialize)]
pub struct SetLevelParams {
    pub level: String,
}
