//! Which part of the service a path belongs to.

pub use crate::auth::resource::ResourcePath;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Streamable HTTP: `/mcp`, and the bare service URL `/` (Fastly's walkthrough points
    /// the MCP Inspector at the root); each is its own OAuth resource.
    StreamableHttp(ResourcePath),
    /// Legacy HTTP+SSE: the event stream (held by Fanout).
    LegacySse,
    /// Legacy HTTP+SSE: where clients POST their messages.
    LegacyMessages,
    /// RFC 9728 protected resource metadata of one endpoint: the root form for `/`, the
    /// path-inserted forms for `/mcp` and `/sse`.
    ResourceMetadata(ResourcePath),
    /// Where Fanout fetches what a held call's stream missed (`/held/<channel>`): Fanout
    /// only, never a client (`transport::held_stream`).
    HeldStream,
    NotFound,
}

impl Route {
    /// A route that speaks MCP (Host/Origin rules and CORS apply).
    pub fn is_mcp(self) -> bool {
        matches!(
            self,
            Route::StreamableHttp(_) | Route::LegacySse | Route::LegacyMessages
        )
    }

    /// A route of the legacy HTTP+SSE transport.
    pub fn is_legacy(self) -> bool {
        matches!(self, Route::LegacySse | Route::LegacyMessages)
    }

    /// The OAuth resource a request on this route is for (`/messages` belongs to `/sse`,
    /// where its clients got their tokens).
    pub fn resource_path(self) -> ResourcePath {
        match self {
            Route::StreamableHttp(path) | Route::ResourceMetadata(path) => path,
            Route::LegacySse | Route::LegacyMessages => ResourcePath::Sse,
            Route::HeldStream | Route::NotFound => ResourcePath::Root,
        }
    }
}

pub fn route(path: &str) -> Route {
    match path.trim_end_matches('/') {
        "" => Route::StreamableHttp(ResourcePath::Root),
        "/mcp" => Route::StreamableHttp(ResourcePath::Mcp),
        "/sse" => Route::LegacySse,
        "/messages" => Route::LegacyMessages,
        "/.well-known/oauth-protected-resource" => Route::ResourceMetadata(ResourcePath::Root),
        "/.well-known/oauth-protected-resource/mcp" => Route::ResourceMetadata(ResourcePath::Mcp),
        "/.well-known/oauth-protected-resource/sse" => Route::ResourceMetadata(ResourcePath::Sse),
        p if p.starts_with(crate::transport::held_stream::NEXT_PATH) => Route::HeldStream,
        _ => Route::NotFound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_paths() {
        assert_eq!(route("/"), Route::StreamableHttp(ResourcePath::Root));
        assert_eq!(route("/mcp"), Route::StreamableHttp(ResourcePath::Mcp));
        assert_eq!(route("/mcp/"), Route::StreamableHttp(ResourcePath::Mcp));
        assert_eq!(route("/mcpx"), Route::NotFound);
        assert_eq!(route("/sse"), Route::LegacySse);
        assert_eq!(route("/messages"), Route::LegacyMessages);
        assert_eq!(route("/held/mcp-call-0a"), Route::HeldStream);
        assert_eq!(route("/held"), Route::NotFound);
        assert_eq!(
            route("/.well-known/oauth-protected-resource/mcp"),
            Route::ResourceMetadata(ResourcePath::Mcp)
        );
        assert_eq!(
            route("/.well-known/oauth-protected-resource/sse"),
            Route::ResourceMetadata(ResourcePath::Sse)
        );
        assert_eq!(
            route("/.well-known/oauth-protected-resource"),
            Route::ResourceMetadata(ResourcePath::Root)
        );
        assert_eq!(
            route("/.well-known/oauth-protected-resource/messages"),
            Route::NotFound
        );
        assert_eq!(route("/favicon.ico"), Route::NotFound);
    }

    #[test]
    fn each_route_belongs_to_one_resource() {
        assert_eq!(route("/").resource_path(), ResourcePath::Root);
        assert_eq!(route("/mcp").resource_path(), ResourcePath::Mcp);
        assert_eq!(route("/sse").resource_path(), ResourcePath::Sse);
        assert_eq!(route("/messages").resource_path(), ResourcePath::Sse);
        assert_eq!(
            route("/.well-known/oauth-protected-resource/sse").resource_path(),
            ResourcePath::Sse
        );
    }
}
