//! A test harness around one [`UserAgent`]: feeds inputs with a counting id generator and sorts the
//! outputs into messages sent, timers armed and events. Remote messages are written as text
//! (`\n` line ends, `{len}` for the body length, see `common::wire`) or built from what was sent.
#![allow(dead_code)]

use ccc_sip::builders::response_to;
use ccc_sip::ids::SeqIds;
use ccc_sip::ua::{TimerId, UaConfig, UaEvent, UaInput, UaOutput, UserAgent, KEEPALIVE_PING};
use ccc_sip::{Header, Message, Method, Request, Response, Scheme, SipUri, StatusCode};

/// CRLF line ends; `{len}` becomes the body length.
pub(crate) fn wire(text: &str) -> Vec<u8> {
    let crlf = text.replace('\n', "\r\n");
    match crlf.find("\r\n\r\n") {
        Some(i) => {
            let body_len = crlf.len() - (i + 4);
            crlf.replace("{len}", &body_len.to_string()).into_bytes()
        }
        None => crlf.into_bytes(),
    }
}

pub(crate) const VIA_HOST: &str = "df7jal23ls0d.invalid";

/// `user@example.com`, registering at `sip:example.com` from `<via_host>`.
pub(crate) fn config(user: &str, via_host: &str) -> UaConfig {
    UaConfig {
        aor: SipUri::new(Scheme::Sip, "example.com").with_user(user),
        username: user.into(),
        password: "secret".into(),
        display_name: None,
        registrar: SipUri::new(Scheme::Sip, "example.com"),
        via_host: via_host.into(),
        via_transport: "WSS".into(),
        contact: SipUri::new(Scheme::Sip, via_host)
            .with_user("k6p2v")
            .with_param("transport", Some("ws")),
        expires: 600,
        user_agent: "CCC-Workbench/0.1".into(),
        keepalive_ms: 0,
    }
}

/// What one input produced.
#[derive(Debug, Clone)]
pub(crate) struct Out(pub(crate) Vec<UaOutput>);

impl Out {
    /// The frames sent, parsed (keep-alives left out).
    pub(crate) fn sent(&self) -> Vec<Message> {
        self.0
            .iter()
            .filter_map(|o| match o {
                UaOutput::Send(b) if b != KEEPALIVE_PING => {
                    Some(Message::parse(b).unwrap_or_else(|e| panic!("{e}: {b:?}")))
                }
                _ => None,
            })
            .collect()
    }

    /// The frames sent as text with `\n` line ends.
    pub(crate) fn texts(&self) -> Vec<String> {
        self.0
            .iter()
            .filter_map(|o| match o {
                UaOutput::Send(b) => Some(String::from_utf8_lossy(b).replace("\r\n", "\n")),
                _ => None,
            })
            .collect()
    }

    /// A one-line summary of each sent message: `INVITE`, `180`, `ACK`…
    pub(crate) fn summary(&self) -> Vec<String> {
        self.sent()
            .iter()
            .map(|m| match m {
                Message::Request(r) => r.method.to_string(),
                Message::Response(r) => {
                    format!("{} {}", r.status.code(), r.headers.cseq().unwrap().method)
                }
            })
            .collect()
    }

    pub(crate) fn events(&self) -> Vec<UaEvent> {
        self.0
            .iter()
            .filter_map(|o| match o {
                UaOutput::Event(e) => Some(e.clone()),
                _ => None,
            })
            .collect()
    }

    pub(crate) fn timers(&self) -> Vec<(TimerId, u64)> {
        self.0
            .iter()
            .filter_map(|o| match o {
                UaOutput::ArmTimer { id, after_ms } => Some((*id, *after_ms)),
                _ => None,
            })
            .collect()
    }

    /// The one request sent with `method`.
    pub(crate) fn request(&self, method: &str) -> Request {
        let found: Vec<Request> = self
            .sent()
            .into_iter()
            .filter_map(|m| match m {
                Message::Request(r) if r.method.as_str() == method => Some(r),
                _ => None,
            })
            .collect();
        assert_eq!(found.len(), 1, "{method} in {:?}", self.texts());
        found.into_iter().next().unwrap()
    }

    /// The one response sent with `code`.
    pub(crate) fn response(&self, code: u16) -> Response {
        let found: Vec<Response> = self
            .sent()
            .into_iter()
            .filter_map(|m| match m {
                Message::Response(r) if r.status.code() == code => Some(r),
                _ => None,
            })
            .collect();
        assert_eq!(found.len(), 1, "{code} in {:?}", self.texts());
        found.into_iter().next().unwrap()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One user agent and its inputs.
pub(crate) struct Phone {
    pub(crate) ua: UserAgent,
    pub(crate) ids: SeqIds,
    /// Every timer armed so far, in order.
    pub(crate) armed: Vec<(TimerId, u64)>,
}

impl Phone {
    pub(crate) fn new(config: UaConfig, prefix: &str) -> Self {
        Phone {
            ua: UserAgent::new(config),
            ids: SeqIds::new(prefix),
            armed: Vec::new(),
        }
    }

    pub(crate) fn alice() -> Self {
        Phone::new(config("alice", VIA_HOST), "t")
    }

    pub(crate) fn input(&mut self, input: UaInput) -> Out {
        let out = Out(self.ua.handle(input, &mut self.ids));
        self.armed.extend(out.timers());
        out
    }

    pub(crate) fn frame(&mut self, bytes: Vec<u8>) -> Out {
        self.input(UaInput::Frame(bytes))
    }

    pub(crate) fn text(&mut self, text: &str) -> Out {
        self.frame(wire(text))
    }

    pub(crate) fn msg(&mut self, m: impl Into<Message>) -> Out {
        self.frame(m.into().to_bytes())
    }

    pub(crate) fn fire(&mut self, id: TimerId) -> Out {
        self.input(UaInput::Timer(id))
    }

    /// Fires the last timer armed with this delay.
    pub(crate) fn fire_last(&mut self, after_ms: u64) -> Out {
        let (id, _) = *self
            .armed
            .iter()
            .rev()
            .find(|(_, ms)| *ms == after_ms)
            .unwrap_or_else(|| panic!("no {after_ms} ms timer in {:?}", self.armed));
        self.fire(id)
    }
}

/// The far end's response to a request we sent: `code`, a To tag, more header lines.
pub(crate) fn reply(req: &Request, code: u16, tag: Option<&str>, extra: &[&str]) -> Response {
    let mut r = response_to(req, StatusCode::new(code).unwrap(), tag);
    for line in extra {
        let at = r.headers.len() - 1;
        r.headers.insert(at, Header::parse(line).unwrap());
    }
    r
}

/// The same with an SDP body.
pub(crate) fn reply_sdp(
    req: &Request,
    code: u16,
    tag: &str,
    extra: &[&str],
    sdp: &str,
) -> Response {
    let mut r = reply(req, code, Some(tag), extra);
    let at = r.headers.len() - 1;
    r.headers
        .insert(at, Header::parse("Content-Type: application/sdp").unwrap());
    r.body = sdp.as_bytes().to_vec();
    r
}

pub(crate) fn is_request(m: &Message, method: Method) -> bool {
    matches!(m, Message::Request(r) if r.method == method)
}
