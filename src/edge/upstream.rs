//! Backend `api` at the edge: tool requests and Fanout publishes go out through it, and
//! secrets come from the Secret Store (read once per request, cached in memory only).

use fastly::http::request::SendErrorCause;
use fastly::Request;
use mcp_edge::upstream::{Upstream, UpstreamError, UpstreamRequest, UpstreamResponse};
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Read;

const BACKEND: &str = "api";
/// Largest response body read from the API; tools cut their results far below this.
const MAX_RESPONSE_BYTES: u64 = 8 * 1024 * 1024;

pub struct ApiBackend {
    /// Host name put in request URLs (the backend decides where they really go).
    host: String,
    secrets: RefCell<HashMap<String, Option<String>>>,
}

impl ApiBackend {
    pub fn new(host: &str) -> Self {
        ApiBackend {
            host: host.to_string(),
            secrets: RefCell::new(HashMap::new()),
        }
    }
}

impl Upstream for ApiBackend {
    fn send(&self, request: UpstreamRequest) -> Result<UpstreamResponse, UpstreamError> {
        let url = format!("https://{}{}", self.host, request.path_and_query);
        let mut outgoing = Request::new(request.method, url);
        for (name, value) in &request.headers {
            outgoing.set_header(name, value);
        }
        if let Some(body) = request.body {
            outgoing.set_body(body);
        }
        outgoing.set_pass(true);
        let mut response = outgoing.send(BACKEND).map_err(|e| match e.root_cause() {
            SendErrorCause::DnsTimeout
            | SendErrorCause::ConnectionTimeout
            | SendErrorCause::HttpResponseTimeout => UpstreamError::Timeout,
            _ => UpstreamError::Unreachable,
        })?;
        let mut body = Vec::new();
        // A broken body is read as far as it goes; JSON parsing then reports it.
        let _ = response
            .take_body()
            .take(MAX_RESPONSE_BYTES)
            .read_to_end(&mut body);
        let mut headers = http::HeaderMap::new();
        for (name, value) in response.get_headers() {
            headers.append(name.clone(), value.clone());
        }
        Ok(UpstreamResponse {
            status: response.get_status().as_u16(),
            headers,
            body,
        })
    }

    fn secret(&self, key: &str) -> Option<String> {
        self.secrets
            .borrow_mut()
            .entry(key.to_string())
            .or_insert_with(|| super::secrets::get(key).and_then(|s| String::from_utf8(s).ok()))
            .clone()
    }
}
