//! URIs (RFC 3261 §19.1, §25.1): `sip:`/`sips:` URIs in full, any other scheme (`tel:`, `urn:` …) kept
//! opaque.
//!
//! Escapes (`%HH`) are validated but not decoded, so a URI prints exactly as it was read; use
//! [`SipUri::user_decoded`] for the plain user part. The scheme is case-insensitive and printed in
//! lowercase.

use std::fmt;
use std::str::FromStr;

use crate::error::{ErrorKind, ParseError, Result};
use crate::params::Params;
use crate::scan::{check_escaped, is_unreserved};

/// `sip` or `sips`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `sip:`
    Sip,
    /// `sips:` (TLS to the target, RFC 3261 §19.1).
    Sips,
}

/// A `sip:` or `sips:` URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SipUri {
    /// The scheme.
    pub scheme: Scheme,
    /// The user part, escapes kept.
    pub user: Option<String>,
    /// The password part, escapes kept (RFC 3261 discourages it, but it parses).
    pub password: Option<String>,
    /// Host name, IPv4 address or bracketed IPv6 reference.
    pub host: String,
    /// The port, if given.
    pub port: Option<u16>,
    /// URI parameters (`;transport=ws;lr`…).
    pub params: Params,
    /// URI headers (`?Subject=x&Priority=urgent`), names and values as written.
    pub headers: Vec<(String, String)>,
}

/// A URI of any scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uri {
    /// `sip:` / `sips:`.
    Sip(SipUri),
    /// Another scheme; `rest` is everything after the colon, as written.
    Other {
        /// The scheme as written.
        scheme: String,
        /// The scheme-specific part.
        rest: String,
    },
}

fn uri_err(reason: &'static str, offset: usize) -> ParseError {
    ParseError::new(ErrorKind::Uri(reason), offset)
}

fn is_user_char(b: u8) -> bool {
    is_unreserved(b) || b"&=+$,;?/".contains(&b)
}

fn is_password_char(b: u8) -> bool {
    is_unreserved(b) || b"&=+$,".contains(&b)
}

fn is_param_char(b: u8) -> bool {
    is_unreserved(b) || b"[]/:&+$".contains(&b)
}

fn is_hnv_char(b: u8) -> bool {
    is_unreserved(b) || b"[]/?:+$".contains(&b)
}

fn check(
    s: &str,
    allowed: fn(u8) -> bool,
    may_be_empty: bool,
    base: usize,
    what: &'static str,
) -> Result<()> {
    check_escaped(s, allowed, may_be_empty).map_err(|i| uri_err(what, base + i))
}

/// Checks a host: a hostname or IPv4 address (alphanumerics, `-`, `.`, `_`), or `[IPv6]`.
fn check_host(h: &str, base: usize) -> Result<()> {
    if let Some(inner) = h.strip_prefix('[') {
        let ok = inner.strip_suffix(']').is_some_and(|a| {
            !a.is_empty()
                && a.bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        });
        return if ok {
            Ok(())
        } else {
            Err(uri_err("invalid IPv6 reference", base))
        };
    }
    if h.is_empty() {
        return Err(uri_err("empty host", base));
    }
    match h
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_'))
    {
        Some(i) => Err(uri_err("invalid character in host", base + i)),
        None => Ok(()),
    }
}

impl SipUri {
    /// A URI `scheme:host` with nothing else.
    pub fn new(scheme: Scheme, host: &str) -> Self {
        SipUri {
            scheme,
            user: None,
            password: None,
            host: host.to_owned(),
            port: None,
            params: Params::new(),
            headers: Vec::new(),
        }
    }

    /// The same URI with a user part (given as written, escapes included).
    pub fn with_user(mut self, user: &str) -> Self {
        self.user = Some(user.to_owned());
        self
    }

    /// The same URI with a port.
    pub fn with_port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// The same URI with one more parameter.
    pub fn with_param(mut self, name: &str, value: Option<&str>) -> Self {
        self.params.set(name, value);
        self
    }

    /// The user part with `%HH` escapes decoded (bytes, since `%00` is legal).
    pub fn user_decoded(&self) -> Option<Vec<u8>> {
        self.user.as_deref().map(percent_decode)
    }

    /// The `transport` parameter (`ws`, `wss`, `udp`, `tcp`, `tls`…), lowercased.
    pub fn transport(&self) -> Option<String> {
        self.params.value("transport").map(str::to_ascii_lowercase)
    }

