//! Diagnostics: tools for checking a deployment's transports end to end (large replies
//! split across Fanout publishes, size limits). Off unless configured.

use crate::mcp::model::content::text;
use crate::registry::tool::{arguments, CallToolResult, ToolAnnotations, ToolDef};
use crate::registry::ToolSet;
use serde_json::json;

/// Largest payload the tool will generate.
pub const MAX_PAYLOAD_BYTES: usize = 4 * 1024 * 1024;

pub static SET: ToolSet = ToolSet {
    name: "diagnostics",
    tools: &TOOLS,
    resources: &[],
    templates: &[],
    prompts: &[],
};

static TOOLS: [ToolDef; 2] = [
    ToolDef {
        name: "diagnostics_payload",
        title: Some("Generate a payload"),
        description:
            "Returns exactly `bytes` bytes of deterministic text (numbered 64-byte lines) so \
                  a client can check that a large reply arrives complete and in order.",
        input_schema: r#"{"type":"object","properties":{"bytes":{"type":"integer","minimum":1,"maximum":4194304,"description":"Size of the text to return, in bytes"}},"required":["bytes"],"additionalProperties":false}"#,
        output_schema: Some(
            r#"{"type":"object","properties":{"bytes":{"type":"integer","description":"Size of the text returned, in bytes"}},"required":["bytes"]}"#,
        ),
        annotations: ToolAnnotations::READ_ONLY_LOCAL,
        run: |args, _| {
            #[derive(serde::Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Args {
                bytes: usize,
            }
            let result = match arguments::<Args>(args) {
                Ok(Args { bytes }) if (1..=MAX_PAYLOAD_BYTES).contains(&bytes) => {
                    // The payload first (clients read it as the first block), then
                    // the structured content's JSON text.
                    let mut result = CallToolResult::structured(json!({ "bytes": bytes }));
                    result.content.insert(0, text(payload(bytes)));
                    result
                }
                Ok(_) => CallToolResult::error(format!(
                    "Invalid arguments: bytes must be between 1 and {MAX_PAYLOAD_BYTES}"
                )),
                Err(invalid) => invalid,
            };
            result.into()
        },
    },
    ToolDef {
        name: "bench_progress",
        title: Some("Progress without waiting"),
        description: "Emits `steps` progress notifications (when the request carries a progress \
                  token), each followed by `pause_ms` of waiting (none by default), then returns \
                  1 KB of text: measures the cost of a streamed (SSE) reply, and shows progress \
                  reaching the client while a tool works. Stops when the client closes the \
                  stream.",
        input_schema: r#"{"type":"object","properties":{"steps":{"type":"integer","minimum":0,"maximum":10,"description":"How many progress notifications to send"},"pause_ms":{"type":"integer","minimum":0,"maximum":1000,"description":"Milliseconds to wait after each notification"}},"required":["steps"],"additionalProperties":false}"#,
        output_schema: None,
        annotations: ToolAnnotations::READ_ONLY_LOCAL,
        run: |args, ctx| {
            #[derive(serde::Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Args {
                steps: u8,
                #[serde(default)]
                pause_ms: u16,
            }
            let result = match arguments::<Args>(args) {
                Ok(Args { steps, pause_ms }) if steps <= 10 && pause_ms <= 1000 => {
                    for step in 1..=steps {
                        if ctx.cancelled() {
                            return CallToolResult::error(
                                "Cancelled: the client closed the stream",
                            )
                            .into();
                        }
                        ctx.progress(f64::from(step), Some(f64::from(steps)), None);
                        if pause_ms > 0 {
                            let pause = std::time::Duration::from_millis(u64::from(pause_ms));
                            std::thread::sleep(pause);
                        }
                    }
                    CallToolResult::text(payload(1024))
                }
                Ok(_) => CallToolResult::error(
                    "Invalid arguments: steps must be between 0 and 10, pause_ms at most 1000",
                ),
                Err(invalid) => invalid,
            };
            result.into()
        },
    },
];

/// `bytes` bytes of lines `NNNNNNNN` + 55 letters + `\n` (64 bytes each), truncated.
/// Written digit by digit: this tool is what `make bench` calls, and `format!` per line
/// was a tenth of the request's guest time (4 MB is 65,536 lines: 8 digits suffice).
pub fn payload(bytes: usize) -> String {
    const LETTERS: &[u8; 55] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012";
    let mut out = Vec::with_capacity(bytes + 64);
    let mut line = [b'0'; 64];
    line[8..63].copy_from_slice(LETTERS);
    line[63] = b'\n';
    let mut number = 0usize;
    while out.len() < bytes {
        let mut n = number;
        for digit in line[..8].iter_mut().rev() {
            *digit = b'0' + (n % 10) as u8;
            n /= 10;
        }
        out.extend_from_slice(&line);
        number += 1;
    }
    out.truncate(bytes);
    // ASCII throughout.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_has_the_exact_size_and_numbered_lines() {
        for size in [1, 63, 64, 65, 10 * 1024, 200 * 1024] {
            assert_eq!(payload(size).len(), size);
        }
        let p = payload(128);
        assert!(p.starts_with("00000000abc"));
        assert_eq!(&p[64..72], "00000001");
        // What `format!("{line:08}")` wrote, line by line, wider numbers included.
        let expected: String = (0..200_000usize)
            .map(|n| format!("{n:08}abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012\n"))
            .collect();
        assert_eq!(payload(expected.len() - 3), expected[..expected.len() - 3]);
    }
}
