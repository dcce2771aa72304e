//! Deterministic fuzzing of the driver: a registered user agent with calls in every state is fed
//! thousands of random inputs — frames built from the live dialogs, replies to what it sent, its own
//! frames echoed back, random mutations of all of these, garbage, timers (live, stale, unknown),
//! user actions on real and unknown calls, the transport going down. Properties: no panic; every
//! frame sent parses; a call is announced once, ends at most once, and nothing is said about it
//! after it ended or before it was announced.

mod phone;

use std::collections::HashSet;

use ccc_sip::ua::{CallRef, TimerId, UaEvent, UaInput, UaOutput, KEEPALIVE_PING};
use ccc_sip::{Message, Request, Response, Scheme, SipUri};
use phone::{reply, wire, Phone};

/// xorshift64*.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

const SPECIAL: &[u8] = b" \t\r\n:;,=<>\"@0123456789aZ\x00\xff";

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(v.len() + 1);
        match rng.below(6) {
            0 if at < v.len() => v[at] = *rng.pick(SPECIAL),
            1 => v.insert(at, *rng.pick(SPECIAL)),
            2 if at < v.len() => {
                v.remove(at);
            }
            3 => {
                let len = rng.below(40).min(v.len() - at);
                let piece = v[at..at + len].to_vec();
                let to = rng.below(v.len() + 1);
                v.splice(to..to, piece);
            }
            4 => v.truncate(at),
            _ if at < v.len() => v[at] ^= 1 << rng.below(8),
            _ => {}
        }
    }
    v
}

const OFFER: &str =
    "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=sendrecv\r\n";
const METHODS: [&str; 10] = [
    "BYE", "INFO", "INVITE", "ACK", "CANCEL", "OPTIONS", "UPDATE", "NOTIFY", "MESSAGE", "FOO",
];
const CODES: [u16; 12] = [100, 180, 183, 200, 202, 401, 407, 481, 486, 487, 500, 603];

/// A request from the far end shaped after `r` (a response we sent: its From is the far end, its
/// To carries our tag), with a random method, CSeq and branch — possibly a fresh INVITE.
fn remote_request(rng: &mut Rng, r: &Response, forced: Option<&'static str>) -> Vec<u8> {
    let h = &r.headers;
    let (Some(from), Some(to), Some(call_id), Some(cseq)) =
        (h.from(), h.to(), h.call_id(), h.cseq())
    else {
        return Vec::new();
    };
    let method = forced.unwrap_or_else(|| *rng.pick(&METHODS));
    let seq = match method {
        "ACK" | "CANCEL" if rng.below(4) > 0 => cseq.seq,
        _ if forced.is_some() => cseq.seq + 1 + rng.below(3) as u32,
        _ => cseq.seq.wrapping_add(rng.below(4) as u32).saturating_sub(1),
    };
    let branch = match rng.below(3) {
        0 => h
            .top_via()
            .and_then(|v| v.branch())
            .unwrap_or("x")
            .to_owned(),
        _ => format!("z9hG4bKf{}", rng.next() % 1000),
    };
    let to = if rng.below(4) == 0 {
        let mut t = to.clone();
        t.params.remove("tag");
        t
    } else {
        to.clone()
    };
    let (ctype, body) = match (method, rng.below(3)) {
        ("INFO", _) => (
            "Content-Type: application/dtmf-relay\n",
            "Signal=5\nDuration=100".to_owned(),
        ),
        ("INVITE", 0) => (
            "Content-Type: application/sdp\n",
            OFFER.replace("sendrecv", "sendonly"),
        ),
        ("INVITE", _) => ("Content-Type: application/sdp\n", OFFER.to_owned()),
        _ => ("", String::new()),
    };
    let via = h.top_via().map(|v| v.host.clone()).unwrap_or_default();
    wire(&format!(
        "{method} sip:k6p2v@df7jal23ls0d.invalid;transport=ws SIP/2.0
Via: SIP/2.0/WSS {via};branch={branch}
Max-Forwards: 70
From: {from}
To: {to}
Call-ID: {call_id}
CSeq: {seq} {method}
Contact: <sip:far@192.0.2.10>
{ctype}Content-Length: {{len}}

{body}"
    ))
}

fn new_invite(n: u64, auto: bool) -> Vec<u8> {
    let info = if auto {
        "Call-Info: <sip:x>;answer-after=0\n"
    } else {
        ""
    };
    wire(&format!(
        "INVITE sip:k6p2v@df7jal23ls0d.invalid;transport=ws SIP/2.0
Via: SIP/2.0/WSS proxy.example.com;branch=z9hG4bKi{n}
Max-Forwards: 70
From: \"Far {n}\" <sip:far{n}@example.com>;tag=f{n}
To: <sip:alice@example.com>
Call-ID: fuzz-{n}
CSeq: 1 INVITE
Contact: <sip:far{n}@192.0.2.10>
X-CCC-JobId: j{n}
{info}Content-Type: application/sdp
Content-Length: {{len}}

{OFFER}"
    ))
}

