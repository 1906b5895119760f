use super::*;
use ct_codecs::Encoder;

const ISSUER: &str = "https://auth.example.com";
const AUDIENCE: &str = "https://mcp.example.com/mcp";

fn b64(bytes: &[u8]) -> String {
    ct_codecs::Base64UrlSafeNoPadding::encode_to_string(bytes).unwrap()
}

fn es256_jwk(key: &ES256KeyPair, kid: &str) -> Value {
    let compressed = key.public_key().to_bytes();
    let point = jwt_simple::algorithms::P256PublicKey::from_bytes(&compressed)
        .unwrap()
        .to_bytes_uncompressed();
    serde_json::json!({ "kty": "EC", "crv": "P-256", "kid": kid, "x": b64(&point[1..33]), "y": b64(&point[33..65]) })
}

struct Fixture {
    key: ES256KeyPair,
    jwks: String,
    audiences: Vec<String>,
}

fn fixture() -> Fixture {
    let key = ES256KeyPair::generate().with_key_id("k1");
    let jwks = serde_json::json!({ "keys": [es256_jwk(&key, "k1")] }).to_string();
    Fixture {
        key,
        jwks,
        audiences: vec![AUDIENCE.to_string()],
    }
}

fn settings(f: &Fixture) -> OAuthSettings<'_> {
    OAuthSettings {
        issuer: ISSUER,
        audiences: &f.audiences,
        jwks: &f.jwks,
    }
}

fn token(
    f: &Fixture,
    scope: &str,
    tweak: impl FnOnce(JWTClaims<ScopeClaims>) -> JWTClaims<ScopeClaims>,
) -> String {
    let custom = ScopeClaims {
        scope: Some(scope.into()),
        ..ScopeClaims::default()
    };
    let claims = Claims::with_custom_claims(custom, Duration::from_secs(300))
        .with_issuer(ISSUER)
        .with_audience(AUDIENCE)
        .with_subject("agent-7");
    f.key.sign(tweak(claims)).unwrap()
}

#[test]
fn a_valid_token_becomes_a_principal_with_scoped_grants() {
    let f = fixture();
    let p = authenticate(
        &token(&f, "mcp:fastly mcp:backoffice:write openid", |c| c),
        &settings(&f),
    )
    .unwrap();
    assert_eq!(p.name, "agent-7");
    assert_eq!(p.kind, PrincipalKind::OAuth);
    assert!(p.may_use("fastly", false) && !p.may_use("fastly", true));
    assert!(p.may_use("backoffice", true));
    assert!(!p.may_use("conformance", false));
}

#[test]
fn wrong_audience_issuer_expiry_or_key_are_refused() {
    let f = fixture();
    let s = settings(&f);
    let cases = [
        token(&f, "mcp:fastly", |c| {
            c.with_audience("https://other.example.com/mcp")
        }),
        token(&f, "mcp:fastly", |c| {
            c.with_issuer("https://evil.example.com")
        }),
        token(&f, "mcp:fastly", |mut c| {
            let past = Clock::now_since_epoch() - Duration::from_secs(3600);
            c.issued_at = Some(past);
            c.expires_at = Some(past + Duration::from_secs(60));
            c
        }),
        token(&f, "mcp:fastly", |mut c| {
            c.invalid_before = Some(Clock::now_since_epoch() + Duration::from_secs(3600));
            c
        }),
        token(&f, "mcp:fastly", |mut c| {
            c.expires_at = None;
            c
        }),
    ];
    for (i, t) in cases.iter().enumerate() {
        assert!(authenticate(t, &s).is_err(), "case {i}");
    }
    let other = Fixture {
        key: ES256KeyPair::generate().with_key_id("k1"),
        jwks: f.jwks.clone(),
        audiences: f.audiences.clone(),
    };
    assert!(
        authenticate(&token(&other, "mcp:fastly", |c| c), &s).is_err(),
        "signed by another key"
    );
    assert!(authenticate("a.b.c", &s).is_err());
    assert!(authenticate("not a token", &s).is_err());
}

