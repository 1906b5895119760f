//! One structured line per request to the log endpoint `mcp_log` (Viceroy prints it to
//! stdout). It carries no token, key, session id or argument: only who (the principal's
//! name), what (HTTP method, path, MCP method, tool), the outcome, the time taken, and
//! warnings about the deployment (a setting ignored, a limit not enforced). Without an
//! `mcp_log` endpoint the line goes to stdout, which `fastly log-tail` shows, with a
//! warning saying so: a missing endpoint is visible, never silent.

use fastly::log::Endpoint;
use serde::Serialize;
use std::io::Write;
use std::time::Instant;

/// Longest path, principal, MCP method or tool name logged, in characters: each can come
/// from the client (a method name may be as long as the body allows).
const MAX_FIELD_CHARS: usize = 128;

/// The log endpoint every line goes to (declared in fastly.toml `[setup.log_endpoints]`).
const ENDPOINT: &str = "mcp_log";

/// The warning a line printed to stdout carries.
const NO_ENDPOINT: &str =
    "log endpoint mcp_log not found: create it (README: Deploying); lines go to stdout";

pub struct RequestLog {
    pub id: String,
    pub started: Instant,
    pub http_method: String,
    pub path: String,
    warnings: Vec<std::borrow::Cow<'static, str>>,
}

/// The line as written; borrowed, so nothing is copied into a `serde_json::Value` first.
#[derive(Serialize)]
struct Line<'a> {
    request_id: &'a str,
    principal: Option<&'a str>,
    http_method: &'a str,
    path: &'a str,
    mcp_method: Option<&'a str>,
    tool: Option<&'a str>,
    /// `None` (null): the request was handed off to Fanout, which answers the client.
    status: Option<u16>,
    duration_ms: f64,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    warnings: &'a [std::borrow::Cow<'static, str>],
}

impl RequestLog {
    /// The warnings so far.
    #[cfg(test)]
    pub fn warnings(&self) -> &[std::borrow::Cow<'static, str>] {
        &self.warnings
    }

    pub fn start(http_method: &str, path: &str) -> RequestLog {
        let mut bytes = [0u8; 8];
        let _ = getrandom::fill(&mut bytes);
        RequestLog {
            id: mcp_edge::hex::encode(&bytes),
            started: Instant::now(),
            http_method: clip(http_method).to_string(),
            path: clip(path).to_string(),
            warnings: Vec::new(),
        }
    }

    /// Adds a warning about the deployment to this request's line: fixed texts, or a
    /// malformed setting's entry capped at 64 characters; never a value a client sent,
    /// never a secret.
    pub fn warn(&mut self, warning: impl Into<std::borrow::Cow<'static, str>>) {
        let warning = warning.into();
        if !self.warnings.contains(&warning) {
            self.warnings.push(warning);
        }
    }

    pub fn finish(
        mut self,
        principal: Option<&str>,
        method: Option<&str>,
        tool: Option<&str>,
        status: u16,
    ) {
        let endpoint = Endpoint::try_from_name(ENDPOINT);
        if endpoint.is_err() {
            self.warn(NO_ENDPOINT);
        }
        let line = Line {
            request_id: &self.id,
            principal: principal.map(clip),
            http_method: &self.http_method,
            path: &self.path,
            mcp_method: method.map(clip),
            tool: tool.map(clip),
            status: (status != 0).then_some(status),
            duration_ms: (self.started.elapsed().as_secs_f64() * 1000.0 * 100.0).round() / 100.0,
            warnings: &self.warnings,
        };
        // One write is one log message: format first, then write once.
        let Ok(bytes) = serde_json::to_vec(&line) else {
            return;
        };
        match endpoint {
            Ok(mut endpoint) => {
                let _ = endpoint.write_all(&bytes);
            }
            Err(_) => {
                let mut stdout = std::io::stdout().lock();
                let _ = stdout.write_all(&bytes);
                let _ = stdout.write_all(b"\n");
            }
        }
    }
}

/// `text` cut to MAX_FIELD_CHARS characters.
fn clip(text: &str) -> &str {
    let end = text
        .char_indices()
        .nth(MAX_FIELD_CHARS)
        .map_or(text.len(), |(i, _)| i);
    text.get(..end).unwrap_or(text)
}
