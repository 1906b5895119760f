//! What this deployment is: its identity and the tool sets its configuration enables.

use crate::config::Config;
use crate::http_tools::{self, HttpToolSet};
use crate::mcp::server::ServerInfo;
use crate::registry::tool::Tool;
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

/// The Rust tool sets this configuration turns on, in listing order.
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

/// The declarative tool sets the configuration names, parsed from the compiled-in
/// catalogs. A name without a catalog, or a catalog that fails validation, is skipped
/// (unit tests keep the shipped catalogs valid).
pub fn http_sets(config: &Config) -> Vec<HttpToolSet> {
    let mut sets: Vec<HttpToolSet> = http_tools::CATALOGS
        .iter()
        .filter(|(name, _)| config.tool_sets.iter().any(|n| n == name))
        .filter_map(|(_, json)| http_tools::load(json).ok())
        .collect();
    if config.bench_tools > 0 {
        sets.extend(http_tools::load(&synthetic_catalog(config.bench_tools)).ok());
    }
    sets
}

/// `count` read-only GET tools, for measuring how listing scales with the catalog.
fn synthetic_catalog(count: usize) -> String {
    let tools: Vec<serde_json::Value> = (0..count)
        .map(|i| {
            serde_json::json!({
                "name": format!("bench_tool_{i:04}"),
                "description": format!("Synthetic tool number {i}, registered for benchmarks only."),
                "inputSchema": { "type": "object", "properties": { "id": { "type": "string", "maxLength": 64 } }, "required": ["id"] },
                "annotations": { "readOnlyHint": true },
                "request": { "method": "GET", "path": format!("/bench/{i}/{{id}}") }
            })
        })
        .collect();
    serde_json::json!({ "tool_set": "bench", "tools": tools }).to_string()
}

/// Everything offered, in order: Rust tool sets, then declarative ones. Tools that change
/// data are offered only for tool sets listed in `allow_writes`; the others are known
/// but refuse to run, saying why.
pub fn catalog<'a>(config: &Config, http_sets: &'a [HttpToolSet]) -> Catalog<'a> {
    let mut catalog = Catalog::from_sets(&enabled_sets(config));
    for set in http_sets {
        let writes_allowed = config.allow_writes.contains(&set.name);
        for tool in &set.tools {
            if tool.writes() && !writes_allowed {
                let reason = format!(
                    "Tool '{}' is disabled on this server: it changes data, and writes for tool \
                     set '{}' are off. An operator can enable them with allow_writes in the \
                     Config Store mcp_config.",
                    tool.spec.name, set.name
                );
                catalog.disabled.push((tool.spec.name.as_str(), reason));
            } else {
                catalog.tools.push(tool as &dyn Tool);
            }
        }
    }
    catalog
}
