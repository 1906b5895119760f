//! One structured line per request to the log endpoint `mcp_log` (Viceroy prints it to
//! stdout). It carries no token, key, session id or argument: only who (the principal's
//! name), what (HTTP method, path, MCP method, tool), the outcome and the time taken.

use fastly::log::Endpoint;
use serde::Serialize;
use std::io::Write;
use std::time::Instant;

/// Longest path logged, in characters.
const MAX_PATH_CHARS: usize = 128;

pub struct RequestLog {
    pub id: String,
    pub started: Instant,
    pub http_method: String,
    pub path: String,
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
}

impl RequestLog {
    pub fn start(http_method: &str, path: &str) -> RequestLog {
        let mut bytes = [0u8; 8];
        let _ = getrandom::fill(&mut bytes);
        let end = path
            .char_indices()
            .nth(MAX_PATH_CHARS)
            .map_or(path.len(), |(i, _)| i);
        RequestLog {
            id: mcp_edge::hex::encode(&bytes),
            started: Instant::now(),
            http_method: http_method.to_string(),
            path: path[..end].to_string(),
        }
    }

    pub fn finish(
        &self,
        principal: Option<&str>,
        method: Option<&str>,
        tool: Option<&str>,
        status: u16,
    ) {
        let line = Line {
            request_id: &self.id,
            principal,
            http_method: &self.http_method,
            path: &self.path,
            mcp_method: method,
            tool,
            status: (status != 0).then_some(status),
            duration_ms: (self.started.elapsed().as_secs_f64() * 1000.0 * 100.0).round() / 100.0,
        };
        // One write is one log message: format first, then write once.
        if let (Ok(bytes), Ok(mut endpoint)) = (
            serde_json::to_vec(&line),
            Endpoint::try_from_name("mcp_log"),
        ) {
            let _ = endpoint.write_all(&bytes);
        }
    }
}
