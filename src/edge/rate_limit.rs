//! Per-principal rate limiting with Fastly's edge rate limiter: over `rate_limit_rps`
//! on average over a minute, the principal goes into a penalty box for a minute.
//! Viceroy implements these calls as no-ops (never over the limit), so locally nothing
//! is limited; production enforces it.

use fastly::erl::{Penaltybox, RateCounter, RateWindow, ERL};
use std::time::Duration;

/// Seconds a limited principal waits (the penalty box TTL).
pub const RETRY_AFTER_SECONDS: u64 = 60;

/// Whether `principal_id` is over its limit. A limiter error lets the request through:
/// availability beats strictness for a throttle.
pub fn over_limit(principal_id: &str, rps: u32) -> bool {
    if rps == 0 {
        return false;
    }
    let erl = ERL::open(
        RateCounter::open("mcp_rate"),
        Penaltybox::open("mcp_penalty"),
    );
    erl.check_rate(
        principal_id,
        1,
        RateWindow::SixtySecs,
        rps,
        Duration::from_secs(RETRY_AFTER_SECONDS),
    )
    .unwrap_or(false)
}
