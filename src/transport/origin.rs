//! Host and Origin allowlists (DNS rebinding and cross-site protection) and the CORS
//! headers browser-based clients need.

use crate::config::{Config, HostPattern, Mode};
use http::header::{HeaderMap, HeaderName, HeaderValue};

/// Hosts a local deployment always answers for, on any port.
const LOOPBACK: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

/// Headers a browser client may send (preflight Access-Control-Allow-Headers).
const ALLOW_HEADERS: &str =
    "Content-Type, Accept, Authorization, MCP-Protocol-Version, Mcp-Session-Id, Last-Event-ID";
/// Headers a browser client may read: the session, the version, a 401's or 403's
/// challenge, a 429's wait.
const EXPOSE_HEADERS: &str = "Mcp-Session-Id, MCP-Protocol-Version, WWW-Authenticate, Retry-After";
const ALLOW_METHODS: &str = "GET, POST, DELETE, OPTIONS";

/// Checks Host and Origin. `Ok(Some(origin))` means a cross-origin browser request that
/// may receive CORS headers; `Ok(None)` a request with no Origin.
pub fn check(
    config: &Config,
    host: Option<&str>,
    origin: Option<&str>,
) -> Result<Option<String>, &'static str> {
    let host = host.map(|h| h.trim().to_ascii_lowercase());
    if !host_allowed(config, host.as_deref()) {
        return Err("Forbidden: this Host is not served here");
    }
    let Some(origin) = origin else {
        return Ok(None);
    };
    allowed_origin(config, host.as_deref(), origin)
        .map(Some)
        .ok_or("Forbidden: this Origin is not allowed")
}

/// The Origin to reflect in CORS headers when it is allowed, whatever the Host: for
/// Fanout's callback on `/sse`, whose Grip-Sig (not its Host) proves where it came from.
pub fn reflect(config: &Config, host: &str, origin: Option<&str>) -> Option<String> {
    let host = host.trim().to_ascii_lowercase();
    allowed_origin(config, Some(host.as_str()), origin?)
}

/// Same-origin, listed, or loopback in local mode.
fn allowed_origin(config: &Config, host: Option<&str>, origin: &str) -> Option<String> {
    let origin = origin.trim().to_ascii_lowercase();
    let authority = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    let same_origin = authority.is_some() && authority == host;
    let listed = config
        .access
        .allowed_origins
        .iter()
        .any(|allowed| allowed.matches(&origin));
    let local = config.mode == Mode::Local && authority.is_some_and(is_loopback);
    (same_origin || listed || local).then_some(origin)
}

fn host_allowed(config: &Config, host: Option<&str>) -> bool {
    let Some(host) = host.filter(|h| !h.is_empty()) else {
        // HTTP/1.1 requires Host; Fastly always sets it. Without one, only an open
        // production configuration can answer.
        return config.mode == Mode::Production && config.access.allowed_hosts.is_empty();
    };
    if config.mode == Mode::Local && is_loopback(host) {
        return true;
    }
    if config.mode == Mode::Production && config.access.allowed_hosts.is_empty() {
        return true;
    }
    let name = strip_port(host);
    config
        .access
        .allowed_hosts
        .iter()
        .any(|allowed| match allowed {
            HostPattern::Subdomains(suffix) => name
                .strip_suffix(suffix.as_str())
                .is_some_and(|label| label.len() > 1 && label.ends_with('.')),
            HostPattern::NameAndPort(allowed) => allowed == host,
            HostPattern::Name(allowed) => allowed == name,
        })
}

/// `host[:port]` without the port; IPv6 literals keep their brackets.
fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host.split_inclusive(']').next().unwrap_or(host);
    }
    host.split(':').next().unwrap_or(host)
}

fn is_loopback(authority: &str) -> bool {
    LOOPBACK.contains(&strip_port(authority))
}

/// CORS headers for a response to an allowed cross-origin request, whatever its status.
pub fn cors_headers(headers: &mut HeaderMap, origin: &str) {
    if let Ok(value) = HeaderValue::from_str(origin) {
        headers.insert(http::header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        headers.insert(http::header::VARY, HeaderValue::from_static("Origin"));
        headers.insert(
            http::header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSE_HEADERS),
        );
    }
}

