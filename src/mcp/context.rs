//! What a handler may do while it answers one request: report progress and log to the
//! client. The transport decides how those notifications travel (an SSE reply on
//! Streamable HTTP, Fanout publishes on the legacy SSE transport).

use super::model::notification::{LoggingMessageParams, Notification, ProgressParams};
use crate::upstream::Upstream;
use serde_json::{Map, Value};

/// Receives the notifications a request emits before its response.
pub trait Notifier {
    fn notify(&mut self, notification: Value);
}

/// Collects notifications in memory (batches, tests).
impl Notifier for Vec<Value> {
    fn notify(&mut self, notification: Value) {
        self.push(notification);
    }
}

/// RFC 5424 severities, as MCP's logging uses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Debug,
    Info,
    Notice,
    Warning,
    Error,
    Critical,
    Alert,
    Emergency,
}

impl LogLevel {
    pub const ALL: [LogLevel; 8] = [
        LogLevel::Debug,
        LogLevel::Info,
        LogLevel::Notice,
        LogLevel::Warning,
        LogLevel::Error,
        LogLevel::Critical,
        LogLevel::Alert,
        LogLevel::Emergency,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Notice => "notice",
            LogLevel::Warning => "warning",
            LogLevel::Error => "error",
            LogLevel::Critical => "critical",
            LogLevel::Alert => "alert",
            LogLevel::Emergency => "emergency",
        }
    }

    pub fn parse(name: &str) -> Option<LogLevel> {
        LogLevel::ALL.into_iter().find(|l| l.as_str() == name)
    }
}

/// Per-request context handed to tools, prompts and resources.
pub struct RequestContext<'a> {
    progress_token: Option<Value>,
    last_progress: Option<f64>,
    notifier: &'a mut dyn Notifier,
    /// The HTTP API behind the server, for tools that act on it.
    pub upstream: &'a dyn Upstream,
}

impl<'a> RequestContext<'a> {
    /// `params` are the request's params; `_meta.progressToken` opts the client into progress.
    pub fn new(
        params: Option<&Map<String, Value>>,
        notifier: &'a mut dyn Notifier,
        upstream: &'a dyn Upstream,
    ) -> Self {
        let progress_token = params
            .and_then(|p| p.get("_meta"))
            .and_then(|m| m.get("progressToken"))
            .filter(|t| t.is_string() || t.is_i64() || t.is_u64())
            .cloned();
        RequestContext {
            progress_token,
            last_progress: None,
            notifier,
            upstream,
        }
    }

    /// Sends `notifications/progress` when the client asked for progress. Progress must
    /// increase; a value that does not is dropped rather than sent out of order.
    pub fn progress(&mut self, progress: f64, total: Option<f64>, message: Option<&str>) {
        let Some(token) = &self.progress_token else {
            return;
        };
        if self.last_progress.is_some_and(|last| progress <= last) {
            return;
        }
        self.last_progress = Some(progress);
        let params = ProgressParams {
            progress_token: token,
            progress,
            total,
            message,
        };
        let notification = Notification::new("notifications/progress", params);
        self.notifier.notify(notification.to_json());
    }

    /// Sends `notifications/message`. The server is stateless, so a level set with
    /// logging/setLevel cannot be remembered by the next instance: every message is sent
    /// and the client filters (documented in README).
    pub fn log(&mut self, level: LogLevel, logger: &str, data: Value) {
        let params = LoggingMessageParams {
            level: level.as_str(),
            logger,
            data,
        };
        let notification = Notification::new("notifications/message", params);
        self.notifier.notify(notification.to_json());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upstream::NoUpstream;
    use serde_json::json;

    #[test]
    fn progress_needs_a_token_and_must_increase() {
        let mut sent = Vec::new();
        let mut ctx = RequestContext::new(None, &mut sent, &NoUpstream);
        ctx.progress(1.0, None, None);
        assert!(sent.is_empty());

        let params = json!({ "_meta": { "progressToken": "t" } });
        let mut ctx = RequestContext::new(params.as_object(), &mut sent, &NoUpstream);
        ctx.progress(1.0, Some(3.0), Some("one"));
        ctx.progress(1.0, Some(3.0), None);
        ctx.progress(2.0, Some(3.0), None);
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[0]["params"]["progressToken"], "t");
        assert_eq!(sent[0]["params"]["message"], "one");
        assert_eq!(sent[1]["params"]["progress"], 2.0);
    }

    #[test]
    fn log_levels_round_trip() {
        for level in LogLevel::ALL {
            assert_eq!(LogLevel::parse(level.as_str()), Some(level));
        }
        assert_eq!(LogLevel::parse("verbose"), None);
    }
}
