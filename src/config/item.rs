//! The `settings` item: every setting in one Config Store entry, read in one lookup.
//!
//! Each lookup is a hostcall every request pays for; the per-key layout took 16 on
//! every request. The item is `key = value` entries separated by `;` or new lines (so it
//! can be typed on one command line with `fastly config-store-entry update`); blanks
//! around keys and values are ignored, a line starting with `#` is a comment.

/// The Config Store key of the one-item layout.
pub const SETTINGS: &str = "settings";

/// The one key that may stay an item of its own beside `settings`: a JWKS is long JSON,
/// often pasted pretty-printed (new lines), and only read with OAuth on.
pub const OWN_ITEM: &str = "oauth_jwks";

/// Every setting a deployment can make (README: Configuration).
const KEYS: &[&str] = &[
    "mode",
    "conformance",
    "diagnostics",
    "tool_sets",
    "allow_writes",
    "bench_tools",
    "page_size",
    "auth",
    "oauth_jwks",
    "oauth_issuer",
    "oauth_audience",
    "oauth_resource_base",
    "oauth_authorization_servers",
    "allowed_hosts",
    "allowed_origins",
    "rate_limit_rps",
    "max_body_bytes",
    "max_json_depth",
    "max_string_bytes",
    "max_array_items",
    "max_batch",
    "session_ttl_seconds",
    "grip_sig",
    "grip_issuer",
    "sse_keepalive_seconds",
];

/// The entries of a `settings` item, each value borrowed from the item's text: every
/// request reads the item, and a handful of borrowed pairs is all it needs. (A map of
/// owned strings, copied again for each read, was ~6,500 of a ping's ~40,000
/// instructions and 20 of its allocations: `make cold-code`, 2026-12-07.)
#[derive(Debug, Default)]
pub struct Entries<'t>(Vec<(&'static str, &'t str)>);

impl<'t> Entries<'t> {
    /// The value of `key` (trimmed), if the item sets it.
    pub fn get(&self, key: &str) -> Option<&'t str> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }
}

/// The entries of a `settings` item, and what in it was ignored and why.
pub fn parse(text: &str) -> (Entries<'_>, Vec<String>) {
    let mut entries = Entries(Vec::with_capacity(8));
    let mut warnings = Vec::new();
    let parts = text.split(['\n', ';']).map(str::trim);
    for part in parts.filter(|p| !p.is_empty() && !p.starts_with('#')) {
        let Some((key, value)) = part.split_once('=') else {
            warnings.push(format!(
                "settings: '{}' ignored: expected key = value",
                clip(part)
            ));
            continue;
        };
        let key = key.trim();
        let Some(known) = KEYS.iter().copied().find(|k| *k == key) else {
            warnings.push(format!("settings: unknown key '{}' ignored", clip(key)));
            continue;
        };
        let value = value.trim();
        match entries.0.iter_mut().find(|(k, _)| *k == known) {
            Some(entry) => {
                entry.1 = value;
                warnings.push(format!(
                    "settings: '{key}' is set twice; the last one applies"
                ));
            }
            None => entries.0.push((known, value)),
        }
    }
    (entries, warnings)
}

/// A piece of the item as quoted in a warning: at most 64 characters.
fn clip(text: &str) -> String {
    text.chars().take(64).collect()
}
