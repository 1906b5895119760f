//! Deployment settings, read from a key/value source (the Config Store `mcp_config` at
//! the edge, a map in tests). Unknown or malformed values fall back to safe defaults so a
//! typo never takes the service down; the defaults are the production ones.

pub use crate::auth::AuthMethod;
pub use crate::jsonrpc::Limits;

/// How much the service trusts its surroundings. Local mode (only on a local runtime)
/// trusts loopback hosts and origins (the local stack and the MCP Inspector on
/// localhost); production trusts only what is configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Production,
    Local,
}

/// How Grip-Sig (Fanout's proof on the requests it sends back) is verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GripSig {
    /// ES256 with Fastly Fanout's public key, issuer `fastly:<service id>`.
    Fanout,
    /// HS256 with the Secret Store key `grip_key` (the local Pushpin's `sig_key`).
    SharedKey,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub mode: Mode,
    /// The conformance profile: exposes the fixtures the official conformance suite
    /// expects. Off unless configured.
    pub conformance: bool,
    /// The diagnostics tool set (payloads for checking transports end to end).
    pub diagnostics: bool,
    /// Declarative HTTP tool sets to offer (`fastly`, `backoffice`).
    pub tool_sets: Vec<String>,
    /// Tool sets whose tools that change data are enabled; others refuse to run them.
    pub allow_writes: Vec<String>,
    /// Synthetic tools registered for benchmarks (how tools/list scales); 0 = none.
    pub bench_tools: usize,
    /// How clients authenticate. `none` is honoured in local mode only; production
    /// defaults to API keys.
    pub auth: Vec<AuthMethod>,
    /// OAuth: the authorization server's issuer (`iss`).
    pub oauth_issuer: String,
    /// OAuth: one fixed resource identifier (`aud`) for every endpoint, overriding the
    /// per-endpoint ones derived from `oauth_resource_base` (see `auth::resource`).
    pub oauth_audience: String,
    /// OAuth: this server's origin (`https://mcp.example.com`); each endpoint's resource
    /// identifier is it plus the endpoint's path. Required in production (unless
    /// `oauth_audience` is a URL); local mode derives it from the request's host.
    pub oauth_resource_base: String,
    /// OAuth: authorization servers advertised in the RFC 9728 metadata (default: issuer).
    pub oauth_authorization_servers: Vec<String>,
    /// OAuth: the authorization server's JWKS (JSON); read only when `auth` has `oauth`.
    pub oauth_jwks: String,
    /// Average requests per second per principal over a minute before 429 (Fastly edge
    /// rate limiting); 0 = off.
    pub rate_limit_rps: u32,
    /// Hosts (`name` or `name:port`, `*.suffix` wildcards) this service answers for. Empty
    /// in production means "any host Fastly routed here": Fastly only routes domains
    /// attached to the service, so DNS rebinding cannot reach it under a foreign name.
    pub allowed_hosts: Vec<String>,
    /// Browser origins (`scheme://host[:port]`) allowed to call; requests without Origin
    /// (non-browser clients) and same-origin requests are always allowed.
    pub allowed_origins: Vec<String>,
    /// Largest request body accepted (413 above it).
    pub max_body_bytes: usize,
    /// Bounds on a body's JSON: nesting, string and array sizes, batch length.
    pub limits: Limits,
    /// Items per page in the list methods.
    pub page_size: usize,
    /// How long an issued session id stays valid.
    pub session_ttl_seconds: u64,
    /// Grip-Sig verification: Fanout in production, the shared key in local mode unless
    /// configured otherwise.
    pub grip_sig: GripSig,
    /// The issuer a shared-key Grip-Sig must name (the local Pushpin's `sig_iss`).
    pub grip_issuer: String,
    /// Interval of the keep-alive comments Fanout sends on idle legacy SSE streams
    /// (at most 20 s: clients and proxies cut idle streams).
    pub sse_keepalive_seconds: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            mode: Mode::Production,
            conformance: false,
            diagnostics: false,
            tool_sets: vec!["fastly".into()],
            allow_writes: Vec::new(),
            bench_tools: 0,
            auth: vec![AuthMethod::ApiKey],
            oauth_issuer: String::new(),
            oauth_audience: String::new(),
            oauth_resource_base: String::new(),
            oauth_authorization_servers: Vec::new(),
            oauth_jwks: String::new(),
            rate_limit_rps: 20,
            allowed_hosts: Vec::new(),
            allowed_origins: Vec::new(),
            max_body_bytes: 1024 * 1024,
            limits: Limits::default(),
            page_size: 50,
            session_ttl_seconds: 24 * 3600,
            grip_sig: GripSig::Fanout,
            grip_issuer: "pushpin".into(),
            sse_keepalive_seconds: 20,
        }
    }
}

