//! Who is calling. Configuration picks the methods (`auth`): API keys (hashes in the
//! Secret Store), OAuth 2.1 bearer JWTs (keys in the Config Store), or `none`, which only
//! local mode accepts. The result is a principal whose grants decide which tool sets it
//! may use; the client's credential is never forwarded to backend `api`.

pub mod address;
pub mod api_key;
pub mod challenge;
pub mod oauth;
pub mod resource;

use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    ApiKey,
    OAuth,
    /// No client authentication: local mode only.
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    ApiKey,
    OAuth,
    /// Local mode without authentication: everything configured is allowed.
    Local,
    /// No credentials (CORS preflights): no grants.
    Anonymous,
}

/// Use of one tool set; `write` also allows its data-changing tools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub tool_set: String,
    pub write: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub kind: PrincipalKind,
    /// The key's name or the token's subject (its client when it has none): what logs
    /// show, never a secret.
    pub name: String,
    /// What tells this principal apart from every other, hashed into `id()`: the key's
    /// name (unique: `api_keys` entries sharing a name are refused), or the token's
    /// issuer, subject and client as a JSON array (so no two kinds of value can meet).
    pub identity: String,
    /// What it may use (for OAuth, derived from the token's scopes).
    pub grants: Vec<Grant>,
    /// The OAuth token's scopes, in its order (valid RFC 6749 scope tokens only); empty
    /// for other kinds. A step-up challenge names them all, plus the one needed.
    pub scopes: Vec<String>,
}

impl Principal {
    pub fn local() -> Principal {
        Principal {
            kind: PrincipalKind::Local,
            name: "local".into(),
            identity: "local".into(),
            grants: Vec::new(),
            scopes: Vec::new(),
        }
    }

    /// A caller with no grants (CORS preflights, which carry no credentials).
    pub fn nobody() -> Principal {
        Principal {
            kind: PrincipalKind::Anonymous,
            name: "anonymous".into(),
            identity: String::new(),
            grants: Vec::new(),
            scopes: Vec::new(),
        }
    }

    pub fn may_use(&self, tool_set: &str, write: bool) -> bool {
        self.kind == PrincipalKind::Local
            || self
                .grants
                .iter()
                .any(|g| g.tool_set == tool_set && (g.write || !write))
    }

    /// A stable, non-secret identifier (32 hex chars) that binds sessions to the
    /// principal that opened them.
    pub fn id(&self) -> String {
        let kind = match self.kind {
            PrincipalKind::ApiKey => "key",
            PrincipalKind::OAuth => "oauth",
            PrincipalKind::Local => "local",
            PrincipalKind::Anonymous => "anonymous",
        };
        let digest = Sha256::new()
            .chain_update(kind)
            .chain_update(":")
            .chain_update(&self.identity)
            .finalize();
        crate::hex::encode(digest.get(..16).unwrap_or_default())
    }
}

/// What authentication needs for one request.
pub struct AuthSettings<'a> {
    pub methods: &'a [AuthMethod],
    /// The `api_keys` secret's usable entries (`api_key::load`), when API keys are enabled.
    pub api_keys: Option<&'a [api_key::KeyEntry]>,
    pub oauth: Option<oauth::OAuthSettings<'a>>,
}

/// Why a request is refused: the status and what WWW-Authenticate says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    /// RFC 6750 error code (`invalid_token`, `insufficient_scope`), absent when no
    /// credentials were sent.
    pub error: Option<&'static str>,
    pub description: String,
    /// The scopes a step-up needs (`insufficient_scope`), space-separated; a 401 names
    /// the resource's `scopes_supported` instead.
    pub scope: Option<String>,
}

impl Refusal {
    pub fn unauthorized(error: Option<&'static str>, description: &str) -> Refusal {
        Refusal {
            status: 401,
            error,
            description: description.to_string(),
            scope: None,
        }
    }
}

