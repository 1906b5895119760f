//! What 2026-07-28 adds to the dispatcher: server/discover, and the fields every result
//! carries (its type, its cache lifetime and scope, who served it).

use super::{serialize, Server};
use crate::jsonrpc::{Error, JsonText};
use crate::mcp::model::discover::{DiscoverResult, ResultFields, ResultMeta};
use crate::mcp::model::method::Method;
use crate::mcp::version;
use serde_json::{Map, Value};

/// How an "input required" result starts as this dispatcher writes it (`input.rs`): it
/// already has its type, and is never cached.
pub(super) const INPUT_REQUIRED: &str = r#"{"resultType":"input_required""#;

/// How long a list or a discover result may be reused: a deployment's catalog changes only
/// when its configuration does, and five minutes bounds how long a client keeps an old one.
const LIST_TTL_MS: u64 = 300_000;
/// Resource contents may change more often than the catalog does.
const READ_TTL_MS: u64 = 60_000;

impl Server<'_> {
    pub(super) fn discover(&self) -> Result<JsonText, Error> {
        serialize(&DiscoverResult {
            supported_versions: &version::ALL,
            capabilities: self.capabilities(false),
            instructions: self.info.instructions.as_deref(),
        })
    }

    /// `result` with `resultType`, the cache hint its method calls for, and the server's
    /// name in `_meta`. The dispatcher's results are JSON objects it wrote itself, without
    /// these fields; anything else is returned as it is.
    pub(super) fn with_result_fields(
        &self,
        method: &str,
        params: Option<&Map<String, Value>>,
        result: JsonText,
    ) -> JsonText {
        let complete = !result.get().starts_with(INPUT_REQUIRED);
        let ttl_ms = Method::parse(method)
            .filter(|_| complete)
            .and_then(|m| cache_ttl_ms(m, params));
        let info = self.implementation();
        let fields = ResultFields {
            result_type: complete.then_some("complete"),
            ttl_ms,
            cache_scope: ttl_ms.map(|_| self.cache_scope),
            meta: ResultMeta { server_info: &info },
        };
        let Ok(fields) = serde_json::to_string(&fields) else {
            return result;
        };
        let fields = fields.strip_prefix('{').and_then(|f| f.strip_suffix('}'));
        let rest = result.get().strip_prefix('{');
        let (Some(fields), Some(rest)) = (fields, rest) else {
            return result;
        };
        let separator = if rest.trim_start().starts_with('}') {
            ""
        } else {
            ","
        };
        // serde's fields, then the rest of serde's (or an assembled) object: written in
        // the result's own buffer (a page of tools moves along, it is not copied).
        let mut text = result.into_string();
        text.replace_range(..1, &format!("{{{fields}{separator}"));
        JsonText::assembled(text)
    }
}

/// The cache lifetime of a method's complete result (spec: required on discover, the
/// lists and resources/read). A retry that carried answers must not be cached: 0.
fn cache_ttl_ms(method: Method, params: Option<&Map<String, Value>>) -> Option<u64> {
    let retry =
        params.is_some_and(|p| p.contains_key("inputResponses") || p.contains_key("requestState"));
    match method {
        Method::ServerDiscover
        | Method::ToolsList
        | Method::PromptsList
        | Method::ResourcesList
        | Method::ResourceTemplatesList => Some(LIST_TTL_MS),
        Method::ResourcesRead if retry => Some(0),
        Method::ResourcesRead => Some(READ_TTL_MS),
        _ => None,
    }
}
