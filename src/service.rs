//! What this deployment is: its identity and the tool sets its configuration enables.

use crate::config::Config;
use crate::mcp::server::ServerInfo;
use crate::registry::{Catalog, ToolSet};

pub fn server_info() -> ServerInfo {
    ServerInfo {
        name: env!("CARGO_PKG_NAME"),
        title: "MCP server on Fastly Compute",
        version: env!("CARGO_PKG_VERSION"),
        instructions: Some(
            "Tools act on the HTTP API behind this server. Read-only tools are safe to call \
             freely; tools marked destructive change data."
                .into(),
        ),
    }
}

/// The tool sets this configuration turns on, in listing order.
pub fn enabled_sets(config: &Config) -> Vec<&'static ToolSet> {
    let mut sets = Vec::new();
    if config.conformance {
        sets.push(&crate::conformance::SET);
    }
    if config.diagnostics {
        sets.push(&crate::tools::diagnostics::SET);
    }
    sets
}

pub fn catalog(config: &Config) -> Catalog<'static> {
    Catalog::from_sets(&enabled_sets(config))
}
