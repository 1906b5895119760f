//! Where this server lives as an OAuth protected resource (RFC 9728, RFC 8707).
//!
//! Clients may be configured with any of the three MCP URLs: `/mcp` (Streamable HTTP),
//! the bare `/` (the same transport, Fastly's walkthrough uses it) and `/sse` (legacy
//! HTTP+SSE, whose POSTs go to `/messages`). RFC 9728 section 3.3 wants the metadata's
//! `resource` to be identical to the URL the client asked about, and the TS SDK's
//! `auth()` refuses a `resource` whose path is not a prefix of the server URL it was
//! given. So each URL has its own resource identifier and its own metadata document
//! (path-inserted well-known URLs):
//!
//! | endpoint | `resource` | metadata |
//! |---|---|---|
//! | `/` | `BASE` | `BASE/.well-known/oauth-protected-resource` |
//! | `/mcp` | `BASE/mcp` | `BASE/.well-known/oauth-protected-resource/mcp` |
//! | `/sse`, `/messages` | `BASE/sse` | `BASE/.well-known/oauth-protected-resource/sse` |
//!
//! `BASE` is the origin in `oauth_resource_base` (else the origin of a URL-shaped
//! `oauth_audience`), never the request's `Host` (a client chooses that header). Without
//! an issuer or a base OAuth is not served (503), in local mode too. A token is accepted when its audience is any of the three
//! identifiers: they name one server with one set of tools and scopes, and a client that
//! learnt the origin's metadata may well use `/mcp`. `oauth_audience` overrides all this
//! with one fixed identifier (every document advertises it, tokens must carry it).

use crate::config::{Config, Mode};

/// Which of the server's resource identifiers a request or metadata document is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourcePath {
    /// The bare service URL `/`.
    Root,
    /// `/mcp` (Streamable HTTP).
    Mcp,
    /// `/sse` and its `/messages` (legacy HTTP+SSE).
    Sse,
}

impl ResourcePath {
    pub const ALL: [ResourcePath; 3] = [ResourcePath::Root, ResourcePath::Mcp, ResourcePath::Sse];

    /// The path appended to the base (and inserted after the well-known prefix).
    pub fn suffix(self) -> &'static str {
        match self {
            ResourcePath::Root => "",
            ResourcePath::Mcp => "/mcp",
            ResourcePath::Sse => "/sse",
        }
    }
}

/// The well-known prefix of RFC 9728 metadata.
pub const WELL_KNOWN: &str = "/.well-known/oauth-protected-resource";

/// Why OAuth cannot be served: the deployment lacks a setting. Fixed texts, so they can
/// go to the request's log line as warnings.
pub const NO_ISSUER: &str =
    "OAuth not served: oauth_issuer is not configured (README: Configuration)";
pub const NO_BASE: &str = "OAuth not served: oauth_resource_base (or oauth_audience) is not configured (README: Configuration)";
pub const BAD_BASE: &str =
    "OAuth not served: oauth_resource_base must be an origin such as https://mcp.example.com";

/// This deployment's resource identifiers and metadata locations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resources {
    /// The origin (`scheme://host[:port]`, no trailing slash) the URLs are built from.
    base: String,
    /// `oauth_audience`: one identifier for every endpoint.
    fixed: Option<String>,
    pub authorization_servers: Vec<String>,
}

impl Resources {
    /// What the metadata for `path` names as `resource`, and what a client asks tokens for.
    pub fn resource(&self, path: ResourcePath) -> String {
        match &self.fixed {
            Some(fixed) => fixed.clone(),
            None => format!("{}{}", self.base, path.suffix()),
        }
    }

    /// Where the metadata for `path` is (`resource_metadata` in WWW-Authenticate).
    pub fn metadata_url(&self, path: ResourcePath) -> String {
        format!("{}{WELL_KNOWN}{}", self.base, path.suffix())
    }

