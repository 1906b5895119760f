//! The HTTP APIs behind the server, as tools and the Fanout publisher see them: requests
//! to a named backend, relative to its base, and secrets by Secret Store key. The edge
//! implements it with Fastly backends; tests use doubles. Nothing a tool sends can pick
//! another host: requests carry a backend its catalog names and a path, never a URL.

/// The backend of the Fastly API: the `fastly` tools and every Fanout publish.
pub const FASTLY_API: &str = "api";

#[derive(Debug, Clone, PartialEq)]
pub struct UpstreamRequest {
    /// The named backend it goes to.
    pub backend: String,
    pub method: http::Method,
    /// Path and query, already percent-encoded, starting with `/`.
    pub path_and_query: String,
    pub headers: Vec<(http::HeaderName, http::HeaderValue)>,
    pub body: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UpstreamResponse {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
}

impl UpstreamRequest {
    /// The same request, sent to `backend`.
    pub fn to(self, backend: &str) -> Self {
        UpstreamRequest {
            backend: backend.to_string(),
            ..self
        }
    }
}

/// Why no response came back; never carries request data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpstreamError {
    Unreachable,
    Timeout,
    /// The service has no backend of that name.
    NoSuchBackend,
}

pub trait Upstream {
    fn send(&self, request: UpstreamRequest) -> Result<UpstreamResponse, UpstreamError>;
    /// A secret by its Secret Store key; `None` when absent.
    fn secret(&self, key: &str) -> Option<String>;
}

/// For deployments and tests without an API behind them.
pub struct NoUpstream;

impl Upstream for NoUpstream {
    fn send(&self, _request: UpstreamRequest) -> Result<UpstreamResponse, UpstreamError> {
        Err(UpstreamError::Unreachable)
    }

    fn secret(&self, _key: &str) -> Option<String> {
        None
    }
}
