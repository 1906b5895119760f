//! Self-validating session ids. No instance remembers a session, so the id carries what
//! it claims (when it was issued, the negotiated protocol version, 128 random bits) and
//! an HMAC-SHA256 over that with a key from the Secret Store. Any instance can verify
//! it; nobody without the key can forge one.

use crate::hex;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Which transport a session belongs to; an id of one kind is never valid as the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Mcp-Session-Id on Streamable HTTP; the label is the negotiated protocol version.
    StreamableHttp,
    /// sessionId of the legacy HTTP+SSE transport; the label is the principal's id (every
    /// POST must come from the principal that opened the stream). It never expires by
    /// age: see `Sessions::verify`.
    LegacySse,
}

impl Kind {
    fn tag(self) -> &'static str {
        match self {
            Kind::StreamableHttp => "s1",
            Kind::LegacySse => "l1",
        }
    }
}

/// An issued session id: `<kind>.<issued hex>.<label>.<nonce hex>.<mac hex>`, visible
/// ASCII only and URL-safe (the legacy transport puts it in a query string). Only
/// `Sessions::issue` makes one; ids a client presents are checked with `Sessions::verify`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionId(String);

impl SessionId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for SessionId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for SessionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a valid id says about its session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub issued_at: u64,
    /// The negotiated protocol version (Streamable HTTP) or the principal's id (legacy).
    pub label: String,
    /// 128 random bits, hex: unique per session (the legacy transport's channel name).
    pub nonce: String,
}

/// Session signing, loaded on first use (`crate::lazy`).
pub type LazySessions<'a> = crate::lazy::Lazy<'a, Sessions>;

/// Everything needed to issue and check ids during one request.
#[derive(Clone)]
pub struct Sessions {
    key: Vec<u8>,
    /// Seconds since the Unix epoch.
    pub now: u64,
    /// Random bits for an id issued by this request.
    pub nonce: [u8; 16],
    /// How long a Streamable HTTP id stays valid.
    pub ttl_seconds: u64,
}

impl Sessions {
    /// `None` when no key is configured: then no ids are issued and any presented id is
    /// unknown.
    pub fn new(key: Vec<u8>, now: u64, nonce: [u8; 16], ttl_seconds: u64) -> Option<Self> {
        (key.len() >= 16).then_some(Sessions {
            key,
            now,
            nonce,
            ttl_seconds,
        })
    }

    /// The signer of MRTR request states: the same key, domain-separated (a state never
    /// verifies as a session id, nor one as a state).
    pub fn state_signer(&self) -> Option<crate::mcp::request_state::StateSigner> {
        crate::mcp::request_state::StateSigner::new(self.key.clone(), self.now)
    }

    /// A new id of `kind` carrying `label` (see `Kind`), signed with this key.
    pub fn issue(&self, kind: Kind, label: &str) -> SessionId {
        self.reissue(kind, label, &hex::encode(&self.nonce))
    }

    /// An id for the session whose random bits (hex) are `nonce`, with a new label: a
    /// legacy session learns what its client can answer at initialize, after its stream
    /// (named by those bits) is open.
    pub fn reissue(&self, kind: Kind, label: &str, nonce: &str) -> SessionId {
        let claims = format!("{}.{:x}.{}.{}", kind.tag(), self.now, label, nonce);
        let mac = self.mac(&claims).finalize().into_bytes();
        SessionId(format!("{claims}.{}", hex::encode(&mac)))
    }

