//! The registration machine against hand-written registrar messages: 401 → the authorized REGISTER
//! byte for byte → 200 → refresh → un-REGISTER; 423; a wrong password; other failures.

mod common;

use ccc_sip::ids::SeqIds;
use ccc_sip::register::{
    refresh_delay_ms, RegAction, RegEvent, RegFailure, RegNotice, RegState, RegisterConfig,
    Registration,
};
use ccc_sip::{Message, Request, Response, Scheme, SipUri, StatusCode};
use common::wire;

const INSTANCE: &str = "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6";

fn config() -> RegisterConfig {
    let mut c = RegisterConfig::new(
        SipUri::new(Scheme::Sip, "example.com"),
        SipUri::new(Scheme::Sip, "example.com").with_user("alice"),
        SipUri::new(Scheme::Sip, "df7jal23ls0d.invalid")
            .with_user("k6p2v")
            .with_param("transport", Some("ws"))
            .with_param("ob", None),
        "df7jal23ls0d.invalid",
        "alice",
        "secret",
    );
    c.instance_id = Some(INSTANCE.into());
    c
}

fn response(text: &str) -> Response {
    match Message::parse(&wire(text)).unwrap_or_else(|e| panic!("{e}\n{text}")) {
        Message::Response(r) => r,
        m => panic!("{m}"),
    }
}

/// The one REGISTER in `out` (with its branch checked against the top Via).
fn sent(out: &[RegAction]) -> Request {
    let sends: Vec<_> = out
        .iter()
        .filter_map(|a| match a {
            RegAction::Send { request, branch } => {
                assert_eq!(
                    request.headers.top_via().unwrap().branch(),
                    Some(branch.as_str())
                );
                Some(request.clone())
            }
            _ => None,
        })
        .collect();
    assert_eq!(sends.len(), 1, "{out:?}");
    sends.into_iter().next().unwrap()
}

fn text(r: &Request) -> String {
    Message::from(r.clone()).to_string()
}

const CONTACT: &str = "<sip:k6p2v@df7jal23ls0d.invalid;transport=ws;ob>;+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\";reg-id=1";

fn expected_register(branch: u32, cseq: u32, expires: u32, auth: Option<&str>) -> String {
    let auth = auth
        .map(|a| format!("Authorization: {a}\r\n"))
        .unwrap_or_default();
    format!(
        "REGISTER sip:example.com SIP/2.0\r\n\
         Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK{branch}\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:alice@example.com>;tag=tag2\r\n\
         To: <sip:alice@example.com>\r\n\
         Call-ID: call1\r\n\
         CSeq: {cseq} REGISTER\r\n\
         Contact: {CONTACT};expires={expires}\r\n\
         Expires: {expires}\r\n\
         Supported: path, outbound\r\n\
         {auth}\
         Content-Length: 0\r\n\
         \r\n"
    )
}

fn answer(status: &str, cseq: u32, branch: u32, extra: &str) -> Response {
    response(&format!(
        "SIP/2.0 {status}
Via: SIP/2.0/WSS df7jal23ls0d.invalid;rport=55213;received=192.0.2.4;branch=z9hG4bK{branch}
From: <sip:alice@example.com>;tag=tag2
To: <sip:alice@example.com>;tag=37GkEhwl6
Call-ID: call1
CSeq: {cseq} REGISTER
{extra}Content-Length: 0

"
    ))
}

const CHALLENGE: &str =
    "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"abc123\", qop=\"auth\", algorithm=MD5\n";

fn auth(nc: u32, cnonce: &str, response: &str) -> String {
    format!(
        "Digest username=\"alice\", realm=\"example.com\", nonce=\"abc123\", uri=\"sip:example.com\", \
         algorithm=MD5, qop=auth, nc={nc:08x}, cnonce=\"{cnonce}\", response=\"{response}\""
    )
}

