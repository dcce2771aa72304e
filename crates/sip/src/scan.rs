//! The lexical layer: RFC 3261 §25.1 character classes and a byte cursor over an unfolded header value.
//!
//! Parsers work on `&str` but move byte by byte; they only ever stop at ASCII delimiters, which are always
//! UTF-8 character boundaries, so slicing never panics. Offsets in errors are relative to the cursor's text.

use crate::error::{ErrorKind, ParseError, Result};

/// `token` characters: alphanum and `-.!%*_+`'~`.
pub(crate) fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b)
}

/// `unreserved`: alphanum and the marks `-_.!~*'()`.
pub(crate) fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b)
}

/// `word` characters (Call-ID): token characters plus `()<>:\"/[]?{}`.
pub(crate) fn is_word(b: u8) -> bool {
    is_token(b) || b"()<>:\\\"/[]?{}".contains(&b)
}

/// Space or horizontal tab (LWS once folding is undone).
pub(crate) fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Every byte of `s` is a token character and `s` is not empty.
pub(crate) fn is_token_str(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_token)
}

/// Checks `s` is made of `allowed` bytes or `%HH` escapes, and is not empty unless `may_be_empty`.
pub(crate) fn check_escaped(
    s: &str,
    allowed: fn(u8) -> bool,
    may_be_empty: bool,
) -> std::result::Result<(), usize> {
    if s.is_empty() && !may_be_empty {
        return Err(0);
    }
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if i + 2 >= b.len() || !b[i + 1].is_ascii_hexdigit() || !b[i + 2].is_ascii_hexdigit() {
                return Err(i);
            }
            i += 3;
        } else if allowed(b[i]) {
            i += 1;
        } else {
            return Err(i);
        }
    }
    Ok(())
}

/// `String::from_utf8_lossy(b).into_owned()`, without `Utf8Chunks` (a kilobyte of wasm): each
/// maximal invalid sequence becomes one U+FFFD, exactly as the standard library does.
pub(crate) fn lossy(mut b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len());
    loop {
        match std::str::from_utf8(b) {
            Ok(t) => {
                s.push_str(t);
                return s;
            }
            Err(e) => {
                let (good, rest) = b.split_at(e.valid_up_to());
                s.push_str(std::str::from_utf8(good).unwrap_or_default());
                s.push(char::REPLACEMENT_CHARACTER);
                match e.error_len() {
                    Some(n) => b = &rest[n..],
                    None => return s,
                }
            }
        }
    }
}

