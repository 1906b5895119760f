//! The `requestState` of an "input required" answer: the handler's state for the next
//! round, signed so that no instance needs to remember it and no client can alter it.
//! MRTR says to treat it as attacker-controlled and to bind it to the principal, the
//! method and a digest of the request's parameters, with a short lifetime: a state is
//! good only for the caller, method and arguments it was issued for, for `LIFETIME`.
//!
//! Wire form: `base64url(claims JSON) "." base64url(HMAC-SHA256(key, DOMAIN + claims))`.
//! The key is the session key; `DOMAIN` keeps a state from ever verifying as anything else
//! signed with it (session ids sign other text).

use ct_codecs::{Base64UrlSafeNoPadding, Decoder, Encoder};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

const DOMAIN: &[u8] = b"mcp-edge request-state v1\n";

/// How long a state stays good: long enough for a person to fill in a form, short enough
/// that an old confirmation cannot be replayed later.
pub const LIFETIME_SECONDS: u64 = 600;

/// Params that are not part of what a state is bound to: the envelope and the answers.
const UNBOUND: [&str; 3] = ["_meta", "inputResponses", "requestState"];

/// What a state is bound to: who asked, which method, which parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding<'a> {
    pub principal: &'a str,
    pub method: &'a str,
    pub params: Option<&'a Map<String, Value>>,
}

impl Binding<'_> {
    /// SHA-256 of the params (without `UNBOUND`) as canonical JSON (keys sorted), hex.
    fn digest(&self) -> String {
        let mut text = Vec::new();
        if let Some(params) = self.params {
            let bound: Map<String, Value> = params
                .iter()
                .filter(|(k, _)| !UNBOUND.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            canonical(&Value::Object(bound), &mut text);
        }
        crate::hex::encode(&Sha256::digest(&text))
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    /// The principal's id.
    p: String,
    /// The method.
    m: String,
    /// The params digest.
    d: String,
    /// Expiry, seconds since the Unix epoch.
    e: u64,
    /// The handler's state.
    s: Value,
}

/// Why a presented state is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejected {
    Malformed,
    BadSignature,
    Expired,
    /// Signed for another caller, method or arguments.
    Foreign,
}

impl Rejected {
    pub fn reason(self) -> &'static str {
        match self {
            Rejected::Malformed => "it is malformed",
            Rejected::BadSignature => "its signature does not verify",
            Rejected::Expired => "it has expired; call again without it",
            Rejected::Foreign => "it was issued for another caller, method or arguments",
        }
    }
}

/// Signs and verifies states with one key at one moment.
pub struct StateSigner {
    key: Vec<u8>,
    /// Seconds since the Unix epoch.
    now: u64,
}

impl StateSigner {
    /// `None` when the key is too short to sign with (under 16 bytes).
    pub fn new(key: Vec<u8>, now: u64) -> Option<Self> {
        (key.len() >= 16).then_some(StateSigner { key, now })
    }

    /// Seconds since the Unix epoch, as this signer sees them.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// `payload` signed under `domain` (each use of the key has its own): the wire form
    /// of a state, also used for `transport::held`'s continuations.
    pub fn seal_raw(&self, domain: &[u8], payload: &[u8]) -> String {
        let mac = self.mac_in(domain, payload).finalize().into_bytes();
        format!("{}.{}", b64(payload), b64(&mac))
    }

    /// The payload of a token `seal_raw` made under `domain` with this key.
    pub fn open_raw(&self, domain: &[u8], token: &str) -> Result<Vec<u8>, Rejected> {
        let (payload, mac) = token.split_once('.').ok_or(Rejected::Malformed)?;
        let payload = unb64(payload)?;
        let mac = unb64(mac)?;
        self.mac_in(domain, &payload)
            .verify_slice(&mac)
            .map_err(|_| Rejected::BadSignature)?;
        Ok(payload)
    }

    pub fn seal(&self, binding: &Binding, state: Value) -> String {
        let claims = Claims {
            p: binding.principal.to_owned(),
            m: binding.method.to_owned(),
            d: binding.digest(),
            e: self.now.saturating_add(LIFETIME_SECONDS),
            s: state,
        };
        let payload = serde_json::to_vec(&claims).unwrap_or_default();
        self.seal_raw(DOMAIN, &payload)
    }

    /// The handler's state, when `token` is one this key signed for `binding` and has not
    /// expired.
    pub fn open(&self, binding: &Binding, token: &str) -> Result<Value, Rejected> {
        let payload = self.open_raw(DOMAIN, token)?;
        let claims: Claims = serde_json::from_slice(&payload).map_err(|_| Rejected::Malformed)?;
        if claims.e <= self.now {
            return Err(Rejected::Expired);
        }
        let ours = claims.p == binding.principal
            && claims.m == binding.method
            && claims.d == binding.digest();
        if !ours {
            return Err(Rejected::Foreign);
        }
        Ok(claims.s)
    }

