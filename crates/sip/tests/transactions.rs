//! RFC 3261 §17 transactions on a reliable transport: table-driven transitions of the four machines
//! (every state × every relevant input), matching rules (§17.1.3, §17.2.3, §9.2) and timer durations.

use ccc_sip::builders::response_to;
use ccc_sip::transaction::{
    cancel_matches, check_branch, client_matches, server_matches, Config, TransactionError,
};
use ccc_sip::{
    Action, ClientState, ClientTransaction, Event, Message, Request, Response, ServerState,
    ServerTransaction, StatusCode, Timer, TransactionKey,
};

fn request(method: &str, branch: &str, sent_by: &str) -> Request {
    let text = format!(
        "{method} sip:bob@example.com;transport=ws SIP/2.0\r\n\
         Via: SIP/2.0/WSS {sent_by};rport;branch={branch}\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:alice@example.com>;tag=ft1\r\n\
         To: <sip:bob@example.com>\r\n\
         Call-ID: call-1@example.com\r\n\
         CSeq: 7 {method}\r\n\
         Content-Length: 0\r\n\r\n"
    );
    match Message::parse(text.as_bytes()).unwrap() {
        Message::Request(r) => r,
        Message::Response(_) => unreachable!(),
    }
}

const BRANCH: &str = "z9hG4bKabc";
const HOST: &str = "df7jal23ls0d.invalid";

fn req(method: &str) -> Request {
    request(method, BRANCH, HOST)
}

/// A response to `req` with `code` (To tag for codes above 100).
fn resp(req: &Request, code: u16) -> Response {
    let tag = (code > 100).then_some("tt1");
    response_to(req, StatusCode::new(code).unwrap(), tag)
}

/// One line per action, e.g. `send ACK`, `arm D 0`, `deliver 180`, `end Timeout(B)`.
fn summary(actions: &[Action]) -> Vec<String> {
    let msg = |m: &Message| match m {
        Message::Request(r) => r.method.to_string(),
        Message::Response(r) => r.status.to_string(),
    };
    actions
        .iter()
        .map(|a| match a {
            Action::Send(m) => format!("send {}", msg(m)),
            Action::ArmTimer { timer, ms } => format!("arm {timer:?} {ms}"),
            Action::Deliver(m) => format!("deliver {}", msg(m)),
            Action::Terminated(why) => format!("end {why:?}"),
        })
        .collect()
}

/// Test inputs.
#[derive(Clone, Copy, Debug)]
enum In {
    /// A matching response with this code (client) / the TU responding with it (server).
    R(u16),
    /// A response from another transaction (other branch).
    Stranger,
    /// A response to the same branch but another method (the CANCEL sharing the INVITE's branch).
    OtherMethod,
    /// The original request again (server), or the ACK for it.
    Retransmit,
    Ack,
    /// A request of another transaction (server).
    StrangerRequest,
    T(Timer),
    Err,
}

fn client_event(tx: &ClientTransaction, input: In) -> Event {
    let r = tx.request();
    match input {
        In::R(code) => Event::Received(resp(r, code).into()),
        In::Stranger => {
            let other = request(r.method.as_str(), "z9hG4bKother", HOST);
            Event::Received(resp(&other, 200).into())
        }
        In::OtherMethod => Event::Received(resp(&req("CANCEL"), 200).into()),
        In::T(t) => Event::Timer(t),
        In::Err => Event::TransportError,
        In::Retransmit | In::Ack | In::StrangerRequest => Event::Received(r.clone().into()),
    }
}

fn client_in(method: &str, path: &[In]) -> ClientTransaction {
    let (mut tx, _) = ClientTransaction::start(req(method), BRANCH, Config::default()).unwrap();
    for &i in path {
        let e = client_event(&tx, i);
        tx.handle(e);
    }
    tx
}