    /// Parses the part after `sip:`/`sips:`; `base` is its offset for errors.
    fn parse_rest(scheme: Scheme, s: &str, base: usize) -> Result<SipUri> {
        // No character allowed after the userinfo may be '@', so the first '@' ends it.
        let (user, password, host_start) = match s.find('@') {
            Some(at) => {
                let info = &s[..at];
                let (u, p) = match info.find(':') {
                    Some(c) => (&info[..c], Some((&info[c + 1..], c + 1))),
                    None => (info, None),
                };
                check(u, is_user_char, false, base, "invalid user part")?;
                if let Some((p, off)) = p {
                    check(p, is_password_char, true, base + off, "invalid password")?;
                }
                (Some(u.to_owned()), p.map(|(p, _)| p.to_owned()), at + 1)
            }
            None => (None, None, 0),
        };
        let rest = &s[host_start..];
        let hp_end = rest.find([';', '?']).unwrap_or(rest.len());
        let hostport = &rest[..hp_end];
        let hbase = base + host_start;
        let (host, port) = if hostport.starts_with('[') {
            match hostport.find(']') {
                Some(close) => (&hostport[..=close], &hostport[close + 1..]),
                None => return Err(uri_err("unterminated IPv6 reference", hbase)),
            }
        } else {
            match hostport.find(':') {
                Some(c) => (&hostport[..c], &hostport[c..]),
                None => (hostport, ""),
            }
        };
        check_host(host, hbase)?;
        let port = if port.is_empty() {
            None
        } else {
            let digits = port.strip_prefix(':').unwrap_or("x");
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(uri_err("invalid port", hbase + host.len()));
            }
            Some(
                digits
                    .parse::<u16>()
                    .map_err(|_| uri_err("port out of range", hbase + host.len()))?,
            )
        };
        let mut params = Params::new();
        let mut headers = Vec::new();
        let mut tail = &rest[hp_end..];
        let mut tbase = hbase + hp_end;
        let (param_part, header_part) = match tail.find('?') {
            Some(q) => (&tail[..q], Some((&tail[q + 1..], tbase + q + 1))),
            None => (tail, None),
        };
        tail = param_part;
        while let Some(p) = tail.strip_prefix(';') {
            tbase += 1;
            let end = p.find(';').unwrap_or(p.len());
            let item = &p[..end];
            let (name, value) = match item.find('=') {
                Some(e) => (&item[..e], Some(&item[e + 1..])),
                None => (item, None),
            };
            check(name, is_param_char, false, tbase, "invalid parameter name")?;
            if let Some(v) = value {
                check(
                    v,
                    is_param_char,
                    false,
                    tbase + name.len() + 1,
                    "invalid parameter value",
                )?;
            }
            params.push(name, value);
            tail = &p[end..];
            tbase += end;
        }
        if let Some((h, hbase)) = header_part {
            let mut off = hbase;
            for item in h.split('&') {
                let Some(eq) = item.find('=') else {
                    return Err(uri_err("URI header without '='", off));
                };
                check(
                    &item[..eq],
                    is_hnv_char,
                    false,
                    off,
                    "invalid URI header name",
                )?;
                check(
                    &item[eq + 1..],
                    is_hnv_char,
                    true,
                    off + eq + 1,
                    "invalid URI header value",
                )?;
                headers.push((item[..eq].to_owned(), item[eq + 1..].to_owned()));
                off += item.len() + 1;
            }
        }
        Ok(SipUri {
            scheme,
            user,
            password,
            host: host.to_owned(),
            port,
            params,
            headers,
        })
    }
}

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

impl Uri {
    /// Parses a complete URI (the whole of `s`; no surrounding whitespace).
    pub fn parse(s: &str) -> Result<Uri> {
        let Some(colon) = s.find(':') else {
            return Err(uri_err("missing scheme", 0));
        };
        let scheme = &s[..colon];
        let valid_scheme = scheme
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_alphabetic)
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
        if !valid_scheme {
            return Err(uri_err("invalid scheme", 0));
        }
        let rest = &s[colon + 1..];
        if scheme.eq_ignore_ascii_case("sip") {
            SipUri::parse_rest(Scheme::Sip, rest, colon + 1).map(Uri::Sip)
        } else if scheme.eq_ignore_ascii_case("sips") {
            SipUri::parse_rest(Scheme::Sips, rest, colon + 1).map(Uri::Sip)
        } else {
            if let Some(i) = rest
                .bytes()
                .position(|b| b <= b' ' || b == 0x7f || b"<>\"".contains(&b))
            {
                return Err(uri_err("invalid character", colon + 1 + i));
            }
            if rest.is_empty() {
                return Err(uri_err("empty URI", colon + 1));
            }
            Ok(Uri::Other {
                scheme: scheme.to_owned(),
                rest: rest.to_owned(),
            })
        }
    }

    /// The SIP URI, if this is one.
    pub fn as_sip(&self) -> Option<&SipUri> {
        match self {
            Uri::Sip(u) => Some(u),
            Uri::Other { .. } => None,
        }
    }

    /// Whether printing this URI outside `<>` would be ambiguous (it has parameters, headers, or
    /// characters such as `,` `;` `?` in its user part).
    pub fn needs_brackets(&self) -> bool {
        match self {
            Uri::Sip(u) => {
                !u.params.is_empty()
                    || !u.headers.is_empty()
                    || u.user
                        .as_deref()
                        .is_some_and(|s| s.contains([',', ';', '?']))
            }
            Uri::Other { rest, .. } => rest.contains([',', ';', '?']),
        }
    }
}

