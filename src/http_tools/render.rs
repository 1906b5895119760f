//! Turning a tool's arguments into a request: path segments and query values are
//! percent-encoded (everything but RFC 3986 unreserved characters), so no argument can
//! add a path segment, a query parameter, a header or another host.

use super::spec::{whole_placeholder, HeaderSpec, RequestSpec};
use crate::upstream::UpstreamRequest;
use http::{HeaderName, HeaderValue, Method};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Why a request could not be built; the text names the argument.
pub type RenderError = String;

fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if is_unreserved(byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// An argument as text: strings as they are, numbers and booleans printed.
fn scalar(name: &str, value: &Value) -> Result<String, RenderError> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(format!(
            "argument '{name}' must be a string, number or boolean"
        )),
    }
}

/// Fills a path template; every placeholder must have a value.
pub fn path(template: &str, args: &Map<String, Value>) -> Result<String, RenderError> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..]
            .find('}')
            .map(|c| open + c)
            .ok_or_else(|| format!("bad path template '{template}'"))?;
        let name = &rest[open + 1..close];
        let value = args
            .get(name)
            .ok_or_else(|| format!("missing required argument '{name}'"))?;
        let value = scalar(name, value)?;
        if value.is_empty() || value == "." || value == ".." {
            return Err(format!(
                "argument '{name}' must not be empty, '.' or '..' (it names a path segment)"
            ));
        }
        out.push_str(&percent_encode(&value));
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The request for `spec` with `args` (already schema-validated) and its secrets.
pub fn request(
    spec: &RequestSpec,
    args: &Map<String, Value>,
    secret: &dyn Fn(&str) -> Option<String>,
) -> Result<UpstreamRequest, RenderError> {
    let method = Method::from_bytes(spec.method.as_bytes())
        .map_err(|_| format!("bad method '{}'", spec.method))?;
    let mut path_and_query = path(&spec.path, args)?;
    let mut separator = '?';
    for (name, template) in &spec.query {
        let value = match whole_placeholder(template) {
            Some(arg) => match args.get(arg) {
                Some(value) => scalar(arg, value)?,
                None => continue,
            },
            None => template.clone(),
        };
        path_and_query.push(separator);
        path_and_query.push_str(&percent_encode(name));
        path_and_query.push('=');
        path_and_query.push_str(&percent_encode(&value));
        separator = '&';
    }
    let mut headers = headers(&spec.headers, secret)?;
    let body = spec.body.as_ref().map(|template| {
        headers.push((
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        ));
        fill_body(template, args)
            .unwrap_or(Value::Null)
            .to_string()
            .into_bytes()
    });
    Ok(UpstreamRequest {
        backend: String::new(),
        method,
        path_and_query,
        headers,
        body,
    })
}

/// The request headers: literals and secrets (marked sensitive), never arguments.
pub fn headers(
    specs: &BTreeMap<String, HeaderSpec>,
    secret: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<(HeaderName, HeaderValue)>, RenderError> {
    let mut headers = Vec::new();
    for (name, spec) in specs {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("bad header name '{name}'"))?;
        let (value, sensitive) = match spec {
            HeaderSpec::Literal(v) => (v.clone(), false),
            HeaderSpec::Secret {
                secret: key,
                prefix,
            } => {
                let Some(secret) = secret(key) else {
                    return Err(format!(
                        "the server has no credentials for this API (Secret Store key '{key}' is not set)"
                    ));
                };
                (format!("{prefix}{secret}"), true)
            }
        };
        let mut value = HeaderValue::from_str(&value)
            .map_err(|_| format!("header '{name}' has a value that is not a valid header"))?;
        value.set_sensitive(sensitive);
        headers.push((name, value));
    }
    Ok(headers)
}

/// Fills a body template; `None` when the value is a placeholder for an absent argument.
fn fill_body(template: &Value, args: &Map<String, Value>) -> Option<Value> {
    match template {
        Value::String(s) => match whole_placeholder(s) {
            Some(name) => args.get(name).cloned(),
            None => Some(template.clone()),
        },
        Value::Array(items) => Some(Value::Array(
            items.iter().filter_map(|v| fill_body(v, args)).collect(),
        )),
        Value::Object(map) => Some(Value::Object(
            map.iter()
                .filter_map(|(k, v)| fill_body(v, args).map(|v| (k.clone(), v)))
                .collect(),
        )),
        _ => Some(template.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn args(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn path_arguments_cannot_escape_their_segment() {
        let t = "/service/{id}/details";
        assert_eq!(
            path(t, &args(json!({"id": "abc"}))).unwrap(),
            "/service/abc/details"
        );
        assert_eq!(
            path(t, &args(json!({"id": "../../admin"}))).unwrap(),
            "/service/..%2F..%2Fadmin/details"
        );
        assert_eq!(
            path(t, &args(json!({"id": "a%2Fb"}))).unwrap(),
            "/service/a%252Fb/details"
        );
        assert_eq!(
            path(t, &args(json!({"id": "x\r\nHost: evil"}))).unwrap(),
            "/service/x%0D%0AHost%3A%20evil/details"
        );
        assert_eq!(
            path(t, &args(json!({"id": "x?y=1#z"}))).unwrap(),
            "/service/x%3Fy%3D1%23z/details"
        );
        for bad in ["", ".", ".."] {
            assert!(path(t, &args(json!({ "id": bad }))).is_err(), "{bad:?}");
        }
        assert!(path(t, &args(json!({}))).is_err());
        assert!(path(t, &args(json!({"id": {"a": 1}}))).is_err());
        assert_eq!(path("/v/{n}", &args(json!({"n": 7}))).unwrap(), "/v/7");
    }

    #[test]
    fn query_body_and_headers() {
        let spec: RequestSpec = serde_json::from_value(json!({
            "method": "POST",
            "path": "/crew/{id}/hours",
            "query": { "from": "{from}", "to": "{to}", "v": "2" },
            "body": { "date": "{date}", "note": "{note}", "kind": "work" },
            "headers": { "Authorization": { "secret": "tok", "prefix": "Bearer " }, "Accept": "application/json" }
        }))
        .unwrap();
        let secret = |key: &str| (key == "tok").then(|| "s3cret".to_string());
        let req = request(
            &spec,
            &args(json!({"id": "c-1", "from": "a&b=c", "date": "2026-01-02"})),
            &secret,
        )
        .unwrap();
        assert_eq!(req.method, Method::POST);
        assert_eq!(req.path_and_query, "/crew/c-1/hours?from=a%26b%3Dc&v=2");
        let body: Value = serde_json::from_slice(&req.body.unwrap()).unwrap();
        assert_eq!(body, json!({"date": "2026-01-02", "kind": "work"}));
        let auth = req
            .headers
            .iter()
            .find(|(n, _)| n == "authorization")
            .unwrap();
        assert_eq!(auth.1, "Bearer s3cret");
        assert!(auth.1.is_sensitive());
        let none = |_: &str| None;
        let err = request(&spec, &args(json!({"id": "c-1"})), &none).unwrap_err();
        assert!(err.contains("Secret Store key 'tok'") && !err.contains("s3cret"));
    }
}
