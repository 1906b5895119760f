//! One structured line per request to the log endpoint `mcp_log` (Viceroy prints it to
//! stdout). It carries no token, key, session id or argument: only who (the principal's
//! name), what (HTTP method, path, MCP method, tool), the outcome and the time taken.

use fastly::log::Endpoint;
use serde_json::json;
use std::io::Write;
use std::time::Instant;

pub struct RequestLog {
    pub id: String,
    pub started: Instant,
    pub http_method: String,
    pub path: String,
}

impl RequestLog {
    pub fn start(http_method: &str, path: &str) -> RequestLog {
        let mut bytes = [0u8; 8];
        let _ = getrandom::fill(&mut bytes);
        RequestLog {
            id: mcp_edge::hex::encode(&bytes),
            started: Instant::now(),
            http_method: http_method.to_string(),
            path: path.chars().take(128).collect(),
        }
    }

    pub fn finish(
        &self,
        principal: Option<&str>,
        method: Option<&str>,
        tool: Option<&str>,
        status: u16,
    ) {
        let line = json!({
            "request_id": self.id,
            "principal": principal,
            "http_method": self.http_method,
            "path": self.path,
            "mcp_method": method,
            "tool": tool,
            // null: the request was handed off to Fanout, which answers the client.
            "status": (status != 0).then_some(status),
            "duration_ms": (self.started.elapsed().as_secs_f64() * 1000.0 * 100.0).round() / 100.0,
        });
        // One write is one log message: format first, then write once.
        if let Ok(mut endpoint) = Endpoint::try_from_name("mcp_log") {
            let _ = endpoint.write_all(line.to_string().as_bytes());
        }
    }
}
