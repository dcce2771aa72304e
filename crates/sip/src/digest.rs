//! Digest authentication for a UAC (RFC 3261 §22.4 on RFC 2617, RFC 7616 algorithms, RFC 8760 for SIP):
//! answer a WWW-Authenticate / Proxy-Authenticate challenge with Authorization / Proxy-Authorization
//! credentials.
//!
//! Algorithms MD5, MD5-sess, SHA-256 and SHA-256-sess; qop `auth`, `auth-int` or none. The client nonce
//! and nonce count are inputs, so the next layer owns randomness and counting (and tests are exact).
//! When a server offers several challenges, [`pick_challenge`] takes the strongest one understood.

use sha2::{Digest as _, Sha256};
use thiserror::Error;

use crate::header::{Challenge, Credentials};
use crate::scan::quote;

/// A digest hash algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// `MD5` (the default when the challenge names none).
    Md5,
    /// `MD5-sess`.
    Md5Sess,
    /// `SHA-256` (RFC 7616, RFC 8760).
    Sha256,
    /// `SHA-256-sess`.
    Sha256Sess,
}

impl Algorithm {
    /// Parses an `algorithm` value (case-insensitive); `None` for algorithms this crate cannot compute.
    pub fn parse(s: &str) -> Option<Algorithm> {
        [
            Algorithm::Md5,
            Algorithm::Md5Sess,
            Algorithm::Sha256,
            Algorithm::Sha256Sess,
        ]
        .into_iter()
        .find(|a| a.as_str().eq_ignore_ascii_case(s))
    }

    /// The token as sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Md5Sess => "MD5-sess",
            Algorithm::Sha256 => "SHA-256",
            Algorithm::Sha256Sess => "SHA-256-sess",
        }
    }

    /// Whether A1 includes the nonces (`-sess`).
    pub fn is_session(self) -> bool {
        matches!(self, Algorithm::Md5Sess | Algorithm::Sha256Sess)
    }

    /// Lowercase hex of the hash of `data`.
    pub fn hex(self, data: &[u8]) -> String {
        match self {
            Algorithm::Md5 | Algorithm::Md5Sess => to_hex(&md5::Md5::digest(data)),
            Algorithm::Sha256 | Algorithm::Sha256Sess => to_hex(&Sha256::digest(data)),
        }
    }

    fn strength(self) -> u8 {
        match self {
            Algorithm::Md5 | Algorithm::Md5Sess => 1,
            Algorithm::Sha256 | Algorithm::Sha256Sess => 2,
        }
    }
}

fn to_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[usize::from(b >> 4)] as char);
        s.push(HEX[usize::from(b & 15)] as char);
    }
    s
}

/// Quality of protection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qop {
    /// `auth`: method and URI protected.
    Auth,
    /// `auth-int`: the body too.
    AuthInt,
}

impl Qop {
    fn as_str(self) -> &'static str {
        match self {
            Qop::Auth => "auth",
            Qop::AuthInt => "auth-int",
        }
    }
}

/// Why a challenge cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DigestError {
    /// The challenge's scheme is not `Digest`.
    #[error("not a Digest challenge")]
    NotDigest,
    /// `realm` or `nonce` is missing.
    #[error("challenge has no {0}")]
    MissingParam(&'static str),
    /// The algorithm is not one of MD5, MD5-sess, SHA-256, SHA-256-sess.
    #[error("unsupported digest algorithm {0}")]
    UnsupportedAlgorithm(String),
    /// A qop list offering neither `auth` nor `auth-int`.
    #[error("unsupported qop {0}")]
    UnsupportedQop(String),
}

/// A Digest challenge, read from a WWW-Authenticate / Proxy-Authenticate value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestChallenge {
    /// The protection space.
    pub realm: String,
    /// The server nonce.
    pub nonce: String,
    /// Opaque data to echo.
    pub opaque: Option<String>,
    /// The algorithm (MD5 when absent).
    pub algorithm: Algorithm,
    /// Whether the challenge named the algorithm (then the answer names it too).
    pub algorithm_given: bool,
    /// The chosen qop, if the challenge offered any.
    pub qop: Option<Qop>,
    /// `stale=true`: the nonce expired but the credentials were right; retry without asking the user.
    pub stale: bool,
}

/// What the answer is computed from.
#[derive(Debug, Clone, Copy)]
pub struct DigestInput<'a> {
    /// The user name.
    pub username: &'a str,
    /// The password.
    pub password: &'a str,
    /// The request method (`REGISTER`, `INVITE`…).
    pub method: &'a str,
    /// The digest-uri: the Request-URI as printed.
    pub uri: &'a str,
    /// The request body (used by `auth-int` only).
    pub body: &'a [u8],
    /// The client nonce (random in production, fixed in tests).
    pub cnonce: &'a str,
    /// The nonce count: 1 for the first use of this nonce, then 2, 3…
    pub nc: u32,
}