/// The extra headers of a successful preflight.
pub fn preflight_headers(headers: &mut HeaderMap) {
    let pairs: [(HeaderName, &'static str); 3] = [
        (http::header::ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS),
        (http::header::ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS),
        (http::header::ACCESS_CONTROL_MAX_AGE, "86400"),
    ];
    for (name, value) in pairs {
        headers.insert(name, HeaderValue::from_static(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(mode: Mode, hosts: &[&str], origins: &[&str]) -> Config {
        let lookup = |key: &str| match key {
            "allowed_hosts" => Some(hosts.join(",")),
            "allowed_origins" => Some(origins.join(",")),
            _ => None,
        };
        Config {
            mode,
            ..Config::from_lookup(lookup)
        }
    }

    #[test]
    fn local_mode_trusts_loopback_only() {
        let c = config(Mode::Local, &[], &[]);
        assert!(check(&c, Some("localhost:7676"), None).is_ok());
        assert!(check(&c, Some("127.0.0.1:7676"), None).is_ok());
        assert!(check(&c, Some("[::1]:7676"), None).is_ok());
        assert!(check(&c, Some("evil.example.com"), None).is_err());
        assert!(check(&c, Some("localhost.evil.example.com"), None).is_err());
        assert!(check(&c, Some("localhost:7676"), Some("http://evil.example.com")).is_err());
        assert_eq!(
            check(&c, Some("localhost:7676"), Some("http://localhost:6274")),
            Ok(Some("http://localhost:6274".into()))
        );
        assert!(check(&c, None, None).is_err());
    }

    #[test]
    fn production_hosts_follow_the_allowlist() {
        let open = config(Mode::Production, &[], &[]);
        assert!(check(&open, Some("anything.example"), None).is_ok());
        let c = config(
            Mode::Production,
            &[
                "mcp.example.com",
                "*.edgecompute.app",
                "api.example.com:8443",
            ],
            &[],
        );
        assert!(check(&c, Some("mcp.example.com"), None).is_ok());
        assert!(check(&c, Some("mcp.example.com:443"), None).is_ok());
        assert!(check(&c, Some("svc.edgecompute.app"), None).is_ok());
        assert!(check(&c, Some("edgecompute.app"), None).is_err());
        assert!(check(&c, Some("evil-edgecompute.app"), None).is_err());
        assert!(check(&c, Some("api.example.com:8443"), None).is_ok());
        assert!(check(&c, Some("api.example.com"), None).is_err());
        assert!(check(&c, Some("localhost"), None).is_err());
        assert!(check(&c, None, None).is_err());
    }

    #[test]
    fn production_origins_are_same_origin_or_listed() {
        let c = config(Mode::Production, &[], &["https://app.example.com"]);
        let host = Some("mcp.example.com");
        assert!(check(&c, host, Some("https://mcp.example.com")).is_ok());
        assert!(check(&c, host, Some("https://app.example.com")).is_ok());
        assert!(check(&c, host, Some("http://localhost:6274")).is_err());
        assert!(check(&c, host, Some("null")).is_err());
    }

    #[test]
    fn reflect_ignores_the_host_but_not_the_origin() {
        let c = config(
            Mode::Production,
            &["mcp.example.com"],
            &["https://app.example.com"],
        );
        // Fanout's callback may arrive under another Host: a listed Origin is still
        // reflected, an unlisted one never.
        let listed = Some("https://app.example.com");
        assert!(check(&c, Some("origin.internal"), listed).is_err());
        assert_eq!(
            reflect(&c, "origin.internal", listed),
            Some("https://app.example.com".into())
        );
        assert_eq!(
            reflect(&c, "origin.internal", Some("https://evil.example")),
            None
        );
        assert_eq!(reflect(&c, "origin.internal", None), None);
        assert_eq!(
            reflect(&c, "MCP.example.com", Some("https://mcp.example.com")),
            Some("https://mcp.example.com".into())
        );
    }

    #[test]
    fn cors_headers_expose_the_challenge_the_session_and_the_wait() {
        let mut headers = HeaderMap::new();
        cors_headers(&mut headers, "http://app.test:8080");
        assert_eq!(
            headers["access-control-allow-origin"],
            "http://app.test:8080"
        );
        assert_eq!(headers["vary"], "Origin");
        let exposed = headers["access-control-expose-headers"].to_str().unwrap();
        for name in [
            "WWW-Authenticate",
            "Mcp-Session-Id",
            "MCP-Protocol-Version",
            "Retry-After",
        ] {
            assert!(exposed.contains(name), "{name} not in {exposed}");
        }
    }
}
