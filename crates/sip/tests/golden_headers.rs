//! Golden strings per header: a canonical line prints back byte for byte, a non-canonical spelling
//! (compact name, odd case, extra LWS) prints in the one canonical form, and malformed values are errors.

use ccc_sip::{Contact, ErrorKind, Header, Method};

/// Canonical lines: parse → print is the identity.
const CANONICAL: &[&str] = &[
    // Via
    "Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKasudf",
    "Via: SIP/2.0/WS k5v7qdhee21i.invalid;rport=53643;received=192.0.2.36;branch=z9hG4bK211693",
    "Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKhjhjqw32c, SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK56sdasks",
    "Via: SIP/2.0/TCP [2001:db8::9]:5061;branch=z9hG4bK1;rport",
    "Via: SIP/2.0/UDP 192.0.2.2",
    // From / To
    "From: sip:alice@example.com;tag=65bnmj.34asd",
    "From: \"Agent 1001\" <sip:1001@127.0.0.1>;tag=88kogfq6mh",
    "From: Bob <sips:bob@biloxi.example.com>;tag=a73kszlfl",
    "To: <sip:1001@127.0.0.1>",
    "To: \"J Rosenberg \\\\\\\"\" <sip:jdrosen@example.com>;tag=98asjd8",
    "To: <tel:+861012345678;phone-context=example.com>",
    // Call-ID, CSeq
    "Call-ID: aiuy7k9njasd",
    "Call-ID: 3fc39fc4-82e7-ddef-fa34-9624709e3d9d@192.0.2.4",
    "CSeq: 1 REGISTER",
    "CSeq: 2147483647 INVITE",
    "CSeq: 7 NEWMETHOD",
    // Contact
    "Contact: <sip:alice@df7jal23ls0d.invalid;transport=ws>;reg-id=1;+sip.instance=\"<urn:uuid:f81-7dec-14a06cf1>\"",
    "Contact: <sip:k2not68h@k5v7qdhee21i.invalid;transport=ws>;+sip.ice;reg-id=1;+sip.instance=\"<urn:uuid:a384eef3-4ff1-4e4d-b5bb-14aa5620b252>\";expires=600",
    "Contact: <sip:a@host1.example.com>;q=0.7, <sip:b@host2.example.com>;q=0.3",
    "Contact: *",
    "Contact: <sip:alice@example.com;gr=urn:uuid:f81-7dec-14a06cf1;ob>",
    // Numbers
    "Max-Forwards: 70",
    "Max-Forwards: 0",
    "Expires: 600",
    "Expires: 0",
    "Min-Expires: 3600",
    "Content-Length: 0",
    // Route / Record-Route
    "Route: <sip:proxy.example.com:443;transport=ws;lr>",
    "Record-Route: <sip:proxy.example.com;transport=udp;lr>, <sip:h7kjh12s@proxy.example.com:443;transport=wss;lr>",
    "Record-Route: <sip:127.0.0.1:8080;transport=ws;r2=on;lr=on;ftag=88kogfq6mh;nat=yes>",
    // Authentication
    "WWW-Authenticate: Digest realm=\"127.0.0.1\", nonce=\"ZRE5MWUBVl3Yf2UvAWfXmzKTSMOp7wP0\", qop=\"auth\"",
    "WWW-Authenticate: Digest realm=\"asterisk\", nonce=\"1469177118/e77523413fd8316816034a71dd26332f\", opaque=\"07e9ed120ad79990\", algorithm=md5, qop=\"auth\"",
    "Proxy-Authenticate: Digest realm=\"example.com\", nonce=\"n\", algorithm=SHA-256, qop=\"auth,auth-int\", stale=FALSE",
    "Authorization: Digest username=\"1001\", realm=\"127.0.0.1\", nonce=\"ZRE5\", uri=\"sip:127.0.0.1\", qop=auth, nc=00000001, cnonce=\"8dfl5ro2jlb2\", response=\"be3ab978acc89dafb0a8c8c502298eea\"",
    "Proxy-Authorization: Digest username=\"1001\", realm=\"r\", nonce=\"n\", uri=\"sip:7002@127.0.0.1\", response=\"ab694e24405d4c709cf473ec831f135d\"",
    // Content-Type, lists, text
    "Content-Type: application/sdp",
    "Content-Type: multipart/mixed;boundary=7a9cbec02ceef655",
    "Content-Type: message/sipfrag;version=2.0",
    "Allow: INVITE, ACK, CANCEL, BYE, UPDATE, MESSAGE, OPTIONS, REFER, INFO, NOTIFY",
    "Supported: path, gruu, outbound",
    "Supported:",
    "Require: 100rel",
    "Unsupported: timer",
    "User-Agent: JsSIP 3.13.0",
    "Server: kamailio (5.6.3 (x86_64/linux))",
    // Event / Subscription-State
    "Event: refer;id=23",
    "Event: presence",
    "Subscription-State: active;expires=3600",
    "Subscription-State: terminated;reason=noresource",
    // Anything else stays text
    "Reason: SIP ;cause=200 ;text=\"Call completed elsewhere\"",
    "X-Ccc-Job-Id: 7719786@ccc_xp_pre-cn-***",
    "Subject:",
];

