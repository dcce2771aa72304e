//! Who is calling, in upstream mode: never the browser's word. Either a header set by a trusted reverse
//! proxy (believed only when the TCP peer is one of the configured addresses) or an HS256 JWT the host
//! issued (`sub` = UserId, `exp` required), from a cookie or `Authorization: Bearer`.

use std::net::IpAddr;

use axum::http::{header, HeaderMap};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ccc_sign::AccessKeySecret;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

use super::config::IdentityConfig;
use super::guard::Credential;

/// Why a request is not authenticated (for the audit log; the client only learns "401").
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AuthError {
    /// The identity header came from an address that is not a trusted proxy (or there was none).
    UntrustedPeer,
    /// No identity header, cookie or bearer token.
    Missing,
    /// The token is malformed, of another algorithm, or its signature is wrong.
    BadToken(&'static str),
    /// The token has expired (or is not valid yet).
    Expired,
}

impl AuthError {
    pub(crate) fn reason(&self) -> &'static str {
        match self {
            AuthError::UntrustedPeer => "identity header from an untrusted address",
            AuthError::Missing => "no identity",
            AuthError::BadToken(why) => why,
            AuthError::Expired => "token expired or not yet valid",
        }
    }
}

/// The authenticated agent's UserId. `instance_id` completes a `sub` without `@instance`.
#[cfg(test)]
pub(crate) fn authenticate(
    config: &IdentityConfig,
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    now: i64,
    instance_id: &str,
) -> Result<String, AuthError> {
    authenticate_with(config, peer, headers, now, instance_id).map(|(user, _)| user)
}

/// The same, with the kind of credential it came in (for the cross-site check).
pub(crate) fn authenticate_with(
    config: &IdentityConfig,
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    now: i64,
    instance_id: &str,
) -> Result<(String, Credential), AuthError> {
    let (user, credential) = match config {
        IdentityConfig::TrustedHeader { header, trusted } => {
            let value = headers
                .get(header.as_str())
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty());
            let trusted_peer = peer.is_some_and(|ip| trusted.iter().any(|c| c.contains(ip)));
            match (value, trusted_peer) {
                (Some(v), true) => (v.to_owned(), Credential::TrustedHeader),
                (_, false) => return Err(AuthError::UntrustedPeer),
                (None, true) => return Err(AuthError::Missing),
            }
        }
        IdentityConfig::Jwt { secret, cookie } => {
            let (token, credential) = match bearer(headers) {
                Some(t) => (t, Credential::Bearer),
                None => (
                    cookie_value(headers, cookie).ok_or(AuthError::Missing)?,
                    Credential::Cookie,
                ),
            };
            (verify_hs256(&token, secret, now)?, credential)
        }
    };
    let user = if user.contains('@') {
        user
    } else {
        format!("{user}@{instance_id}")
    };
    Ok((user, credential))
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| k.trim() == name)
        .map(|(_, v)| v.trim().trim_matches('"').to_owned())
        .filter(|v| !v.is_empty())
}

#[derive(Deserialize)]
struct JwtHeader {
    alg: String,
}

#[derive(Deserialize)]
struct Claims {
    sub: Option<String>,
    exp: Option<f64>,
    nbf: Option<f64>,
}

/// Verifies an HS256 JWT and returns its `sub`.
pub(crate) fn verify_hs256(
    token: &str,
    secret: &AccessKeySecret,
    now: i64,
) -> Result<String, AuthError> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(AuthError::BadToken("token is not a JWT"));
    };
    let header: JwtHeader = URL_SAFE_NO_PAD
        .decode(h)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(AuthError::BadToken("token header unreadable"))?;
    if header.alg != "HS256" {
        return Err(AuthError::BadToken("token algorithm is not HS256"));
    }
    let sig = URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| AuthError::BadToken("token signature unreadable"))?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes())
        .expect("HMAC takes any key length");
    mac.update(h.as_bytes());
    mac.update(b".");
    mac.update(p.as_bytes());
    mac.verify_slice(&sig)
        .map_err(|_| AuthError::BadToken("token signature does not match"))?;
    let claims: Claims = URL_SAFE_NO_PAD
        .decode(p)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(AuthError::BadToken("token claims unreadable"))?;
    let exp = claims.exp.ok_or(AuthError::BadToken("token has no exp"))?;
    if (now as f64) >= exp || claims.nbf.is_some_and(|nbf| (now as f64) < nbf) {
        return Err(AuthError::Expired);
    }
    claims
        .sub
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .ok_or(AuthError::BadToken("token has no sub"))
}

