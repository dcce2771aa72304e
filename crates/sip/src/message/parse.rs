//! Framing: one WebSocket frame (RFC 7118 §5.2: one message per frame) into a [`Message`].
//!
//! Steps: skip leading CRLFs (RFC 3261 §7.5), split the header section at the empty line, check it is
//! UTF-8, parse the start line, unfold continuation lines, parse each header, and cut the body by
//! `Content-Length` when present (bytes beyond it are ignored, as for a datagram; fewer is an error).
//! Lines end with CRLF; a bare LF is tolerated, a bare CR is not.

use super::{Message, Request, Response};
use crate::error::{ErrorKind, ParseError, Result};
use crate::header::{Header, Headers};
use crate::method::Method;
use crate::scan::{is_token, is_wsp};
use crate::status::StatusCode;
use crate::uri::Uri;

/// A logical (unfolded) header line and where its pieces came from.
struct Unfolded {
    /// Offset of the line in the input.
    line_start: usize,
    name: String,
    value: String,
    /// `(offset in value, offset in input)` for each physical piece.
    map: Vec<(usize, usize)>,
}

impl Unfolded {
    fn input_offset(&self, p: usize) -> usize {
        let (vp, ip) = self
            .map
            .iter()
            .rev()
            .find(|(vp, _)| *vp <= p)
            .copied()
            .unwrap_or((0, self.line_start));
        ip + (p - vp)
    }
}

fn err(kind: ErrorKind, offset: usize) -> ParseError {
    ParseError::new(kind, offset)
}

pub(super) fn parse(input: &[u8]) -> Result<Message> {
    let mut start = 0;
    while input[start..].starts_with(b"\r\n") || input[start..].starts_with(b"\n") {
        start += if input[start] == b'\r' { 2 } else { 1 };
    }
    if start >= input.len() {
        return Err(err(ErrorKind::Empty, start));
    }
    // Physical lines of the header section: (offset, text without the line break).
    let mut lines: Vec<(usize, &[u8])> = Vec::new();
    let mut cur = start;
    let body_start = loop {
        let Some(nl) = input[cur..].iter().position(|&b| b == b'\n') else {
            return Err(err(ErrorKind::UnterminatedHeaders, input.len()));
        };
        let mut line = &input[cur..cur + nl];
        if let Some(l) = line.strip_suffix(b"\r") {
            line = l;
        }
        if let Some(i) = line.iter().position(|&b| b == b'\r') {
            return Err(err(ErrorKind::ControlCharacter, cur + i));
        }
        if line.is_empty() {
            break cur + nl + 1;
        }
        lines.push((cur, line));
        cur += nl + 1;
    };
    let mut text_lines = Vec::with_capacity(lines.len());
    for (off, l) in lines {
        let s = std::str::from_utf8(l)
            .map_err(|e| err(ErrorKind::InvalidUtf8, off + e.valid_up_to()))?;
        text_lines.push((off, s));
    }
    let (first_off, first) = text_lines[0];
    let start = start_line(first, first_off)?;
    let mut headers = Headers::new();
    let mut seen_single: Vec<&'static str> = Vec::new();
    for u in unfold(&text_lines[1..])? {
        let h = Header::parse_value(&u.name, &u.value).map_err(|e| {
            let offset = u.input_offset(e.offset);
            ParseError::new(e.kind, offset)
        })?;
        if let Some(name) = single_valued(&h) {
            if seen_single.contains(&name) {
                return Err(err(ErrorKind::DuplicateHeader(name), u.line_start));
            }
            seen_single.push(name);
        }
        headers.push(h);
    }
    let available = input.len() - body_start;
    let body = match headers.content_length() {
        Some(declared) => {
            let declared = declared as usize;
            if declared > available {
                return Err(err(
                    ErrorKind::ContentLength {
                        declared,
                        available,
                    },
                    body_start,
                ));
            }
            input[body_start..body_start + declared].to_vec()
        }
        None => input[body_start..].to_vec(),
    };
    Ok(match start {
        Start::Request(method, uri) => Message::Request(Request {
            method,
            uri,
            headers,
            body,
        }),
        Start::Response(status, reason) => Message::Response(Response {
            status,
            reason,
            headers,
            body,
        }),
    })
}