impl From<SipUri> for Uri {
    fn from(u: SipUri) -> Self {
        Uri::Sip(u)
    }
}

impl FromStr for Uri {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Uri> {
        Uri::parse(s)
    }
}

impl fmt::Display for SipUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.scheme {
            Scheme::Sip => "sip:",
            Scheme::Sips => "sips:",
        })?;
        if let Some(u) = &self.user {
            f.write_str(u)?;
            if let Some(p) = &self.password {
                write!(f, ":{p}")?;
            }
            f.write_str("@")?;
        }
        f.write_str(&self.host)?;
        if let Some(p) = self.port {
            write!(f, ":{p}")?;
        }
        write!(f, "{}", self.params)?;
        for (i, (n, v)) in self.headers.iter().enumerate() {
            write!(f, "{}{n}={v}", if i == 0 { '?' } else { '&' })?;
        }
        Ok(())
    }
}

impl fmt::Display for Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Uri::Sip(u) => u.fmt(f),
            Uri::Other { scheme, rest } => write!(f, "{scheme}:{rest}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(s: &str) -> Uri {
        let u = Uri::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(u.to_string(), s);
        u
    }

    #[test]
    fn golden_sip_uris() {
        let u =
            round("sip:alice:secret@example.com:5060;transport=ws;lr?Subject=hi&Priority=urgent");
        let s = u.as_sip().unwrap();
        assert_eq!(s.user.as_deref(), Some("alice"));
        assert_eq!(s.password.as_deref(), Some("secret"));
        assert_eq!(s.port, Some(5060));
        assert_eq!(s.transport().as_deref(), Some("ws"));
        assert!(s.params.contains("lr"));
        assert_eq!(s.headers.len(), 2);
        round("sips:bob@[2001:db8::10]:5061");
        round("sip:[2001:db8::10:5070]");
        round("sip:k2not68h@k5v7qdhee21i.invalid;transport=ws");
        round("sip:proxy.example.com:443;transport=ws;lr");
        round("tel:+1-201-555-0123");
        round("urn:uuid:f81-7dec-14a06cf1");
    }

    #[test]
    fn scheme_is_case_insensitive() {
        assert_eq!(Uri::parse("SIP:a@b").unwrap().to_string(), "sip:a@b");
    }

    #[test]
    fn torture_users() {
        let u = round("sip:user;par=u%40example.net@example.com");
        assert_eq!(u.as_sip().unwrap().host, "example.com");
        let u = round("sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com");
        assert_eq!(
            u.as_sip().unwrap().password.as_deref(),
            Some("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)")
        );
        let u = round("sip:null-%00-null@example.com");
        assert_eq!(u.as_sip().unwrap().user_decoded().unwrap(), b"null-\0-null");
        round("sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31");
    }

    #[test]
    fn errors_carry_offsets() {
        assert_eq!(Uri::parse("<sip:a@b>").unwrap_err().offset, 0);
        assert_eq!(Uri::parse("sip:a@b:x").unwrap_err().offset, 7);
        assert_eq!(
            Uri::parse("sip:a@b:99999").unwrap_err().kind,
            ErrorKind::Uri("port out of range")
        );
        assert_eq!(Uri::parse("sip:a%2@b").unwrap_err().offset, 5);
        for bad in [
            "sip:",
            "sip:@b",
            "sip:a@",
            "sip:a b@c",
            "sip:a@b;",
            "sip:a@b;x=",
            "sip:a@b?x",
            "sip:[::1",
            "sip:a@b@c",
            "1x:y",
            "tel:",
        ] {
            assert!(Uri::parse(bad).is_err(), "{bad}");
        }
    }
}
