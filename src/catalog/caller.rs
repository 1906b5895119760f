//! The catalog one caller is offered, built no further than its request needs. Every
//! request starts a fresh instance, so what a request builds it pays for: a tools/call
//! finds the one tool it names (in the Rust tool sets, else in the build script's index)
//! and builds only that, and a tools/list builds only its page. So a call or a page
//! costs about the same on a server with 1,000 catalog tools as on one with 10. Other
//! methods (resources, prompts) build the whole catalog.

use super::{compiled_catalogs, enabled_sets, for_caller, not_granted, verdict, Verdict};
use crate::auth::Principal;
use crate::config::Config;
use crate::http_tools::compiled::{CompiledCatalog, CompiledTool};
use crate::http_tools::tool::HttpTool;
use crate::http_tools::{self, ApiAccess, HttpToolSet};
use crate::jsonrpc::Error;
use crate::lazy::Deferred;
use crate::registry::page::page_range;
use crate::registry::tool::{Tool, ToolDef};
use crate::registry::{Catalog, CatalogSource, Found};
use std::cell::OnceCell;
use std::sync::Arc;

pub struct CallerCatalog<'a> {
    config: &'a Config,
    principal: &'a Principal,
    http_sets: &'a Deferred<'a, Vec<HttpToolSet>>,
    whole: OnceCell<Catalog<'a>>,
    /// The declarative tool a call named, built on its own.
    called: OnceCell<HttpTool>,
    /// The declarative tools of the page a list asked for.
    listed: OnceCell<Vec<HttpTool>>,
}

/// A tool offered to the caller, as static data: nothing is built to list or count it.
#[derive(Clone, Copy)]
enum Offered {
    Rust(&'static ToolDef),
    Compiled(&'static CompiledCatalog, &'static CompiledTool),
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
            listed: OnceCell::new(),
        }
    }

    /// Every tool the caller is offered, in the whole catalog's order (`for_caller`).
    fn offered(&self) -> impl Iterator<Item = Offered> + '_ {
        let (config, principal) = (self.config, self.principal);
        let rust = enabled_sets(config)
            .into_iter()
            .filter(|set| principal.may_use(set.name, false))
            .flat_map(|set| set.tools.iter().map(Offered::Rust));
        let compiled = compiled_catalogs(config).flat_map(move |(catalog, limit)| {
            // A verdict depends only on the set and whether the tool writes.
            let set = catalog.tool_set;
            let reads = verdict(config, principal, set, false) == Verdict::Offered;
            let writes = verdict(config, principal, set, true) == Verdict::Offered;
            let tools = catalog.tools.iter().take(limit);
            tools
                .filter(move |tool| if tool.writes { writes } else { reads })
                .map(move |tool| Offered::Compiled(catalog, tool))
        });
        rust.chain(compiled)
    }
}

/// The page's declarative tools, one `ApiAccess` per catalog as in a built set.
fn build(page: &[Offered]) -> Vec<HttpTool> {
    let mut access: Vec<(&str, Arc<ApiAccess>)> = Vec::new();
    let mut tools = Vec::new();
    for entry in page {
        if let Offered::Compiled(catalog, tool) = *entry {
            let shared = match access.iter().find(|(set, _)| *set == catalog.tool_set) {
                Some((_, shared)) => Arc::clone(shared),
                None => {
                    let shared = Arc::new(ApiAccess::of(catalog));
                    access.push((catalog.tool_set, Arc::clone(&shared)));
                    shared
                }
            };
            tools.push(HttpTool::compiled(tool, shared));
        }
    }
    tools
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
        match self.whole.get() {
            Some(whole) => whole.offers_tools(),
            None => self.offered().next().is_some(),
        }
    }

    fn tools_page(
        &self,
        cursor: Option<&str>,
        size: usize,
    ) -> Result<(Vec<&dyn Tool>, Option<String>), Error> {
        // A second page in one request (a batch) reads the whole catalog.
        if self.whole.get().is_some() || self.listed.get().is_some() {
            return self.catalog().tools_page(cursor, size);
        }
        let (range, next) = page_range(self.offered().count(), cursor, size)?;
        let page: Vec<Offered> = self.offered().skip(range.start).take(range.len()).collect();
        let mut built = self.listed.get_or_init(|| build(&page)).iter();
        let tools = page
            .iter()
            .filter_map(|entry| match entry {
                Offered::Rust(tool) => Some(*tool as &dyn Tool),
                Offered::Compiled(..) => built.next().map(|tool| tool as &dyn Tool),
            })
            .collect();
        Ok((tools, next))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{Grant, PrincipalKind};

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

    /// Every tool set on (Rust and declarative), writes allowed for `writes`.
    fn every_set(writes: &[&str]) -> Config {
        let mut config = Config::default();
        config.tools.conformance = true;
        config.tools.diagnostics = true;
        config.tools.tool_sets = vec!["fastly".into(), "backoffice".into()];
        config.tools.allow_writes = writes.iter().map(|s| (*s).to_owned()).collect();
        config
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
        let config = every_set(&["backoffice"]);
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

    fn names(tools: &[&dyn Tool]) -> Vec<String> {
        tools.iter().map(|t| t.name().to_owned()).collect()
    }

    /// Every page of a list, at every page size, is the whole catalog's page, with the
    /// same next cursor and refusals, and building it builds no declarative set.
    #[test]
    fn a_page_is_the_whole_catalogs_page() {
        let config = every_set(&["fastly"]);
        let sets = crate::catalog::http_sets(&config);
        for principal in [
            Principal::local(),
            caller(&[]),
            caller(&[("backoffice", true), ("diagnostics", false)]),
            caller(&[("fastly", false), ("conformance", false)]),
        ] {
            let whole = for_caller(&config, &sets, &principal);
            let len = whole.tools.len();
            for size in [1, 3, 7, 50, 5000] {
                let mut cursors = vec![None, Some("offset:0".to_owned()), Some("x".into())];
                cursors.extend((1..len + 1).map(|n| Some(format!("offset:{n}"))));
                for cursor in cursors {
                    let built = Deferred::new(|| panic!("a page built the declarative sets"));
                    let one = CallerCatalog::new(&config, &built, &principal);
                    let got = one.tools_page(cursor.as_deref(), size);
                    let want = whole.tools_page(cursor.as_deref(), size);
                    let what = format!("{principal:?} {size} {cursor:?}");
                    match (got, want) {
                        (Ok((a, x)), Ok((b, y))) => {
                            assert_eq!((names(&a), x), (names(&b), y), "{what}");
                        }
                        (Err(a), Err(b)) => assert_eq!(a.message, b.message, "{what}"),
                        (a, b) => panic!("{what}: {:?} against {:?}", a.is_ok(), b.is_ok()),
                    }
                }
            }
        }
    }

    /// Two lists in one request (a batch): the second page is right too.
    #[test]
    fn a_second_page_in_one_request_is_right() {
        let mut config = Config::default();
        config.tools.tool_sets = vec!["fastly".into()];
        let built = Deferred::new(|| crate::catalog::http_sets(&config));
        let principal = Principal::local();
        let one = CallerCatalog::new(&config, &built, &principal);
        let (first, next) = one.tools_page(None, 2).unwrap();
        let (second, _) = one.tools_page(next.as_deref(), 2).unwrap();
        let sets = crate::catalog::http_sets(&config);
        let whole = for_caller(&config, &sets, &principal);
        assert_eq!(names(&first), names(&whole.tools[..2]));
        assert_eq!(names(&second), names(&whole.tools[2..4]));
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
