//! Session signing inputs at the edge: the key, the clock and fresh random bits.

use mcp_edge::config::Config;
use mcp_edge::transport::session::Sessions;
use std::time::{SystemTime, UNIX_EPOCH};

use mcp_edge::secret_keys::SESSION_KEY as KEY;

/// Seconds since the epoch (what expiries are counted in).
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

pub fn load(config: &Config) -> Option<Sessions> {
    let key = super::secrets::get(KEY)?;
    let mut nonce = [0u8; 16];
    getrandom::fill(&mut nonce).ok()?;
    Sessions::new(key, now(), nonce, config.sessions.ttl_seconds)
}
