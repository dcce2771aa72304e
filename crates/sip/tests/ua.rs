//! The user agent driver, one flow per test: registration with a challenge, incoming and outgoing
//! calls, CANCEL, hang-up in every state, retransmissions, strays, transport loss, timers — the
//! REGISTER and the 200 to an INVITE byte for byte.

mod phone;

use ccc_sip::call::CallState;
use ccc_sip::ua::{
    job_id, CallRef, EndReason, TimerId, UaEvent, UaInput, UaOutput, KEEPALIVE_PING,
};
use ccc_sip::{Message, Request, Scheme, SipUri};
use phone::*;

const OFFER: &str = "v=0
o=- 1 1 IN IP4 192.0.2.10
s=-
c=IN IP4 192.0.2.10
t=0 0
m=audio 4000 RTP/AVP 0 101
a=sendrecv
";

const ANSWER: &str = "v=0\r\no=- 2 1 IN IP4 203.0.113.5\r\ns=-\r\nc=IN IP4 203.0.113.5\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\na=sendrecv\r\n";

const REGISTER_1: &str = "REGISTER sip:example.com SIP/2.0
Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKt3
Max-Forwards: 70
From: <sip:alice@example.com>;tag=ttag2
To: <sip:alice@example.com>
Call-ID: tcall1
CSeq: 1 REGISTER
Contact: <sip:k6p2v@df7jal23ls0d.invalid;transport=ws>;expires=600
Expires: 600
User-Agent: CCC-Workbench/0.1
Content-Length: 0

";

const CHALLENGE: &str =
    "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n1\", qop=\"auth\"";
const BOUND: &str = "Contact: <sip:k6p2v@df7jal23ls0d.invalid;transport=ws>;expires=300";

fn text_of(r: &Request) -> String {
    Message::from(r.clone()).to_string()
}

fn ended(call: u64, reason: EndReason) -> UaEvent {
    UaEvent::Ended {
        call: CallRef(call),
        reason,
    }
}

/// Registers `p` (401 then 200 for 300 s).
fn register(p: &mut Phone) {
    let reg = p.input(UaInput::Register).request("REGISTER");
    let again = p
        .msg(reply(&reg, 401, Some("r1"), &[CHALLENGE]))
        .request("REGISTER");
    let out = p.msg(reply(&again, 200, Some("r1"), &[BOUND]));
    assert_eq!(out.events(), [UaEvent::Registered { expires: 300 }]);
}

#[test]
fn register_with_a_challenge_then_refresh_then_unregister() {
    let mut p = Phone::alice();
    let out = p.input(UaInput::Register);
    assert_eq!(out.0[0], UaOutput::Send(wire(REGISTER_1)));
    assert_eq!(out.texts(), [REGISTER_1]);
    assert_eq!(out.timers(), [(TimerId(1), 32_000)]); // Timer F
    assert!(out.events().is_empty());
    assert!(!p.ua.is_registered());

    let out = p.msg(reply(
        &out.request("REGISTER"),
        401,
        Some("r1"),
        &[CHALLENGE],
    ));
    assert!(out.events().is_empty());
    let again = out.request("REGISTER");
    let t = text_of(&again);
    assert!(t.contains("branch=z9hG4bKt4\r\n"), "{t}");
    assert!(
        t.contains("\r\nCall-ID: tcall1\r\nCSeq: 2 REGISTER\r\n"),
        "{t}"
    );
    assert!(
        t.contains("\r\nAuthorization: Digest username=\"alice\", realm=\"example.com\", nonce=\"n1\", uri=\"sip:example.com\""),
        "{t}"
    );
    assert!(t.contains("nc=00000001"), "{t}");
    // The challenged transaction is over (Timer K is zero on a WebSocket), the new one runs.
    assert_eq!(p.ua.load().0, 1);

    let out = p.msg(reply(&again, 200, Some("r1"), &[BOUND]));
    assert_eq!(out.events(), [UaEvent::Registered { expires: 300 }]);
    assert_eq!(out.timers().len(), 1);
    assert_eq!(out.timers()[0].1, 295_000);
    assert!(p.ua.is_registered());
    assert_eq!(p.ua.load().0, 0);

    // The refresh: same Call-ID, next CSeq, the challenge answered ahead with the next nonce count.
    let out = p.fire_last(295_000);
    let refresh = out.request("REGISTER");
    let t = text_of(&refresh);
    assert!(
        t.contains("\r\nCall-ID: tcall1\r\nCSeq: 3 REGISTER\r\n"),
        "{t}"
    );
    assert!(t.contains("nc=00000002"), "{t}");
    assert!(p.ua.is_registered(), "still bound while refreshing");
    let out = p.msg(reply(&refresh, 200, Some("r1"), &[BOUND]));
    assert_eq!(out.events(), [UaEvent::Registered { expires: 300 }]);

    // Un-REGISTER: expires 0 both ways.
    let out = p.input(UaInput::Unregister);
    let un = out.request("REGISTER");
    let t = text_of(&un);
    assert!(t.contains(";expires=0\r\nExpires: 0\r\n"), "{t}");
    assert!(t.contains("CSeq: 4 REGISTER"), "{t}");
    let out = p.msg(reply(&un, 200, Some("r1"), &[]));
    assert_eq!(out.events(), [UaEvent::Unregistered]);
    assert!(!p.ua.is_registered());
    assert_eq!(p.ua.load().0, 0);
}

