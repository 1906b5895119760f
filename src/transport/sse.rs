//! Server-Sent Events framing shared by both transports.

/// One SSE event. `data` is a single line of JSON here (serde_json never emits raw
/// newlines), but multi-line data is still framed correctly.
pub fn event(name: &str, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + name.len() + 16);
    out.extend_from_slice(b"event: ");
    out.extend_from_slice(name.as_bytes());
    out.push(b'\n');
    for line in data.split(|&b| b == b'\n') {
        out.extend_from_slice(b"data: ");
        out.extend_from_slice(line);
        out.push(b'\n');
    }
    out.push(b'\n');
    out
}

/// A JSON-RPC message as an SSE `message` event.
pub fn message(json: &[u8]) -> Vec<u8> {
    event("message", json)
}

#[cfg(test)]
mod tests {
    #[test]
    fn frames_events() {
        assert_eq!(super::message(b"{}"), b"event: message\ndata: {}\n\n");
        assert_eq!(
            super::event("x", b"a\nb"),
            b"event: x\ndata: a\ndata: b\n\n"
        );
    }
}
