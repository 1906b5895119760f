//! What a handler may do while it answers one request: report progress and log to the
//! client, and learn what it may ask the client for and what the client answered. The
//! transport decides how notifications travel (an SSE reply on Streamable HTTP, Fanout
//! publishes on the legacy SSE transport).

use super::input::Answers;
use super::model::meta::{Capability, ClientCapabilities, RequestMeta};
use super::model::notification::{LoggingMessageParams, Notification, ProgressParams};
use crate::upstream::Upstream;
use serde_json::{Map, Value};

/// Receives the notifications a request emits before its response.
pub trait Notifier {
    fn notify(&mut self, notification: Value);
    /// Whether the client has closed the stream these go to: the request is cancelled.
    fn cancelled(&self) -> bool {
        false
    }
    /// Lets the client's connection go: the transport sends a priming event the client
    /// resumes from, and the result is delivered when it reconnects (the call runs
    /// again). `false` where the transport cannot resume.
    fn disconnect(&mut self) -> bool {
        false
    }
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

/// Which log messages reach the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LogPolicy {
    /// 2024-11-05 .. 2025-11-25: every message (a level set with logging/setLevel cannot
    /// reach the next instance, so the client filters; README).
    All,
    /// 2026-07-28: only those at or above the request's `logLevel`, none without one.
    AtLeast(Option<LogLevel>),
}

/// Per-request context handed to tools, prompts and resources.
pub struct RequestContext<'a> {
    progress_token: Option<Value>,
    last_progress: Option<f64>,
    notifier: &'a mut dyn Notifier,
    logs: LogPolicy,
    /// What the client declared it can answer; `None` where no question can reach it.
    capabilities: Option<&'a ClientCapabilities>,
    answers: Answers,
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
            logs: LogPolicy::All,
            capabilities: None,
            answers: Answers::default(),
            upstream,
        }
    }

    /// A 2026-07-28 request: its `_meta` says what the client can answer and which logs
    /// it wants; `answers` are its replies to the previous round.
    pub fn for_client(mut self, meta: &'a RequestMeta, answers: Answers) -> Self {
        self.logs = LogPolicy::AtLeast(meta.log_level);
        self.capabilities = Some(&meta.capabilities);
        self.answers = answers;
        self
    }

    /// A 2025-era request whose client a held stream can reach: it may be asked what it
    /// declared at initialize; `answers` are its replies so far. Logs as before.
    pub fn reaching(mut self, capabilities: &'a ClientCapabilities, answers: Answers) -> Self {
        self.capabilities = Some(capabilities);
        self.answers = answers;
        self
    }

    /// Whether the handler may ask the client for input needing `capability`: the client
    /// declared it, on a request where the question can reach the client.
    pub fn can_ask(&self, capability: Capability) -> bool {
        self.capabilities.is_some_and(|c| c.has(capability))
    }

    /// The client's answers to the previous round, and its verified state.
    pub fn answers(&self) -> &Answers {
        &self.answers
    }

    /// Whether the client has gone (it closed the response stream): a handler working in
    /// steps stops, since nobody will read its result.
    pub fn cancelled(&self) -> bool {
        self.notifier.cancelled()
    }

    /// Asks to let the client's connection go while the tool works: the client reconnects
    /// and the call runs again for its result (`transport::resume`). Only for calls that
    /// can run again without harm. `true` when the connection was let go: this run's
    /// result reaches nobody.
    pub fn disconnect(&mut self) -> bool {
        self.notifier.disconnect()
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

    /// Sends `notifications/message` when the request's log policy lets it through.
    pub fn log(&mut self, level: LogLevel, logger: &str, data: Value) {
        if let LogPolicy::AtLeast(threshold) = self.logs {
            if threshold.is_none_or(|t| level < t) {
                return;
            }
        }
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
    fn modern_requests_log_only_at_or_above_their_level() {
        use crate::mcp::model::meta::RequestMeta;
        let meta = |level: Value| {
            let p = json!({ "_meta": {
                "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientCapabilities": {},
                "io.modelcontextprotocol/logLevel": level,
            }});
            let mut p = p.as_object().unwrap().clone();
            if level.is_null() {
                p["_meta"]
                    .as_object_mut()
                    .unwrap()
                    .remove("io.modelcontextprotocol/logLevel");
            }
            RequestMeta::read(Some(&p)).unwrap()
        };
        let (none, warning) = (meta(Value::Null), meta(json!("warning")));
        let mut sent = Vec::new();
        let ctx = RequestContext::new(None, &mut sent, &NoUpstream);
        let mut ctx = ctx.for_client(&none, Answers::default());
        ctx.log(LogLevel::Emergency, "t", json!("x"));
        assert!(sent.is_empty(), "no logLevel, no logs");

        let ctx = RequestContext::new(None, &mut sent, &NoUpstream);
        let mut ctx = ctx.for_client(&warning, Answers::default());
        assert!(!ctx.can_ask(Capability::Elicitation));
        ctx.log(LogLevel::Info, "t", json!("below"));
        ctx.log(LogLevel::Warning, "t", json!("at"));
        ctx.log(LogLevel::Error, "t", json!("above"));
        let data: Vec<&Value> = sent.iter().map(|n| &n["params"]["data"]).collect();
        assert_eq!(data, [&json!("at"), &json!("above")]);

        let mut legacy = Vec::new();
        let mut ctx = RequestContext::new(None, &mut legacy, &NoUpstream);
        ctx.log(LogLevel::Debug, "t", json!("all"));
        assert!(!ctx.can_ask(Capability::Sampling));
        assert_eq!(legacy.len(), 1, "2025 and earlier: every message");
    }

    #[test]
    fn log_levels_round_trip() {
        for level in LogLevel::ALL {
            assert_eq!(LogLevel::parse(level.as_str()), Some(level));
        }
        assert_eq!(LogLevel::parse("verbose"), None);
    }
}
