//! Reading settings from the store: each key parsed into its group, a malformed value
//! replaced by its default and reported.

use super::*;

/// Reads keys through a lookup, collecting what it had to ignore.
/// Values come borrowed from the `settings` item, owned from an item of their own.
pub(super) struct Reader<'g> {
    pub(super) get: &'g dyn Fn(&str) -> Option<Cow<'g, str>>,
    pub(super) warnings: Vec<String>,
}

impl<'g> Reader<'g> {
    /// The value of `key`, trimmed.
    pub(super) fn text(&self, key: &str) -> Option<Cow<'g, str>> {
        (self.get)(key).map(|value| match value {
            Cow::Borrowed(text) => Cow::Borrowed(text.trim()),
            Cow::Owned(text) if text.trim().len() == text.len() => Cow::Owned(text),
            Cow::Owned(text) => Cow::Owned(text.trim().to_string()),
        })
    }

    /// The value of `key` as an owned string (for the settings kept as text).
    fn owned(&self, key: &str) -> Option<String> {
        self.text(key).map(Cow::into_owned)
    }

    pub(super) fn invalid(&mut self, key: &str, expected: &str) {
        self.warnings.push(format!(
            "{key} ignored: expected {expected}; the default applies"
        ));
    }

    pub(super) fn flag(&mut self, key: &str) -> bool {
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
    pub(super) fn number(&mut self, key: &str, min: usize, max: usize, default: usize) -> usize {
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

    pub(super) fn list(&self, key: &str) -> Option<Vec<String>> {
        let text = self.text(key)?;
        Some(
            text.split(',')
                .map(|s| s.trim().to_ascii_lowercase())
                .filter(|s| !s.is_empty())
                .collect(),
        )
    }

    /// A list whose entries must parse; a bad entry is dropped and reported.
    pub(super) fn parsed_list<T>(
        &mut self,
        key: &str,
        parse: fn(&str) -> Option<T>,
        what: &str,
    ) -> Vec<T> {
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

    pub(super) fn tools(&mut self) -> ToolSettings {
        let defaults = ToolSettings::default();
        ToolSettings {
            conformance: self.flag("conformance"),
            diagnostics: self.flag("diagnostics"),
            tool_sets: self.list("tool_sets").unwrap_or(defaults.tool_sets),
            allow_writes: self.list("allow_writes").unwrap_or_default(),
            // Only a bench-catalog build has the tools to serve: others never look.
            bench_tools: if cfg!(feature = "bench-catalog") {
                self.number("bench_tools", 0, 5000, 0)
            } else {
                0
            },
            page_size: self.number("page_size", 1, 5000, defaults.page_size),
        }
    }

    /// `none` only counts in local mode: production never runs without client
    /// authentication, whatever the store says (it falls back to API keys).
    pub(super) fn auth(&mut self, mode: Mode) -> AuthSettings {
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
                jwks: self.owned("oauth_jwks").unwrap_or_default(),
                issuer: self.owned("oauth_issuer").unwrap_or_default(),
                audience: self.owned("oauth_audience").unwrap_or_default(),
                resource_base: self.owned("oauth_resource_base").unwrap_or_default(),
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

    pub(super) fn access(&mut self) -> AccessSettings {
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

    pub(super) fn limits(&mut self) -> RequestLimits {
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

    pub(super) fn legacy_sse(&mut self, mode: Mode) -> LegacySseSettings {
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
                .owned("grip_issuer")
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
