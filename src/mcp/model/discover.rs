//! What 2026-07-28 added to results: server/discover's answer, the "input required"
//! result of Multi Round-Trip Requests, and the fields every result carries (its type,
//! how long and for whom it may be cached, and who served it).

use super::initialize::{Implementation, ServerCapabilities};
use crate::mcp::input::InputRequest;
use serde::Serialize;
use std::collections::BTreeMap;

/// server/discover: the revisions and capabilities this server offers.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiscoverResult<'a> {
    pub supported_versions: &'a [&'a str],
    pub capabilities: ServerCapabilities,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instructions: Option<&'a str>,
}

/// "Input required": the requests, by key, and the signed state to echo back. Its type
/// is written first: the dispatcher tells it from complete results by that.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InputRequiredResult<'a> {
    pub result_type: &'static str,
    pub input_requests: BTreeMap<&'a str, &'a InputRequest>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_state: Option<String>,
}

/// Who may reuse a cached result: anyone, or only the caller it was served to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CacheScope {
    Public,
    Private,
}

/// How long a result may be reused, and by whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheHint {
    pub ttl_ms: u64,
    pub scope: CacheScope,
}

/// The fields a 2026-07-28 result carries besides its own.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultFields<'a> {
    /// Absent on results that already carry theirs ("input required").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_scope: Option<CacheScope>,
    #[serde(rename = "_meta")]
    pub meta: ResultMeta<'a>,
}

#[derive(Debug, Serialize)]
pub struct ResultMeta<'a> {
    #[serde(rename = "io.modelcontextprotocol/serverInfo")]
    pub server_info: &'a Implementation<'a>,
}

#[cfg(test)]
mod tests {
    use super::super::meta::SERVER_INFO;
    use super::*;

    #[test]
    fn the_server_is_named_under_the_spec_key() {
        let info = Implementation {
            name: "n",
            title: "t",
            version: "1",
        };
        let fields = ResultFields {
            result_type: Some("complete"),
            ttl_ms: Some(5),
            cache_scope: Some(CacheScope::Private),
            meta: ResultMeta { server_info: &info },
        };
        let json = serde_json::to_value(&fields).unwrap();
        assert_eq!(json["_meta"][SERVER_INFO]["name"], "n");
        assert_eq!(json["cacheScope"], "private");
        assert_eq!(json["ttlMs"], 5);
    }
}
