//! Deployment settings, read from a key/value source (the Config Store `mcp_config` at
//! the edge, a map in tests), grouped by concern. A malformed value falls back to its
//! safe default so a typo never takes the service down, and is reported (the request's
//! log line carries it); the defaults are the production ones and are written once, in
//! each group's `Default`.

pub use crate::auth::AuthMethod;
pub use crate::jsonrpc::Limits;

/// How much the service trusts its surroundings. Local mode (only on a local runtime)
/// trusts loopback hosts and origins (the local stack and the MCP Inspector on
/// localhost); production trusts only what is configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
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

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Config {
    pub mode: Mode,
    pub tools: ToolSettings,
    pub auth: AuthSettings,
    pub access: AccessSettings,
    pub limits: RequestLimits,
    pub sessions: SessionSettings,
    pub legacy_sse: LegacySseSettings,
}

/// What is offered: tool sets, writes, listing.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolSettings {
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
    /// Items per page in the list methods.
    pub page_size: usize,
}

impl Default for ToolSettings {
    fn default() -> Self {
        ToolSettings {
            conformance: false,
            diagnostics: false,
            tool_sets: vec!["fastly".into()],
            allow_writes: Vec::new(),
            bench_tools: 0,
            page_size: 50,
        }
    }
}

/// How clients authenticate.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthSettings {
    /// `none` is honoured in local mode only; production defaults to API keys.
    pub methods: Vec<AuthMethod>,
    /// Read only when `methods` has OAuth.
    pub oauth: OAuthSettings,
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            methods: vec![AuthMethod::ApiKey],
            oauth: OAuthSettings::default(),
        }
    }
}

impl AuthSettings {
    pub fn has(&self, method: AuthMethod) -> bool {
        self.methods.contains(&method)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct OAuthSettings {
    /// The authorization server's issuer (`iss`).
    pub issuer: String,
    /// One fixed resource identifier (`aud`) for every endpoint, overriding the
    /// per-endpoint ones derived from `resource_base` (see `auth::resource`).
    pub audience: String,
    /// This server's origin (`https://mcp.example.com`); each endpoint's resource
    /// identifier is it plus the endpoint's path. Required in production (unless
    /// `audience` is a URL); local mode derives it from the request's host.
    pub resource_base: String,
    /// Authorization servers advertised in the RFC 9728 metadata (default: issuer).
    pub authorization_servers: Vec<String>,
    /// The authorization server's JWKS (JSON).
    pub jwks: String,
}

/// Who may reach the service, and how often.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessSettings {
    /// Hosts this service answers for. Empty in production means "any host Fastly
    /// routed here": Fastly only routes domains attached to the service, so DNS
    /// rebinding cannot reach it under a foreign name.
    pub allowed_hosts: Vec<HostPattern>,
    /// Browser origins allowed to call; requests without Origin (non-browser clients)
    /// and same-origin requests are always allowed.
    pub allowed_origins: Vec<OriginPattern>,
    /// Average requests per second per principal over a minute before 429 (Fastly edge
    /// rate limiting); 0 = off.
    pub rate_limit_rps: u32,
}

impl Default for AccessSettings {
    fn default() -> Self {
        AccessSettings {
            allowed_hosts: Vec::new(),
            allowed_origins: Vec::new(),
            rate_limit_rps: 20,
        }
    }
}

/// An `allowed_hosts` entry: `name`, `name:port` (that port only) or `*.suffix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPattern {
    /// A host name on any port.
    Name(String),
    /// A host name on one port (`name:port`, as the Host header carries it).
    NameAndPort(String),
    /// Any name ending in `.suffix` (not the suffix itself).
    Subdomains(String),
}

impl HostPattern {
    fn parse(entry: &str) -> Option<HostPattern> {
        let entry = entry.trim().to_ascii_lowercase();
        let valid = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
        };
        if let Some(suffix) = entry.strip_prefix("*.") {
            return valid(suffix).then(|| HostPattern::Subdomains(suffix.to_string()));
        }
        if !valid(&entry) {
            return None;
        }
        let has_port = !entry.ends_with(']') && entry.rsplit_once(':').is_some();
        Some(if has_port {
            HostPattern::NameAndPort(entry)
        } else {
            HostPattern::Name(entry)
        })
    }
}

