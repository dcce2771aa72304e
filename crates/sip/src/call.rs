//! Calls (RFC 3261 §13–15, §9) as a sans-I/O machine above the transactions: one [`Call`] per INVITE
//! dialog, as callee ([`Call::incoming`]) or caller ([`Call::outgoing`]).
//!
//! Like [`crate::register`], a call is a transaction user: it is fed [`CallEvent`]s (a request or a
//! response for this call, a transaction that failed, a timer, what the user did) and answers
//! [`CallAction`]s, carried out in order by the driver:
//! - [`CallAction::Send`]: start a client transaction (INVITE, CANCEL, BYE, INFO) with the branch
//!   already in the top Via, and feed its responses back as [`CallEvent::Response`];
//! - [`CallAction::SendAck`]: send the ACK for a 2xx as it is (no transaction, §13.2.2.4);
//! - [`CallAction::Respond`]: hand the response to the server transaction of the request it answers;
//! - [`CallAction::ArmTimer`]: arm a [`CallTimer`], feed it back as [`CallEvent::Timer`] (a timer that
//!   means nothing in the current state is ignored);
//! - [`CallAction::Notify`]: tell the user ([`CallNotice`]).
//!
//! Identifiers (tags, branches, Call-ID, cnonces) come from an [`IdGenerator`]; there is no clock.
//!
//! **Callee**: the INVITE → `180 Ringing` with our To tag and Contact + [`CallNotice::Incoming`]
//! (caller, SDP offer); [`CallEvent::Answer`] → `200 OK` with Contact and the SDP answer, then the
//! ACK is awaited for 64·T1 ([`CallTimer::AckWait`]; no 2xx retransmission on a reliable transport)
//! — without it the call ends with a BYE; [`CallEvent::Reject`] → 486 / 603…; a CANCEL while ringing
//! → 200 to the CANCEL and 487 to the INVITE, [`CallNotice::Cancelled`].
//!
//! **Caller**: INVITE with the SDP offer → 1xx with a To tag (early dialog, [`CallNotice::Ringing`]) →
//! 2xx → ACK through the dialog, [`CallNotice::Answered`]; one 401 / 407 is answered with Digest
//! credentials (nonce count per nonce), a second is a failure; another non-2xx is
//! [`CallNotice::Failed`]; [`CallEvent::Hangup`] while ringing sends a CANCEL (after a provisional
//! response, §9.1) and the 487 gives [`CallNotice::Cancelled`]; a 2xx that crosses the CANCEL is
//! ACKed and BYEd.
//!
//! **In the dialog**: BYE either way ([`CallNotice::Ended`]); INFO with `application/dtmf-relay`
//! both ways ([`CallEvent::Dtmf`], [`CallNotice::Dtmf`]); a re-INVITE received gives
//! [`CallNotice::Reinvite`] (with `hold` when the offer is `a=sendonly` / `a=inactive`) and the user's
//! [`CallEvent::AnswerReinvite`] is sent in a 200; OPTIONS is answered 200; a request out of CSeq order
//! 500, a stranger's 481, an unknown method 501.
//!
//! ```
//! use ccc_sip::call::{Call, CallAction, CallConfig};
//! use ccc_sip::ids::SeqIds;
//! use ccc_sip::{Scheme, SipUri};
//! let mut ids = SeqIds::new("x");
//! let config = CallConfig::new(
//!     SipUri::new(Scheme::Sip, "example.com").with_user("alice"),
//!     SipUri::new(Scheme::Sip, "k6p2v.invalid").with_user("k6p2v").with_param("transport", Some("ws")),
//!     "k6p2v.invalid",
//! );
//! let target = SipUri::new(Scheme::Sip, "example.com").with_user("bob");
//! let (call, out) = Call::outgoing(config, target, b"v=0\r\n".to_vec(), &mut ids);
//! let [CallAction::Send { request, .. }] = &out[..] else { panic!("{out:?}") };
//! assert_eq!(request.headers.call_id(), Some(call.call_id()));
//! ```

use crate::builders::{cancel_for, response_to, DEFAULT_MAX_FORWARDS};
use crate::dialog::{set_body, Dialog, DialogError, DialogState};
use crate::digest::{pick_challenge, DigestChallenge, DigestInput};
use crate::header::{CSeq, Contact, Header, MediaType, NameAddr, Via};
use crate::ids::IdGenerator;
use crate::message::{Request, Response};
use crate::method::Method;
use crate::status::StatusCode;
use crate::transaction::{cancel_matches, DEFAULT_T1_MS};
use crate::uri::SipUri;

