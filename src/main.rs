//! The journey of a request through the edge service.

#[cfg(target_arch = "wasm32")]
mod edge;

#[cfg(target_arch = "wasm32")]
fn main() {
    use mcp_edge::fanout::publish::FanoutApi;
    use mcp_edge::router::{route, Route};
    use mcp_edge::transport::legacy_sse::{self, SseOutcome};
    use mcp_edge::transport::{connection::ClientConnection, envelope, streamable_http, Endpoint};
    use mcp_edge::{mcp::server::Server, service};

    // 1. The client's request, this deployment's settings, and what it offers. A plain
    //    `fn main` (not `#[fastly::main]`): replies may stream or go to Fanout.
    let request = fastly::Request::from_client();
    let config = edge::config::load();
    let sessions = edge::sessions::load(&config);
    let api = edge::upstream::ApiBackend::new(&config.api_host);
    let http_sets = service::http_sets(&config);
    let catalog = service::catalog(&config, &http_sets);
    let info = service::server_info();
    let page_size = config.page_size;
    let server = Server {
        catalog: &catalog,
        info: &info,
        page_size,
        upstream: &api,
    };
    let endpoint = Endpoint {
        config: &config,
        server: &server,
        sessions: sessions.as_ref(),
    };
    let mut client = edge::client::Client::default();

    // 2. Route by path. Each transport checks the HTTP envelope, then the same
    //    dispatcher answers the MCP messages; tools reach the API through backend `api`.
    match route(request.get_path()) {
        Route::StreamableHttp => {
            let request = edge::request::into_http(request, config.max_body_bytes);
            streamable_http::serve(&request, &endpoint, &mut client);
        }
        Route::LegacySse => {
            // 3. A client's GET /sse is handed to Fanout, which holds the stream and
            //    calls back with a Grip-Sig; the callback gets the GRIP answer.
            let grip = edge::fanout::grip_verifier(&config);
            let head = edge::request::head_of(&request);
            if legacy_sse::sse(&head, &endpoint, &grip, &mut client) == SseOutcome::HandOff {
                edge::fanout::hand_off(request, &mut client);
            }
        }
        Route::LegacyMessages => {
            // 4. Messages for a legacy session: dispatch, publish replies to its stream.
            let request = edge::request::into_http(request, config.max_body_bytes);
            let service_id = edge::fanout::service_id();
            let mut publisher = FanoutApi {
                upstream: &api,
                service_id,
            };
            legacy_sse::messages(&request, &endpoint, &mut publisher, &mut client);
        }
        Route::NotFound => client.respond(envelope::refusal(
            http::StatusCode::NOT_FOUND,
            None,
            "Not Found: MCP is served at /mcp (Streamable HTTP) and /sse (legacy SSE)",
        )),
    }
}

/// The service only runs on Fastly Compute (wasm32-wasip1); the host build exists so the
/// library's tests and lints run natively.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("build with --target wasm32-wasip1 and run under Fastly Compute or Viceroy");
}