#[test]
fn alg_none_and_hs256_confusion_are_refused() {
    let f = fixture();
    let s = settings(&f);
    let claims =
        format!(r#"{{"iss":"{ISSUER}","aud":"{AUDIENCE}","exp":9999999999,"scope":"mcp:fastly"}}"#);
    let none = format!(
        "{}.{}.",
        b64(br#"{"alg":"none","kid":"k1"}"#),
        b64(claims.as_bytes())
    );
    assert!(authenticate(&none, &s).is_err());
    // HS256 keyed with the public JWK text: must not verify against an EC key.
    let hs = HS256Key::from_bytes(f.jwks.as_bytes()).with_key_id("k1");
    let forged = hs
        .authenticate(
            Claims::create(Duration::from_secs(60))
                .with_issuer(ISSUER)
                .with_audience(AUDIENCE),
        )
        .unwrap();
    assert!(authenticate(&forged, &s).is_err());
}

#[test]
fn rs256_keys_from_the_jwks_verify() {
    let key = RS256KeyPair::generate(2048).unwrap().with_key_id("r1");
    let c = key.public_key().to_components();
    let jwks = serde_json::json!({ "keys": [{ "kty": "RSA", "kid": "r1", "n": b64(&c.n), "e": b64(&c.e) }] }).to_string();
    let s = OAuthSettings {
        issuer: ISSUER,
        audiences: &[AUDIENCE.to_string()],
        jwks: &jwks,
    };
    let claims = Claims::with_custom_claims(
        ScopeClaims {
            scp: Some(vec!["mcp:fastly".into()]),
            ..ScopeClaims::default()
        },
        Duration::from_secs(60),
    )
    .with_issuer(ISSUER)
    .with_audience(AUDIENCE)
    .with_subject("svc");
    let p = authenticate(&key.sign(claims).unwrap(), &s).unwrap();
    assert!(p.may_use("fastly", false));
}

#[test]
fn a_missing_or_broken_jwks_refuses_everything() {
    let f = fixture();
    let t = token(&f, "mcp:fastly", |c| c);
    for jwks in [
        "",
        "{}",
        r#"{"keys":[]}"#,
        r#"{"keys":[{"kty":"EC","kid":"k1","crv":"P-256","x":"!","y":"!"}]}"#,
    ] {
        let s = OAuthSettings {
            issuer: ISSUER,
            audiences: &f.audiences,
            jwks,
        };
        assert!(authenticate(&t, &s).is_err(), "{jwks}");
    }
}

#[test]
fn any_of_the_servers_audiences_is_accepted_and_no_other() {
    let mut f = fixture();
    f.audiences = vec![
        "https://mcp.example.com".into(),
        "https://mcp.example.com/mcp".into(),
        "https://mcp.example.com/sse".into(),
    ];
    for aud in &f.audiences {
        let t = token(&f, "mcp:fastly", |c| c.with_audience(aud.as_str()));
        assert!(authenticate(&t, &settings(&f)).is_ok(), "{aud}");
    }
    let both = token(&f, "mcp:fastly", |c| {
        c.with_audiences(HashSet::from_strings(&[
            "https://other.example.com",
            "https://mcp.example.com/sse",
        ]))
    });
    assert!(authenticate(&both, &settings(&f)).is_ok());
    for aud in [
        "https://mcp.example.com/messages",
        "https://other.example.com",
        "",
    ] {
        let t = token(&f, "mcp:fastly", |c| c.with_audience(aud));
        assert!(authenticate(&t, &settings(&f)).is_err(), "{aud}");
    }
}

/// Principals are the token's issuer, subject and client: tokens without `sub` are their
/// client (never one shared identity), a token with neither is refused.
#[test]
fn tokens_without_sub_are_their_client_and_never_collide() {
    let f = fixture();
    let s = settings(&f);
    let without_sub = |custom: ScopeClaims| {
        let claims = Claims::with_custom_claims(custom, Duration::from_secs(300))
            .with_issuer(ISSUER)
            .with_audience(AUDIENCE);
        f.key.sign(claims).unwrap()
    };
    let client = |id: &str| ScopeClaims {
        scope: Some("mcp:fastly".into()),
        client_id: Some(id.into()),
        ..ScopeClaims::default()
    };
    let a = authenticate(&without_sub(client("client-a")), &s).unwrap();
    let b = authenticate(&without_sub(client("client-b")), &s).unwrap();
    assert_eq!((a.name.as_str(), b.name.as_str()), ("client-a", "client-b"));
    assert_ne!(a.id(), b.id());
    let azp = ScopeClaims {
        azp: Some("client-c".into()),
        ..ScopeClaims::default()
    };
    assert_eq!(
        authenticate(&without_sub(azp), &s).unwrap().name,
        "client-c"
    );
    // A subject that happens to equal a client id is still another principal.
    let user = authenticate(&token(&f, "mcp:fastly", |c| c.with_subject("client-a")), &s).unwrap();
    assert_ne!(user.id(), a.id());
    // One user through two clients: two principals.
    let via = |id: &str| {
        let claims = Claims::with_custom_claims(client(id), Duration::from_secs(300))
            .with_issuer(ISSUER)
            .with_audience(AUDIENCE)
            .with_subject("alice");
        authenticate(&f.key.sign(claims).unwrap(), &s).unwrap()
    };
    assert_eq!(via("client-a").name, "alice");
    assert_ne!(via("client-a").id(), via("client-b").id());
    assert_eq!(via("client-a").id(), via("client-a").id());
    let empty = ScopeClaims {
        client_id: Some(String::new()),
        ..ScopeClaims::default()
    };
    for anonymous in [ScopeClaims::default(), empty] {
        assert_eq!(
            authenticate(&without_sub(anonymous), &s).unwrap_err(),
            "token names neither a subject (sub) nor a client (client_id)"
        );
    }
}

/// The TS SDK's step-up replaces its scopes with what an insufficient_scope challenge
/// names, so the challenge names every scope the token had plus the one needed.
#[test]
fn a_step_up_challenge_names_the_tokens_scopes_and_the_one_needed() {
    use crate::auth::challenge::ResourceInfo;
    use crate::config::Config;
    use crate::transport::session::LazySessions;
    let f = fixture();
    let principal = authenticate(
        &token(&f, "openid mcp:fastly mcp:backoffice", |c| c),
        &settings(&f),
    )
    .unwrap();
    let mut config = Config::default();
    config.tools.tool_sets = vec!["fastly".into(), "backoffice".into()];
    config.tools.allow_writes = vec!["fastly".into()];
    let http_sets = crate::catalog::http_sets(&config);
    let catalog = crate::catalog::for_caller(&config, &http_sets, &principal);
    let info = crate::catalog::server_info();
    let states = crate::lazy::Lazy::new(|| None);
    let server = crate::mcp::server::Server {
        catalog: &catalog,
        info: &info,
        page_size: 50,
        upstream: &crate::upstream::NoUpstream,
        principal: &crate::lazy::Deferred::new(|| "p".to_string()),
        cache_scope: crate::mcp::model::discover::CacheScope::Private,
        states: &states,
    };
    let scopes = crate::catalog::scopes_supported(&config);
    let resource = ResourceInfo {
        resource: AUDIENCE,
        metadata_url: "https://mcp.example.com/.well-known/oauth-protected-resource/mcp",
        authorization_servers: &[],
        scopes_supported: &|| scopes.clone(),
        oauth: true,
    };
    let sessions = LazySessions::new(|| None);
    let endpoint = crate::transport::Endpoint {
        config: &config,
        server: &server,
        sessions: &sessions,
        principal: &principal,
        resource: &resource,
    };
    let message = serde_json::json!({
        "jsonrpc": "2.0", "id": 7, "method": "tools/call",
        "params": { "name": "fastly_purge_all", "arguments": { "service_id": "abc" } }
    });
    let crate::jsonrpc::Message::Request(request) = crate::jsonrpc::classify(message) else {
        panic!("a request")
    };
    let refusal = endpoint.scope_refusal(&request).expect("a 403");
    assert_eq!(refusal.status(), 403);
    let challenge = refusal.headers()["www-authenticate"].to_str().unwrap();
    assert!(
        challenge.contains("error=\"insufficient_scope\""),
        "{challenge}"
    );
    assert!(
        challenge.ends_with("scope=\"openid mcp:fastly mcp:backoffice mcp:fastly:write\""),
        "{challenge}"
    );
}
