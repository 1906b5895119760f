//! Settings from the Config Store `mcp_config`. A missing store or key means defaults
//! (production); a failing lookup is treated as missing rather than a panic.

use fastly::ConfigStore;
use mcp_edge::config::Config;

const STORE: &str = "mcp_config";

/// The settings a request can use (`legacy_sse`: it is on /sse or /messages).
pub fn load(legacy_sse: bool) -> Config {
    let store = ConfigStore::try_open(STORE).ok();
    let get = |key: &str| store.as_ref().and_then(|s| s.try_get(key).ok().flatten());
    Config::from_lookup_for(get, legacy_sse)
}
