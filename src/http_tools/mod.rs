//! Declarative tools for any HTTP API behind backend `api`: a catalog (JSON, compiled in)
//! lists each tool's schema, request template and response shaping; one mechanism runs
//! them all. The Fastly API tool set is such a catalog, so both share argument
//! validation, request rendering and error mapping.

pub mod outcome;
pub mod render;
pub mod spec;
pub mod tool;

use spec::{body_placeholders, placeholders, schema_properties, whole_placeholder, CatalogFile};
use tool::HttpTool;

/// The catalogs shipped with the service: (tool set name, JSON).
pub const CATALOGS: [(&str, &str); 2] = [
    ("fastly", include_str!("../catalogs/fastly.json")),
    ("backoffice", include_str!("../catalogs/backoffice.json")),
];

/// A loaded catalog.
pub struct HttpToolSet {
    pub name: String,
    pub tools: Vec<HttpTool>,
}

/// Every input schema compiles as a JSON Schema. Compiling is the costly part of
/// validation, so it runs in the unit tests of the shipped catalogs (build time), not on
/// every request; a call compiles its own tool's schema anyway and reports a bad one.
pub fn check_schemas(set: &HttpToolSet) -> Result<(), String> {
    for tool in &set.tools {
        if let Err(e) = jsonschema::validator_for(&tool.spec.input_schema()) {
            return Err(format!(
                "tool '{}': inputSchema is not a valid JSON Schema: {e}",
                tool.spec.name
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

/// Parses a catalog that `validate` has already passed: the shipped catalogs (their unit
/// tests validate them) and the synthetic benchmark one. Every request loads the
/// catalogs its configuration enables, so the rules are not checked again each time.
pub fn load_validated(json: &str) -> Result<HttpToolSet, String> {
    parse(json).map(into_set)
}

fn parse(json: &str) -> Result<CatalogFile, String> {
    serde_json::from_str(json).map_err(|e| format!("catalog: {e}"))
}

fn into_set(file: CatalogFile) -> HttpToolSet {
    let name = file.tool_set.clone();
    let tools = file
        .tools
        .into_iter()
        .map(|spec| HttpTool {
            spec,
            tool_set: name.clone(),
        })
        .collect();
    HttpToolSet { name, tools }
}

/// The rules a catalog must keep (see README: declarative tools).
pub fn validate(file: &CatalogFile) -> Result<(), String> {
    let mut names = std::collections::BTreeSet::new();
    for tool in &file.tools {
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
        if !names.insert(name.as_str()) {
            return fail("duplicate name".into());
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
        if request.method != "GET" && tool.annotations.read_only_hint {
            return fail("a non-GET request cannot be readOnlyHint".into());
        }
        if !request.path.starts_with('/') || request.path.contains(['?', '#']) {
            return fail("path must start with '/' and carry no query or fragment".into());
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
    }
    Ok(())
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