enum Start {
    Request(Method, Uri),
    Response(StatusCode, String),
}

/// The headers RFC 3261 §7.3.1 lets appear once only (and that a UA reads as one value).
fn single_valued(h: &Header) -> Option<&'static str> {
    Some(match h {
        Header::From(_) => "From",
        Header::To(_) => "To",
        Header::CallId(_) => "Call-ID",
        Header::CSeq(_) => "CSeq",
        Header::MaxForwards(_) => "Max-Forwards",
        Header::ContentLength(_) => "Content-Length",
        Header::ContentType(_) => "Content-Type",
        Header::Expires(_) => "Expires",
        Header::MinExpires(_) => "Min-Expires",
        _ => return None,
    })
}

fn unfold(lines: &[(usize, &str)]) -> Result<Vec<Unfolded>> {
    let mut out: Vec<Unfolded> = Vec::new();
    for &(off, line) in lines {
        if line.as_bytes().first().copied().is_some_and(is_wsp) {
            let Some(last) = out.last_mut() else {
                return Err(err(
                    ErrorKind::HeaderLine("continuation line before any header"),
                    off,
                ));
            };
            last.map.push((last.value.len(), off));
            last.value.push_str(line);
            continue;
        }
        let Some(colon) = line.find(':') else {
            return Err(err(ErrorKind::HeaderLine("missing ':'"), off));
        };
        let name = line[..colon].trim_end_matches([' ', '\t']);
        if name.is_empty() || !name.bytes().all(is_token) {
            return Err(err(ErrorKind::HeaderLine("invalid field name"), off));
        }
        out.push(Unfolded {
            line_start: off,
            name: name.to_owned(),
            value: line[colon + 1..].to_owned(),
            map: vec![(0, off + colon + 1)],
        });
    }
    Ok(out)
}

fn version(v: &str, offset: usize) -> Result<()> {
    let num = v
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("SIP/"))
        .map(|_| &v[4..]);
    let well_formed = num.and_then(|n| n.split_once('.')).is_some_and(|(a, b)| {
        !a.is_empty()
            && !b.is_empty()
            && a.bytes().all(|c| c.is_ascii_digit())
            && b.bytes().all(|c| c.is_ascii_digit())
    });
    if !well_formed {
        return Err(err(ErrorKind::StartLine("invalid SIP version"), offset));
    }
    if num != Some("2.0") {
        return Err(err(ErrorKind::UnsupportedVersion, offset));
    }
    Ok(())
}

fn start_line(line: &str, off: usize) -> Result<Start> {
    if line
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("SIP/"))
    {
        let (v, rest) = line.split_once(' ').unwrap_or((line, ""));
        version(v, off)?;
        let code_off = off + v.len() + 1;
        let (code, reason) = match rest.split_once(' ') {
            Some((c, r)) => (c, r),
            None => (rest, ""),
        };
        let status = (code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit()))
            .then(|| code.parse().ok().and_then(StatusCode::new))
            .flatten()
            .ok_or_else(|| err(ErrorKind::StartLine("invalid status code"), code_off))?;
        if let Some(i) = reason
            .bytes()
            .position(|b| (b < 0x20 && b != b'\t') || b == 0x7f)
        {
            return Err(err(ErrorKind::ControlCharacter, code_off + 4 + i));
        }
        return Ok(Start::Response(status, reason.to_owned()));
    }
    let mut parts = line.split(' ');
    let (Some(m), Some(u), Some(v), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(err(
            ErrorKind::StartLine("expected 'Method SP Request-URI SP SIP-Version'"),
            off,
        ));
    };
    let method = Method::parse(m).map_err(|_| err(ErrorKind::StartLine("invalid method"), off))?;
    let uri_off = off + m.len() + 1;
    let uri = Uri::parse(u).map_err(|e| e.shifted(uri_off))?;
    if uri.as_sip().is_some_and(|s| !s.headers.is_empty()) {
        return Err(err(ErrorKind::HeadersInRequestUri, uri_off));
    }
    version(v, uri_off + u.len() + 1)?;
    Ok(Start::Request(method, uri))
}
