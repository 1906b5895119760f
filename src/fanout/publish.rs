//! Publishing to a Fanout channel: the JSON body of Fastly's publish API, and cutting a
//! stream's bytes into items that each fit Fanout's message size limit.
//!
//! An `http-stream` item's content is appended verbatim to every held stream on the
//! channel, so one SSE event may travel in several items: the client's SSE parser sees
//! the same bytes as if they came in one. What must never happen is another request's
//! item landing between two parts of one event (two POSTs of one session run at the same
//! time on different instances): the client would see one event inside the other and
//! lose both. So everything one flush sends goes in ONE publish request, its parts as
//! consecutive items. The publish API takes a batch (`{"items":[...]}`), and Pushpin,
//! which Fanout runs, handles a request's items one after the other in a single pass of
//! its event loop before it reads another request (1.36: `engine.cpp`
//! `controlHttpServer_requestReady` loops over the items, each goes through the
//! sequencer, unsequenced, straight to the session's publish queue), so no other
//! request's item can come between them. Two separate publishes have no such guarantee,
//! and GRIP `id`/`prev-id` only reorders, it does not keep a writer's items together.

use crate::headers::FASTLY_KEY;
use crate::secret_keys::PUBLISH_TOKEN;
use crate::upstream::{Upstream, UpstreamRequest, FASTLY_API};
use http::header::{HeaderValue, CONTENT_TYPE};
use http::Method;
use serde::Serialize;

/// JSON-escaped content bytes per item: Fanout's message limit is about 64 KB ("Fanout's
/// cloud service has a 64kB size limit", fastly/pushpin#47690); what counts is the item as
/// sent, so the cut is made on the escaped length (a quote or a newline takes two bytes),
/// leaving room for the item's envelope. Typical JSON replies fill an item with ~55 KB of
/// content, so a 200 KB reply is 4 items, well inside Pushpin's queue of 100 per stream.
pub const MAX_ITEM_ESCAPED: usize = 60_000;

/// Largest publish request body: Pushpin's `push_in_http_max_body_size` default (larger
/// bodies are refused), which the local stack keeps. Fastly documents no body limit for
/// its publish API; this is the limit of the software Fanout runs. It bounds what one
/// flush, and so one reply, can carry: about 1 MB of JSON-escaped content, in one
/// backend request where the earlier one-publish-per-part scheme needed up to 16.
pub const MAX_PUBLISH_BODY: usize = 1_000_000;

/// Why a publish failed; never carries the token or the content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishError {
    /// The API's HTTP status, when it answered.
    pub status: Option<u16>,
    pub reason: &'static str,
}

/// Sends one publish request (a body `stream_body` built) to the publish
/// API; the edge implements it with backend `api`.
pub trait Publisher {
    fn publish(&mut self, body: Vec<u8>) -> Result<(), PublishError>;
}

/// Records what would be published (tests, benchmarks, the fuzz target).
impl Publisher for Vec<Vec<u8>> {
    fn publish(&mut self, body: Vec<u8>) -> Result<(), PublishError> {
        self.push(body);
        Ok(())
    }
}

/// Publishing through Fastly's API on backend `api`:
/// `POST /service/{service_id}/publish/` with the `publish_token` secret as `Fastly-Key`:
/// the service's own token (purge_select, limited to this service), never a tool
/// catalog's, so the tools' token needs no rights here and publishing none elsewhere.
pub struct FanoutApi<'u> {
    pub upstream: &'u dyn Upstream,
    /// This service's id, read when a publish is made (most requests make none).
    pub service_id: fn() -> String,
}

