//! Which revision's rules serve a Streamable HTTP POST, and the checks 2026-07-28 makes
//! before dispatch. A request whose `params._meta` carries the per-request fields, or
//! whose MCP-Protocol-Version header is 2026-07-28, is served by that revision: it must
//! then carry every required field (400/-32602), its headers must match its body
//! (400/-32020), and its version must be one this server speaks (400/-32022). Anything
//! else (initialize, requests without that `_meta`) keeps the rules of 2024-11-05 ..
//! 2025-11-25 unchanged.

use super::envelope::Refusal;
use crate::headers::{MCP_METHOD, MCP_NAME, MCP_PROTOCOL_VERSION};
use crate::jsonrpc::{invalid_request, Error, ErrorCode, Incoming, Message, RequestId};
use crate::mcp::model::meta::RequestMeta;
use crate::mcp::model::method::Method;
use crate::mcp::server::Era;
use crate::mcp::version;
use ct_codecs::{Base64, Decoder};
use http::{HeaderName, Request, StatusCode};
use serde_json::{json, Map, Value};

/// HeaderMismatch (2026-07-28).
pub const HEADER_MISMATCH: i64 = -32020;
/// UnsupportedProtocolVersion (2026-07-28).
pub const UNSUPPORTED_VERSION: i64 = -32022;

/// How a header value that is not plain visible ASCII travels: `=?base64?...?=`.
const SENTINEL_PREFIX: &str = "=?base64?";
const SENTINEL_SUFFIX: &str = "?=";

/// The era of `incoming` (`None`: the older rules), or why a 2026-07-28 request is
/// refused before dispatch.
pub fn era(req: &Request<Vec<u8>>, incoming: &Incoming) -> Result<Option<Era>, Refusal> {
    let header = header_value(req, &MCP_PROTOCOL_VERSION);
    let (id, method, params) = match incoming {
        Incoming::Single(Message::Request(r)) => (r.id.clone(), Some(&r.method), r.params.as_ref()),
        Incoming::Single(Message::Notification { method, params }) => {
            (RequestId::Null, Some(method), params.as_ref())
        }
        _ => (RequestId::Null, None, None),
    };
    let modern = header.as_deref() == Some(version::MODERN) || RequestMeta::claimed(params);
    if !modern {
        return match header.as_deref() {
            Some(v) if version::supported(v).is_none() => Err(unsupported(RequestId::Null, v)),
            _ => Ok(None),
        };
    }
    let refuse = |code, message: String| {
        let error = Error {
            code,
            message,
            data: None,
        };
        Refusal::error(StatusCode::BAD_REQUEST, id.clone(), error)
    };
    let Some(method) = method else {
        let reason = match incoming {
            Incoming::Batch(_) => "MCP 2026-07-28 carries one message per POST, not a batch",
            _ => "MCP 2026-07-28 clients send requests and notifications only",
        };
        return Err(Refusal::error(
            StatusCode::BAD_REQUEST,
            id,
            invalid_request(reason),
        ));
    };
    let meta = RequestMeta::read(params)
        .map_err(|e| Refusal::error(StatusCode::BAD_REQUEST, id.clone(), e))?;
    let mismatch = |what: &str, header: Option<&str>, body: &str| {
        let message = match header {
            Some(h) => format!(
                "Header mismatch: {what} header value '{h}' does not match body value '{body}'"
            ),
            None => format!("Header mismatch: the {what} header is required and must be '{body}'"),
        };
        refuse(ErrorCode::ServerError(HEADER_MISMATCH), message)
    };
    if header.as_deref() != Some(meta.protocol_version.as_str()) {
        return Err(mismatch(
            "MCP-Protocol-Version",
            header.as_deref(),
            &meta.protocol_version,
        ));
    }
    if meta.protocol_version != version::MODERN {
        return Err(unsupported(id, &meta.protocol_version));
    }
    let method_header = header_value(req, &MCP_METHOD);
    if method_header.as_deref() != Some(method.as_str()) {
        return Err(mismatch("Mcp-Method", method_header.as_deref(), method));
    }
    if let Some(name) = named(method, params) {
        let name_header = header_value(req, &MCP_NAME);
        if name_header.as_deref() != Some(name) {
            return Err(mismatch("Mcp-Name", name_header.as_deref(), name));
        }
    }
    Ok(Some(Era::Modern(meta)))
}

/// The HTTP status of a 2026-07-28 error response: 404 for an unknown method, 400 for
/// this revision's request errors, 200 for the rest (the body carries the error).
pub fn status_of(error: &Error) -> StatusCode {
    match error.code.code() {
        -32601 => StatusCode::NOT_FOUND,
        -32022..=-32020 => StatusCode::BAD_REQUEST,
        _ => StatusCode::OK,
    }
}

/// What Mcp-Name must say: the tool or prompt name, or the resource URI.
fn named<'p>(method: &str, params: Option<&'p Map<String, Value>>) -> Option<&'p str> {
    let key = match Method::parse(method)? {
        Method::ToolsCall | Method::PromptsGet => "name",
        Method::ResourcesRead => "uri",
        _ => return None,
    };
    // A request without the field names nothing; the dispatcher refuses it (-32602).
    params?.get(key)?.as_str()
}

fn unsupported(id: RequestId, requested: &str) -> Refusal {
    let error = Error {
        code: ErrorCode::ServerError(UNSUPPORTED_VERSION),
        message: format!("Unsupported protocol version: {requested}"),
        data: Some(json!({ "supported": version::ALL, "requested": requested })),
    };
    Refusal::error(StatusCode::BAD_REQUEST, id, error)
}

/// A header's value, decoded from the base64 sentinel when it is one, trimmed.
fn header_value(req: &Request<Vec<u8>>, name: &HeaderName) -> Option<String> {
    let raw = req.headers().get(name)?.to_str().ok()?.trim();
    let encoded = raw
        .strip_prefix(SENTINEL_PREFIX)
        .and_then(|r| r.strip_suffix(SENTINEL_SUFFIX));
    match encoded {
        Some(b64) => {
            let bytes = Base64::decode_to_vec(b64, None).ok()?;
            String::from_utf8(bytes).ok()
        }
        None => Some(raw.to_owned()),
    }
}

#[cfg(test)]
mod tests;
