//! OAuth 2.1 resource server: access tokens are JWTs signed by the authorization server,
//! whose keys (a JWKS) live in the Config Store. A token must verify against the key its
//! header names, with the algorithm that key is for (RS256 or ES256), be current
//! (exp/nbf), come from the configured issuer and name this server as audience (any of
//! its resource identifiers, `auth::resource`). Scopes `mcp:<tool set>` and
//! `mcp:<tool set>:write` grant tool sets.
//!
//! The principal is the token's issuer, subject and client (`client_id`, else `azp`):
//! a user through two clients is two principals, and a token without `sub` (client
//! credentials at some authorization servers) is its client. A token naming neither a
//! subject nor a client is refused: it could only be told apart from others by guessing.

use super::{Grant, Principal, PrincipalKind};
use ct_codecs::{Base64UrlSafeNoPadding, Decoder};
use jwt_simple::prelude::*;
use serde_json::Value;

const TOLERANCE_SECONDS: u64 = 60;

/// Why a token was refused (said in WWW-Authenticate's error_description; never echoes
/// the token).
pub type Refusal = &'static str;

#[derive(Debug, Default, Serialize, Deserialize)]
struct ScopeClaims {
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    scp: Option<Vec<String>>,
    /// RFC 9068: the client the token was issued to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    client_id: Option<String>,
    /// OpenID Connect: the authorized party (the client), used when `client_id` is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    azp: Option<String>,
}

pub struct OAuthSettings<'a> {
    pub issuer: &'a str,
    /// The audiences accepted (this server's resource identifiers); a token needs one.
    pub audiences: &'a [String],
    /// The JWKS JSON (`{"keys": [...]}`).
    pub jwks: &'a str,
}

pub fn authenticate(token: &str, settings: &OAuthSettings) -> Result<Principal, Refusal> {
    let metadata = Token::decode_metadata(token).map_err(|_| "malformed token")?;
    let jwks: Value =
        serde_json::from_str(settings.jwks).map_err(|_| "no usable JWKS configured")?;
    let keys = jwks
        .get("keys")
        .and_then(Value::as_array)
        .ok_or("no usable JWKS configured")?;
    let kid = metadata.key_id();
    let key = keys
        .iter()
        .find(|k| kid.is_none() || k.get("kid").and_then(Value::as_str) == kid)
        .ok_or("token signed with an unknown key")?;
    let options = VerificationOptions {
        allowed_issuers: Some(HashSet::from_strings(&[settings.issuer])),
        allowed_audiences: Some(settings.audiences.iter().cloned().collect()),
        time_tolerance: Some(Duration::from_secs(TOLERANCE_SECONDS)),
        ..VerificationOptions::default()
    };
    let claims = match (metadata.algorithm(), field(key, "kty")) {
        ("RS256", Some("RSA")) => {
            let n = decode(key, "n")?;
            let e = decode(key, "e")?;
            let public =
                RS256PublicKey::from_components(&n, &e).map_err(|_| "unusable JWKS key")?;
            public.verify_token::<ScopeClaims>(token, Some(options))
        }
        ("ES256", Some("EC")) if field(key, "crv") == Some("P-256") => {
            let mut point = vec![0x04];
            point.extend(decode(key, "x")?);
            point.extend(decode(key, "y")?);
            let public = ES256PublicKey::from_bytes(&point).map_err(|_| "unusable JWKS key")?;
            public.verify_token::<ScopeClaims>(token, Some(options))
        }
        _ => return Err("token algorithm does not match its key (RS256 or ES256 only)"),
    }
    .map_err(|_| "invalid, expired or foreign token")?;
    if claims.expires_at.is_none() {
        return Err("token without expiry");
    }
    let nonempty = |v: Option<String>| v.filter(|v| !v.is_empty());
    let subject = nonempty(claims.subject);
    let client = nonempty(claims.custom.client_id).or(nonempty(claims.custom.azp));
    let name = match (&subject, &client) {
        (Some(subject), _) => subject.clone(),
        (None, Some(client)) => client.clone(),
        (None, None) => return Err("token names neither a subject (sub) nor a client (client_id)"),
    };
    let identity = serde_json::json!([settings.issuer, subject, client]).to_string();
    let mut scopes: Vec<String> = claims
        .custom
        .scope
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_string)
        .collect();
    scopes.extend(claims.custom.scp.unwrap_or_default());
    scopes.retain(|s| is_scope_token(s));
    let mut unique: Vec<String> = Vec::with_capacity(scopes.len());
    for scope in scopes {
        if !unique.contains(&scope) {
            unique.push(scope);
        }
    }
    Ok(Principal {
        kind: PrincipalKind::OAuth,
        name,
        identity,
        grants: grants(&unique),
        scopes: unique,
    })
}

/// RFC 6749 3.3 `scope-token`: printable ASCII without space, `"` and `\` (so it can be
/// named inside a quoted WWW-Authenticate parameter).
fn is_scope_token(scope: &str) -> bool {
    !scope.is_empty()
        && scope
            .bytes()
            .all(|b| matches!(b, 0x21 | 0x23..=0x5b | 0x5d..=0x7e))
}

/// `mcp:<set>` grants a tool set's read tools, `mcp:<set>:write` its writes too.
fn grants(scopes: &[String]) -> Vec<Grant> {
    let mut grants: Vec<Grant> = Vec::new();
    for scope in scopes {
        let Some(rest) = scope.strip_prefix("mcp:") else {
            continue;
        };
        let (set, write) = match rest.strip_suffix(":write") {
            Some(set) => (set, true),
            None => (rest, false),
        };
        match grants.iter_mut().find(|g| g.tool_set == set) {
            Some(grant) => grant.write |= write,
            None => grants.push(Grant {
                tool_set: set.to_string(),
                write,
            }),
        }
    }
    grants
}

fn field<'v>(key: &'v Value, name: &str) -> Option<&'v str> {
    key.get(name).and_then(Value::as_str)
}

fn decode(key: &Value, name: &str) -> Result<Vec<u8>, Refusal> {
    let text = field(key, name).ok_or("unusable JWKS key")?;
    Base64UrlSafeNoPadding::decode_to_vec(text, None).map_err(|_| "unusable JWKS key")
}

#[cfg(test)]
mod tests;