impl Publisher for FanoutApi<'_> {
    fn publish(&mut self, body: Vec<u8>) -> Result<(), PublishError> {
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
            backend: FASTLY_API.to_string(),
            method: Method::POST,
            path_and_query: format!("/service/{}/publish/", (self.service_id)()),
            headers: vec![
                (FASTLY_KEY, key),
                (CONTENT_TYPE, HeaderValue::from_static("application/json")),
            ],
            body: Some(body),
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

/// The publish API body carrying `stream` to `channel` as consecutive http-stream items
/// of at most `MAX_ITEM_ESCAPED` escaped bytes each, or `None` when the body would exceed
/// `MAX_PUBLISH_BODY` (the stream must then not be sent in several requests: see the
/// module doc).
pub fn stream_body(channel: &str, stream: &str) -> Option<Vec<u8>> {
    publish_body(channel, stream, false, None)
}

/// `stream_body`, then an item that closes the streams held on `channel`: the end of a
/// reply whose stream belongs to one request.
pub fn stream_body_then_close(channel: &str, stream: &str) -> Option<Vec<u8>> {
    publish_body(channel, stream, true, None)
}

/// `stream_body` (then a close when `close`) as event group `group` of a sequenced
/// stream: its items are chained by GRIP `id`/`prev-id`, the first following group
/// `group - 1` and the last one's id being `group` itself (the parts before it
/// `group.1`, `group.2`, ...). A stream held with `prev-id` (`held_stream.rs`) then
/// takes the group only right after the one before it, and fetches what it missed.
pub fn sequenced_body(channel: &str, stream: &str, close: bool, group: u64) -> Option<Vec<u8>> {
    publish_body(channel, stream, close, Some(group))
}

fn publish_body(channel: &str, stream: &str, close: bool, group: Option<u64>) -> Option<Vec<u8>> {
    let mut items: Vec<Item> = chunks(stream, MAX_ITEM_ESCAPED)
        .into_iter()
        .map(|content| Item {
            channel,
            id: None,
            prev_id: None,
            formats: Formats {
                http_stream: HttpStream {
                    content: Some(content),
                    action: None,
                },
            },
        })
        .collect();
    if close {
        let http_stream = HttpStream {
            content: None,
            action: Some("close"),
        };
        items.push(Item {
            channel,
            id: None,
            prev_id: None,
            formats: Formats { http_stream },
        });
    }
    if let Some(group) = group {
        let last = items.len();
        let mut prev = group.saturating_sub(1).to_string();
        for (part, item) in items.iter_mut().enumerate() {
            let id = if part + 1 == last {
                group.to_string()
            } else {
                format!("{group}.{}", part + 1)
            };
            item.prev_id = Some(std::mem::replace(&mut prev, id.clone()));
            item.id = Some(id);
        }
    }
    let body = serde_json::to_vec(&PublishBody { items }).ok()?;
    (body.len() <= MAX_PUBLISH_BODY).then_some(body)
}

/// The publish API's body (GRIP publish format), as far as this service uses it.
#[derive(Serialize)]
struct PublishBody<'a> {
    items: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Item<'a> {
    channel: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(rename = "prev-id", skip_serializing_if = "Option::is_none")]
    prev_id: Option<String>,
    formats: Formats<'a>,
}

#[derive(Serialize)]
struct Formats<'a> {
    #[serde(rename = "http-stream")]
    http_stream: HttpStream<'a>,
}

#[derive(Serialize)]
struct HttpStream<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    action: Option<&'static str>,
}

/// Splits `stream` into pieces whose JSON-escaped length is at most `max` bytes, never
/// inside a UTF-8 character.
pub fn chunks(stream: &str, max: usize) -> Vec<&str> {
    let max = max.max(6);
    let mut out = Vec::new();
    let (mut start, mut escaped) = (0, 0);
    for (at, c) in stream.char_indices() {
        let cost = escaped_len(c);
        if escaped + cost > max {
            out.push(&stream[start..at]);
            (start, escaped) = (at, 0);
        }
        escaped += cost;
    }
    if start < stream.len() {
        out.push(&stream[start..]);
    }
    out
}

/// Bytes `c` takes inside a JSON string as serde_json writes it.
fn escaped_len(c: char) -> usize {
    match c {
        '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
        c if (c as u32) < 0x20 => 6,
        c => c.len_utf8(),
    }
}