#[test]
fn full_exchange_401_200_refresh_unregister() {
    let mut ids = SeqIds::new("");
    let mut reg = Registration::new(config(), &mut ids);
    assert_eq!(reg.call_id(), "call1");
    assert_eq!(reg.state(), RegState::Unregistered);

    // 1. The first REGISTER, unauthenticated.
    let out = reg.handle(RegEvent::Register, &mut ids);
    assert_eq!(text(&sent(&out)), expected_register(3, 1, 600, None));
    assert_eq!(reg.state(), RegState::Registering);

    // A provisional response and a stranger's final one change nothing.
    assert!(reg
        .handle(RegEvent::Response(answer("100 Trying", 1, 3, "")), &mut ids)
        .is_empty());
    assert!(reg
        .handle(RegEvent::Response(answer("200 OK", 7, 3, "")), &mut ids)
        .is_empty());

    // 2. 401 → the authorized REGISTER, CSeq 2, new branch, nc=1 with the fixed cnonce.
    let out = reg.handle(
        RegEvent::Response(answer("401 Unauthorized", 1, 3, CHALLENGE)),
        &mut ids,
    );
    let a1 = auth(1, "cn5", "814f995a8eef39fa2b476766f9e267ae");
    assert_eq!(text(&sent(&out)), expected_register(4, 2, 600, Some(&a1)));

    // 3. 200 OK granting 300 s on our Contact (the Expires header says otherwise: the Contact wins).
    let ok = answer(
        "200 OK",
        2,
        4,
        &format!("Contact: {CONTACT};expires=300\nExpires: 600\n"),
    );
    let out = reg.handle(RegEvent::Response(ok), &mut ids);
    let [RegAction::ArmRefresh { generation, ms }, RegAction::Notify(RegNotice::Registered { expires: 300 })] =
        out[..]
    else {
        panic!("{out:?}")
    };
    assert_eq!(ms, 295_000);
    assert_eq!(reg.state(), RegState::Registered);
    assert_eq!(reg.granted_expires(), 300);

    // A stale timer generation is ignored.
    assert!(reg
        .handle(RegEvent::RefreshTimer(generation - 1), &mut ids)
        .is_empty());

    // 4. The refresh: same Call-ID and tag, CSeq 3, the cached challenge answered with nc=2.
    let out = reg.handle(RegEvent::RefreshTimer(generation), &mut ids);
    let a2 = auth(2, "cn7", "632b30604915be723ed995ed2e77ee59");
    assert_eq!(text(&sent(&out)), expected_register(6, 3, 600, Some(&a2)));
    let out = reg.handle(
        RegEvent::Response(answer("200 OK", 3, 6, "Expires: 600\n")),
        &mut ids,
    );
    assert!(
        matches!(
            &out[..],
            [
                RegAction::ArmRefresh { ms: 595_000, .. },
                RegAction::Notify(RegNotice::Registered { expires: 600 })
            ]
        ),
        "{out:?}"
    );

    // 5. Un-REGISTER: expires 0 everywhere, CSeq 4, nc=3.
    let out = reg.handle(RegEvent::Unregister, &mut ids);
    let a3 = auth(3, "cn9", "8baebf27c78938cb7a73442796f2e351");
    assert_eq!(text(&sent(&out)), expected_register(8, 4, 0, Some(&a3)));
    assert_eq!(reg.state(), RegState::Unregistering);
    let out = reg.handle(RegEvent::Response(answer("200 OK", 4, 8, "")), &mut ids);
    assert_eq!(out, [RegAction::Notify(RegNotice::Unregistered)]);
    assert_eq!(reg.state(), RegState::Unregistered);
    assert_eq!(reg.granted_expires(), 0);
}

#[test]
fn interval_too_brief_retries_with_min_expires() {
    let mut ids = SeqIds::new("");
    let mut reg = Registration::new(config(), &mut ids);
    reg.handle(RegEvent::Register, &mut ids);
    let out = reg.handle(
        RegEvent::Response(answer(
            "423 Interval Too Brief",
            1,
            3,
            "Min-Expires: 1800\n",
        )),
        &mut ids,
    );
    assert_eq!(text(&sent(&out)), expected_register(4, 2, 1800, None));
    assert_eq!(reg.requested_expires(), 1800);
    let out = reg.handle(RegEvent::Response(answer("200 OK", 2, 4, "")), &mut ids);
    assert!(
        matches!(
            &out[..],
            [
                RegAction::ArmRefresh { ms: 1_795_000, .. },
                RegAction::Notify(RegNotice::Registered { expires: 1800 })
            ]
        ),
        "{out:?}"
    );
}

#[test]
fn interval_too_brief_without_a_larger_min_expires_fails() {
    let mut ids = SeqIds::new("");
    let mut reg = Registration::new(config(), &mut ids);
    reg.handle(RegEvent::Register, &mut ids);
    let out = reg.handle(
        RegEvent::Response(answer("423 Interval Too Brief", 1, 3, "Min-Expires: 60\n")),
        &mut ids,
    );
    assert_eq!(
        out,
        [RegAction::Notify(RegNotice::Failed {
            status: StatusCode::new(423),
            cause: RegFailure::IntervalTooBrief
        })]
    );
    assert_eq!(reg.state(), RegState::Unregistered);
}

#[test]
fn wrong_password_second_401_with_the_same_nonce_fails() {
    let mut ids = SeqIds::new("");
    let mut reg = Registration::new(config(), &mut ids);
    reg.handle(RegEvent::Register, &mut ids);
    let out = reg.handle(
        RegEvent::Response(answer("401 Unauthorized", 1, 3, CHALLENGE)),
        &mut ids,
    );
    assert_eq!(sent(&out).headers.authorization().count(), 1);
    let out = reg.handle(
        RegEvent::Response(answer("401 Unauthorized", 2, 4, CHALLENGE)),
        &mut ids,
    );
    assert_eq!(
        out,
        [RegAction::Notify(RegNotice::Failed {
            status: Some(StatusCode::UNAUTHORIZED),
            cause: RegFailure::AuthFailed
        })]
    );
    assert_eq!(reg.state(), RegState::Unregistered);
    // The next attempt starts without the refused challenge.
    let out = reg.handle(RegEvent::Register, &mut ids);
    assert_eq!(sent(&out).headers.authorization().count(), 0);
}

