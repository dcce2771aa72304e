//! The call machine against hand-written messages: the callee flow (INVITE → 180 → 200 → ACK → BYE),
//! CANCEL while ringing, the caller flow with a 407 challenge, DTMF by INFO, re-INVITE for hold,
//! OPTIONS in the dialog — the generated messages byte for byte.

mod common;

use ccc_sip::call::{
    parse_dtmf_relay, Call, CallAction, CallConfig, CallEvent, CallNotice, CallState, CallTimer,
    EndReason,
};
use ccc_sip::ids::SeqIds;
use ccc_sip::{Message, Request, Response, Scheme, SipUri, StatusCode};
use common::wire;

fn config() -> CallConfig {
    CallConfig::new(
        SipUri::new(Scheme::Sip, "example.com").with_user("alice"),
        SipUri::new(Scheme::Sip, "df7jal23ls0d.invalid")
            .with_user("k6p2v")
            .with_param("transport", Some("ws")),
        "df7jal23ls0d.invalid",
    )
    .with_credentials("alice", "secret")
}

fn request(text: &str) -> Request {
    match Message::parse(&wire(text)).unwrap_or_else(|e| panic!("{e}\n{text}")) {
        Message::Request(r) => r,
        m => panic!("{m}"),
    }
}

fn response(text: &str) -> Response {
    match Message::parse(&wire(text)).unwrap_or_else(|e| panic!("{e}\n{text}")) {
        Message::Response(r) => r,
        m => panic!("{m}"),
    }
}

fn show(a: &CallAction) -> String {
    match a {
        CallAction::Send { request, branch } => {
            assert_eq!(
                request.headers.top_via().unwrap().branch(),
                Some(branch.as_str())
            );
            format!("SEND\n{}", Message::from(request.clone()))
        }
        CallAction::SendAck(r) => format!("ACK\n{}", Message::from(r.clone())),
        CallAction::Respond(r) => format!("RESPOND\n{}", Message::from(r.clone())),
        other => format!("{other:?}\n"),
    }
}

fn dump(out: &[CallAction]) -> String {
    out.iter().map(show).collect::<Vec<_>>().join("")
}

/// Prints the actions as text (CRLF → `\n`) for comparison with the expected flow.
fn text(out: &[CallAction]) -> String {
    dump(out).replace("\r\n", "\n")
}

const OFFER: &str = "v=0
o=- 1 1 IN IP4 192.0.2.10
s=-
c=IN IP4 192.0.2.10
t=0 0
m=audio 4000 RTP/AVP 0 101
a=sendrecv
";

fn incoming_invite() -> Request {
    request(&format!(
        "INVITE sip:k6p2v@df7jal23ls0d.invalid;transport=ws SIP/2.0
Via: SIP/2.0/WSS proxy.example.com;branch=z9hG4bKnashds8
Record-Route: <sip:proxy.example.com;transport=ws;lr>
Max-Forwards: 69
From: \"Customer\" <sip:+15551234@example.com>;tag=1928301774
To: <sip:alice@example.com>
Call-ID: a84b4c76e66710
CSeq: 314159 INVITE
Contact: <sip:+15551234@192.0.2.10:5060>
Content-Type: application/sdp
Content-Length: {{len}}

{OFFER}"
    ))
}

const HEAD: &str = "Via: SIP/2.0/WSS proxy.example.com;branch=z9hG4bKnashds8
From: \"Customer\" <sip:+15551234@example.com>;tag=1928301774
To: <sip:alice@example.com>;tag=ttag1
Call-ID: a84b4c76e66710
";

fn in_dialog(method: &str, seq: u32, extra: &str, body: &str) -> Request {
    request(&format!(
        "{method} sip:k6p2v@df7jal23ls0d.invalid;transport=ws SIP/2.0
Via: SIP/2.0/WSS proxy.example.com;branch=z9hG4bK{method}{seq}
Max-Forwards: 69
From: \"Customer\" <sip:+15551234@example.com>;tag=1928301774
To: <sip:alice@example.com>;tag=ttag1
Call-ID: a84b4c76e66710
CSeq: {seq} {method}
{extra}Content-Length: {{len}}

{body}"
    ))
}

