//! Signature V3, `ACS3-HMAC-SHA256` (§2.2): a canonical request over the method, path, sorted query, the
//! `host`/`content-type`/`x-acs-*` headers and the body's SHA-256, hashed into `StringToSign` and signed
//! with `HMAC-SHA256(secret)`; sent as the `Authorization` header.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::encode::{canonical_query, percent_encode};
use crate::{hex, AccessKeySecret, Credentials};

/// The algorithm name, first word of `Authorization`.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";
/// Hex SHA-256 of the empty body.
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// The form content type of RPC requests with a body.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Whether a header takes part in the signature: `host`, `content-type` and `x-acs-*`.
pub fn is_signed_header(lower_name: &str) -> bool {
    lower_name == "host" || lower_name == "content-type" || lower_name.starts_with("x-acs-")
}

/// The canonical URI of `path`: each segment percent-encoded, `/` kept; empty → `/`.
pub fn canonical_uri(path: &str) -> String {
    if path.is_empty() {
        return "/".into();
    }
    path.split('/')
        .map(percent_encode)
        .collect::<Vec<_>>()
        .join("/")
}

/// The canonical request and the `SignedHeaders` list.
///
/// `headers` are the headers to sign (any case; names are lower-cased, values trimmed, sorted by name; a
/// name given twice has its values joined with `,`).
pub fn canonical_request(
    method: &str,
    path: &str,
    query: &[(String, String)],
    headers: &[(String, String)],
    hashed_payload: &str,
) -> (String, String) {
    let mut lowered: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    lowered.sort_by(|a, b| a.0.cmp(&b.0));
    let mut merged: Vec<(String, String)> = Vec::new();
    for (k, v) in lowered {
        match merged.last_mut() {
            Some(last) if last.0 == k => {
                last.1.push(',');
                last.1.push_str(&v);
            }
            _ => merged.push((k, v)),
        }
    }
    let canonical_headers: String = merged.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let signed_headers = merged
        .iter()
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        method.to_ascii_uppercase(),
        canonical_uri(path),
        canonical_query(query),
        canonical_headers,
        signed_headers,
        hashed_payload
    );
    (canonical, signed_headers)
}

/// `ACS3-HMAC-SHA256\n` + hex(SHA-256(canonical request)).
pub fn string_to_sign(canonical_request: &str) -> String {
    format!("{ALGORITHM}\n{}", sha256_hex(canonical_request.as_bytes()))
}

fn mac(secret: &AccessKeySecret, string_to_sign: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes())
        .expect("HMAC takes any key length");
    mac.update(string_to_sign.as_bytes());
    mac
}

/// Lower-case hex `HMAC-SHA256(secret, string_to_sign)`.
pub fn signature(secret: &AccessKeySecret, string_to_sign: &str) -> String {
    hex(&mac(secret, string_to_sign).finalize().into_bytes())
}

/// Whether hex `signature` is the one of `string_to_sign`, compared in constant time.
pub(crate) fn signature_matches(
    secret: &AccessKeySecret,
    string_to_sign: &str,
    signature: &str,
) -> bool {
    match crate::unhex(signature.trim()) {
        Some(bytes) => mac(secret, string_to_sign).verify_slice(&bytes).is_ok(),
        None => false,
    }
}

/// The `Authorization` header value.
pub fn authorization(access_key_id: &str, signed_headers: &str, signature: &str) -> String {
    format!("{ALGORITHM} Credential={access_key_id},SignedHeaders={signed_headers},Signature={signature}")
}

/// A request to sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request<'a> {
    /// HTTP method (`POST` for CCC).
    pub method: &'a str,
    /// The `host` header exactly as sent (`host[:port]`).
    pub host: &'a str,
    /// The path (`/` for RPC).
    pub path: &'a str,
    /// `x-acs-action`.
    pub action: &'a str,
    /// `x-acs-version`.
    pub version: &'a str,
    /// Query parameters (decoded).
    pub query: &'a [(String, String)],
    /// The body, exactly as sent.
    pub body: &'a [u8],
    /// Its content type, when there is a body.
    pub content_type: Option<&'a str>,
    /// `x-acs-date`, seconds since the Unix epoch.
    pub date: i64,
    /// `x-acs-signature-nonce`: unique per request.
    pub nonce: &'a str,
}

/// A signed V3 request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// The headers to send, `authorization` last (lower-case names; includes `host`).
    pub headers: Vec<(String, String)>,
    /// The canonical request (for tests and debugging; contains no secret).
    pub canonical_request: String,
    /// The signature (also in `authorization`).
    pub signature: String,
}

/// Signs `request`: returns the headers to send.
pub fn sign(credentials: &Credentials, request: &Request<'_>) -> Signed {
    let mut headers: Vec<(String, String)> = vec![
        ("host".into(), request.host.into()),
        ("x-acs-action".into(), request.action.into()),
        ("x-acs-version".into(), request.version.into()),
        (
            "x-acs-date".into(),
            crate::time::format_iso8601(request.date),
        ),
        ("x-acs-signature-nonce".into(), request.nonce.into()),
        ("x-acs-content-sha256".into(), sha256_hex(request.body)),
    ];
    if let Some(ct) = request.content_type {
        headers.push(("content-type".into(), ct.into()));
    }
    let hashed = sha256_hex(request.body);
    let (canonical, signed_headers) = canonical_request(
        request.method,
        request.path,
        request.query,
        &headers,
        &hashed,
    );
    let signature = signature(&credentials.access_key_secret, &string_to_sign(&canonical));
    headers.push((
        "authorization".into(),
        authorization(&credentials.access_key_id, &signed_headers, &signature),
    ));
    Signed {
        headers,
        canonical_request: canonical,
        signature,
    }
}