/// The methods a call accepts, sent in Allow.
pub const ALLOWED: [Method; 6] = [
    Method::Invite,
    Method::Ack,
    Method::Cancel,
    Method::Bye,
    Method::Info,
    Method::Options,
];

/// Who we are in calls, and how we reach the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallConfig {
    /// Our address of record (From of the calls we make).
    pub local_uri: SipUri,
    /// A display name for it.
    pub display_name: Option<String>,
    /// Our Contact URI (`sip:k6p2v@k6p2v.invalid;transport=ws`).
    pub contact: SipUri,
    /// The Via transport token: `WSS` (or `WS`).
    pub via_transport: String,
    /// The Via sent-by host (the `.invalid` name of RFC 7118 §5).
    pub via_host: String,
    /// The Digest user name (for a challenged INVITE).
    pub username: String,
    /// The Digest password.
    pub password: String,
    /// A User-Agent header, if any.
    pub user_agent: Option<String>,
    /// T1 in milliseconds (the ACK wait is 64·T1).
    pub t1_ms: u64,
}

impl CallConfig {
    /// A configuration with Via transport `WSS`, T1 500 ms, no credentials, no display name, no
    /// User-Agent.
    pub fn new(local_uri: SipUri, contact: SipUri, via_host: &str) -> Self {
        CallConfig {
            local_uri,
            display_name: None,
            contact,
            via_transport: "WSS".into(),
            via_host: via_host.into(),
            username: String::new(),
            password: String::new(),
            user_agent: None,
            t1_ms: DEFAULT_T1_MS,
        }
    }

    /// The same with Digest credentials.
    pub fn with_credentials(mut self, username: &str, password: &str) -> Self {
        self.username = username.into();
        self.password = password.into();
        self
    }
}

/// Where a call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallState {
    /// Caller: the INVITE is out, nothing or only 100 back.
    Calling,
    /// Caller: a provisional response with a To tag came (early dialog).
    Ringing,
    /// Caller: the user hung up before the answer; a CANCEL is out (or waits for a provisional).
    Cancelling,
    /// Callee: the phone rings (180 sent); waiting for the user.
    Incoming,
    /// Callee: 200 sent, waiting for the ACK.
    WaitingAck,
    /// The call is up.
    Confirmed,
    /// Our BYE is out.
    Terminating,
    /// Over; nothing more happens.
    Terminated,
}

/// The timers a call arms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallTimer {
    /// Callee: the ACK for our 2xx did not come within 64·T1 (§13.3.1.4).
    AckWait,
}

/// An input to a [`Call`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallEvent {
    /// A request for this call (same Call-ID): ACK, CANCEL, BYE, INFO, OPTIONS, a re-INVITE.
    Request(Request),
    /// A response delivered by one of the client transactions this call started.
    Response(Response),
    /// The client transaction with this branch ended without a final response (timeout, transport).
    TransactionFailed {
        /// Its branch.
        branch: String,
    },
    /// A timer armed by [`CallAction::ArmTimer`] fired.
    Timer(CallTimer),
    /// Callee: the user answers with this SDP answer.
    Answer {
        /// The SDP answer.
        sdp: Vec<u8>,
    },
    /// Callee: the user declines while ringing (486 Busy Here, 603 Decline…).
    Reject {
        /// The final status (4xx–6xx).
        status: StatusCode,
    },
    /// The user hangs up: BYE when the call is up, CANCEL while the caller rings, 603 while the callee
    /// rings.
    Hangup,
    /// Send a DTMF digit by SIP INFO (`application/dtmf-relay`).
    Dtmf {
        /// The digit (`0`–`9`, `*`, `#`, `A`–`D`).
        signal: char,
        /// Its duration in milliseconds.
        duration_ms: u32,
    },
    /// The SDP answer to the re-INVITE announced by [`CallNotice::Reinvite`].
    AnswerReinvite {
        /// The SDP answer.
        sdp: Vec<u8>,
    },
}

/// Why a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// The far end sent BYE.
    Remote,
    /// We hung up (our BYE was answered, or failed).
    Local,
    /// Callee: the user rejected the call.
    Rejected,
    /// Callee: the ACK for our 2xx never came; we sent BYE.
    NoAck,
    /// The dialog died (481 / 408 to an in-dialog request).
    DialogLost,
}