/// An `allowed_origins` entry: `*` or one `scheme://host[:port]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginPattern {
    Any,
    Exact(String),
}

impl OriginPattern {
    fn parse(entry: &str) -> Option<OriginPattern> {
        let entry = entry.trim().to_ascii_lowercase();
        if entry == "*" {
            return Some(OriginPattern::Any);
        }
        let authority = entry
            .strip_prefix("https://")
            .or_else(|| entry.strip_prefix("http://"))?;
        let valid = !authority.is_empty() && !authority.contains(['/', '?', '#', ' ']);
        valid.then_some(OriginPattern::Exact(entry))
    }

    pub fn matches(&self, origin: &str) -> bool {
        match self {
            OriginPattern::Any => true,
            OriginPattern::Exact(allowed) => allowed == origin,
        }
    }
}

/// Bounds on what one request may carry.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestLimits {
    /// Largest request body accepted (413 above it).
    pub max_body_bytes: usize,
    /// Bounds on a body's JSON: nesting, string and array sizes, batch length.
    pub json: Limits,
}

impl Default for RequestLimits {
    fn default() -> Self {
        RequestLimits {
            max_body_bytes: 1024 * 1024,
            json: Limits::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SessionSettings {
    /// How long an issued `Mcp-Session-Id` stays valid (legacy SSE sessions live as long
    /// as their stream: `transport::session`).
    pub ttl_seconds: u64,
}

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings {
            ttl_seconds: 24 * 3600,
        }
    }
}

/// The legacy HTTP+SSE transport on Fanout; read only on its routes.
#[derive(Debug, Clone, PartialEq)]
pub struct LegacySseSettings {
    /// Grip-Sig verification: Fanout in production, the shared key in local mode unless
    /// configured otherwise.
    pub grip_sig: GripSig,
    /// The issuer a shared-key Grip-Sig must name (the local Pushpin's `sig_iss`).
    pub grip_issuer: String,
    /// Interval of the keep-alive comments Fanout sends on idle streams (at most 20 s:
    /// clients and proxies cut idle streams).
    pub keepalive_seconds: u64,
}

impl Default for LegacySseSettings {
    fn default() -> Self {
        LegacySseSettings {
            grip_sig: GripSig::Fanout,
            grip_issuer: "pushpin".into(),
            keepalive_seconds: 20,
        }
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

impl Config {
    /// Reads every setting through `get` (one lookup per key), as on a local runtime.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Config {
        Config::from_lookup_for(get, true, Runtime::Local).0
    }

    /// Reads the settings a request can use, one lookup per key: the OAuth settings only
    /// when the auth methods include oauth, the legacy SSE ones only for `legacy_sse`
    /// routes; the others keep their defaults. Lookups are hostcalls each request pays
    /// for, so unused ones are skipped. Returns, beside the settings, what was ignored
    /// and why (for the request's log line).
    ///
    /// `mode = local` is honoured only on a local runtime: on Fastly's network it would
    /// turn client authentication off, so there it is ignored and reported.
    pub fn from_lookup_for(
        get: impl Fn(&str) -> Option<String>,
        legacy_sse: bool,
        runtime: Runtime,
    ) -> (Config, Vec<String>) {
        let mut read = Reader {
            get: &get,
            warnings: Vec::new(),
        };
        let mode = match (read.text("mode").as_deref(), runtime) {
            (Some("local"), Runtime::Local) => Mode::Local,
            (Some("local"), Runtime::Fastly) => {
                read.warnings.push(MODE_LOCAL_IGNORED.into());
                Mode::Production
            }
            (Some("production") | None, _) => Mode::Production,
            (Some(_), _) => {
                read.invalid("mode", "local or production");
                Mode::Production
            }
        };
        let tools = read.tools();
        let auth = read.auth(mode);
        let access = read.access();
        let limits = read.limits();
        let sessions = SessionSettings {
            ttl_seconds: read.number("session_ttl_seconds", 10, 365 * 24 * 3600, 24 * 3600) as u64,
        };
        let legacy_sse = if legacy_sse {
            read.legacy_sse(mode)
        } else {
            LegacySseSettings::default()
        };
        let config = Config {
            mode,
            tools,
            auth,
            access,
            limits,
            sessions,
            legacy_sse,
        };
        (config, read.warnings)
    }
}

/// Reads keys through a lookup, collecting what it had to ignore.
struct Reader<'g> {
    get: &'g dyn Fn(&str) -> Option<String>,
    warnings: Vec<String>,
}

impl Reader<'_> {
    fn text(&self, key: &str) -> Option<String> {
        (self.get)(key).map(|v| v.trim().to_string())
    }

