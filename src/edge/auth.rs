//! Client authentication at the edge: gathers what `mcp_edge::auth` needs (API key
//! hashes from the Secret Store; the JWKS comes with the configuration) and this
//! deployment's OAuth resource identifiers (`mcp_edge::auth::resource`).

use super::log::RequestLog;
use mcp_edge::auth::challenge::ResourceInfo;
use mcp_edge::auth::oauth::OAuthSettings;
use mcp_edge::auth::resource::{self, ResourcePath};
use mcp_edge::auth::{api_key, authenticate, AuthMethod, AuthSettings, Principal, Refusal};
use mcp_edge::config::Config;

/// This request's OAuth resource: what its metadata and challenges name, and the
/// audiences tokens may carry. Empty when OAuth is off.
pub struct Site {
    pub url: String,
    pub metadata_url: String,
    pub authorization_servers: Vec<String>,
    audiences: Vec<String>,
}

impl Site {
    /// The RFC 9728 view for responses and challenges.
    pub fn info<'a>(
        &'a self,
        config: &Config,
        scopes: &'a dyn Fn() -> Vec<String>,
    ) -> ResourceInfo<'a> {
        ResourceInfo {
            resource: &self.url,
            metadata_url: &self.metadata_url,
            authorization_servers: &self.authorization_servers,
            scopes_supported: scopes,
            oauth: config.auth.has(AuthMethod::OAuth),
        }
    }
}

/// The OAuth resource of a request on `path`, or, when OAuth is on but a setting it needs
/// is missing, why it cannot be served (the caller answers 503 and logs it: never a
/// resource guessed from the client's Host). `host` only fills the metadata of
/// deployments without OAuth, which nothing is checked against.
pub fn site(config: &Config, host: &str, path: ResourcePath) -> Result<Site, &'static str> {
    let resources = if config.auth.has(AuthMethod::OAuth) {
        resource::resources(config)?
    } else {
        resource::informational(config, host)
    };
    Ok(Site {
        url: resources.resource(path),
        metadata_url: resources.metadata_url(path),
        audiences: resources.audiences(),
        authorization_servers: resources.authorization_servers,
    })
}

/// The warning logged when API keys are required and none is stored.
const NO_API_KEYS: &str =
    "no client API keys: Secret Store mcp_secrets has no api_keys (README: Deploying)";

/// Who sent `authorization` (the Authorization header), or why the request is refused.
pub fn principal(
    config: &Config,
    site: &Site,
    authorization: Option<&str>,
    log: &mut RequestLog,
) -> Result<Principal, Refusal> {
    let methods = &config.auth.methods;
    let api_keys = methods
        .contains(&AuthMethod::ApiKey)
        .then(|| {
            super::secrets::get(mcp_edge::secret_keys::API_KEYS)
                .and_then(|k| String::from_utf8(k).ok())
        })
        .flatten()
        .map(|json| {
            let (entries, warning) = api_key::load(&json);
            if let Some(warning) = warning {
                log.warn(warning);
            }
            entries
        });
    if api_keys.is_none() && methods.contains(&AuthMethod::ApiKey) {
        log.warn(NO_API_KEYS);
    }
    let oauth = methods.contains(&AuthMethod::OAuth).then(|| OAuthSettings {
        issuer: &config.auth.oauth.issuer,
        audiences: &site.audiences,
        jwks: &config.auth.oauth.jwks,
    });
    let settings = AuthSettings {
        methods,
        api_keys: api_keys.as_deref(),
        oauth,
    };
    authenticate(authorization, &settings)
}