/// What a call tells the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallNotice {
    /// Callee: an incoming call rings.
    Incoming {
        /// The caller (From, with its tag).
        caller: NameAddr,
        /// The SDP offer (empty for an offer-less INVITE).
        sdp: Vec<u8>,
    },
    /// Caller: the far end rings (or sent early media).
    Ringing {
        /// The provisional status (180, 183…).
        status: StatusCode,
        /// Early SDP, if any.
        sdp: Option<Vec<u8>>,
    },
    /// Caller: answered, with the SDP answer; the ACK is sent.
    Answered {
        /// The SDP answer.
        sdp: Vec<u8>,
    },
    /// Callee: the ACK came; the call is up.
    Confirmed,
    /// The far end sent a re-INVITE; answer it with [`CallEvent::AnswerReinvite`].
    Reinvite {
        /// The new offer.
        sdp: Vec<u8>,
        /// Whether it puts us on hold (`a=sendonly` or `a=inactive`).
        hold: bool,
    },
    /// A DTMF digit came by INFO.
    Dtmf {
        /// The digit.
        signal: char,
        /// Its duration in milliseconds.
        duration_ms: u32,
    },
    /// Caller: the call failed before being answered.
    Failed {
        /// The final status, if one came.
        status: Option<StatusCode>,
    },
    /// Cancelled before the answer (by the caller, on either side).
    Cancelled,
    /// The call ended.
    Ended {
        /// Why.
        reason: EndReason,
    },
}

/// An output of a [`Call`], to be carried out in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallAction {
    /// Start a client transaction for `request` (its top Via carries `branch`).
    Send {
        /// The request.
        request: Request,
        /// Its branch.
        branch: String,
    },
    /// Send this ACK for a 2xx directly (it has no transaction).
    SendAck(Request),
    /// Send this response through the server transaction of the request it answers.
    Respond(Response),
    /// Arm a timer for `ms` milliseconds.
    ArmTimer {
        /// Which.
        timer: CallTimer,
        /// The delay.
        ms: u64,
    },
    /// Tell the user.
    Notify(CallNotice),
}

/// A challenge being answered, with the nonce count used so far for its nonce.
#[derive(Debug, Clone, PartialEq, Eq)]
struct AuthState {
    challenge: DigestChallenge,
    nc: u32,
    proxy: bool,
}

/// One call.
#[derive(Debug, Clone)]
pub struct Call {
    config: CallConfig,
    state: CallState,
    call_id: String,
    /// The INVITE that created the call (ours as caller, the peer's as callee); the latest one sent as
    /// caller.
    invite: Request,
    invite_branch: String,
    local_tag: String,
    dialog: Option<Dialog>,
    is_caller: bool,
    /// Caller: a provisional response came, so a CANCEL may be sent.
    provisional: bool,
    /// Caller: the CANCEL went out.
    cancel_sent: bool,
    /// Caller: the challenge answered (only one is).
    auth: Option<AuthState>,
    /// Callee: the user hung up while the ACK was awaited.
    hangup_after_ack: bool,
    /// A re-INVITE received and not yet answered.
    reinvite: Option<Request>,
    bye_branch: Option<String>,
    end_reason: EndReason,
}

fn sdp_type() -> MediaType {
    MediaType::new("application", "sdp")
}

fn is_hold(sdp: &[u8]) -> bool {
    // `split('\n')` + `trim` sees the same lines as `lines()` (a CR is whitespace) without `Lines`.
    crate::scan::lossy(sdp).split('\n').any(|l| {
        let l = l.trim();
        l == "a=sendonly" || l == "a=inactive"
    })
}

/// Reads an `application/dtmf-relay` body (`Signal=5\r\nDuration=160`); the duration defaults to 250.
pub fn parse_dtmf_relay(body: &[u8]) -> Option<(char, u32)> {
    let text = std::str::from_utf8(body).ok()?;
    let mut signal = None;
    let mut duration = 250;
    for line in text.split('\n') {
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let k = k.trim();
        if k.eq_ignore_ascii_case("signal") {
            signal = v.trim().chars().next();
        } else if k.eq_ignore_ascii_case("duration") {
            duration = v.trim().parse().ok()?;
        }
    }
    signal.map(|s| (s, duration))
}

