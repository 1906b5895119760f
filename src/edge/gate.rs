//! Admission, before any MCP work: Host and Origin, then who is calling and whether they
//! are within their limits. Each refusal is the response to send.

use super::auth::Site;
use super::client::Client;
use super::log::RequestLog;
use super::rate_limit::{address_key, over_limit, RETRY_AFTER_SECONDS};
use super::request::ClientRequest;
use http::{header, Response, StatusCode};
use mcp_edge::auth::{challenge, Principal};
use mcp_edge::config::Config;
use mcp_edge::jsonrpc::{calls_in, RequestId};
use mcp_edge::router::Route;
use mcp_edge::transport::envelope::{too_many_requests, Refusal};
use mcp_edge::transport::origin;

/// A request turned away, and who it came from when that was established.
pub struct Refused {
    pub response: Response<Vec<u8>>,
    pub principal: Option<String>,
}

impl Refused {
    fn anonymous(response: Response<Vec<u8>>) -> Self {
        Refused {
            response,
            principal: None,
        }
    }
}

/// Host and Origin, first on every MCP route: a refused one is 403 whatever the
/// credentials (2025-11-25), and an allowed cross-origin caller gets the CORS headers on
/// every response, whatever its status (a browser then reads a 401's challenge, a 429's
/// Retry-After). Fanout's callback on /sse is proven by its Grip-Sig, not its Host; the
/// client's Origin was checked before the hand-off and is reflected on the stream.
pub fn origin(
    config: &Config,
    route: Route,
    request: &ClientRequest,
    client: &mut Client,
) -> Result<(), Response<Vec<u8>>> {
    if !route.is_mcp() {
        return Ok(());
    }
    let host = request.header(header::HOST).unwrap_or_default();
    let origin = request.header(header::ORIGIN);
    match origin::check(config, Some(host), origin) {
        Ok(cors) => client.cors = cors,
        Err(_) if route == Route::LegacySse && super::fanout::signed_by_fanout(config, request) => {
            client.cors = origin::reflect(config, host, origin);
        }
        Err(reason) => return Err(Refusal::new(StatusCode::FORBIDDEN, reason).response()),
    }
    Ok(())
}

/// Who is calling (`scopes`: those this deployment supports, for challenges), and the
/// OAuth resource they call. CORS preflights carry no
/// credentials and are answered before any limit; metadata needs nobody; everything else
/// authenticates. What comes without valid credentials is limited by address, the rest
/// by principal, each call of a batch counting. Reads the body (not on /sse: Fanout takes
/// that request as it came).
pub fn caller(
    config: &Config,
    route: Route,
    scopes: &dyn Fn() -> Vec<String>,
    request: &mut ClientRequest,
    log: &mut RequestLog,
) -> Result<(Principal, Site), Refused> {
    let rps = config.access.rate_limit_rps;
    let preflight = request.head.method() == http::Method::OPTIONS;
    let too_many = || too_many_requests(RETRY_AFTER_SECONDS);
    let anonymous = matches!(route, Route::ResourceMetadata(_) | Route::NotFound);
    if anonymous && over_limit(&address_key(request), rps, 1, log) {
        return Err(Refused::anonymous(too_many()));
    }
    if route == Route::NotFound {
        let reason = "Not Found: MCP is served at /mcp (Streamable HTTP) and /sse (legacy SSE)";
        let response = Refusal::new(StatusCode::NOT_FOUND, reason).response();
        return Err(Refused::anonymous(response));
    }
    // With OAuth on, the resource identifiers come from the configuration (production
    // never takes them from the client's Host); without them OAuth is not served at all.
    let host = request.header(header::HOST).unwrap_or_default();
    let site = super::auth::site(config, host, route.resource_path()).map_err(|reason| {
        log.warn(reason);
        let response = Refusal::new(StatusCode::SERVICE_UNAVAILABLE, reason).response();
        Refused::anonymous(response)
    })?;
    if anonymous || preflight {
        return Ok((Principal::nobody(), site));
    }
    let authorization = request.header(header::AUTHORIZATION);
    let principal = match super::auth::principal(config, &site, authorization, log) {
        Ok(principal) => principal,
        Err(refusal) => {
            let response = if over_limit(&address_key(request), rps, 1, log) {
                too_many()
            } else {
                let resource = site.info(config, scopes);
                challenge::refusal_response(&refusal, &resource, RequestId::Null)
            };
            return Err(Refused::anonymous(response));
        }
    };
    if route != Route::LegacySse {
        request.read_body(config.limits.max_body_bytes);
    }
    let calls = calls_in(request.head.body());
    if over_limit(&principal.id(), rps, calls, log) {
        return Err(Refused {
            response: too_many(),
            principal: Some(principal.name),
        });
    }
    Ok((principal, site))
}
