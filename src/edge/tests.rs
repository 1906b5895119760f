//! The edge adapter against Viceroy's implementation of the platform (`viceroy run` with
//! tests/edge.fastly.toml; scripts/test.sh): stores, secrets, backends, the limiter.

use super::log::RequestLog;
use super::upstream::Backends;
use mcp_edge::config::{HostPattern, Mode};
use mcp_edge::upstream::{Upstream, UpstreamError, UpstreamRequest};

fn get(backend: &str) -> UpstreamRequest {
    UpstreamRequest {
        backend: backend.into(),
        method: http::Method::GET,
        path_and_query: "/".into(),
        headers: Vec::new(),
        body: None,
    }
}

#[test]
fn settings_come_from_the_store_and_malformed_ones_are_reported() {
    let mut log = RequestLog::start("POST", "/mcp");
    let config = super::config::load(false, &mut log);
    assert_eq!(config.mode, Mode::Local, "Viceroy is a local runtime");
    assert_eq!(config.tools.page_size, 50, "page_size 0 falls back");
    assert_eq!(
        config.access.allowed_hosts,
        vec![HostPattern::Name("ok.example.com".into())]
    );
    let warnings = log.warnings();
    assert!(warnings.iter().any(|w| w.starts_with("page_size ignored")));
    assert!(warnings.iter().any(|w| w.contains("'bad/host' ignored")));
}

#[test]
fn secrets_are_read_and_missing_ones_are_none() {
    assert_eq!(
        super::secrets::get("session_key").map(|s| s.len()),
        Some(32)
    );
    assert_eq!(super::secrets::get("no_such_secret"), None);
    let mut log = RequestLog::start("POST", "/mcp");
    let config = super::config::load(false, &mut log);
    assert!(
        super::sessions::load(&config).is_some(),
        "a 32-byte key signs"
    );
}

#[test]
fn a_missing_backend_and_a_dead_one_are_errors_not_traps() {
    let backends = Backends::default();
    assert_eq!(
        backends.send(get("no_such_backend")).unwrap_err(),
        UpstreamError::NoSuchBackend
    );
    assert_eq!(
        backends.send(get("unreachable")).unwrap_err(),
        UpstreamError::Unreachable
    );
    assert_eq!(backends.secret("no_such_secret"), None);
    // A URL that does not parse (here a second port) is refused, never a trap.
    let unparsable = UpstreamRequest {
        path_and_query: ":99999/".into(),
        ..get("unreachable")
    };
    assert_eq!(
        backends.send(unparsable).unwrap_err(),
        UpstreamError::Unreachable
    );
}

#[test]
fn the_limiter_lets_requests_through_when_off_or_under_the_limit() {
    let mut log = RequestLog::start("POST", "/mcp");
    assert!(!super::rate_limit::over_limit("k", 0, 1, &mut log));
    assert!(!super::rate_limit::over_limit("k", 20, 1, &mut log));
}

#[test]
fn the_request_target_is_the_urls_path_and_query() {
    use super::raw_read::target;
    let cases = [
        ("http://127.0.0.1:7676/mcp", "/mcp"),
        (
            "https://a.edgecompute.app/messages?sessionId=x",
            "/messages?sessionId=x",
        ),
        ("https://a.example/?x=1", "/?x=1"),
        ("https://a.example?x=1", "/?x=1"),
        ("https://a.example/a/b?c=d?e", "/a/b?c=d?e"),
        ("/mcp?x", "/mcp?x"),
        ("https://a.example", ""),
        ("*", ""),
    ];
    for (url, expected) in cases {
        assert_eq!(target(url), expected, "{url}");
    }
}