impl Call {
    /// The callee side: `invite` arrived (through its server transaction, which sent 100 Trying).
    /// Answers `180 Ringing` with a new To tag and our Contact, and announces the call. An INVITE that
    /// cannot create a dialog (no Contact, no From tag) is answered 400 and the call is terminated.
    pub fn incoming(
        config: CallConfig,
        invite: Request,
        ids: &mut dyn IdGenerator,
    ) -> (Call, Vec<CallAction>) {
        let local_tag = ids.tag();
        let mut call = Call {
            call_id: invite.headers.call_id().unwrap_or_default().to_owned(),
            invite_branch: invite
                .headers
                .top_via()
                .and_then(Via::branch)
                .unwrap_or_default()
                .to_owned(),
            config,
            state: CallState::Incoming,
            invite,
            local_tag,
            dialog: None,
            is_caller: false,
            provisional: false,
            cancel_sent: false,
            auth: None,
            hangup_after_ack: false,
            reinvite: None,
            bye_branch: None,
            end_reason: EndReason::Remote,
        };
        let ringing = call.uas_response(&call.invite, StatusCode::RINGING, None);
        match Dialog::uas(&call.invite, &ringing) {
            Ok(d) => call.dialog = Some(d),
            Err(_) => {
                call.state = CallState::Terminated;
                let bad = call.plain_response(&call.invite, 400);
                return (call, vec![CallAction::Respond(bad)]);
            }
        }
        let notice = CallNotice::Incoming {
            caller: call
                .invite
                .headers
                .from()
                .cloned()
                .expect("dialog has From"),
            sdp: call.invite.body.clone(),
        };
        (
            call,
            vec![CallAction::Respond(ringing), CallAction::Notify(notice)],
        )
    }

    /// The caller side: an INVITE to `target` with the SDP `offer` (a new Call-ID and From tag, CSeq 1).
    pub fn outgoing(
        config: CallConfig,
        target: SipUri,
        offer: Vec<u8>,
        ids: &mut dyn IdGenerator,
    ) -> (Call, Vec<CallAction>) {
        Call::outgoing_with_headers(config, target, offer, Vec::new(), ids)
    }

    /// [`Call::outgoing`] with `extra` header lines (`X-…`, `Subject`, `Call-Info`…) placed after
    /// User-Agent. They stay in the INVITE resent with credentials after a challenge. The caller
    /// passes only headers the call does not manage itself (never Via, From, To, Call-ID, CSeq,
    /// Contact, Content-Type or Content-Length).
    pub fn outgoing_with_headers(
        config: CallConfig,
        target: SipUri,
        offer: Vec<u8>,
        extra: Vec<Header>,
        ids: &mut dyn IdGenerator,
    ) -> (Call, Vec<CallAction>) {
        let call_id = ids.call_id();
        let local_tag = ids.tag();
        let branch = ids.branch();
        let mut from = NameAddr::new(config.local_uri.clone());
        if let Some(d) = &config.display_name {
            from = from.with_display(d);
        }
        let mut req = Request::new(Method::Invite, target.clone());
        let h = &mut req.headers;
        h.push(Header::Via(vec![Via::new(
            &config.via_transport,
            &config.via_host,
            &branch,
        )]));
        h.push(Header::MaxForwards(DEFAULT_MAX_FORWARDS));
        h.push(Header::From(from.with_param("tag", Some(&local_tag))));
        h.push(Header::To(NameAddr::new(target)));
        h.push(Header::CallId(call_id.clone()));
        h.push(Header::CSeq(CSeq {
            seq: 1,
            method: Method::Invite,
        }));
        h.push(Header::Contact(Contact::List(vec![NameAddr::new(
            config.contact.clone(),
        )])));
        h.push(Header::Allow(ALLOWED.to_vec()));
        if let Some(ua) = &config.user_agent {
            h.push(Header::UserAgent(ua.clone()));
        }
        for header in extra {
            h.push(header);
        }
        h.push(Header::ContentLength(0));
        set_body(&mut req, sdp_type(), offer);
        let call = Call {
            config,
            state: CallState::Calling,
            call_id,
            invite: req.clone(),
            invite_branch: branch.clone(),
            local_tag,
            dialog: None,
            is_caller: true,
            provisional: false,
            cancel_sent: false,
            auth: None,
            hangup_after_ack: false,
            reinvite: None,
            bye_branch: None,
            end_reason: EndReason::Local,
        };
        (
            call,
            vec![CallAction::Send {
                request: req,
                branch,
            }],
        )
    }

    /// The state.
    pub fn state(&self) -> CallState {
        self.state
    }

    /// The Call-ID.
    pub fn call_id(&self) -> &str {
        &self.call_id
    }

    /// Whether we placed the call.
    pub fn is_caller(&self) -> bool {
        self.is_caller
    }

    /// The dialog, once there is one.
    pub fn dialog(&self) -> Option<&Dialog> {
        self.dialog.as_ref()
    }