type Row<S> = (&'static [In], In, S, &'static [&'static str]);

fn run_client(method: &str, rows: &[Row<ClientState>]) {
    for (n, (path, input, state, expected)) in rows.iter().enumerate() {
        let mut tx = client_in(method, path);
        let before = tx.state();
        let e = client_event(&tx, *input);
        let got = summary(&tx.handle(e));
        assert_eq!(
            (tx.state(), got.as_slice()),
            (
                *state,
                &expected.iter().map(|s| s.to_string()).collect::<Vec<_>>()[..]
            ),
            "{method} row {n}: {before:?} + {input:?}"
        );
    }
}

use In::*;

#[test]
fn invite_client_transitions() {
    use ClientState::*;
    const CALLING: &[In] = &[];
    const PROCEEDING: &[In] = &[R(180)];
    const COMPLETED: &[In] = &[R(486)];
    const TERMINATED: &[In] = &[R(200)];
    let rows: &[Row<ClientState>] = &[
        // Calling
        (CALLING, R(100), Proceeding, &["deliver 100"]),
        (CALLING, R(180), Proceeding, &["deliver 180"]),
        (CALLING, R(200), Terminated, &["deliver 200", "end Normal"]),
        (
            CALLING,
            R(486),
            Completed,
            &["send ACK", "deliver 486", "arm D 0"],
        ),
        (
            CALLING,
            R(302),
            Completed,
            &["send ACK", "deliver 302", "arm D 0"],
        ),
        (CALLING, T(Timer::B), Terminated, &["end Timeout(B)"]),
        (CALLING, T(Timer::D), Calling, &[]),
        (CALLING, Err, Terminated, &["end TransportError"]),
        (CALLING, Stranger, Calling, &[]),
        (CALLING, OtherMethod, Calling, &[]),
        (CALLING, Retransmit, Calling, &[]),
        // Proceeding
        (PROCEEDING, R(180), Proceeding, &["deliver 180"]),
        (PROCEEDING, R(183), Proceeding, &["deliver 183"]),
        (
            PROCEEDING,
            R(200),
            Terminated,
            &["deliver 200", "end Normal"],
        ),
        (
            PROCEEDING,
            R(603),
            Completed,
            &["send ACK", "deliver 603", "arm D 0"],
        ),
        (PROCEEDING, T(Timer::B), Proceeding, &[]),
        (PROCEEDING, Err, Terminated, &["end TransportError"]),
        (PROCEEDING, Stranger, Proceeding, &[]),
        // Completed
        (COMPLETED, R(486), Completed, &["send ACK"]),
        (COMPLETED, R(180), Completed, &[]),
        (COMPLETED, R(200), Completed, &[]),
        (COMPLETED, T(Timer::D), Terminated, &["end Normal"]),
        (COMPLETED, T(Timer::B), Completed, &[]),
        (COMPLETED, Err, Terminated, &["end TransportError"]),
        // Terminated
        (TERMINATED, R(200), Terminated, &[]),
        (TERMINATED, R(486), Terminated, &[]),
        (TERMINATED, T(Timer::B), Terminated, &[]),
        (TERMINATED, T(Timer::D), Terminated, &[]),
        (TERMINATED, Err, Terminated, &[]),
    ];
    run_client("INVITE", rows);
}

#[test]
fn non_invite_client_transitions() {
    use ClientState::*;
    const TRYING: &[In] = &[];
    const PROCEEDING: &[In] = &[R(100)];
    const COMPLETED: &[In] = &[R(401)];
    const TERMINATED: &[In] = &[R(200), T(Timer::K)];
    let rows: &[Row<ClientState>] = &[
        // Trying
        (TRYING, R(100), Proceeding, &["deliver 100"]),
        (TRYING, R(200), Completed, &["deliver 200", "arm K 0"]),
        (TRYING, R(401), Completed, &["deliver 401", "arm K 0"]),
        (TRYING, T(Timer::F), Terminated, &["end Timeout(F)"]),
        (TRYING, T(Timer::K), Trying, &[]),
        (TRYING, Err, Terminated, &["end TransportError"]),
        (TRYING, Stranger, Trying, &[]),
        (TRYING, OtherMethod, Trying, &[]),
        // Proceeding
        (PROCEEDING, R(100), Proceeding, &["deliver 100"]),
        (PROCEEDING, R(200), Completed, &["deliver 200", "arm K 0"]),
        (PROCEEDING, R(503), Completed, &["deliver 503", "arm K 0"]),
        (PROCEEDING, T(Timer::F), Terminated, &["end Timeout(F)"]),
        (PROCEEDING, Err, Terminated, &["end TransportError"]),
        (PROCEEDING, Stranger, Proceeding, &[]),
        // Completed
        (COMPLETED, R(401), Completed, &[]),
        (COMPLETED, R(200), Completed, &[]),
        (COMPLETED, R(100), Completed, &[]),
        (COMPLETED, T(Timer::K), Terminated, &["end Normal"]),
        (COMPLETED, T(Timer::F), Completed, &[]),
        (COMPLETED, Err, Terminated, &["end TransportError"]),
        // Terminated
        (TERMINATED, R(200), Terminated, &[]),
        (TERMINATED, T(Timer::F), Terminated, &[]),
        (TERMINATED, Err, Terminated, &[]),
    ];
    run_client("REGISTER", rows);
}

fn server_event(tx: &ServerTransaction, input: In) -> Event {
    let r = tx.request();
    match input {
        In::R(code) => Event::Respond(resp(r, code)),
        In::Retransmit => Event::Received(r.clone().into()),
        In::Ack => {
            let mut ack = req("ACK");
            ack.method = ccc_sip::Method::Ack;
            Event::Received(ack.into())
        }
        In::StrangerRequest => {
            Event::Received(request(r.method.as_str(), "z9hG4bKother", HOST).into())
        }
        In::OtherMethod => Event::Received(req("CANCEL").into()),
        In::Stranger => Event::Received(resp(r, 200).into()),
        In::T(t) => Event::Timer(t),
        In::Err => Event::TransportError,
    }
}

fn run_server(method: &str, config: Config, rows: &[Row<ServerState>]) {
    for (n, (path, input, state, expected)) in rows.iter().enumerate() {
        let (mut tx, _) = ServerTransaction::new(req(method), config).unwrap();
        for &i in *path {
            let e = server_event(&tx, i);
            tx.handle(e);
        }
        let before = tx.state();
        let e = server_event(&tx, *input);
        let got = summary(&tx.handle(e));
        assert_eq!(
            (tx.state(), got.as_slice()),
            (
                *state,
                &expected.iter().map(|s| s.to_string()).collect::<Vec<_>>()[..]
            ),
            "{method} row {n}: {before:?} + {input:?}"
        );
    }
}

#[test]
fn invite_server_transitions() {
    use ServerState::*;
    const PROCEEDING: &[In] = &[];
    const RINGING: &[In] = &[R(180)];
    const COMPLETED: &[In] = &[R(486)];
    const CONFIRMED: &[In] = &[R(486), Ack];
    const TERMINATED: &[In] = &[R(200)];
    let rows: &[Row<ServerState>] = &[
        // Proceeding (100 Trying already sent)
        (PROCEEDING, Retransmit, Proceeding, &["send 100"]),
        (PROCEEDING, R(180), Proceeding, &["send 180"]),
        (PROCEEDING, R(200), Terminated, &["send 200", "end Normal"]),
        (PROCEEDING, R(486), Completed, &["send 486", "arm H 32000"]),
        (PROCEEDING, Ack, Proceeding, &[]),
        (PROCEEDING, T(Timer::H), Proceeding, &[]),
        (PROCEEDING, Err, Terminated, &["end TransportError"]),
        (PROCEEDING, StrangerRequest, Proceeding, &[]),
        (PROCEEDING, OtherMethod, Proceeding, &[]),
        (PROCEEDING, Stranger, Proceeding, &[]),
        (RINGING, Retransmit, Proceeding, &["send 180"]),
        (RINGING, R(183), Proceeding, &["send 183"]),
        (RINGING, R(200), Terminated, &["send 200", "end Normal"]),
        (RINGING, R(487), Completed, &["send 487", "arm H 32000"]),
        // Completed
        (COMPLETED, Retransmit, Completed, &["send 486"]),
        (COMPLETED, Ack, Confirmed, &["arm I 0"]),
        (COMPLETED, R(200), Completed, &[]),
        (COMPLETED, R(180), Completed, &[]),
        (COMPLETED, T(Timer::H), Terminated, &["end Timeout(H)"]),
        (COMPLETED, T(Timer::I), Completed, &[]),
        (COMPLETED, Err, Terminated, &["end TransportError"]),
        // Confirmed
        (CONFIRMED, Ack, Confirmed, &[]),
        (CONFIRMED, Retransmit, Confirmed, &[]),
        (CONFIRMED, T(Timer::I), Terminated, &["end Normal"]),
        (CONFIRMED, T(Timer::H), Confirmed, &[]),
        (CONFIRMED, R(486), Confirmed, &[]),
        (CONFIRMED, Err, Terminated, &["end TransportError"]),
        // Terminated (after a 2xx the ACK is the TU's, not the transaction's)
        (TERMINATED, Ack, Terminated, &[]),
        (TERMINATED, Retransmit, Terminated, &[]),
        (TERMINATED, R(486), Terminated, &[]),
        (TERMINATED, T(Timer::H), Terminated, &[]),
        (TERMINATED, Err, Terminated, &[]),
    ];
    run_server("INVITE", Config::default(), rows);
    // Without the automatic 100 Trying a retransmission in Proceeding has nothing to repeat.
    let quiet = Config {
        send_100_trying: false,
        ..Config::default()
    };
    run_server("INVITE", quiet, &[(&[], Retransmit, Proceeding, &[])]);
}

#[test]
fn non_invite_server_transitions() {
    use ServerState::*;
    const TRYING: &[In] = &[];
    const PROCEEDING: &[In] = &[R(100)];
    const COMPLETED: &[In] = &[R(200)];
    const TERMINATED: &[In] = &[R(200), T(Timer::J)];
    let rows: &[Row<ServerState>] = &[
        // Trying
        (TRYING, Retransmit, Trying, &[]),
        (TRYING, R(100), Proceeding, &["send 100"]),
        (TRYING, R(200), Completed, &["send 200", "arm J 0"]),
        (TRYING, R(404), Completed, &["send 404", "arm J 0"]),
        (TRYING, T(Timer::J), Trying, &[]),
        (TRYING, Err, Terminated, &["end TransportError"]),
        (TRYING, StrangerRequest, Trying, &[]),
        (TRYING, Stranger, Trying, &[]),
        // Proceeding
        (PROCEEDING, Retransmit, Proceeding, &["send 100"]),
        (PROCEEDING, R(100), Proceeding, &["send 100"]),
        (PROCEEDING, R(200), Completed, &["send 200", "arm J 0"]),
        (PROCEEDING, R(500), Completed, &["send 500", "arm J 0"]),
        (PROCEEDING, Err, Terminated, &["end TransportError"]),
        // Completed
        (COMPLETED, Retransmit, Completed, &["send 200"]),
        (COMPLETED, R(200), Completed, &[]),
        (COMPLETED, R(100), Completed, &[]),
        (COMPLETED, T(Timer::J), Terminated, &["end Normal"]),
        (COMPLETED, Err, Terminated, &["end TransportError"]),
        // Terminated
        (TERMINATED, Retransmit, Terminated, &[]),
        (TERMINATED, R(200), Terminated, &[]),
        (TERMINATED, Err, Terminated, &[]),
    ];
    run_server("OPTIONS", Config::default(), rows);
}

#[test]
fn start_actions_and_timer_durations() {
    let (tx, actions) = ClientTransaction::start(req("INVITE"), BRANCH, Config::default()).unwrap();
    assert_eq!(summary(&actions), ["send INVITE", "arm B 32000"]);
    assert_eq!(tx.state(), ClientState::Calling);

    let t1 = Config {
        t1_ms: 100,
        ..Config::default()
    };
    let (tx, actions) = ClientTransaction::start(req("BYE"), "z9hG4bKbye", t1).unwrap();
    assert_eq!(summary(&actions), ["send BYE", "arm F 6400"]);
    assert_eq!(tx.state(), ClientState::Trying);
    assert_eq!(
        tx.request().headers.top_via().unwrap().branch(),
        Some("z9hG4bKbye")
    );

    let (mut tx, actions) = ServerTransaction::new(req("INVITE"), t1).unwrap();
    assert_eq!(summary(&actions), ["send 100", "deliver INVITE"]);
    let r = resp(tx.request(), 480);
    assert_eq!(
        summary(&tx.handle(Event::Respond(r))),
        ["send 480", "arm H 6400"]
    );

    let (_, actions) = ServerTransaction::new(req("MESSAGE"), t1).unwrap();
    assert_eq!(summary(&actions), ["deliver MESSAGE"]);

    for (timer, ms) in [
        (Timer::B, 32000),
        (Timer::F, 32000),
        (Timer::H, 32000),
        (Timer::D, 0),
        (Timer::I, 0),
        (Timer::J, 0),
        (Timer::K, 0),
    ] {
        assert_eq!(Config::default().duration_ms(timer), ms, "{timer:?}");
    }
}

#[test]
fn the_100_trying_copies_the_request_without_a_tag() {
    let (_, actions) = ServerTransaction::new(req("INVITE"), Config::default()).unwrap();
    let Action::Send(trying) = &actions[0] else {
        panic!("{actions:?}")
    };
    assert_eq!(
        trying.to_string(),
        "SIP/2.0 100 Trying\r\n\
         Via: SIP/2.0/WSS df7jal23ls0d.invalid;rport;branch=z9hG4bKabc\r\n\
         From: <sip:alice@example.com>;tag=ft1\r\n\
         To: <sip:bob@example.com>\r\n\
         Call-ID: call-1@example.com\r\n\
         CSeq: 7 INVITE\r\n\
         Content-Length: 0\r\n\r\n"
    );
}

#[test]
fn branch_rules() {
    assert!(check_branch("z9hG4bK1").is_ok());
    assert!(check_branch("z9hG4bK").is_err());
    assert!(check_branch("1234").is_err());
    assert!(check_branch("Z9HG4BK1").is_err());
    assert_eq!(
        ClientTransaction::start(req("INVITE"), "abc", Config::default()).unwrap_err(),
        TransactionError::InvalidBranch("abc".into())
    );
    // RFC 2543 peers (no cookie) are not supported on the server side either.
    assert_eq!(
        ServerTransaction::new(request("INVITE", "1234", HOST), Config::default()).unwrap_err(),
        TransactionError::InvalidBranch("1234".into())
    );
    let mut ack = req("ACK");
    ack.method = ccc_sip::Method::Ack;
    assert_eq!(
        ServerTransaction::new(ack.clone(), Config::default()).unwrap_err(),
        TransactionError::Ack
    );
    assert_eq!(
        ClientTransaction::start(ack, BRANCH, Config::default()).unwrap_err(),
        TransactionError::Ack
    );
    let mut bad = req("INVITE");
    bad.method = ccc_sip::Method::Bye;
    assert_eq!(
        ServerTransaction::new(bad, Config::default()).unwrap_err(),
        TransactionError::CSeqMismatch
    );
    let mut no_via = req("INVITE");
    no_via.headers.remove("Via");
    assert_eq!(
        ClientTransaction::start(no_via, BRANCH, Config::default()).unwrap_err(),
        TransactionError::MissingVia
    );
}

#[test]
fn server_matching() {
    let invite = req("INVITE");
    // A retransmission (same bytes) matches, also when the host differs in case only.
    assert!(server_matches(&invite, &invite.clone()));
    assert!(server_matches(
        &invite,
        &request("INVITE", BRANCH, "DF7JAL23LS0D.invalid")
    ));
    // The ACK for a non-2xx carries the INVITE's branch and matches it.
    let mut ack = req("ACK");
    ack.method = ccc_sip::Method::Ack;
    assert!(server_matches(&invite, &ack));
    // Another branch, another sent-by (port) or another method: another transaction.
    assert!(!server_matches(
        &invite,
        &request("INVITE", "z9hG4bKx", HOST)
    ));
    assert!(!server_matches(
        &invite,
        &request("INVITE", BRANCH, "df7jal23ls0d.invalid:8443")
    ));
    assert!(!server_matches(&invite, &req("BYE")));
    // A CANCEL shares the branch but is its own transaction; it cancels the INVITE (§9.2).
    let cancel = req("CANCEL");
    assert!(!server_matches(&invite, &cancel));
    assert!(cancel_matches(&invite, &cancel));
    assert!(!cancel_matches(
        &invite,
        &request("CANCEL", "z9hG4bKx", HOST)
    ));
    assert!(!cancel_matches(&invite, &invite));
    let ck = TransactionKey::for_received_request(&cancel).unwrap();
    let ik = TransactionKey::for_received_request(&invite).unwrap();
    assert_ne!(ck, ik);
    assert_eq!(ck.cancelled(), Some(ik.clone()));
    assert_eq!(TransactionKey::for_received_request(&ack), Some(ik.clone()));
    let (tx, _) = ServerTransaction::new(invite.clone(), Config::default()).unwrap();
    assert_eq!(tx.key(), &ik);
    assert_eq!(
        ik.to_string(),
        "Server INVITE z9hG4bKabc df7jal23ls0d.invalid"
    );
    // No RFC 3261 branch: no key, no match.
    let old = request("INVITE", "1234", HOST);
    assert_eq!(TransactionKey::for_received_request(&old), None);
    assert!(!server_matches(&old, &old));
}

#[test]
fn client_matching() {
    let invite = req("INVITE");
    assert!(client_matches(&invite, &resp(&invite, 180)));
    assert!(!client_matches(&invite, &resp(&req("CANCEL"), 200)));
    assert!(!client_matches(
        &invite,
        &resp(&request("INVITE", "z9hG4bKx", HOST), 200)
    ));
    // The sent-by is not part of the client rule.
    assert!(client_matches(
        &invite,
        &resp(&request("INVITE", BRANCH, "elsewhere"), 200)
    ));
    let (tx, _) = ClientTransaction::start(invite.clone(), BRANCH, Config::default()).unwrap();
    assert_eq!(
        tx.key(),
        &TransactionKey::for_response(&resp(&invite, 486)).unwrap()
    );
}

#[test]
fn invite_client_keeps_and_repeats_its_ack() {
    let (mut tx, _) = ClientTransaction::start(req("INVITE"), BRANCH, Config::default()).unwrap();
    let busy = resp(tx.request(), 486);
    let first = tx.handle(Event::Received(busy.clone().into()));
    let again = tx.handle(Event::Received(busy.into()));
    assert_eq!(first[0], again[0]);
    let Action::Send(Message::Request(ack)) = &again[0] else {
        panic!("{again:?}")
    };
    assert_eq!(Some(ack), tx.ack());
    assert_eq!(ack.headers.to().unwrap().tag(), Some("tt1"));
}

#[test]
fn a_sent_response_names_its_server_transaction() {
    for method in ["INVITE", "BYE", "CANCEL"] {
        let r = req(method);
        let response = resp(&r, 200);
        assert_eq!(
            TransactionKey::for_sent_response(&response),
            TransactionKey::for_received_request(&r),
            "{method}"
        );
    }
    // The sent-by host is compared lowercased, like the request's.
    let upper = request("BYE", BRANCH, "DF7JAL23LS0D.invalid");
    assert_eq!(
        TransactionKey::for_sent_response(&resp(&upper, 200)),
        TransactionKey::for_received_request(&req("BYE"))
    );
    // No RFC 3261 branch: no key.
    let old = request("BYE", "1234", HOST);
    assert_eq!(TransactionKey::for_sent_response(&resp(&old, 200)), None);
}