/// Removes the quotes and backslash escapes of a valid quoted string (as returned by `Cursor::quoted`).
pub fn unquote(raw: &str) -> String {
    let inner = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(raw);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Makes a quoted string of `s`: `"` and `\` and control characters are escaped; CR and LF (which a
/// quoted string cannot carry) become spaces.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\r' | '\n' => out.push(' '),
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_ascii_control() && c != '\t' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A position in an unfolded header value (or any line of text).
pub(crate) struct Cursor<'a> {
    pub(crate) s: &'a str,
    pub(crate) pos: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(s: &'a str) -> Self {
        Cursor { s, pos: 0 }
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.pos).copied()
    }

    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.s.len()
    }

    pub(crate) fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }

    /// Consumes `b` if it is next.
    pub(crate) fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Skips spaces and tabs; returns whether any were skipped.
    pub(crate) fn skip_lws(&mut self) -> bool {
        let start = self.pos;
        while self.peek().is_some_and(is_wsp) {
            self.pos += 1;
        }
        self.pos > start
    }

    /// Skips LWS, consumes `b`, skips LWS (the SEMI / COMMA / EQUAL / SLASH of §25.1).
    pub(crate) fn eat_sep(&mut self, b: u8) -> bool {
        let save = self.pos;
        self.skip_lws();
        if self.eat(b) {
            self.skip_lws();
            true
        } else {
            self.pos = save;
            false
        }
    }

    pub(crate) fn take_while(&mut self, f: impl Fn(u8) -> bool) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(&f) {
            self.pos += 1;
        }
        &self.s[start..self.pos]
    }

    /// One or more token characters.
    pub(crate) fn token(&mut self) -> Option<&'a str> {
        let t = self.take_while(is_token);
        (!t.is_empty()).then_some(t)
    }

    pub(crate) fn err(&self, kind: ErrorKind) -> ParseError {
        ParseError::new(kind, self.pos)
    }

    pub(crate) fn syntax(&self, what: &'static str) -> ParseError {
        self.err(ErrorKind::Syntax(what))
    }

    /// A quoted string starting at the cursor, returned raw (quotes and escapes included).
    pub(crate) fn quoted(&mut self) -> Result<&'a str> {
        let start = self.pos;
        if !self.eat(b'"') {
            return Err(self.syntax("expected a quoted string"));
        }
        let b = self.s.as_bytes();
        loop {
            match b.get(self.pos).copied() {
                None => {
                    return Err(ParseError::new(
                        ErrorKind::Syntax("unterminated quoted string"),
                        start,
                    ))
                }
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(&self.s[start..self.pos]);
                }
                Some(b'\\') => match b.get(self.pos + 1).copied() {
                    Some(n) if n < 0x80 && n != b'\r' && n != b'\n' => self.pos += 2,
                    _ => return Err(self.syntax("bad escape in quoted string")),
                },
                Some(c) if c == b'\t' || c >= 0x20 && c != 0x7f => self.pos += 1,
                Some(_) => return Err(self.err(ErrorKind::ControlCharacter)),
            }
        }
    }

    /// A parameter value: a quoted string, or a token/host (tokens plus `[`, `]` and `:` for IPv6).
    pub(crate) fn gen_value(&mut self) -> Result<&'a str> {
        if self.peek() == Some(b'"') {
            return self.quoted();
        }
        let v = self.take_while(|b| is_token(b) || b == b'[' || b == b']' || b == b':');
        if v.is_empty() {
            return Err(self.syntax("expected a parameter value"));
        }
        Ok(v)
    }

    /// Fails unless only LWS remains.
    pub(crate) fn finish(&mut self, header: &'static str) -> Result<()> {
        self.skip_lws();
        if self.at_end() {
            Ok(())
        } else {
            Err(crate::error::header_err(
                header,
                "unexpected characters",
                self.pos,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lossy_is_from_utf8_lossy() {
        let cases: [&[u8]; 9] = [
            b"",
            b"plain",
            "caf\u{e9} \u{1F600}".as_bytes(),
            b"a\xffb",
            b"\xf0\x9f\x98",
            b"x\xf0\x9f\x98y\xe9\x80",
            b"\xc0\xaf\xed\xa0\x80z",
            b"\x80\x80\x80",
            b"ok\xf4\x90\x80\x80end\xe2",
        ];
        for c in cases {
            assert_eq!(lossy(c), String::from_utf8_lossy(c), "{c:?}");
        }
    }

    #[test]
    fn quote_round_trip() {
        for s in [
            "plain",
            "with \"quotes\"",
            "back\\slash",
            "nul\0bel\x07",
            "",
            "ünïcode",
        ] {
            let q = quote(s);
            let mut c = Cursor::new(&q);
            assert_eq!(c.quoted().unwrap(), q);
            assert_eq!(unquote(&q), s);
        }
    }

    #[test]
    fn quoted_errors() {
        assert!(Cursor::new("\"open").quoted().is_err());
        assert!(Cursor::new("\"bad\\").quoted().is_err());
        assert!(Cursor::new("\"ctl\x01\"").quoted().is_err());
        assert_eq!(
            Cursor::new("\"a\\\"b\" rest").quoted().unwrap(),
            "\"a\\\"b\""
        );
    }

    #[test]
    fn escapes() {
        assert!(check_escaped("a%20b", is_unreserved, false).is_ok());
        assert_eq!(check_escaped("a%2", is_unreserved, false), Err(1));
        assert_eq!(check_escaped("a%zz", is_unreserved, false), Err(1));
        assert_eq!(check_escaped("", is_unreserved, false), Err(0));
        assert!(check_escaped("", is_unreserved, true).is_ok());
    }
}