#[test]
fn registration_failures_are_reported() {
    // 403: rejected.
    let mut p = Phone::alice();
    let reg = p.input(UaInput::Register).request("REGISTER");
    let out = p.msg(reply(&reg, 403, Some("r"), &[]));
    assert_eq!(
        out.events(),
        [UaEvent::RegistrationFailed {
            status: Some(403),
            reason: "rejected".into()
        }]
    );
    // The same nonce challenged again: wrong password, no loop.
    let reg = p.input(UaInput::Register).request("REGISTER");
    let again = p
        .msg(reply(&reg, 401, Some("r"), &[CHALLENGE]))
        .request("REGISTER");
    let out = p.msg(reply(&again, 401, Some("r"), &[CHALLENGE]));
    assert!(out.sent().is_empty());
    assert_eq!(
        out.events(),
        [UaEvent::RegistrationFailed {
            status: Some(401),
            reason: "authentication failed".into()
        }]
    );
    // No answer at all: Timer F.
    let out = p.input(UaInput::Register);
    assert_eq!(out.timers().len(), 1);
    let out = p.fire(out.timers()[0].0);
    assert_eq!(
        out.events(),
        [UaEvent::RegistrationFailed {
            status: None,
            reason: "timeout".into()
        }]
    );
    // No transaction left (the Timer F of each earlier REGISTER is still armed, and stale).
    assert_eq!(p.ua.load(), (0, 0, 3));
}

#[test]
fn keepalive_pings_while_registered() {
    let mut c = config("alice", VIA_HOST);
    c.keepalive_ms = 25_000;
    let mut p = Phone::new(c, "t");
    let reg = p.input(UaInput::Register).request("REGISTER");
    let out = p.msg(reply(&reg, 200, Some("r"), &[BOUND]));
    let pings: Vec<_> = out.timers().into_iter().filter(|t| t.1 == 25_000).collect();
    assert_eq!(pings.len(), 1);
    let out = p.fire(pings[0].0);
    assert_eq!(out.0[0], UaOutput::Send(KEEPALIVE_PING.to_vec()));
    assert_eq!(out.timers().len(), 1, "re-armed");
    // The pong is read and ignored.
    assert!(p.frame(b"\r\n".to_vec()).is_empty());
    // A refresh does not start a second ping loop.
    let refresh = p.fire_last(295_000).request("REGISTER");
    let out = p.msg(reply(&refresh, 200, Some("r"), &[BOUND]));
    assert!(out.timers().iter().all(|t| t.1 != 25_000));
    // Unregistered: the armed ping does nothing.
    let un = p.input(UaInput::Unregister).request("REGISTER");
    p.msg(reply(&un, 200, Some("r"), &[]));
    assert!(p.fire_last(25_000).is_empty());
}

fn invite_text(branch: &str, extra: &str) -> String {
    format!(
        "INVITE sip:k6p2v@df7jal23ls0d.invalid;transport=ws SIP/2.0
Via: SIP/2.0/WSS proxy.example.com;branch={branch}
Record-Route: <sip:proxy.example.com;transport=ws;lr>
Max-Forwards: 69
From: \"Customer\" <sip:%2B15551234@example.com>;tag=1928301774
To: <sip:alice@example.com>
Call-ID: a84b4c76e66710
CSeq: 314159 INVITE
Contact: <sip:+15551234@192.0.2.10:5060>
{extra}Content-Type: application/sdp
Content-Length: {{len}}

{OFFER}"
    )
}

const INVITE_BRANCH: &str = "z9hG4bKnashds8";

/// A request of the caller in the dialog (To tag `tag`).
fn in_dialog(method: &str, seq: u32, tag: &str, extra: &str, body: &str) -> String {
    format!(
        "{method} sip:k6p2v@df7jal23ls0d.invalid;transport=ws SIP/2.0
Via: SIP/2.0/WSS proxy.example.com;branch=z9hG4bK{method}{seq}
Max-Forwards: 69
From: \"Customer\" <sip:%2B15551234@example.com>;tag=1928301774
To: <sip:alice@example.com>;tag={tag}
Call-ID: a84b4c76e66710
CSeq: {seq} {method}
{extra}Content-Length: {{len}}

{body}"
    )
}

/// The ACK for the 487 (or another non-2xx) to the INVITE: its branch, our tag.
fn ack_non_2xx(tag: &str) -> String {
    format!(
        "ACK sip:k6p2v@df7jal23ls0d.invalid;transport=ws SIP/2.0
Via: SIP/2.0/WSS proxy.example.com;branch={INVITE_BRANCH}
Max-Forwards: 69
From: \"Customer\" <sip:%2B15551234@example.com>;tag=1928301774
To: <sip:alice@example.com>;tag={tag}
Call-ID: a84b4c76e66710
CSeq: 314159 ACK
Content-Length: 0

"
    )
}

