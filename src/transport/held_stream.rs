//! A call's stream held by Fanout (`held.rs`) never depends on a publish arriving after
//! Fanout subscribed the stream to its channel. The client answers a question as soon
//! as it sees it, and its answer's publish may reach Fanout before the subscription does
//! (Fastly documents no ordering between a hold and a publish); Fanout then drops it.
//! So the stream is reliable in GRIP's sense, the way fastly/pubsub keeps its durable
//! topics:
//!
//! - What follows the first question is sent in numbered event groups (the first
//!   question is group 1, in the hold's own body). Each group is written to the KV Store
//!   `mcp_streams` (key `<channel>/<n>`, kept 11 minutes) before it is published, with
//!   GRIP `id`/`prev-id` chaining it to the group before.
//! - The hold says which group the client has (`Grip-Channel: <channel>; prev-id=<n>`)
//!   and where to fetch what it missed (`Grip-Link: </held/<channel>?...>; rel=next;
//!   timeout=5`). Fanout requests that link when a published group does not follow the
//!   one it has (a gap), and after 5 seconds without any: `next` answers with the stored
//!   groups after `Grip-Last` (the result ends the stream), or holds again.
//! - A question whose answer never comes ends the stream with a tool error once its
//!   continuation has expired (10 minutes).
//! - Each question's event carries an SSE id naming its group (signed, bound to the
//!   caller): a client whose connection broke resumes with `GET` and `Last-Event-ID`
//!   at any instance, and is held again on the channel from that group on (`reopen`).

use super::sse;
use crate::fanout::publish::{sequenced_body, Publisher};
use crate::headers::{GRIP_CHANNEL, GRIP_HOLD, GRIP_KEEP_ALIVE, GRIP_LINK};
use crate::jsonrpc::RequestId;
use crate::mcp::request_state::{StateSigner, LIFETIME_SECONDS};
use http::header::{self, HeaderValue};
use http::{Request, Response, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The KV Store the groups are kept in (fastly.toml `[setup.kv_stores]`).
pub const STORE: &str = "mcp_streams";
/// How long a group is kept: a continuation's lifetime and a minute more.
pub const KEEP_SECONDS: u64 = LIFETIME_SECONDS + 60;
/// Seconds without an event after which Fanout asks for what the stream may have missed.
pub const RECOVER_SECONDS: u64 = 5;
/// Where Fanout fetches what a held call's stream missed.
pub const NEXT_PATH: &str = "/held/";
/// Groups one `next` sends at most (a call's groups are one per answer).
const MAX_GROUPS: u64 = 16;
const ID_PREFIX: &str = "h1.";
const ID_DOMAIN: &[u8] = b"mcp-edge held stream v1\n";

/// Where a held call's event groups are kept; the edge implements it with the KV Store.
pub trait StreamStore {
    /// Keeps `value` under `key` for `KEEP_SECONDS`; false when it could not.
    fn put(&self, key: &str, value: &[u8]) -> bool;
    fn get(&self, key: &str) -> Option<Vec<u8>>;
}

/// A deployment without the store: nothing is kept, so nothing missed can be fetched.
pub struct NoStore;

impl StreamStore for NoStore {
    fn put(&self, _: &str, _: &[u8]) -> bool {
        false
    }
    fn get(&self, _: &str) -> Option<Vec<u8>> {
        None
    }
}

/// Kept in memory (tests, benchmarks, the fuzz target).
impl StreamStore for std::cell::RefCell<std::collections::HashMap<String, Vec<u8>>> {
    fn put(&self, key: &str, value: &[u8]) -> bool {
        self.borrow_mut().insert(key.to_owned(), value.to_vec());
        true
    }
    fn get(&self, key: &str) -> Option<Vec<u8>> {
        self.borrow().get(key).cloned()
    }
}

/// One event group: the SSE events one pass of the call sent, whether they end the
/// stream (the result), and until when the question among them can be answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub events: Vec<u8>,
    pub closes: bool,
    pub expires: u64,
}

impl Group {
    fn encode(&self) -> Vec<u8> {
        let mut out = format!("{} {}\n", u8::from(self.closes), self.expires).into_bytes();
        out.extend_from_slice(&self.events);
        out
    }

