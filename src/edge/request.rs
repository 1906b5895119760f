//! Fastly request -> `http::Request` for the transports, with a bounded body read.

use fastly::Request;
use std::io::Read;

/// Converts the client request. At most `max_body + 1` bytes of body are read, enough
/// for the transport to tell an oversized body (413) without buffering all of it.
pub fn into_http(mut req: Request, max_body: usize) -> http::Request<Vec<u8>> {
    let mut body = Vec::new();
    let declared_too_large = req.get_content_length().is_some_and(|n| n > max_body);
    if !declared_too_large {
        let limit = u64::try_from(max_body)
            .unwrap_or(u64::MAX)
            .saturating_add(1);
        // A client that breaks the connection mid-body leaves a short body, which
        // then fails JSON parsing with a clear error.
        let _ = req.take_body().take(limit).read_to_end(&mut body);
    }
    let mut head = head_of(&req);
    *head.body_mut() = body;
    head
}

/// Method, path, query and headers without the body; the Fastly request stays usable
/// (a Fanout hand-off needs it).
pub fn head_of(req: &Request) -> http::Request<Vec<u8>> {
    let path_and_query = match req.get_query_str() {
        Some(query) => format!("{}?{query}", req.get_path()),
        None => req.get_path().to_string(),
    };
    let mut builder = http::Request::builder()
        .method(req.get_method().clone())
        .uri(path_and_query);
    for (name, value) in req.get_headers() {
        builder = builder.header(name, value);
    }
    if req.get_header("host").is_none() {
        if let Some(host) = req.get_url().host_str() {
            builder = builder.header("host", host);
        }
    }
    // Only an unparsable path could fail here; the transports then see an empty "/".
    builder
        .body(Vec::new())
        .unwrap_or_else(|_| http::Request::new(Vec::new()))
}