    /// The audiences a token may carry: every endpoint's identifier (the origin also with
    /// a trailing slash, how `https://host/` is often written), or the fixed one.
    pub fn audiences(&self) -> Vec<String> {
        match &self.fixed {
            Some(fixed) => vec![fixed.clone()],
            None => {
                let mut all: Vec<String> = ResourcePath::ALL
                    .iter()
                    .map(|p| self.resource(*p))
                    .collect();
                all.push(format!("{}/", self.base));
                all
            }
        }
    }
}

/// The resources of this deployment, or why OAuth cannot be served. Never taken from
/// the request: a client chooses its `Host` header (and behind Fanout, even locally, the
/// stream's request comes back with another one). Not called when OAuth is off.
pub fn resources(config: &Config) -> Result<Resources, &'static str> {
    if config.auth.oauth.issuer.is_empty() {
        return Err(NO_ISSUER);
    }
    let fixed = Some(config.auth.oauth.audience.clone()).filter(|a| !a.is_empty());
    let base = if !config.auth.oauth.resource_base.is_empty() {
        origin(&config.auth.oauth.resource_base).ok_or(BAD_BASE)?
    } else if let Some(from_audience) = fixed.as_deref().and_then(origin_of) {
        from_audience
    } else {
        return Err(NO_BASE);
    };
    let authorization_servers = if config.auth.oauth.authorization_servers.is_empty() {
        vec![config.auth.oauth.issuer.clone()]
    } else {
        config.auth.oauth.authorization_servers.clone()
    };
    Ok(Resources {
        base,
        fixed,
        authorization_servers,
    })
}

/// What the metadata says when OAuth is off (API keys only): it still answers (the deploy
/// status check and smoke test read it), naming the request's host, and no authorization
/// server; no token is ever checked against it.
pub fn informational(config: &Config, host: &str) -> Resources {
    let scheme = match config.mode {
        Mode::Local => "http",
        Mode::Production => "https",
    };
    let base = if is_host(host) {
        format!("{scheme}://{}", host.to_ascii_lowercase())
    } else {
        String::new()
    };
    Resources {
        base,
        fixed: None,
        authorization_servers: Vec::new(),
    }
}

/// `value` as an origin without trailing slash, when it is exactly `http(s)://authority`
/// (a trailing `/` allowed).
fn origin(value: &str) -> Option<String> {
    let origin = origin_of(value)?;
    let rest = &value[origin.len()..];
    (rest.is_empty() || rest == "/").then_some(origin)
}

/// The origin at the start of an http(s) URL.
fn origin_of(url: &str) -> Option<String> {
    let scheme_end = if url.starts_with("https://") {
        8
    } else if url.starts_with("http://") {
        7
    } else {
        return None;
    };
    let authority_end = url[scheme_end..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| scheme_end + i);
    is_host(&url[scheme_end..authority_end]).then(|| url[..authority_end].to_ascii_lowercase())
}

