//! The journey of a request through the edge service.

#[cfg(target_arch = "wasm32")]
mod edge;

#[cfg(target_arch = "wasm32")]
fn main() {
    use mcp_edge::auth::{challenge, Principal};
    use mcp_edge::fanout::publish::FanoutApi;
    use mcp_edge::router::{route, Route};
    use mcp_edge::transport::legacy_sse::{self, SseOutcome};
    use mcp_edge::transport::session::LazySessions;
    use mcp_edge::transport::{
        connection::ClientConnection, envelope, origin, streamable_http, Endpoint,
    };
    use mcp_edge::{mcp::server::Server, service};

    // 1. The request, this deployment's settings and tool sets, where it lives.
    let mut request = edge::request::ClientRequest::from_client();
    let mut log = edge::log::RequestLog::start(request.head.method().as_str(), request.path());
    let route = route(request.path());
    let legacy = matches!(route, Route::LegacySse | Route::LegacyMessages);
    let config = edge::config::load(legacy, &mut log);
    let http_sets = service::http_sets(&config);
    let host = request.header("host").unwrap_or_default().to_string();
    let scopes = service::scopes_supported(&config, &http_sets);
    let mut client = edge::client::Client::default();

    // 2. Host and Origin, first on every MCP route: a refused one is 403 whatever the
    //    credentials (2025-11-25), and an allowed cross-origin caller gets the CORS
    //    headers on every response, whatever its status (a browser then reads a 401's
    //    challenge, a 429's Retry-After). Fanout's callback on /sse is proven by its
    //    Grip-Sig, not its Host; the client's Origin was checked before the hand-off and
    //    is reflected on the stream.
    if matches!(
        route,
        Route::StreamableHttp(_) | Route::LegacySse | Route::LegacyMessages
    ) {
        let origin = request.header("origin");
        match origin::check(&config, Some(host.as_str()), origin) {
            Ok(cors) => client.cors = cors,
            Err(_) if route == Route::LegacySse && grip_sig_valid(&config, &request) => {
                client.cors = origin::reflect(&config, &host, origin);
            }
            Err(reason) => {
                client.respond(envelope::refusal(http::StatusCode::FORBIDDEN, None, reason));
                return log.finish(None, None, None, client.status);
            }
        }
    }

    // 3. Who is calling. CORS preflights carry no credentials and are answered before
    //    any limit; metadata and unknown paths need nobody; everything else
    //    authenticates. What comes without valid credentials is limited by address.
    let (rps, preflight) = (
        config.rate_limit_rps,
        request.head.method() == http::Method::OPTIONS,
    );
    let address = || edge::rate_limit::address_key(&request);
    let too_many = || envelope::too_many_requests(edge::rate_limit::RETRY_AFTER_SECONDS);
    let anonymous = matches!(route, Route::ResourceMetadata(_) | Route::NotFound);
    if anonymous && edge::rate_limit::over_limit(&address(), rps, 1, &mut log) {
        client.respond(too_many());
        return log.finish(None, None, None, client.status);
    }
    if route == Route::NotFound {
        let reason = "Not Found: MCP is served at /mcp (Streamable HTTP) and /sse (legacy SSE)";
        client.respond(envelope::refusal(http::StatusCode::NOT_FOUND, None, reason));
        return log.finish(None, None, None, client.status);
    }
    // With OAuth on, the resource identifiers come from the configuration (production
    // never takes them from the client's Host); without them OAuth is not served at all.
    let site = match edge::auth::site(&config, &host, route.resource_path()) {
        Ok(site) => site,
        Err(reason) => {
            log.warn(reason);
            let status = http::StatusCode::SERVICE_UNAVAILABLE;
            client.respond(envelope::refusal(status, None, reason));
            return log.finish(None, None, None, client.status);
        }
    };
    let resource = site.info(&config, &scopes);
    let principal = match route {
        Route::ResourceMetadata(_) => {
            return client.respond(challenge::metadata_response(&resource))
        }
        _ if preflight => Principal::nobody(),
        _ => match edge::auth::principal(&config, &site, request.header("authorization"), &mut log)
        {
            Ok(principal) => principal,
            Err(refusal) => {
                let response = if edge::rate_limit::over_limit(&address(), rps, 1, &mut log) {
                    too_many()
                } else {
                    challenge::refusal_response(&refusal, &resource, mcp_edge::jsonrpc::Id::Null)
                };
                client.respond(response);
                return log.finish(None, None, None, client.status);
            }
        },
    };
    // The body (not on /sse: Fanout takes that request as it came), then the caller's
    // limit, where each call of a batch counts.
    if route != Route::LegacySse {
        request.read_body(config.max_body_bytes);
    }
    let calls = mcp_edge::jsonrpc::calls_in(request.head.body());
    if !preflight && edge::rate_limit::over_limit(&principal.id(), rps, calls, &mut log) {
        client.respond(too_many());
        return log.finish(Some(&principal.name), None, None, client.status);
    }

    // 4. What this caller may use, and the dispatcher that serves it; tools reach the
    //    API through backend `api` with the server's credentials, never the caller's.
    let api = edge::upstream::Backends::default();
    let catalog = service::catalog(&config, &http_sets, &principal);
    let info = service::server_info();
    let (page_size, trace) = (config.page_size, Default::default());
    let server = Server {
        catalog: &catalog,
        info: &info,
        page_size,
        upstream: &api,
        trace,
    };
    let sessions = LazySessions::new(|| edge::sessions::load(&config));
    let endpoint = Endpoint {
        config: &config,
        server: &server,
        sessions: &sessions,
        principal: &principal,
        resource: &resource,
    };

    // 5. The transport: Streamable HTTP, or legacy SSE held by Fanout.
    match route {
        Route::LegacySse => {
            let grip = edge::fanout::grip_verifier(&config);
            let outcome = legacy_sse::sse(&request.head, &endpoint, &grip, &mut client);
            if outcome == SseOutcome::HandOff {
                edge::fanout::hand_off(request, &mut client);
            }
        }
        Route::LegacyMessages => {
            let service_id = edge::fanout::service_id();
            let mut publisher = FanoutApi {
                upstream: &api,
                service_id,
            };
            legacy_sse::messages(&request.head, &endpoint, &mut publisher, &mut client);
        }
        _ => streamable_http::serve(&request.head, &endpoint, &mut client),
    }

    // 6. One log line: who, what, outcome, time; never credentials or arguments.
    let trace = server.trace.borrow();
    let (method, tool) = (trace.method.as_deref(), trace.tool.as_deref());
    log.finish(Some(&principal.name), method, tool, client.status);
}

/// Whether a request carries a valid Grip-Sig (only asked when its Host or Origin is
/// refused: Fanout's callback may come back under another Host).
#[cfg(target_arch = "wasm32")]
fn grip_sig_valid(
    config: &mcp_edge::config::Config,
    request: &edge::request::ClientRequest,
) -> bool {
    request
        .header("grip-sig")
        .is_some_and(|sig| edge::fanout::grip_verifier(config).verify(sig).is_ok())
}

/// The service only runs on Fastly Compute (wasm32-wasip1); the host build exists so the
/// library's tests and lints run natively.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("build with --target wasm32-wasip1 and run under Fastly Compute or Viceroy");
}
