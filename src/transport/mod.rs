//! Transports: how MCP messages travel over HTTP. Pure logic over `http` types; the edge
//! adapter supplies the connection.

pub mod connection;
pub mod envelope;
pub mod legacy_sse;
pub mod origin;
pub mod session;
pub mod session_stream;
pub mod sse;
pub mod streamable_http;

use crate::config::Config;
use crate::mcp::server::Server;
use session::Sessions;

/// What a transport needs besides the request: settings, the dispatcher, and session
/// signing. Session ids are issued and checked here, never stored.
pub struct Endpoint<'a> {
    pub config: &'a Config,
    pub server: &'a Server<'a>,
    /// `None` when no session key is configured.
    pub sessions: Option<&'a Sessions>,
}
