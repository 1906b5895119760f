//! Fanout at the edge: publishing through backend `api` and the Grip-Sig verifier for
//! this deployment.

use super::client::Client;
use fastly::Request;
use mcp_edge::config::{Config, GripSig};
use mcp_edge::fanout::grip_sig::GripVerifier;
use mcp_edge::fanout::publish::{body, PublishError, Publisher};
use mcp_edge::transport::{connection::ClientConnection, envelope::refusal};

/// Backend the publish API is reached through (api.fastly.com in production, the local
/// double under `make serve`).
const BACKEND: &str = "api";
/// Secret Store key of the API token allowed to publish on this service.
const TOKEN_KEY: &str = "api_token";
/// Secret Store key of the local Pushpin's Grip-Sig key.
const GRIP_KEY: &str = "grip_key";

fn service_id() -> String {
    std::env::var("FASTLY_SERVICE_ID").unwrap_or_default()
}

pub fn grip_verifier(config: &Config) -> GripVerifier {
    match config.grip_sig {
        GripSig::Fanout => GripVerifier::Fastly {
            service_id: service_id(),
        },
        GripSig::SharedKey => GripVerifier::SharedKey {
            key: super::secrets::get(GRIP_KEY).unwrap_or_default(),
            issuer: config.grip_issuer.clone(),
        },
    }
}

/// Publishes with `POST /service/{FASTLY_SERVICE_ID}/publish/`; the token is read from
/// the Secret Store on first use and only ever placed in the `Fastly-Key` header.
#[derive(Default)]
pub struct ApiPublisher {
    token: Option<String>,
}

impl Publisher for ApiPublisher {
    fn publish(&mut self, channel: &str, content: &str) -> Result<(), PublishError> {
        if self.token.is_none() {
            self.token = super::secrets::get(TOKEN_KEY).and_then(|t| String::from_utf8(t).ok());
        }
        let Some(token) = self.token.as_deref() else {
            return Err(PublishError {
                status: None,
                reason: "no API token configured (Secret Store mcp_secrets/api_token)",
            });
        };
        let url = format!("https://api.fastly.com/service/{}/publish/", service_id());
        let response = Request::post(url)
            .with_header("Fastly-Key", token)
            .with_header("Content-Type", "application/json")
            .with_body(body(channel, content))
            .with_pass(true)
            .send(BACKEND)
            .map_err(|_| PublishError {
                status: None,
                reason: "the publish API could not be reached",
            })?;
        match response.get_status().as_u16() {
            200..=299 => Ok(()),
            status @ (401 | 403) => Err(PublishError {
                status: Some(status),
                reason: "the publish API rejected the service's token",
            }),
            status => Err(PublishError {
                status: Some(status),
                reason: "the publish API refused the message",
            }),
        }
    }
}

/// Hands a client's GET /sse to Fanout through backend `self`; Fanout calls the service
/// back with a Grip-Sig.
pub fn hand_off(request: Request, client: &mut Client) {
    if request.handoff_fanout("self").is_err() {
        let reason = "Service Unavailable: Fanout is not enabled for this service";
        client.respond(refusal(http::StatusCode::SERVICE_UNAVAILABLE, None, reason));
    }
}
