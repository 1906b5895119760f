//! The named backends at the edge: each tool catalog's requests go to its own backend,
//! Fanout publishes to `api`; secrets come from the Secret Store (read once per request,
//! cached in memory only).

use fastly::handle::BodyHandle;
use fastly::http::request::SendErrorCause;
use fastly::http::Url;
use fastly::{Backend, Request, Response};
use mcp_edge::upstream::{Upstream, UpstreamError, UpstreamRequest, UpstreamResponse};
use std::cell::RefCell;
use std::io::Read;

/// Largest response body read from an API; tools cut their results far below this.
const MAX_RESPONSE_BYTES: u64 = 8 * 1024 * 1024;

#[derive(Default)]
pub struct Backends {
    /// The secrets read so far (a request reads one or two): a list, not a `HashMap`,
    /// whose `RandomState` draws its keys from the host (a `random_get` hostcall) when
    /// it is made, on every request, secrets read or not.
    secrets: RefCell<Vec<(String, Option<String>)>>,
}

impl Upstream for Backends {
    fn send(&self, request: UpstreamRequest) -> Result<UpstreamResponse, UpstreamError> {
        // The URL's host is the backend's own (the Host header an API expects, unless the
        // backend overrides it); where the request really goes is the backend's address.
        let backend = Backend::from_name(&request.backend)
            .ok()
            .filter(Backend::exists)
            .ok_or(UpstreamError::NoSuchBackend)?;
        // Parsed here, not by `Request::new` (which panics on a URL it cannot parse):
        // the host is ASCII only (Cargo.toml: idna_adapter), like every DNS name a
        // backend can be defined with.
        let url = format!("https://{}{}", backend.get_host(), request.path_and_query);
        let url = Url::parse(&url).map_err(|_| UpstreamError::Unreachable)?;
        let mut outgoing = Request::new(request.method, url);
        for (name, value) in &request.headers {
            outgoing.set_header(name, value);
        }
        if let Some(body) = request.body {
            outgoing.set_body(body);
        }
        outgoing.set_pass(true);
        // Sent through the handle API, which is what `Request::send` does for a pass request
        // (its "host caching" mode) once it has checked the URL's scheme and authority, both
        // fixed above. `Request::send` would also link the SDK's guest-side HTTP cache and
        // Image Optimizer paths, which a pass request never takes: 160 KB of the module and
        // 22 KB of its data image, which every instance maps in 64 KB windows, a page
        // fault each (bench/README.md, "What a cold request runs").
        let (request_handle, body_handle) = outgoing.into_handles();
        let (response_handle, response_body) = request_handle
            .send_to_backend(body_handle.unwrap_or_else(BodyHandle::new), &backend)
            .map_err(|cause| match cause {
                SendErrorCause::DnsTimeout
                | SendErrorCause::ConnectionTimeout
                | SendErrorCause::HttpResponseTimeout => UpstreamError::Timeout,
                _ => UpstreamError::Unreachable,
            })?;
        let mut response = Response::from_handles(response_handle, response_body);
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
        let mut secrets = self.secrets.borrow_mut();
        if let Some((_, value)) = secrets.iter().find(|(name, _)| name == key) {
            return value.clone();
        }
        let value = super::secrets::get(key).and_then(|s| String::from_utf8(s).ok());
        secrets.push((key.to_string(), value.clone()));
        value
    }
}
