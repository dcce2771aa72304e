//! RFC 4475 torture messages: the well-formed ones parse (and survive a print/parse round trip), the
//! malformed ones are rejected with a `ParseError` — by `parse`, or by `validate` for the semantic ones.

mod common;

use ccc_sip::{ErrorKind, Message, Method};
use common::{torture_invalid, torture_valid};

#[test]
fn valid_messages_parse_and_round_trip() {
    let all = torture_valid();
    assert_eq!(all.len(), 26);
    for (name, bytes) in all {
        let m = Message::parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let again =
            Message::parse(&m.to_bytes()).unwrap_or_else(|e| panic!("{name} reprinted: {e}"));
        assert_eq!(m, again, "{name}");
    }
}

#[test]
fn invalid_messages_are_rejected() {
    for (name, bytes, by_parse) in torture_invalid() {
        let result = Message::parse(&bytes);
        if by_parse {
            assert!(result.is_err(), "{name} parsed");
        } else {
            let m = result.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(m.validate().is_err(), "{name} validated");
        }
    }
}

fn get(name: &str) -> Message {
    let (_, bytes) = torture_valid()
        .into_iter()
        .find(|(n, _)| *n == name)
        .unwrap();
    Message::parse(&bytes).unwrap()
}

#[test]
fn wsinv_reads_as_the_rfc_says() {
    let m = get("wsinv");
    let h = m.headers();
    assert_eq!(h.to().unwrap().tag(), Some("1918181833n"));
    let from = h.from().unwrap();
    assert_eq!(from.display_name().as_deref(), Some("J Rosenberg \\\""));
    assert_eq!(from.tag(), Some("98asjd8"));
    assert_eq!(h.max_forwards(), Some(68));
    assert_eq!(h.cseq().unwrap().seq, 9);
    let vias: Vec<_> = h
        .vias()
        .map(|v| (v.transport.as_str(), v.host.as_str(), v.branch().unwrap()))
        .collect();
    assert_eq!(
        vias,
        [
            ("UDP", "192.0.2.2", "390skdjuw"),
            ("TCP", "spindle.example.com", "z9hG4bK9ikj8"),
            ("UDP", "192.168.255.111", "z9hG4bK30239")
        ]
    );
    assert_eq!(
        h.get("NewFangledHeader").as_deref(),
        Some("newfangled value continued newfangled value")
    );
    assert_eq!(
        h.get("UnknownHeaderWithUnusualValue").as_deref(),
        Some(";;,,;;,;")
    );
    assert_eq!(h.get("Subject").as_deref(), Some(""));
    let c = h.contacts().next().unwrap();
    assert_eq!(c.display_name().as_deref(), Some("Quoted string \"\""));
    assert_eq!(
        (
            c.params.value("newparam"),
            c.params.contains("secondparam"),
            c.q()
        ),
        (Some("newvalue"), true, Some("0.33"))
    );
    assert_eq!(m.body().len(), 150);
    m.validate().unwrap();
}

#[test]
fn intmeth_keeps_unusual_characters() {
    let m = get("intmeth");
    let r = m.as_request().unwrap();
    assert_eq!(
        r.method,
        Method::Extension("!interesting-Method0123456789_*+`.%indeed'~".into())
    );
    assert_eq!(m.headers().cseq().unwrap().method, r.method);
    assert_eq!(
        m.headers().to().unwrap().display_name().as_deref(),
        Some("BEL:\x07 NUL:\0 DEL:\x7f")
    );
    assert_eq!(
        m.headers().from().unwrap().display.as_deref(),
        Some("token1~` token2'+_ token3*%!.-")
    );
    assert_eq!(
        m.headers().call_id(),
        Some("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{")
    );
    m.validate().unwrap();
}

#[test]
fn escapes_stay_as_written() {
    let m = get("esc01");
    assert_eq!(
        m.as_request()
            .unwrap()
            .uri
            .as_sip()
            .unwrap()
            .user_decoded()
            .unwrap(),
        b"sips:user@example.com"
    );
    let m = get("esc02");
    assert_eq!(m.as_request().unwrap().method.as_str(), "RE%47IST%45R");
    assert_eq!(
        m.headers().contacts().count(),
        2,
        "C%6Fntact is another header"
    );
    assert_eq!(
        m.headers().get("C%6Fntact").as_deref(),
        Some("<sip:alias2@host2.example.com>")
    );
}

#[test]
fn the_rest_read_correctly() {
    assert_eq!(
        get("lwsdisp").headers().from().unwrap().display.as_deref(),
        Some("caller")
    );
    assert_eq!(get("longreq").headers().vias().count(), 34);
    let dbl = get("dblreq");
    assert_eq!(
        (dbl.as_request().unwrap().method.clone(), dbl.body().len()),
        (Method::Register, 0)
    );
    assert_eq!(
        get("semiuri")
            .as_request()
            .unwrap()
            .uri
            .as_sip()
            .unwrap()
            .user
            .as_deref(),
        Some("user;par=u%40example.net")
    );
    assert_eq!(
        get("transports")
            .headers()
            .vias()
            .map(|v| v.transport.clone())
            .collect::<Vec<_>>(),
        ["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"]
    );
    assert_eq!(get("noreason").as_response().unwrap().reason, "");
    assert_eq!(get("unkscm").as_request().unwrap().uri.as_sip(), None);
    assert!(get("unksm2").headers().to().unwrap().uri.as_sip().is_none());
    assert_eq!(get("zeromf").headers().max_forwards(), Some(0));
    assert_eq!(
        get("cparam01")
            .headers()
            .contacts()
            .next()
            .unwrap()
            .params
            .len(),
        1,
        "unknownparam is a header parameter"
    );
    assert_eq!(
        get("cparam02")
            .headers()
            .contacts()
            .next()
            .unwrap()
            .uri
            .as_sip()
            .unwrap()
            .params
            .len(),
        1
    );
    assert_eq!(
        get("regescrt")
            .headers()
            .contacts()
            .next()
            .unwrap()
            .uri
            .as_sip()
            .unwrap()
            .headers
            .len(),
        1
    );
    assert_eq!(
        get("regaut01")
            .headers()
            .authorization()
            .next()
            .unwrap()
            .scheme,
        "NoOneKnowsThisScheme"
    );
}

#[test]
fn specific_rejections() {
    let kinds: Vec<(&str, ErrorKind)> = torture_invalid()
        .into_iter()
        .filter(|(_, _, by_parse)| *by_parse)
        .map(|(name, bytes, _)| (name, Message::parse(&bytes).unwrap_err().kind))
        .collect();
    let kind = |n: &str| kinds.iter().find(|(k, _)| *k == n).unwrap().1.clone();
    assert_eq!(
        kind("clerr"),
        ErrorKind::ContentLength {
            declared: 9999,
            available: 152
        }
    );
    assert_eq!(kind("badvers"), ErrorKind::UnsupportedVersion);
    assert_eq!(kind("escruri"), ErrorKind::HeadersInRequestUri);
    assert_eq!(kind("mcl01"), ErrorKind::DuplicateHeader("Content-Length"));
    assert!(matches!(kind("multi01"), ErrorKind::DuplicateHeader(_)));
    assert!(matches!(kind("bigcode"), ErrorKind::StartLine(_)));
    assert!(matches!(
        kind("scalar02"),
        ErrorKind::HeaderValue { header: "CSeq", .. }
    ));
}