#[test]
fn callee_invite_ringing_answer_ack_bye() {
    let mut ids = SeqIds::new("t");
    let (mut call, out) = Call::incoming(config(), incoming_invite(), &mut ids);
    assert_eq!(
        text(&out[..1]),
        format!(
            "RESPOND\nSIP/2.0 180 Ringing\n{HEAD}CSeq: 314159 INVITE\n\
             Record-Route: <sip:proxy.example.com;transport=ws;lr>\n\
             Contact: <sip:k6p2v@df7jal23ls0d.invalid;transport=ws>\nContent-Length: 0\n\n"
        )
    );
    let CallAction::Notify(CallNotice::Incoming { caller, sdp }) = &out[1] else {
        panic!("{out:?}")
    };
    assert_eq!(caller.tag(), Some("1928301774"));
    assert_eq!(sdp, &wire(OFFER));
    assert_eq!(call.state(), CallState::Incoming);

    let answer = b"v=0\r\no=- 2 2 IN IP4 0.0.0.0\r\n".to_vec();
    let out = call.handle(CallEvent::Answer { sdp: answer }, &mut ids);
    assert_eq!(
        text(&out),
        format!(
            "RESPOND\nSIP/2.0 200 OK\n{HEAD}CSeq: 314159 INVITE\n\
             Record-Route: <sip:proxy.example.com;transport=ws;lr>\n\
             Contact: <sip:k6p2v@df7jal23ls0d.invalid;transport=ws>\n\
             Content-Type: application/sdp\nContent-Length: 29\n\nv=0\no=- 2 2 IN IP4 0.0.0.0\n\
             ArmTimer {{ timer: AckWait, ms: 32000 }}\n"
        )
    );
    assert_eq!(call.state(), CallState::WaitingAck);

    let ack = in_dialog("ACK", 314159, "", "");
    let out = call.handle(CallEvent::Request(ack), &mut ids);
    assert_eq!(out, [CallAction::Notify(CallNotice::Confirmed)]);
    assert_eq!(call.state(), CallState::Confirmed);
    // The ACK timer is stale now.
    assert_eq!(
        call.handle(CallEvent::Timer(CallTimer::AckWait), &mut ids),
        []
    );

    let bye = in_dialog("BYE", 314160, "", "");
    let out = call.handle(CallEvent::Request(bye), &mut ids);
    assert_eq!(
        text(&out),
        format!(
            "RESPOND\nSIP/2.0 200 OK\n\
             Via: SIP/2.0/WSS proxy.example.com;branch=z9hG4bKBYE314160\n\
             From: \"Customer\" <sip:+15551234@example.com>;tag=1928301774\n\
             To: <sip:alice@example.com>;tag=ttag1\nCall-ID: a84b4c76e66710\nCSeq: 314160 BYE\n\
             Content-Length: 0\n\nNotify(Ended {{ reason: Remote }})\n"
        )
    );
    assert_eq!(call.state(), CallState::Terminated);
}