    /// The INVITE of the call (the last one sent, as caller).
    pub fn invite(&self) -> &Request {
        &self.invite
    }

    /// Feeds one event; returns what to do.
    pub fn handle(&mut self, event: CallEvent, ids: &mut dyn IdGenerator) -> Vec<CallAction> {
        if self.state == CallState::Terminated {
            // A stray request still deserves an answer (but never an ACK).
            return match event {
                CallEvent::Request(r) if r.method != Method::Ack => {
                    vec![CallAction::Respond(self.plain_response(&r, 481))]
                }
                _ => Vec::new(),
            };
        }
        match event {
            CallEvent::Request(r) => self.on_request(r, ids),
            CallEvent::Response(r) => self.on_response(r, ids),
            CallEvent::TransactionFailed { branch } => self.on_failure(&branch),
            CallEvent::Timer(CallTimer::AckWait) => {
                if self.state != CallState::WaitingAck {
                    return Vec::new();
                }
                self.end_reason = EndReason::NoAck;
                self.bye(ids)
            }
            CallEvent::Answer { sdp } => self.answer(sdp),
            CallEvent::Reject { status } => {
                if self.state != CallState::Incoming || !status.is_final() || status.is_success() {
                    return Vec::new();
                }
                self.reject(status)
            }
            CallEvent::Hangup => self.hangup(ids),
            CallEvent::Dtmf {
                signal,
                duration_ms,
            } => self.send_dtmf(signal, duration_ms, ids),
            CallEvent::AnswerReinvite { sdp } => {
                let Some(re) = self.reinvite.take() else {
                    return Vec::new();
                };
                let mut ok = self.uas_response(&re, StatusCode::OK, Some(sdp));
                ok.headers
                    .insert(ok.headers.len() - 2, Header::Allow(ALLOWED.to_vec()));
                vec![CallAction::Respond(ok)]
            }
        }
    }

    // ---- callee ----

    /// A response from us as UAS: our To tag; Contact for 1xx/2xx to an INVITE; the SDP when given.
    fn uas_response(&self, req: &Request, status: StatusCode, sdp: Option<Vec<u8>>) -> Response {
        let mut r = response_to(req, status, Some(&self.local_tag));
        if req.method == Method::Invite && status.code() < 300 {
            // §12.1.1: the Record-Route of a dialog-creating request is copied into the response.
            for rr in req
                .headers
                .iter()
                .filter(|h| matches!(h, Header::RecordRoute(_)))
            {
                let at = r.headers.len() - 1;
                r.headers.insert(at, rr.clone());
            }
            let at = r.headers.len() - 1;
            r.headers.insert(
                at,
                Header::Contact(Contact::List(vec![NameAddr::new(
                    self.config.contact.clone(),
                )])),
            );
        }
        if let Some(body) = sdp {
            let at = r.headers.len() - 1;
            r.headers.insert(at, Header::ContentType(sdp_type()));
            r.body = body;
        }
        r
    }

    fn plain_response(&self, req: &Request, code: u16) -> Response {
        let status = StatusCode::new(code).unwrap_or(StatusCode::OK);
        let tag = (!self.local_tag.is_empty()).then_some(self.local_tag.as_str());
        response_to(req, status, tag)
    }

    fn answer(&mut self, sdp: Vec<u8>) -> Vec<CallAction> {
        if self.state != CallState::Incoming {
            return Vec::new();
        }
        let ok = self.uas_response(&self.invite, StatusCode::OK, Some(sdp));
        if let Ok(d) = Dialog::uas(&self.invite, &ok) {
            self.dialog = Some(d);
        }
        self.state = CallState::WaitingAck;
        vec![
            CallAction::Respond(ok),
            CallAction::ArmTimer {
                timer: CallTimer::AckWait,
                ms: 64 * self.config.t1_ms,
            },
        ]
    }

    fn reject(&mut self, status: StatusCode) -> Vec<CallAction> {
        let r = self.uas_response(&self.invite, status, None);
        self.finish(EndReason::Rejected);
        vec![
            CallAction::Respond(r),
            CallAction::Notify(CallNotice::Ended {
                reason: EndReason::Rejected,
            }),
        ]
    }

    fn finish(&mut self, reason: EndReason) {
        self.state = CallState::Terminated;
        self.end_reason = reason;
        if let Some(d) = &mut self.dialog {
            d.terminate();
        }
    }