    /// The session, if `id` was issued with this key for this kind and has not expired.
    ///
    /// Legacy SSE ids do not expire by age. A Streamable HTTP client that gets 404 for an
    /// expired id starts a new session, as the spec requires; a legacy client learns its
    /// endpoint once, on a stream that Fanout keeps open for as long as the client stays,
    /// and has no way to learn that the endpoint died: every POST would get 404 while the
    /// stream looked healthy. Nothing stateless can end that stream at the right time on
    /// Fanout (GRIP's timed `Grip-Link` is Pushpin's, re-armed by every message, and
    /// Fastly's docs do not list it), so the session lives as long as its stream. The
    /// lifetime bought little: the id is bound to its principal, and every POST must
    /// authenticate as that principal, so a leaked id grants nothing its owner's
    /// credentials do not. Rotating the session key still ends every session.
    pub fn verify(&self, kind: Kind, id: &str) -> Option<Session> {
        let (claims, mac_hex) = id.rsplit_once('.')?;
        let mac = hex::decode(mac_hex)?;
        self.mac(claims).verify_slice(&mac).ok()?;
        let mut parts = claims.split('.');
        let (Some(tag), Some(issued), Some(label), Some(nonce), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return None;
        };
        let issued_at = u64::from_str_radix(issued, 16).ok()?;
        let live = issued_at <= self.now.saturating_add(60)
            && (kind == Kind::LegacySse || self.now.saturating_sub(issued_at) <= self.ttl_seconds);
        (tag == kind.tag() && live).then(|| Session {
            issued_at,
            label: label.to_string(),
            nonce: nonce.to_string(),
        })
    }

    fn mac(&self, claims: &str) -> HmacSha256 {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(claims.as_bytes());
        mac
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sessions(now: u64) -> Sessions {
        Sessions::new(
            b"0123456789abcdef0123456789abcdef".to_vec(),
            now,
            [7; 16],
            3600,
        )
        .unwrap()
    }

    #[test]
    fn issued_ids_verify_anywhere_until_they_expire() {
        let id = sessions(1000).issue(Kind::StreamableHttp, "2025-11-25");
        assert!(id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'));
        let expected = Session {
            issued_at: 1000,
            label: "2025-11-25".into(),
            nonce: "07".repeat(16),
        };
        assert_eq!(
            sessions(2000).verify(Kind::StreamableHttp, &id),
            Some(expected)
        );
        assert_eq!(
            sessions(1000 + 3601).verify(Kind::StreamableHttp, &id),
            None
        );
        assert_eq!(
            sessions(0).verify(Kind::StreamableHttp, &id),
            None,
            "issued in the future"
        );
    }

    #[test]
    fn legacy_ids_outlive_the_ttl() {
        let id = sessions(1000).issue(Kind::LegacySse, "principal");
        let much_later = sessions(1000 + 365 * 24 * 3600);
        assert_eq!(
            much_later.verify(Kind::LegacySse, &id).map(|s| s.label),
            Some("principal".to_string())
        );
        assert_eq!(sessions(0).verify(Kind::LegacySse, &id), None, "future");
    }

    #[test]
    fn kinds_do_not_mix() {
        let s = sessions(1000);
        let legacy = s.issue(Kind::LegacySse, "sse");
        assert!(s.verify(Kind::LegacySse, &legacy).is_some());
        assert_eq!(s.verify(Kind::StreamableHttp, &legacy), None);
        let streamable = s.issue(Kind::StreamableHttp, "2025-11-25");
        assert_eq!(s.verify(Kind::LegacySse, &streamable), None);
    }

    #[test]
    fn tampered_or_foreign_ids_are_rejected() {
        let s = sessions(1000);
        let id = s.issue(Kind::StreamableHttp, "2025-11-25");
        let tampered = id.replacen("2025-11-25", "2025-06-18", 1);
        assert_eq!(s.verify(Kind::StreamableHttp, &tampered), None);
        let mut flipped = id.as_str().as_bytes().to_vec();
        let last = flipped.len() - 1;
        flipped[last] = if flipped[last] == b'0' { b'1' } else { b'0' };
        let flipped = String::from_utf8(flipped).unwrap();
        assert_eq!(s.verify(Kind::StreamableHttp, &flipped), None);
        let other = Sessions::new(
            b"another key, also 32 bytes long!".to_vec(),
            1000,
            [7; 16],
            3600,
        );
        assert_eq!(other.unwrap().verify(Kind::StreamableHttp, &id), None);
        for junk in ["", ".", "s1", "s1.x.y.z.zz", "s1.3e8.v.n.\u{e9}\u{e9}"] {
            assert_eq!(s.verify(Kind::StreamableHttp, junk), None, "{junk}");
        }
    }

    #[test]
    fn short_keys_disable_sessions() {
        assert!(Sessions::new(Vec::new(), 0, [0; 16], 1).is_none());
        assert!(Sessions::new(b"short".to_vec(), 0, [0; 16], 1).is_none());
    }
}
