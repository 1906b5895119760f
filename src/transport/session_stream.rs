//! The outbound side of a legacy SSE session: what one POST /messages sends to the
//! session's Fanout channel. Notifications (progress, logs) are published as they
//! happen, so a client sees them before the result; past a budget they are held and go
//! out with the response, because a Compute request may make only 32 backend calls.
//!
//! Every flush is ONE publish request, whatever its size: its SSE bytes are cut into
//! consecutive items of that request, so no other request's message can land inside one
//! of this request's events (`fanout::publish` explains why that holds). A flush that
//! does not fit one request is never spread over several.

use super::sse;
use crate::fanout::publish::{stream_body, PublishError, Publisher, MAX_PUBLISH_BODY};
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

    /// Publishes whatever is held plus the response, in one request. A response that
    /// would not fit one publish request is replaced by an error for the same id, so the
    /// client learns why instead of waiting forever (held notifications that still do
    /// not fit are dropped: the answer matters more).
    /// An event of the transport's own (e.g. a new `endpoint`), sent with what follows.
    pub fn event(&mut self, event: &[u8]) {
        self.pending.extend_from_slice(event);
    }

    pub fn finish(mut self, response: &[u8], id: &RequestId) -> Result<(), PublishError> {
        if let Some(failure) = self.failure.take() {
            return Err(failure);
        }
        let held = std::mem::take(&mut self.pending);
        if let Some(body) = self.body(&[held.as_slice(), &sse::message(response)].concat()) {
            return self.publisher.publish(body);
        }
        let error = Error {
            code: ErrorCode::InternalError,
            message: format!(
                "Result too large for the SSE transport: {} bytes exceeds the {} byte limit \
                 of one Fanout publish (after JSON escaping); use Streamable HTTP (/mcp) or ask for less",
                response.len(),
                MAX_PUBLISH_BODY
            ),
            data: None,
        };
        let error = sse::message(&jsonrpc::to_bytes(&jsonrpc::response(
            id.clone(),
            Err(error),
        )));
        let body = self
            .body(&[held.as_slice(), &error].concat())
            .or_else(|| self.body(&error))
            .unwrap_or_default();
        self.publisher.publish(body)
    }

    fn body(&self, stream: &[u8]) -> Option<Vec<u8>> {
        // JSON-RPC output and SSE framing are UTF-8; the conversion cannot change them.
        stream_body(&self.channel, &String::from_utf8_lossy(stream))
    }

    fn flush(&mut self) -> Result<(), PublishError> {
        let stream = std::mem::take(&mut self.pending);
        match self.body(&stream) {
            Some(body) => self.publisher.publish(body),
            // A notification too large for one publish is dropped rather than split.
            None => Ok(()),
        }
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
    use crate::fanout::publish::{items_of, MAX_ITEM_ESCAPED};
    use serde_json::json;

    /// Each publish request as the list of its items' contents.
    #[derive(Default)]
    struct Recorder {
        publishes: Vec<Vec<String>>,
        fail: bool,
    }

    impl Publisher for Recorder {
        fn publish(&mut self, body: Vec<u8>) -> Result<(), PublishError> {
            if self.fail {
                return Err(PublishError {
                    status: Some(401),
                    reason: "rejected",
                });
            }
            let items = items_of(&body)
                .into_iter()
                .map(|(ch, f)| {
                    assert_eq!(ch, "c");
                    f["content"].as_str().unwrap().to_string()
                })
                .collect();
            self.publishes.push(items);
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
        let last = recorder.publishes.last().unwrap().concat();
        assert!(last.contains(r#"{"n":8}"#) && last.contains(r#"{"n":9}"#));
        assert!(last.ends_with("data: {\"id\":1}\n\n"));
    }

    #[test]
    fn a_large_response_is_one_publish_of_several_items() {
        let mut recorder = Recorder::default();
        let stream = SessionStream::new(&mut recorder, "c".into());
        let response = format!(r#"{{"id":1,"text":"{}"}}"#, "y".repeat(200_000));
        stream
            .finish(response.as_bytes(), &RequestId::from(1u64))
            .unwrap();
        assert_eq!(recorder.publishes.len(), 1, "one request");
        let items = &recorder.publishes[0];
        assert!(items.len() > 1 && items.iter().all(|c| c.len() <= MAX_ITEM_ESCAPED));
        assert_eq!(
            items.concat(),
            format!("event: message\ndata: {response}\n\n")
        );
    }

    #[test]
    fn an_oversized_response_becomes_an_error_for_its_id() {
        let mut recorder = Recorder::default();
        let mut stream = SessionStream::new(&mut recorder, "c".into());
        for n in 0..LIVE_NOTIFICATIONS + 2 {
            stream.notify(json!({ "n": n }));
        }
        let huge = vec![b'x'; MAX_PUBLISH_BODY];
        stream.finish(&huge, &RequestId::from("big")).unwrap();
        let last = recorder.publishes.last().unwrap().concat();
        assert!(last.contains("Result too large for the SSE transport"));
        assert!(last.contains(r#""id":"big""#));
        assert!(
            last.contains(r#"{"n":9}"#),
            "held notifications still go out"
        );
        assert!(last.len() < 1024);
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
