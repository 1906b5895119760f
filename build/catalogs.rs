//! Build script: indexes the declarative catalogs (src/catalogs/*.json) so that a request
//! parses only the tools it lists or calls. Each tool's JSON text is kept as written,
//! beside its name and whether it may change data (what deciding who may use it needs);
//! `http_tools::compiled` parses a tool when a request touches it. The full checks
//! (`http_tools::validate`, schemas, secrets) run in the unit tests, as before.
//!
//! With the `bench-catalog` feature a catalog `bench` of 1,000 synthetic read-only tools
//! is indexed too: the benchmark lists and calls large catalogs through the same path.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::fmt::Write;
use std::path::Path;

/// Listing order first; any other catalog after them, by name.
const ORDER: [&str; 2] = ["fastly", "backoffice"];
const BENCH_TOOLS: usize = 1000;

#[derive(Deserialize)]
struct File<'a> {
    tool_set: String,
    backend: String,
    #[serde(default)]
    secrets: Vec<String>,
    #[serde(borrow)]
    tools: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Head<'a> {
    name: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: String,
    #[serde(borrow)]
    input_schema: &'a RawValue,
    #[serde(borrow, default)]
    output_schema: Option<&'a RawValue>,
    #[serde(default)]
    annotations: Annotations,
}

/// MCP tool annotations, in the order the service writes them.
#[derive(Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct Annotations {
    #[serde(skip_serializing_if = "Option::is_none")]
    read_only_hint: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    destructive_hint: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    idempotent_hint: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    open_world_hint: Option<bool>,
}

/// The tools/list entry as the service writes it (`ToolDescriptor`; a unit test holds
/// the two to the same bytes).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Listing<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    description: &'a str,
    input_schema: &'a RawValue,
    #[serde(skip_serializing_if = "Option::is_none")]
    output_schema: Option<&'a RawValue>,
    #[serde(skip_serializing_if = "is_empty")]
    annotations: &'a Annotations,
}

fn is_empty(a: &&Annotations) -> bool {
    a.read_only_hint.is_none()
        && a.destructive_hint.is_none()
        && a.idempotent_hint.is_none()
        && a.open_world_hint.is_none()
}

fn main() {
    println!("cargo::rerun-if-changed=src/catalogs");
    println!("cargo::rerun-if-changed=build/catalogs.rs");
    let mut names: Vec<String> = std::fs::read_dir("src/catalogs")
        .unwrap_or_else(|e| panic!("src/catalogs: {e}"))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|f| f.strip_suffix(".json").map(str::to_owned))
        .collect();
    names.sort_by_key(|n| {
        (
            ORDER.iter().position(|o| o == n).unwrap_or(ORDER.len()),
            n.clone(),
        )
    });
    let mut sources: Vec<(String, String)> = names
        .iter()
        .map(|n| {
            let path = format!("src/catalogs/{n}.json");
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            (path, text)
        })
        .collect();
    if std::env::var_os("CARGO_FEATURE_BENCH_CATALOG").is_some() {
        sources.push(("the bench-catalog feature".into(), bench_catalog()));
    }
    let mut code = String::from("pub static COMPILED: &[CompiledCatalog] = &[\n");
    for (path, text) in &sources {
        let file: File = serde_json::from_str(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let _ = writeln!(
            code,
            "    CompiledCatalog {{ tool_set: {:?}, backend: {:?}, secrets: &{:?}, tools: &[",
            file.tool_set, file.backend, file.secrets
        );
        for tool in &file.tools {
            let head: Head = serde_json::from_str(tool.get())
                .unwrap_or_else(|e| panic!("{path}: a tool without a name: {e}"));
            let writes = head.annotations.read_only_hint != Some(true);
            let listing = Listing {
                name: &head.name,
                title: head.title.as_deref(),
                description: &head.description,
                input_schema: head.input_schema,
                output_schema: head.output_schema,
                annotations: &head.annotations,
            };
            let listing = serde_json::to_string(&listing)
                .unwrap_or_else(|e| panic!("{path}: {}: {e}", head.name));
            let _ = writeln!(
                code,
                "        CompiledTool {{ name: {:?}, writes: {writes}, listing: {listing:?}, json: {:?} }},",
                head.name,
                tool.get()
            );
        }
        code.push_str("    ] },\n");
    }
    code.push_str("];\n");
    let dir = std::env::var("OUT_DIR").unwrap_or_else(|e| panic!("OUT_DIR: {e}"));
    let out = Path::new(&dir).join("catalogs.rs");
    std::fs::write(&out, code).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}

/// `BENCH_TOOLS` read-only GET tools, for measuring how listing and calling scale.
fn bench_catalog() -> String {
    let tools: Vec<serde_json::Value> = (0..BENCH_TOOLS)
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