#[test]
fn callee_hangs_up_with_bye_and_missing_ack_ends_with_bye() {
    let mut ids = SeqIds::new("t");
    let (mut call, _) = Call::incoming(config(), incoming_invite(), &mut ids);
    call.handle(
        CallEvent::Answer {
            sdp: b"v=0\r\n".to_vec(),
        },
        &mut ids,
    );
    // No ACK within 64·T1: BYE through the route set.
    let out = call.handle(CallEvent::Timer(CallTimer::AckWait), &mut ids);
    assert_eq!(
        text(&out),
        "SEND\nBYE sip:+15551234@192.0.2.10:5060 SIP/2.0\n\
         Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKt2\n\
         Route: <sip:proxy.example.com;transport=ws;lr>\nMax-Forwards: 70\n\
         From: <sip:alice@example.com>;tag=ttag1\n\
         To: \"Customer\" <sip:+15551234@example.com>;tag=1928301774\n\
         Call-ID: a84b4c76e66710\nCSeq: 1 BYE\nContent-Length: 0\n\n"
    );
    assert_eq!(call.state(), CallState::Terminating);
    let CallAction::Send { request, .. } = &out[0] else {
        unreachable!()
    };
    let ok = ccc_sip::builders::response_to(request, StatusCode::OK, None);
    let out = call.handle(CallEvent::Response(ok), &mut ids);
    assert_eq!(
        out,
        [CallAction::Notify(CallNotice::Ended {
            reason: EndReason::NoAck
        })]
    );

    // The user hangs up a confirmed call.
    let mut ids = SeqIds::new("t");
    let (mut call, _) = Call::incoming(config(), incoming_invite(), &mut ids);
    call.handle(
        CallEvent::Answer {
            sdp: b"v=0\r\n".to_vec(),
        },
        &mut ids,
    );
    // Hanging up before the ACK waits for it (§15).
    assert_eq!(call.handle(CallEvent::Hangup, &mut ids), []);
    let out = call.handle(
        CallEvent::Request(in_dialog("ACK", 314159, "", "")),
        &mut ids,
    );
    assert!(
        matches!(&out[..], [CallAction::Notify(CallNotice::Confirmed), CallAction::Send { request, .. }] if request.method == ccc_sip::Method::Bye),
        "{out:?}"
    );
    let CallAction::Send { request, .. } = &out[1] else {
        unreachable!()
    };
    let ok = ccc_sip::builders::response_to(request, StatusCode::OK, None);
    assert_eq!(
        call.handle(CallEvent::Response(ok), &mut ids),
        [CallAction::Notify(CallNotice::Ended {
            reason: EndReason::Local
        })]
    );
}

#[test]
fn callee_cancel_while_ringing() {
    let mut ids = SeqIds::new("t");
    let (mut call, _) = Call::incoming(config(), incoming_invite(), &mut ids);
    let cancel = request(
        "CANCEL sip:k6p2v@df7jal23ls0d.invalid;transport=ws SIP/2.0
Via: SIP/2.0/WSS proxy.example.com;branch=z9hG4bKnashds8
Max-Forwards: 69
From: \"Customer\" <sip:+15551234@example.com>;tag=1928301774
To: <sip:alice@example.com>
Call-ID: a84b4c76e66710
CSeq: 314159 CANCEL
Content-Length: 0

",
    );
    let out = call.handle(CallEvent::Request(cancel), &mut ids);
    let [CallAction::Respond(ok), CallAction::Respond(terminated), CallAction::Notify(CallNotice::Cancelled)] =
        &out[..]
    else {
        panic!("{out:?}")
    };
    assert_eq!(
        Message::from(ok.clone()).to_bytes(),
        wire(&format!(
            "SIP/2.0 200 OK\n{HEAD}CSeq: 314159 CANCEL\nContent-Length: 0\n\n"
        ))
    );
    assert_eq!(
        Message::from(terminated.clone()).to_bytes(),
        wire(&format!(
            "SIP/2.0 487 Request Terminated\n{HEAD}CSeq: 314159 INVITE\nContent-Length: 0\n\n"
        ))
    );
    assert_eq!(call.state(), CallState::Terminated);
}

#[test]
fn callee_rejects() {
    let mut ids = SeqIds::new("t");
    let (mut call, _) = Call::incoming(config(), incoming_invite(), &mut ids);
    let out = call.handle(
        CallEvent::Reject {
            status: StatusCode::BUSY_HERE,
        },
        &mut ids,
    );
    assert_eq!(
        text(&out),
        format!(
            "RESPOND\nSIP/2.0 486 Busy Here\n{HEAD}CSeq: 314159 INVITE\nContent-Length: 0\n\n\
             Notify(Ended {{ reason: Rejected }})\n"
        )
    );
    let (mut call, _) = Call::incoming(config(), incoming_invite(), &mut ids);
    let out = call.handle(CallEvent::Hangup, &mut ids);
    assert!(
        text(&out).contains("SIP/2.0 603 Decline\n"),
        "{}",
        text(&out)
    );
}

fn confirmed_callee(ids: &mut SeqIds) -> Call {
    let (mut call, _) = Call::incoming(config(), incoming_invite(), ids);
    call.handle(
        CallEvent::Answer {
            sdp: b"v=0\r\n".to_vec(),
        },
        ids,
    );
    call.handle(CallEvent::Request(in_dialog("ACK", 314159, "", "")), ids);
    assert_eq!(call.state(), CallState::Confirmed);
    call
}