/// The (channel, http-stream format) of each item of a publish body, in order.
#[cfg(test)]
pub fn items_of(body: &[u8]) -> Vec<(String, serde_json::Value)> {
    let body: serde_json::Value = serde_json::from_slice(body).unwrap();
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            (
                item["channel"].as_str().unwrap().to_string(),
                item["formats"]["http-stream"].clone(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn chunks_respect_the_limit_and_utf8() {
        let text = "aé€😀".repeat(1000);
        let parts = chunks(&text, 7);
        assert!(parts.iter().all(|p| p.len() <= 7));
        assert_eq!(parts.concat(), text);
        assert!(chunks("", 10).is_empty());
        // Escaped length counts: a quote is two bytes, a control character six.
        assert_eq!(chunks("\"\"\"\"", 6), vec!["\"\"\"", "\""]);
        assert_eq!(chunks("a\u{1}b", 7), vec!["a\u{1}", "b"]);
    }

    #[test]
    fn a_large_stream_is_one_request_of_consecutive_items() {
        let stream = format!("event: message\ndata: {}\n\n", "x".repeat(200 * 1024));
        let body = stream_body("c", &stream).unwrap();
        let items = items_of(&body);
        // The two newlines of the framing escape to four bytes.
        assert_eq!(items.len(), (stream.len() + 4).div_ceil(MAX_ITEM_ESCAPED));
        let joined: String = items
            .iter()
            .map(|(_, f)| f["content"].as_str().unwrap())
            .collect();
        assert_eq!(joined, stream);
        assert!(items
            .iter()
            .all(|(ch, f)| ch == "c" && f["content"].as_str().unwrap().len() <= MAX_ITEM_ESCAPED));
    }

    #[test]
    fn a_stream_over_the_body_limit_is_refused_whole() {
        assert!(stream_body("c", &"x".repeat(MAX_PUBLISH_BODY)).is_none());
        // JSON escaping counts: quotes double in the body.
        let quotes = "\"".repeat(MAX_PUBLISH_BODY / 2);
        assert!(stream_body("c", &quotes).is_none());
        assert!(stream_body("c", &"x".repeat(MAX_PUBLISH_BODY - 4096)).is_some());
    }

    #[test]
    fn body_is_the_publish_api_shape() {
        let body: Value =
            serde_json::from_slice(&stream_body("ch", "event: x\n\n").unwrap()).unwrap();
        assert_eq!(body["items"][0]["channel"], "ch");
        assert_eq!(
            body["items"][0]["formats"]["http-stream"]["content"],
            "event: x\n\n"
        );
    }

    #[test]
    fn every_item_fits_fanouts_limit_after_escaping() {
        for text in ["\"", "\n", "\u{1}", "x", "é", "😀", "a\"\u{2}"] {
            let stream = text.repeat(150_000 / text.len());
            let body = stream_body("mcp-0123456789abcdef0123456789abcdef", &stream).unwrap();
            let body: Value = serde_json::from_slice(&body).unwrap();
            let items = body["items"].as_array().unwrap();
            for (n, item) in items.iter().enumerate() {
                let size = item.to_string().len();
                assert!(size < 65_536, "{text:?}: item of {size} bytes");
                let last = n + 1 == items.len();
                assert!(
                    last || size > 59_000,
                    "{text:?}: items filled ({size} bytes)"
                );
            }
        }
    }

    #[test]
    fn a_sequenced_group_chains_its_items_after_the_group_before() {
        let stream = format!("event: message\ndata: {}\n\n", "x".repeat(130 * 1024));
        let body: Value =
            serde_json::from_slice(&sequenced_body("c", &stream, true, 4).unwrap()).unwrap();
        let ids: Vec<(String, String)> = body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["prev-id"].as_str().unwrap().into(),
                    i["id"].as_str().unwrap().into(),
                )
            })
            .collect();
        let pairs = [("3", "4.1"), ("4.1", "4.2"), ("4.2", "4.3"), ("4.3", "4")];
        let expected: Vec<(String, String)> = pairs
            .iter()
            .map(|(p, i)| (p.to_string(), i.to_string()))
            .collect();
        assert_eq!(ids, expected);
        assert_eq!(
            body["items"][3]["formats"]["http-stream"]["action"],
            "close"
        );
        // Unsequenced bodies carry no ids.
        let plain: Value = serde_json::from_slice(&stream_body("c", "x").unwrap()).unwrap();
        assert!(plain["items"][0].get("id").is_none());
    }
}
