//! What this deployment offers: its identity, every tool set it ships (in one place),
//! those its configuration enables, and the catalog each caller gets.

use crate::auth::{Principal, PrincipalKind};
use crate::config::Config;
use crate::http_tools::compiled::{CompiledCatalog, COMPILED};
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

/// The declarative tool sets the configuration names, as the build script indexed them
/// (`http_tools::compiled`): nothing is parsed until a request lists or calls a tool.
/// With `bench_tools = N`, the first N tools of the `bench` catalog, which only builds
/// with the `bench-catalog` feature have (`make bench`).
pub fn http_sets(config: &Config) -> Vec<HttpToolSet> {
    let enabled = |c: &&CompiledCatalog| config.tools.tool_sets.iter().any(|n| n == c.tool_set);
    let mut sets: Vec<HttpToolSet> = COMPILED
        .iter()
        .filter(|c| c.tool_set != BENCH)
        .filter(enabled)
        .map(|c| http_tools::compiled_set(c, usize::MAX))
        .collect();
    if config.tools.bench_tools > 0 {
        let bench = COMPILED.iter().find(|c| c.tool_set == BENCH);
        sets.extend(bench.map(|c| http_tools::compiled_set(c, config.tools.bench_tools)));
    }
    sets
}

const BENCH: &str = "bench";

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
            let name = tool.name();
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
    use super::*;

    /// The build script's index says what the catalogs say: every tool in order, its
    /// name, whether it writes, and JSON that parses to the same definition.
    #[test]
    fn the_index_agrees_with_the_catalogs() {
        for (name, json) in CATALOGS {
            let parsed = crate::http_tools::load(json).unwrap();
            let compiled = COMPILED.iter().find(|c| c.tool_set == name).unwrap();
            let indexed = crate::http_tools::compiled_set(compiled, usize::MAX);
            assert_eq!(indexed.name, parsed.name);
            assert_eq!(indexed.tools.len(), parsed.tools.len(), "{name}");
            for (a, b) in indexed.tools.iter().zip(&parsed.tools) {
                assert_eq!((a.name(), a.writes()), (b.name(), b.writes()));
                // The listing read from the index is the parsed tool's.
                let listed = |t: &crate::http_tools::tool::HttpTool| {
                    serde_json::to_string(&t.describe()).unwrap()
                };
                assert_eq!(listed(a), listed(b));
                // The entry serialized at build time is byte for byte the described one.
                assert_eq!(a.listing().unwrap(), listed(b));
                let (a, b) = (a.spec().unwrap(), b.spec().unwrap());
                assert_eq!(a.raw_input_schema.get(), b.raw_input_schema.get());
                assert_eq!(a.request.path, b.request.path);
            }
            assert_eq!(compiled.backend, parsed.tools[0].access.backend);
        }
        // Only the shipped catalogs (and, in bench builds, the bench one).
        assert!(COMPILED
            .iter()
            .all(|c| CATALOGS.iter().any(|(n, _)| *n == c.tool_set) || c.tool_set == BENCH));
    }
}
