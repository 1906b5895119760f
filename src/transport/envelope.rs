//! The HTTP envelope shared by both transports: header access, body checks, and the
//! one refusal type, whose body is a JSON-RPC error.

use crate::config::Config;
use crate::jsonrpc::{self, Error, ErrorCode, RequestId};
use http::header::{self, HeaderValue};
use http::{Request, Response, StatusCode};

pub const JSON: &str = "application/json";
pub const EVENT_STREAM: &str = "text/event-stream";

/// Why a transport refuses an HTTP request: the status, and the JSON-RPC error its body
/// carries, for the request's id when one is known. Every refusal reaches the client the
/// same way, whatever rule made it.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub status: StatusCode,
    pub id: RequestId,
    pub error: Error,
}

impl Refusal {
    /// A transport rule's refusal (Host, Accept, session, size...): -32600, id null.
    pub fn new(status: StatusCode, reason: impl Into<String>) -> Self {
        let error = Error {
            code: ErrorCode::InvalidRequest,
            message: reason.into(),
            data: None,
        };
        Refusal::error(status, RequestId::Null, error)
    }

    /// A refusal carrying an error the parser or the protocol rules produced for `id`.
    pub fn error(status: StatusCode, id: RequestId, error: Error) -> Self {
        Refusal { status, id, error }
    }

    pub fn response(self) -> Response<Vec<u8>> {
        let body = jsonrpc::to_bytes(&jsonrpc::response(self.id, Err(self.error)));
        json_response(self.status, body)
    }
}

/// Content-Type (415) and body size (413) of a JSON-RPC POST.
pub fn check_json_body(req: &Request<Vec<u8>>, config: &Config) -> Result<(), Refusal> {
    let content_type = header_str(req, header::CONTENT_TYPE).unwrap_or("");
    if media_type(content_type) != JSON {
        return Err(Refusal::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported Media Type: Content-Type must be application/json",
        ));
    }
    let too_large = declared_length(req).is_some_and(|n| n > config.limits.max_body_bytes as u64)
        || req.body().len() > config.limits.max_body_bytes;
    if too_large {
        return Err(Refusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Payload Too Large: request body exceeds the limit",
        ));
    }
    Ok(())
}

/// Whether an Accept header admits `wanted` (a lowercase media type), honouring
/// wildcards and `q=0`. Compared in place: nothing allocated or formatted per range.
pub fn accepts(accept: &str, wanted: &str) -> bool {
    let (kind, _) = wanted.split_once('/').unwrap_or((wanted, ""));
    accept.split(',').any(|range| {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim();
        let refused = parts.any(|p| {
            let p = p.trim();
            p.strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                == Some(0.0)
        });
        let any_of_kind = media
            .strip_suffix("/*")
            .is_some_and(|k| k.eq_ignore_ascii_case(kind));
        !refused && (media.eq_ignore_ascii_case(wanted) || media == "*/*" || any_of_kind)
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

/// A header's value as text; `None` when absent or not visible ASCII.
pub fn header_str(req: &Request<Vec<u8>>, name: impl header::AsHeaderName) -> Option<&str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// The body length the client declared (Content-Length), when it is a number.
pub fn declared_length(req: &Request<Vec<u8>>) -> Option<u64> {
    header_str(req, header::CONTENT_LENGTH).and_then(|n| n.trim().parse::<u64>().ok())
}

/// 429 with Retry-After: the caller is over its rate limit.
pub fn too_many_requests(retry_after_seconds: u64) -> Response<Vec<u8>> {
    let reason = format!("Too Many Requests: retry after {retry_after_seconds} seconds");
    let mut response = Refusal::new(StatusCode::TOO_MANY_REQUESTS, reason).response();
    if let Ok(value) = HeaderValue::from_str(&retry_after_seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

pub fn json_response(status: StatusCode, body: Vec<u8>) -> Response<Vec<u8>> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `accepts` decided when it lowercased and formatted each range: the same.
    #[test]
    fn accept_ranges_are_matched_in_place_as_before() {
        fn formatted(accept: &str, wanted: &str) -> bool {
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
        let ranges = [
            "application/json",
            "Application/JSON",
            "text/event-stream",
            "TEXT/*",
            "text/*",
            "application/*",
            "*/*",
            "*/json",
            "application/json;q=0",
            "text/*; q=0.0",
            "*/*;q=0.5",
            "application/json ; q=1",
            "application/jsonx",
            "text/event",
            "",
            " ",
            "application",
            "appl/*",
            "text/*;q=0;level=1",
            "applicatioN/*;Q=0",
            "text/event-stream;charset=utf-8",
            "application/jsön",
        ];
        for wanted in [JSON, EVENT_STREAM] {
            for a in ranges {
                for b in ranges {
                    let accept = format!("{a},{b}");
                    assert_eq!(
                        accepts(&accept, wanted),
                        formatted(&accept, wanted),
                        "{accept}"
                    );
                }
            }
        }
        assert!(accepts("application/json, text/event-stream", EVENT_STREAM));
        assert!(!accepts("text/*;q=0, application/json", EVENT_STREAM));
    }
}
