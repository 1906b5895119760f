//! The conformance profile: the fixtures the official MCP conformance suite
//! (@modelcontextprotocol/conformance) exercises, built on the same registry and
//! dispatcher as every other tool set. Off in production; on in the local stack.
//!
//! Not here yet: test_sampling and the test_elicitation* tools of 2025-11-25. They need a
//! server->client request answered by a later POST that lands on another instance,
//! which needs a cross-request mailbox (see tests/conformance-expected-failures.yml).
//! Their 2026-07-28 counterparts (`input_required.rs`) need none: the question travels in
//! the result and the answer in the retried request.

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
