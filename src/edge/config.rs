//! Settings from the Config Store `mcp_config`. A missing store or key means defaults
//! (production); a failing lookup is treated as missing rather than a panic.

use fastly::ConfigStore;
use mcp_edge::config::Config;

const STORE: &str = "mcp_config";

pub fn load() -> Config {
    let store = ConfigStore::try_open(STORE).ok();
    Config::from_lookup(|key| store.as_ref().and_then(|s| s.try_get(key).ok().flatten()))
}
