//! The header names this service reads or writes beyond the standard ones (those are
//! `http::header`'s), in one place.

use http::HeaderName;

/// The protocol version a Streamable HTTP client speaks (2025-06-18 and later require it).
pub const MCP_PROTOCOL_VERSION: HeaderName = HeaderName::from_static("mcp-protocol-version");
/// 2026-07-28: the request's method, and the tool, prompt or resource it names, in
/// headers (so the edge can route and cache without reading the body); they must match it.
pub const MCP_METHOD: HeaderName = HeaderName::from_static("mcp-method");
pub const MCP_NAME: HeaderName = HeaderName::from_static("mcp-name");
/// Tells proxies not to buffer an event stream (2026-07-28 asks for it on SSE replies).
pub const X_ACCEL_BUFFERING: HeaderName = HeaderName::from_static("x-accel-buffering");
/// Where a client resumes a stream (SSE): the id of the last event it received.
pub const LAST_EVENT_ID: HeaderName = HeaderName::from_static("last-event-id");
/// The session id issued at initialize.
pub const MCP_SESSION_ID: HeaderName = HeaderName::from_static("mcp-session-id");
/// Fanout's signature on the requests it sends back to the service (a JWT).
pub const GRIP_SIG: HeaderName = HeaderName::from_static("grip-sig");
/// GRIP instructions in the answer to Fanout: hold the stream, on this channel, kept
/// alive with this comment.
pub const GRIP_HOLD: HeaderName = HeaderName::from_static("grip-hold");
pub const GRIP_CHANNEL: HeaderName = HeaderName::from_static("grip-channel");
pub const GRIP_KEEP_ALIVE: HeaderName = HeaderName::from_static("grip-keep-alive");
/// Where Fanout fetches what a held stream missed (`rel=next`), and the last event id
/// it has, which it sends when it does.
pub const GRIP_LINK: HeaderName = HeaderName::from_static("grip-link");
pub const GRIP_LAST: HeaderName = HeaderName::from_static("grip-last");
/// The Fastly API's token header.
pub const FASTLY_KEY: HeaderName = HeaderName::from_static("fastly-key");