    fn on_request(&mut self, r: Request, ids: &mut dyn IdGenerator) -> Vec<CallAction> {
        if r.method == Method::Cancel {
            return self.on_cancel(r);
        }
        let in_dialog = self.dialog.as_ref().is_some_and(|d| d.matches(&r));
        if !in_dialog {
            if r.method == Method::Ack {
                return Vec::new();
            }
            return vec![CallAction::Respond(self.plain_response(&r, 481))];
        }
        if r.method == Method::Ack {
            return self.on_ack(&r, ids);
        }
        let checked = self.dialog.as_mut().map(|d| d.receive(&r));
        match checked {
            Some(Ok(())) => {}
            Some(Err(DialogError::OutOfOrder { .. })) => {
                return vec![CallAction::Respond(self.plain_response(&r, 500))]
            }
            Some(Err(DialogError::Missing(_))) => {
                return vec![CallAction::Respond(self.plain_response(&r, 400))]
            }
            _ => return vec![CallAction::Respond(self.plain_response(&r, 481))],
        }
        match r.method {
            Method::Bye => {
                let ok = self.plain_response(&r, 200);
                let mut out = vec![CallAction::Respond(ok)];
                if self.state == CallState::Incoming {
                    // A BYE on an early dialog (§15.1.2): the INVITE is answered 487.
                    let t = self.uas_response(&self.invite, StatusCode::REQUEST_TERMINATED, None);
                    out.push(CallAction::Respond(t));
                }
                self.finish(EndReason::Remote);
                out.push(CallAction::Notify(CallNotice::Ended {
                    reason: EndReason::Remote,
                }));
                out
            }
            Method::Info => {
                let mut out = vec![CallAction::Respond(self.plain_response(&r, 200))];
                let dtmf = r
                    .headers
                    .content_type()
                    .is_some_and(|t| t.is("application", "dtmf-relay"));
                if dtmf {
                    if let Some((signal, duration_ms)) = parse_dtmf_relay(&r.body) {
                        out.push(CallAction::Notify(CallNotice::Dtmf {
                            signal,
                            duration_ms,
                        }));
                    }
                }
                out
            }
            Method::Options => {
                let mut ok = self.plain_response(&r, 200);
                let at = ok.headers.len() - 1;
                ok.headers.insert(at, Header::Allow(ALLOWED.to_vec()));
                vec![CallAction::Respond(ok)]
            }
            Method::Invite => {
                if self.state != CallState::Confirmed || self.reinvite.is_some() {
                    // §14.2: an INVITE while one is pending.
                    return vec![CallAction::Respond(self.plain_response(&r, 500))];
                }
                let hold = is_hold(&r.body);
                let sdp = r.body.clone();
                self.reinvite = Some(r);
                vec![CallAction::Notify(CallNotice::Reinvite { sdp, hold })]
            }
            _ => vec![CallAction::Respond(self.plain_response(&r, 501))],
        }
    }

    fn on_ack(&mut self, r: &Request, ids: &mut dyn IdGenerator) -> Vec<CallAction> {
        let invite_seq = self.invite.headers.cseq().map(|c| c.seq);
        if self.state != CallState::WaitingAck || r.headers.cseq().map(|c| c.seq) != invite_seq {
            return Vec::new(); // the ACK of a re-INVITE's 200, or a duplicate
        }
        self.state = CallState::Confirmed;
        let mut out = vec![CallAction::Notify(CallNotice::Confirmed)];
        if self.hangup_after_ack {
            self.end_reason = EndReason::Local;
            out.extend(self.bye(ids));
        }
        out
    }

    fn on_cancel(&mut self, r: Request) -> Vec<CallAction> {
        if self.is_caller || !cancel_matches(&self.invite, &r) {
            return vec![CallAction::Respond(self.plain_response(&r, 481))];
        }
        // §9.2: the CANCEL is answered 200 with the same To tag as the INVITE's responses.
        let mut out = vec![CallAction::Respond(self.plain_response(&r, 200))];
        if self.state == CallState::Incoming {
            let t = self.uas_response(&self.invite, StatusCode::REQUEST_TERMINATED, None);
            out.push(CallAction::Respond(t));
            self.finish(EndReason::Remote);
            out.push(CallAction::Notify(CallNotice::Cancelled));
        }
        out
    }

    // ---- both ----