    fn decode(stored: &[u8]) -> Option<Group> {
        let split = stored.iter().position(|&b| b == b'\n')?;
        let (head, events) = (stored.get(..split)?, stored.get(split + 1..)?);
        let (closes, expires) = std::str::from_utf8(head).ok()?.split_once(' ')?;
        Some(Group {
            events: events.to_vec(),
            closes: closes == "1",
            expires: expires.parse().ok()?,
        })
    }
}

fn key(channel: &str, group: u64) -> String {
    format!("{channel}/{group}")
}

/// Keeps group `number` of `channel`, then publishes it after group `number - 1`. A
/// group that could not be kept is still published (most publishes arrive).
pub fn send(
    store: &dyn StreamStore,
    publisher: &mut dyn Publisher,
    channel: &str,
    number: u64,
    group: &Group,
) -> Result<(), super::envelope::Refusal> {
    store.put(&key(channel, number), &group.encode());
    let events = String::from_utf8_lossy(&group.events);
    let body = sequenced_body(channel, &events, group.closes, number);
    super::held::publish_body(publisher, body)
}

/// The next link of a held call: its channel, its call's id (to end it with an error
/// when the question expires) and the first question's expiry.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub channel: String,
    pub id: Value,
    pub expires: u64,
}

impl Link {
    /// `/held/<channel>?e=<expiry>&i=<the call id's JSON, hex>`; Fanout resolves it
    /// against the client's URL and sends it back through backend `self`.
    fn path(&self) -> String {
        let id = crate::hex::encode(self.id.to_string().as_bytes());
        format!("{NEXT_PATH}{}?e={}&i={id}", self.channel, self.expires)
    }

    fn parse(path: &str, query: &str) -> Option<Link> {
        let channel = path.strip_prefix(NEXT_PATH)?;
        let valid = |c: char| c.is_ascii_alphanumeric() || c == '-';
        if !channel.starts_with("mcp-call-") || !channel.chars().all(valid) {
            return None;
        }
        let (mut expires, mut id) = (None, None);
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some(("e", e)) => expires = e.parse().ok(),
                Some(("i", i)) => {
                    let bytes = crate::hex::decode(i)?;
                    id = serde_json::from_slice(&bytes).ok();
                }
                _ => {}
            }
        }
        Some(Link {
            channel: channel.to_owned(),
            id: id?,
            expires: expires?,
        })
    }
}

/// Holds the client's stream on the link's channel, the client having group `has`;
/// `body` is sent first.
pub fn hold(link: &Link, has: u64, body: Vec<u8>, keepalive_seconds: u64) -> Response<Vec<u8>> {
    let mut response = Response::new(body);
    let pairs = [
        (header::CONTENT_TYPE, "text/event-stream".to_string()),
        (header::CACHE_CONTROL, "no-cache".to_string()),
        (GRIP_HOLD, "stream".to_string()),
        (GRIP_CHANNEL, format!("{}; prev-id={has}", link.channel)),
        (
            GRIP_LINK,
            format!("<{}>; rel=next; timeout={RECOVER_SECONDS}", link.path()),
        ),
        (
            GRIP_KEEP_ALIVE,
            format!(":\\n\\n; format=cstring; timeout={keepalive_seconds}"),
        ),
    ];
    let headers = response.headers_mut();
    for (name, value) in pairs {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    response
}

/// The last part of a held stream: a 200 without GRIP instructions, which Fanout
/// appends to the stream and then closes it.
fn last(body: Vec<u8>) -> Response<Vec<u8>> {
    let mut response = Response::new(body);
    let event_stream = HeaderValue::from_static("text/event-stream");
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, event_stream);
    response
}

/// The groups after `has` that are kept, as one body; the last one's number, and
/// whether they end the stream.
fn kept_after(store: &dyn StreamStore, channel: &str, has: u64) -> (Vec<u8>, u64, bool) {
    let mut body = Vec::new();
    let mut upto = has;
    while upto < has + MAX_GROUPS {
        let Some(group) = store
            .get(&key(channel, upto + 1))
            .and_then(|g| Group::decode(&g))
        else {
            break;
        };
        body.extend_from_slice(&group.events);
        upto += 1;
        if group.closes {
            return (body, upto, true);
        }
    }
    (body, upto, false)
}

