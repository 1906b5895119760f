//! The catalog one caller is offered, built no further than its request needs. Every
//! request starts a fresh instance, so what a request builds it pays for: a list builds
//! the whole catalog, but a tools/call finds the one tool it names (from the Rust tool
//! sets, else from the build script's index) and builds only that, so a call costs the
//! same on a server with 1,000 catalog tools as on one with 10.

use super::{compiled_catalogs, enabled_sets, for_caller, not_granted, verdict, Verdict};
use crate::auth::Principal;
use crate::config::Config;
use crate::http_tools::tool::HttpTool;
use crate::http_tools::{self, HttpToolSet};
use crate::lazy::Deferred;
use crate::registry::{Catalog, CatalogSource, Found};
use std::cell::OnceCell;

pub struct CallerCatalog<'a> {
    config: &'a Config,
    principal: &'a Principal,
    http_sets: &'a Deferred<'a, Vec<HttpToolSet>>,
    whole: OnceCell<Catalog<'a>>,
    /// The declarative tool a call named, built on its own.
    called: OnceCell<HttpTool>,
}

impl<'a> CallerCatalog<'a> {
    pub fn new(
        config: &'a Config,
        http_sets: &'a Deferred<'a, Vec<HttpToolSet>>,
        principal: &'a Principal,
    ) -> Self {
        CallerCatalog {
            config,
            principal,
            http_sets,
            whole: OnceCell::new(),
            called: OnceCell::new(),
        }
    }
}

impl CatalogSource for CallerCatalog<'_> {
    fn catalog(&self) -> &Catalog<'_> {
        self.whole
            .get_or_init(|| for_caller(self.config, self.http_sets.get(), self.principal))
    }

    fn find_tool(&self, name: &str) -> Found<'_> {
        if let Some(whole) = self.whole.get() {
            return whole.find_tool(name);
        }
        let (config, principal) = (self.config, self.principal);
        for set in enabled_sets(config) {
            if let Some(tool) = set.tools.iter().find(|t| t.name == name) {
                return if principal.may_use(set.name, false) {
                    Found::Offered(tool)
                } else {
                    Found::Disabled(not_granted(tool.name, set.name, false))
                };
            }
        }
        for (catalog, limit) in compiled_catalogs(config) {
            let Some(tool) = catalog.tools.iter().take(limit).find(|t| t.name == name) else {
                continue;
            };
            let set = catalog.tool_set;
            return match verdict(config, principal, set, tool.writes).refusal(tool.name, set) {
                Some(disabled) => Found::Disabled(disabled),
                None => Found::Offered(
                    self.called
                        .get_or_init(|| http_tools::compiled_tool(catalog, tool)),
                ),
            };
        }
        Found::Unknown
    }

    fn offers_tools(&self) -> bool {
        if let Some(whole) = self.whole.get() {
            return !whole.tools.is_empty();
        }
        let (config, principal) = (self.config, self.principal);
        let rust = enabled_sets(config)
            .iter()
            .any(|s| !s.tools.is_empty() && principal.may_use(s.name, false));
        rust || compiled_catalogs(config).any(|(catalog, limit)| {
            let offered = |writes| verdict(config, principal, catalog.tool_set, writes);
            let tools = || catalog.tools.iter().take(limit);
            // Each verdict depends only on whether the tool writes.
            (offered(false) == Verdict::Offered && tools().any(|t| !t.writes))
                || (offered(true) == Verdict::Offered && tools().any(|t| t.writes))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{Grant, PrincipalKind};
    use crate::registry::tool::Tool;

    fn caller(grants: &[(&str, bool)]) -> Principal {
        Principal {
            kind: PrincipalKind::ApiKey,
            name: "k".into(),
            identity: "k".into(),
            grants: grants
                .iter()
                .map(|(set, write)| Grant {
                    tool_set: (*set).into(),
                    write: *write,
                })
                .collect(),
            scopes: Vec::new(),
        }
    }

    fn describe(found: Found<'_>) -> String {
        match found {
            Found::Offered(tool) => format!("offered {}", tool.name()),
            Found::Disabled(d) => format!("disabled {} {:?} {:?}", d.name, d.reason, d.scope),
            Found::Unknown => "unknown".into(),
        }
    }

    /// Finding one tool gives what the whole catalog says of it, for every tool and
    /// every kind of caller, and builds nothing else: no declarative set, no catalog.
    #[test]
    fn one_tool_is_found_as_the_whole_catalog_has_it() {
        let mut config = Config::default();
        config.tools.conformance = true;
        config.tools.diagnostics = true;
        config.tools.tool_sets = vec!["fastly".into(), "backoffice".into()];
        config.tools.allow_writes = vec!["backoffice".into()];
        let callers = [
            Principal::local(),
            Principal::nobody(),
            caller(&[]),
            caller(&[("fastly", false)]),
            caller(&[("backoffice", false), ("diagnostics", false)]),
            caller(&[("backoffice", true), ("fastly", true)]),
        ];
        let sets = crate::catalog::http_sets(&config);
        let mut names: Vec<&str> = sets
            .iter()
            .flat_map(|s| s.tools.iter().map(|t| t.name()))
            .collect();
        for set in enabled_sets(&config) {
            names.extend(set.tools.iter().map(|t| t.name));
        }
        names.push("no_such_tool");
        for principal in &callers {
            let whole = for_caller(&config, &sets, principal);
            for name in &names {
                let built = Deferred::new(|| panic!("a call built the declarative sets"));
                let one = CallerCatalog::new(&config, &built, principal);
                let found = describe(one.find_tool(name));
                assert_eq!(found, describe(whole.find_tool(name)), "{principal:?}");
                assert!(one.whole.get().is_none());
            }
            let built = Deferred::new(|| panic!("offers_tools built the declarative sets"));
            let one = CallerCatalog::new(&config, &built, principal);
            assert_eq!(one.offers_tools(), !whole.tools.is_empty(), "{principal:?}");
        }
    }

    /// Whether any tool is offered follows the grants and the operator's write guard as
    /// the whole catalog does.
    #[test]
    fn offers_tools_follows_grants_and_the_write_guard() {
        for (allow, grants, offered) in [
            (false, vec![], false),
            (false, vec![("backoffice", false)], true),
            (true, vec![("backoffice", true)], true),
            (true, vec![("fastly", true)], false),
        ] {
            let mut config = Config::default();
            config.tools.tool_sets = vec!["backoffice".into()];
            if allow {
                config.tools.allow_writes = vec!["backoffice".into()];
            }
            let built = Deferred::new(|| crate::catalog::http_sets(&config));
            let principal = caller(&grants);
            let one = CallerCatalog::new(&config, &built, &principal);
            assert_eq!(one.offers_tools(), offered, "{grants:?}");
            let whole = for_caller(&config, built.get(), &principal);
            assert_eq!(!whole.tools.is_empty(), offered, "{grants:?}");
        }
    }
}
