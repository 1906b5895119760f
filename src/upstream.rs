//! The HTTP API behind the server (backend `api`), as tools see it: requests relative to
//! the API's base, secrets by Secret Store key. The edge implements it with a Fastly
//! backend; tests use doubles. Nothing a tool sends can pick another host: requests
//! carry a path, never a URL.

#[derive(Debug, Clone, PartialEq)]
pub struct UpstreamRequest {
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

/// Why no response came back; never carries request data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpstreamError {
    Unreachable,
    Timeout,
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
