//! A declarative HTTP tool: validate the arguments against the input schema, fill in
//! resolvable defaults, have the user confirm a write when the client can ask them,
//! make the request on its catalog's backend, shape the answer.

use super::confirm;
use super::outcome;
use super::render;
use super::spec::{RequestSpec, ToolSpec};
use super::ApiAccess;
use crate::mcp::context::RequestContext;
use crate::registry::schema::check_arguments;
use crate::registry::tool::{CallToolResult, Tool, ToolDescriptor, ToolOutcome};
use crate::upstream::{Upstream, UpstreamRequest};
use http::Method;
use serde_json::{Map, Value};

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
        self.spec.annotations.read_only_hint != Some(true)
    }
}

impl Tool for HttpTool {
    fn name(&self) -> &str {
        &self.spec.name
    }

    fn describe(&self) -> ToolDescriptor<'_> {
        let spec = &self.spec;
        ToolDescriptor {
            name: &spec.name,
            title: spec.title.as_deref(),
            description: &spec.description,
            input_schema: &spec.raw_input_schema,
            output_schema: spec.raw_output_schema.as_deref(),
            annotations: spec.annotations,
        }
    }

    fn call(&self, arguments: &Map<String, Value>, ctx: &mut RequestContext) -> ToolOutcome {
        if let Err(problems) = check_arguments(&self.spec.input_schema(), arguments) {
            return CallToolResult::error(format!("Invalid arguments: {problems}")).into();
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
                Ok(None) => return CallToolResult::error(resolve.missing.clone()).into(),
                Err(result) => return result.into(),
            }
        }
        let secret = |key: &str| self.access.secret(upstream, key);
        let request = match render::request(&self.spec.request, &args, &secret) {
            Ok(request) => request.to(&self.access.backend),
            Err(problem) => return CallToolResult::error(problem).into(),
        };
        if self.writes() {
            if let Some(not_yet) = confirm::write(&self.spec, &request, ctx) {
                return not_yet;
            }
        }
        let offset = self
            .spec
            .response
            .offset_argument
            .as_ref()
            .and_then(|name| args.get(name))
            .and_then(Value::as_u64)
            .map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX));
        let result = match upstream.send(request) {
            Ok(response) => {
                let output_schema = self.spec.output_schema();
                let spec = &self.spec.response;
                outcome::from_response(response, spec, offset, output_schema.as_ref())
            }
            Err(error) => outcome::unreachable(error, &self.access.backend),
        };
        result.into()
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
) -> Result<Option<Value>, CallToolResult> {
    let path_and_query = render::path(path, args).map_err(CallToolResult::error)?;
    // The lookup authenticates like the tool's own request.
    let secret = |key: &str| access.secret(upstream, key);
    let headers = render::headers(&spec.headers, &secret).map_err(CallToolResult::error)?;
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
