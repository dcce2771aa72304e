//! Header fields: names (long and compact forms, case-insensitive), the typed [`Header`] enum and the
//! [`Headers`] list with typed accessors.
//!
//! Known headers are parsed into typed values when the message is parsed, so a malformed Via or CSeq is a
//! [`crate::ParseError`] right away; any other header is kept as [`Header::Other`] with its unfolded text.
//! A header line holding several comma-separated values stays one [`Header`] with a `Vec`, and repeated
//! lines stay separate, so printing keeps the line structure; the accessors flatten both.
//! Known headers print with their canonical long name; values print in one canonical spelling
//! (`, ` between list items, no LWS around `;` `=` `/`).

mod headers;
mod name_addr;
mod values;
mod via;

use std::fmt::{self, Display as _};
use std::str::FromStr;

use crate::error::{header_err, ErrorKind, ParseError, Result};
use crate::method::Method;
use crate::scan::{is_token, is_token_str, is_word, Cursor};

pub use headers::Headers;
pub use name_addr::{Contact, NameAddr};
pub use values::{Auth, CSeq, Challenge, Credentials, MediaType, TokenParams};
pub use via::Via;

/// One header line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Header {
    /// `Via` / `v`: one or more entries.
    Via(Vec<Via>),
    /// `From` / `f`.
    From(NameAddr),
    /// `To` / `t`.
    To(NameAddr),
    /// `Call-ID` / `i`.
    CallId(String),
    /// `CSeq`.
    CSeq(CSeq),
    /// `Contact` / `m`.
    Contact(Contact),
    /// `Max-Forwards` (0–255).
    MaxForwards(u8),
    /// `Expires` (delta-seconds).
    Expires(u32),
    /// `Min-Expires` (in a 423 answer).
    MinExpires(u32),
    /// `Route`.
    Route(Vec<NameAddr>),
    /// `Record-Route`.
    RecordRoute(Vec<NameAddr>),
    /// `WWW-Authenticate`.
    WwwAuthenticate(Challenge),
    /// `Proxy-Authenticate`.
    ProxyAuthenticate(Challenge),
    /// `Authorization`.
    Authorization(Credentials),
    /// `Proxy-Authorization`.
    ProxyAuthorization(Credentials),
    /// `Content-Type` / `c`.
    ContentType(MediaType),
    /// `Content-Length` / `l`. When a message is printed the actual body length is written instead.
    ContentLength(u32),
    /// `Allow`: methods (may be empty).
    Allow(Vec<Method>),
    /// `Supported` / `k`: option tags (may be empty).
    Supported(Vec<String>),
    /// `Require`: option tags.
    Require(Vec<String>),
    /// `Unsupported`: option tags.
    Unsupported(Vec<String>),
    /// `User-Agent` (text as written).
    UserAgent(String),
    /// `Server` (text as written).
    Server(String),
    /// `Event` / `o` (RFC 6665).
    Event(TokenParams),
    /// `Subscription-State` (RFC 6665).
    SubscriptionState(TokenParams),
    /// Any other header; `name` is the canonical long name for known compact forms, else as written.
    Other {
        /// Field name.
        name: String,
        /// Unfolded value with surrounding whitespace removed.
        value: String,
    },
}

/// The long name for a compact form (RFC 3261 §7.3.3 and the IANA registry), if `c` is one.
fn compact(c: &str) -> Option<&'static str> {
    let b = c.as_bytes();
    if b.len() != 1 {
        return None;
    }
    Some(match b[0].to_ascii_lowercase() {
        b'a' => "Accept-Contact",
        b'b' => "Referred-By",
        b'c' => "Content-Type",
        b'd' => "Request-Disposition",
        b'e' => "Content-Encoding",
        b'f' => "From",
        b'i' => "Call-ID",
        b'j' => "Reject-Contact",
        b'k' => "Supported",
        b'l' => "Content-Length",
        b'm' => "Contact",
        b'n' => "Identity-Info",
        b'o' => "Event",
        b'r' => "Refer-To",
        b's' => "Subject",
        b't' => "To",
        b'u' => "Allow-Events",
        b'v' => "Via",
        b'x' => "Session-Expires",
        b'y' => "Identity",
        _ => return None,
    })
}

/// The typed headers' canonical names.
const TYPED: [&str; 25] = [
    "Via",
    "From",
    "To",
    "Call-ID",
    "CSeq",
    "Contact",
    "Max-Forwards",
    "Expires",
    "Min-Expires",
    "Route",
    "Record-Route",
    "WWW-Authenticate",
    "Proxy-Authenticate",
    "Authorization",
    "Proxy-Authorization",
    "Content-Type",
    "Content-Length",
    "Allow",
    "Supported",
    "Require",
    "Unsupported",
    "User-Agent",
    "Server",
    "Event",
    "Subscription-State",
];

