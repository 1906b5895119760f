//! What this deployment offers: its identity, every tool set it ships (in one place),
//! those its configuration enables, and the catalog each caller gets.

use crate::auth::{Principal, PrincipalKind};
use crate::config::Config;
use crate::http_tools::{self, HttpToolSet};
use crate::mcp::model::discover::CacheScope;
use crate::mcp::server::ServerInfo;
use crate::registry::tool::Tool;
use crate::registry::{Catalog, Disabled, ToolSet};

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

/// The declarative tool sets shipped with the service: (tool set name, catalog JSON).
pub const CATALOGS: [(&str, &str); 2] = [
    ("fastly", include_str!("catalogs/fastly.json")),
    ("backoffice", include_str!("catalogs/backoffice.json")),
];

/// The Rust tool sets this configuration turns on, in listing order (`conformance`,
/// `diagnostics`: each a `ToolSet` static of its module).
pub fn enabled_sets(config: &Config) -> Vec<&'static ToolSet> {
    let mut sets = Vec::new();
    if config.tools.conformance {
        sets.push(&crate::conformance::SET);
        sets.push(&crate::conformance::ASKING);
    }
    if config.tools.diagnostics {
        sets.push(&crate::tools::diagnostics::SET);
    }
    sets
}

/// The declarative tool sets the configuration names, parsed from the compiled-in
/// catalogs. A name without a catalog, or a catalog that fails validation, is skipped
/// (unit tests keep the shipped catalogs valid).
pub fn http_sets(config: &Config) -> Vec<HttpToolSet> {
    let mut sets: Vec<HttpToolSet> = CATALOGS
        .iter()
        .filter(|(name, _)| config.tools.tool_sets.iter().any(|n| n == name))
        .filter_map(|(_, json)| http_tools::load_validated(json).ok())
        .collect();
    if config.tools.bench_tools > 0 {
        let synthetic = synthetic_catalog(config.tools.bench_tools);
        sets.extend(http_tools::load_validated(&synthetic).ok());
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
    serde_json::json!({ "tool_set": "bench", "backend": "api", "tools": tools }).to_string()
}

/// Everything offered to `principal`, in order: Rust tool sets, then declarative ones.
/// A tool is offered when the principal's grants cover its tool set and, for tools that
/// change data, the set is in `allow_writes` and the grant includes writes. Other tools
/// are known but refuse to run, saying why (and, for OAuth callers, which scope would
/// allow them).
pub fn for_caller<'a>(
    config: &Config,
    http_sets: &'a [HttpToolSet],
    principal: &Principal,
) -> Catalog<'a> {
    let mut catalog = Catalog::default();
    for set in enabled_sets(config) {
        if principal.may_use(set.name, false) {
            catalog.add(set);
        } else {
            for tool in set.tools {
                catalog
                    .disabled
                    .push(not_granted(tool.name, set.name, false));
            }
        }
    }
    for set in http_sets {
        let writes_allowed = config.tools.allow_writes.contains(&set.name);
        for tool in &set.tools {
            let name = tool.spec.name.as_str();
            if !principal.may_use(&set.name, false) {
                catalog.disabled.push(not_granted(name, &set.name, false));
            } else if tool.writes() && !writes_allowed {
                let reason = format!(
                    "Tool '{name}' is disabled on this server: it changes data, and writes for tool \
                     set '{}' are off. An operator can enable them with allow_writes in the \
                     Config Store mcp_config.",
                    set.name
                );
                catalog.disabled.push(Disabled {
                    name,
                    reason,
                    scope: None,
                });
            } else if tool.writes() && !principal.may_use(&set.name, true) {
                catalog.disabled.push(not_granted(name, &set.name, true));
            } else {
                catalog.tools.push(tool as &dyn Tool);
            }
        }
    }
    catalog
}

fn not_granted<'a>(name: &'a str, set: &str, write: bool) -> Disabled<'a> {
    let scope = if write {
        format!("mcp:{set}:write")
    } else {
        format!("mcp:{set}")
    };
    let what = if write { "change data with" } else { "use" };
    Disabled {
        name,
        reason: format!(
            "Tool '{name}' is not permitted for this client: its credentials do not allow it to \
             {what} tool set '{set}' (OAuth scope {scope})."
        ),
        scope: Some(scope),
    }
}

/// The OAuth scopes the enabled tool sets define (RFC 9728 `scopes_supported`).
pub fn scopes_supported(config: &Config, http_sets: &[HttpToolSet]) -> Vec<String> {
    let mut scopes: Vec<String> = enabled_sets(config)
        .iter()
        .map(|s| format!("mcp:{}", s.name))
        .collect();
    for set in http_sets {
        scopes.push(format!("mcp:{}", set.name));
        if set.tools.iter().any(|t| t.writes()) {
            scopes.push(format!("mcp:{}:write", set.name));
        }
    }
    scopes
}

/// Who may reuse a cacheable result (2026-07-28 `cacheScope`): everyone when every
/// caller of this kind is served the same catalog (anonymous and local access have no
/// grants of their own), else only the caller.
pub fn cache_scope(principal: &Principal) -> CacheScope {
    match principal.kind {
        PrincipalKind::Anonymous | PrincipalKind::Local => CacheScope::Public,
        PrincipalKind::ApiKey | PrincipalKind::OAuth => CacheScope::Private,
    }
}

#[cfg(test)]
mod tests {
    /// The synthetic catalog is loaded without `validate` at run time: it must pass it.
    #[test]
    fn the_synthetic_catalog_is_valid() {
        let set = crate::http_tools::load(&super::synthetic_catalog(3)).unwrap();
        assert_eq!(set.tools.len(), 3);
        assert_eq!(set.tools[2].spec.name, "bench_tool_0002");
        crate::http_tools::check_schemas(&set).unwrap();
    }
}
