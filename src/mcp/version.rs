//! Protocol versions this server speaks and how they are chosen.

/// The stateless revision: no initialize, every request carries its own `_meta`
/// (protocol version, client capabilities), served by `transport::modern`'s rules.
pub const MODERN: &str = "2026-07-28";

/// The revisions negotiated with initialize, newest first. 2024-11-05 is kept for legacy
/// HTTP+SSE clients.
pub const SUPPORTED: [&str; 4] = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

/// Every revision this server speaks, newest first: what server/discover lists and an
/// unsupported-version error names.
pub const ALL: [&str; 5] = [
    MODERN,
    SUPPORTED[0],
    SUPPORTED[1],
    SUPPORTED[2],
    SUPPORTED[3],
];

/// The newest revision initialize negotiates.
pub const LATEST: &str = SUPPORTED[0];

/// The version of the legacy HTTP+SSE transport (its messages carry no version header).
pub const LEGACY_SSE: &str = "2024-11-05";

/// What a Streamable HTTP request without an MCP-Protocol-Version header is assumed to use.
pub const ASSUMED_WITHOUT_HEADER: &str = "2025-03-26";

/// The supported version with this name, if any.
pub fn supported(version: &str) -> Option<&'static str> {
    SUPPORTED.into_iter().find(|v| *v == version)
}

/// initialize: the client's version when supported, else our latest (not an error; the
/// client decides whether it can continue).
pub fn negotiate(requested: &str) -> &'static str {
    supported(requested).unwrap_or(LATEST)
}

/// JSON-RPC batches exist in 2025-03-26 and earlier; 2025-06-18 removed them.
pub fn allows_batching(version: &str) -> bool {
    version <= "2025-03-26"
}

/// From 2025-03-26, initialize must not be part of a batch.
pub fn initialize_alone(version: &str) -> bool {
    version >= "2025-03-26"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_echoes_known_versions_and_falls_back_to_latest() {
        for v in SUPPORTED {
            assert_eq!(negotiate(v), v);
        }
        assert_eq!(negotiate("1999-01-01"), LATEST);
        assert_eq!(negotiate("2026-07-28"), LATEST);
    }

    #[test]
    fn batching_follows_the_version() {
        assert!(allows_batching("2025-03-26"));
        assert!(allows_batching("2024-11-05"));
        assert!(!allows_batching("2025-06-18"));
        assert!(!allows_batching("2025-11-25"));
    }
}