#[test]
fn dtmf_info_both_ways() {
    let mut ids = SeqIds::new("t");
    let mut call = confirmed_callee(&mut ids);
    let out = call.handle(
        CallEvent::Dtmf {
            signal: '5',
            duration_ms: 160,
        },
        &mut ids,
    );
    assert_eq!(
        dump(&out),
        "SEND\nINFO sip:+15551234@192.0.2.10:5060 SIP/2.0\r\n\
         Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKt2\r\n\
         Route: <sip:proxy.example.com;transport=ws;lr>\r\nMax-Forwards: 70\r\n\
         From: <sip:alice@example.com>;tag=ttag1\r\n\
         To: \"Customer\" <sip:+15551234@example.com>;tag=1928301774\r\n\
         Call-ID: a84b4c76e66710\r\nCSeq: 1 INFO\r\n\
         Content-Type: application/dtmf-relay\r\nContent-Length: 22\r\n\r\n\
         Signal=5\r\nDuration=160"
    );
    let info = in_dialog(
        "INFO",
        314160,
        "Content-Type: application/dtmf-relay\n",
        "Signal=#\nDuration=250",
    );
    let out = call.handle(CallEvent::Request(info), &mut ids);
    assert!(text(&out).starts_with("RESPOND\nSIP/2.0 200 OK\n"));
    assert_eq!(
        out[1],
        CallAction::Notify(CallNotice::Dtmf {
            signal: '#',
            duration_ms: 250
        })
    );
    // Out of order: 500.
    let info = in_dialog("INFO", 314160, "", "");
    let out = call.handle(CallEvent::Request(info), &mut ids);
    assert!(
        text(&out).contains("SIP/2.0 500 Server Internal Error\n"),
        "{}",
        text(&out)
    );
    assert_eq!(
        parse_dtmf_relay(b"Signal=5\r\nDuration=160"),
        Some(('5', 160))
    );
    assert_eq!(parse_dtmf_relay(b"Duration=160"), None);
}

#[test]
fn reinvite_hold_and_options() {
    let mut ids = SeqIds::new("t");
    let mut call = confirmed_callee(&mut ids);
    let hold = OFFER.replace("a=sendrecv", "a=sendonly");
    let re = in_dialog(
        "INVITE",
        314160,
        "Contact: <sip:+15551234@192.0.2.11:5060>\nContent-Type: application/sdp\n",
        &hold,
    );
    let out = call.handle(CallEvent::Request(re), &mut ids);
    assert_eq!(
        out,
        [CallAction::Notify(CallNotice::Reinvite {
            sdp: wire(&hold),
            hold: true
        })]
    );
    let out = call.handle(
        CallEvent::AnswerReinvite {
            sdp: b"v=0\r\na=recvonly\r\n".to_vec(),
        },
        &mut ids,
    );
    assert_eq!(
        text(&out),
        "RESPOND\nSIP/2.0 200 OK\nVia: SIP/2.0/WSS proxy.example.com;branch=z9hG4bKINVITE314160\n\
         From: \"Customer\" <sip:+15551234@example.com>;tag=1928301774\n\
         To: <sip:alice@example.com>;tag=ttag1\nCall-ID: a84b4c76e66710\nCSeq: 314160 INVITE\n\
         Contact: <sip:k6p2v@df7jal23ls0d.invalid;transport=ws>\n\
         Allow: INVITE, ACK, CANCEL, BYE, INFO, OPTIONS\n\
         Content-Type: application/sdp\nContent-Length: 17\n\nv=0\na=recvonly\n"
    );
    // The remote target moved with the re-INVITE.
    assert_eq!(
        call.dialog().unwrap().remote_target().to_string(),
        "sip:+15551234@192.0.2.11:5060"
    );
    assert_eq!(
        call.handle(
            CallEvent::Request(in_dialog("ACK", 314160, "", "")),
            &mut ids
        ),
        []
    );
    let out = call.handle(
        CallEvent::Request(in_dialog("OPTIONS", 314161, "", "")),
        &mut ids,
    );
    assert_eq!(
        text(&out),
        "RESPOND\nSIP/2.0 200 OK\nVia: SIP/2.0/WSS proxy.example.com;branch=z9hG4bKOPTIONS314161\n\
         From: \"Customer\" <sip:+15551234@example.com>;tag=1928301774\n\
         To: <sip:alice@example.com>;tag=ttag1\nCall-ID: a84b4c76e66710\nCSeq: 314161 OPTIONS\n\
         Allow: INVITE, ACK, CANCEL, BYE, INFO, OPTIONS\nContent-Length: 0\n\n"
    );
    assert_eq!(call.state(), CallState::Confirmed);
}

