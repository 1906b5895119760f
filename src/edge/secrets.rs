//! Secrets from the Secret Store `mcp_secrets`. Values are returned to the caller only;
//! nothing here logs or formats them.

use fastly::SecretStore;

pub const STORE: &str = "mcp_secrets";

/// The secret's bytes, or `None` when the store or key is missing or empty.
pub fn get(key: &str) -> Option<Vec<u8>> {
    let store = SecretStore::open(STORE).ok()?;
    let secret = store.try_get(key).ok().flatten()?;
    // try_plaintext: a secret that fails to decrypt is missing, never a trap.
    let bytes = secret.try_plaintext().ok()?.to_vec();
    (!bytes.is_empty()).then_some(bytes)
}
