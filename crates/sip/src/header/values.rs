//! The smaller typed header values: CSeq, Content-Type, Event, Subscription-State and the
//! WWW-Authenticate / Authorization family (RFC 3261 §20, RFC 6665 §8.2, RFC 7616).

use std::fmt;

use crate::error::{header_err, Result};
use crate::method::Method;
use crate::params::{Param, Params};
use crate::scan::{unquote, Cursor};

/// `CSeq: <seq> <method>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CSeq {
    /// The sequence number (below 2³¹, RFC 3261 §8.1.1.5).
    pub seq: u32,
    /// The method of the request.
    pub method: Method,
}

impl CSeq {
    pub(crate) fn parse(c: &mut Cursor<'_>) -> Result<CSeq> {
        const H: &str = "CSeq";
        c.skip_lws();
        let start = c.pos;
        let digits = c.take_while(|b| b.is_ascii_digit());
        let seq = digits
            .parse::<u32>()
            .ok()
            .filter(|n| *n < 1 << 31)
            .ok_or_else(|| header_err(H, "invalid sequence number", start))?;
        if !c.skip_lws() {
            return Err(header_err(
                H,
                "expected whitespace before the method",
                c.pos,
            ));
        }
        let m = c
            .token()
            .ok_or_else(|| header_err(H, "expected a method", c.pos))?;
        Ok(CSeq {
            seq,
            method: Method::parse(m)?,
        })
    }
}

impl fmt::Display for CSeq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.seq, self.method)
    }
}

/// A media type with parameters (`application/sdp`, `multipart/mixed;boundary=x`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaType {
    /// The top-level type as written.
    pub mtype: String,
    /// The subtype as written.
    pub subtype: String,
    /// Media-type parameters.
    pub params: Params,
}

impl MediaType {
    /// `type/subtype` without parameters.
    pub fn new(mtype: &str, subtype: &str) -> Self {
        MediaType {
            mtype: mtype.into(),
            subtype: subtype.into(),
            params: Params::new(),
        }
    }

    /// Whether this is `type/subtype` (case-insensitive, parameters ignored).
    pub fn is(&self, mtype: &str, subtype: &str) -> bool {
        self.mtype.eq_ignore_ascii_case(mtype) && self.subtype.eq_ignore_ascii_case(subtype)
    }

    pub(crate) fn parse(c: &mut Cursor<'_>) -> Result<MediaType> {
        const H: &str = "Content-Type";
        c.skip_lws();
        let mtype = c
            .token()
            .ok_or_else(|| header_err(H, "expected a media type", c.pos))?;
        if !c.eat_sep(b'/') {
            return Err(header_err(H, "expected '/'", c.pos));
        }
        let subtype = c
            .token()
            .ok_or_else(|| header_err(H, "expected a subtype", c.pos))?;
        Ok(MediaType {
            mtype: mtype.into(),
            subtype: subtype.into(),
            params: Params::parse_header(c)?,
        })
    }
}

impl fmt::Display for MediaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}{}", self.mtype, self.subtype, self.params)
    }
}

/// A token with parameters: the value of Event (`presence;id=1`) and Subscription-State
/// (`active;expires=3600`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenParams {
    /// The event package or subscription state.
    pub value: String,
    /// Its parameters (`id`, `expires`, `reason`, `retry-after`…).
    pub params: Params,
}

impl TokenParams {
    /// A value without parameters.
    pub fn new(value: &str) -> Self {
        TokenParams {
            value: value.into(),
            params: Params::new(),
        }
    }

    /// The `expires` parameter (Subscription-State).
    pub fn expires(&self) -> Option<u32> {
        self.params.value("expires").and_then(|v| v.parse().ok())
    }

    pub(crate) fn parse(c: &mut Cursor<'_>, header: &'static str) -> Result<TokenParams> {
        c.skip_lws();
        let value = c
            .token()
            .ok_or_else(|| header_err(header, "expected a token", c.pos))?;
        Ok(TokenParams {
            value: value.into(),
            params: Params::parse_header(c)?,
        })
    }
}

impl fmt::Display for TokenParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.value, self.params)
    }
}

/// A challenge (WWW-/Proxy-Authenticate) or credentials (Authorization / Proxy-Authorization):
/// a scheme and comma-separated `name=value` parameters, values kept as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auth {
    /// The scheme, normally `Digest`.
    pub scheme: String,
    /// The parameters in order (every one has a value).
    pub params: Vec<Param>,
}

/// A WWW-Authenticate or Proxy-Authenticate value.
pub type Challenge = Auth;
/// An Authorization or Proxy-Authorization value.
pub type Credentials = Auth;

impl Auth {
    /// A scheme with no parameters yet.
    pub fn new(scheme: &str) -> Self {
        Auth {
            scheme: scheme.into(),
            params: Vec::new(),
        }
    }

    /// Whether the scheme is `Digest` (case-insensitive).
    pub fn is_digest(&self) -> bool {
        self.scheme.eq_ignore_ascii_case("Digest")
    }

    /// The raw value of `name` (quotes kept).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
            .and_then(|p| p.value.as_deref())
    }

    /// The value of `name` without quotes.
    pub fn unquoted(&self, name: &str) -> Option<String> {
        self.param(name).map(|v| {
            if v.starts_with('"') {
                unquote(v)
            } else {
                v.to_owned()
            }
        })
    }

    /// Appends `name=value` with a raw value.
    pub fn push(&mut self, name: &str, value: &str) {
        self.params.push(Param {
            name: name.into(),
            value: Some(value.into()),
        });
    }

    pub(crate) fn parse(c: &mut Cursor<'_>, header: &'static str) -> Result<Auth> {
        c.skip_lws();
        let scheme = c
            .token()
            .ok_or_else(|| header_err(header, "expected an auth scheme", c.pos))?;
        let mut auth = Auth::new(scheme);
        c.skip_lws();
        if c.at_end() {
            return Ok(auth);
        }
        loop {
            let name = c
                .token()
                .ok_or_else(|| header_err(header, "expected a parameter name", c.pos))?;
            if !c.eat_sep(b'=') {
                return Err(header_err(header, "expected '='", c.pos));
            }
            let value = c.gen_value()?;
            auth.push(name, value);
            if !c.eat_sep(b',') {
                return Ok(auth);
            }
        }
    }
}

impl fmt::Display for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.scheme)?;
        for (i, p) in self.params.iter().enumerate() {
            let v = p.value.as_deref().unwrap_or("");
            write!(f, "{}{}={v}", if i == 0 { " " } else { ", " }, p.name)?;
        }
        Ok(())
    }
}