    fn invalid(&mut self, key: &str, expected: &str) {
        self.warnings.push(format!(
            "{key} ignored: expected {expected}; the default applies"
        ));
    }

    fn flag(&mut self, key: &str) -> bool {
        match self.text(key).as_deref() {
            None | Some("off" | "false" | "0" | "no" | "") => false,
            Some("on" | "true" | "1" | "yes") => true,
            Some(_) => {
                self.invalid(key, "on or off");
                false
            }
        }
    }

    /// A whole number in `min..=max`, else `default` (reported when the key is set).
    fn number(&mut self, key: &str, min: usize, max: usize, default: usize) -> usize {
        let Some(text) = self.text(key) else {
            return default;
        };
        match text.parse::<usize>() {
            Ok(n) if (min..=max).contains(&n) => n,
            _ => {
                self.invalid(key, &format!("a whole number from {min} to {max}"));
                default
            }
        }
    }

    fn list(&self, key: &str) -> Option<Vec<String>> {
        let text = self.text(key)?;
        Some(
            text.split(',')
                .map(|s| s.trim().to_ascii_lowercase())
                .filter(|s| !s.is_empty())
                .collect(),
        )
    }

    /// A list whose entries must parse; a bad entry is dropped and reported.
    fn parsed_list<T>(&mut self, key: &str, parse: fn(&str) -> Option<T>, what: &str) -> Vec<T> {
        let entries = self.list(key).unwrap_or_default();
        let mut out = Vec::new();
        for entry in entries {
            match parse(&entry) {
                Some(value) => out.push(value),
                None => self.warnings.push(format!(
                    "{key}: entry '{}' ignored: not {what}",
                    cap(&entry)
                )),
            }
        }
        out
    }

    fn tools(&mut self) -> ToolSettings {
        let defaults = ToolSettings::default();
        ToolSettings {
            conformance: self.flag("conformance"),
            diagnostics: self.flag("diagnostics"),
            tool_sets: self.list("tool_sets").unwrap_or(defaults.tool_sets),
            allow_writes: self.list("allow_writes").unwrap_or_default(),
            bench_tools: self.number("bench_tools", 0, 5000, 0),
            page_size: self.number("page_size", 1, 5000, defaults.page_size),
        }
    }