    fn hangup(&mut self, ids: &mut dyn IdGenerator) -> Vec<CallAction> {
        match self.state {
            CallState::Incoming => self.reject(StatusCode::new(603).expect("603")),
            CallState::WaitingAck => {
                // §15: no BYE before the ACK (or its timeout).
                self.hangup_after_ack = true;
                Vec::new()
            }
            CallState::Confirmed => {
                self.end_reason = EndReason::Local;
                self.bye(ids)
            }
            CallState::Calling | CallState::Ringing => {
                self.state = CallState::Cancelling;
                if self.provisional {
                    self.cancel()
                } else {
                    Vec::new()
                }
            }
            _ => Vec::new(),
        }
    }

    fn via(&self, branch: &str) -> Via {
        Via::new(&self.config.via_transport, &self.config.via_host, branch)
    }

    fn bye(&mut self, ids: &mut dyn IdGenerator) -> Vec<CallAction> {
        let branch = ids.branch();
        let via = self.via(&branch);
        let Some(d) = &mut self.dialog else {
            return Vec::new();
        };
        let request = d.request(Method::Bye, via);
        self.state = CallState::Terminating;
        self.bye_branch = Some(branch.clone());
        vec![CallAction::Send { request, branch }]
    }

    fn send_dtmf(
        &mut self,
        signal: char,
        duration_ms: u32,
        ids: &mut dyn IdGenerator,
    ) -> Vec<CallAction> {
        if self.state != CallState::Confirmed {
            return Vec::new();
        }
        let branch = ids.branch();
        let via = self.via(&branch);
        let Some(d) = &mut self.dialog else {
            return Vec::new();
        };
        let mut request = d.request(Method::Info, via);
        let body = format!("Signal={signal}\r\nDuration={duration_ms}");
        set_body(
            &mut request,
            MediaType::new("application", "dtmf-relay"),
            body.into_bytes(),
        );
        vec![CallAction::Send { request, branch }]
    }

    fn on_failure(&mut self, branch: &str) -> Vec<CallAction> {
        if self.bye_branch.as_deref() == Some(branch) && self.state == CallState::Terminating {
            let reason = self.end_reason;
            self.finish(reason);
            return vec![CallAction::Notify(CallNotice::Ended { reason })];
        }
        if self.is_caller && branch == self.invite_branch {
            return match self.state {
                CallState::Calling | CallState::Ringing => {
                    self.finish(EndReason::Local);
                    vec![CallAction::Notify(CallNotice::Failed { status: None })]
                }
                CallState::Cancelling => {
                    self.finish(EndReason::Local);
                    vec![CallAction::Notify(CallNotice::Cancelled)]
                }
                _ => Vec::new(),
            };
        }
        Vec::new()
    }

    // ---- caller ----

    fn cancel(&mut self) -> Vec<CallAction> {
        self.cancel_sent = true;
        let request = cancel_for(&self.invite);
        vec![CallAction::Send {
            request,
            branch: self.invite_branch.clone(),
        }]
    }

    fn on_response(&mut self, r: Response, ids: &mut dyn IdGenerator) -> Vec<CallAction> {
        if r.headers.call_id() != Some(self.call_id.as_str()) {
            return Vec::new();
        }
        let Some(cseq) = r.headers.cseq().cloned() else {
            return Vec::new();
        };
        match cseq.method {
            Method::Invite if self.is_caller => {
                let current = self.invite.headers.cseq().map(|c| c.seq);
                if Some(cseq.seq) != current {
                    return Vec::new();
                }
                match self.state {
                    CallState::Calling | CallState::Ringing | CallState::Cancelling => {
                        self.on_invite_response(r, ids)
                    }
                    CallState::Confirmed if r.status.is_success() => {
                        // A retransmitted 2xx: ACK it again.
                        self.ack(ids).into_iter().collect()
                    }
                    _ => Vec::new(),
                }
            }
            Method::Bye => {
                if self.state != CallState::Terminating || !r.status.is_final() {
                    return Vec::new();
                }
                let reason = self.end_reason;
                self.finish(reason);
                vec![CallAction::Notify(CallNotice::Ended { reason })]
            }
            Method::Cancel => Vec::new(),
            m => {
                let Some(d) = &mut self.dialog else {
                    return Vec::new();
                };
                d.on_response(&m, &r);
                if d.state() == DialogState::Terminated
                    && matches!(self.state, CallState::Confirmed | CallState::WaitingAck)
                {
                    self.finish(EndReason::DialogLost);
                    return vec![CallAction::Notify(CallNotice::Ended {
                        reason: EndReason::DialogLost,
                    })];
                }
                Vec::new()
            }
        }
    }

