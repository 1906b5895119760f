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

mod caller;
pub use caller::CallerCatalog;

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

/// The declarative catalogs the configuration names, as the build script indexed them
/// (`http_tools::compiled`), each with how many of its tools are offered: all, or with
/// `bench_tools = N` the first N of the `bench` catalog, which only builds with the
/// `bench-catalog` feature (`make bench`).
fn compiled_catalogs(
    config: &Config,
) -> impl Iterator<Item = (&'static CompiledCatalog, usize)> + '_ {
    let named = COMPILED
        .iter()
        .filter(|c| c.tool_set != BENCH)
        .filter(|c| config.tools.tool_sets.iter().any(|n| n == c.tool_set))
        .map(|c| (c, usize::MAX));
    let bench = COMPILED
        .iter()
        .filter(|c| c.tool_set == BENCH && config.tools.bench_tools > 0)
        .map(|c| (c, config.tools.bench_tools));
    named.chain(bench)
}

/// The declarative tool sets, none of their tools parsed yet (what a list needs).
pub fn http_sets(config: &Config) -> Vec<HttpToolSet> {
    compiled_catalogs(config)
        .map(|(c, limit)| http_tools::compiled_set(c, limit))
        .collect()
}

const BENCH: &str = "bench";

/// Whether `principal` may run a tool of `set` (`writes`: it may change data, a guard
/// declarative tool sets keep; `allow_writes` names the sets that allow it).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Verdict {
    Offered,
    /// The caller's grants do not cover the set (`write`: for changing data).
    NotGranted {
        write: bool,
    },
    /// The tool changes data and the operator has not allowed writes for its set.
    WritesOff,
}

fn verdict(config: &Config, principal: &Principal, set: &str, writes: bool) -> Verdict {
    if !principal.may_use(set, false) {
        Verdict::NotGranted { write: false }
    } else if writes && !config.tools.allow_writes.iter().any(|s| s == set) {
        Verdict::WritesOff
    } else if writes && !principal.may_use(set, true) {
        Verdict::NotGranted { write: true }
    } else {
        Verdict::Offered
    }
}

impl Verdict {
    /// Why tool `name` of `set` may not run, as the call's isError result says it.
    fn refusal<'a>(self, name: &'a str, set: &str) -> Option<Disabled<'a>> {
        match self {
            Verdict::Offered => None,
            Verdict::NotGranted { write } => Some(not_granted(name, set, write)),
            Verdict::WritesOff => Some(Disabled {
                name,
                reason: format!(
                    "Tool '{name}' is disabled on this server: it changes data, and writes for \
                     tool set '{set}' are off. An operator can enable them with allow_writes in \
                     the Config Store mcp_config."
                ),
                scope: None,
            }),
        }
    }
}

/// Everything offered to `principal`, in order: Rust tool sets, then declarative ones.
/// A tool is offered when the principal's grants cover its tool set and, for declarative
/// tools that change data, the set is in `allow_writes` and the grant includes writes.
/// Other tools are known but refuse to run, saying why (and, for OAuth callers, which
/// scope would allow them).
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
        for tool in &set.tools {
            match verdict(config, principal, &set.name, tool.writes())
                .refusal(tool.name(), &set.name)
            {
                None => catalog.tools.push(tool as &dyn Tool),
                Some(disabled) => catalog.disabled.push(disabled),
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
pub fn scopes_supported(config: &Config) -> Vec<String> {
    let mut scopes: Vec<String> = enabled_sets(config)
        .iter()
        .map(|s| format!("mcp:{}", s.name))
        .collect();
    for (catalog, limit) in compiled_catalogs(config) {
        scopes.push(format!("mcp:{}", catalog.tool_set));
        if catalog.tools.iter().take(limit).any(|t| t.writes) {
            scopes.push(format!("mcp:{}:write", catalog.tool_set));
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
