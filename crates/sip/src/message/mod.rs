//! Requests and responses (RFC 3261 §7): the model, parsing one frame ([`Message::parse`]) and printing
//! ([`Message::to_bytes`]).
//!
//! Printing is canonical: CRLF line ends, known headers under their long names, and `Content-Length`
//! always equal to the body actually carried. Parsing what was printed gives back an equal [`Message`].

mod parse;

use std::fmt;

use crate::error::{ErrorKind, ParseError, Result};
use crate::header::{Header, Headers};
use crate::method::Method;
use crate::status::StatusCode;
use crate::uri::Uri;

/// A request: method, Request-URI, headers, body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// The Request-URI.
    pub uri: Uri,
    /// The header lines.
    pub headers: Headers,
    /// The body (SDP, DTMF info…), possibly empty.
    pub body: Vec<u8>,
}

/// A response: status code, reason phrase, headers, body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: StatusCode,
    /// The reason phrase (may be empty).
    pub reason: String,
    /// The header lines.
    pub headers: Headers,
    /// The body, possibly empty.
    pub body: Vec<u8>,
}

/// A SIP message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A request.
    Request(Request),
    /// A response.
    Response(Response),
}

impl Request {
    /// A request with no headers and no body.
    pub fn new(method: Method, uri: impl Into<Uri>) -> Self {
        Request {
            method,
            uri: uri.into(),
            headers: Headers::new(),
            body: Vec::new(),
        }
    }
}

impl Response {
    /// A response with the default reason phrase, no headers and no body.
    pub fn new(status: StatusCode) -> Self {
        Response {
            status,
            reason: status.default_reason().to_owned(),
            headers: Headers::new(),
            body: Vec::new(),
        }
    }
}

impl Message {
    /// Parses one message from one WebSocket frame (text or binary).
    ///
    /// Never panics. Syntax errors of the start line, of any header line, of the value of any typed
    /// header, and a `Content-Length` larger than the body are errors; semantic checks (mandatory headers)
    /// are left to [`Message::validate`].
    pub fn parse(frame: &[u8]) -> Result<Message> {
        parse::parse(frame)
    }

    /// Whether a frame is only line breaks: an RFC 5626 keep-alive (`CRLFCRLF` ping / `CRLF` pong),
    /// not a message.
    pub fn is_keep_alive(frame: &[u8]) -> bool {
        !frame.is_empty() && frame.iter().all(|&b| b == b'\r' || b == b'\n')
    }

    /// The header lines.
    pub fn headers(&self) -> &Headers {
        match self {
            Message::Request(r) => &r.headers,
            Message::Response(r) => &r.headers,
        }
    }

    /// The header lines, mutable.
    pub fn headers_mut(&mut self) -> &mut Headers {
        match self {
            Message::Request(r) => &mut r.headers,
            Message::Response(r) => &mut r.headers,
        }
    }

    /// The body.
    pub fn body(&self) -> &[u8] {
        match self {
            Message::Request(r) => &r.body,
            Message::Response(r) => &r.body,
        }
    }

    /// The request, if this is one.
    pub fn as_request(&self) -> Option<&Request> {
        match self {
            Message::Request(r) => Some(r),
            Message::Response(_) => None,
        }
    }

    /// The response, if this is one.
    pub fn as_response(&self) -> Option<&Response> {
        match self {
            Message::Response(r) => Some(r),
            Message::Request(_) => None,
        }
    }

    /// RFC 3261 §8.1.1 / §8.2.2 checks a UA makes before handling a message: To, From, Call-ID, CSeq and
    /// Via present (and Max-Forwards in a request), and the CSeq method equal to the request method.
    pub fn validate(&self) -> Result<()> {
        let h = self.headers();
        let missing = |name| Err(ParseError::new(ErrorKind::MissingHeader(name), 0));
        if h.to().is_none() {
            return missing("To");
        }
        if h.from().is_none() {
            return missing("From");
        }
        if h.call_id().is_none() {
            return missing("Call-ID");
        }
        let Some(cseq) = h.cseq() else {
            return missing("CSeq");
        };
        if h.top_via().is_none() {
            return missing("Via");
        }
        if let Message::Request(r) = self {
            if h.max_forwards().is_none() {
                return missing("Max-Forwards");
            }
            if cseq.method != r.method {
                return Err(ParseError::new(ErrorKind::CSeqMismatch, 0));
            }
        }
        Ok(())
    }

    /// Appends the wire form to `out`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        use std::fmt::Write as _;
        // Through a String, not `io::Write` (whose adapter and error type cost wasm bytes); writing
        // into a String cannot fail.
        let mut s = String::with_capacity(512);
        let _ = match self {
            Message::Request(r) => write!(s, "{} {} SIP/2.0\r\n", r.method, r.uri),
            Message::Response(r) => write!(s, "SIP/2.0 {} {}\r\n", r.status, r.reason),
        };
        let body = self.body();
        for h in self.headers() {
            let _ = match h {
                Header::ContentLength(_) => write!(s, "Content-Length: {}\r\n", body.len()),
                h => write!(s, "{h}\r\n"),
            };
        }
        s.push_str("\r\n");
        out.extend_from_slice(s.as_bytes());
        out.extend_from_slice(body);
    }

    /// The wire form.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(512 + self.body().len());
        self.write_to(&mut out);
        out
    }
}

impl From<Request> for Message {
    fn from(r: Request) -> Self {
        Message::Request(r)
    }
}

impl From<Response> for Message {
    fn from(r: Response) -> Self {
        Message::Response(r)
    }
}

/// The wire form as text (a non-UTF-8 body is shown lossily; use [`Message::to_bytes`] to send).
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::scan::lossy(&self.to_bytes()))
    }
}
