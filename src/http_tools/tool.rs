//! A declarative HTTP tool: validate the arguments against the input schema, fill in
//! resolvable defaults, make the request on its catalog's backend, shape the answer.

use super::outcome;
use super::render;
use super::spec::{RequestSpec, ToolSpec};
use super::ApiAccess;
use crate::mcp::context::RequestContext;
use crate::registry::schema::check_arguments;
use crate::registry::tool::{Tool, ToolResult};
use crate::upstream::{Upstream, UpstreamRequest};
use http::Method;
use serde_json::{json, Map, Value};

pub struct HttpTool {
    pub spec: ToolSpec,
    /// Which tool set it belongs to (guarded writes are enabled per set).
    pub tool_set: String,
    /// Its catalog's backend and secrets.
    pub access: std::sync::Arc<ApiAccess>,
}

impl HttpTool {
    /// Whether calling it may change data.
    pub fn writes(&self) -> bool {
        !self.spec.annotations.read_only_hint
    }
}

impl Tool for HttpTool {
    fn name(&self) -> &str {
        &self.spec.name
    }

    fn describe(&self) -> Value {
        let spec = &self.spec;
        let a = spec.annotations;
        let mut annotations = json!({ "readOnlyHint": a.read_only_hint });
        for (key, hint) in [
            ("destructiveHint", a.destructive_hint),
            ("idempotentHint", a.idempotent_hint),
            ("openWorldHint", a.open_world_hint),
        ] {
            if let Some(hint) = hint {
                annotations[key] = json!(hint);
            }
        }
        let mut out = json!({
            "name": spec.name,
            "description": spec.description,
            "inputSchema": spec.input_schema(),
            "annotations": annotations,
        });
        if let Some(title) = &spec.title {
            out["title"] = json!(title);
        }
        if let Some(schema) = spec.output_schema() {
            out["outputSchema"] = schema;
        }
        out
    }

    fn call(&self, arguments: &Map<String, Value>, ctx: &mut RequestContext) -> ToolResult {
        if let Err(problems) = check_arguments(&self.spec.input_schema(), arguments) {
            return ToolResult::error(format!("Invalid arguments: {problems}"));
        }
        let mut args = arguments.clone();
        let upstream = ctx.upstream;
        for (name, resolve) in &self.spec.request.resolve {
            if args.contains_key(name) {
                continue;
            }
            match resolve_default(
                upstream,
                &self.access,
                &self.spec.request,
                &resolve.path,
                &resolve.pointer,
                &args,
            ) {
                Ok(Some(value)) => {
                    args.insert(name.clone(), value);
                }
                Ok(None) => return ToolResult::error(resolve.missing.clone()),
                Err(result) => return result,
            }
        }
        let secret = |key: &str| self.access.secret(upstream, key);
        let request = match render::request(&self.spec.request, &args, &secret) {
            Ok(request) => request.to(&self.access.backend),
            Err(problem) => return ToolResult::error(problem),
        };
        let offset = self
            .spec
            .response
            .offset_argument
            .as_ref()
            .and_then(|name| args.get(name))
            .and_then(Value::as_u64)
            .map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX));
        match upstream.send(request) {
            Ok(response) => {
                let output_schema = self.spec.output_schema();
                let spec = &self.spec.response;
                outcome::from_response(response, spec, offset, output_schema.as_ref())
            }
            Err(error) => outcome::unreachable(error, &self.access.backend),
        }
    }
}

/// A default for an absent argument from a GET on the same API; `Ok(None)` when the
/// answer has no such value.
fn resolve_default(
    upstream: &dyn Upstream,
    access: &ApiAccess,
    spec: &RequestSpec,
    path: &str,
    pointer: &str,
    args: &Map<String, Value>,
) -> Result<Option<Value>, ToolResult> {
    let path_and_query = render::path(path, args).map_err(ToolResult::error)?;
    // The lookup authenticates like the tool's own request.
    let secret = |key: &str| access.secret(upstream, key);
    let headers = render::headers(&spec.headers, &secret).map_err(ToolResult::error)?;
    let request = UpstreamRequest {
        backend: access.backend.clone(),
        method: Method::GET,
        path_and_query,
        headers,
        body: None,
    };
    let response = upstream
        .send(request)
        .map_err(|e| outcome::unreachable(e, &access.backend))?;
    if !(200..300).contains(&response.status) {
        let spec = super::spec::ResponseSpec::default();
        return Err(outcome::from_response(response, &spec, 0, None));
    }
    let document: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    Ok(document.pointer(pointer).filter(|v| !v.is_null()).cloned())
}
