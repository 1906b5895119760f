//! The outbound side of a legacy SSE session: what one POST /messages sends to the
//! session's Fanout channel. Notifications (progress, logs) are published as they
//! happen, so a client sees them before the result; past a budget they are held and go
//! out with the response, because a Compute request may make only 32 backend calls.

use super::sse;
use crate::fanout::publish::{publish_stream, PublishError, Publisher, MAX_STREAM_BYTES};
use crate::jsonrpc::{self, Error, ErrorCode, RequestId};
use crate::mcp::context::Notifier;
use serde_json::Value;

/// Notifications published one by one before the rest are held.
const LIVE_NOTIFICATIONS: usize = 8;

pub struct SessionStream<'p> {
    publisher: &'p mut dyn Publisher,
    channel: String,
    live_left: usize,
    /// SSE bytes not yet published, in order.
    pending: Vec<u8>,
    failure: Option<PublishError>,
}

impl<'p> SessionStream<'p> {
    pub fn new(publisher: &'p mut dyn Publisher, channel: String) -> Self {
        SessionStream {
            publisher,
            channel,
            live_left: LIVE_NOTIFICATIONS,
            pending: Vec::new(),
            failure: None,
        }
    }

    /// Publishes whatever is held plus the response. A response that would not fit the
    /// publish budget is replaced by an error for the same id, so the client learns why
    /// instead of waiting forever.
    pub fn finish(mut self, response: &[u8], id: &RequestId) -> Result<(), PublishError> {
        if let Some(failure) = self.failure.take() {
            return Err(failure);
        }
        let event = sse::message(response);
        if self.pending.len() + event.len() <= MAX_STREAM_BYTES {
            self.pending.extend(event);
        } else {
            let error = Error {
                code: ErrorCode::InternalError,
                message: format!(
                    "Result too large for the SSE transport: {} bytes exceeds the {} byte limit; \
                     use Streamable HTTP (/mcp) or ask for less",
                    response.len(),
                    MAX_STREAM_BYTES
                ),
                data: None,
            };
            let output = jsonrpc::response(id.clone(), Err(error));
            self.pending
                .extend(sse::message(&jsonrpc::to_bytes(&output)));
        }
        self.flush()
    }

    fn flush(&mut self) -> Result<(), PublishError> {
        // JSON-RPC output and SSE framing are UTF-8; the conversion cannot change them.
        let stream = String::from_utf8_lossy(&self.pending).into_owned();
        self.pending.clear();
        publish_stream(self.publisher, &self.channel, &stream).map(|_| ())
    }
}

impl Notifier for SessionStream<'_> {
    fn notify(&mut self, notification: Value) {
        self.pending
            .extend(sse::message(&jsonrpc::to_bytes(&notification)));
        if self.failure.is_none() && self.live_left > 0 {
            self.live_left -= 1;
            if let Err(failure) = self.flush() {
                self.failure = Some(failure);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Default)]
    struct Recorder {
        publishes: Vec<String>,
        fail: bool,
    }

    impl Publisher for Recorder {
        fn publish(&mut self, _channel: &str, content: &str) -> Result<(), PublishError> {
            if self.fail {
                return Err(PublishError {
                    status: Some(401),
                    reason: "rejected",
                });
            }
            self.publishes.push(content.to_string());
            Ok(())
        }
    }

    #[test]
    fn notifications_go_out_live_then_are_held() {
        let mut recorder = Recorder::default();
        let mut stream = SessionStream::new(&mut recorder, "c".into());
        for n in 0..10 {
            stream.notify(json!({ "n": n }));
        }
        stream
            .finish(br#"{"id":1}"#, &RequestId::from(1u64))
            .unwrap();
        assert_eq!(recorder.publishes.len(), LIVE_NOTIFICATIONS + 1);
        let last = recorder.publishes.last().unwrap();
        assert!(last.contains(r#"{"n":8}"#) && last.contains(r#"{"n":9}"#));
        assert!(last.ends_with("data: {\"id\":1}\n\n"));
    }

    #[test]
    fn an_oversized_response_becomes_an_error_for_its_id() {
        let mut recorder = Recorder::default();
        let stream = SessionStream::new(&mut recorder, "c".into());
        let huge = vec![b'x'; MAX_STREAM_BYTES];
        stream.finish(&huge, &RequestId::from("big")).unwrap();
        let joined = recorder.publishes.concat();
        assert!(joined.contains("Result too large for the SSE transport"));
        assert!(joined.contains(r#""id":"big""#));
        assert!(joined.len() < 1024);
    }

    #[test]
    fn a_failed_live_publish_is_reported_at_the_end() {
        let mut recorder = Recorder {
            fail: true,
            ..Recorder::default()
        };
        let mut stream = SessionStream::new(&mut recorder, "c".into());
        stream.notify(json!({}));
        assert_eq!(
            stream
                .finish(b"{}", &RequestId::from(1u64))
                .unwrap_err()
                .status,
            Some(401)
        );
    }
}