/// The canonical spelling of a header name: compact forms expanded, known names in their usual case.
pub fn canonical_name(name: &str) -> std::borrow::Cow<'_, str> {
    let long = compact(name).unwrap_or(name);
    match TYPED.iter().find(|t| t.eq_ignore_ascii_case(long)) {
        Some(t) => (*t).into(),
        None => long.into(),
    }
}

fn parse_u32(v: &str, h: &'static str) -> Result<u32> {
    let t = v.trim_matches([' ', '\t']);
    let off = v.len() - v.trim_start_matches([' ', '\t']).len();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(header_err(h, "expected digits", off));
    }
    t.parse()
        .map_err(|_| header_err(h, "number too large", off))
}

fn parse_tokens(c: &mut Cursor<'_>, h: &'static str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    c.skip_lws();
    if c.at_end() {
        return Ok(out);
    }
    loop {
        let t = c
            .token()
            .ok_or_else(|| header_err(h, "expected a token", c.pos))?;
        out.push(t.to_owned());
        if !c.eat_sep(b',') {
            return Ok(out);
        }
    }
}

fn check_call_id(v: &str) -> Result<String> {
    let (a, b) = match v.split_once('@') {
        Some((a, b)) => (a, Some(b)),
        None => (v, None),
    };
    let word = |s: &str| !s.is_empty() && s.bytes().all(is_word);
    if word(a) && b.is_none_or(word) {
        Ok(v.to_owned())
    } else {
        Err(header_err("Call-ID", "not word[@word]", 0))
    }
}

impl Header {
    /// Parses the value of header `name` (any case, compact forms accepted). Offsets in errors are
    /// relative to `value`, which must already be unfolded (no CR or LF).
    pub fn parse_value(name: &str, value: &str) -> Result<Header> {
        if value.bytes().any(|b| b == b'\r' || b == b'\n') {
            return Err(ParseError::new(ErrorKind::ControlCharacter, 0));
        }
        let long = compact(name).unwrap_or(name);
        let mut c = Cursor::new(value);
        let c = &mut c;
        // One table lookup, then a match on the index: no string comparisons per header kind.
        let Some(i) = TYPED.iter().position(|t| t.eq_ignore_ascii_case(long)) else {
            if !is_token_str(name) {
                return Err(ParseError::new(
                    ErrorKind::HeaderLine("invalid field name"),
                    0,
                ));
            }
            let v = value.trim_matches([' ', '\t']);
            return Ok(Header::Other {
                name: long.to_owned(),
                value: v.to_owned(),
            });
        };
        let h: &'static str = TYPED[i];
        let header = match i {
            // Via
            0 => {
                let mut list = vec![Via::parse(c)?];
                while c.eat_sep(b',') {
                    list.push(Via::parse(c)?);
                }
                Header::Via(list)
            }
            1 => Header::From(NameAddr::parse(c)?),
            2 => Header::To(NameAddr::parse(c)?),
            // Call-ID
            3 => {
                c.skip_lws();
                let start = c.pos;
                let id = c.take_while(|b| b > b' ');
                Header::CallId(check_call_id(id).map_err(|e| e.shifted(start))?)
            }
            4 => Header::CSeq(CSeq::parse(c)?),
            // Contact
            5 => {
                c.skip_lws();
                if c.eat(b'*') {
                    Header::Contact(Contact::Wildcard)
                } else {
                    Header::Contact(Contact::List(NameAddr::parse_list(c)?))
                }
            }
            // Max-Forwards
            6 => {
                let n = parse_u32(value, h)?;
                return u8::try_from(n)
                    .map(Header::MaxForwards)
                    .map_err(|_| header_err(h, "above 255", 0));
            }
            7 => return parse_u32(value, h).map(Header::Expires),
            8 => return parse_u32(value, h).map(Header::MinExpires),
            9 => Header::Route(NameAddr::parse_list(c)?),
            10 => Header::RecordRoute(NameAddr::parse_list(c)?),
            11 => Header::WwwAuthenticate(Auth::parse(c, h)?),
            12 => Header::ProxyAuthenticate(Auth::parse(c, h)?),
            13 => Header::Authorization(Auth::parse(c, h)?),
            14 => Header::ProxyAuthorization(Auth::parse(c, h)?),
            15 => Header::ContentType(MediaType::parse(c)?),
            16 => return parse_u32(value, h).map(Header::ContentLength),
            // Allow
            17 => Header::Allow(
                parse_tokens(c, h)?
                    .iter()
                    .map(|m| Method::parse(m))
                    .collect::<Result<_>>()?,
            ),
            18 => Header::Supported(parse_tokens(c, h)?),
            19 => Header::Require(parse_tokens(c, h)?),
            20 => Header::Unsupported(parse_tokens(c, h)?),
            21 => {
                return Ok(Header::UserAgent(
                    value.trim_matches([' ', '\t']).to_owned(),
                ))
            }
            22 => return Ok(Header::Server(value.trim_matches([' ', '\t']).to_owned())),
            23 => Header::Event(TokenParams::parse(c, h)?),
            _ => Header::SubscriptionState(TokenParams::parse(c, h)?),
        };
        c.finish(h)?;
        Ok(header)
    }

