//! Fanout at the edge: the hand-off of streams Fanout holds and this deployment's Grip-Sig
//! verifier.
//! (Publishing goes through backend `api`: see `mcp_edge::fanout::publish::FanoutApi`.)

use super::client::Client;
use super::request::ClientRequest;
use mcp_edge::config::{Config, GripSig};
use mcp_edge::fanout::grip_sig::GripVerifier;
use mcp_edge::transport::{connection::ClientConnection, envelope::Refusal};

use mcp_edge::headers::GRIP_SIG;
use mcp_edge::secret_keys::{GRIP_KEY, PUBLISH_TOKEN};

pub fn service_id() -> String {
    std::env::var("FASTLY_SERVICE_ID").unwrap_or_default()
}

/// Whether a request carries a valid Grip-Sig: Fanout's callback (asked on /sse when its
/// Host or Origin is refused, and on the next link of a held call's stream).
pub fn signed_by_fanout(config: &Config, request: &ClientRequest) -> bool {
    request
        .header(GRIP_SIG)
        .is_some_and(|sig| grip_verifier(config).verify(sig).is_ok())
}

pub fn grip_verifier(config: &Config) -> GripVerifier {
    match config.legacy_sse.grip_sig {
        GripSig::Fanout => GripVerifier::Fastly {
            service_id: service_id(),
        },
        GripSig::SharedKey => GripVerifier::SharedKey {
            key: super::secrets::get(GRIP_KEY).unwrap_or_default(),
            issuer: config.legacy_sse.grip_issuer.clone(),
        },
    }
}

/// Hands a client's request (GET /sse, or a tools/call whose tool asks the client a
/// question) to Fanout through backend `self`; Fanout calls the service back with a
/// Grip-Sig and holds the stream it answers. Without the token that publishes to that
/// stream nothing could follow, so the client is told at once.
pub fn hand_off(request: ClientRequest, client: &mut Client) {
    let unavailable = if super::secrets::get(PUBLISH_TOKEN).is_none() {
        "Service Unavailable: a stream held by Fanout needs a publish token (Secret Store mcp_secrets/publish_token, README: Deploying)"
    } else if !request.handoff_fanout("self") {
        "Service Unavailable: the Fanout hand-off failed (is Fanout enabled on this service, and backend `self` its own domain?)"
    } else {
        return;
    };
    client.respond(Refusal::new(http::StatusCode::SERVICE_UNAVAILABLE, unavailable).response());
}
