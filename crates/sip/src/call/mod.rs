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
//!
//! # Layout
//! One idea per file: `call/incoming.rs` is the callee (the INVITE received, answer, reject, the ACK
//! awaited, a CANCEL), `call/outgoing.rs` the caller (the INVITE sent, its responses, the Digest
//! answer, CANCEL), `call/in_dialog.rs` what happens once there is a dialog (BYE, INFO DTMF, OPTIONS,
//! a re-INVITE); this file holds the vocabulary and routes each [`CallEvent`] to them.

mod in_dialog;
mod incoming;
mod outgoing;

pub use in_dialog::parse_dtmf_relay;

use crate::builders::response_to;
use crate::dialog::{Dialog, DialogError};
use crate::header::{MediaType, NameAddr, Via};
use crate::ids::IdGenerator;
use crate::message::{Request, Response};
use crate::method::Method;
use crate::status::StatusCode;
use crate::transaction::DEFAULT_T1_MS;
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
    auth: Option<outgoing::AuthState>,
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

impl Call {
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
            CallEvent::AnswerReinvite { sdp } => self.answer_reinvite(sdp),
        }
    }

    fn plain_response(&self, req: &Request, code: u16) -> Response {
        let status = StatusCode::new(code).unwrap_or(StatusCode::OK);
        let tag = (!self.local_tag.is_empty()).then_some(self.local_tag.as_str());
        response_to(req, status, tag)
    }

    fn finish(&mut self, reason: EndReason) {
        self.state = CallState::Terminated;
        self.end_reason = reason;
        if let Some(d) = &mut self.dialog {
            d.terminate();
        }
    }

    /// A request for this call: a CANCEL to the callee, an ACK to the call waiting for it, anything else
    /// checked against the dialog first.
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
        self.in_dialog_request(r)
    }

    /// The user hangs up: what that means depends on where the call stands.
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

    /// A client transaction of ours ended without a final response.
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

    /// A response to one of our requests: the INVITE's to the caller's side, the others to the dialog's.
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
            Method::Bye => self.on_bye_response(&r),
            Method::Cancel => Vec::new(),
            m => self.on_dialog_response(&m, &r),
        }
    }
}
