//! The benchmark's tools on rmcp, stateless Streamable HTTP:
//!   diagnostics_payload {"bytes": n}  n bytes of text (as mcp-edge's), structuredContent {bytes}
//!   bench_progress {"steps": n}       n progress notifications (SSE reply), then 1 KB of text
//!   bench_tool_0000..                 BENCH_TOOLS synthetic tools (tools/list scaling)
//! Usage: bench-rmcp-server 127.0.0.1:PORT   (env BENCH_TOOLS=N)
use std::sync::Arc;

use rmcp::{
    model::{
        CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, JsonObject,
        ListToolsResult, PaginatedRequestParams, ProgressNotificationParam, ServerCapabilities,
        ServerConfig, Tool, ToolAnnotations,
    },
    service::RequestContext,
    transport::streamable_http_server::{
        session::local::LocalSessionManager, StreamableHttpServerConfig, StreamableHttpService,
    },
    ErrorData, RoleServer, ServerHandler,
};
use axum::serve::ListenerExt;
use serde::Deserialize;
use serde_json::json;

const MAX_PAYLOAD_BYTES: usize = 4 * 1024 * 1024;

/// `bytes` bytes of lines `NNNNNNNN` + 55 letters + `\n`, like mcp-edge's diagnostics.
fn payload(bytes: usize) -> String {
    const LETTERS: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012";
    let mut out = String::with_capacity(bytes + 64);
    let mut line = 0usize;
    while out.len() < bytes {
        out.push_str(&format!("{line:08}{LETTERS}\n"));
        line += 1;
    }
    out.truncate(bytes);
    out
}

fn object(value: serde_json::Value) -> Arc<JsonObject> {
    match value {
        serde_json::Value::Object(map) => Arc::new(map),
        _ => unreachable!("schemas are objects"),
    }
}

fn tools(synthetic: usize) -> Vec<Tool> {
    let read_only = ToolAnnotations::new().read_only(true);
    let mut tools = vec![
        Tool::new(
            "diagnostics_payload",
            "Returns exactly `bytes` bytes of deterministic text (numbered 64-byte lines) so a client can check that a large reply arrives complete and in order.",
            object(json!({"type":"object","properties":{"bytes":{"type":"integer","minimum":1,"maximum":4194304,"description":"Size of the text to return, in bytes"}},"required":["bytes"],"additionalProperties":false})),
        )
        .annotate(read_only.clone()),
        Tool::new(
            "bench_progress",
            "Emits `steps` progress notifications (when the request carries a progress token) with no pause between them, then returns 1 KB of text: measures the cost of a streamed (SSE) reply.",
            object(json!({"type":"object","properties":{"steps":{"type":"integer","minimum":0,"maximum":10,"description":"How many progress notifications to send"}},"required":["steps"],"additionalProperties":false})),
        )
        .annotate(read_only.clone()),
    ];
    for i in 0..synthetic {
        tools.push(
            Tool::new(
                format!("bench_tool_{i:04}"),
                format!("Synthetic tool number {i}, registered for benchmarks only."),
                object(json!({"type":"object","properties":{"id":{"type":"string","maxLength":64}},"required":["id"]})),
            )
            .annotate(read_only.clone()),
        );
    }
    tools
}

#[derive(Clone)]
struct Bench {
    tools: Arc<Vec<Tool>>,
}

fn invalid(message: impl Into<String>) -> ErrorData {
    ErrorData::invalid_params(message.into(), None)
}

impl ServerHandler for Bench {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools.as_ref().clone()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let args = serde_json::Value::Object(request.arguments.clone().unwrap_or_default());
        match request.name.as_ref() {
            "diagnostics_payload" => {
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Args {
                    bytes: usize,
                }
                let Args { bytes } =
                    serde_json::from_value(args).map_err(|e| invalid(e.to_string()))?;
                if !(1..=MAX_PAYLOAD_BYTES).contains(&bytes) {
                    return Err(invalid("bytes must be between 1 and 4194304"));
                }
                let mut result = CallToolResult::success(vec![ContentBlock::text(payload(bytes))]);
                result.structured_content = Some(json!({ "bytes": bytes }));
                Ok(result.into())
            }
            "bench_progress" => {
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Args {
                    steps: u8,
                }
                let Args { steps } =
                    serde_json::from_value(args).map_err(|e| invalid(e.to_string()))?;
                if steps > 10 {
                    return Err(invalid("steps must be between 0 and 10"));
                }
                if let Some(token) = context.meta.get_progress_token() {
                    for step in 1..=steps {
                        context
                            .peer
                            .notify_progress(
                                ProgressNotificationParam::new(token.clone(), f64::from(step))
                                    .with_total(f64::from(steps)),
                            )
                            .await
                            .map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
                    }
                }
                Ok(CallToolResult::success(vec![ContentBlock::text(payload(1024))]).into())
            }
            name if name.starts_with("bench_tool_") => {
                Ok(CallToolResult::success(vec![ContentBlock::text("ok")]).into())
            }
            _ => Err(invalid(format!("Unknown tool: {}", request.name))),
        }
    }
}

#[tokio::main]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3000".into());
    let synthetic = std::env::var("BENCH_TOOLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let bench = Bench {
        tools: Arc::new(tools(synthetic)),
    };
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None);
    let service: StreamableHttpService<Bench, LocalSessionManager> = StreamableHttpService::new(
        move || Ok(bench.clone()),
        Default::default(),
        config,
    );
    let router = axum::Router::new().nest_service("/mcp", service);
    // TCP_NODELAY, as Node's http server sets by default: without it a streamed (SSE)
    // reply's small writes wait on Nagle + delayed ACK (~40 ms).
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .expect("bind")
        .tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
    eprintln!("rmcp bench server listening on http://{addr}/mcp ({synthetic} synthetic tools)");
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .expect("serve");
}