/// An incoming call ringing on a fresh phone; returns our To tag.
fn ringing(p: &mut Phone) -> String {
    let out = p.text(&invite_text(INVITE_BRANCH, ""));
    assert_eq!(out.summary(), ["100 INVITE", "180 INVITE"]);
    let tag = out
        .response(180)
        .headers
        .to()
        .unwrap()
        .tag()
        .unwrap()
        .to_owned();
    tag
}

const OK_TO_INVITE: &str = "SIP/2.0 200 OK
Via: SIP/2.0/WSS proxy.example.com;branch=z9hG4bKnashds8
From: \"Customer\" <sip:%2B15551234@example.com>;tag=1928301774
To: <sip:alice@example.com>;tag=ttag1
Call-ID: a84b4c76e66710
CSeq: 314159 INVITE
Record-Route: <sip:proxy.example.com;transport=ws;lr>
Contact: <sip:k6p2v@df7jal23ls0d.invalid;transport=ws>
Content-Type: application/sdp
Content-Length: 103

";

#[test]
fn incoming_call_answered_confirmed_and_ended_by_the_caller() {
    let mut p = Phone::alice();
    let out = p.text(&invite_text(
        INVITE_BRANCH,
        "Call-Info: <sip:example.com>;answer-after=0\nX-CCC-JobId: job-42\nSubject: hi\n",
    ));
    assert_eq!(out.summary(), ["100 INVITE", "180 INVITE"]);
    let UaEvent::Incoming {
        call,
        from_user,
        from_display,
        to_user,
        sdp,
        auto_answer,
        headers,
    } = &out.events()[0]
    else {
        panic!("{:?}", out.events())
    };
    assert_eq!(*call, CallRef(1));
    assert_eq!(from_user, "+15551234");
    assert_eq!(from_display.as_deref(), Some("Customer"));
    assert_eq!(to_user, "alice");
    assert_eq!(sdp.as_deref(), Some(OFFER.replace('\n', "\r\n").as_str()));
    assert!(*auto_answer);
    assert_eq!(headers, &[("X-CCC-JobId".to_owned(), "job-42".to_owned())]);
    assert_eq!(job_id(headers), Some("job-42"));
    assert_eq!(out.events().len(), 1);
    assert_eq!(
        p.ua.calls().collect::<Vec<_>>(),
        [(CallRef(1), CallState::Incoming)]
    );

    let out = p.input(UaInput::Answer {
        call: CallRef(1),
        sdp: ANSWER.into(),
    });
    let golden = format!("{OK_TO_INVITE}{}", ANSWER.replace("\r\n", "\n"));
    assert_eq!(out.0[0], UaOutput::Send(wire(&golden)));
    assert_eq!(out.texts(), [golden]);
    assert_eq!(
        out.timers().iter().map(|t| t.1).collect::<Vec<_>>(),
        [32_000]
    ); // the ACK wait
    assert!(out.events().is_empty());

    let ack = in_dialog("ACK", 314159, "ttag1", "", "");
    let out = p.text(&ack);
    assert!(out.sent().is_empty());
    assert_eq!(out.events(), [UaEvent::Confirmed { call: CallRef(1) }]);
    // The ACK wait firing now does nothing.
    assert!(p.fire_last(32_000).is_empty());

    let out = p.text(&in_dialog("BYE", 314160, "ttag1", "", ""));
    assert_eq!(out.summary(), ["200 BYE"]);
    assert_eq!(out.events(), [ended(1, EndReason::Remote)]);
    assert_eq!(p.ua.calls().count(), 0);
    assert_eq!(p.ua.load().0 + p.ua.load().1, 0);
    // A BYE again: the call is gone, 481.
    let out = p.text(&in_dialog("BYE", 314161, "ttag1", "", ""));
    assert_eq!(out.summary(), ["481 BYE"]);
    assert!(out.events().is_empty());
}

#[test]
fn cancel_while_ringing() {
    let mut p = Phone::alice();
    let tag = ringing(&mut p);
    let cancel = format!(
        "CANCEL sip:k6p2v@df7jal23ls0d.invalid;transport=ws SIP/2.0
Via: SIP/2.0/WSS proxy.example.com;branch={INVITE_BRANCH}
Max-Forwards: 69
From: \"Customer\" <sip:%2B15551234@example.com>;tag=1928301774
To: <sip:alice@example.com>
Call-ID: a84b4c76e66710
CSeq: 314159 CANCEL
Content-Length: 0

"
    );
    let out = p.text(&cancel);
    assert_eq!(out.summary(), ["200 CANCEL", "487 INVITE"]);
    assert_eq!(
        out.response(487).headers.to().unwrap().tag(),
        Some(tag.as_str())
    );
    assert_eq!(out.events(), [ended(1, EndReason::Cancelled)]);
    // The INVITE transaction waits for the ACK of its 487, which it absorbs.
    assert_eq!(p.ua.load().1, 1);
    let out = p.text(&ack_non_2xx(&tag));
    assert!(out.is_empty(), "{out:?}");
    assert_eq!(p.ua.load().1, 0);
    // The CANCEL again: nobody's now.
    let out = p.text(&cancel);
    assert_eq!(out.summary(), ["481 CANCEL"]);
}