    fn mac_in(&self, domain: &[u8], payload: &[u8]) -> HmacSha256 {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(domain);
        mac.update(payload);
        mac
    }
}

fn b64(bytes: &[u8]) -> String {
    Base64UrlSafeNoPadding::encode_to_string(bytes).unwrap_or_default()
}

fn unb64(text: &str) -> Result<Vec<u8>, Rejected> {
    Base64UrlSafeNoPadding::decode_to_vec(text, None).map_err(|_| Rejected::Malformed)
}

/// JSON with object keys sorted at every level, so the same arguments digest the same
/// whatever order a client writes them in.
fn canonical(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push(b'{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(Value::String(key.clone()).to_string().as_bytes());
                out.push(b':');
                if let Some(v) = map.get(key) {
                    canonical(v, out);
                }
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                canonical(item, out);
            }
            out.push(b']');
        }
        scalar => out.extend_from_slice(scalar.to_string().as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn params(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn a_state_opens_for_the_request_it_was_issued_for() {
        let signer = StateSigner::new(KEY.to_vec(), 1_000).unwrap();
        let p =
            params(json!({ "name": "t", "arguments": { "a": 1, "b": [1, { "y": 2, "x": 1 }] } }));
        let binding = Binding {
            principal: "alice",
            method: "tools/call",
            params: Some(&p),
        };
        let token = signer.seal(&binding, json!({ "round": 1 }));
        assert_eq!(signer.open(&binding, &token), Ok(json!({ "round": 1 })));

        // The same arguments in another order, with answers and _meta: still the same.
        let retry = params(json!({
            "arguments": { "b": [1, { "x": 1, "y": 2 }], "a": 1 }, "name": "t",
            "inputResponses": { "k": {} }, "requestState": token, "_meta": { "z": 1 }
        }));
        let again = Binding {
            params: Some(&retry),
            ..binding.clone()
        };
        assert_eq!(signer.open(&again, &token), Ok(json!({ "round": 1 })));
    }

    #[test]
    fn tampered_expired_and_foreign_states_are_refused() {
        let signer = StateSigner::new(KEY.to_vec(), 1_000).unwrap();
        let p = params(json!({ "name": "t", "arguments": { "a": 1 } }));
        let binding = Binding {
            principal: "alice",
            method: "tools/call",
            params: Some(&p),
        };
        let token = signer.seal(&binding, json!("s"));

        assert_eq!(
            signer.open(&binding, &format!("{token}-TAMPERED")),
            Err(Rejected::BadSignature)
        );
        assert_eq!(
            signer.open(&binding, &format!("{token}!")),
            Err(Rejected::Malformed)
        );
        let (payload, mac) = token.split_once('.').unwrap();
        let forged = b64(br#"{"p":"alice","m":"tools/call","d":"","e":99999999999,"s":"x"}"#);
        assert_eq!(
            signer.open(&binding, &format!("{forged}.{mac}")),
            Err(Rejected::BadSignature)
        );
        assert_eq!(signer.open(&binding, payload), Err(Rejected::Malformed));
        assert_eq!(signer.open(&binding, ""), Err(Rejected::Malformed));

        let other_key = StateSigner::new(b"another key, long enough".to_vec(), 1_000).unwrap();
        assert_eq!(
            other_key.open(&binding, &token),
            Err(Rejected::BadSignature)
        );

        let later = StateSigner::new(KEY.to_vec(), 1_000 + LIFETIME_SECONDS).unwrap();
        assert_eq!(later.open(&binding, &token), Err(Rejected::Expired));

        let bob = Binding {
            principal: "bob",
            ..binding.clone()
        };
        assert_eq!(signer.open(&bob, &token), Err(Rejected::Foreign));
        let prompt = Binding {
            method: "prompts/get",
            ..binding.clone()
        };
        assert_eq!(signer.open(&prompt, &token), Err(Rejected::Foreign));
        let other_args = params(json!({ "name": "t", "arguments": { "a": 2 } }));
        let changed = Binding {
            params: Some(&other_args),
            ..binding.clone()
        };
        assert_eq!(signer.open(&changed, &token), Err(Rejected::Foreign));
    }

    #[test]
    fn short_keys_cannot_sign() {
        assert!(StateSigner::new(b"short".to_vec(), 0).is_none());
    }
}
