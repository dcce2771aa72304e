//! Verifying a received request the way the OpenAPI gateway does: the signature (V1 or V3), the timestamp
//! window (15 minutes either way by default) and nonce reuse, through a seen-set the caller supplies (and
//! prunes). Checks run in this order: required inputs, timestamp, AccessKeyId, signature, nonce — a nonce
//! is recorded only for a request whose signature is valid.
//!
//! Error codes are the gateway's (§1.3 b): `MissingParameter`, `InvalidParameter`, `IllegalTimestamp`,
//! `InvalidAccessKeyId.NotFound`, `SignatureDoesNotMatch`, `SignatureNonceUsed`.

use std::collections::HashSet;
use std::fmt;

use crate::{v1, v3, AccessKeySecret};

/// Default tolerance between the request's timestamp and now, in seconds (§2.2: "within 15 min").
pub const DEFAULT_WINDOW_SECONDS: i64 = 15 * 60;

/// Why a request is rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    /// A required parameter or header is absent.
    MissingParameter(String),
    /// Malformed or unsupported signature inputs (algorithm, method, version, an unsigned required header,
    /// a repeated parameter).
    InvalidParameter(String),
    /// The timestamp is malformed or outside the window.
    IllegalTimestamp(String),
    /// The AccessKeyId is unknown.
    AccessKeyNotFound(String),
    /// The signature (or the V3 content hash) does not match.
    SignatureDoesNotMatch(String),
    /// The nonce was used before.
    NonceUsed(String),
}

impl VerifyError {
    /// The gateway's `Code`.
    pub fn code(&self) -> &'static str {
        match self {
            VerifyError::MissingParameter(_) => "MissingParameter",
            VerifyError::InvalidParameter(_) => "InvalidParameter",
            VerifyError::IllegalTimestamp(_) => "IllegalTimestamp",
            VerifyError::AccessKeyNotFound(_) => "InvalidAccessKeyId.NotFound",
            VerifyError::SignatureDoesNotMatch(_) => "SignatureDoesNotMatch",
            VerifyError::NonceUsed(_) => "SignatureNonceUsed",
        }
    }

    /// The HTTP status (`SignatureDoesNotMatch` 403, the rest 400, per §1.3).
    pub fn http_status(&self) -> u16 {
        match self {
            VerifyError::SignatureDoesNotMatch(_) => 403,
            _ => 400,
        }
    }

    /// A human message (never contains a secret or a computed signature).
    pub fn message(&self) -> String {
        match self {
            VerifyError::MissingParameter(p) => format!("The input parameter \"{p}\" that is mandatory for processing this request is not supplied."),
            VerifyError::InvalidParameter(m) => m.clone(),
            VerifyError::IllegalTimestamp(m) => m.clone(),
            VerifyError::AccessKeyNotFound(id) => format!("Specified access key \"{id}\" is not found."),
            VerifyError::SignatureDoesNotMatch(m) => m.clone(),
            VerifyError::NonceUsed(n) => format!("Specified signature nonce \"{n}\" was used already."),
        }
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.message())
    }
}

impl std::error::Error for VerifyError {}

/// A set of nonces already used. The caller owns it (and forgets entries older than the window).
pub trait NonceSeen {
    /// Records `nonce` of `access_key_id` (request time `timestamp`); `false` if it was seen before.
    fn first_use(&mut self, access_key_id: &str, nonce: &str, timestamp: i64) -> bool;
}

impl NonceSeen for HashSet<String> {
    fn first_use(&mut self, access_key_id: &str, nonce: &str, _timestamp: i64) -> bool {
        self.insert(format!("{access_key_id}\n{nonce}"))
    }
}

/// The time inputs of a verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// Now, seconds since the Unix epoch.
    pub now: i64,
    /// Accepted distance between the request's timestamp and now, either way.
    pub window_seconds: i64,
}

impl Clock {
    /// `now` with the default 15-minute window.
    pub fn at(now: i64) -> Self {
        Clock {
            now,
            window_seconds: DEFAULT_WINDOW_SECONDS,
        }
    }
}

