//! Deployment settings, read from a key/value source (the Config Store `mcp_config` at
//! the edge, a map in tests; all in its one item `settings`, or an item per key),
//! grouped by concern. A malformed value falls back to its safe default so a typo never
//! takes the service down, and is reported (the request's log line carries it); the
//! defaults are the production ones and are written once, in each group's `Default`.

pub use crate::auth::AuthMethod;
pub use crate::jsonrpc::Limits;
use std::borrow::Cow;

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
    /// Reads every setting through `get`, as on a local runtime.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Config {
        Config::from_lookup_for(get, true, || Runtime::Local).0
    }

    /// Reads the settings a request can use: the OAuth settings only when the auth
    /// methods include oauth, the legacy SSE ones only for `legacy_sse` routes; the
    /// others keep their defaults. Lookups are hostcalls each request pays for, so unused
    /// ones are skipped. Returns, beside the settings, what was ignored and why (for the
    /// request's log line).
    ///
    /// With a `settings` item (`item.rs`) every setting comes from it, in one lookup, and
    /// other items are not read, except `oauth_jwks` when the item lacks it. Without one,
    /// each setting is its own item (the layout before `settings`, still honoured).
    ///
    /// `mode = local` is honoured only on a local runtime: on Fastly's network it would
    /// turn client authentication off, so there it is ignored and reported.
    pub fn from_lookup_for(
        get: impl Fn(&str) -> Option<String>,
        legacy_sse: bool,
        runtime: impl FnOnce() -> Runtime,
    ) -> (Config, Vec<String>) {
        let item = get(item::SETTINGS);
        let (entries, warnings) = item.as_deref().map(item::parse).unwrap_or_default();
        let from_item = |key: &str| match entries.get(key) {
            Some(value) => Some(Cow::Borrowed(value)),
            None if key == item::OWN_ITEM => get(key).map(Cow::Owned),
            None => None,
        };
        let per_item = |key: &str| get(key).map(Cow::Owned);
        let mut read = read::Reader {
            get: if item.is_some() {
                &from_item
            } else {
                &per_item
            },
            warnings,
        };
        // Where the service runs is asked (an environment read) only when it decides.
        let mode = match read.text("mode").as_deref() {
            Some("local") if runtime() == Runtime::Local => Mode::Local,
            Some("local") => {
                read.warnings.push(MODE_LOCAL_IGNORED.into());
                Mode::Production
            }
            Some("production") | None => Mode::Production,
            Some(_) => {
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

pub mod item;
mod read;
#[cfg(test)]
mod tests;