impl DigestChallenge {
    /// Reads a Digest challenge.
    pub fn from_challenge(c: &Challenge) -> Result<DigestChallenge, DigestError> {
        if !c.is_digest() {
            return Err(DigestError::NotDigest);
        }
        let realm = c
            .unquoted("realm")
            .ok_or(DigestError::MissingParam("realm"))?;
        let nonce = c
            .unquoted("nonce")
            .ok_or(DigestError::MissingParam("nonce"))?;
        let (algorithm, algorithm_given) = match c.unquoted("algorithm") {
            Some(a) => (
                Algorithm::parse(&a).ok_or(DigestError::UnsupportedAlgorithm(a))?,
                true,
            ),
            None => (Algorithm::Md5, false),
        };
        let qop = match c.unquoted("qop") {
            None => None,
            Some(list) => {
                let offered: Vec<&str> = list
                    .split(',')
                    .map(|q| q.trim_matches([' ', '\t']))
                    .collect();
                if offered.iter().any(|q| q.eq_ignore_ascii_case("auth")) {
                    Some(Qop::Auth)
                } else if offered.iter().any(|q| q.eq_ignore_ascii_case("auth-int")) {
                    Some(Qop::AuthInt)
                } else {
                    return Err(DigestError::UnsupportedQop(list));
                }
            }
        };
        let stale = c
            .unquoted("stale")
            .is_some_and(|s| s.eq_ignore_ascii_case("true"));
        Ok(DigestChallenge {
            realm,
            nonce,
            opaque: c.unquoted("opaque"),
            algorithm,
            algorithm_given,
            qop,
            stale,
        })
    }

    /// The `response` value (lowercase hex).
    pub fn response(&self, input: &DigestInput<'_>) -> String {
        let h = |s: &str| self.algorithm.hex(s.as_bytes());
        // Pieces joined by `:` rather than `format!`: no formatting machinery per line in the wasm.
        let mut ha1 = h(&colon_joined(&[
            input.username,
            &self.realm,
            input.password,
        ]));
        if self.algorithm.is_session() {
            ha1 = h(&colon_joined(&[&ha1, &self.nonce, input.cnonce]));
        }
        let ha2 = match self.qop {
            Some(Qop::AuthInt) => {
                let body = self.algorithm.hex(input.body);
                h(&colon_joined(&[input.method, input.uri, &body]))
            }
            _ => h(&colon_joined(&[input.method, input.uri])),
        };
        match self.qop {
            Some(q) => h(&colon_joined(&[
                &ha1,
                &self.nonce,
                &nc_hex(input.nc),
                input.cnonce,
                q.as_str(),
                &ha2,
            ])),
            None => h(&colon_joined(&[&ha1, &self.nonce, &ha2])),
        }
    }

    /// The credentials answering this challenge, parameters in RFC 2617 order.
    pub fn respond(&self, input: &DigestInput<'_>) -> Credentials {
        let mut cred = Credentials::new("Digest");
        cred.push("username", &quote(input.username));
        cred.push("realm", &quote(&self.realm));
        cred.push("nonce", &quote(&self.nonce));
        cred.push("uri", &quote(input.uri));
        if self.algorithm_given {
            cred.push("algorithm", self.algorithm.as_str());
        }
        if let Some(q) = self.qop {
            cred.push("qop", q.as_str());
            cred.push("nc", &nc_hex(input.nc));
        }
        if self.qop.is_some() || self.algorithm.is_session() {
            cred.push("cnonce", &quote(input.cnonce));
        }
        cred.push("response", &quote(&self.response(input)));
        if let Some(o) = &self.opaque {
            cred.push("opaque", &quote(o));
        }
        cred
    }
}

/// The nonce count as sent: eight lowercase hex digits (`{:08x}`).
fn nc_hex(nc: u32) -> String {
    to_hex(&nc.to_be_bytes())
}

/// The pieces joined by `:` (what each Digest hash input is), without `format!` or `concat`.
fn colon_joined(parts: &[&str]) -> String {
    let mut s = String::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        s.push_str(p);
    }
    s
}

/// The strongest Digest challenge this crate can answer (RFC 8760 §2.4: SHA-256 before MD5; among
/// equals, the first).
pub fn pick_challenge<'a>(
    challenges: impl IntoIterator<Item = &'a Challenge>,
) -> Option<(&'a Challenge, DigestChallenge)> {
    pick(&mut challenges.into_iter())
}

/// [`pick_challenge`], not generic: one copy in the wasm whatever the iterator.
fn pick<'a>(
    challenges: &mut dyn Iterator<Item = &'a Challenge>,
) -> Option<(&'a Challenge, DigestChallenge)> {
    let mut best: Option<(&Challenge, DigestChallenge)> = None;
    for c in challenges {
        if let Ok(d) = DigestChallenge::from_challenge(c) {
            if best
                .as_ref()
                .is_none_or(|(_, b)| d.algorithm.strength() > b.algorithm.strength())
            {
                best = Some((c, d));
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::nc_hex;

    #[test]
    fn nc_is_eight_lowercase_hex_digits() {
        for n in [0, 1, 0xab, 0x1234_abcd, u32::MAX] {
            assert_eq!(nc_hex(n), format!("{n:08x}"));
        }
    }
}