/// The principal behind `authorization` (the Authorization header), or why not.
pub fn authenticate(
    authorization: Option<&str>,
    settings: &AuthSettings,
) -> Result<Principal, Refusal> {
    if settings.methods.contains(&AuthMethod::None) {
        return Ok(Principal::local());
    }
    let Some(token) = authorization.and_then(bearer) else {
        return Err(Refusal::unauthorized(
            None,
            "authentication required: send Authorization: Bearer <token>",
        ));
    };
    let looks_like_jwt = token.split('.').count() == 3;
    if looks_like_jwt {
        if let Some(oauth) = settings
            .oauth
            .as_ref()
            .filter(|_| settings.methods.contains(&AuthMethod::OAuth))
        {
            return oauth::authenticate(token, oauth)
                .map_err(|why| Refusal::unauthorized(Some("invalid_token"), why));
        }
    }
    if settings.methods.contains(&AuthMethod::ApiKey) {
        if let Some(principal) = settings
            .api_keys
            .and_then(|keys| api_key::authenticate(token, keys))
        {
            return Ok(principal);
        }
    }
    Err(Refusal::unauthorized(
        Some("invalid_token"),
        "unknown or invalid credentials",
    ))
}

/// The token of `Bearer <token>` (scheme case-insensitive).
fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer")
        && !token.is_empty()
        && !token.contains(char::is_whitespace))
    .then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Vec<api_key::KeyEntry> {
        let json = serde_json::json!([{ "name": "ci", "sha256": api_key::hash_key("good-key"), "tool_sets": ["fastly"] }]).to_string();
        api_key::load(&json).0
    }

    #[test]
    fn none_only_when_configured() {
        let settings = AuthSettings {
            methods: &[AuthMethod::None],
            api_keys: None,
            oauth: None,
        };
        assert_eq!(
            authenticate(None, &settings).unwrap().kind,
            PrincipalKind::Local
        );
    }

    #[test]
    fn api_keys_by_bearer() {
        let keys = keys();
        let settings = AuthSettings {
            methods: &[AuthMethod::ApiKey],
            api_keys: Some(&keys),
            oauth: None,
        };
        assert_eq!(
            authenticate(Some("Bearer good-key"), &settings)
                .unwrap()
                .name,
            "ci"
        );
        assert_eq!(
            authenticate(Some("bearer good-key"), &settings)
                .unwrap()
                .name,
            "ci"
        );
        let missing = authenticate(None, &settings).unwrap_err();
        assert_eq!((missing.status, missing.error), (401, None));
        for bad in [
            "Bearer bad-key",
            "Basic Z29vZC1rZXk=",
            "Bearer",
            "Bearer good-key extra",
            "good-key",
        ] {
            let refused = authenticate(Some(bad), &settings).unwrap_err();
            assert_eq!(refused.status, 401, "{bad}");
            assert!(!refused.description.contains("good-key"));
        }
    }

    #[test]
    fn grants_and_ids() {
        let local = Principal::local();
        assert!(local.may_use("anything", true));
        let p = Principal {
            kind: PrincipalKind::ApiKey,
            name: "ci".into(),
            identity: "ci".into(),
            grants: vec![Grant {
                tool_set: "fastly".into(),
                write: false,
            }],
            scopes: Vec::new(),
        };
        assert!(
            p.may_use("fastly", false)
                && !p.may_use("fastly", true)
                && !p.may_use("backoffice", false)
        );
        assert_eq!(p.id().len(), 32);
        assert_ne!(
            p.id(),
            Principal {
                kind: PrincipalKind::OAuth,
                ..p.clone()
            }
            .id()
        );
        // A key named like the principal of credential-less preflights is not it.
        let named_anonymous = Principal {
            name: "anonymous".into(),
            identity: "anonymous".into(),
            ..p.clone()
        };
        assert_ne!(named_anonymous.id(), Principal::nobody().id());
    }
}
