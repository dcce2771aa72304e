//! The Via header value (RFC 3261 §20.42, §18.2.1; `rport` from RFC 3581).

use std::fmt;

use crate::error::{header_err, Result};
use crate::params::Params;
use crate::scan::Cursor;

/// One Via entry: `SIP/2.0/WSS host:port;branch=…;rport;received=…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Via {
    /// Protocol name and version as written, joined by `/` (normally `SIP/2.0`).
    pub protocol: String,
    /// The transport token as written (`UDP`, `TCP`, `TLS`, `WS`, `WSS`, …).
    pub transport: String,
    /// The sent-by host (bracketed if IPv6).
    pub host: String,
    /// The sent-by port.
    pub port: Option<u16>,
    /// `branch`, `received`, `rport`, `maddr`, `ttl` and extensions.
    pub params: Params,
}

const VIA: &str = "Via";

impl Via {
    /// `SIP/2.0/<transport> <host>;branch=<branch>`.
    pub fn new(transport: &str, host: &str, branch: &str) -> Self {
        let mut params = Params::new();
        params.set("branch", Some(branch));
        Via {
            protocol: "SIP/2.0".into(),
            transport: transport.into(),
            host: host.into(),
            port: None,
            params,
        }
    }

    /// The same Via with an empty `rport` parameter (ask for the source port, RFC 3581).
    pub fn with_rport(mut self) -> Self {
        self.params.set("rport", None);
        self
    }

    /// The `branch` parameter (the transaction id; RFC 3261 ones start with `z9hG4bK`).
    pub fn branch(&self) -> Option<&str> {
        self.params.value("branch")
    }

    /// The `received` parameter a server adds.
    pub fn received(&self) -> Option<&str> {
        self.params.value("received")
    }

    /// The port a server filled into `rport`.
    pub fn rport(&self) -> Option<u16> {
        self.params.value("rport").and_then(|v| v.parse().ok())
    }

    /// Whether `rport` is present (with or without a value).
    pub fn has_rport(&self) -> bool {
        self.params.contains("rport")
    }

    /// Parses one Via entry at the cursor.
    pub(crate) fn parse(c: &mut Cursor<'_>) -> Result<Via> {
        c.skip_lws();
        let name = c
            .token()
            .ok_or_else(|| header_err(VIA, "expected protocol name", c.pos))?;
        if !c.eat_sep(b'/') {
            return Err(header_err(VIA, "expected '/'", c.pos));
        }
        let version = c
            .token()
            .ok_or_else(|| header_err(VIA, "expected protocol version", c.pos))?;
        if !c.eat_sep(b'/') {
            return Err(header_err(VIA, "expected '/'", c.pos));
        }
        let transport = c
            .token()
            .ok_or_else(|| header_err(VIA, "expected transport", c.pos))?;
        if !c.skip_lws() {
            return Err(header_err(VIA, "expected whitespace before sent-by", c.pos));
        }
        let start = c.pos;
        let host = if c.peek() == Some(b'[') {
            let h = c.take_while(|b| b != b']');
            if !c.eat(b']')
                || h.len() < 2
                || !h[1..]
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
            {
                return Err(header_err(VIA, "invalid IPv6 reference", start));
            }
            &c.s[start..c.pos]
        } else {
            c.take_while(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_')
        };
        if host.is_empty() {
            return Err(header_err(VIA, "expected sent-by host", start));
        }
        let port = if c.eat_sep(b':') {
            let p = c.pos;
            let digits = c.take_while(|b| b.is_ascii_digit());
            Some(
                digits
                    .parse::<u16>()
                    .map_err(|_| header_err(VIA, "invalid port", p))?,
            )
        } else {
            None
        };
        let params = Params::parse_header(c)?;
        Ok(Via {
            protocol: format!("{name}/{version}"),
            transport: transport.to_owned(),
            host: host.to_owned(),
            port,
            params,
        })
    }
}

impl fmt::Display for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{} {}", self.protocol, self.transport, self.host)?;
        if let Some(p) = self.port {
            write!(f, ":{p}")?;
        }
        write!(f, "{}", self.params)
    }
}