/// An HS256 JWT of `claims` (for tests and for hosts that want to mint one the same way).
pub fn sign_hs256(claims: &serde_json::Value, secret: &str) -> String {
    let h = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let p = URL_SAFE_NO_PAD.encode(claims.to_string());
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(format!("{h}.{p}").as_bytes());
    let s = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{h}.{p}.{s}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upstream::config::Cidr;
    use axum::http::HeaderValue;
    use serde_json::json;

    const KEY: &str = "0123456789abcdef0123456789abcdef";

    fn jwt_config() -> IdentityConfig {
        IdentityConfig::Jwt {
            secret: AccessKeySecret::new(KEY),
            cookie: "ccc_token".into(),
        }
    }

    #[test]
    fn jwt_from_bearer_or_cookie() {
        let t = sign_hs256(&json!({"sub": "agent1@ccc", "exp": 2000}), KEY);
        let mut h = HeaderMap::new();
        assert_eq!(
            authenticate(&jwt_config(), None, &h, 1000, "ccc"),
            Err(AuthError::Missing)
        );
        h.insert(
            "cookie",
            HeaderValue::from_str(&format!("a=b; ccc_token={t}")).unwrap(),
        );
        assert_eq!(
            authenticate(&jwt_config(), None, &h, 1000, "ccc").unwrap(),
            "agent1@ccc"
        );
        let t2 = sign_hs256(&json!({"sub": "agent2", "exp": 2000}), KEY);
        h.insert(
            "authorization",
            HeaderValue::from_str(&format!("Bearer {t2}")).unwrap(),
        );
        assert_eq!(
            authenticate(&jwt_config(), None, &h, 1000, "ccc").unwrap(),
            "agent2@ccc"
        );
    }

    #[test]
    fn jwt_rejections() {
        let secret = AccessKeySecret::new(KEY);
        let ok = sign_hs256(&json!({"sub": "a", "exp": 2000}), KEY);
        assert_eq!(verify_hs256(&ok, &secret, 1999).unwrap(), "a");
        assert_eq!(verify_hs256(&ok, &secret, 2000), Err(AuthError::Expired));
        let forged = sign_hs256(
            &json!({"sub": "a", "exp": 2000}),
            "another-key-another-key-another!!",
        );
        assert!(matches!(
            verify_hs256(&forged, &secret, 1),
            Err(AuthError::BadToken(_))
        ));
        let no_exp = sign_hs256(&json!({"sub": "a"}), KEY);
        assert!(matches!(
            verify_hs256(&no_exp, &secret, 1),
            Err(AuthError::BadToken(_))
        ));
        let no_sub = sign_hs256(&json!({"exp": 2000}), KEY);
        assert!(matches!(
            verify_hs256(&no_sub, &secret, 1),
            Err(AuthError::BadToken(_))
        ));
        let early = sign_hs256(&json!({"sub": "a", "exp": 2000, "nbf": 1500}), KEY);
        assert_eq!(verify_hs256(&early, &secret, 1000), Err(AuthError::Expired));
        // alg "none" with the signature stripped, and a payload swapped under a valid signature.
        let none_h = URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#);
        let p = ok.split('.').nth(1).unwrap();
        assert!(verify_hs256(&format!("{none_h}.{p}."), &secret, 1).is_err());
        let evil_p = URL_SAFE_NO_PAD.encode(json!({"sub": "boss", "exp": 2000}).to_string());
        let parts: Vec<&str> = ok.split('.').collect();
        assert!(verify_hs256(&format!("{}.{evil_p}.{}", parts[0], parts[2]), &secret, 1).is_err());
        assert!(verify_hs256("a.b", &secret, 1).is_err());
    }

    #[test]
    fn trusted_header_only_from_trusted_peers() {
        let cfg = IdentityConfig::TrustedHeader {
            header: "x-forwarded-user".into(),
            trusted: vec![Cidr::parse("10.0.0.0/8").unwrap()],
        };
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-user", HeaderValue::from_static("agent1@ccc"));
        let from = |ip: &str| authenticate(&cfg, Some(ip.parse().unwrap()), &h, 0, "ccc");
        assert_eq!(from("10.1.1.1").unwrap(), "agent1@ccc");
        assert_eq!(from("192.168.1.1"), Err(AuthError::UntrustedPeer));
        assert_eq!(
            authenticate(&cfg, None, &h, 0, "ccc"),
            Err(AuthError::UntrustedPeer)
        );
        assert_eq!(
            authenticate(
                &cfg,
                Some("10.0.0.1".parse().unwrap()),
                &HeaderMap::new(),
                0,
                "ccc"
            ),
            Err(AuthError::Missing)
        );
    }
}
