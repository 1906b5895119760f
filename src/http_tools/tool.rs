//! A declarative HTTP tool: validate the arguments against the input schema, fill in
//! resolvable defaults, have the user confirm a write when the client can ask them,
//! make the request on its catalog's backend, shape the answer.

use super::compiled::CompiledTool;
use super::confirm;
use super::outcome;
use super::render;
use super::spec::{RequestSpec, ToolSpec};
use super::ApiAccess;
use crate::mcp::context::RequestContext;
use crate::registry::schema::check;
use crate::registry::tool::{Arguments, CallToolResult, Tool, ToolDescriptor, ToolOutcome};
use crate::upstream::{Upstream, UpstreamRequest};
use http::Method;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::sync::{Arc, OnceLock};

pub struct HttpTool {
    source: Source,
    /// Its catalog's backend and secrets.
    pub access: Arc<ApiAccess>,
}

enum Source {
    /// Parsed with its catalog (`http_tools::load`: tests and checks).
    Parsed(Box<ToolSpec>),
    /// Indexed at build time: listed from its serialized entry, parsed when a request
    /// calls it.
    Compiled {
        tool: &'static CompiledTool,
        spec: OnceLock<Option<Box<ToolSpec>>>,
    },
}

impl HttpTool {
    pub fn parsed(spec: ToolSpec, access: Arc<ApiAccess>) -> Self {
        HttpTool {
            source: Source::Parsed(Box::new(spec)),
            access,
        }
    }

    pub fn compiled(tool: &'static CompiledTool, access: Arc<ApiAccess>) -> Self {
        let source = Source::Compiled {
            tool,
            spec: OnceLock::new(),
        };
        HttpTool { source, access }
    }

    /// Its definition; `None` only if indexed JSON failed to parse, which the unit tests
    /// of the shipped catalogs rule out.
    pub fn spec(&self) -> Option<&ToolSpec> {
        match &self.source {
            Source::Parsed(spec) => Some(spec),
            Source::Compiled { tool, spec } => spec
                .get_or_init(|| {
                    serde_json::from_slice(tool.json.as_bytes())
                        .ok()
                        .map(Box::new)
                })
                .as_deref(),
        }
    }

    /// Whether calling it may change data.
    pub fn writes(&self) -> bool {
        match &self.source {
            Source::Parsed(spec) => spec.annotations.read_only_hint != Some(true),
            Source::Compiled { tool, .. } => tool.writes,
        }
    }
}

impl Tool for HttpTool {
    fn name(&self) -> &str {
        match &self.source {
            Source::Parsed(spec) => &spec.name,
            Source::Compiled { tool, .. } => tool.name,
        }
    }

    fn describe(&self) -> ToolDescriptor<'_> {
        let Some(spec) = self.spec() else {
            return ToolDescriptor {
                name: self.name(),
                title: None,
                description: "This tool's definition could not be read.",
                input_schema: RawValue::NULL,
                output_schema: None,
                annotations: Default::default(),
            };
        };
        ToolDescriptor {
            name: &spec.name,
            title: spec.title.as_deref(),
            description: &spec.description,
            input_schema: &spec.raw_input_schema,
            output_schema: spec.raw_output_schema.as_deref(),
            annotations: spec.annotations,
        }
    }

    fn listing(&self) -> Option<&str> {
        match &self.source {
            Source::Compiled { tool, .. } => Some(tool.listing),
            Source::Parsed(_) => None,
        }
    }

    fn call(&self, arguments: Arguments, ctx: &mut RequestContext) -> ToolOutcome {
        let Some(spec) = self.spec() else {
            return CallToolResult::error("This tool's definition could not be read.").into();
        };
        if let Err(problems) = check(&spec.input_schema(), arguments.value()) {
            return CallToolResult::error(format!("Invalid arguments: {problems}")).into();
        }
        let mut args = arguments.map().clone();
        let upstream = ctx.upstream;
        for (name, resolve) in &spec.request.resolve {
            if args.contains_key(name) {
                continue;
            }
            match resolve_default(
                upstream,
                &self.access,
                &spec.request,
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
        let request = match render::request(&spec.request, &args, &secret) {
            Ok(request) => request.to(&self.access.backend),
            Err(problem) => return CallToolResult::error(problem).into(),
        };
        if self.writes() {
            if let Some(not_yet) = confirm::write(spec, &request, ctx) {
                return not_yet;
            }
        }
        let offset = spec
            .response
            .offset_argument
            .as_ref()
            .and_then(|name| args.get(name))
            .and_then(Value::as_u64)
            .map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX));
        let result = match upstream.send(request) {
            Ok(response) => {
                let output_schema = spec.output_schema();
                outcome::from_response(response, &spec.response, offset, output_schema.as_ref())
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
