//! The HTTP envelope shared by both transports: header access, body checks, and
//! refusals that carry a JSON-RPC error body.

use crate::config::Config;
use crate::jsonrpc::{self, Error, ErrorCode, RequestId};
use http::header::{self, HeaderValue};
use http::{Request, Response, StatusCode};

pub const JSON: &str = "application/json";
pub const EVENT_STREAM: &str = "text/event-stream";

/// Content-Type (415) and body size (413) of a JSON-RPC POST.
pub fn check_json_body(
    req: &Request<Vec<u8>>,
    config: &Config,
) -> Result<(), (StatusCode, &'static str)> {
    let content_type = header_str(req, "content-type").unwrap_or("");
    if media_type(content_type) != JSON {
        return Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported Media Type: Content-Type must be application/json",
        ));
    }
    let too_large = declared_length(req).is_some_and(|n| n > config.max_body_bytes as u64)
        || req.body().len() > config.max_body_bytes;
    if too_large {
        return Err((
            StatusCode::PAYLOAD_TOO_LARGE,
            "Payload Too Large: request body exceeds the limit",
        ));
    }
    Ok(())
}

/// Whether an Accept header admits `wanted`, honouring wildcards and `q=0`.
pub fn accepts(accept: &str, wanted: &str) -> bool {
    let (kind, _) = wanted.split_once('/').unwrap_or((wanted, ""));
    accept.split(',').any(|range| {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let refused = parts.any(|p| {
            let p = p.trim();
            p.strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                == Some(0.0)
        });
        !refused && (media == wanted || media == "*/*" || media == format!("{kind}/*"))
    })
}

pub fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

pub fn header_str<'r>(req: &'r Request<Vec<u8>>, name: &str) -> Option<&'r str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// The body length the client declared (Content-Length), when it is a number.
pub fn declared_length(req: &Request<Vec<u8>>) -> Option<u64> {
    header_str(req, "content-length").and_then(|n| n.trim().parse::<u64>().ok())
}

/// A transport-level refusal: an HTTP error with a JSON-RPC error body (id null).
pub fn refusal(status: StatusCode, id: Option<RequestId>, reason: &str) -> Response<Vec<u8>> {
    let error = Error {
        code: ErrorCode::InvalidRequest,
        message: reason.to_string(),
        data: None,
    };
    error_response(status, id.unwrap_or(RequestId::Null), error)
}

/// 429 with Retry-After: the caller is over its rate limit.
pub fn too_many_requests(retry_after_seconds: u64) -> Response<Vec<u8>> {
    let reason = format!("Too Many Requests: retry after {retry_after_seconds} seconds");
    let mut response = refusal(StatusCode::TOO_MANY_REQUESTS, None, &reason);
    if let Ok(value) = HeaderValue::from_str(&retry_after_seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

pub fn error_response(status: StatusCode, id: RequestId, error: Error) -> Response<Vec<u8>> {
    json_response(
        status,
        jsonrpc::to_bytes(&jsonrpc::response(id, Err(error))),
    )
}

pub fn json_response(status: StatusCode, body: Vec<u8>) -> Response<Vec<u8>> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