#[test]
fn a_retransmitted_invite_is_absorbed() {
    let mut p = Phone::alice();
    ringing(&mut p);
    // While ringing: its server transaction sends the last response again, nobody else hears of it.
    let out = p.text(&invite_text(INVITE_BRANCH, ""));
    assert_eq!(out.summary(), ["180 INVITE"]);
    assert!(out.events().is_empty());
    assert_eq!(p.ua.calls().count(), 1);
    // After the 2xx ended that transaction: not a new call either.
    p.input(UaInput::Answer {
        call: CallRef(1),
        sdp: ANSWER.into(),
    });
    let out = p.text(&invite_text(INVITE_BRANCH, ""));
    assert!(out.events().is_empty(), "{out:?}");
    assert!(out.summary().iter().all(|s| s == "100 INVITE"), "{out:?}");
    assert_eq!(p.ua.calls().count(), 1);
    assert_eq!(p.ua.load().1, 0);
    // The same Call-ID and From tag on another branch: a merged request, 482.
    let out = p.text(&invite_text("z9hG4bKother", ""));
    assert_eq!(out.summary(), ["100 INVITE", "482 INVITE"]);
    assert!(out.events().is_empty());
}

#[test]
fn reject_and_hangup_while_ringing() {
    for (input, status) in [
        (
            UaInput::Reject {
                call: CallRef(1),
                status: 486,
            },
            486,
        ),
        (
            UaInput::Reject {
                call: CallRef(1),
                status: 42,
            },
            486,
        ),
        (
            UaInput::Reject {
                call: CallRef(1),
                status: 603,
            },
            603,
        ),
        (UaInput::Hangup { call: CallRef(1) }, 603),
    ] {
        let mut p = Phone::alice();
        let tag = ringing(&mut p);
        let out = p.input(input.clone());
        assert_eq!(out.summary(), [format!("{status} INVITE")], "{input:?}");
        assert_eq!(out.events(), [ended(1, EndReason::Rejected { status })]);
        assert!(p.text(&ack_non_2xx(&tag)).is_empty());
        assert_eq!(p.ua.load().1, 0);
        // Inputs for the ended call do nothing.
        assert!(p.input(input).is_empty());
    }
}

#[test]
fn callee_hangs_up_while_the_ack_is_awaited_and_when_up() {
    let mut p = Phone::alice();
    let tag = ringing(&mut p);
    p.input(UaInput::Answer {
        call: CallRef(1),
        sdp: ANSWER.into(),
    });
    // No BYE before the ACK (§15).
    assert!(p.input(UaInput::Hangup { call: CallRef(1) }).is_empty());
    let out = p.text(&in_dialog("ACK", 314159, &tag, "", ""));
    assert_eq!(out.events(), [UaEvent::Confirmed { call: CallRef(1) }]);
    let bye = out.request("BYE");
    let out = p.msg(reply(&bye, 200, None, &[]));
    assert_eq!(out.events(), [ended(1, EndReason::Local)]);

    // Up, then our hang-up.
    let mut p = Phone::alice();
    let tag = ringing(&mut p);
    p.input(UaInput::Answer {
        call: CallRef(1),
        sdp: ANSWER.into(),
    });
    p.text(&in_dialog("ACK", 314159, &tag, "", ""));
    let bye = p.input(UaInput::Hangup { call: CallRef(1) }).request("BYE");
    let t = text_of(&bye);
    assert!(
        t.starts_with("BYE sip:+15551234@192.0.2.10:5060 SIP/2.0\r\n"),
        "{t}"
    );
    assert!(
        t.contains("\r\nRoute: <sip:proxy.example.com;transport=ws;lr>\r\n"),
        "{t}"
    );
    assert!(t.contains("\r\nCSeq: 1 BYE\r\n"), "{t}");
    let out = p.msg(reply(&bye, 200, None, &[]));
    assert_eq!(out.events(), [ended(1, EndReason::Local)]);
    assert_eq!(p.ua.load(), (0, 0, p.ua.load().2));

    // The ACK never comes: BYE after 64·T1, NoAck.
    let mut p = Phone::alice();
    ringing(&mut p);
    p.input(UaInput::Answer {
        call: CallRef(1),
        sdp: ANSWER.into(),
    });
    let bye = p.fire_last(32_000).request("BYE");
    let out = p.msg(reply(&bye, 200, None, &[]));
    assert_eq!(out.events(), [ended(1, EndReason::NoAck)]);
}