#[test]
fn a_stale_nonce_is_answered_again_and_a_new_nonce_resets_nc() {
    let mut ids = SeqIds::new("");
    let mut reg = Registration::new(config(), &mut ids);
    reg.handle(RegEvent::Register, &mut ids);
    reg.handle(
        RegEvent::Response(answer("401 Unauthorized", 1, 3, CHALLENGE)),
        &mut ids,
    );
    let stale = "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"def456\", qop=\"auth\", stale=true\n";
    let out = reg.handle(
        RegEvent::Response(answer("401 Unauthorized", 2, 4, stale)),
        &mut ids,
    );
    let req = sent(&out);
    let cred = req.headers.authorization().next().unwrap();
    assert_eq!(cred.unquoted("nonce").as_deref(), Some("def456"));
    assert_eq!(cred.param("nc"), Some("00000001"));
    assert_eq!(req.headers.cseq().unwrap().seq, 3);
}

#[test]
fn proxy_challenge_is_answered_with_proxy_authorization() {
    let mut ids = SeqIds::new("");
    let mut reg = Registration::new(config(), &mut ids);
    reg.handle(RegEvent::Register, &mut ids);
    let challenge = "Proxy-Authenticate: Digest realm=\"proxy\", nonce=\"p1\", algorithm=SHA-256, qop=\"auth\"\n";
    let out = reg.handle(
        RegEvent::Response(answer("407 Proxy Authentication Required", 1, 3, challenge)),
        &mut ids,
    );
    let req = sent(&out);
    assert_eq!(req.headers.authorization().count(), 0);
    let cred = req.headers.proxy_authorization().next().unwrap();
    assert_eq!(cred.param("algorithm"), Some("SHA-256"));
    assert_eq!(cred.param("response").unwrap().len(), 66);
}

#[test]
fn rejections_timeouts_and_unusable_challenges_are_reported() {
    let mut ids = SeqIds::new("");
    let mut reg = Registration::new(config(), &mut ids);
    reg.handle(RegEvent::Register, &mut ids);
    let out = reg.handle(
        RegEvent::Response(answer("403 Forbidden", 1, 3, "")),
        &mut ids,
    );
    assert_eq!(
        out,
        [RegAction::Notify(RegNotice::Failed {
            status: StatusCode::new(403),
            cause: RegFailure::Rejected
        })]
    );
    reg.handle(RegEvent::Register, &mut ids);
    let out = reg.handle(RegEvent::TransactionFailed, &mut ids);
    assert_eq!(
        out,
        [RegAction::Notify(RegNotice::Failed {
            status: None,
            cause: RegFailure::Timeout
        })]
    );
    reg.handle(RegEvent::Register, &mut ids);
    let basic = "WWW-Authenticate: Basic realm=\"x\"\n";
    let out = reg.handle(
        RegEvent::Response(answer("401 Unauthorized", 3, 6, basic)),
        &mut ids,
    );
    assert!(
        matches!(
            &out[..],
            [RegAction::Notify(RegNotice::Failed {
                cause: RegFailure::BadChallenge(_),
                ..
            })]
        ),
        "{out:?}"
    );
    // Nothing pending: a late answer is ignored.
    assert!(reg
        .handle(RegEvent::Response(answer("200 OK", 3, 6, "")), &mut ids)
        .is_empty());
}

#[test]
fn unregister_while_registering_waits_for_the_answer() {
    let mut ids = SeqIds::new("");
    let mut reg = Registration::new(config(), &mut ids);
    reg.handle(RegEvent::Register, &mut ids);
    assert!(reg.handle(RegEvent::Unregister, &mut ids).is_empty());
    let out = reg.handle(RegEvent::Response(answer("200 OK", 1, 3, "")), &mut ids);
    assert!(matches!(
        &out[1],
        RegAction::Notify(RegNotice::Registered { expires: 600 })
    ));
    let req = sent(&out);
    assert_eq!(req.headers.expires(), Some(0));
    assert_eq!(reg.state(), RegState::Unregistering);
    // Unregister when not registered does nothing.
    let mut other = Registration::new(config(), &mut ids);
    assert!(other.handle(RegEvent::Unregister, &mut ids).is_empty());
}

#[test]
fn refresh_delay() {
    assert_eq!(refresh_delay_ms(600, 5), 595_000);
    assert_eq!(refresh_delay_ms(8, 5), 4_000);
    assert_eq!(refresh_delay_ms(1, 5), 1_000);
}
