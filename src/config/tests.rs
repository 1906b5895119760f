//! Settings tests: defaults, lookups skipped, malformed values reported.

use super::*;
use std::collections::HashMap;

fn read(pairs: &[(&str, &str)]) -> (Config, Vec<String>) {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::from_lookup_for(|k| map.get(k).cloned(), true, || Runtime::Local)
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
    Config::from_lookup_for(get, false, || Runtime::Fastly);
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
    let (config, _) = Config::from_lookup_for(get, true, || Runtime::Fastly);
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
    let (local, warnings) = Config::from_lookup_for(get, false, || Runtime::Local);
    assert_eq!(
        (local.mode, local.auth.methods),
        (Mode::Local, vec![AuthMethod::None])
    );
    assert!(warnings.is_empty());
    let (edge, warnings) = Config::from_lookup_for(get, true, || Runtime::Fastly);
    assert_eq!(edge.mode, Mode::Production);
    assert_eq!(edge.auth.methods, vec![AuthMethod::ApiKey]);
    assert_eq!(edge.legacy_sse.grip_sig, GripSig::Fanout);
    assert_eq!(warnings, vec![MODE_LOCAL_IGNORED.to_string()]);
    let (_, none) = Config::from_lookup_for(|_| None, false, || Runtime::Fastly);
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

/// The `settings` item: one lookup, the same settings and warnings as separate items.
#[test]
fn one_settings_item_is_read_in_one_lookup() {
    let asked = std::cell::RefCell::new(Vec::new());
    let text = "mode = local; tool_sets = fastly, backoffice\n# a comment\n  allow_writes=fastly ;\
                page_size = 7;max_batch = 9999";
    let get = |key: &str| {
        asked.borrow_mut().push(key.to_string());
        match key {
            "settings" => Some(text.to_string()),
            // An item of its own beside `settings` is not read...
            "page_size" => Some("3".to_string()),
            _ => None,
        }
    };
    let (config, warnings) = Config::from_lookup_for(get, true, || Runtime::Local);
    assert_eq!(*asked.borrow(), ["settings"]);
    assert_eq!(config.mode, Mode::Local);
    assert_eq!(config.tools.tool_sets, ["fastly", "backoffice"]);
    assert_eq!(config.tools.allow_writes, ["fastly"]);
    assert_eq!(config.tools.page_size, 7);
    assert_eq!(config.limits.json.batch, Limits::default().batch);
    assert_eq!(
        warnings,
        ["max_batch ignored: expected a whole number from 1 to 1000; the default applies"]
    );
    // ... and the same settings as separate items read the same.
    let pairs = [
        ("mode", "local"),
        ("tool_sets", "fastly, backoffice"),
        ("allow_writes", "fastly"),
        ("page_size", "7"),
    ];
    assert_eq!(from(&pairs), config);
}

#[test]
fn the_settings_item_reports_what_it_ignores() {
    let get = |key: &str| {
        (key == "settings").then(|| {
            "tool_sets = backoffice; colour = blue; conformance; tool_sets = fastly; = x".into()
        })
    };
    let (config, warnings) = Config::from_lookup_for(get, false, || Runtime::Fastly);
    assert_eq!(config.tools.tool_sets, ["fastly"]);
    assert!(!config.tools.conformance);
    assert_eq!(
        warnings,
        [
            "settings: unknown key 'colour' ignored",
            "settings: 'conformance' ignored: expected key = value",
            "settings: 'tool_sets' is set twice; the last one applies",
            "settings: unknown key '' ignored",
        ]
    );
}

/// A JWKS may stay an item of its own (long JSON, often pretty-printed), read only with
/// OAuth on and when `settings` lacks it; every key the reader asks for is one the
/// item accepts.
#[test]
fn the_jwks_may_be_its_own_item_and_every_key_is_known() {
    let asked = std::cell::RefCell::new(Vec::new());
    let jwks = "{\n  \"keys\": []\n}";
    let get = |key: &str| {
        asked.borrow_mut().push(key.to_string());
        match key {
            "settings" => Some("auth = oauth; oauth_issuer = https://as.example".into()),
            "oauth_jwks" => Some(jwks.to_string()),
            _ => None,
        }
    };
    let (config, _) = Config::from_lookup_for(get, true, || Runtime::Fastly);
    assert_eq!(*asked.borrow(), ["settings", "oauth_jwks"]);
    assert_eq!(config.auth.oauth.jwks, jwks);
    assert_eq!(config.auth.oauth.issuer, "https://as.example");
    // Every key read with everything on (OAuth, legacy SSE) parses in `settings`.
    let keys = std::cell::RefCell::new(Vec::new());
    let everything = |key: &str| {
        keys.borrow_mut().push(key.to_string());
        (key == "auth").then(|| "oauth".to_string())
    };
    Config::from_lookup_for(everything, true, || Runtime::Local);
    for key in keys.borrow().iter().filter(|k| *k != "settings") {
        let text = format!("{key} = x");
        let (entries, warnings) = item::parse(&text);
        assert!(warnings.is_empty() && entries.get(key).is_some(), "{key}");
    }
}
