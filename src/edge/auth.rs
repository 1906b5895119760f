//! Client authentication at the edge: gathers what `mcp_edge::auth` needs (API key
//! hashes from the Secret Store; the JWKS comes with the configuration) and works out
//! this server's resource URLs from the request.

use super::log::RequestLog;
use mcp_edge::auth::challenge::ResourceInfo;
use mcp_edge::auth::oauth::OAuthSettings;
use mcp_edge::auth::{authenticate, AuthMethod, AuthSettings, Principal, Refusal};
use mcp_edge::config::{Config, Mode};

/// This request's view of where the server lives, for OAuth audiences and metadata.
pub struct Resource {
    pub url: String,
    pub metadata_url: String,
    pub authorization_servers: Vec<String>,
}

impl Resource {
    /// The RFC 9728 view for responses and challenges.
    pub fn info<'a>(&'a self, config: &Config, scopes: &'a [String]) -> ResourceInfo<'a> {
        ResourceInfo {
            resource: &self.url,
            metadata_url: &self.metadata_url,
            authorization_servers: &self.authorization_servers,
            scopes_supported: scopes,
            oauth: config.auth.contains(&AuthMethod::OAuth),
        }
    }
}

pub fn resource(config: &Config, host: &str) -> Resource {
    let scheme = if config.mode == Mode::Local {
        "http"
    } else {
        "https"
    };
    let url = if config.oauth_audience.is_empty() {
        format!("{scheme}://{host}/mcp")
    } else {
        config.oauth_audience.clone()
    };
    let authorization_servers = if config.oauth_authorization_servers.is_empty() {
        // The issuer, when one is configured (API-key-only deployments have none).
        Some(config.oauth_issuer.clone())
            .filter(|i| !i.is_empty())
            .into_iter()
            .collect()
    } else {
        config.oauth_authorization_servers.clone()
    };
    Resource {
        url,
        metadata_url: format!("{scheme}://{host}/.well-known/oauth-protected-resource/mcp"),
        authorization_servers,
    }
}

/// The warning logged when API keys are required and none is stored.
const NO_API_KEYS: &str =
    "no client API keys: Secret Store mcp_secrets has no api_keys (README: Deploying)";

/// Who sent `authorization` (the Authorization header), or why the request is refused.
pub fn principal(
    config: &Config,
    resource: &Resource,
    authorization: Option<&str>,
    log: &mut RequestLog,
) -> Result<Principal, Refusal> {
    let methods = &config.auth;
    let api_keys = methods
        .contains(&AuthMethod::ApiKey)
        .then(|| super::secrets::get("api_keys").and_then(|k| String::from_utf8(k).ok()))
        .flatten();
    if api_keys.is_none() && methods.contains(&AuthMethod::ApiKey) {
        log.warn(NO_API_KEYS);
    }
    let oauth = methods.contains(&AuthMethod::OAuth).then(|| OAuthSettings {
        issuer: &config.oauth_issuer,
        audience: &resource.url,
        jwks: &config.oauth_jwks,
    });
    let settings = AuthSettings {
        methods,
        api_keys: api_keys.as_deref(),
        oauth,
    };
    authenticate(authorization, &settings)
}