/// Fanout's request of a held call's next link (already known to come from Fanout):
/// what the stream missed, else hold on; a question left unanswered past its expiry
/// ends the call with a tool error.
pub fn next(
    req: &Request<Vec<u8>>,
    store: &dyn StreamStore,
    now: u64,
    keepalive_seconds: u64,
) -> Response<Vec<u8>> {
    let query = req.uri().query().unwrap_or_default();
    let Some(link) = Link::parse(req.uri().path(), query) else {
        return not_found();
    };
    let Some(has) = grip_last(req, &link.channel) else {
        return last(Vec::new());
    };
    let (body, upto, closes) = kept_after(store, &link.channel, has);
    if closes {
        return last(body);
    }
    if upto == has {
        let asked = store.get(&key(&link.channel, has));
        let asked = asked.and_then(|g| Group::decode(&g)).map(|g| g.expires);
        if now >= asked.unwrap_or(0).max(link.expires) {
            return last(expired(&link.id));
        }
    }
    hold(&link, upto, body, keepalive_seconds)
}

/// The group a stream has on `channel`, from Fanout's `Grip-Last: <channel>; last-id=<n>`.
fn grip_last(req: &Request<Vec<u8>>, channel: &str) -> Option<u64> {
    let values = req.headers().get_all(crate::headers::GRIP_LAST);
    let entries = values.iter().filter_map(|v| v.to_str().ok());
    entries.flat_map(|v| v.split(',')).find_map(|entry| {
        let (name, params) = entry.split_once(';')?;
        (name.trim() == channel).then_some(())?;
        let id = params.trim().strip_prefix("last-id=")?;
        id.trim().parse().ok()
    })
}

/// The end of a call whose question was not answered in time.
fn expired(id: &Value) -> Vec<u8> {
    let id = RequestId::of_value(id.clone()).unwrap_or(RequestId::Null);
    let output = super::held::failed(
        &id,
        "The client did not answer this tool's question within 10 minutes, so the call ended.",
    );
    sse::message(&output.to_bytes())
}

/// A path only Fanout uses, asked by someone else (or with a malformed link).
pub fn not_found() -> Response<Vec<u8>> {
    let mut response = Response::new(b"Not Found\n".to_vec());
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

/// Where a client's held stream can be taken up again: the SSE id of a question's event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreamPoint {
    #[serde(rename = "c")]
    pub channel: String,
    /// The group the event belongs to.
    #[serde(rename = "n")]
    pub group: u64,
    /// The call's id and the question's expiry, for the next link.
    #[serde(rename = "i")]
    pub id: Value,
    #[serde(rename = "e")]
    pub expires: u64,
    #[serde(rename = "u")]
    pub principal: String,
}

impl StreamPoint {
    pub fn seal(&self, signer: &StateSigner) -> String {
        let payload = serde_json::to_vec(self).unwrap_or_default();
        format!("{ID_PREFIX}{}", signer.seal_raw(ID_DOMAIN, &payload))
    }

    pub fn is_one(event_id: &str) -> bool {
        event_id.starts_with(ID_PREFIX)
    }

    /// The point an event id names, when this key signed it for `principal` within
    /// the time a group is kept.
    pub fn open(signer: &StateSigner, principal: &str, event_id: &str) -> Option<StreamPoint> {
        let token = event_id.strip_prefix(ID_PREFIX)?;
        let payload = signer.open_raw(ID_DOMAIN, token).ok()?;
        let point: StreamPoint = serde_json::from_slice(&payload).ok()?;
        let fresh = point
            .expires
            .saturating_add(KEEP_SECONDS - LIFETIME_SECONDS)
            > signer.now();
        (point.principal == principal && fresh).then_some(point)
    }

    /// Fanout's callback of the resuming GET: hold the stream again from this point on,
    /// with what was kept since.
    pub fn reopen(&self, store: &dyn StreamStore, keepalive_seconds: u64) -> Response<Vec<u8>> {
        let (body, upto, closes) = kept_after(store, &self.channel, self.group);
        if closes {
            return last(body);
        }
        hold(&self.link(), upto, body, keepalive_seconds)
    }

    /// The link of the stream this point belongs to.
    pub fn link(&self) -> Link {
        Link {
            channel: self.channel.clone(),
            id: self.id.clone(),
            expires: self.expires,
        }
    }
}

/// `event` (a JSON-RPC message) as an SSE event with `id`.
pub fn event_with_id(id: &str, message: &[u8]) -> Vec<u8> {
    let mut out = format!("id: {id}\n").into_bytes();
    out.extend_from_slice(&sse::message(message));
    out
}

#[cfg(test)]
mod tests;
