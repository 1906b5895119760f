//! The conformance profile: the fixtures the official MCP conformance suite
//! (@modelcontextprotocol/conformance) exercises, built on the same registry and
//! dispatcher as every other tool set. Off in production; on in the local stack.
//!
//! The fixtures that ask the client for input (`input_required.rs`) serve both eras with
//! one implementation: on 2026-07-28 the question travels in the result and the answer in
//! the retried request; on 2025-11-25 (test_sampling, test_elicitation*) it is a
//! server->client request on a stream Fanout holds (`transport::held`).

mod input_required;
mod prompts;
mod resources;
mod tools;

use crate::registry::ToolSet;

/// A 1x1 PNG.
pub const PNG: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
/// A minimal WAV file (one silent sample).
pub const WAV: &str = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

pub static SET: ToolSet = ToolSet {
    name: "conformance",
    tools: &tools::TOOLS,
    resources: &resources::RESOURCES,
    templates: &resources::TEMPLATES,
    prompts: &prompts::PROMPTS,
};

/// The fixtures that ask the client for input, in the same tool set.
pub static ASKING: ToolSet = ToolSet {
    name: "conformance",
    tools: &input_required::TOOLS,
    resources: &[],
    templates: &[],
    prompts: &input_required::PROMPTS,
};
