//! The client request, read once through the raw request handle: method, path and query,
//! the headers some layer reads, and a bounded body.
//!
//! Why not `fastly::Request::from_client()`: its lazy request (reference-counted header
//! cells, every header name loaded and parsed into a `HeaderMap`) cost more guest time
//! than the whole MCP dispatch of a tools/call in the guest profile (`make profile`,
//! bench/README.md). Reading the few headers the service uses by name is a handful of
//! hostcalls and nothing else.

use fastly::handle::{client_request_and_body, BodyHandle, RequestHandle};
use http::header::HeaderName;
use mcp_edge::headers;
use mcp_edge::transport::envelope;
use std::io::Read;

/// Every header any layer reads (auth, origin check, content negotiation, MCP version,
/// session, method and name, Last-Event-ID, Grip-Sig). A header not listed here never reaches the
/// transports.
const READ_HEADERS: [HeaderName; 12] = [
    http::header::HOST,
    http::header::ORIGIN,
    http::header::ACCEPT,
    http::header::CONTENT_TYPE,
    http::header::CONTENT_LENGTH,
    http::header::AUTHORIZATION,
    headers::MCP_PROTOCOL_VERSION,
    headers::MCP_SESSION_ID,
    headers::MCP_METHOD,
    headers::MCP_NAME,
    headers::LAST_EVENT_ID,
    headers::GRIP_SIG,
];

/// Longest header value read (an OAuth access token can be several KB); longer values
/// are dropped, which the layer reading them treats as absent or invalid.
const MAX_HEADER_VALUE: usize = 16 * 1024;

/// Longest URL read. Fastly itself limits request URLs to 8 KB; a longer one is read as
/// path "/-" so it gets the router's 404 rather than a partial path.
const MAX_URL: usize = 8 * 1024;

/// Most body room reserved up front from Content-Length; a larger body grows as it comes.
const RESERVE_MAX: u64 = 64 * 1024;

/// The request URL as the host holds it, or `None` past `MAX_URL`. Read through the ABI:
/// `RequestHandle::get_url` parses it into a `url::Url` (IDNA mapping, normalization)
/// that nothing here uses, 6-8% of a ping's guest time in `make profile`.
fn url_text(handle: &RequestHandle) -> Option<String> {
    let mut buffer = Vec::<u8>::with_capacity(MAX_URL);
    let mut written = 0;
    // SAFETY: the host writes at most `capacity` bytes at the buffer's start and says
    // how many in `written`; it never keeps the pointer past the call.
    let status = unsafe {
        fastly_sys::fastly_http_req::uri_get(
            handle.as_u32(),
            buffer.as_mut_ptr(),
            buffer.capacity(),
            &mut written,
        )
    };
    if !status.is_ok() || written > buffer.capacity() {
        return None;
    }
    // SAFETY: the first `written` bytes were initialized by the host (checked above to
    // be within the capacity).
    unsafe { buffer.set_len(written) };
    // The path keeps the URL's allocation for the whole request: not 8 KB of it.
    buffer.shrink_to_fit();
    String::from_utf8(buffer).ok()
}

/// A header value in an allocation of its own size. The SDK reads each header into a
/// buffer of the largest size allowed and hands out a view of it, so every value kept
/// held 16 KB: the heap of a tools/call spread over fresh pages, each a page fault and
/// a teardown in the host (`make bench`'s page-fault figures, bench/README.md).
fn kept(value: &http::HeaderValue) -> http::HeaderValue {
    http::HeaderValue::from_bytes(value.as_bytes()).unwrap_or_else(|_| value.clone())
}

pub struct ClientRequest {
    /// Method, path and query, and the headers in `READ_HEADERS`; the body is empty
    /// until `with_body` reads it.
    pub head: http::Request<Vec<u8>>,
    handle: RequestHandle,
    body: BodyHandle,
}

impl ClientRequest {
    pub fn from_client() -> ClientRequest {
        let (handle, body) = client_request_and_body();
        let method = handle
            .get_method(32)
            // Longer than any method a route accepts: it gets 405 or 404 like others.
            .unwrap_or_else(|_| http::Method::from_bytes(b"UNKNOWN").unwrap_or_default());
        // An absolute URL (`http://host/path?query`); one too long or that does not parse
        // as a URI is read as path "/-" (the router's 404).
        let url = url_text(&handle).and_then(|text| text.parse::<http::Uri>().ok());
        let mut head = http::Request::new(Vec::new());
        *head.method_mut() = method;
        *head.uri_mut() = match url.as_ref().and_then(|u| u.path_and_query()) {
            Some(target) => http::Uri::from(target.clone()),
            None => http::Uri::from_static("/-"),
        };
        let headers = head.headers_mut();
        for name in &READ_HEADERS {
            for value in handle.get_header_values(name, MAX_HEADER_VALUE).flatten() {
                headers.append(name, kept(&value));
            }
        }
        // A request without Host (HTTP/2 carries :authority) is checked against the URL's.
        if !headers.contains_key(http::header::HOST) {
            let host = url.as_ref().and_then(|u| u.host());
            if let Some(value) = host.and_then(|h| http::HeaderValue::from_str(h).ok()) {
                headers.insert(http::header::HOST, value);
            }
        }
        ClientRequest { head, handle, body }
    }

    pub fn path(&self) -> &str {
        self.head.uri().path()
    }

    pub fn header(&self, name: impl http::header::AsHeaderName) -> Option<&str> {
        envelope::header_str(&self.head, name)
    }

    /// Reads the body into `head`: at most `max_body + 1` bytes, enough for the
    /// transport to tell an oversized body (413) without buffering all of it.
    pub fn read_body(&mut self, max_body: usize) {
        let limit = u64::try_from(max_body).unwrap_or(u64::MAX);
        let declared_too_large = envelope::declared_length(&self.head).is_some_and(|n| n > limit);
        if !declared_too_large {
            // Room for the declared body (up to 64 KB: a client may declare more than it
            // sends) and the read that finds its end: std's read_to_end otherwise
            // starts with a 32-byte probe, one more hostcall.
            if let Some(declared) = envelope::declared_length(&self.head) {
                let room = declared.min(RESERVE_MAX).saturating_add(1);
                self.head
                    .body_mut()
                    .reserve(usize::try_from(room).unwrap_or(0));
            }
            // A client that breaks the connection mid-body leaves a short body, which
            // then fails JSON parsing with a clear error.
            let _ = (&mut self.body)
                .take(limit.saturating_add(1))
                .read_to_end(self.head.body_mut());
        }
    }

    /// The client's address, for limits on callers without credentials.
    pub fn client_address(&self) -> Option<std::net::IpAddr> {
        self.handle.client_ip_addr()
    }

    /// Hands the request to Fanout through `backend` (GET /sse); Fanout then holds the
    /// client's connection.
    pub fn handoff_fanout(mut self, backend: &str) -> bool {
        self.handle.handoff_fanout(backend).is_ok()
    }
}
