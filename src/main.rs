//! The journey of a request through the edge service.

#[cfg(target_arch = "wasm32")]
mod edge;

#[cfg(target_arch = "wasm32")]
use {
    edge::{client::Client, log::RequestLog, request::ClientRequest},
    mcp_edge::transport::connection::ClientConnection,
    mcp_edge::transport::exchange::Trace,
};

/// One request, one log line: whatever route it took and wherever it stopped.
#[cfg(target_arch = "wasm32")]
fn main() {
    // (`make bench` alone: the floor's reply from this module; the rest stays in it.)
    #[cfg(feature = "bench-floor")]
    if std::hint::black_box(true) {
        return edge::bench_floor::answer();
    }
    let request = ClientRequest::from_client();
    let mut log = RequestLog::start(request.head.method().as_str(), request.path());
    let mut client = Client::default();
    let (principal, trace) = serve(request, &mut client, &mut log);
    if client.closed() {
        log.warn("the client closed the response stream: request cancelled");
    }
    let (method, tool) = (trace.method.as_deref(), trace.tool.as_deref());
    log.finish(principal.as_deref(), method, tool, client.status);
}

/// Answers the request on `client`; returns who called (when known) and what ran.
#[cfg(target_arch = "wasm32")]
fn serve(
    mut request: ClientRequest,
    client: &mut Client,
    log: &mut RequestLog,
) -> (Option<String>, Trace) {
    use mcp_edge::lazy::{Deferred, Lazy};
    use mcp_edge::router::{route, Route};
    use mcp_edge::transport::held::Fanout;
    use mcp_edge::transport::legacy_sse::{self, SseOutcome};
    use mcp_edge::transport::session::LazySessions;
    use mcp_edge::transport::streamable_http::{self, Served};
    use mcp_edge::transport::Endpoint;
    use mcp_edge::{catalog, fanout::publish::FanoutApi, mcp::server::Server};

    // 1. Where it goes, and this deployment's settings and tool sets.
    let route = route(request.path());
    // (Fanout's settings only where Fanout is involved: the legacy routes and callbacks.)
    let via_fanout = request.header(mcp_edge::headers::GRIP_SIG).is_some();
    let config = edge::config::load(route.is_legacy() || via_fanout, log);
    if route == Route::HeldStream {
        // Fanout fetching what a held call's stream missed: proven by its Grip-Sig.
        edge::streams::next(&request, &config, client);
        return (None, Trace::default());
    }
    // 2. Host and Origin first on every MCP route (403 whatever the credentials), CORS
    //    on every answer to an allowed origin; then who is calling, within the limits.
    if let Err(refused) = edge::gate::origin(&config, route, &request, client) {
        client.respond(refused);
        return (None, Trace::default());
    }
    let scopes = || catalog::scopes_supported(&config);
    let admitted = edge::gate::caller(&config, route, &scopes, &mut request, log);
    let (principal, site) = match admitted {
        Ok(admitted) => admitted,
        Err(refused) => {
            client.respond(refused.response);
            return (refused.principal, Trace::default());
        }
    };
    let resource = site.info(&config, &scopes);
    if let Route::ResourceMetadata(_) = route {
        client.respond(mcp_edge::auth::challenge::metadata_response(&resource));
        return (None, Trace::default());
    }
    let name = Some(principal.name.clone());

    // 3. What this caller may use, and the dispatcher that serves it; tools reach their
    //    APIs through their own backends with the server's credentials, never the caller's.
    //    What it is asked to carry over to a later request is signed, never stored.
    //    What is offered is built only as far as the method needs (a ping builds none of
    //    it, a tools/call only the tool it names).
    let backends = edge::upstream::Backends::default();
    let http_sets = Deferred::new(|| catalog::http_sets(&config));
    let catalog = catalog::CallerCatalog::new(&config, &http_sets, &principal);
    let info = catalog::server_info();
    let sessions = LazySessions::new(|| edge::sessions::load(&config));
    let states = Lazy::new(|| sessions.get()?.state_signer());
    let principal_id = Deferred::new(|| principal.id());
    let server = Server {
        catalog: &catalog,
        info: &info,
        page_size: config.tools.page_size,
        upstream: &backends,
        principal: &principal_id,
        cache_scope: catalog::cache_scope(&principal),
        states: &states,
    };
    let endpoint = Endpoint {
        config: &config,
        server: &server,
        sessions: &sessions,
        principal: &principal,
        resource: &resource,
    };

    // 4. The transport: Streamable HTTP, or legacy SSE held by Fanout. Either may hand
    //    the request to Fanout, which holds the client's stream and calls back.
    let mut publisher = FanoutApi {
        upstream: &backends,
        service_id: edge::fanout::service_id,
    };
    let streams = edge::streams::KvStreams::default();
    let trace = match route {
        Route::LegacySse => {
            let grip = edge::fanout::grip_verifier(&config);
            if legacy_sse::sse(&request.head, &endpoint, &grip, client) == SseOutcome::HandOff {
                edge::fanout::hand_off(request, client);
            }
            Trace::default()
        }
        Route::LegacyMessages => {
            legacy_sse::messages(&request.head, &endpoint, &mut publisher, client)
        }
        _ => {
            let grip = Lazy::new(|| Some(edge::fanout::grip_verifier(&config)));
            let mut fanout = Fanout {
                grip: &grip,
                publisher: &mut publisher,
                store: &streams,
            };
            // (`make guest-cost` alone: the same call timed first, cold and then warm.)
            #[cfg(feature = "bench-guest-cost")]
            edge::bench_guest::time(&request.head, &endpoint, &mut fanout);
            match streamable_http::serve(&request.head, &endpoint, &mut fanout, client) {
                Served::Answered(trace) => trace,
                Served::HandOff(trace) => {
                    edge::fanout::hand_off(request, client);
                    trace
                }
            }
        }
    };
    (name, trace)
}

/// The service only runs on Fastly Compute (wasm32-wasip1); the host build exists so the
/// library's tests and lints run natively.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("build with --target wasm32-wasip1 and run under Fastly Compute or Viceroy");
}
