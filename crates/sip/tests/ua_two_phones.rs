//! Two user agents wired back to back through a "proxy" that moves every frame one sends to the
//! other, rewriting nothing: Alice calls Bob, Bob answers, DTMF by INFO both ways, Bob hangs up —
//! and the cancelled and the refused call. Events are checked on both sides.

mod phone;

use ccc_sip::ua::{CallRef, EndReason, UaEvent, UaInput, UaOutput};
use ccc_sip::{Scheme, SipUri};
use phone::{config, Out, Phone};

struct Net {
    alice: Phone,
    bob: Phone,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Side {
    Alice,
    Bob,
}

/// What each side told its user during one exchange.
#[derive(Debug, Default)]
struct Heard {
    alice: Vec<UaEvent>,
    bob: Vec<UaEvent>,
}

impl Net {
    fn new() -> Self {
        Net {
            alice: Phone::new(config("alice", "a7x9.invalid"), "a"),
            bob: Phone::new(config("bob", "b3k2.invalid"), "b"),
        }
    }

    fn phone(&mut self, side: Side) -> &mut Phone {
        match side {
            Side::Alice => &mut self.alice,
            Side::Bob => &mut self.bob,
        }
    }

    /// Gives `input` to `side`, then moves frames between the two until both are quiet.
    fn run(&mut self, side: Side, input: UaInput) -> Heard {
        let mut heard = Heard::default();
        let mut queue = vec![(side, self.phone(side).input(input))];
        let mut hops = 0;
        while let Some((from, out)) = queue.pop() {
            let Out(outputs) = out;
            let to = match from {
                Side::Alice => Side::Bob,
                Side::Bob => Side::Alice,
            };
            for o in outputs {
                match o {
                    UaOutput::Send(frame) => {
                        hops += 1;
                        assert!(hops < 100, "ping-pong");
                        let reply = self.phone(to).frame(frame);
                        queue.insert(0, (to, reply));
                    }
                    UaOutput::Event(e) => match from {
                        Side::Alice => heard.alice.push(e),
                        Side::Bob => heard.bob.push(e),
                    },
                    UaOutput::ArmTimer { .. } => {}
                }
            }
        }
        heard
    }

    fn quiet(&self) {
        for p in [&self.alice, &self.bob] {
            assert_eq!(p.ua.calls().count(), 0);
            let (clients, servers, _) = p.ua.load();
            assert_eq!((clients, servers), (0, 0));
        }
    }
}

fn bob_uri() -> SipUri {
    SipUri::new(Scheme::Sip, "example.com").with_user("bob")
}

const OFFER: &str = "v=0\r\no=alice 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=sendrecv\r\n";
const ANSWER: &str = "v=0\r\no=bob 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=sendrecv\r\n";

fn call(net: &mut Net) -> Heard {
    net.run(
        Side::Alice,
        UaInput::Call {
            target: bob_uri(),
            sdp: OFFER.into(),
            extra_headers: vec![("X-CCC-JobId".into(), "job-1".into())],
        },
    )
}

#[test]
fn alice_calls_bob_dtmf_both_ways_bob_hangs_up() {
    let mut net = Net::new();
    let heard = call(&mut net);
    let a = CallRef(1);
    let b = CallRef(1);
    assert_eq!(heard.alice, [UaEvent::Ringing { call: a, sdp: None }]);
    assert_eq!(
        heard.bob,
        [UaEvent::Incoming {
            call: b,
            from_user: "alice".into(),
            from_display: None,
            to_user: "bob".into(),
            sdp: Some(OFFER.into()),
            auto_answer: false,
            headers: vec![("X-CCC-JobId".into(), "job-1".into())],
        }]
    );

    let heard = net.run(
        Side::Bob,
        UaInput::Answer {
            call: b,
            sdp: ANSWER.into(),
        },
    );
    assert_eq!(
        heard.alice,
        [UaEvent::Answered {
            call: a,
            sdp: Some(ANSWER.into())
        }]
    );
    assert_eq!(heard.bob, [UaEvent::Confirmed { call: b }]);

    for digit in ['1', '*'] {
        let heard = net.run(
            Side::Alice,
            UaInput::Dtmf {
                call: a,
                digit,
                duration_ms: 100,
            },
        );
        assert!(heard.alice.is_empty());
        assert_eq!(heard.bob, [UaEvent::Dtmf { call: b, digit }]);
    }
    let heard = net.run(
        Side::Bob,
        UaInput::Dtmf {
            call: b,
            digit: '#',
            duration_ms: 250,
        },
    );
    assert_eq!(
        heard.alice,
        [UaEvent::Dtmf {
            call: a,
            digit: '#'
        }]
    );
    assert!(heard.bob.is_empty());

    let heard = net.run(Side::Bob, UaInput::Hangup { call: b });
    assert_eq!(
        heard.alice,
        [UaEvent::Ended {
            call: a,
            reason: EndReason::Remote
        }]
    );
    assert_eq!(
        heard.bob,
        [UaEvent::Ended {
            call: b,
            reason: EndReason::Local
        }]
    );
    net.quiet();
}

#[test]
fn alice_cancels_while_bob_rings() {
    let mut net = Net::new();
    call(&mut net);
    let heard = net.run(Side::Alice, UaInput::Hangup { call: CallRef(1) });
    assert_eq!(
        heard.alice,
        [UaEvent::Ended {
            call: CallRef(1),
            reason: EndReason::Cancelled
        }]
    );
    assert_eq!(
        heard.bob,
        [UaEvent::Ended {
            call: CallRef(1),
            reason: EndReason::Cancelled
        }]
    );
    net.quiet();
}

#[test]
fn bob_refuses_then_answers_a_second_call_that_alice_ends() {
    let mut net = Net::new();
    call(&mut net);
    let heard = net.run(
        Side::Bob,
        UaInput::Reject {
            call: CallRef(1),
            status: 486,
        },
    );
    let busy = EndReason::Rejected { status: 486 };
    assert_eq!(
        heard.alice,
        [UaEvent::Ended {
            call: CallRef(1),
            reason: busy
        }]
    );
    assert_eq!(
        heard.bob,
        [UaEvent::Ended {
            call: CallRef(1),
            reason: busy
        }]
    );
    net.quiet();

    // Handles are never reused.
    let heard = call(&mut net);
    assert_eq!(
        heard.alice,
        [UaEvent::Ringing {
            call: CallRef(2),
            sdp: None
        }]
    );
    assert_eq!(net.alice.ua.newest_call(), Some(CallRef(2)));
    net.run(
        Side::Bob,
        UaInput::Answer {
            call: CallRef(2),
            sdp: ANSWER.into(),
        },
    );
    let heard = net.run(Side::Alice, UaInput::Hangup { call: CallRef(2) });
    assert_eq!(
        heard.alice,
        [UaEvent::Ended {
            call: CallRef(2),
            reason: EndReason::Local
        }]
    );
    assert_eq!(
        heard.bob,
        [UaEvent::Ended {
            call: CallRef(2),
            reason: EndReason::Remote
        }]
    );
    net.quiet();
}