fn reply(req: &Request, status_line: &str, extra: &str, to_tag: Option<&str>) -> Response {
    let h = &req.headers;
    let to = match to_tag {
        Some(t) => format!("{};tag={t}", h.to().unwrap()),
        None => h.to().unwrap().to_string(),
    };
    response(&format!(
        "SIP/2.0 {status_line}\nVia: {}\nFrom: {}\nTo: {to}\nCall-ID: {}\nCSeq: {}\n{extra}Content-Length: 0\n\n",
        h.top_via().unwrap(),
        h.from().unwrap(),
        h.call_id().unwrap(),
        h.cseq().unwrap(),
    ))
}

fn the_send(out: &[CallAction]) -> Request {
    match out {
        [CallAction::Send { request, .. }] => request.clone(),
        _ => panic!("{out:?}"),
    }
}

#[test]
fn caller_with_407_challenge_then_answered() {
    let mut ids = SeqIds::new("c");
    let target = SipUri::new(Scheme::Sip, "example.com").with_user("bob");
    let (mut call, out) = Call::outgoing(config(), target, wire(OFFER), &mut ids);
    let invite = the_send(&out);
    assert_eq!(
        text(&out).split("\n\n").next().unwrap(),
        "SEND\nINVITE sip:bob@example.com SIP/2.0\n\
         Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKc3\nMax-Forwards: 70\n\
         From: <sip:alice@example.com>;tag=ctag2\nTo: <sip:bob@example.com>\nCall-ID: ccall1\n\
         CSeq: 1 INVITE\nContact: <sip:k6p2v@df7jal23ls0d.invalid;transport=ws>\n\
         Allow: INVITE, ACK, CANCEL, BYE, INFO, OPTIONS\n\
         Content-Type: application/sdp\nContent-Length: 105"
    );
    let challenge = reply(
        &invite,
        "407 Proxy Authentication Required",
        "Proxy-Authenticate: Digest realm=\"example.com\", nonce=\"n1\", qop=\"auth\"\n",
        Some("p1"),
    );
    let out = call.handle(CallEvent::Response(challenge), &mut ids);
    let again = the_send(&out);
    let t = Message::from(again.clone()).to_string();
    assert!(t.contains("branch=z9hG4bKc4\r\n"), "{t}");
    assert!(t.contains("\r\nCSeq: 2 INVITE\r\n"), "{t}");
    assert!(
        t.contains("\r\nProxy-Authorization: Digest username=\"alice\", realm=\"example.com\", nonce=\"n1\", uri=\"sip:bob@example.com\""),
        "{t}"
    );
    assert!(t.contains("nc=00000001"), "{t}");
    assert_eq!(again.body, invite.body);

    let out = call.handle(
        CallEvent::Response(reply(
            &again,
            "180 Ringing",
            "Contact: <sip:bob@192.0.2.20>\n",
            Some("b1"),
        )),
        &mut ids,
    );
    assert_eq!(
        out,
        [CallAction::Notify(CallNotice::Ringing {
            status: StatusCode::RINGING,
            sdp: None
        })]
    );
    assert_eq!(call.state(), CallState::Ringing);
    let out = call.handle(
        CallEvent::Response(reply(
            &again,
            "200 OK",
            "Contact: <sip:bob@192.0.2.20>\n",
            Some("b1"),
        )),
        &mut ids,
    );
    assert_eq!(
        text(&out[..1]),
        "ACK\nACK sip:bob@192.0.2.20 SIP/2.0\nVia: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKc6\n\
         Max-Forwards: 70\nFrom: <sip:alice@example.com>;tag=ctag2\nTo: <sip:bob@example.com>;tag=b1\n\
         Call-ID: ccall1\nCSeq: 2 ACK\nContent-Length: 0\n\n"
    );
    assert_eq!(
        out[1],
        CallAction::Notify(CallNotice::Answered { sdp: vec![] })
    );
    assert_eq!(call.state(), CallState::Confirmed);

    // A second challenge for a call fails it.
    let (mut call, out) = Call::outgoing(
        config(),
        SipUri::new(Scheme::Sip, "example.com").with_user("bob"),
        wire(OFFER),
        &mut ids,
    );
    let ch = "Proxy-Authenticate: Digest realm=\"example.com\", nonce=\"n1\"\n";
    let out = call.handle(
        CallEvent::Response(reply(
            &the_send(&out),
            "407 Proxy Authentication Required",
            ch,
            Some("p"),
        )),
        &mut ids,
    );
    let out = call.handle(
        CallEvent::Response(reply(
            &the_send(&out),
            "407 Proxy Authentication Required",
            ch,
            Some("p"),
        )),
        &mut ids,
    );
    assert_eq!(
        out,
        [CallAction::Notify(CallNotice::Failed {
            status: StatusCode::new(407)
        })]
    );
}