/// Everything the user agent said, checked as it goes.
#[derive(Default)]
struct Watch {
    announced: HashSet<u64>,
    ended: HashSet<u64>,
    sent_requests: Vec<Request>,
    sent_responses: Vec<Response>,
    sent_frames: Vec<Vec<u8>>,
    timers: Vec<TimerId>,
    /// How many events of each kind (Debug name) were seen.
    kinds: std::collections::BTreeMap<String, usize>,
}

impl Watch {
    fn check(&mut self, outputs: Vec<UaOutput>, step: usize) {
        for o in outputs {
            match o {
                UaOutput::Send(frame) => {
                    if frame == KEEPALIVE_PING {
                        continue;
                    }
                    match Message::parse(&frame) {
                        Ok(Message::Request(r)) => self.sent_requests.push(r),
                        Ok(Message::Response(r)) => self.sent_responses.push(r),
                        Err(e) => panic!("step {step}: sent a frame that does not parse: {e}"),
                    }
                    self.sent_frames.push(frame);
                }
                UaOutput::ArmTimer { id, .. } => self.timers.push(id),
                UaOutput::Event(e) => self.event(e, step),
            }
        }
    }

    fn event(&mut self, e: UaEvent, step: usize) {
        let kind = format!("{e:?}");
        let kind = kind
            .split([' ', '{', '('])
            .next()
            .unwrap_or_default()
            .to_owned();
        *self.kinds.entry(kind).or_default() += 1;
        let call = match &e {
            UaEvent::Incoming { call, .. } => {
                assert!(
                    self.announced.insert(call.0),
                    "step {step}: announced twice: {e:?}"
                );
                return;
            }
            UaEvent::Ringing { call, .. }
            | UaEvent::Answered { call, .. }
            | UaEvent::Confirmed { call }
            | UaEvent::Reinvite { call, .. }
            | UaEvent::Dtmf { call, .. }
            | UaEvent::Ended { call, .. } => call.0,
            _ => return,
        };
        assert!(
            self.announced.contains(&call),
            "step {step}: about a call not announced: {e:?}"
        );
        assert!(
            !self.ended.contains(&call),
            "step {step}: after Ended: {e:?}"
        );
        if matches!(e, UaEvent::Ended { .. }) {
            self.ended.insert(call);
        }
    }
}