/// A host name or address with an optional port: nothing that could break out of a
/// quoted header parameter or a URL.
fn is_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::AuthMethod;

    fn config(mode: Mode, pairs: &[(&str, &str)]) -> Config {
        let mut c = Config {
            mode,
            ..Config::default()
        };
        c.auth.methods = vec![AuthMethod::OAuth];
        c.auth.oauth.issuer = "https://auth.example.com".into();
        for (key, value) in pairs {
            let value = value.to_string();
            match *key {
                "oauth_issuer" => c.auth.oauth.issuer = value,
                "oauth_audience" => c.auth.oauth.audience = value,
                "oauth_resource_base" => c.auth.oauth.resource_base = value,
                _ => panic!("{key}"),
            }
        }
        c
    }

    #[test]
    fn each_endpoint_has_its_own_resource_and_metadata() {
        let c = config(
            Mode::Production,
            &[("oauth_resource_base", "https://MCP.example.com/")],
        );
        let r = resources(&c).unwrap();
        let expected = [
            (ResourcePath::Root, "https://mcp.example.com", ""),
            (ResourcePath::Mcp, "https://mcp.example.com/mcp", "/mcp"),
            (ResourcePath::Sse, "https://mcp.example.com/sse", "/sse"),
        ];
        for (path, resource, suffix) in expected {
            assert_eq!(r.resource(path), resource);
            assert_eq!(
                r.metadata_url(path),
                format!("https://mcp.example.com/.well-known/oauth-protected-resource{suffix}")
            );
        }
        assert_eq!(
            r.audiences(),
            [
                "https://mcp.example.com",
                "https://mcp.example.com/mcp",
                "https://mcp.example.com/sse",
                "https://mcp.example.com/"
            ]
        );
        assert_eq!(r.authorization_servers, ["https://auth.example.com"]);
    }

    #[test]
    fn oauth_is_never_served_on_a_guess() {
        for mode in [Mode::Production, Mode::Local] {
            assert_eq!(resources(&config(mode, &[])), Err(NO_BASE));
        }
        let no_issuer = config(
            Mode::Production,
            &[
                ("oauth_resource_base", "https://mcp.example.com"),
                ("oauth_issuer", ""),
            ],
        );
        assert_eq!(resources(&no_issuer), Err(NO_ISSUER));
        let local_no_issuer = config(Mode::Local, &[("oauth_issuer", "")]);
        assert_eq!(resources(&local_no_issuer), Err(NO_ISSUER));
        for bad in [
            "mcp.example.com",
            "https://mcp.example.com/mcp",
            "https://mcp.example.com?x",
            "https://",
            "https://a\"b",
            "ftp://mcp.example.com",
        ] {
            let c = config(Mode::Production, &[("oauth_resource_base", bad)]);
            assert_eq!(resources(&c), Err(BAD_BASE), "{bad}");
        }
    }

    #[test]
    fn local_mode_takes_the_configured_base_too() {
        let c = config(
            Mode::Local,
            &[("oauth_resource_base", "http://127.0.0.1:7676")],
        );
        let r = resources(&c).unwrap();
        assert_eq!(r.resource(ResourcePath::Sse), "http://127.0.0.1:7676/sse");
        assert_eq!(
            r.metadata_url(ResourcePath::Mcp),
            "http://127.0.0.1:7676/.well-known/oauth-protected-resource/mcp"
        );
    }

    #[test]
    fn without_oauth_the_metadata_only_informs() {
        let c = Config::default();
        let r = informational(&c, "mcp.example.com");
        assert_eq!(r.resource(ResourcePath::Mcp), "https://mcp.example.com/mcp");
        assert!(r.authorization_servers.is_empty());
        assert_eq!(informational(&c, "a\"b").resource(ResourcePath::Root), "");
    }

    #[test]
    fn oauth_audience_overrides_every_identifier() {
        let c = config(
            Mode::Production,
            &[("oauth_audience", "https://mcp.example.com/mcp")],
        );
        let r = resources(&c).unwrap();
        for path in ResourcePath::ALL {
            assert_eq!(r.resource(path), "https://mcp.example.com/mcp");
        }
        assert_eq!(
            r.metadata_url(ResourcePath::Sse),
            "https://mcp.example.com/.well-known/oauth-protected-resource/sse"
        );
        assert_eq!(r.audiences(), ["https://mcp.example.com/mcp"]);
        // An identifier that is not a URL needs the base for the metadata URLs.
        let urn = config(Mode::Production, &[("oauth_audience", "api://mcp")]);
        assert_eq!(resources(&urn), Err(NO_BASE));
        let both = config(
            Mode::Production,
            &[
                ("oauth_audience", "api://mcp"),
                ("oauth_resource_base", "https://mcp.example.com"),
            ],
        );
        let r = resources(&both).unwrap();
        assert_eq!(r.resource(ResourcePath::Root), "api://mcp");
        assert_eq!(
            r.metadata_url(ResourcePath::Root),
            "https://mcp.example.com/.well-known/oauth-protected-resource"
        );
    }
}
