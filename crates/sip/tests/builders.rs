//! The builders against hand-written messages, byte for byte: the ACK for a non-2xx (RFC 3261
//! §17.1.1.3), the CANCEL (§9.1) and a response to a request (§8.2.6.2).

use ccc_sip::builders::{ack_for_non_2xx, cancel_for, response_to};
use ccc_sip::transaction::Config;
use ccc_sip::{Action, ClientTransaction, Event, Message, Request, Response, StatusCode};

fn parse(text: &str) -> Message {
    Message::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

const INVITE: &str = "INVITE sip:bob@example.com SIP/2.0\r\n\
Via: SIP/2.0/WSS df7jal23ls0d.invalid;rport;branch=z9hG4bKnashds7\r\n\
Via: SIP/2.0/WSS proxy.example.com;branch=z9hG4bKupstream\r\n\
Route: <sip:proxy.example.com;transport=ws;lr>\r\n\
Route: <sip:edge.example.com;lr>\r\n\
Max-Forwards: 69\r\n\
From: \"Alice\" <sip:alice@example.com>;tag=1928301774\r\n\
To: <sip:bob@example.com>\r\n\
Call-ID: a84b4c76e66710@pc33.example.com\r\n\
CSeq: 314159 INVITE\r\n\
Contact: <sip:alice@df7jal23ls0d.invalid;transport=ws;ob>\r\n\
Authorization: Digest username=\"alice\", realm=\"example.com\", nonce=\"n\", uri=\"sip:bob@example.com\", response=\"r\"\r\n\
Content-Type: application/sdp\r\n\
Content-Length: 4\r\n\
\r\n\
v=0\n";

const BUSY: &str = "SIP/2.0 486 Busy Here\r\n\
Via: SIP/2.0/WSS df7jal23ls0d.invalid;rport=55213;received=192.0.2.4;branch=z9hG4bKnashds7\r\n\
Via: SIP/2.0/WSS proxy.example.com;branch=z9hG4bKupstream\r\n\
From: \"Alice\" <sip:alice@example.com>;tag=1928301774\r\n\
To: <sip:bob@example.com>;tag=a6c85cf\r\n\
Call-ID: a84b4c76e66710@pc33.example.com\r\n\
CSeq: 314159 INVITE\r\n\
Content-Length: 0\r\n\
\r\n";

fn invite() -> Request {
    match parse(INVITE) {
        Message::Request(r) => r,
        m => panic!("{m}"),
    }
}

fn busy() -> Response {
    match parse(BUSY) {
        Message::Response(r) => r,
        m => panic!("{m}"),
    }
}

const EXPECTED_ACK: &str = "ACK sip:bob@example.com SIP/2.0\r\n\
Via: SIP/2.0/WSS df7jal23ls0d.invalid;rport;branch=z9hG4bKnashds7\r\n\
Route: <sip:proxy.example.com;transport=ws;lr>\r\n\
Route: <sip:edge.example.com;lr>\r\n\
Max-Forwards: 69\r\n\
From: \"Alice\" <sip:alice@example.com>;tag=1928301774\r\n\
To: <sip:bob@example.com>;tag=a6c85cf\r\n\
Call-ID: a84b4c76e66710@pc33.example.com\r\n\
CSeq: 314159 ACK\r\n\
Content-Length: 0\r\n\
\r\n";

#[test]
fn ack_for_a_non_2xx_byte_for_byte() {
    let ack = ack_for_non_2xx(&invite(), &busy());
    assert_eq!(Message::from(ack).to_string(), EXPECTED_ACK);
}

#[test]
fn the_invite_transaction_sends_that_ack() {
    let (mut tx, _) =
        ClientTransaction::start(invite(), "z9hG4bKnashds7", Config::default()).unwrap();
    let actions = tx.handle(Event::Received(busy().into()));
    let Some(Action::Send(ack)) = actions.first() else {
        panic!("{actions:?}")
    };
    assert_eq!(ack.to_string(), EXPECTED_ACK);
    assert_eq!(ack.to_bytes(), EXPECTED_ACK.as_bytes());
}

#[test]
fn cancel_byte_for_byte() {
    let cancel = cancel_for(&invite());
    assert_eq!(
        Message::from(cancel).to_string(),
        "CANCEL sip:bob@example.com SIP/2.0\r\n\
Via: SIP/2.0/WSS df7jal23ls0d.invalid;rport;branch=z9hG4bKnashds7\r\n\
Route: <sip:proxy.example.com;transport=ws;lr>\r\n\
Route: <sip:edge.example.com;lr>\r\n\
Max-Forwards: 69\r\n\
From: \"Alice\" <sip:alice@example.com>;tag=1928301774\r\n\
To: <sip:bob@example.com>\r\n\
Call-ID: a84b4c76e66710@pc33.example.com\r\n\
CSeq: 314159 CANCEL\r\n\
Content-Length: 0\r\n\
\r\n"
    );
}

#[test]
fn cancel_without_route_or_max_forwards() {
    let text = "OPTIONS sip:bob@example.com SIP/2.0\r\n\
v: SIP/2.0/WS a.invalid;branch=z9hG4bK9\r\n\
f: <sip:alice@example.com>;tag=x\r\n\
t: <sip:bob@example.com>\r\n\
i: c1\r\n\
CSeq: 2 OPTIONS\r\n\
\r\n";
    let Message::Request(options) = parse(text) else {
        unreachable!()
    };
    assert_eq!(
        Message::from(cancel_for(&options)).to_string(),
        "CANCEL sip:bob@example.com SIP/2.0\r\n\
Via: SIP/2.0/WS a.invalid;branch=z9hG4bK9\r\n\
Max-Forwards: 70\r\n\
From: <sip:alice@example.com>;tag=x\r\n\
To: <sip:bob@example.com>\r\n\
Call-ID: c1\r\n\
CSeq: 2 CANCEL\r\n\
Content-Length: 0\r\n\
\r\n"
    );
}

#[test]
fn response_to_a_request_byte_for_byte() {
    let ringing = response_to(&invite(), StatusCode::RINGING, Some("a6c85cf"));
    assert_eq!(
        Message::from(ringing).to_string(),
        "SIP/2.0 180 Ringing\r\n\
Via: SIP/2.0/WSS df7jal23ls0d.invalid;rport;branch=z9hG4bKnashds7\r\n\
Via: SIP/2.0/WSS proxy.example.com;branch=z9hG4bKupstream\r\n\
From: \"Alice\" <sip:alice@example.com>;tag=1928301774\r\n\
To: <sip:bob@example.com>;tag=a6c85cf\r\n\
Call-ID: a84b4c76e66710@pc33.example.com\r\n\
CSeq: 314159 INVITE\r\n\
Content-Length: 0\r\n\
\r\n"
    );
    // An existing To tag (a request inside a dialog) is kept.
    let Message::Request(bye) = parse(
        "BYE sip:a@b SIP/2.0\r\nVia: SIP/2.0/WS h;branch=z9hG4bK2\r\nTo: <sip:a@b>;tag=old\r\n\
         CSeq: 2 BYE\r\n\r\n",
    ) else {
        unreachable!()
    };
    let ok = response_to(&bye, StatusCode::OK, Some("new"));
    assert_eq!(ok.headers.to().unwrap().tag(), Some("old"));
    assert_eq!(ok.reason, "OK");
}