impl Config {
    /// Reads every setting through `get` (one lookup per key), as on a local runtime.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Config {
        Config::from_lookup_for(get, true, Runtime::Local).0
    }

    /// Reads the settings a request can use, one lookup per key: the OAuth settings only
    /// when `auth` includes oauth, the legacy SSE ones only for `legacy_sse` routes;
    /// the others keep their defaults. Lookups are hostcalls each request pays for (in
    /// Viceroy ~4 us each, most of them for keys left unset), so unused ones are skipped.
    ///
    /// `mode = local` is honoured only on a local runtime: on Fastly's network it would
    /// turn client authentication off, so there it is ignored and reported in the
    /// returned warnings (which the request's log line carries).
    pub fn from_lookup_for(
        get: impl Fn(&str) -> Option<String>,
        legacy_sse: bool,
        runtime: Runtime,
    ) -> (Config, Vec<&'static str>) {
        let defaults = Config::default();
        let mut warnings = Vec::new();
        let mode = match (get("mode").as_deref().map(str::trim), runtime) {
            (Some("local"), Runtime::Local) => Mode::Local,
            (Some("local"), Runtime::Fastly) => {
                warnings.push(MODE_LOCAL_IGNORED);
                Mode::Production
            }
            _ => Mode::Production,
        };
        let auth = auth_methods(get("auth"), mode);
        let oauth = auth.contains(&AuthMethod::OAuth);
        let oauth_get = |key: &str| if oauth { get(key) } else { None };
        let legacy_get = |key: &str| if legacy_sse { get(key) } else { None };
        let config = Config {
            mode,
            conformance: get("conformance").is_some_and(|v| is_on(&v)),
            diagnostics: get("diagnostics").is_some_and(|v| is_on(&v)),
            tool_sets: get("tool_sets").map_or(defaults.tool_sets, |v| list(Some(v))),
            allow_writes: list(get("allow_writes")),
            bench_tools: number(get("bench_tools"), 0, 0).min(5000),
            auth,
            oauth_jwks: oauth_get("oauth_jwks").unwrap_or_default(),
            oauth_issuer: oauth_get("oauth_issuer")
                .map(|v| v.trim().to_string())
                .unwrap_or_default(),
            oauth_audience: oauth_get("oauth_audience")
                .map(|v| v.trim().to_string())
                .unwrap_or_default(),
            oauth_resource_base: oauth_get("oauth_resource_base")
                .map(|v| v.trim().to_string())
                .unwrap_or_default(),
            oauth_authorization_servers: oauth_get("oauth_authorization_servers")
                .map(|v| {
                    v.split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            rate_limit_rps: number(get("rate_limit_rps"), 20, 0).min(100_000) as u32,
            allowed_hosts: list(get("allowed_hosts")),
            allowed_origins: list(get("allowed_origins")),
            max_body_bytes: number(get("max_body_bytes"), defaults.max_body_bytes, 1024),
            limits: Limits {
                depth: number(get("max_json_depth"), defaults.limits.depth, 4).min(64),
                string_bytes: number(get("max_string_bytes"), defaults.limits.string_bytes, 256),
                array_items: number(get("max_array_items"), defaults.limits.array_items, 16),
                batch: number(get("max_batch"), defaults.limits.batch, 1),
            },
            page_size: number(get("page_size"), defaults.page_size, 1),
            session_ttl_seconds: number(get("session_ttl_seconds"), 24 * 3600, 10) as u64,
            grip_sig: match (legacy_get("grip_sig").as_deref().map(str::trim), mode) {
                (Some("fanout"), _) => GripSig::Fanout,
                (Some("shared-key"), _) | (None, Mode::Local) => GripSig::SharedKey,
                _ => GripSig::Fanout,
            },
            grip_issuer: legacy_get("grip_issuer")
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .unwrap_or(defaults.grip_issuer),
            sse_keepalive_seconds: number(legacy_get("sse_keepalive_seconds"), 20, 1).min(20)
                as u64,
        };
        (config, warnings)
    }
}

/// Where the service runs: Viceroy (`fastly compute serve`, the local stack) or Fastly's
/// network. Only the edge adapter can tell (Viceroy sets `FASTLY_HOSTNAME=localhost`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runtime {
    Local,
    Fastly,
}