#[test]
fn reinvite_for_hold_answered_and_one_left_open_by_a_bye() {
    let mut p = Phone::alice();
    let tag = ringing(&mut p);
    p.input(UaInput::Answer {
        call: CallRef(1),
        sdp: ANSWER.into(),
    });
    p.text(&in_dialog("ACK", 314159, &tag, "", ""));
    let hold = OFFER.replace("a=sendrecv", "a=sendonly");
    let reinvite = in_dialog(
        "INVITE",
        314160,
        &tag,
        "Contact: <sip:+15551234@192.0.2.10:5060>\nContent-Type: application/sdp\n",
        &hold,
    );
    let out = p.text(&reinvite);
    assert_eq!(out.summary(), ["100 INVITE"]);
    assert_eq!(
        out.events(),
        [UaEvent::Reinvite {
            call: CallRef(1),
            sdp: Some(hold.replace('\n', "\r\n")),
            hold: true
        }]
    );
    let out = p.input(UaInput::AnswerReinvite {
        call: CallRef(1),
        sdp: ANSWER.replace("sendrecv", "recvonly"),
    });
    let ok = out.response(200);
    assert_eq!(ok.headers.cseq().unwrap().seq, 314160);
    assert!(String::from_utf8_lossy(&ok.body).contains("a=recvonly"));
    assert_eq!(p.ua.call(CallRef(1)).unwrap().state(), CallState::Confirmed);

    // Another re-INVITE, then a BYE before we answer it: the BYE is answered, the re-INVITE 487.
    p.text(&in_dialog("ACK", 314160, &tag, "", ""));
    let out = p.text(&in_dialog(
        "INVITE",
        314161,
        &tag,
        "Content-Type: application/sdp\n",
        OFFER,
    ));
    assert_eq!(out.events().len(), 1);
    let out = p.text(&in_dialog("BYE", 314162, &tag, "", ""));
    assert_eq!(out.summary(), ["200 BYE", "487 INVITE"]);
    assert_eq!(out.events(), [ended(1, EndReason::Remote)]);
    assert!(p
        .input(UaInput::AnswerReinvite {
            call: CallRef(1),
            sdp: ANSWER.into()
        })
        .is_empty());
}

fn bob() -> SipUri {
    SipUri::new(Scheme::Sip, "example.com").with_user("bob")
}

fn call_bob(p: &mut Phone) -> Request {
    let out = p.input(UaInput::Call {
        target: bob(),
        sdp: ANSWER.into(),
        extra_headers: vec![],
    });
    out.request("INVITE")
}

const BOB_CONTACT: &str = "Contact: <sip:bob@192.0.2.20;transport=ws>";

#[test]
fn outgoing_call_with_a_407_then_ringing_then_answered() {
    let mut p = Phone::alice();
    let out = p.input(UaInput::Call {
        target: bob(),
        sdp: ANSWER.into(),
        extra_headers: vec![
            ("X-CCC-JobId".into(), "job-9".into()),
            ("Via".into(), "SIP/2.0/WSS evil.example.com".into()),
            ("X-Bad".into(), "a\r\nInjected: 1".into()),
            ("Bad Name".into(), "x".into()),
        ],
    });
    assert!(out.events().is_empty());
    assert_eq!(p.ua.newest_call(), Some(CallRef(1)));
    let invite = out.request("INVITE");
    let t = text_of(&invite);
    assert!(
        t.starts_with(
            "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/WSS df7jal23ls0d.invalid;branch="
        ),
        "{t}"
    );
    assert!(t.contains("\r\nUser-Agent: CCC-Workbench/0.1\r\nX-CCC-JobId: job-9\r\nContent-Type: application/sdp\r\n"), "{t}");
    assert!(
        !t.contains("evil") && !t.contains("Injected") && !t.contains("Bad"),
        "{t}"
    );
    assert_eq!(
        out.timers().iter().map(|t| t.1).collect::<Vec<_>>(),
        [32_000]
    ); // Timer B
    assert_eq!(
        p.ua.calls().collect::<Vec<_>>(),
        [(CallRef(1), CallState::Calling)]
    );

    let out = p.msg(reply(
        &invite,
        407,
        Some("p1"),
        &["Proxy-Authenticate: Digest realm=\"example.com\", nonce=\"n7\", qop=\"auth\""],
    ));
    // The ACK of the 407 (same branch), then the INVITE with credentials.
    assert_eq!(out.summary(), ["ACK", "INVITE"]);
    assert_eq!(
        out.request("ACK").headers.top_via().unwrap().branch(),
        invite.headers.top_via().unwrap().branch()
    );
    let again = out.request("INVITE");
    let t = text_of(&again);
    assert!(t.contains("\r\nCSeq: 2 INVITE\r\n"), "{t}");
    assert!(
        t.contains("\r\nX-CCC-JobId: job-9\r\nProxy-Authorization: Digest username=\"alice\""),
        "{t}"
    );
    assert!(out.events().is_empty());

    let out = p.msg(reply(&again, 180, Some("b1"), &[BOB_CONTACT]));
    assert!(out.sent().is_empty());
    assert_eq!(
        out.events(),
        [UaEvent::Ringing {
            call: CallRef(1),
            sdp: None
        }]
    );

    let out = p.msg(reply_sdp(&again, 200, "b1", &[BOB_CONTACT], OFFER));
    let ack = out.request("ACK");
    let t = text_of(&ack);
    assert!(
        t.starts_with("ACK sip:bob@192.0.2.20;transport=ws SIP/2.0\r\n"),
        "{t}"
    );
    assert!(t.contains("\r\nCSeq: 2 ACK\r\n"), "{t}");
    assert_eq!(
        out.events(),
        [UaEvent::Answered {
            call: CallRef(1),
            sdp: Some(OFFER.into())
        }]
    );
    assert_eq!(
        p.ua.calls().collect::<Vec<_>>(),
        [(CallRef(1), CallState::Confirmed)]
    );
    // The 2xx again (its transaction is gone): ACKed again by the dialog, nothing told.
    let out = p.msg(reply_sdp(&again, 200, "b1", &[BOB_CONTACT], OFFER));
    assert_eq!(out.summary(), ["ACK"]);
    assert!(out.events().is_empty());
    assert_eq!(p.ua.load().0, 0);
}