/// Which version a request was signed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// HMAC-SHA1 RPC signature.
    V1,
    /// ACS3-HMAC-SHA256.
    V3,
}

/// A request that passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Whose key signed it.
    pub access_key_id: String,
    /// The signature version.
    pub version: Version,
    /// Its timestamp, seconds since the Unix epoch.
    pub timestamp: i64,
}

fn check_time(raw: &str, clock: Clock) -> Result<i64, VerifyError> {
    let t = crate::time::parse_iso8601(raw).ok_or_else(|| {
        VerifyError::IllegalTimestamp(format!(
            "The input parameter \"Timestamp\" that is mandatory for processing this request is not \
             supplied or has a wrong format ({raw:?}; expected yyyy-MM-ddTHH:mm:ssZ)."
        ))
    })?;
    if (t - clock.now).abs() > clock.window_seconds {
        return Err(VerifyError::IllegalTimestamp(format!(
            "The request time {raw} is more than {} seconds away from the server time {}.",
            clock.window_seconds,
            crate::time::format_iso8601(clock.now)
        )));
    }
    Ok(t)
}

fn no_duplicates<'a>(names: impl Iterator<Item = &'a str>) -> Result<(), VerifyError> {
    let mut seen = HashSet::new();
    for n in names {
        if !seen.insert(n) {
            return Err(VerifyError::InvalidParameter(format!(
                "The parameter \"{n}\" is given more than once."
            )));
        }
    }
    Ok(())
}

/// Verifies a V1 request: `params` are all its parameters (query and form body), `Signature` included.
pub fn verify_v1(
    method: &str,
    params: &[(String, String)],
    lookup: impl Fn(&str) -> Option<AccessKeySecret>,
    clock: Clock,
    seen: &mut impl NonceSeen,
) -> Result<Verified, VerifyError> {
    no_duplicates(params.iter().map(|(k, _)| k.as_str()))?;
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| VerifyError::MissingParameter(name.to_owned()))
    };
    let signature = get(v1::SIGNATURE)?;
    let key_id = get("AccessKeyId")?;
    let method_param = get("SignatureMethod")?;
    let version = get("SignatureVersion")?;
    let nonce = get("SignatureNonce")?;
    let timestamp = get("Timestamp")?;
    if method_param != v1::SIGNATURE_METHOD {
        return Err(VerifyError::InvalidParameter(format!(
            "The SignatureMethod {method_param:?} is not supported (expected HMAC-SHA1)."
        )));
    }
    if version != v1::SIGNATURE_VERSION {
        return Err(VerifyError::InvalidParameter(format!(
            "The SignatureVersion {version:?} is not supported (expected 1.0)."
        )));
    }
    let t = check_time(timestamp, clock)?;
    let secret = lookup(key_id).ok_or_else(|| VerifyError::AccessKeyNotFound(key_id.into()))?;
    let signed: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| k != v1::SIGNATURE)
        .cloned()
        .collect();
    let sts = v1::string_to_sign(method, &signed);
    if !v1::signature_matches(&secret, &sts, signature) {
        return Err(VerifyError::SignatureDoesNotMatch(
            "Specified signature is not matched with our calculation.".into(),
        ));
    }
    if !seen.first_use(key_id, nonce, t) {
        return Err(VerifyError::NonceUsed(nonce.into()));
    }
    Ok(Verified {
        access_key_id: key_id.into(),
        version: Version::V1,
        timestamp: t,
    })
}

/// A received V3 request.
#[derive(Debug, Clone, Copy)]
pub struct V3Request<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// The path as received (the canonical URI is built from it).
    pub path: &'a str,
    /// Query parameters (decoded).
    pub query: &'a [(String, String)],
    /// All headers (any case).
    pub headers: &'a [(String, String)],
    /// The body as received.
    pub body: &'a [u8],
}

/// The headers every V3 request must sign.
const REQUIRED_SIGNED: &[&str] = &[
    "host",
    "x-acs-action",
    "x-acs-content-sha256",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-version",
];

