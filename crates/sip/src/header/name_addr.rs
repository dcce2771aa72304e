//! `name-addr` / `addr-spec` with header parameters: the value of From, To, Contact, Route and
//! Record-Route (RFC 3261 §20.10, §20.20, §20.39, §25.1).

use std::borrow::Cow;
use std::fmt;

use crate::error::{ErrorKind, ParseError, Result};
use crate::params::Params;
use crate::scan::{is_wsp, quote, unquote, Cursor};
use crate::uri::Uri;

/// An address: optional display name, a URI, and header parameters (`;tag=…`, `;expires=…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameAddr {
    /// The display name as written: a quoted string (quotes kept) or tokens joined by single spaces.
    pub display: Option<String>,
    /// The address.
    pub uri: Uri,
    /// Header parameters (not URI parameters: those live in [`Uri`]).
    pub params: Params,
    /// Whether the URI is printed in `<>`. Forced when a display name is present or the URI needs it.
    pub bracketed: bool,
}

impl NameAddr {
    /// `<uri>` with no display name and no parameters.
    pub fn new(uri: impl Into<Uri>) -> Self {
        NameAddr {
            display: None,
            uri: uri.into(),
            params: Params::new(),
            bracketed: true,
        }
    }

    /// The same address with a display name (quoted as needed).
    pub fn with_display(mut self, name: &str) -> Self {
        self.display = Some(quote(name));
        self
    }

    /// The same address with one more header parameter (raw value).
    pub fn with_param(mut self, name: &str, value: Option<&str>) -> Self {
        self.params.set(name, value);
        self
    }

    /// The display name without quotes and escapes.
    pub fn display_name(&self) -> Option<Cow<'_, str>> {
        self.display.as_deref().map(|d| {
            if d.starts_with('"') {
                Cow::Owned(unquote(d))
            } else {
                Cow::Borrowed(d)
            }
        })
    }

    /// The `tag` parameter (From/To, RFC 3261 §19.3).
    pub fn tag(&self) -> Option<&str> {
        self.params.value("tag")
    }

    /// The `expires` parameter of a Contact.
    pub fn expires(&self) -> Option<u32> {
        self.params.value("expires").and_then(|v| v.parse().ok())
    }

    /// The `q` parameter of a Contact, as written.
    pub fn q(&self) -> Option<&str> {
        self.params.value("q")
    }

    /// The `+sip.instance` parameter of a Contact (RFC 5626), unquoted: `<urn:uuid:…>`.
    pub fn instance(&self) -> Option<String> {
        self.params.unquoted("+sip.instance")
    }

    /// The `reg-id` parameter of a Contact (RFC 5626).
    pub fn reg_id(&self) -> Option<u32> {
        self.params.value("reg-id").and_then(|v| v.parse().ok())
    }

    /// Parses one address at the cursor (leading LWS allowed), parameters included.
    pub(crate) fn parse(c: &mut Cursor<'_>) -> Result<NameAddr> {
        c.skip_lws();
        let mut display = None;
        let mut bracketed = false;
        if c.peek() == Some(b'"') {
            display = Some(c.quoted()?.to_owned());
            c.skip_lws();
            if !c.eat(b'<') {
                return Err(c.syntax("expected '<' after the display name"));
            }
            bracketed = true;
        } else if c.eat(b'<') {
            bracketed = true;
        } else {
            let save = c.pos;
            let mut words = Vec::new();
            while let Some(t) = c.token() {
                words.push(t);
                c.skip_lws();
            }
            if !words.is_empty() && c.eat(b'<') {
                display = Some(words.join(" "));
                bracketed = true;
            } else {
                c.pos = save;
            }
        }
        let uri = if bracketed {
            let start = c.pos;
            let Some(end) = c.rest().find('>') else {
                return Err(c.syntax("missing '>'"));
            };
            let uri = Uri::parse(&c.s[start..start + end]).map_err(|e| e.shifted(start))?;
            c.pos = start + end + 1;
            uri
        } else {
            let start = c.pos;
            let text = c.take_while(|b| !is_wsp(b) && b != b';' && b != b',');
            if let Some(q) = text.find('?') {
                // RFC 3261 §20: a URI with `,` `;` or `?` must be in <> (RFC 4475 regbadct).
                return Err(ParseError::new(
                    ErrorKind::Uri("'?' in a URI outside <>"),
                    start + q,
                ));
            }
            Uri::parse(text).map_err(|e| e.shifted(start))?
        };
        let params = Params::parse_header(c)?;
        let bracketed = bracketed || uri.needs_brackets();
        Ok(NameAddr {
            display,
            uri,
            params,
            bracketed,
        })
    }

    /// Parses a comma-separated list of addresses (at least one).
    pub(crate) fn parse_list(c: &mut Cursor<'_>) -> Result<Vec<NameAddr>> {
        let mut list = vec![NameAddr::parse(c)?];
        while c.eat_sep(b',') {
            list.push(NameAddr::parse(c)?);
        }
        Ok(list)
    }
}

impl fmt::Display for NameAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(d) = &self.display {
            write!(f, "{d} ")?;
        }
        if self.bracketed || self.display.is_some() || self.uri.needs_brackets() {
            write!(f, "<{}>", self.uri)?;
        } else {
            write!(f, "{}", self.uri)?;
        }
        write!(f, "{}", self.params)
    }
}

/// The value of a Contact header: `*` (REGISTER removing all bindings) or addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contact {
    /// `Contact: *`.
    Wildcard,
    /// One or more addresses.
    List(Vec<NameAddr>),
}

impl fmt::Display for Contact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Contact::Wildcard => f.write_str("*"),
            Contact::List(l) => super::write_list(f, l),
        }
    }
}
