//! Dialogs (RFC 3261 §12) on both sides of one call through two record-routing proxies: creation from
//! INVITE / 200, the BYE each side builds byte for byte, the route set order, the ACK for a 2xx,
//! re-INVITE, CSeq checks of incoming requests, early dialogs, strict routing.

mod common;

use ccc_sip::builders::response_to;
use ccc_sip::dialog::{set_body, Dialog, DialogError, DialogId, DialogState};
use ccc_sip::{
    Contact, Header, MediaType, Message, Method, NameAddr, Request, Response, StatusCode, Uri, Via,
};
use common::wire;

fn parse(text: &str) -> Message {
    Message::parse(&wire(text)).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn request(text: &str) -> Request {
    match parse(text) {
        Message::Request(r) => r,
        m => panic!("{m}"),
    }
}

fn response(text: &str) -> Response {
    match parse(text) {
        Message::Response(r) => r,
        m => panic!("{m}"),
    }
}

fn print(r: &Request) -> String {
    Message::from(r.clone()).to_string()
}

/// The INVITE as Alice (the UAC, in the browser) sent it.
const INVITE_SENT: &str = "INVITE sip:bob@example.com SIP/2.0
Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKinv1
Max-Forwards: 70
From: \"Alice\" <sip:alice@example.com>;tag=a1
To: <sip:bob@example.com>
Call-ID: c7@example
CSeq: 10 INVITE
Contact: <sip:k6p2v@df7jal23ls0d.invalid;transport=ws;ob>
Content-Length: 0

";

/// The same INVITE as Bob (the UAS) received it: through p1 then p2, each record-routing.
const INVITE_RECEIVED: &str = "INVITE sip:bob@192.0.2.4:5060 SIP/2.0
Via: SIP/2.0/UDP p2.example.com;branch=z9hG4bKp2
Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bKp1
Via: SIP/2.0/WSS df7jal23ls0d.invalid;received=192.0.2.9;branch=z9hG4bKinv1
Record-Route: <sip:p2.example.com;lr>
Record-Route: <sip:p1.example.com;transport=ws;lr>
Max-Forwards: 68
From: \"Alice\" <sip:alice@example.com>;tag=a1
To: <sip:bob@example.com>
Call-ID: c7@example
CSeq: 10 INVITE
Contact: <sip:k6p2v@df7jal23ls0d.invalid;transport=ws;ob>
Content-Length: 0

";

/// Bob's 200 as Alice receives it (Record-Route copied from the request, in its order).
const OK_RECEIVED: &str = "SIP/2.0 200 OK
Via: SIP/2.0/WSS df7jal23ls0d.invalid;received=192.0.2.9;branch=z9hG4bKinv1
Record-Route: <sip:p2.example.com;lr>, <sip:p1.example.com;transport=ws;lr>
From: \"Alice\" <sip:alice@example.com>;tag=a1
To: <sip:bob@example.com>;tag=b2
Call-ID: c7@example
CSeq: 10 INVITE
Contact: <sip:bob@192.0.2.4:5060>
Content-Length: 0

";

fn alice() -> Dialog {
    Dialog::uac(&request(INVITE_SENT), &response(OK_RECEIVED)).unwrap()
}

fn bob() -> Dialog {
    let invite = request(INVITE_RECEIVED);
    let mut ok = response_to(&invite, StatusCode::OK, Some("b2"));
    ok.headers.insert(
        ok.headers.len() - 1,
        Header::Contact(Contact::List(vec![NameAddr::new(
            Uri::parse("sip:bob@192.0.2.4:5060").unwrap(),
        )])),
    );
    Dialog::uas(&invite, &ok).unwrap()
}

fn via(transport: &str, host: &str, branch: &str) -> Via {
    Via::new(transport, host, branch)
}

#[test]
fn uac_dialog_from_invite_and_200() {
    let d = alice();
    assert_eq!(d.state(), DialogState::Confirmed);
    assert!(d.is_uac());
    assert_eq!(
        d.id(),
        &DialogId {
            call_id: "c7@example".into(),
            local_tag: "a1".into(),
            remote_tag: "b2".into()
        }
    );
    assert_eq!(d.local_seq(), Some(10));
    assert_eq!(d.remote_seq(), None);
    assert_eq!(d.remote_target().to_string(), "sip:bob@192.0.2.4:5060");
    // The UAC reverses the Record-Route.
    let routes: Vec<String> = d.route_set().iter().map(ToString::to_string).collect();
    assert_eq!(
        routes,
        [
            "<sip:p1.example.com;transport=ws;lr>",
            "<sip:p2.example.com;lr>"
        ]
    );
}

#[test]
fn uas_dialog_from_invite_and_200() {
    let d = bob();
    assert_eq!(d.state(), DialogState::Confirmed);
    assert!(!d.is_uac());
    assert_eq!(
        d.id(),
        &DialogId {
            call_id: "c7@example".into(),
            local_tag: "b2".into(),
            remote_tag: "a1".into()
        }
    );
    assert_eq!(d.local_seq(), None);
    assert_eq!(d.remote_seq(), Some(10));
    assert_eq!(
        d.remote_target().to_string(),
        "sip:k6p2v@df7jal23ls0d.invalid;transport=ws;ob"
    );
    // The UAS keeps the Record-Route order.
    let routes: Vec<String> = d.route_set().iter().map(ToString::to_string).collect();
    assert_eq!(
        routes,
        [
            "<sip:p2.example.com;lr>",
            "<sip:p1.example.com;transport=ws;lr>"
        ]
    );
    assert_eq!(
        d.local_contact().unwrap().to_string(),
        "<sip:bob@192.0.2.4:5060>"
    );
}

#[test]
fn the_bye_alice_builds_byte_for_byte() {
    let mut d = alice();
    let bye = d.request(
        Method::Bye,
        via("WSS", "df7jal23ls0d.invalid", "z9hG4bKbye1"),
    );
    assert_eq!(
        print(&bye),
        "BYE sip:bob@192.0.2.4:5060 SIP/2.0\r\n\
         Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKbye1\r\n\
         Route: <sip:p1.example.com;transport=ws;lr>\r\n\
         Route: <sip:p2.example.com;lr>\r\n\
         Max-Forwards: 70\r\n\
         From: \"Alice\" <sip:alice@example.com>;tag=a1\r\n\
         To: <sip:bob@example.com>;tag=b2\r\n\
         Call-ID: c7@example\r\n\
         CSeq: 11 BYE\r\n\
         Content-Length: 0\r\n\
         \r\n"
    );
    assert_eq!(d.local_seq(), Some(11));
    // Bob accepts it: the right dialog, CSeq above 10, and the dialog ends.
    let mut b = bob();
    assert!(b.matches(&bye));
    b.receive(&bye).unwrap();
    assert_eq!(b.state(), DialogState::Terminated);
}

#[test]
fn the_bye_bob_builds_byte_for_byte() {
    let mut d = bob();
    let bye = d.request(Method::Bye, via("WS", "bob.invalid", "z9hG4bKbob1"));
    assert_eq!(
        print(&bye),
        "BYE sip:k6p2v@df7jal23ls0d.invalid;transport=ws;ob SIP/2.0\r\n\
         Via: SIP/2.0/WS bob.invalid;branch=z9hG4bKbob1\r\n\
         Route: <sip:p2.example.com;lr>\r\n\
         Route: <sip:p1.example.com;transport=ws;lr>\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:bob@example.com>;tag=b2\r\n\
         To: \"Alice\" <sip:alice@example.com>;tag=a1\r\n\
         Call-ID: c7@example\r\n\
         CSeq: 1 BYE\r\n\
         Content-Length: 0\r\n\
         \r\n"
    );
    let mut a = alice();
    a.receive(&bye).unwrap();
    assert_eq!(a.remote_seq(), Some(1));
    assert_eq!(a.state(), DialogState::Terminated);
}

#[test]
fn ack_for_2xx_and_re_invite() {
    let mut d = alice();
    let ack = d
        .ack(via("WSS", "df7jal23ls0d.invalid", "z9hG4bKack1"))
        .unwrap();
    assert_eq!(
        print(&ack),
        "ACK sip:bob@192.0.2.4:5060 SIP/2.0\r\n\
         Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKack1\r\n\
         Route: <sip:p1.example.com;transport=ws;lr>\r\n\
         Route: <sip:p2.example.com;lr>\r\n\
         Max-Forwards: 70\r\n\
         From: \"Alice\" <sip:alice@example.com>;tag=a1\r\n\
         To: <sip:bob@example.com>;tag=b2\r\n\
         Call-ID: c7@example\r\n\
         CSeq: 10 ACK\r\n\
         Content-Length: 0\r\n\
         \r\n"
    );
    // A re-INVITE (hold) carries our Contact and a body; its ACK has its CSeq.
    let mut reinvite = d.request(
        Method::Invite,
        via("WSS", "df7jal23ls0d.invalid", "z9hG4bKre1"),
    );
    set_body(
        &mut reinvite,
        MediaType::new("application", "sdp"),
        b"v=0\r\n".to_vec(),
    );
    let text = print(&reinvite);
    assert!(
        text.contains(
            "CSeq: 11 INVITE\r\nContact: <sip:k6p2v@df7jal23ls0d.invalid;transport=ws;ob>\r\n\
         Content-Type: application/sdp\r\nContent-Length: 5\r\n\r\nv=0\r\n"
        ),
        "{text}"
    );
    // The 200 moves the remote target.
    let ok = response(
        "SIP/2.0 200 OK
Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKre1
From: \"Alice\" <sip:alice@example.com>;tag=a1
To: <sip:bob@example.com>;tag=b2
Call-ID: c7@example
CSeq: 11 INVITE
Contact: <sip:bob@192.0.2.5>
Content-Length: 0

",
    );
    d.on_response(&Method::Invite, &ok);
    assert_eq!(d.remote_target().to_string(), "sip:bob@192.0.2.5");
    let ack = d
        .ack(via("WSS", "df7jal23ls0d.invalid", "z9hG4bKack2"))
        .unwrap();
    assert_eq!(ack.headers.cseq().unwrap().to_string(), "11 ACK");
    assert_eq!(ack.uri.to_string(), "sip:bob@192.0.2.5");
    // INFO does not refresh the target and carries no Contact.
    let info = d.request(
        Method::Info,
        via("WSS", "df7jal23ls0d.invalid", "z9hG4bKi1"),
    );
    assert_eq!(info.headers.cseq().unwrap().seq, 12);
    assert_eq!(info.headers.contacts().count(), 0);
}

fn from_alice(method: &str, seq: u32, extra: &str) -> Request {
    request(&format!(
        "{method} sip:bob@192.0.2.4:5060 SIP/2.0
Via: SIP/2.0/UDP p2.example.com;branch=z9hG4bKx{seq}
Max-Forwards: 69
From: \"Alice\" <sip:alice@example.com>;tag=a1
To: <sip:bob@example.com>;tag=b2
Call-ID: c7@example
CSeq: {seq} {method}
{extra}Content-Length: 0

"
    ))
}

#[test]
fn incoming_requests_are_checked_in_order() {
    let mut d = bob();
    // The ACK of the INVITE carries its number: accepted, not counted.
    d.receive(&from_alice("ACK", 10, "")).unwrap();
    d.receive(&from_alice("INFO", 11, "")).unwrap();
    assert_eq!(d.remote_seq(), Some(11));
    assert_eq!(
        d.receive(&from_alice("INFO", 11, "")),
        Err(DialogError::OutOfOrder { got: 11, last: 11 })
    );
    assert_eq!(
        d.receive(&from_alice("INFO", 3, "")),
        Err(DialogError::OutOfOrder { got: 3, last: 11 })
    );
    // A re-INVITE with a new Contact refreshes the target.
    d.receive(&from_alice(
        "INVITE",
        12,
        "Contact: <sip:k6p2v@198.51.100.7;transport=ws>\n",
    ))
    .unwrap();
    assert_eq!(
        d.remote_target().to_string(),
        "sip:k6p2v@198.51.100.7;transport=ws"
    );
    // Another dialog's request does not match.
    let mut stranger = from_alice("BYE", 13, "");
    stranger.headers.iter_mut().for_each(|h| {
        if let Header::CallId(id) = h {
            *id = "other".into();
        }
    });
    assert_eq!(d.receive(&stranger), Err(DialogError::Mismatch));
    d.receive(&from_alice("BYE", 13, "")).unwrap();
    assert_eq!(d.state(), DialogState::Terminated);
    assert_eq!(
        d.receive(&from_alice("INFO", 14, "")),
        Err(DialogError::Terminated)
    );
}

#[test]
fn early_dialog_is_confirmed_or_terminated() {
    let invite = request(INVITE_SENT);
    let ringing = response(
        "SIP/2.0 180 Ringing
Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKinv1
Record-Route: <sip:p2.example.com;lr>
From: \"Alice\" <sip:alice@example.com>;tag=a1
To: <sip:bob@example.com>;tag=b2
Call-ID: c7@example
CSeq: 10 INVITE
Contact: <sip:bob@192.0.2.4:5060>
Content-Length: 0

",
    );
    let mut d = Dialog::uac(&invite, &ringing).unwrap();
    assert_eq!(d.state(), DialogState::Early);
    assert_eq!(d.route_set().len(), 1);
    // The 2xx confirms it and the route set is recomputed from it.
    d.on_response(&Method::Invite, &response(OK_RECEIVED));
    assert_eq!(d.state(), DialogState::Confirmed);
    assert_eq!(
        d.route_set()[0].to_string(),
        "<sip:p1.example.com;transport=ws;lr>"
    );

    let mut early = Dialog::uac(&invite, &ringing).unwrap();
    let busy = response_to(&invite, StatusCode::BUSY_HERE, Some("b2"));
    early.on_response(&Method::Invite, &busy);
    assert_eq!(early.state(), DialogState::Terminated);

    // 100 and final failures create no dialog; a 200 without a To tag neither.
    let trying = response_to(&invite, StatusCode::TRYING, None);
    assert_eq!(Dialog::uac(&invite, &trying), Err(DialogError::NoDialog));
    assert_eq!(Dialog::uac(&invite, &busy), Err(DialogError::NoDialog));
    let untagged = response_to(&invite, StatusCode::OK, None);
    assert_eq!(
        Dialog::uac(&invite, &untagged),
        Err(DialogError::Missing("To tag"))
    );
}

#[test]
fn a_481_to_an_in_dialog_request_ends_the_dialog() {
    let mut d = alice();
    let info = d.request(Method::Info, via("WSS", "df7jal23ls0d.invalid", "z9hG4bKi"));
    let gone = response_to(&info, StatusCode::new(481).unwrap(), None);
    d.on_response(&Method::Info, &gone);
    assert_eq!(d.state(), DialogState::Terminated);
}

#[test]
fn strict_router_becomes_the_request_uri() {
    let invite = request(INVITE_SENT);
    let ok = response(
        "SIP/2.0 200 OK
Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKinv1
Record-Route: <sip:p2.example.com;lr>, <sip:strict.example.com;transport=tcp>
From: \"Alice\" <sip:alice@example.com>;tag=a1
To: <sip:bob@example.com>;tag=b2
Call-ID: c7@example
CSeq: 10 INVITE
Contact: <sip:bob@192.0.2.4:5060>
Content-Length: 0

",
    );
    let mut d = Dialog::uac(&invite, &ok).unwrap();
    let bye = d.request(Method::Bye, via("WSS", "a.invalid", "z9hG4bKs"));
    assert_eq!(bye.uri.to_string(), "sip:strict.example.com;transport=tcp");
    let routes: Vec<String> = bye.headers.routes().map(ToString::to_string).collect();
    assert_eq!(
        routes,
        ["<sip:p2.example.com;lr>", "<sip:bob@192.0.2.4:5060>"]
    );
}
