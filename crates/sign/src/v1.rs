//! Signature V1, the RPC signature (`HMAC-SHA1`, §2.1).
//!
//! All request parameters — the common ones of [`CommonParams`] and the action's, from the query and the
//! form body alike — except `Signature` are percent-encoded, sorted and joined into the canonicalized query
//! string; `StringToSign = Method & %2F & percentEncode(that)`; the signature is
//! `Base64(HMAC-SHA1(secret + "&", StringToSign))`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::encode::{canonical_query, percent_encode};
use crate::{AccessKeySecret, Credentials};

/// `SignatureMethod` of V1.
pub const SIGNATURE_METHOD: &str = "HMAC-SHA1";
/// `SignatureVersion` of V1.
pub const SIGNATURE_VERSION: &str = "1.0";
/// The parameter carrying the signature.
pub const SIGNATURE: &str = "Signature";
/// Names of the common parameters (§2.1 table), which are not the action's own.
pub const COMMON_PARAMS: &[&str] = &[
    "Action",
    "Version",
    "Format",
    "AccessKeyId",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "Timestamp",
    "SecurityToken",
    "Signature",
];

/// `StringToSign` of `params` (which must not contain `Signature`) for HTTP `method`.
pub fn string_to_sign(method: &str, params: &[(String, String)]) -> String {
    format!(
        "{}&{}&{}",
        method.to_ascii_uppercase(),
        percent_encode("/"),
        percent_encode(&canonical_query(params))
    )
}

fn mac(secret: &AccessKeySecret, string_to_sign: &str) -> Hmac<Sha1> {
    let key = format!("{}&", secret.expose());
    let mut mac = Hmac::<Sha1>::new_from_slice(key.as_bytes()).expect("HMAC takes any key length");
    mac.update(string_to_sign.as_bytes());
    mac
}

/// `Base64(HMAC-SHA1(secret + "&", string_to_sign))`.
pub fn signature(secret: &AccessKeySecret, string_to_sign: &str) -> String {
    STANDARD.encode(mac(secret, string_to_sign).finalize().into_bytes())
}

/// Whether `signature` (Base64) is the one of `string_to_sign`, compared in constant time.
pub(crate) fn signature_matches(
    secret: &AccessKeySecret,
    string_to_sign: &str,
    signature: &str,
) -> bool {
    match STANDARD.decode(signature.trim()) {
        Ok(bytes) => mac(secret, string_to_sign).verify_slice(&bytes).is_ok(),
        Err(_) => false,
    }
}

/// The per-request inputs of the common parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommonParams<'a> {
    /// `Action`, e.g. `MakeCall`.
    pub action: &'a str,
    /// `Version`, e.g. `2020-07-01`.
    pub version: &'a str,
    /// `Format`: `JSON` (or `XML`).
    pub format: &'a str,
    /// `SignatureNonce`: unique per request (a UUID).
    pub nonce: &'a str,
    /// `Timestamp`, seconds since the Unix epoch (sent as `yyyy-MM-ddTHH:mm:ssZ`).
    pub timestamp: i64,
}

/// A signed V1 request's parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// The common parameters, `Signature` last: send them in the query string.
    pub common: Vec<(String, String)>,
    /// The `StringToSign` (for tests and debugging; contains no secret).
    pub string_to_sign: String,
    /// The signature (also in `common`).
    pub signature: String,
}

/// Signs a request with the action's parameters `action_params` (sent as query or form body, the caller's
/// choice: both are covered). Returns the common parameters with `Signature`.
pub fn sign(
    credentials: &Credentials,
    method: &str,
    common: &CommonParams<'_>,
    action_params: &[(String, String)],
) -> Signed {
    let mut common_params: Vec<(String, String)> = vec![
        ("AccessKeyId".into(), credentials.access_key_id.clone()),
        ("Action".into(), common.action.into()),
        ("Format".into(), common.format.into()),
        ("SignatureMethod".into(), SIGNATURE_METHOD.into()),
        ("SignatureNonce".into(), common.nonce.into()),
        ("SignatureVersion".into(), SIGNATURE_VERSION.into()),
        (
            "Timestamp".into(),
            crate::time::format_iso8601(common.timestamp),
        ),
        ("Version".into(), common.version.into()),
    ];
    let all: Vec<(String, String)> = common_params
        .iter()
        .chain(action_params.iter())
        .cloned()
        .collect();
    let string_to_sign = string_to_sign(method, &all);
    let signature = signature(&credentials.access_key_secret, &string_to_sign);
    common_params.push((SIGNATURE.into(), signature.clone()));
    Signed {
        common: common_params,
        string_to_sign,
        signature,
    }
}
