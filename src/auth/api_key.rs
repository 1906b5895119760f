//! API keys: clients send `Authorization: Bearer <key>`; the Secret Store holds only
//! SHA-256 hashes of the keys (`api_keys`), each with a name and the tool sets it may
//! use. Every stored hash is compared in constant time, so timing tells nothing about
//! which key or how much of it matched. A key's name is its identity (logs, rate limits,
//! the binding of legacy SSE sessions), so names must be unique: entries sharing a name
//! are all refused, and an unreadable secret refuses every key, each with a warning.

use super::{Grant, Principal, PrincipalKind};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// One entry of the `api_keys` secret (a JSON array of these).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyEntry {
    pub name: String,
    /// Lowercase hex SHA-256 of the key.
    pub sha256: String,
    /// Tool sets this key may use.
    pub tool_sets: Vec<String>,
    /// Tool sets whose data-changing tools this key may run.
    #[serde(default)]
    pub write_sets: Vec<String>,
}

/// The warning when the `api_keys` secret cannot be read as a list of entries.
pub const UNREADABLE: &str =
    "api_keys is not a JSON list of {name, sha256, tool_sets}: no API key is accepted";
/// The warning when entries share a name (or have none).
pub const DUPLICATE_NAMES: &str =
    "api_keys has entries with the same (or an empty) name: those keys are refused";

/// The usable entries of the `api_keys` secret, and what was wrong with it: entries whose
/// name is empty or shared with another entry are dropped (all of them: which one was
/// meant cannot be told), an unreadable secret gives none.
pub fn load(entries_json: &str) -> (Vec<KeyEntry>, Option<&'static str>) {
    let Ok(entries) = serde_json::from_str::<Vec<KeyEntry>>(entries_json) else {
        return (Vec::new(), Some(UNREADABLE));
    };
    let refused: Vec<bool> = entries
        .iter()
        .map(|e| e.name.is_empty() || entries.iter().filter(|o| o.name == e.name).count() > 1)
        .collect();
    let warning = refused.contains(&true).then_some(DUPLICATE_NAMES);
    let usable = entries
        .into_iter()
        .zip(refused)
        .filter_map(|(entry, refused)| (!refused).then_some(entry))
        .collect();
    (usable, warning)
}

/// The principal of a presented key, if a stored hash matches.
pub fn authenticate(presented: &str, entries: &[KeyEntry]) -> Option<Principal> {
    let digest = Sha256::digest(presented.as_bytes());
    let mut found = None;
    for entry in entries {
        let Some(stored) = crate::hex::decode(&entry.sha256).filter(|h| h.len() == 32) else {
            continue;
        };
        if constant_time_eq(&stored, digest.as_slice()) && found.is_none() {
            found = Some(entry);
        }
    }
    found.map(|entry| Principal {
        kind: PrincipalKind::ApiKey,
        name: entry.name.clone(),
        identity: entry.name.clone(),
        grants: entry
            .tool_sets
            .iter()
            .map(|set| Grant {
                tool_set: set.clone(),
                write: entry.write_sets.contains(set),
            })
            .collect(),
        scopes: Vec::new(),
    })
}

/// Equality whose time depends only on the lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The hex SHA-256 to store for a key (used by tests and documented for operators).
pub fn hash_key(key: &str) -> String {
    crate::hex::encode(&Sha256::digest(key.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries() -> Vec<KeyEntry> {
        let (entries, warning) = load(&json());
        assert_eq!(warning, None);
        entries
    }

    fn json() -> String {
        serde_json::json!([
            { "name": "librechat", "sha256": hash_key("k-one"), "tool_sets": ["fastly"] },
            { "name": "ops", "sha256": hash_key("k-two"), "tool_sets": ["fastly", "backoffice"], "write_sets": ["backoffice"] },
            { "name": "broken", "sha256": "zz", "tool_sets": [] }
        ])
        .to_string()
    }

    #[test]
    fn keys_match_by_hash_and_carry_their_grants() {
        let p = authenticate("k-two", &entries()).unwrap();
        assert_eq!(p.name, "ops");
        assert!(p.may_use("backoffice", true));
        assert!(p.may_use("fastly", false));
        assert!(!p.may_use("fastly", true));
        let q = authenticate("k-one", &entries()).unwrap();
        assert!(!q.may_use("backoffice", false));
    }

    #[test]
    fn unknown_keys_and_bad_stores_are_refused() {
        assert!(authenticate("k-three", &entries()).is_none());
        assert!(authenticate("", &entries()).is_none());
        assert_eq!(load("not json"), (Vec::new(), Some(UNREADABLE)));
        assert!(
            authenticate(&hash_key("k-one"), &entries()).is_none(),
            "the hash is not the key"
        );
    }

    /// A key's name is its identity: two entries with one name would be one principal
    /// (one rate limit, each able to post into the other's legacy SSE sessions).
    #[test]
    fn entries_sharing_a_name_are_all_refused() {
        let json = serde_json::json!([
            { "name": "librechat", "sha256": hash_key("k-one"), "tool_sets": ["fastly"] },
            { "name": "librechat", "sha256": hash_key("k-two"), "tool_sets": ["fastly"] },
            { "name": "", "sha256": hash_key("k-empty"), "tool_sets": ["fastly"] },
            { "name": "ops", "sha256": hash_key("k-three"), "tool_sets": ["fastly"] }
        ])
        .to_string();
        let (entries, warning) = load(&json);
        assert_eq!(warning, Some(DUPLICATE_NAMES));
        for refused in ["k-one", "k-two", "k-empty"] {
            assert!(authenticate(refused, &entries).is_none(), "{refused}");
        }
        let ops = authenticate("k-three", &entries).unwrap();
        assert_eq!((ops.name.as_str(), ops.identity.as_str()), ("ops", "ops"));
    }

    #[test]
    fn constant_time_eq_is_equality() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
