//! The Secret Store keys (store `mcp_secrets`) the server itself reads, in one place. A
//! tool catalog names its own keys and may never name one of these: a catalog's headers
//! are sent to its API, and none of these may ever leave the service that way.

/// HMAC key for session ids (>= 16 bytes).
pub const SESSION_KEY: &str = "session_key";
/// The token that publishes to Fanout through backend `api` (this service only).
pub const PUBLISH_TOKEN: &str = "publish_token";
/// The local Pushpin's Grip-Sig key (production Fanout signs with Fastly's public key).
pub const GRIP_KEY: &str = "grip_key";
/// Client API keys (JSON).
pub const API_KEYS: &str = "api_keys";

/// Keys no catalog may send.
pub const SERVER_OWNED: [&str; 4] = [SESSION_KEY, PUBLISH_TOKEN, GRIP_KEY, API_KEYS];