    fn ack(&mut self, ids: &mut dyn IdGenerator) -> Option<CallAction> {
        let via = self.via(&ids.branch());
        let ack = self.dialog.as_ref()?.ack(via)?;
        Some(CallAction::SendAck(ack))
    }

    fn on_invite_response(&mut self, r: Response, ids: &mut dyn IdGenerator) -> Vec<CallAction> {
        let code = r.status.code();
        if r.status.is_provisional() {
            self.provisional = true;
            let mut out = Vec::new();
            if code > 100 && r.headers.to().and_then(NameAddr::tag).is_some() {
                if self.dialog.is_none() {
                    self.dialog = Dialog::uac(&self.invite, &r).ok();
                }
                if self.state == CallState::Calling {
                    self.state = CallState::Ringing;
                }
                let sdp = (!r.body.is_empty()).then(|| r.body.clone());
                out.push(CallAction::Notify(CallNotice::Ringing {
                    status: r.status,
                    sdp,
                }));
            }
            if self.state == CallState::Cancelling && !self.cancel_sent {
                // The CANCEL waited for this first provisional response (§9.1).
                out.extend(self.cancel());
            }
            return out;
        }
        if r.status.is_success() {
            match Dialog::uac(&self.invite, &r) {
                Ok(d) => self.dialog = Some(d),
                Err(_) => {
                    self.finish(EndReason::Local);
                    return vec![CallAction::Notify(CallNotice::Failed {
                        status: Some(r.status),
                    })];
                }
            }
            let mut out: Vec<CallAction> = self.ack(ids).into_iter().collect();
            if self.state == CallState::Cancelling {
                // The 2xx crossed our CANCEL: confirm and hang up at once (§9.1, §15).
                self.end_reason = EndReason::Local;
                out.extend(self.bye(ids));
                return out;
            }
            self.state = CallState::Confirmed;
            out.push(CallAction::Notify(CallNotice::Answered { sdp: r.body }));
            return out;
        }
        if (code == 401 || code == 407)
            && self.auth.is_none()
            && self.state != CallState::Cancelling
        {
            let proxy = code == 407;
            let picked = if proxy {
                pick_challenge(r.headers.proxy_authenticate())
            } else {
                pick_challenge(r.headers.www_authenticate())
            };
            if let Some((_, challenge)) = picked {
                self.auth = Some(AuthState {
                    challenge,
                    nc: 0,
                    proxy,
                });
                return self.resend_invite(ids);
            }
        }
        let cancelled = self.state == CallState::Cancelling;
        self.finish(EndReason::Local);
        if cancelled && code == 487 {
            return vec![CallAction::Notify(CallNotice::Cancelled)];
        }
        vec![CallAction::Notify(CallNotice::Failed {
            status: Some(r.status),
        })]
    }

    /// The INVITE again with a new branch, the next CSeq and our answer to the challenge (§22.2).
    fn resend_invite(&mut self, ids: &mut dyn IdGenerator) -> Vec<CallAction> {
        let branch = ids.branch();
        let mut req = self.invite.clone();
        let seq = req.headers.cseq().map_or(1, |c| c.seq + 1);
        let uri = req.uri.to_string();
        let mut cred = None;
        if let Some(a) = &mut self.auth {
            a.nc += 1;
            let cnonce = ids.cnonce();
            cred = Some((
                a.challenge.respond(&DigestInput {
                    username: &self.config.username,
                    password: &self.config.password,
                    method: "INVITE",
                    uri: &uri,
                    body: &req.body,
                    cnonce: &cnonce,
                    nc: a.nc,
                }),
                a.proxy,
            ));
        }
        let via = self.via(&branch);
        let mut headers = crate::header::Headers::new();
        for h in req.headers.iter() {
            match h {
                Header::Via(_) => headers.push(Header::Via(vec![via.clone()])),
                Header::CSeq(_) => headers.push(Header::CSeq(CSeq {
                    seq,
                    method: Method::Invite,
                })),
                Header::Authorization(_) | Header::ProxyAuthorization(_) => {}
                Header::ContentType(_) => {
                    if let Some((c, proxy)) = cred.take() {
                        headers.push(if proxy {
                            Header::ProxyAuthorization(c)
                        } else {
                            Header::Authorization(c)
                        });
                    }
                    headers.push(h.clone());
                }
                _ => headers.push(h.clone()),
            }
        }
        req.headers = headers;
        self.invite = req.clone();
        self.invite_branch = branch.clone();
        self.provisional = false;
        vec![CallAction::Send {
            request: req,
            branch,
        }]
    }
}