    /// Parses one unfolded header line `Name: value` (no CRLF).
    pub fn parse(line: &str) -> Result<Header> {
        let Some(colon) = line.find(':') else {
            return Err(ParseError::new(ErrorKind::HeaderLine("missing ':'"), 0));
        };
        let name = line[..colon].trim_end_matches([' ', '\t']);
        if name.is_empty() || !name.bytes().all(is_token) {
            return Err(ParseError::new(
                ErrorKind::HeaderLine("invalid field name"),
                0,
            ));
        }
        Header::parse_value(name, &line[colon + 1..]).map_err(|e| e.shifted(colon + 1))
    }

    /// The canonical name of this header.
    pub fn name(&self) -> &str {
        match self {
            Header::Via(_) => "Via",
            Header::From(_) => "From",
            Header::To(_) => "To",
            Header::CallId(_) => "Call-ID",
            Header::CSeq(_) => "CSeq",
            Header::Contact(_) => "Contact",
            Header::MaxForwards(_) => "Max-Forwards",
            Header::Expires(_) => "Expires",
            Header::MinExpires(_) => "Min-Expires",
            Header::Route(_) => "Route",
            Header::RecordRoute(_) => "Record-Route",
            Header::WwwAuthenticate(_) => "WWW-Authenticate",
            Header::ProxyAuthenticate(_) => "Proxy-Authenticate",
            Header::Authorization(_) => "Authorization",
            Header::ProxyAuthorization(_) => "Proxy-Authorization",
            Header::ContentType(_) => "Content-Type",
            Header::ContentLength(_) => "Content-Length",
            Header::Allow(_) => "Allow",
            Header::Supported(_) => "Supported",
            Header::Require(_) => "Require",
            Header::Unsupported(_) => "Unsupported",
            Header::UserAgent(_) => "User-Agent",
            Header::Server(_) => "Server",
            Header::Event(_) => "Event",
            Header::SubscriptionState(_) => "Subscription-State",
            Header::Other { name, .. } => name,
        }
    }

    /// The value as printed (without the name).
    pub fn value_string(&self) -> String {
        struct V<'a>(&'a Header);
        impl fmt::Display for V<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt_value(f)
            }
        }
        V(self).to_string()
    }

    fn fmt_value(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Header::Via(l) => write_list(f, l),
            Header::From(a) | Header::To(a) => a.fmt(f),
            Header::CallId(s) | Header::UserAgent(s) | Header::Server(s) => f.write_str(s),
            Header::CSeq(c) => c.fmt(f),
            Header::Contact(c) => c.fmt(f),
            Header::MaxForwards(n) => n.fmt(f),
            Header::Expires(n) | Header::MinExpires(n) | Header::ContentLength(n) => n.fmt(f),
            Header::Route(l) | Header::RecordRoute(l) => write_list(f, l),
            Header::WwwAuthenticate(a)
            | Header::ProxyAuthenticate(a)
            | Header::Authorization(a)
            | Header::ProxyAuthorization(a) => a.fmt(f),
            Header::ContentType(m) => m.fmt(f),
            Header::Allow(l) => write_list(f, l),
            Header::Supported(l) | Header::Require(l) | Header::Unsupported(l) => write_list(f, l),
            Header::Event(t) | Header::SubscriptionState(t) => t.fmt(f),
            Header::Other { value, .. } => f.write_str(value),
        }
    }
}

/// Writes items separated by `, `.
pub(crate) fn write_list<T: fmt::Display>(f: &mut fmt::Formatter<'_>, items: &[T]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        item.fmt(f)?;
    }
    Ok(())
}

/// Prints `Name: value` (no CRLF); an empty value prints as `Name:`.
impl fmt::Display for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = self.value_string();
        f.write_str(self.name())?;
        f.write_str(":")?;
        if !value.is_empty() {
            f.write_str(" ")?;
            f.write_str(&value)?;
        }
        Ok(())
    }
}

impl FromStr for Header {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Header> {
        Header::parse(s)
    }
}
