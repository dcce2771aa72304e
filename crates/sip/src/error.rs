//! The parse error of this layer: what went wrong and where (a byte offset into the parsed text).
//!
//! Every parser in the crate returns [`ParseError`]; none of them panics, whatever the input. The offset
//! is relative to the start of the text handed to the public entry point ([`crate::Message::parse`],
//! [`crate::Uri::parse`], [`crate::Header::parse`], …), so an error in a folded header line points into the
//! original frame, not into the unfolded value.

use thiserror::Error;

/// A syntax error with the byte offset at which it was detected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{kind} (at byte {offset})")]
pub struct ParseError {
    /// What was wrong.
    pub kind: ErrorKind,
    /// Byte offset into the parsed input where the problem was found.
    pub offset: usize,
}

impl ParseError {
    /// An error of `kind` at `offset`.
    pub fn new(kind: ErrorKind, offset: usize) -> Self {
        ParseError { kind, offset }
    }

    /// The same error moved by `base` bytes (a sub-parser's offset made absolute).
    pub(crate) fn shifted(mut self, base: usize) -> Self {
        self.offset += base;
        self
    }
}

/// The kinds of [`ParseError`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ErrorKind {
    /// Nothing but line breaks (or nothing at all) was given.
    #[error("empty message")]
    Empty,
    /// The header section is not valid UTF-8.
    #[error("header section is not valid UTF-8")]
    InvalidUtf8,
    /// A carriage return not followed by a line feed, or another control character where none may be.
    #[error("stray control character")]
    ControlCharacter,
    /// The header section does not end with an empty line.
    #[error("header section is not terminated by an empty line")]
    UnterminatedHeaders,
    /// The first line is neither a Request-Line nor a Status-Line.
    #[error("malformed start line: {0}")]
    StartLine(&'static str),
    /// The SIP version is well-formed but not 2.0.
    #[error("unsupported SIP version")]
    UnsupportedVersion,
    /// The Request-URI carries `?headers`, which RFC 3261 §19.1.5 forbids there.
    #[error("headers are not allowed in a Request-URI")]
    HeadersInRequestUri,
    /// A header line without a valid field name or colon.
    #[error("malformed header line: {0}")]
    HeaderLine(&'static str),
    /// The value of a known header does not follow its grammar.
    #[error("invalid {header} value: {reason}")]
    HeaderValue {
        /// The canonical name of the header.
        header: &'static str,
        /// What was wrong with it.
        reason: &'static str,
    },
    /// A header that may appear once appears several times.
    #[error("duplicate {0} header")]
    DuplicateHeader(&'static str),
    /// A URI does not follow RFC 3261 §25.1.
    #[error("invalid URI: {0}")]
    Uri(&'static str),
    /// `Content-Length` announces more bytes than the frame carries.
    #[error("Content-Length is {declared} but only {available} body bytes follow")]
    ContentLength {
        /// The announced length.
        declared: usize,
        /// The bytes actually present after the empty line.
        available: usize,
    },
    /// A header every request/response must carry is missing ([`crate::Message::validate`]).
    #[error("missing mandatory {0} header")]
    MissingHeader(&'static str),
    /// The CSeq method differs from the request method ([`crate::Message::validate`]).
    #[error("CSeq method does not match the request method")]
    CSeqMismatch,
    /// A value that does not fit a general syntax element (token, quoted string, parameter…).
    #[error("syntax error: {0}")]
    Syntax(&'static str),
}

/// The crate's result type.
pub type Result<T, E = ParseError> = std::result::Result<T, E>;

/// Shorthand for an error in a known header's value.
pub(crate) fn header_err(header: &'static str, reason: &'static str, offset: usize) -> ParseError {
    ParseError::new(ErrorKind::HeaderValue { header, reason }, offset)
}
