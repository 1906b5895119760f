//! The registry: tool sets (named groups of tools, resources, templates and prompts)
//! and the catalog of what this deployment enables. Adding a feature is one `const`
//! definition in a tool set; the catalog is assembled per request from static data and
//! the declarative catalogs indexed at build time, as references (no copies of tools).

pub mod page;
pub mod prompt;
pub mod resource;
pub mod schema;
pub mod tool;

use crate::jsonrpc::Error;
use prompt::PromptDef;
use resource::{ResourceDef, TemplateDef};
use tool::{Tool, ToolDef};

/// A named group of features that configuration turns on or off as a whole.
pub struct ToolSet {
    pub name: &'static str,
    pub tools: &'static [ToolDef],
    pub resources: &'static [ResourceDef],
    pub templates: &'static [TemplateDef],
    pub prompts: &'static [PromptDef],
}

/// Where the dispatcher finds the catalog. `catalog` builds the whole of it (resources
/// and prompts read it); a tools/call needs only the tool it names and a tools/list only
/// its page, and a source may answer those without building the rest
/// (`catalog::CallerCatalog`: a call on a 1,000-tool server pays for one tool). The
/// catalog's lifetime stays out of the trait, so the dispatcher holding it stays
/// covariant over its borrows.
pub trait CatalogSource {
    fn catalog(&self) -> &Catalog<'_>;

    /// What a tools/call naming `name` finds.
    fn find_tool(&self, name: &str) -> Found<'_> {
        self.catalog().find_tool(name)
    }

    /// Whether the caller is offered any tool (the tools capability, and whether tools/*
    /// methods exist for it).
    fn offers_tools(&self) -> bool {
        !self.catalog().tools.is_empty()
    }

    /// One page of the tools offered (tools/list), and the next page's cursor.
    fn tools_page(
        &self,
        cursor: Option<&str>,
        size: usize,
    ) -> Result<(Vec<&dyn Tool>, Option<String>), Error> {
        let (items, next) = page::page(&self.catalog().tools, cursor, size)?;
        Ok((items.to_vec(), next))
    }
}

impl CatalogSource for Catalog<'_> {
    fn catalog(&self) -> &Catalog<'_> {
        self
    }
}

/// A tool a call names: offered, known but refused for this caller (why, and the scope
/// that would allow it), or not on this server.
pub enum Found<'a> {
    Offered(&'a dyn Tool),
    Disabled(Disabled<'a>),
    Unknown,
}

/// Everything this deployment offers, in listing order.
#[derive(Default)]
pub struct Catalog<'a> {
    pub tools: Vec<&'a dyn Tool>,
    pub resources: Vec<&'a ResourceDef>,
    pub templates: Vec<&'a TemplateDef>,
    pub prompts: Vec<&'a PromptDef>,
    /// Tools that exist but may not run for this request (guarded writes, tools the
    /// caller's grants do not cover): a call gets `reason` as an isError result.
    pub disabled: Vec<Disabled<'a>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Disabled<'a> {
    pub name: &'a str,
    pub reason: String,
    /// The OAuth scope that would allow it (a 403 insufficient_scope for OAuth callers).
    pub scope: Option<String>,
}

impl<'a> Catalog<'a> {
    pub fn add(&mut self, set: &'a ToolSet) {
        self.tools.extend(set.tools.iter().map(|t| t as &dyn Tool));
        self.resources.extend(set.resources);
        self.templates.extend(set.templates);
        self.prompts.extend(set.prompts);
    }

    pub fn find_tool(&self, name: &str) -> Found<'a> {
        if let Some(disabled) = self.disabled.iter().find(|d| d.name == name) {
            return Found::Disabled(disabled.clone());
        }
        let tool = self.tools.iter().copied().find(|t| t.name() == name);
        tool.map_or(Found::Unknown, Found::Offered)
    }

    pub fn prompt(&self, name: &str) -> Option<&'a PromptDef> {
        self.prompts.iter().copied().find(|p| p.name == name)
    }
}
