//! Settings from the Config Store `mcp_config`. A missing store or key means defaults
//! (production); a failing lookup is treated as missing rather than a panic.

use super::log::RequestLog;
use fastly::ConfigStore;
use mcp_edge::config::{Config, Runtime};

const STORE: &str = "mcp_config";

/// The settings a request can use (`legacy_sse`: it is on /sse or /messages); what was
/// ignored goes to the request's log line.
pub fn load(legacy_sse: bool, log: &mut RequestLog) -> Config {
    let store = ConfigStore::try_open(STORE).ok();
    let get = |key: &str| store.as_ref().and_then(|s| s.try_get(key).ok().flatten());
    let (config, warnings) = Config::from_lookup_for(get, legacy_sse, runtime);
    for warning in warnings {
        log.warn(warning);
    }
    config
}

/// Viceroy (`fastly compute serve`) sets `FASTLY_HOSTNAME=localhost`; Fastly's network
/// sets the cache node's name. Anything else is treated as Fastly's network, so local
/// mode can never switch client authentication off in production.
fn runtime() -> Runtime {
    match std::env::var("FASTLY_HOSTNAME").as_deref() {
        Ok("localhost") => Runtime::Local,
        _ => Runtime::Fastly,
    }
}
