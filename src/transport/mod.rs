//! Transports: how MCP messages travel over HTTP. Pure logic over `http` types; the edge
//! adapter supplies the connection.

pub mod connection;
pub mod envelope;
pub mod exchange;
pub mod held;
pub mod held_stream;
pub mod legacy_sse;
pub mod modern;
pub mod origin;
pub mod resume;
pub mod session;
pub mod session_stream;
pub mod sse;
pub mod streamable_http;

use crate::auth::challenge::{refusal_response, ResourceInfo};
use crate::auth::{Principal, PrincipalKind, Refusal};
use crate::config::Config;
use crate::jsonrpc::{Request, RequestId};
use crate::mcp::server::Server;
use session::LazySessions;

/// What a transport needs besides the request: settings, the dispatcher, and session
/// signing. Session ids are issued and checked here, never stored.
pub struct Endpoint<'a> {
    pub config: &'a Config,
    pub server: &'a Server<'a>,
    /// Session signing, read only by requests that issue or present an id.
    pub sessions: &'a LazySessions<'a>,
    /// Who is calling (already authenticated).
    pub principal: &'a Principal,
    /// Where clients learn how to authenticate (for 403 insufficient_scope).
    pub resource: &'a ResourceInfo<'a>,
}

impl Endpoint<'_> {
    /// A 403 `insufficient_scope` when an OAuth caller asks for a tool its token's scopes
    /// do not cover (other callers get an isError result from the dispatcher instead).
    pub fn scope_refusal(&self, request: &Request) -> Option<http::Response<Vec<u8>>> {
        if self.principal.kind != PrincipalKind::OAuth {
            return None;
        }
        let needed = self.server.scope_needed(request)?;
        // Clients replace their scopes with what the challenge names (the TS SDK does),
        // so it names those the token already has as well: a step-up must not lose them.
        let mut scopes: Vec<&str> = self.principal.scopes.iter().map(String::as_str).collect();
        if !scopes.contains(&needed.as_str()) {
            scopes.push(&needed);
        }
        let refusal = Refusal {
            status: 403,
            error: Some("insufficient_scope"),
            description: format!("this tool needs the scope {needed}"),
            scope: Some(scopes.join(" ")),
        };
        let id: RequestId = request.id.clone();
        Some(refusal_response(&refusal, self.resource, id))
    }
}
