//! The declarative catalogs as the build script indexed them (build/catalogs.rs): per
//! tool, its name, whether it may change data, and its JSON as written. Deciding who may
//! use which tool needs only the first two; a tool's JSON is parsed when a request lists
//! or calls it (`tool::HttpTool`), so a request pays for the tools it touches, not for
//! the whole catalog (every request starts a fresh instance).

/// A catalog: its tool set's name, backend, the secrets it may send, and its tools.
#[derive(Debug)]
pub struct CompiledCatalog {
    pub tool_set: &'static str,
    pub backend: &'static str,
    pub secrets: &'static [&'static str],
    pub tools: &'static [CompiledTool],
}

#[derive(Debug)]
pub struct CompiledTool {
    pub name: &'static str,
    pub writes: bool,
    /// Its tools/list entry, serialized at build time as the service writes it.
    pub listing: &'static str,
    /// The tool's object in the catalog, as written (a `spec::ToolSpec`).
    pub json: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/catalogs.rs"));
