//! Whole messages: the SIP-over-WebSocket flow (RFC 7118 §8 style, JsSIP and Kamailio style) prints back
//! byte for byte, typed accessors read what a UA needs, and framing rules hold.

mod common;

use ccc_sip::{ErrorKind, Header, Message, Method, StatusCode};
use common::{canonical, wire};

fn parse(bytes: &[u8]) -> Message {
    Message::parse(bytes).unwrap_or_else(|e| panic!("{e}\n{}", String::from_utf8_lossy(bytes)))
}

fn find(name: &str) -> Message {
    let (_, text) = canonical().into_iter().find(|(n, _)| *n == name).unwrap();
    parse(&wire(&text))
}

#[test]
fn canonical_messages_print_byte_for_byte() {
    for (name, text) in canonical() {
        let bytes = wire(&text);
        let msg = parse(&bytes);
        let printed = msg.to_bytes();
        assert_eq!(
            String::from_utf8_lossy(&printed),
            String::from_utf8_lossy(&bytes),
            "{name}"
        );
        msg.validate().unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn register_contact_has_outbound_parameters() {
    let m = find("rfc7118 REGISTER");
    let r = m.as_request().unwrap();
    assert_eq!(r.method, Method::Register);
    assert_eq!(r.uri.to_string(), "sip:proxy.example.com");
    let h = m.headers();
    let via = h.top_via().unwrap();
    assert_eq!(
        (via.transport.as_str(), via.host.as_str(), via.branch()),
        ("WSS", "df7jal23ls0d.invalid", Some("z9hG4bKasudf"))
    );
    assert_eq!(h.from().unwrap().tag(), Some("65bnmj.34asd"));
    assert_eq!(h.to().unwrap().tag(), None);
    assert_eq!(h.call_id(), Some("aiuy7k9njasd"));
    assert_eq!(h.cseq().unwrap().to_string(), "1 REGISTER");
    assert_eq!(h.max_forwards(), Some(70));
    assert_eq!(
        h.supported().collect::<Vec<_>>(),
        ["path", "outbound", "gruu"]
    );
    let contact = h.contacts().next().unwrap();
    assert_eq!(contact.reg_id(), Some(1));
    assert_eq!(
        contact.instance().as_deref(),
        Some("<urn:uuid:f81-7dec-14a06cf1>")
    );
    assert_eq!(
        contact.uri.as_sip().unwrap().transport().as_deref(),
        Some("ws")
    );
    assert!(m.body().is_empty());
}

#[test]
fn register_answer_carries_gruu_and_expiry() {
    let m = find("rfc7118 200 OK to REGISTER");
    let r = m.as_response().unwrap();
    assert_eq!((r.status, r.reason.as_str()), (StatusCode::OK, "OK"));
    let c = m.headers().contacts().next().unwrap();
    assert_eq!(c.expires(), Some(3600));
    assert_eq!(
        c.params.unquoted("pub-gruu").as_deref(),
        Some("sip:alice@example.com;gr=urn:uuid:f81-7dec-14a06cf1")
    );
    assert_eq!(m.headers().to().unwrap().tag(), Some("12isjljn8"));
}

#[test]
fn invite_and_answer() {
    let m = find("rfc7118 INVITE");
    let h = m.headers();
    assert_eq!(
        h.routes().map(|r| r.uri.to_string()).collect::<Vec<_>>(),
        ["sip:proxy.example.com:443;transport=ws;lr"]
    );
    assert!(h.content_type().unwrap().is("application", "SDP"));
    assert_eq!(h.content_length(), Some(m.body().len() as u32));
    assert!(m.body().starts_with(b"v=0\r\n"));
    let ok = find("rfc7118 200 OK to INVITE");
    let rr: Vec<_> = ok
        .headers()
        .record_routes()
        .map(|r| r.uri.to_string())
        .collect();
    assert_eq!(
        rr,
        [
            "sip:proxy.example.com;transport=udp;lr",
            "sip:h7kjh12s@proxy.example.com:443;transport=wss;lr"
        ]
    );
    assert_eq!(ok.headers().to().unwrap().tag(), Some("bmqkjhsd"));
}

#[test]
fn kamailio_challenge() {
    let m = find("Kamailio 401");
    let h = m.headers();
    let via = h.top_via().unwrap();
    assert_eq!(
        (via.received(), via.rport()),
        (Some("127.0.0.1"), Some(53643))
    );
    let ch = h.www_authenticate().next().unwrap();
    assert!(ch.is_digest());
    assert_eq!(ch.unquoted("realm").as_deref(), Some("127.0.0.1"));
    assert_eq!(ch.unquoted("qop").as_deref(), Some("auth"));
    assert_eq!(h.server(), Some("kamailio (5.6.3 (x86_64/linux))"));
    assert_eq!(
        h.from().unwrap().display_name().as_deref(),
        Some("Agent 1001")
    );
}

#[test]
fn jssip_register_accessors() {
    let m = find("JsSIP REGISTER with credentials");
    let h = m.headers();
    assert_eq!(h.expires(), Some(600));
    assert_eq!(h.user_agent(), Some("JsSIP 3.13.0"));
    assert_eq!(h.allow().count(), 10);
    assert!(h.allow().any(|m| *m == Method::Info));
    let auth = h.authorization().next().unwrap();
    assert_eq!(auth.param("nc"), Some("00000001"));
    assert_eq!(auth.unquoted("uri").as_deref(), Some("sip:127.0.0.1"));
    assert!(h.contacts().next().unwrap().params.contains("+sip.ice"));
}

#[test]
fn notify_event_and_subscription_state() {
    let m = find("NOTIFY");
    let h = m.headers();
    assert_eq!(h.event().unwrap().value, "refer");
    assert_eq!(h.event().unwrap().params.value("id"), Some("23"));
    assert_eq!(h.subscription_state().unwrap().value, "terminated");
    assert_eq!(h.get("Allow-Events"), None);
    assert_eq!(h.get("o").as_deref(), Some("refer;id=23"));
}

#[test]
fn jssip_spacing_prints_canonically() {
    let jssip = wire("REGISTER sip:127.0.0.1 SIP/2.0\nVia: SIP/2.0/WS k5v7qdhee21i.invalid;branch=z9hG4bK211693\nMax-Forwards: 69\nTo: <sip:1001@127.0.0.1>\nFrom: \"Agent 1001\"<sip:1001@127.0.0.1>;tag=88kogfq6mh\nCall-ID: ro5f0ohad43lkhevfara26\nCSeq: 1 REGISTER\nAllow: INVITE,ACK,CANCEL,BYE\nSupported: path,gruu,outbound\nWWW-Authenticate: Digest realm=\"asterisk\",nonce=\"1f8ce5ba\",algorithm=md5,qop=\"auth\"\nContent-Length: 0\n\n");
    let printed = String::from_utf8(parse(&jssip).to_bytes()).unwrap();
    assert!(printed.contains("\r\nFrom: \"Agent 1001\" <sip:1001@127.0.0.1>;tag=88kogfq6mh\r\n"));
    assert!(printed.contains("\r\nAllow: INVITE, ACK, CANCEL, BYE\r\n"));
    assert!(printed.contains("\r\nSupported: path, gruu, outbound\r\n"));
    assert!(printed.contains("\r\nWWW-Authenticate: Digest realm=\"asterisk\", nonce=\"1f8ce5ba\", algorithm=md5, qop=\"auth\"\r\n"));
}

#[test]
fn compact_forms_print_long() {
    let m = parse(&wire("OPTIONS sip:a@b SIP/2.0\nv: SIP/2.0/WS h.invalid;branch=z9hG4bK1\nf: <sip:c@d>;tag=1\nt: <sip:a@b>\ni: x@y\nCSeq: 1 OPTIONS\nk: outbound\nm: <sip:c@h.invalid;transport=ws>\no: dialog\nu: talk\ns: hi\nl: 0\n\n"));
    let text = m.to_string();
    for line in [
        "Via: ",
        "From: ",
        "To: ",
        "Call-ID: x@y",
        "Supported: outbound",
        "Contact: ",
        "Event: dialog",
        "Allow-Events: talk",
        "Subject: hi",
        "Content-Length: 0",
    ] {
        assert!(text.contains(&format!("\r\n{line}")), "{line} in {text}");
    }
}

#[test]
fn framing_rules() {
    // Leading CRLFs are skipped; bare LF line ends are tolerated.
    let lf = b"\r\n\r\nOPTIONS sip:a@b SIP/2.0\nCSeq: 1 OPTIONS\nContent-Length: 3\n\nabcdef";
    let m = parse(lf);
    assert_eq!(m.body(), b"abc", "bytes beyond Content-Length are ignored");
    // Without Content-Length the frame's end ends the body (RFC 7118 §5.2).
    let m = parse(b"MESSAGE sip:a@b SIP/2.0\r\nContent-Type: text/plain\r\n\r\nhello");
    assert_eq!(m.body(), b"hello");
    assert_eq!(
        m.to_bytes(),
        b"MESSAGE sip:a@b SIP/2.0\r\nContent-Type: text/plain\r\n\r\nhello"
    );
    // Printing always writes the real body length.
    let mut m = parse(b"MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 5\r\n\r\nhello");
    if let Message::Request(r) = &mut m {
        r.body = b"hi".to_vec();
    }
    assert_eq!(
        m.to_bytes(),
        b"MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 2\r\n\r\nhi"
    );
    assert!(Message::is_keep_alive(b"\r\n\r\n"));
    assert!(!Message::is_keep_alive(b""));
}

#[test]
fn errors_have_kinds_and_offsets() {
    let cases: &[(&[u8], ErrorKind, usize)] = &[
        (b"", ErrorKind::Empty, 0),
        (b"\r\n\r\n", ErrorKind::Empty, 4),
        (
            b"OPTIONS sip:a@b SIP/2.0\r\nCSeq: 1 OPTIONS\r\n",
            ErrorKind::UnterminatedHeaders,
            42,
        ),
        (
            b"OPTIONS sip:a@b SIP/2.0\r\nVia SIP/2.0/WS h\r\n\r\n",
            ErrorKind::HeaderLine("missing ':'"),
            25,
        ),
        (
            b"OPTIONS sip:a@b SIP/2.0\r\nBad Name: x\r\n\r\n",
            ErrorKind::HeaderLine("invalid field name"),
            25,
        ),
        (
            b" x: y\r\nOPTIONS sip:a@b SIP/2.0\r\n\r\n",
            ErrorKind::StartLine("invalid method"),
            0,
        ),
        (
            b"OPTIONS sip:a@b\r\n\r\n",
            ErrorKind::StartLine("expected 'Method SP Request-URI SP SIP-Version'"),
            0,
        ),
        (
            b"OPTIONS sip:a@b SIP/2.0\r\n x: y\r\n\r\n",
            ErrorKind::HeaderLine("continuation line before any header"),
            25,
        ),
        (
            b"OPTIONS sip:a@b SIP/2.0\r\nCSeq: x OPTIONS\r\n\r\n",
            ErrorKind::HeaderValue {
                header: "CSeq",
                reason: "invalid sequence number",
            },
            31,
        ),
        (
            b"OPTIONS sip:a@b SIP/2.0\r\nX: a\rb\r\n\r\n",
            ErrorKind::ControlCharacter,
            29,
        ),
        (
            b"OPTIONS sip:a@b SIP/2.0\r\nX: \xff\r\n\r\n",
            ErrorKind::InvalidUtf8,
            28,
        ),
        (
            b"OPTIONS sip:a@b SIP/3.0\r\n\r\n",
            ErrorKind::UnsupportedVersion,
            16,
        ),
        (
            b"OPTIONS sip:a@b HTTP/1.1\r\n\r\n",
            ErrorKind::StartLine("invalid SIP version"),
            16,
        ),
        (
            b"SIP/2.0 20 OK\r\n\r\n",
            ErrorKind::StartLine("invalid status code"),
            8,
        ),
        (
            b"SIP/2.0 099 Low\r\n\r\n",
            ErrorKind::StartLine("invalid status code"),
            8,
        ),
        (
            b"OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 4\r\n\r\nab",
            ErrorKind::ContentLength {
                declared: 4,
                available: 2,
            },
            46,
        ),
        (
            b"OPTIONS sip:a@b SIP/2.0\r\nTo: <sip:a@b>\r\nt: <sip:c@d>\r\n\r\n",
            ErrorKind::DuplicateHeader("To"),
            40,
        ),
    ];
    for (input, kind, offset) in cases {
        let e = Message::parse(input).unwrap_err();
        assert_eq!(
            (&e.kind, e.offset),
            (kind, *offset),
            "{}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn folded_header_error_points_into_the_frame() {
    let input = b"OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/WS h.invalid;\r\n  ;branch=x\r\n\r\n";
    let e = Message::parse(input).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Syntax("empty or invalid parameter name"));
    assert_eq!(&input[e.offset..e.offset + 1], b";", "offset {}", e.offset);
}

#[test]
fn built_messages_print_as_expected() {
    use ccc_sip::{CSeq, NameAddr, Request, Scheme, SipUri, Via};
    let uri = SipUri::new(Scheme::Sip, "127.0.0.1");
    let mut r = Request::new(Method::Register, uri.clone());
    let aor = SipUri::new(Scheme::Sip, "127.0.0.1").with_user("1001");
    r.headers.push(Header::Via(vec![
        Via::new("WS", "abc.invalid", "z9hG4bK1").with_rport()
    ]));
    r.headers.push(Header::MaxForwards(70));
    r.headers.push(Header::To(NameAddr::new(aor.clone())));
    r.headers.push(Header::From(
        NameAddr::new(aor)
            .with_display("Agent \"1\"")
            .with_param("tag", Some("t1")),
    ));
    r.headers.push(Header::CallId("c1".into()));
    r.headers.push(Header::CSeq(CSeq {
        seq: 1,
        method: Method::Register,
    }));
    r.headers.push(Header::ContentLength(0));
    let text = Message::from(r).to_string();
    assert_eq!(
        text,
        "REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/WS abc.invalid;branch=z9hG4bK1;rport\r\nMax-Forwards: 70\r\nTo: <sip:1001@127.0.0.1>\r\nFrom: \"Agent \\\"1\\\"\" <sip:1001@127.0.0.1>;tag=t1\r\nCall-ID: c1\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n"
    );
    assert_eq!(
        parse(text.as_bytes())
            .headers()
            .from()
            .unwrap()
            .display_name()
            .as_deref(),
        Some("Agent \"1\"")
    );
}