fn run(seed: u64, steps: usize) -> Watch {
    let mut rng = Rng(seed | 1);
    let mut p = Phone::alice();
    let mut w = Watch::default();
    let mut invites = 0;
    let mut step = 0;
    let feed = |p: &mut Phone, w: &mut Watch, input: UaInput, step: usize| {
        let placing = matches!(input, UaInput::Call { .. });
        let out = p.ua.handle(input, &mut p.ids);
        if placing {
            // The call placed is the newest one; the user knows of it from now on.
            let call = p.ua.newest_call().expect("a call placed is listed");
            assert!(w.announced.insert(call.0), "step {step}: handle reused");
            *w.kinds.entry("Placed".into()).or_default() += 1;
        }
        w.check(out, step);
    };
    feed(&mut p, &mut w, UaInput::Register, step);
    while step < steps {
        step += 1;
        let calls = 1 + w.announced.len() as u64 + 1;
        let input = match rng.below(22) {
            // A reply to something we sent (mostly the latest).
            0..=4 if !w.sent_requests.is_empty() => {
                let n = w.sent_requests.len();
                let i = n - 1 - rng.below(n.min(4));
                let req = w.sent_requests[i].clone();
                let code = *rng.pick(&CODES);
                let tag = (code > 100).then(|| format!("r{}", rng.below(2)));
                let extra: &[&str] = match code {
                    401 => &["WWW-Authenticate: Digest realm=\"x\", nonce=\"n\""],
                    407 => &["Proxy-Authenticate: Digest realm=\"x\", nonce=\"n\", qop=\"auth\""],
                    180 | 183 | 200 | 202 => &["Contact: <sip:far@192.0.2.10>"],
                    _ => &[],
                };
                let mut r = reply(&req, code, tag.as_deref(), extra);
                if code == 200 && rng.below(2) == 0 {
                    r.body = OFFER.as_bytes().to_vec();
                }
                let bytes = Message::from(r).to_bytes();
                UaInput::Frame(if rng.below(5) == 0 {
                    mutate(&mut rng, &bytes)
                } else {
                    bytes
                })
            }
            // The far end speaks in a dialog we answered in.
            5..=8 if !w.sent_responses.is_empty() => {
                let n = w.sent_responses.len();
                let r = w.sent_responses[n - 1 - rng.below(n.min(3))].clone();
                let bytes = remote_request(&mut rng, &r, None);
                UaInput::Frame(if rng.below(5) == 0 {
                    mutate(&mut rng, &bytes)
                } else {
                    bytes
                })
            }
            // The far end goes on in the dialog of the latest 2xx to an INVITE we sent.
            18..=19 => {
                let ok = w.sent_responses.iter().rev().find(|r| {
                    r.status.is_success()
                        && r.headers
                            .cseq()
                            .is_some_and(|c| c.method == ccc_sip::Method::Invite)
                });
                match ok.cloned() {
                    Some(ok) => {
                        let method = *rng.pick(&["ACK", "ACK", "INVITE", "INFO", "BYE"]);
                        UaInput::Frame(remote_request(&mut rng, &ok, Some(method)))
                    }
                    None => UaInput::Timer(TimerId(0)),
                }
            }
            9 => {
                invites += 1;
                let auto = rng.below(2) == 0;
                UaInput::Frame(new_invite(invites, auto))
            }
            // Our own frames echoed, or mutated.
            10 if !w.sent_frames.is_empty() => {
                let f = rng.pick(&w.sent_frames).clone();
                UaInput::Frame(if rng.below(2) == 0 {
                    mutate(&mut rng, &f)
                } else {
                    f
                })
            }
            11 => {
                let base = new_invite(rng.next() % 5, false);
                UaInput::Frame(mutate(&mut rng, &base))
            }
            12..=13 if !w.timers.is_empty() => UaInput::Timer(*rng.pick(&w.timers)),
            14 => UaInput::Timer(TimerId(rng.next() % 64)),
            15 => {
                let live: Vec<u64> = w.announced.difference(&w.ended).copied().collect();
                let call = if live.is_empty() || rng.below(4) == 0 {
                    CallRef(rng.next() % calls)
                } else {
                    CallRef(*rng.pick(&live))
                };
                match rng.below(6) {
                    0 => UaInput::Answer {
                        call,
                        sdp: OFFER.into(),
                    },
                    1 => UaInput::Reject {
                        call,
                        status: *rng.pick(&[0, 180, 486, 603, 700]),
                    },
                    2 => UaInput::Hangup { call },
                    3 => UaInput::Dtmf {
                        call,
                        digit: *rng.pick(&['1', '#', 'x']),
                        duration_ms: 100,
                    },
                    4 => UaInput::AnswerReinvite {
                        call,
                        sdp: OFFER.into(),
                    },
                    _ => UaInput::Call {
                        target: SipUri::new(Scheme::Sip, "example.com").with_user("bob"),
                        sdp: OFFER.into(),
                        extra_headers: vec![("X-A".into(), "1".into())],
                    },
                }
            }
            16 => rng.pick(&[UaInput::Register, UaInput::Unregister]).clone(),
            17 if rng.below(8) == 0 => UaInput::TransportDown,
            _ => {
                let junk: Vec<u8> = (0..rng.below(64)).map(|_| rng.next() as u8).collect();
                UaInput::Frame(junk)
            }
        };
        feed(&mut p, &mut w, input, step);
        // Keep the pools small so replies stay relevant.
        if w.sent_requests.len() > 64 {
            w.sent_requests.drain(..32);
        }
        if w.sent_responses.len() > 64 {
            w.sent_responses.drain(..32);
        }
        if w.sent_frames.len() > 64 {
            w.sent_frames.drain(..32);
        }
        if w.timers.len() > 256 {
            w.timers.drain(..128);
        }
    }
    // Whatever happened, the transport going down ends every call still open.
    let open: Vec<u64> = p.ua.calls().map(|(c, _)| c.0).collect();
    let out = p.ua.handle(UaInput::TransportDown, &mut p.ids);
    w.check(out, steps + 1);
    for c in open {
        assert!(
            w.ended.contains(&c) || !w.announced.contains(&c),
            "call {c} never ended"
        );
    }
    assert_eq!(p.ua.load(), (0, 0, 0));
    w
}

#[test]
fn random_inputs_never_break_the_rules() {
    let mut kinds = std::collections::BTreeMap::<String, usize>::new();
    for seed in 1..=50u64 {
        let w = run(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15), 500);
        for (k, n) in w.kinds {
            *kinds.entry(k).or_default() += n;
        }
    }
    // The fuzzer really drove calls through their lives, both ways.
    for kind in [
        "Registered",
        "Incoming",
        "Placed",
        "Ringing",
        "Answered",
        "Confirmed",
        "Reinvite",
        "Dtmf",
        "Ended",
    ] {
        assert!(
            kinds.get(kind).copied().unwrap_or(0) >= 5,
            "{kind}: {kinds:?}"
        );
    }
}
