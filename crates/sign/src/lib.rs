//! Request signing for the Alibaba Cloud OpenAPI (CCC 2020-07-01, `ccc-api-2020-07-01.md` §2), and its
//! verification.
//!
//! - [`v3`]: `ACS3-HMAC-SHA256`, the header-based signature of the current SDKs (the default).
//! - [`v1`]: the RPC signature, `HMAC-SHA1` over the sorted parameters.
//! - [`verify`]: checks a received request the way the gateway does (signature, timestamp window, nonce
//!   reuse through a caller-supplied seen-set), for the emulator's OpenAPI face.
//! - [`encode`]: the percent-encoding both versions use; [`time`]: the `yyyy-MM-ddTHH:mm:ssZ` timestamps.
//! - [`params`]: a request's JSON as the RPC parameters both versions sign (the browser's AK/SK mode and
//!   the server's upstream proxy use the same conversion).
//!
//! The crate is pure: no clock, no randomness, no I/O. Callers pass the current time and a fresh nonce, which
//! keeps it testable against the published vectors and usable in the browser (wasm32) as well as on a server.
//! Secrets are an [`AccessKeySecret`], whose `Debug` and `Display` print `***`.

pub mod encode;
pub mod params;
pub mod time;
pub mod v1;
pub mod v3;
pub mod verify;

use std::fmt;

/// An AccessKeySecret (or any signing secret). `Debug`/`Display` never show it; [`AccessKeySecret::expose`]
/// is the only way to read it, so every use is greppable.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessKeySecret(String);

impl AccessKeySecret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        AccessKeySecret(secret.into())
    }

    /// The secret itself, for signing.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for AccessKeySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for AccessKeySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// An AccessKey pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The public half (`AccessKeyId`), sent with every request.
    pub access_key_id: String,
    /// The secret half; never sent.
    pub access_key_secret: AccessKeySecret,
}

impl Credentials {
    /// A pair from its two halves.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            access_key_secret: AccessKeySecret::new(access_key_secret),
        }
    }
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    out
}

/// Bytes of lower- or upper-case hex `s`, if it is hex.
pub(crate) fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() & 1 == 1 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let c = Credentials::new("id", "s3cr3t-value");
        assert_eq!(format!("{}", c.access_key_secret), "***");
        assert_eq!(format!("{:?}", c.access_key_secret), "***");
        let dbg = format!("{c:?} {c:#?}");
        assert!(!dbg.contains("s3cr3t"), "{dbg}");
        assert!(dbg.contains("id"));
        assert_eq!(c.access_key_secret.expose(), "s3cr3t-value");
    }

    #[test]
    fn hex_round_trip() {
        assert_eq!(hex(&[0x00, 0xab, 0xff]), "00abff");
        assert_eq!(unhex("00ABff"), Some(vec![0, 0xab, 0xff]));
        assert_eq!(unhex("0"), None);
        assert_eq!(unhex("zz"), None);
    }
}
