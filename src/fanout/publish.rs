//! Publishing to a Fanout channel: the JSON body of Fastly's publish API, and splitting a
//! stream's bytes into publishes that each fit Fanout's message size limit.
//!
//! An `http-stream` item's content is appended verbatim to every held stream on the
//! channel, so one SSE event may travel in several consecutive items: the client's SSE
//! parser sees the same bytes as if they came in one. Publishes are made one after the
//! other, each acknowledged before the next, so they reach the channel in order.

use crate::upstream::{Upstream, UpstreamRequest};
use http::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use http::Method;
use serde_json::json;

/// Content bytes per publish: Fanout's message limit is about 64 KB including JSON
/// escaping, which can double a JSON reply; fastly/pubsub keeps the same margin.
pub const MAX_PUBLISH_CONTENT: usize = 32_768 - 256;

/// Most bytes one request may publish: 16 publishes, half of the 32 backend requests a
/// Compute request may make.
pub const MAX_STREAM_BYTES: usize = 16 * MAX_PUBLISH_CONTENT;

/// Why a publish failed; never carries the token or the content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishError {
    /// The API's HTTP status, when it answered.
    pub status: Option<u16>,
    pub reason: &'static str,
}

/// Sends one publish to a channel (the edge implements it with backend `api`).
pub trait Publisher {
    fn publish(&mut self, channel: &str, content: &str) -> Result<(), PublishError>;
}

/// Publishing through Fastly's API on backend `api`:
/// `POST /service/{service_id}/publish/` with the `publish_token` secret as `Fastly-Key`.
pub struct FanoutApi<'u> {
    pub upstream: &'u dyn Upstream,
    pub service_id: String,
}

/// Secret Store key of the token allowed to publish on this service: its own token
/// (purge_select, limited to this service), never the tools' `api_token`, so the
/// tools' token needs no rights on this service and publishing needs none elsewhere.
pub const PUBLISH_TOKEN: &str = "publish_token";

impl Publisher for FanoutApi<'_> {
    fn publish(&mut self, channel: &str, content: &str) -> Result<(), PublishError> {
        let token = self.upstream.secret(PUBLISH_TOKEN).ok_or(PublishError {
            status: None,
            reason: "no publish token configured (Secret Store mcp_secrets/publish_token)",
        })?;
        let mut key = HeaderValue::from_str(&token).map_err(|_| PublishError {
            status: None,
            reason: "the publish token is not a valid header value",
        })?;
        key.set_sensitive(true);
        let request = UpstreamRequest {
            method: Method::POST,
            path_and_query: format!("/service/{}/publish/", self.service_id),
            headers: vec![
                (HeaderName::from_static("fastly-key"), key),
                (CONTENT_TYPE, HeaderValue::from_static("application/json")),
            ],
            body: Some(body(channel, content)),
        };
        let response = self.upstream.send(request).map_err(|_| PublishError {
            status: None,
            reason: "the publish API could not be reached",
        })?;
        match response.status {
            200..=299 => Ok(()),
            status @ (401 | 403) => Err(PublishError {
                status: Some(status),
                reason: "the publish API rejected the service's token",
            }),
            status => Err(PublishError {
                status: Some(status),
                reason: "the publish API refused the message",
            }),
        }
    }
}

/// The publish API body for one http-stream item.
pub fn body(channel: &str, content: &str) -> Vec<u8> {
    let body = json!({
        "items": [{ "channel": channel, "formats": { "http-stream": { "content": content } } }]
    });
    body.to_string().into_bytes()
}

/// Splits `stream` into pieces of at most `max` bytes, never inside a UTF-8 character.
pub fn chunks(stream: &str, max: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = stream;
    while !rest.is_empty() {
        let mut end = rest.len().min(max.max(4));
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        let (head, tail) = rest.split_at(end);
        out.push(head);
        rest = tail;
    }
    out
}

/// Publishes `stream` to `channel` in order; returns how many publishes it took.
pub fn publish_stream(
    publisher: &mut dyn Publisher,
    channel: &str,
    stream: &str,
) -> Result<usize, PublishError> {
    let parts = chunks(stream, MAX_PUBLISH_CONTENT);
    for part in &parts {
        publisher.publish(channel, part)?;
    }
    Ok(parts.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Recorder(Vec<(String, String)>);

    impl Publisher for Recorder {
        fn publish(&mut self, channel: &str, content: &str) -> Result<(), PublishError> {
            self.0.push((channel.into(), content.into()));
            Ok(())
        }
    }

    #[test]
    fn chunks_respect_the_limit_and_utf8() {
        let text = "aé€😀".repeat(1000);
        let parts = chunks(&text, 7);
        assert!(parts.iter().all(|p| p.len() <= 7));
        assert_eq!(parts.concat(), text);
        assert!(chunks("", 10).is_empty());
    }

    #[test]
    fn large_streams_split_in_order() {
        let stream = format!("event: message\ndata: {}\n\n", "x".repeat(200 * 1024));
        let mut recorder = Recorder::default();
        let count = publish_stream(&mut recorder, "c", &stream).unwrap();
        assert_eq!(count, stream.len().div_ceil(MAX_PUBLISH_CONTENT));
        assert_eq!(count, recorder.0.len());
        let joined: String = recorder.0.iter().map(|(_, c)| c.as_str()).collect();
        assert_eq!(joined, stream);
        assert!(recorder
            .0
            .iter()
            .all(|(ch, c)| ch == "c" && c.len() <= MAX_PUBLISH_CONTENT));
    }

    #[test]
    fn body_is_the_publish_api_shape() {
        let body: serde_json::Value = serde_json::from_slice(&body("ch", "event: x\n\n")).unwrap();
        assert_eq!(body["items"][0]["channel"], "ch");
        assert_eq!(
            body["items"][0]["formats"]["http-stream"]["content"],
            "event: x\n\n"
        );
    }

    #[test]
    fn a_worst_case_part_fits_fanouts_limit_after_escaping() {
        let part = "\"".repeat(MAX_PUBLISH_CONTENT);
        assert!(body("mcp-0123456789abcdef0123456789abcdef", &part).len() < 65_536);
    }
}