#[test]
fn caller_extra_headers_survive_the_challenge() {
    let mut ids = SeqIds::new("c");
    let target = SipUri::new(Scheme::Sip, "example.com").with_user("bob");
    let extra = vec![
        ccc_sip::Header::parse("X-CCC-JobId: job-7").unwrap(),
        ccc_sip::Header::parse("Subject: callback").unwrap(),
    ];
    let (mut call, out) =
        Call::outgoing_with_headers(config(), target, wire(OFFER), extra, &mut ids);
    let invite = the_send(&out);
    let t = Message::from(invite.clone()).to_string();
    assert!(
        t.contains("\r\nAllow: INVITE, ACK, CANCEL, BYE, INFO, OPTIONS\r\nX-CCC-JobId: job-7\r\nSubject: callback\r\nContent-Type: application/sdp\r\n"),
        "{t}"
    );
    let challenge = reply(
        &invite,
        "407 Proxy Authentication Required",
        "Proxy-Authenticate: Digest realm=\"example.com\", nonce=\"n1\"\n",
        Some("p1"),
    );
    let out = call.handle(CallEvent::Response(challenge), &mut ids);
    let t = Message::from(the_send(&out)).to_string();
    assert!(
        t.contains("\r\nX-CCC-JobId: job-7\r\nSubject: callback\r\nProxy-Authorization: Digest "),
        "{t}"
    );
}

#[test]
fn caller_cancels_while_ringing() {
    let mut ids = SeqIds::new("c");
    let target = SipUri::new(Scheme::Sip, "example.com").with_user("bob");
    let (mut call, out) = Call::outgoing(config(), target, wire(OFFER), &mut ids);
    let invite = the_send(&out);
    // Before any provisional response the CANCEL waits (§9.1).
    assert_eq!(call.handle(CallEvent::Hangup, &mut ids), []);
    let out = call.handle(
        CallEvent::Response(reply(&invite, "100 Trying", "", None)),
        &mut ids,
    );
    let cancel = the_send(&out);
    assert_eq!(
        Message::from(cancel.clone()).to_string(),
        Message::from(ccc_sip::builders::cancel_for(&invite)).to_string()
    );
    assert_eq!(call.state(), CallState::Cancelling);
    assert_eq!(
        call.handle(
            CallEvent::Response(reply(&cancel, "200 OK", "", None)),
            &mut ids
        ),
        []
    );
    let out = call.handle(
        CallEvent::Response(reply(&invite, "487 Request Terminated", "", Some("b1"))),
        &mut ids,
    );
    assert_eq!(out, [CallAction::Notify(CallNotice::Cancelled)]);
    assert_eq!(call.state(), CallState::Terminated);

    // A plain failure.
    let (mut call, out) = Call::outgoing(
        config(),
        SipUri::new(Scheme::Sip, "example.com").with_user("bob"),
        wire(OFFER),
        &mut ids,
    );
    let out = call.handle(
        CallEvent::Response(reply(&the_send(&out), "486 Busy Here", "", Some("b"))),
        &mut ids,
    );
    assert_eq!(
        out,
        [CallAction::Notify(CallNotice::Failed {
            status: Some(StatusCode::BUSY_HERE)
        })]
    );
}