    /// `none` only counts in local mode: production never runs without client
    /// authentication, whatever the store says (it falls back to API keys).
    fn auth(&mut self, mode: Mode) -> AuthSettings {
        let default = match mode {
            Mode::Local => "none",
            Mode::Production => "api_key",
        };
        let names = self.list("auth").unwrap_or_else(|| vec![default.into()]);
        let mut methods = Vec::new();
        for name in names {
            match name.as_str() {
                "api_key" => methods.push(AuthMethod::ApiKey),
                "oauth" => methods.push(AuthMethod::OAuth),
                "none" if mode == Mode::Local => methods.push(AuthMethod::None),
                "none" => self
                    .warnings
                    .push("auth=none ignored in production: API keys are required".into()),
                _ => self.invalid("auth", "api_key, oauth or none"),
            }
        }
        if methods.is_empty() {
            methods.push(AuthMethod::ApiKey);
        }
        let oauth = if methods.contains(&AuthMethod::OAuth) {
            OAuthSettings {
                jwks: self.text("oauth_jwks").unwrap_or_default(),
                issuer: self.text("oauth_issuer").unwrap_or_default(),
                audience: self.text("oauth_audience").unwrap_or_default(),
                resource_base: self.text("oauth_resource_base").unwrap_or_default(),
                authorization_servers: self
                    .text("oauth_authorization_servers")
                    .map(|v| {
                        v.split(',')
                            .map(|s| s.trim().to_string())
                            .filter(|s| !s.is_empty())
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        } else {
            OAuthSettings::default()
        };
        AuthSettings { methods, oauth }
    }

    fn access(&mut self) -> AccessSettings {
        AccessSettings {
            allowed_hosts: self.parsed_list(
                "allowed_hosts",
                HostPattern::parse,
                "a host, host:port or *.suffix",
            ),
            allowed_origins: self.parsed_list(
                "allowed_origins",
                OriginPattern::parse,
                "* or scheme://host[:port]",
            ),
            rate_limit_rps: self.number("rate_limit_rps", 0, 100_000, 20) as u32,
        }
    }

    fn limits(&mut self) -> RequestLimits {
        let d = RequestLimits::default();
        RequestLimits {
            max_body_bytes: self.number("max_body_bytes", 1024, 64 << 20, d.max_body_bytes),
            json: Limits {
                depth: self.number("max_json_depth", 4, 64, d.json.depth),
                string_bytes: self.number("max_string_bytes", 256, 64 << 20, d.json.string_bytes),
                array_items: self.number("max_array_items", 16, 1 << 20, d.json.array_items),
                batch: self.number("max_batch", 1, 1000, d.json.batch),
            },
        }
    }

    fn legacy_sse(&mut self, mode: Mode) -> LegacySseSettings {
        let defaults = LegacySseSettings::default();
        let grip_sig = match (self.text("grip_sig").as_deref(), mode) {
            (Some("fanout"), _) => GripSig::Fanout,
            (Some("shared-key"), _) | (None, Mode::Local) => GripSig::SharedKey,
            (None, Mode::Production) => GripSig::Fanout,
            (Some(_), _) => {
                self.invalid("grip_sig", "fanout or shared-key");
                GripSig::Fanout
            }
        };
        LegacySseSettings {
            grip_sig,
            grip_issuer: self
                .text("grip_issuer")
                .filter(|v| !v.is_empty())
                .unwrap_or(defaults.grip_issuer),
            keepalive_seconds: self.number("sse_keepalive_seconds", 1, 20, 20) as u64,
        }
    }
}

/// A configured value as quoted in a warning: at most 64 characters.
fn cap(value: &str) -> String {
    value.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(pairs: &[(&str, &str)]) -> (Config, Vec<String>) {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup_for(|k| map.get(k).cloned(), true, Runtime::Local)
    }

    fn from(pairs: &[(&str, &str)]) -> Config {
        read(pairs).0
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
        assert_eq!(config.auth.methods, vec![AuthMethod::OAuth]);
    }

    #[test]
    fn mode_local_only_counts_on_a_local_runtime() {
        let get = |key: &str| (key == "mode").then(|| "local".to_string());
        let (local, warnings) = Config::from_lookup_for(get, false, Runtime::Local);
        assert_eq!(
            (local.mode, local.auth.methods),
            (Mode::Local, vec![AuthMethod::None])
        );
        assert!(warnings.is_empty());
        let (edge, warnings) = Config::from_lookup_for(get, true, Runtime::Fastly);
        assert_eq!(edge.mode, Mode::Production);
        assert_eq!(edge.auth.methods, vec![AuthMethod::ApiKey]);
        assert_eq!(edge.legacy_sse.grip_sig, GripSig::Fanout);
        assert_eq!(warnings, vec![MODE_LOCAL_IGNORED.to_string()]);
        let (_, none) = Config::from_lookup_for(|_| None, false, Runtime::Fastly);
        assert!(none.is_empty());
    }

    #[test]
    fn defaults_are_production() {
        assert_eq!(from(&[]), Config::default());
        assert_eq!(Config::default().mode, Mode::Production);
        assert!(!Config::default().tools.conformance);
    }

    #[test]
    fn reads_lists_numbers_and_flags() {
        let c = from(&[
            ("mode", "local"),
            ("conformance", "on"),
            (
                "allowed_hosts",
                " mcp.example.com , *.edgecompute.app, Local:7676,",
            ),
            ("allowed_origins", "https://app.example.com, *"),
            ("max_body_bytes", "4096"),
            ("page_size", "2"),
        ]);
        assert_eq!(c.mode, Mode::Local);
        assert_eq!(c.legacy_sse.grip_sig, GripSig::SharedKey);
        assert!(c.tools.conformance);
        assert_eq!(
            c.access.allowed_hosts,
            vec![
                HostPattern::Name("mcp.example.com".into()),
                HostPattern::Subdomains("edgecompute.app".into()),
                HostPattern::NameAndPort("local:7676".into()),
            ]
        );
        assert_eq!(
            c.access.allowed_origins,
            vec![
                OriginPattern::Exact("https://app.example.com".into()),
                OriginPattern::Any
            ]
        );
        assert_eq!((c.limits.max_body_bytes, c.tools.page_size), (4096, 2));
    }

    #[test]
    fn auth_is_never_none_in_production() {
        let methods = |pairs: &[(&str, &str)]| from(pairs).auth.methods;
        assert_eq!(methods(&[]), vec![AuthMethod::ApiKey]);
        assert_eq!(methods(&[("auth", "none")]), vec![AuthMethod::ApiKey]);
        assert_eq!(methods(&[("mode", "local")]), vec![AuthMethod::None]);
        assert_eq!(
            methods(&[("auth", "oauth, api_key")]),
            vec![AuthMethod::OAuth, AuthMethod::ApiKey]
        );
        assert_eq!(
            methods(&[("mode", "local"), ("auth", "api_key")]),
            vec![AuthMethod::ApiKey]
        );
        assert_eq!(
            from(&[("oauth_jwks", "{}")]).auth.oauth.jwks,
            "",
            "not read without oauth"
        );
        assert_eq!(
            from(&[("auth", "oauth"), ("oauth_jwks", "{}")])
                .auth
                .oauth
                .jwks,
            "{}"
        );
    }

    #[test]
    fn tool_sets_and_writes() {
        assert_eq!(from(&[]).tools.tool_sets, vec!["fastly"]);
        assert!(from(&[]).tools.allow_writes.is_empty());
        let c = from(&[
            ("tool_sets", "fastly, backoffice"),
            ("allow_writes", "backoffice"),
        ]);
        assert_eq!(c.tools.tool_sets, vec!["fastly", "backoffice"]);
        assert_eq!(c.tools.allow_writes, vec!["backoffice"]);
        assert!(from(&[("tool_sets", "")]).tools.tool_sets.is_empty());
    }

    #[test]
    fn grip_and_keepalive_settings() {
        let legacy = |pairs: &[(&str, &str)]| from(pairs).legacy_sse;
        assert_eq!(legacy(&[]).grip_sig, GripSig::Fanout);
        assert_eq!(
            legacy(&[("mode", "local"), ("grip_sig", "fanout")]).grip_sig,
            GripSig::Fanout
        );
        assert_eq!(
            legacy(&[("grip_sig", "shared-key")]).grip_sig,
            GripSig::SharedKey
        );
        assert_eq!(
            legacy(&[("sse_keepalive_seconds", "90")]).keepalive_seconds,
            20
        );
        assert_eq!(
            legacy(&[("sse_keepalive_seconds", "5")]).keepalive_seconds,
            5
        );
        assert_eq!(legacy(&[("grip_issuer", "viceroy")]).grip_issuer, "viceroy");
    }

    #[test]
    fn malformed_values_fall_back_and_are_reported() {
        let (c, warnings) = read(&[
            ("mode", "staging"),
            ("max_body_bytes", "-1"),
            ("page_size", "0"),
            ("conformance", "maybe"),
            ("auth", "api_key,magic"),
            ("allowed_hosts", "ok.example.com,bad/host"),
            ("allowed_origins", "ftp://x"),
            ("sse_keepalive_seconds", "90"),
        ]);
        let mut expected = Config::default();
        expected.access.allowed_hosts = vec![HostPattern::Name("ok.example.com".into())];
        assert_eq!(c, expected);
        let expected = [
            "mode ignored: expected local or production; the default applies",
            "conformance ignored: expected on or off; the default applies",
            "page_size ignored: expected a whole number from 1 to 5000; the default applies",
            "auth ignored: expected api_key, oauth or none; the default applies",
            "allowed_hosts: entry 'bad/host' ignored: not a host, host:port or *.suffix",
            "allowed_origins: entry 'ftp://x' ignored: not * or scheme://host[:port]",
            "max_body_bytes ignored: expected a whole number from 1024 to 67108864; the default applies",
            "sse_keepalive_seconds ignored: expected a whole number from 1 to 20; the default applies",
        ];
        for warning in expected {
            assert!(
                warnings.iter().any(|w| w == warning),
                "{warning}: {warnings:?}"
            );
        }
        assert_eq!(warnings.len(), expected.len(), "{warnings:?}");
    }
}