#[test]
fn early_media_is_reported_with_ringing() {
    let mut p = Phone::alice();
    let invite = call_bob(&mut p);
    // A 100 tells nothing; a 183 with SDP is early media.
    assert!(p.msg(reply(&invite, 100, None, &[])).is_empty());
    let out = p.msg(reply_sdp(&invite, 183, "b1", &[BOB_CONTACT], OFFER));
    assert_eq!(
        out.events(),
        [UaEvent::Ringing {
            call: CallRef(1),
            sdp: Some(OFFER.into())
        }]
    );
    let out = p.msg(reply_sdp(&invite, 200, "b1", &[BOB_CONTACT], OFFER));
    assert_eq!(out.summary(), ["ACK"]);
    assert_eq!(
        out.events(),
        [UaEvent::Answered {
            call: CallRef(1),
            sdp: Some(OFFER.into())
        }]
    );
}

#[test]
fn caller_hangs_up_in_each_state() {
    // Before any provisional response: the CANCEL waits for one (§9.1).
    let mut p = Phone::alice();
    let invite = call_bob(&mut p);
    assert!(p.input(UaInput::Hangup { call: CallRef(1) }).is_empty());
    assert_eq!(
        p.ua.calls().next(),
        Some((CallRef(1), CallState::Cancelling))
    );
    let out = p.msg(reply(&invite, 100, None, &[]));
    let cancel = out.request("CANCEL");
    assert_eq!(
        cancel.headers.top_via().unwrap().branch(),
        invite.headers.top_via().unwrap().branch()
    );
    assert!(p.msg(reply(&cancel, 200, Some("b1"), &[])).is_empty());
    let out = p.msg(reply(&invite, 487, Some("b1"), &[]));
    assert_eq!(out.summary(), ["ACK"]);
    assert_eq!(out.events(), [ended(1, EndReason::Cancelled)]);

    // Ringing: CANCEL at once.
    let mut p = Phone::alice();
    let invite = call_bob(&mut p);
    p.msg(reply(&invite, 180, Some("b1"), &[BOB_CONTACT]));
    let out = p.input(UaInput::Hangup { call: CallRef(1) });
    let cancel = out.request("CANCEL");
    assert!(out.events().is_empty());
    // The 487 may come before the 200 to the CANCEL.
    let out = p.msg(reply(&invite, 487, Some("b1"), &[]));
    assert_eq!(out.events(), [ended(1, EndReason::Cancelled)]);
    assert!(p.msg(reply(&cancel, 200, Some("b1"), &[])).is_empty());
    assert_eq!(p.ua.load().0, 0);

    // A 200 crossing the CANCEL: ACK and BYE.
    let mut p = Phone::alice();
    let invite = call_bob(&mut p);
    p.msg(reply(&invite, 180, Some("b1"), &[BOB_CONTACT]));
    p.input(UaInput::Hangup { call: CallRef(1) });
    let out = p.msg(reply_sdp(&invite, 200, "b1", &[BOB_CONTACT], OFFER));
    assert_eq!(out.summary(), ["ACK", "BYE"]);
    assert!(out.events().is_empty());
    let out = p.msg(reply(&out.request("BYE"), 200, Some("b1"), &[]));
    assert_eq!(out.events(), [ended(1, EndReason::Local)]);

    // Up: BYE.
    let mut p = Phone::alice();
    let invite = call_bob(&mut p);
    p.msg(reply_sdp(&invite, 200, "b1", &[BOB_CONTACT], OFFER));
    let bye = p.input(UaInput::Hangup { call: CallRef(1) }).request("BYE");
    assert_eq!(
        p.ua.calls().next(),
        Some((CallRef(1), CallState::Terminating))
    );
    let out = p.msg(reply(&bye, 200, Some("b1"), &[]));
    assert_eq!(out.events(), [ended(1, EndReason::Local)]);
    assert!(p.input(UaInput::Hangup { call: CallRef(1) }).is_empty());
}

#[test]
fn outgoing_call_refused_or_unanswered() {
    let mut p = Phone::alice();
    let invite = call_bob(&mut p);
    let out = p.msg(reply(&invite, 486, Some("b1"), &[]));
    assert_eq!(out.summary(), ["ACK"]);
    assert_eq!(
        out.events(),
        [ended(1, EndReason::Rejected { status: 486 })]
    );

    let mut p = Phone::alice();
    call_bob(&mut p);
    let out = p.fire_last(32_000); // Timer B
    assert!(out.sent().is_empty());
    assert_eq!(out.events(), [ended(1, EndReason::Failed { status: None })]);
    assert_eq!(p.ua.load(), (0, 0, 0));

    // Our BYE unanswered: the call ends anyway (Timer F).
    let mut p = Phone::alice();
    let invite = call_bob(&mut p);
    p.msg(reply_sdp(&invite, 200, "b1", &[BOB_CONTACT], OFFER));
    p.input(UaInput::Hangup { call: CallRef(1) });
    let out = p.fire_last(32_000);
    assert_eq!(out.events(), [ended(1, EndReason::Local)]);
}

