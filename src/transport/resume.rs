//! Resumable streams (2025-11-25), statelessly. A tool may ask to let the client's
//! connection go while it works (`RequestContext::disconnect`): the reply then starts
//! with a priming event (an id and empty data) and `retry`, and ends without the result.
//! The client reconnects with `GET` and `Last-Event-ID`; the id is signed and carries
//! the call (its id, params and caller), so any instance can run the call again and
//! answer the GET with its result. Plain GETs stay 405: a stream is resumed, never opened.
//! Only calls that can run again without harm may do this (the tool decides).

use crate::jsonrpc::{Request, RequestId};
use crate::mcp::request_state::{StateSigner, LIFETIME_SECONDS};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

const PREFIX: &str = "e1.";
const DOMAIN: &[u8] = b"mcp-edge event-id v1\n";
/// How long the client waits before it reconnects (ms).
pub const RETRY_MS: u32 = 500;

/// A call that may be resumed: what its event ids carry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResumePoint {
    #[serde(rename = "i")]
    pub id: Value,
    #[serde(rename = "p")]
    pub params: Map<String, Value>,
    #[serde(rename = "u")]
    pub principal: String,
    #[serde(rename = "e")]
    pub expires: u64,
}

impl ResumePoint {
    pub fn new(id: &RequestId, params: Map<String, Value>, principal: &str) -> Self {
        ResumePoint {
            id: serde_json::to_value(id).unwrap_or(Value::Null),
            params,
            principal: principal.to_owned(),
            expires: 0,
        }
    }

    /// The priming event: this point's signed id, the retry interval, empty data.
    pub fn priming_event(mut self, signer: &StateSigner) -> Vec<u8> {
        self.expires = signer.now().saturating_add(LIFETIME_SECONDS);
        let payload = serde_json::to_vec(&self).unwrap_or_default();
        let id = format!("{PREFIX}{}", signer.seal_raw(DOMAIN, &payload));
        format!("id: {id}\nretry: {RETRY_MS}\ndata: \n\n").into_bytes()
    }

    /// The call a `Last-Event-ID` resumes, when this key signed it for `principal` and it
    /// has not expired.
    pub fn open(signer: &StateSigner, principal: &str, event_id: &str) -> Option<Request> {
        let payload = signer
            .open_raw(DOMAIN, event_id.strip_prefix(PREFIX)?)
            .ok()?;
        let point: ResumePoint = serde_json::from_slice(&payload).ok()?;
        let ours = point.principal == principal && point.expires > signer.now();
        ours.then(|| Request {
            id: RequestId::of_value(point.id).unwrap_or(RequestId::Null),
            method: "tools/call".into(),
            params: Some(point.params),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_priming_event_resumes_its_call_for_its_caller_while_fresh() {
        let signer = |now| StateSigner::new(b"0123456789abcdef".to_vec(), now).unwrap();
        let params = Map::from_iter([("name".into(), json!("test_reconnection"))]);
        let point = ResumePoint::new(&RequestId::Str("r".into()), params, "alice");
        let event = String::from_utf8(point.priming_event(&signer(10))).unwrap();
        assert!(event.ends_with("\nretry: 500\ndata: \n\n"), "{event}");
        let id = event
            .strip_prefix("id: ")
            .unwrap()
            .split('\n')
            .next()
            .unwrap();
        let request = ResumePoint::open(&signer(10), "alice", id).unwrap();
        assert_eq!(request.id, RequestId::Str("r".into()));
        assert_eq!(request.params.unwrap()["name"], "test_reconnection");
        assert!(ResumePoint::open(&signer(10), "bob", id).is_none());
        assert!(ResumePoint::open(&signer(10 + LIFETIME_SECONDS), "alice", id).is_none());
        assert!(ResumePoint::open(&signer(10), "alice", &format!("{id}x")).is_none());
    }
}
