//! Which part of the service a path belongs to.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Streamable HTTP: `/mcp`, and the bare service URL `/` (Fastly's walkthrough points
    /// the MCP Inspector at the root).
    StreamableHttp,
    /// Legacy HTTP+SSE: the event stream (held by Fanout).
    LegacySse,
    /// Legacy HTTP+SSE: where clients POST their messages.
    LegacyMessages,
    /// RFC 9728 protected resource metadata (root and `/mcp` path forms).
    ResourceMetadata,
    NotFound,
}

pub fn route(path: &str) -> Route {
    match path.trim_end_matches('/') {
        "" | "/mcp" => Route::StreamableHttp,
        "/sse" => Route::LegacySse,
        "/messages" => Route::LegacyMessages,
        "/.well-known/oauth-protected-resource" | "/.well-known/oauth-protected-resource/mcp" => {
            Route::ResourceMetadata
        }
        _ => Route::NotFound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_paths() {
        assert_eq!(route("/"), Route::StreamableHttp);
        assert_eq!(route("/mcp"), Route::StreamableHttp);
        assert_eq!(route("/mcp/"), Route::StreamableHttp);
        assert_eq!(route("/mcpx"), Route::NotFound);
        assert_eq!(route("/sse"), Route::LegacySse);
        assert_eq!(route("/messages"), Route::LegacyMessages);
        assert_eq!(
            route("/.well-known/oauth-protected-resource/mcp"),
            Route::ResourceMetadata
        );
        assert_eq!(
            route("/.well-known/oauth-protected-resource"),
            Route::ResourceMetadata
        );
        assert_eq!(route("/favicon.ico"), Route::NotFound);
    }
}