/// The parts of an `Authorization: ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// `Credential` (the AccessKeyId).
    pub credential: String,
    /// `SignedHeaders`, lower-case.
    pub signed_headers: Vec<String>,
    /// `Signature` (hex).
    pub signature: String,
}

/// Parses an `Authorization` header value of V3.
pub fn parse_authorization(value: &str) -> Result<Authorization, VerifyError> {
    let bad = || {
        VerifyError::InvalidParameter(
            "The Authorization header is not of the form \"ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…\"."
                .into(),
        )
    };
    let rest = value
        .trim()
        .strip_prefix(v3::ALGORITHM)
        .and_then(|r| r.strip_prefix(' '))
        .ok_or_else(bad)?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=').ok_or_else(bad)?;
        let slot = match k.trim() {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed,
            "Signature" => &mut signature,
            _ => return Err(bad()),
        };
        if slot.replace(v.trim().to_owned()).is_some() {
            return Err(bad());
        }
    }
    let (credential, signed, signature) = (
        credential.ok_or_else(bad)?,
        signed.ok_or_else(bad)?,
        signature.ok_or_else(bad)?,
    );
    if credential.is_empty() || signature.is_empty() {
        return Err(bad());
    }
    Ok(Authorization {
        credential,
        signed_headers: signed.split(';').map(|h| h.to_ascii_lowercase()).collect(),
        signature,
    })
}

/// Verifies a V3 request.
pub fn verify_v3(
    request: &V3Request<'_>,
    lookup: impl Fn(&str) -> Option<AccessKeySecret>,
    clock: Clock,
    seen: &mut impl NonceSeen,
) -> Result<Verified, VerifyError> {
    let header = |name: &str| -> Vec<&str> {
        request
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    };
    let one = |name: &str| {
        header(name)
            .first()
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| VerifyError::MissingParameter(name.to_owned()))
    };
    let auth = parse_authorization(&one("authorization")?)?;
    for required in REQUIRED_SIGNED {
        one(required)?;
    }
    // Every header that takes part in signing must be signed, so none can be altered on the way.
    for (name, _) in request.headers {
        let lower = name.to_ascii_lowercase();
        if v3::is_signed_header(&lower) && !auth.signed_headers.contains(&lower) {
            return Err(VerifyError::InvalidParameter(format!(
                "The header {lower} must be listed in SignedHeaders."
            )));
        }
    }
    let content_sha = one("x-acs-content-sha256")?;
    if !content_sha.eq_ignore_ascii_case(&v3::sha256_hex(request.body)) {
        return Err(VerifyError::SignatureDoesNotMatch(
            "The x-acs-content-sha256 header does not match the body.".into(),
        ));
    }
    let date = one("x-acs-date")?;
    let t = check_time(&date, clock)?;
    let nonce = one("x-acs-signature-nonce")?;
    let secret = lookup(&auth.credential)
        .ok_or_else(|| VerifyError::AccessKeyNotFound(auth.credential.clone()))?;
    let mut signed_headers = Vec::new();
    for name in &auth.signed_headers {
        let values = header(name);
        if values.is_empty() {
            return Err(VerifyError::MissingParameter(name.clone()));
        }
        for v in values {
            signed_headers.push((name.clone(), v.to_owned()));
        }
    }
    let (canonical, _) = v3::canonical_request(
        request.method,
        request.path,
        request.query,
        &signed_headers,
        &content_sha.to_ascii_lowercase(),
    );
    if !v3::signature_matches(&secret, &v3::string_to_sign(&canonical), &auth.signature) {
        return Err(VerifyError::SignatureDoesNotMatch(
            "Specified signature is not matched with our calculation.".into(),
        ));
    }
    if !seen.first_use(&auth.credential, &nonce, t) {
        return Err(VerifyError::NonceUsed(nonce));
    }
    Ok(Verified {
        access_key_id: auth.credential,
        version: Version::V3,
        timestamp: t,
    })
}
