//! The HTTP side of refusals and the RFC 9728 protected resource metadata.

use super::Refusal;
use crate::jsonrpc::{self, Error, ErrorCode, RequestId};
use http::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{Response, StatusCode};
use serde::Serialize;

/// Where a client finds how to authenticate (RFC 9728).
pub struct ResourceInfo<'a> {
    /// The canonical resource URL (the OAuth audience), e.g. `https://mcp.example.com/mcp`.
    pub resource: &'a str,
    /// URL of the metadata document (`resource_metadata` in WWW-Authenticate).
    pub metadata_url: &'a str,
    pub authorization_servers: &'a [String],
    /// The OAuth scopes the enabled tool sets define, made when a challenge or the
    /// metadata names them (not on every request).
    pub scopes_supported: &'a dyn Fn() -> Vec<String>,
    /// Whether OAuth is one of the methods (else no metadata is advertised).
    pub oauth: bool,
}

/// 401 or 403 with `WWW-Authenticate` and a JSON-RPC error body.
pub fn refusal_response(
    refusal: &Refusal,
    info: &ResourceInfo,
    id: RequestId,
) -> Response<Vec<u8>> {
    let mut params = Vec::new();
    if info.oauth {
        params.push(format!("resource_metadata=\"{}\"", info.metadata_url));
    } else {
        params.push("realm=\"mcp\"".to_string());
    }
    if let Some(error) = refusal.error {
        params.push(format!("error=\"{error}\""));
        params.push(format!(
            "error_description=\"{}\"",
            refusal.description.replace('"', "'")
        ));
    }
    // A 401 names what the resource offers (the scopes a token should ask for); a 403
    // insufficient_scope names what the step-up needs.
    let scope = match &refusal.scope {
        Some(scope) => Some(scope.clone()),
        None if refusal.status == 401 && info.oauth => {
            Some((info.scopes_supported)().join(" ")).filter(|s| !s.is_empty())
        }
        None => None,
    };
    if let Some(scope) = scope {
        params.push(format!("scope=\"{scope}\""));
    }
    let challenge = format!("Bearer {}", params.join(", "));
    let status = StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::UNAUTHORIZED);
    let error = Error {
        code: ErrorCode::InvalidRequest,
        message: format!(
            "{}: {}",
            status.canonical_reason().unwrap_or("Refused"),
            refusal.description
        ),
        data: None,
    };
    let mut response = Response::new(jsonrpc::to_bytes(&jsonrpc::response(id, Err(error))));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        headers.insert(WWW_AUTHENTICATE, value);
    }
    response
}

/// The protected resource metadata document (RFC 9728 section 2).
#[derive(Serialize)]
struct ResourceMetadata<'a> {
    resource: &'a str,
    authorization_servers: &'a [String],
    scopes_supported: Vec<String>,
    bearer_methods_supported: [&'static str; 1],
    resource_name: &'static str,
}

/// The protected resource metadata response.
pub fn metadata_response(info: &ResourceInfo) -> Response<Vec<u8>> {
    let body = ResourceMetadata {
        resource: info.resource,
        authorization_servers: info.authorization_servers,
        scopes_supported: (info.scopes_supported)(),
        bearer_methods_supported: ["header"],
        resource_name: "MCP server on Fastly Compute",
    };
    let mut response = Response::new(jsonrpc::to_bytes(&body));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("max-age=300"));
    headers.insert(
        http::header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(oauth: bool) -> ResourceInfo<'static> {
        ResourceInfo {
            resource: "https://mcp.example.com/mcp",
            metadata_url: "https://mcp.example.com/.well-known/oauth-protected-resource/mcp",
            authorization_servers: &[],
            scopes_supported: &Vec::new,
            oauth,
        }
    }

    #[test]
    fn a_401_names_the_scopes_supported() {
        let scopes = || vec!["mcp:fastly".to_string(), "mcp:fastly:write".to_string()];
        let with_scopes = ResourceInfo {
            scopes_supported: &scopes,
            ..info(true)
        };
        let metadata = "resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\"";
        let cases = [
            (Refusal::unauthorized(None, "authentication required"), format!("Bearer {metadata}, scope=\"mcp:fastly mcp:fastly:write\"")),
            (Refusal::unauthorized(Some("invalid_token"), "expired"), format!("Bearer {metadata}, error=\"invalid_token\", error_description=\"expired\", scope=\"mcp:fastly mcp:fastly:write\"")),
        ];
        for (refusal, expected) in cases {
            let response = refusal_response(&refusal, &with_scopes, RequestId::Null);
            assert_eq!(response.headers()[WWW_AUTHENTICATE], expected.as_str());
        }
        // Without OAuth (API keys only) there are no scopes to name.
        let keys_only = ResourceInfo {
            scopes_supported: &scopes,
            ..info(false)
        };
        let refusal = Refusal::unauthorized(None, "authentication required");
        let response = refusal_response(&refusal, &keys_only, RequestId::Null);
        assert_eq!(response.headers()[WWW_AUTHENTICATE], "Bearer realm=\"mcp\"");
    }

    #[test]
    fn challenges_name_the_metadata_and_the_error() {
        let refusal = Refusal::unauthorized(Some("invalid_token"), "expired");
        let response = refusal_response(&refusal, &info(true), RequestId::Null);
        assert_eq!(response.status(), 401);
        let header = response.headers()[WWW_AUTHENTICATE].to_str().unwrap();
        assert_eq!(
            header,
            "Bearer resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\", error=\"invalid_token\", error_description=\"expired\""
        );
        let scope = Refusal {
            status: 403,
            error: Some("insufficient_scope"),
            description: "needs mcp:fastly:write".into(),
            scope: Some("mcp:fastly:write".into()),
        };
        let response = refusal_response(&scope, &info(true), RequestId::from(3u64));
        assert_eq!(response.status(), 403);
        assert!(response.headers()[WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .ends_with("scope=\"mcp:fastly:write\""));
        let keys_only = refusal_response(
            &Refusal::unauthorized(None, "authentication required"),
            &info(false),
            RequestId::Null,
        );
        assert_eq!(
            keys_only.headers()[WWW_AUTHENTICATE],
            "Bearer realm=\"mcp\""
        );
    }
}