/// The warning logged when `mode = local` is set on Fastly's network.
pub const MODE_LOCAL_IGNORED: &str =
    "mode=local ignored: not running locally (client authentication stays on)";

/// `none` only counts in local mode; production never runs without client
/// authentication, whatever the store says (it falls back to API keys).
fn auth_methods(value: Option<String>, mode: Mode) -> Vec<AuthMethod> {
    let default = match mode {
        Mode::Local => "none",
        Mode::Production => "api_key",
    };
    let mut methods: Vec<AuthMethod> = list(value.or(Some(default.to_string())))
        .iter()
        .filter_map(|m| match m.as_str() {
            "api_key" => Some(AuthMethod::ApiKey),
            "oauth" => Some(AuthMethod::OAuth),
            "none" if mode == Mode::Local => Some(AuthMethod::None),
            _ => None,
        })
        .collect();
    if methods.is_empty() {
        methods.push(AuthMethod::ApiKey);
    }
    methods
}

fn is_on(value: &str) -> bool {
    matches!(value.trim(), "on" | "true" | "1" | "yes")
}

fn list(value: Option<String>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

fn number(value: Option<String>, default: usize, min: usize) -> usize {
    value
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n >= min)
        .unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(pairs: &[(&str, &str)]) -> Config {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn only_settings_a_request_can_use_are_looked_up() {
        let asked = std::cell::RefCell::new(Vec::new());
        let get = |key: &str| {
            asked.borrow_mut().push(key.to_string());
            (key == "auth").then(|| "api_key".to_string())
        };
        Config::from_lookup_for(get, false, Runtime::Fastly);
        let skipped = [
            "oauth_jwks",
            "oauth_issuer",
            "oauth_resource_base",
            "grip_sig",
            "sse_keepalive_seconds",
        ];
        for key in skipped {
            assert!(!asked.borrow().iter().any(|k| k == key), "{key} was read");
        }
        asked.borrow_mut().clear();
        let get = |key: &str| {
            asked.borrow_mut().push(key.to_string());
            (key == "auth").then(|| "oauth".to_string())
        };
        let (config, _) = Config::from_lookup_for(get, true, Runtime::Fastly);
        for key in skipped {
            assert!(
                asked.borrow().iter().any(|k| k == key),
                "{key} was not read"
            );
        }
        assert_eq!(config.auth, vec![AuthMethod::OAuth]);
    }

    #[test]
    fn mode_local_only_counts_on_a_local_runtime() {
        let get = |key: &str| (key == "mode").then(|| "local".to_string());
        let (local, warnings) = Config::from_lookup_for(get, false, Runtime::Local);
        assert_eq!(
            (local.mode, local.auth),
            (Mode::Local, vec![AuthMethod::None])
        );
        assert!(warnings.is_empty());
        let (edge, warnings) = Config::from_lookup_for(get, false, Runtime::Fastly);
        assert_eq!(edge.mode, Mode::Production);
        assert_eq!(edge.auth, vec![AuthMethod::ApiKey]);
        assert_eq!(edge.grip_sig, GripSig::Fanout);
        assert_eq!(warnings, vec![MODE_LOCAL_IGNORED]);
        let (_, none) = Config::from_lookup_for(|_| None, false, Runtime::Fastly);
        assert!(none.is_empty());
    }

    #[test]
    fn defaults_are_production() {
        assert_eq!(from(&[]), Config::default());
        assert_eq!(Config::default().mode, Mode::Production);
        assert!(!Config::default().conformance);
    }

    #[test]
    fn reads_lists_numbers_and_flags() {
        let c = from(&[
            ("mode", "local"),
            ("conformance", "on"),
            ("allowed_hosts", " mcp.example.com , *.edgecompute.app,"),
            ("max_body_bytes", "4096"),
            ("page_size", "2"),
        ]);
        assert_eq!(c.mode, Mode::Local);
        assert_eq!(c.grip_sig, GripSig::SharedKey);
        assert!(c.conformance);
        assert_eq!(
            c.allowed_hosts,
            vec!["mcp.example.com", "*.edgecompute.app"]
        );
        assert_eq!((c.max_body_bytes, c.page_size), (4096, 2));
    }

    #[test]
    fn auth_is_never_none_in_production() {
        assert_eq!(from(&[]).auth, vec![AuthMethod::ApiKey]);
        assert_eq!(from(&[("auth", "none")]).auth, vec![AuthMethod::ApiKey]);
        assert_eq!(from(&[("mode", "local")]).auth, vec![AuthMethod::None]);
        assert_eq!(
            from(&[("auth", "oauth, api_key")]).auth,
            vec![AuthMethod::OAuth, AuthMethod::ApiKey]
        );
        assert_eq!(
            from(&[("mode", "local"), ("auth", "api_key")]).auth,
            vec![AuthMethod::ApiKey]
        );
        assert_eq!(
            from(&[("oauth_jwks", "{}")]).oauth_jwks,
            "",
            "not read without oauth"
        );
        assert_eq!(
            from(&[("auth", "oauth"), ("oauth_jwks", "{}")]).oauth_jwks,
            "{}"
        );
    }

    #[test]
    fn tool_sets_and_writes() {
        assert_eq!(from(&[]).tool_sets, vec!["fastly"]);
        assert!(from(&[]).allow_writes.is_empty());
        let c = from(&[
            ("tool_sets", "fastly, backoffice"),
            ("allow_writes", "backoffice"),
        ]);
        assert_eq!(c.tool_sets, vec!["fastly", "backoffice"]);
        assert_eq!(c.allow_writes, vec!["backoffice"]);
        assert!(from(&[("tool_sets", "")]).tool_sets.is_empty());
    }

    #[test]
    fn grip_and_keepalive_settings() {
        assert_eq!(from(&[]).grip_sig, GripSig::Fanout);
        assert_eq!(
            from(&[("mode", "local"), ("grip_sig", "fanout")]).grip_sig,
            GripSig::Fanout
        );
        assert_eq!(
            from(&[("grip_sig", "shared-key")]).grip_sig,
            GripSig::SharedKey
        );
        assert_eq!(
            from(&[("sse_keepalive_seconds", "90")]).sse_keepalive_seconds,
            20
        );
        assert_eq!(
            from(&[("sse_keepalive_seconds", "5")]).sse_keepalive_seconds,
            5
        );
        assert_eq!(from(&[("grip_issuer", "viceroy")]).grip_issuer, "viceroy");
    }

    #[test]
    fn malformed_values_fall_back() {
        let c = from(&[
            ("mode", "staging"),
            ("max_body_bytes", "-1"),
            ("page_size", "0"),
        ]);
        assert_eq!(c, Config::default());
    }
}
