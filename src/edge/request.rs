//! The client request, read once through the raw request handle: method, path and query,
//! the headers some layer reads, and a bounded body.
//!
//! Why not `fastly::Request::from_client()`: its lazy request (reference-counted header
//! cells, every header name loaded and parsed into a `HeaderMap`) cost more guest time
//! than the whole MCP dispatch of a tools/call in the guest profile (`make profile`,
//! bench/README.md). Reading the few headers the service uses by name is a handful of
//! hostcalls and nothing else.

use super::raw_read::{read_sized, target};
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
    let mut buffer = Vec::new();
    read_sized(&mut buffer, MAX_URL, |buf, len, written| {
        // SAFETY: the host writes at most `len` bytes at `buf` and says how many (or,
        // with BUFLEN, how many it needs) in `written`; it keeps no pointer.
        unsafe { fastly_sys::fastly_http_req::uri_get(handle.as_u32(), buf, len, written) }.code
    })?;
    String::from_utf8(buffer).ok()
}

/// Every value of header `name` appended to `headers`, read through the ABI into
/// `scratch` (one buffer for all the headers, grown to the longest value). The SDK's
/// reader takes a buffer of the largest size allowed for every header, 16 KB each: fresh
/// heap pages and a `memory.grow` on every request, each page a fault in the host
/// (bench/README.md, "What a cold request runs").
fn read_header(
    handle: &RequestHandle,
    name: &HeaderName,
    scratch: &mut Vec<u8>,
    headers: &mut http::HeaderMap,
) {
    let key = name.as_str().as_bytes();
    let mut cursor = 0u32;
    loop {
        let mut ending = -1i64;
        // Values with their terminating NULs; one longer than the limit ends the
        // header's values, which the layer reading them treats as absent or invalid.
        let read = read_sized(scratch, MAX_HEADER_VALUE + 1, |buf, len, written| {
            // SAFETY: as in `url_text`; `key` and `ending` outlive the call.
            unsafe {
                fastly_sys::fastly_http_req::header_values_get(
                    handle.as_u32(),
                    key.as_ptr(),
                    key.len(),
                    buf,
                    len,
                    cursor,
                    &mut ending,
                    written,
                )
            }
            .code
        });
        // Each value ends with a NUL (an empty value is just the NUL).
        let Some(values) = read.and_then(|()| scratch.strip_suffix(&[0])) else {
            return;
        };
        for value in values.split(|&b| b == 0) {
            if let Ok(value) = http::HeaderValue::from_bytes(value) {
                headers.append(name, value);
            }
        }
        // The host gives the next value's index, or -1 after the last.
        match u32::try_from(ending) {
            Ok(next) if next > cursor => cursor = next,
            _ => return,
        }
    }
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
        // An absolute URL (`http://host/path?query`); one too long or whose target does
        // not parse is read as path "/-" (the router's 404).
        let url = url_text(&handle);
        let mut head = http::Request::new(Vec::new());
        *head.method_mut() = method;
        *head.uri_mut() = url
            .as_deref()
            .and_then(|url| http::Uri::try_from(target(url).as_ref()).ok())
            .unwrap_or_else(|| http::Uri::from_static("/-"));
        let headers = head.headers_mut();
        let mut scratch = Vec::new();
        for name in &READ_HEADERS {
            read_header(&handle, name, &mut scratch, headers);
        }
        // A request without Host (HTTP/2 carries :authority) is checked against the URL's.
        if !headers.contains_key(http::header::HOST) {
            let url = url.and_then(|text| text.parse::<http::Uri>().ok());
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
