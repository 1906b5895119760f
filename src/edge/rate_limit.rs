//! Per-principal rate limiting with Fastly's edge rate limiter: over `rate_limit_rps`
//! on average over a minute, the principal goes into a penalty box for a minute.
//! Viceroy implements these calls as no-ops (never over the limit), so locally nothing
//! is limited. On Fastly, Edge Rate Limiting needs a product the account may not have;
//! then the limiter fails, the request goes through and its log line says so.

use super::log::RequestLog;
use super::request::ClientRequest;
use fastly::erl::{Penaltybox, RateCounter, RateWindow, ERL};
use std::time::Duration;

/// Seconds a limited principal waits (the penalty box TTL).
pub const RETRY_AFTER_SECONDS: u64 = 60;

/// The warning logged when the limiter cannot be used.
const UNENFORCED: &str =
    "rate limit not enforced: Edge Rate Limiting failed (is the product enabled on this service?)";

/// The limiter key of a caller without valid credentials: its address.
pub fn address_key(request: &ClientRequest) -> String {
    mcp_edge::auth::address::address_key(request.client_address())
}

/// Whether `key` is over its limit after `calls` more (each JSON-RPC call of a batch
/// counts). A limiter error lets the request through (availability beats strictness
/// for a throttle) and is logged.
pub fn over_limit(key: &str, rps: u32, calls: u32, log: &mut RequestLog) -> bool {
    if rps == 0 {
        return false;
    }
    let erl = ERL::open(
        RateCounter::open("mcp_rate"),
        Penaltybox::open("mcp_penalty"),
    );
    erl.check_rate(
        key,
        calls.max(1),
        RateWindow::SixtySecs,
        rps,
        Duration::from_secs(RETRY_AFTER_SECONDS),
    )
    .unwrap_or_else(|_| {
        log.warn(UNENFORCED);
        false
    })
}