#[test]
fn dtmf_by_info_both_ways() {
    let mut p = Phone::alice();
    let invite = call_bob(&mut p);
    p.msg(reply_sdp(&invite, 200, "b1", &[BOB_CONTACT], OFFER));
    let out = p.input(UaInput::Dtmf {
        call: CallRef(1),
        digit: 'a',
        duration_ms: 160,
    });
    let info = out.request("INFO");
    assert_eq!(info.body, b"Signal=A\r\nDuration=160");
    assert!(p.msg(reply(&info, 200, Some("b1"), &[])).is_empty());
    for bad in ['x', ' ', 'E'] {
        let out = p.input(UaInput::Dtmf {
            call: CallRef(1),
            digit: bad,
            duration_ms: 100,
        });
        assert!(out.is_empty(), "{bad:?}");
    }
    // The far end's INFO.
    let from_bob = format!(
        "INFO sip:k6p2v@df7jal23ls0d.invalid;transport=ws SIP/2.0
Via: SIP/2.0/WSS 192.0.2.20;branch=z9hG4bKinfo1
Max-Forwards: 70
From: <sip:bob@example.com>;tag=b1
To: <sip:alice@example.com>;tag={}
Call-ID: {}
CSeq: 5 INFO
Content-Type: application/dtmf-relay
Content-Length: {{len}}

Signal=#
Duration=100",
        invite.headers.from().unwrap().tag().unwrap(),
        invite.headers.call_id().unwrap()
    );
    let out = p.text(&from_bob);
    assert_eq!(out.summary(), ["200 INFO"]);
    assert_eq!(
        out.events(),
        [UaEvent::Dtmf {
            call: CallRef(1),
            digit: '#'
        }]
    );
}

#[test]
fn requests_that_belong_to_nobody() {
    fn request(method: &str, to_tag: &str, extra: &str) -> String {
        format!(
            "{method} sip:k6p2v@df7jal23ls0d.invalid;transport=ws SIP/2.0
Via: SIP/2.0/WSS proxy.example.com;branch=z9hG4bKs{method}{}
Max-Forwards: 70
From: <sip:carol@example.com>;tag=c1
To: <sip:alice@example.com>{to_tag}
Call-ID: stray-1
CSeq: 9 {method}
{extra}Content-Length: 0

",
            to_tag.len()
        )
    }
    let table: [(&str, &str, &str, &[&str]); 13] = [
        ("BYE", ";tag=nope", "481", &[]),
        ("BYE", "", "481", &[]),
        ("INFO", ";tag=nope", "481", &[]),
        ("UPDATE", "", "481", &[]),
        ("CANCEL", "", "481", &[]),
        (
            "OPTIONS",
            "",
            "200",
            &[
                "Allow: INVITE, ACK, CANCEL, BYE, INFO, OPTIONS",
                "Accept: application/sdp",
            ],
        ),
        ("OPTIONS", ";tag=nope", "481", &[]),
        (
            "MESSAGE",
            "",
            "405",
            &["Allow: INVITE, ACK, CANCEL, BYE, INFO, OPTIONS"],
        ),
        (
            "NOTIFY",
            "",
            "405",
            &["Allow: INVITE, ACK, CANCEL, BYE, INFO, OPTIONS"],
        ),
        (
            "REGISTER",
            "",
            "405",
            &["Allow: INVITE, ACK, CANCEL, BYE, INFO, OPTIONS"],
        ),
        ("FOO", "", "501", &[]),
        ("INVITE", ";tag=nope", "481", &[]),
        // A new INVITE that cannot make a dialog (no Contact): 400, and no call.
        ("INVITE", "", "400", &[]),
    ];
    let mut p = Phone::alice();
    register(&mut p);
    let (_, _, timers) = p.ua.load();
    for (method, to_tag, code, lines) in table {
        let out = p.text(&request(method, to_tag, ""));
        let resps: Vec<_> = out
            .texts()
            .into_iter()
            .filter(|t| !t.starts_with("SIP/2.0 100"))
            .collect();
        assert_eq!(resps.len(), 1, "{method}{to_tag}: {resps:?}");
        let t = &resps[0];
        assert!(
            t.starts_with(&format!("SIP/2.0 {code} ")),
            "{method}{to_tag}: {t}"
        );
        assert!(t.contains(&format!("\nCSeq: 9 {method}\n")), "{t}");
        // A To tag is always there (added when the request had none).
        assert!(t.contains("\nTo: <sip:alice@example.com>;tag="), "{t}");
        for line in lines {
            assert!(
                t.contains(&format!("\n{line}\n")),
                "{method}: {line} in {t}"
            );
        }
        assert!(out.events().is_empty());
        // Nothing is kept (except an INVITE transaction awaiting the ACK of its final response).
        if method != "INVITE" {
            assert_eq!(p.ua.load(), (0, 0, timers), "{method}");
        }
    }
    // An ACK nobody waits for, garbage, a keep-alive, a stray response, a request without
    // Max-Forwards or without an RFC 3261 branch: nothing at all.
    let silent = [
        wire(&request("ACK", ";tag=nope", "")),
        b"\r\n\r\n".to_vec(),
        b"hello".to_vec(),
        Vec::new(),
        wire("SIP/2.0 200 OK\nVia: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKzz\nFrom: <sip:a@b>;tag=1\nTo: <sip:a@b>\nCall-ID: x\nCSeq: 1 INVITE\nContent-Length: 0\n\n"),
        wire(&request("OPTIONS", "", "").replace("Max-Forwards: 70\n", "")),
        wire(&request("OPTIONS", "", "").replace("z9hG4bKsOPTIONS0", "1234")),
    ];
    for frame in silent {
        let out = p.frame(frame.clone());
        assert!(
            out.is_empty(),
            "{}: {out:?}",
            String::from_utf8_lossy(&frame)
        );
    }
    assert_eq!(p.ua.calls().count(), 0);
    assert_eq!(p.ua.newest_call(), None);
    assert!(p.ua.is_registered());
}

