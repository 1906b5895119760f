//! Grip-Sig verification: proof that a request came back through Fanout (or the local
//! Pushpin) rather than from a client pretending to be it. The header is a JWT; only
//! the configured algorithm is accepted (no `none`, no HS/ES confusion), it must carry
//! an expiry that has not passed, and its issuer must match.

use jwt_simple::prelude::*;

/// Fastly Fanout's public signing key (ES256), as Fastly publishes it.
pub const FASTLY_FANOUT_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAECKo5A1ebyFcnmVV8SE5On+8G81Jy
BjSvcrx4VLetWCjuDAmppTo3xM/zz763COTCgHfp/6lPdCyYjjqc+GM7sw==
-----END PUBLIC KEY-----";

/// Clock skew tolerated on exp/nbf.
const TOLERANCE_SECONDS: u64 = 30;

/// How this deployment checks Grip-Sig.
pub enum GripVerifier {
    /// Production: ES256 with Fastly's key, issuer `fastly:<service id>`.
    Fastly { service_id: String },
    /// Local Pushpin: HS256 with a shared key and its configured issuer.
    SharedKey { key: Vec<u8>, issuer: String },
}

impl GripVerifier {
    /// `Ok` only for a well-signed, unexpired token from the expected issuer.
    pub fn verify(&self, token: &str) -> Result<(), &'static str> {
        let (issuer, claims) = match self {
            GripVerifier::Fastly { service_id } => {
                let key = ES256PublicKey::from_pem(FASTLY_FANOUT_PUBLIC_KEY)
                    .map_err(|_| "Fanout public key unusable")?;
                let issuer = format!("fastly:{service_id}");
                let claims = key.verify_token::<NoCustomClaims>(token, Some(options(&issuer)));
                (issuer, claims)
            }
            GripVerifier::SharedKey { key, issuer } => {
                if key.is_empty() {
                    return Err("no Grip-Sig key configured");
                }
                let key = HS256Key::from_bytes(key);
                let claims = key.verify_token::<NoCustomClaims>(token, Some(options(issuer)));
                (issuer.clone(), claims)
            }
        };
        let claims = claims.map_err(|_| "invalid Grip-Sig")?;
        if claims.expires_at.is_none() {
            return Err("Grip-Sig without expiry");
        }
        if claims.issuer.as_deref() != Some(issuer.as_str()) {
            return Err("Grip-Sig from another issuer");
        }
        Ok(())
    }
}

fn options(issuer: &str) -> VerificationOptions {
    VerificationOptions {
        allowed_issuers: Some(HashSet::from_strings(&[issuer])),
        time_tolerance: Some(Duration::from_secs(TOLERANCE_SECONDS)),
        ..VerificationOptions::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"local pushpin grip key, 32 bytes";

    fn local() -> GripVerifier {
        GripVerifier::SharedKey {
            key: KEY.to_vec(),
            issuer: "pushpin".into(),
        }
    }

    fn hs256(key: &[u8], issuer: Option<&str>, valid_for: Option<u64>) -> String {
        let mut claims = Claims::create(Duration::from_secs(valid_for.unwrap_or(60)));
        if valid_for.is_none() {
            claims.expires_at = None;
        }
        if let Some(issuer) = issuer {
            claims = claims.with_issuer(issuer);
        }
        HS256Key::from_bytes(key).authenticate(claims).unwrap()
    }

    #[test]
    fn accepts_a_fresh_token_from_the_local_pushpin() {
        assert_eq!(
            local().verify(&hs256(KEY, Some("pushpin"), Some(60))),
            Ok(())
        );
    }

    #[test]
    fn rejects_forgeries() {
        let v = local();
        assert!(v
            .verify(&hs256(
                b"some other key of the same size!",
                Some("pushpin"),
                Some(60)
            ))
            .is_err());
        assert!(v.verify(&hs256(KEY, Some("someone"), Some(60))).is_err());
        assert!(v.verify(&hs256(KEY, None, Some(60))).is_err());
        assert!(
            v.verify(&hs256(KEY, Some("pushpin"), None)).is_err(),
            "no exp"
        );
        assert!(v.verify("").is_err());
        assert!(v.verify("a.b.c").is_err());
    }

    #[test]
    fn rejects_expired_tokens() {
        let mut claims = Claims::create(Duration::from_secs(1)).with_issuer("pushpin");
        let past = Clock::now_since_epoch() - Duration::from_secs(3600);
        claims.issued_at = Some(past);
        claims.expires_at = Some(past + Duration::from_secs(60));
        let token = HS256Key::from_bytes(KEY).authenticate(claims).unwrap();
        assert!(local().verify(&token).is_err());
    }

    #[test]
    fn rejects_alg_none_and_alg_confusion() {
        // alg "none": header {"alg":"none","typ":"JWT"}, claims {"iss":"pushpin","exp":9999999999}
        let none =
            "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJpc3MiOiJwdXNocGluIiwiZXhwIjo5OTk5OTk5OTk5fQ.";
        assert!(local().verify(none).is_err());
        // An HS256 token signed with the Fanout *public* key must not pass as ES256.
        let confused = hs256(
            FASTLY_FANOUT_PUBLIC_KEY.as_bytes(),
            Some("fastly:svc"),
            Some(60),
        );
        let fastly = GripVerifier::Fastly {
            service_id: "svc".into(),
        };
        assert!(fastly.verify(&confused).is_err());
        // An ES256 token from another key is refused too.
        let other = ES256KeyPair::generate();
        let claims = Claims::create(Duration::from_secs(60)).with_issuer("fastly:svc");
        assert!(fastly.verify(&other.sign(claims).unwrap()).is_err());
    }

    #[test]
    fn the_fanout_key_parses() {
        assert!(ES256PublicKey::from_pem(FASTLY_FANOUT_PUBLIC_KEY).is_ok());
    }
}
