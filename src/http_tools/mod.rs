//! Declarative tools for any HTTP API behind a backend of its own: a catalog (JSON,
//! compiled in) names its backend and the secrets it may send, and lists each tool's
//! schema, request template and response shaping; one mechanism runs them all. The
//! Fastly API tool set is such a catalog, so both share argument validation, request
//! rendering and error mapping.

pub mod compiled;
pub mod confirm;
pub mod outcome;
pub mod render;
pub mod spec;
pub mod tool;

use crate::registry::tool::Tool;
use crate::secret_keys::SERVER_OWNED;
use crate::upstream::Upstream;
use compiled::{CompiledCatalog, CompiledTool};
use spec::{
    body_placeholders, placeholders, schema_properties, whole_placeholder, CatalogFile, HeaderSpec,
};
use std::sync::Arc;
use tool::HttpTool;

/// A loaded catalog.
pub struct HttpToolSet {
    pub name: String,
    pub tools: Vec<HttpTool>,
}

/// Where a catalog's requests go and which secrets they may carry; its tools share it.
#[derive(Debug)]
pub struct ApiAccess {
    pub backend: String,
    pub secrets: Vec<String>,
}

impl ApiAccess {
    pub fn of(catalog: &CompiledCatalog) -> Self {
        ApiAccess {
            backend: catalog.backend.to_owned(),
            secrets: catalog.secrets.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// A secret this catalog may send; any other key reads as absent, so even a catalog
    /// that escaped validation cannot send another's token or the server's own keys.
    pub fn secret(&self, upstream: &dyn Upstream, key: &str) -> Option<String> {
        let allowed = self.secrets.iter().any(|k| k == key) && !SERVER_OWNED.contains(&key);
        allowed.then(|| upstream.secret(key)).flatten()
    }
}

/// Every input schema is one this server checks in full (`registry::schema`): the unit
/// tests hold the shipped catalogs to it, so no call meets a schema it cannot check.
pub fn check_schemas(set: &HttpToolSet) -> Result<(), String> {
    for tool in &set.tools {
        let name = tool.name();
        let spec = tool
            .spec()
            .ok_or_else(|| format!("tool '{name}': its definition does not parse"))?;
        if !crate::registry::schema::is_checked(&spec.input_schema()) {
            return Err(format!(
                "tool '{name}': inputSchema uses JSON Schema keywords or patterns this server does not check"
            ));
        }
    }
    Ok(())
}

/// Parses and validates a catalog; any problem refuses the whole catalog.
pub fn load(json: &str) -> Result<HttpToolSet, String> {
    let file = parse(json)?;
    validate(&file)?;
    Ok(into_set(file))
}

fn parse(json: &str) -> Result<CatalogFile, String> {
    serde_json::from_str(json).map_err(|e| format!("catalog: {e}"))
}

fn into_set(file: CatalogFile) -> HttpToolSet {
    let access = Arc::new(ApiAccess {
        backend: file.backend,
        secrets: file.secrets,
    });
    let tools = file
        .tools
        .into_iter()
        .map(|spec| HttpTool::parsed(spec, Arc::clone(&access)))
        .collect();
    HttpToolSet {
        name: file.tool_set,
        tools,
    }
}

/// A catalog the build script indexed, its first `limit` tools, none parsed yet.
pub fn compiled_set(catalog: &'static CompiledCatalog, limit: usize) -> HttpToolSet {
    let access = Arc::new(ApiAccess::of(catalog));
    let tools = catalog
        .tools
        .iter()
        .take(limit)
        .map(|tool| HttpTool::compiled(tool, Arc::clone(&access)))
        .collect();
    HttpToolSet {
        name: catalog.tool_set.to_owned(),
        tools,
    }
}

/// One tool of a catalog the build script indexed, without the others (a call's).
pub fn compiled_tool(catalog: &'static CompiledCatalog, tool: &'static CompiledTool) -> HttpTool {
    HttpTool::compiled(tool, Arc::new(ApiAccess::of(catalog)))
}

/// The rules between catalogs: tool set names and tool names are unique, and no two
/// catalogs share a secret (one API's token must never reach another API).
pub fn validate_together(files: &[&CatalogFile]) -> Result<(), String> {
    let mut sets = std::collections::BTreeSet::new();
    let mut tools = std::collections::BTreeSet::new();
    let mut owners = std::collections::BTreeMap::new();
    for file in files {
        validate(file)?;
        if !sets.insert(file.tool_set.as_str()) {
            return Err(format!("tool set '{}' is defined twice", file.tool_set));
        }
        if let Some(tool) = file.tools.iter().find(|t| !tools.insert(t.name.as_str())) {
            return Err(format!("tool '{}' is in two catalogs", tool.name));
        }
        for secret in &file.secrets {
            if let Some(owner) = owners.insert(secret.as_str(), file.tool_set.as_str()) {
                return Err(format!(
                    "catalogs '{owner}' and '{}' both name secret '{secret}': each API has its own",
                    file.tool_set
                ));
            }
        }
    }
    Ok(())
}

/// A backend name as Fastly accepts it, and never `self` (the service's own domain,
/// for the Fanout hand-off only).
fn valid_backend(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name != "self"
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The rules a catalog must keep (see README: declarative tools).
pub fn validate(file: &CatalogFile) -> Result<(), String> {
    if !valid_backend(&file.backend) {
        return Err(format!(
            "catalog '{}': backend must be a backend name (1-64 of [A-Za-z0-9_-], not 'self')",
            file.tool_set
        ));
    }
    if let Some(key) = file
        .secrets
        .iter()
        .find(|k| SERVER_OWNED.contains(&k.as_str()))
    {
        return Err(format!(
            "catalog '{}': secret '{key}' belongs to the server and is never sent to an API",
            file.tool_set
        ));
    }
    let mut names = std::collections::BTreeSet::new();
    for tool in &file.tools {
        if !names.insert(tool.name.as_str()) {
            return Err(format!("tool '{}': duplicate name", tool.name));
        }
        validate_tool(file, tool)?;
    }
    Ok(())
}

/// One tool's rules: its name and description, schemas, request template and answer.
fn validate_tool(file: &CatalogFile, tool: &spec::ToolSpec) -> Result<(), String> {
    let name = &tool.name;
    let fail = |why: String| Err(format!("tool '{name}': {why}"));
    let valid_name = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !valid_name {
        return fail("names use 1-64 of [A-Za-z0-9_-]".into());
    }
    if tool.description.trim().len() < 20 {
        return fail("needs a description an LLM can act on".into());
    }
    let input_schema = tool.input_schema();
    if input_schema.get("type").and_then(|t| t.as_str()) != Some("object") {
        return fail("inputSchema must be an object schema".into());
    }
    if let Some(output) = &tool.output_schema() {
        if output.get("type").and_then(|t| t.as_str()) != Some("object") {
            return fail("outputSchema must be an object schema".into());
        }
    }
    let request = &tool.request;
    if !matches!(
        request.method.as_str(),
        "GET" | "POST" | "PUT" | "PATCH" | "DELETE"
    ) {
        return fail(format!("unsupported method '{}'", request.method));
    }
    let Some(read_only) = tool.annotations.read_only_hint else {
        return fail("annotations must say readOnlyHint".into());
    };
    if request.method != "GET" && read_only {
        return fail("a non-GET request cannot be readOnlyHint".into());
    }
    if !request.path.starts_with('/') || request.path.contains(['?', '#']) {
        return fail("path must start with '/' and carry no query or fragment".into());
    }
    for spec in request.headers.values() {
        if let HeaderSpec::Secret { secret, .. } = spec {
            if !file.secrets.contains(secret) {
                return fail(format!(
                    "header secret '{secret}' is not among the catalog's secrets"
                ));
            }
        }
    }
    let (properties, required) = schema_properties(&input_schema);
    let mut used: Vec<String> = placeholders(&request.path)
        .into_iter()
        .map(String::from)
        .collect();
    for name in placeholders(&request.path) {
        if !required.contains(&name) && !request.resolve.contains_key(name) {
            return fail(format!(
                "path argument '{name}' must be required or resolvable"
            ));
        }
    }
    for template in request.query.values() {
        used.extend(whole_placeholder(template).map(String::from));
    }
    if let Some(body) = &request.body {
        body_placeholders(body, &mut used);
    }
    for (name, resolve) in &request.resolve {
        if !resolve.pointer.is_empty() && !resolve.pointer.starts_with('/') {
            return fail(format!("resolve '{name}': pointer must start with '/'"));
        }
        used.extend(placeholders(&resolve.path).into_iter().map(String::from));
    }
    if let Some(unknown) = used.iter().find(|u| !properties.contains(&u.as_str())) {
        return fail(format!(
            "template uses '{unknown}', which inputSchema does not declare"
        ));
    }
    let response = &tool.response;
    if !response.pointer.is_empty() && !response.pointer.starts_with('/') {
        return fail("response pointer must be empty or start with '/'".into());
    }
    if !(1024..=400 * 1024).contains(&response.max_bytes) {
        return fail("response max_bytes must be between 1 KiB and 400 KiB".into());
    }
    if let Some(offset) = &response.offset_argument {
        if !properties.contains(&offset.as_str()) {
            return fail(format!("offset argument '{offset}' is not in inputSchema"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