#[test]
fn transport_down_ends_everything() {
    let mut p = Phone::alice();
    register(&mut p);
    // Call 1 rings here, call 2 is ours and up, call 3 ours and still calling.
    let out = p.text(&invite_text(INVITE_BRANCH, ""));
    assert_eq!(out.events().len(), 1);
    let invite = call_bob(&mut p);
    p.msg(reply_sdp(&invite, 200, "b1", &[BOB_CONTACT], OFFER));
    call_bob(&mut p);
    assert_eq!(p.ua.calls().count(), 3);

    let out = p.input(UaInput::TransportDown);
    assert!(out.sent().is_empty() && out.timers().is_empty());
    let mut events = out.events();
    let reg = events.pop();
    events.sort_by_key(|e| match e {
        UaEvent::Ended { call, .. } => call.0,
        _ => 0,
    });
    assert_eq!(
        events,
        [
            ended(1, EndReason::Transport),
            ended(2, EndReason::Transport),
            ended(3, EndReason::Transport)
        ]
    );
    assert_eq!(
        reg,
        Some(UaEvent::RegistrationFailed {
            status: None,
            reason: "transport down".into()
        })
    );
    assert!(!p.ua.is_registered());
    assert_eq!(p.ua.calls().count(), 0);
    assert_eq!(p.ua.load(), (0, 0, 0));
    // Every timer armed before is stale now.
    for (id, _) in p.armed.clone() {
        assert!(p.fire(id).is_empty());
    }
    // Nothing to do for the calls that were.
    assert!(p.input(UaInput::Hangup { call: CallRef(2) }).is_empty());
    // Down again: nothing more to say.
    assert!(p.input(UaInput::TransportDown).is_empty());
    // And the agent registers again, on a new Call-ID.
    let reg = p.input(UaInput::Register).request("REGISTER");
    assert_ne!(reg.headers.call_id(), Some("tcall1"));
}

#[test]
fn stale_and_unknown_timers_are_harmless() {
    let mut p = Phone::alice();
    register(&mut p);
    // A full call each way.
    let tag = ringing(&mut p);
    p.input(UaInput::Answer {
        call: CallRef(1),
        sdp: ANSWER.into(),
    });
    p.text(&in_dialog("ACK", 314159, &tag, "", ""));
    p.text(&in_dialog("BYE", 314160, &tag, "", ""));
    let invite = call_bob(&mut p);
    p.msg(reply(&invite, 180, Some("b1"), &[BOB_CONTACT]));
    p.msg(reply_sdp(&invite, 200, "b1", &[BOB_CONTACT], OFFER));
    let bye = p.input(UaInput::Hangup { call: CallRef(2) }).request("BYE");
    p.msg(reply(&bye, 200, Some("b1"), &[]));
    let un = p.input(UaInput::Unregister).request("REGISTER");
    p.msg(reply(&un, 200, Some("r1"), &[]));
    assert_eq!(p.ua.load().0 + p.ua.load().1, 0);
    // Every timer ever armed, twice, and ids never handed out: nothing.
    let armed = p.armed.clone();
    assert!(armed.len() >= 6, "{armed:?}");
    for round in 0..2 {
        for (id, _) in &armed {
            let out = p.fire(*id);
            assert!(out.is_empty(), "round {round}, {id:?}: {out:?}");
        }
    }
    for id in [0, 999, u64::MAX] {
        assert!(p.fire(TimerId(id)).is_empty());
    }
    assert_eq!(p.ua.load(), (0, 0, 0));
}

#[test]
fn end_reasons_read_as_stable_texts() {
    use ccc_sip::ua::EndReason;
    assert_eq!(EndReason::Remote.text(), "Remote");
    assert_eq!(EndReason::Local.text(), "Local");
    assert_eq!(EndReason::Cancelled.text(), "Cancelled");
    assert_eq!(EndReason::Rejected { status: 486 }.text(), "Rejected 486");
    assert_eq!(EndReason::Failed { status: Some(408) }.text(), "Failed 408");
    assert_eq!(EndReason::Failed { status: None }.text(), "Failed");
    assert_eq!(EndReason::NoAck.text(), "NoAck");
    assert_eq!(EndReason::DialogLost.text(), "DialogLost");
    assert_eq!(EndReason::Transport.text(), "Transport");
}