#[test]
fn canonical_lines_print_byte_for_byte() {
    for line in CANONICAL {
        let h = Header::parse(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(h.to_string(), *line);
        assert!(
            !matches!(h, Header::Other { .. }) || line.starts_with(['R', 'X', 'S']),
            "{line} should be typed"
        );
    }
}

/// Non-canonical spellings and what they print as.
const NORMALISED: &[(&str, &str)] = &[
    (
        "v: SIP / 2.0 / WS  h.invalid ; branch = z9hG4bK1 ; rport",
        "Via: SIP/2.0/WS h.invalid;branch=z9hG4bK1;rport",
    ),
    (
        "VIA: SIP/2.0/TCP a.example.com:5060 ,SIP/2.0/UDP b.example.com",
        "Via: SIP/2.0/TCP a.example.com:5060, SIP/2.0/UDP b.example.com",
    ),
    ("f: \"A\"<sip:a@b>;tag=1", "From: \"A\" <sip:a@b>;tag=1"),
    (
        "t:   token1   token2  <sip:a@b>",
        "To: token1 token2 <sip:a@b>",
    ),
    ("i:   abc@def  ", "Call-ID: abc@def"),
    ("cseq: 0009\t INVITE", "CSeq: 9 INVITE"),
    (
        "m: <sip:a@b>;EXPIRES=60,<sip:c@d>",
        "Contact: <sip:a@b>;EXPIRES=60, <sip:c@d>",
    ),
    ("m: sip:a@b;expires=60", "Contact: sip:a@b;expires=60"),
    ("max-forwards: 0068", "Max-Forwards: 68"),
    ("l: 000", "Content-Length: 0"),
    (
        "c: application/sdp ; charset = utf-8",
        "Content-Type: application/sdp;charset=utf-8",
    ),
    ("k: path,gruu,outbound", "Supported: path, gruu, outbound"),
    ("allow: INVITE,ACK", "Allow: INVITE, ACK"),
    ("o: dialog ; id = 1", "Event: dialog;id=1"),
    (
        "www-authenticate: Digest realm=\"a\",nonce=\"b\"",
        "WWW-Authenticate: Digest realm=\"a\", nonce=\"b\"",
    ),
    ("s: hello", "Subject: hello"),
    ("u: talk,hold", "Allow-Events: talk,hold"),
    ("SIP:sip", "SIP: sip"),
];

#[test]
fn non_canonical_spellings_print_canonically() {
    for (input, expected) in NORMALISED {
        let h = Header::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(h.to_string(), *expected, "{input}");
        assert_eq!(
            Header::parse(expected).unwrap(),
            h,
            "{expected} reparses equal"
        );
    }
}

#[test]
fn typed_values() {
    let Header::Via(v) = Header::parse(
        "Via: SIP/2.0/WS h.invalid:8443;received=10.0.0.1;rport=5555;branch=z9hG4bKx",
    )
    .unwrap() else {
        panic!()
    };
    assert_eq!(
        (v[0].port, v[0].received(), v[0].rport(), v[0].has_rport()),
        (Some(8443), Some("10.0.0.1"), Some(5555), true)
    );
    let Header::CSeq(c) = Header::parse("CSeq: 42 BYE").unwrap() else {
        panic!()
    };
    assert_eq!((c.seq, c.method), (42, Method::Bye));
    assert_eq!(
        Header::parse("Contact: *").unwrap(),
        Header::Contact(Contact::Wildcard)
    );
    let Header::Contact(Contact::List(l)) =
        Header::parse("Contact: <sip:a@b>;expires=30;q=0.5").unwrap()
    else {
        panic!()
    };
    assert_eq!((l[0].expires(), l[0].q()), (Some(30), Some("0.5")));
    let Header::Allow(a) = Header::parse("Allow: INVITE, FOO").unwrap() else {
        panic!()
    };
    assert_eq!(a, [Method::Invite, Method::Extension("FOO".into())]);
}

#[test]
fn malformed_values_are_errors() {
    let bad = [
        "Via: SIP/2.0 h.invalid",
        "Via: SIP/2.0/UDP",
        "Via: SIP/2.0/UDP 192.0.2.15;;,;,,",
        "Via: SIP/2.0/UDP h:99999",
        "Via: SIP/2.0/UDP [::1;branch=x",
        "From: \"open <sip:a@b>",
        "From: Bell, Alexander <sip:a@b>",
        "To: < sip:a@b >",
        "To: <sip:a@b",
        "To: sip:a@b?x=y",
        "Call-ID: a@b@c",
        "Call-ID: two words",
        "Call-ID:",
        "CSeq: 1",
        "CSeq: 2147483648 INVITE",
        "CSeq: -1 INVITE",
        "Contact: \"Joe\" <sip:joe@example.org>;;;;",
        "Contact: <sip:a@b>,",
        "Max-Forwards: 256",
        "Max-Forwards: 7a",
        "Expires: 4294967296",
        "Content-Length: -999",
        "Content-Length:",
        "Content-Type: application",
        "Allow: INVITE,,ACK",
        "Supported: a b",
        "WWW-Authenticate: Digest realm",
        "WWW-Authenticate: Digest realm=\"x\" nonce=\"y\"",
        "Authorization: Digest username=\"open",
        "Event:",
        "Subscription-State: ;expires=1",
        "Bad Name: x",
        ": x",
        "NoColon",
    ];
    for line in bad {
        assert!(
            Header::parse(line).is_err(),
            "{line} parsed as {:?}",
            Header::parse(line)
        );
    }
    let e = Header::parse("Via: SIP/2.0/UDP 192.0.2.15;;").unwrap_err();
    assert_eq!(
        (e.kind, e.offset),
        (ErrorKind::Syntax("empty or invalid parameter name"), 28)
    );
    let e = Header::parse("To: <sip:a@b:x>").unwrap_err();
    assert_eq!((e.kind, e.offset), (ErrorKind::Uri("invalid port"), 12));
}
