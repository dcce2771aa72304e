//! The user agent driver: the sans-I/O heart of the browser soft phone, between the WebSocket
//! (RFC 7118: one SIP message per frame) and the panel.
//!
//! The edge feeds a [`UserAgent`] [`UaInput`]s — a received frame, a timer it armed that fired, the
//! WebSocket closing, what the user did — and carries out the [`UaOutput`]s in order: write a frame,
//! arm a timer, tell the panel ([`UaEvent`]). There is no clock, no randomness (identifiers come
//! from the [`IdGenerator`] passed to [`UserAgent::handle`]) and no I/O, so whole call flows run in
//! plain `cargo test`.
//!
//! What the driver owns, and the machines it drives:
//! - the §17 transactions ([`crate::transaction`]): a client transaction for every request the
//!   registration or a call sends, a server transaction for every request received;
//! - one [`Registration`] (created at the first [`UaInput::Register`], kept — same Call-ID — across
//!   un-REGISTER and REGISTER, dropped when the transport goes down);
//! - the [`Call`]s, by [`CallRef`];
//! - the timers ([`TimerId`] → what it is for);
//! - the keep-alive: with [`UaConfig::keepalive_ms`] set, a `CRLF CRLF` ping (RFC 5626 §4.4.1)
//!   every so many milliseconds while registered. A ping is chosen over OPTIONS: four bytes, no
//!   transaction, no Digest challenge to answer, and what a WebSocket SIP edge expects.
//!
//! Routing of a received frame is described in `routing.rs`: its transaction first, then the
//! registration or the call it belongs to; a new INVITE starts a call (180 Ringing at once, then
//! [`UaEvent::Incoming`]); what belongs to nobody is answered 481 / 405 / 501, OPTIONS 200.
//!
//! ```
//! use ccc_sip::ids::SeqIds;
//! use ccc_sip::ua::{UaConfig, UaInput, UaOutput, UserAgent};
//! use ccc_sip::{Scheme, SipUri};
//! let mut ua = UserAgent::new(UaConfig {
//!     aor: SipUri::new(Scheme::Sip, "example.com").with_user("alice"),
//!     username: "alice".into(),
//!     password: "secret".into(),
//!     display_name: None,
//!     registrar: SipUri::new(Scheme::Sip, "example.com"),
//!     via_host: "k6p2v.invalid".into(),
//!     via_transport: "WSS".into(),
//!     contact: SipUri::new(Scheme::Sip, "k6p2v.invalid")
//!         .with_user("k6p2v")
//!         .with_param("transport", Some("ws")),
//!     expires: 600,
//!     user_agent: "ccc-workbench".into(),
//!     keepalive_ms: 25_000,
//! });
//! let mut ids = SeqIds::new("x");
//! let out = ua.handle(UaInput::Register, &mut ids);
//! // The REGISTER, and Timer F for its transaction.
//! let [UaOutput::Send(frame), UaOutput::ArmTimer { id, after_ms: 32_000 }] = &out[..] else {
//!     panic!("{out:?}")
//! };
//! assert!(frame.starts_with(b"REGISTER sip:example.com SIP/2.0\r\n"));
//! // Nothing answered in time: the registration fails, and the same timer again does nothing.
//! let out = ua.handle(UaInput::Timer(*id), &mut ids);
//! assert!(matches!(&out[..], [UaOutput::Event(_)]));
//! assert!(ua.handle(UaInput::Timer(*id), &mut ids).is_empty());
//! ```
//!
//! # Invariants
//! - Outputs are in the order they must be carried out; every [`UaOutput::Send`] is one complete
//!   message (or the 4-byte keep-alive).
//! - A [`TimerId`] is never reused. A timer fed back twice, after [`UaInput::TransportDown`], or
//!   after what it was for is gone does nothing; nothing needs cancelling. Zero-length transaction
//!   timers (D, I, J, K on a reliable transport) are fired inside the driver, never armed.
//! - Every call the user knows of (announced by [`UaEvent::Incoming`], or placed with
//!   [`UaInput::Call`]) gets exactly one [`UaEvent::Ended`], and no event about it after that;
//!   inputs naming an unknown or ended call do nothing. Handles grow and are never reused.
//! - No request received through a server transaction is left without a final response by a call
//!   that ends (an unanswered re-INVITE gets 487).
//! - [`UaInput::TransportDown`] ends every call ([`EndReason::Transport`]), fails or ends the
//!   registration, and forgets every transaction and timer; the agent can then register again.
//! - Any frame — garbage, a mutated message, a stranger's request — yields at most answers and
//!   events that follow these rules; handling never panics.
//!
//! Not handled (yet): forking (a second early dialog to our INVITE is ignored), a re-INVITE of our
//! own (hold from our side) and 491 glare, reliable provisional responses (PRACK),
//! RFC 5626 `+sip.instance` / `reg-id` (the configuration carries no instance id).

mod calls;
mod config;
mod incoming;
mod routing;
mod timers;
mod transactions;

pub use config::UaConfig;
pub use incoming::{auto_answer, job_id, uri_user, x_headers, JOB_ID_HEADER};

use crate::call::{Call, CallConfig, CallEvent, CallState};
use crate::ids::IdGenerator;
use crate::register::{RegAction, RegEvent, RegFailure, RegNotice, RegState, Registration};
use crate::status::StatusCode;
use crate::transaction::{self, Event};
use crate::uri::SipUri;

use calls::CallEntry;
use timers::{Target, Timers};
use transactions::{ClientEntry, Owner, ServerEntry};

/// The handle of a call, stable for its whole life and never reused by a [`UserAgent`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallRef(pub u64);

/// The handle of an armed timer ([`UaOutput::ArmTimer`]); feed it back as [`UaInput::Timer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimerId(pub u64);

/// An input to the [`UserAgent`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UaInput {
    /// One received WebSocket message (text or binary).
    Frame(Vec<u8>),
    /// A timer armed by [`UaOutput::ArmTimer`] fired.
    Timer(TimerId),
    /// The WebSocket closed: everything in flight fails and is reported.
    TransportDown,
    /// Register (or refresh now if in the middle of nothing else).
    Register,
    /// Remove the binding (`Expires: 0`).
    Unregister,
    /// Place a call to `target` with the SDP offer `sdp`. Its handle is the one
    /// [`UserAgent::calls`] lists from now on that was not there before — handles only grow, so it
    /// is the highest (see [`UserAgent::newest_call`]).
    Call {
        /// The Request-URI and To.
        target: SipUri,
        /// The SDP offer.
        sdp: String,
        /// More header lines for the INVITE (`X-…`, `Subject`, `Call-Info`…); a header this crate
        /// manages (Via, From, To, Contact, CSeq…) or one that does not parse is left out.
        extra_headers: Vec<(String, String)>,
    },
    /// Answer a ringing incoming call with the SDP answer.
    Answer {
        /// Which call.
        call: CallRef,
        /// The SDP answer.
        sdp: String,
    },
    /// Decline a ringing incoming call with `status` (a 3xx–6xx; anything else means 486).
    Reject {
        /// Which call.
        call: CallRef,
        /// The final status.
        status: u16,
    },
    /// Hang up: CANCEL while our call rings, 603 while theirs rings, BYE when up (after the ACK).
    Hangup {
        /// Which call.
        call: CallRef,
    },
    /// Send a DTMF digit by SIP INFO (`application/dtmf-relay`); digits other than `0`–`9`, `*`,
    /// `#`, `A`–`D` (any case) are ignored.
    Dtmf {
        /// Which call.
        call: CallRef,
        /// The digit.
        digit: char,
        /// Its duration.
        duration_ms: u32,
    },
    /// Answer the re-INVITE announced by [`UaEvent::Reinvite`] with this SDP.
    AnswerReinvite {
        /// Which call.
        call: CallRef,
        /// The SDP answer.
        sdp: String,
    },
}

/// An output of the [`UserAgent`], to be carried out in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UaOutput {
    /// Write one WebSocket text frame.
    Send(Vec<u8>),
    /// Arm a timer; feed [`UaInput::Timer`] with `id` after `after_ms` milliseconds.
    ArmTimer {
        /// Its id.
        id: TimerId,
        /// The delay.
        after_ms: u64,
    },
    /// Tell the panel.
    Event(UaEvent),
}

/// Why a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// The far end hung up (BYE received).
    Remote,
    /// We hung up (our BYE was answered, or failed).
    Local,
    /// Cancelled before the answer: by us as caller, or by the caller while we rang.
    Cancelled,
    /// Refused before the answer with this final status: by the far end (486, 603, 404, 407 after
    /// our credentials…) or by us as callee ([`UaInput::Reject`], or 603 for a hang-up while ringing).
    Rejected {
        /// The final status.
        status: u16,
    },
    /// Our call got no final response (`None`: timeout), or a 2xx we could not use.
    Failed {
        /// The status, if one came.
        status: Option<u16>,
    },
    /// We answered but the ACK never came; we sent BYE.
    NoAck,
    /// The far end said the dialog does not exist (481 / 408 to an in-dialog request).
    DialogLost,
    /// The WebSocket closed.
    Transport,
}

impl EndReason {
    /// A stable, short text for logs and events: `Remote`, `Local`, `Cancelled`, `Rejected 486`,
    /// `Failed 408` (`Failed` without a status), `NoAck`, `DialogLost`, `Transport`.
    pub fn text(&self) -> String {
        let (word, status) = match *self {
            EndReason::Remote => ("Remote", None),
            EndReason::Local => ("Local", None),
            EndReason::Cancelled => ("Cancelled", None),
            EndReason::Rejected { status } => ("Rejected", Some(status)),
            EndReason::Failed { status } => ("Failed", status),
            EndReason::NoAck => ("NoAck", None),
            EndReason::DialogLost => ("DialogLost", None),
            EndReason::Transport => ("Transport", None),
        };
        let mut text = String::from(word);
        if let Some(status) = status {
            text.push(' ');
            let digits = status.to_string();
            text.push_str(&digits);
        }
        text
    }
}

/// What the [`UserAgent`] tells the panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UaEvent {
    /// Registered (first time or refreshed) for this many seconds.
    Registered {
        /// The granted interval.
        expires: u32,
    },
    /// The binding is removed.
    Unregistered,
    /// Registering failed (or the transport went down while registered); the agent is unregistered.
    RegistrationFailed {
        /// The final status, if one came.
        status: Option<u16>,
        /// Why, in a few words.
        reason: String,
    },
    /// An incoming call rings (180 is sent).
    Incoming {
        /// Its handle.
        call: CallRef,
        /// The caller's user part (From).
        from_user: String,
        /// The caller's display name.
        from_display: Option<String>,
        /// The user part of the To.
        to_user: String,
        /// The SDP offer (`None` for an offer-less INVITE).
        sdp: Option<String>,
        /// `Call-Info: <…>;answer-after=0`: answer without ringing.
        auto_answer: bool,
        /// The `X-*` headers of the INVITE, in order (see [`job_id`]).
        headers: Vec<(String, String)>,
    },
    /// Caller: the far end rings (180), or plays early media (183).
    Ringing {
        /// Which call.
        call: CallRef,
        /// The early media answer of a provisional response, if it carried one. The 2xx normally
        /// carries the same answer again in [`UaEvent::Answered`].
        sdp: Option<String>,
    },
    /// Caller: answered (the ACK is sent).
    Answered {
        /// Which call.
        call: CallRef,
        /// The SDP answer.
        sdp: Option<String>,
    },
    /// Callee: the ACK of our 200 came; the call is up.
    Confirmed {
        /// Which call.
        call: CallRef,
    },
    /// The far end sent a re-INVITE; answer with [`UaInput::AnswerReinvite`].
    Reinvite {
        /// Which call.
        call: CallRef,
        /// The new offer.
        sdp: Option<String>,
        /// Whether it puts us on hold (`a=sendonly` / `a=inactive`).
        hold: bool,
    },
    /// A DTMF digit came by INFO.
    Dtmf {
        /// Which call.
        call: CallRef,
        /// The digit.
        digit: char,
    },
    /// The call is over; nothing more comes about it.
    Ended {
        /// Which call.
        call: CallRef,
        /// Why.
        reason: EndReason,
    },
}

/// The keep-alive ping (RFC 5626 §4.4.1).
pub const KEEPALIVE_PING: &[u8] = b"\r\n\r\n";

/// The SIP user agent: registration, calls, transactions and timers over one WebSocket.
#[derive(Debug)]
pub struct UserAgent {
    config: UaConfig,
    tx_config: transaction::Config,
    call_config: CallConfig,
    reg: Option<Registration>,
    registered: bool,
    keepalive_generation: u64,
    clients: Vec<ClientEntry>,
    servers: Vec<ServerEntry>,
    calls: Vec<CallEntry>,
    timers: Timers,
    next_call: u64,
    /// The outputs of the input being handled.
    out: Vec<UaOutput>,
}

fn failure_text(cause: &RegFailure) -> &'static str {
    match cause {
        RegFailure::Rejected => "rejected",
        RegFailure::AuthFailed => "authentication failed",
        RegFailure::BadChallenge(_) => "unsupported challenge",
        RegFailure::IntervalTooBrief => "interval too brief",
        RegFailure::NoBinding => "no binding",
        RegFailure::Timeout => "timeout",
    }
}

/// A DTMF digit as sent, or `None` if it is not one.
fn dtmf_digit(c: char) -> Option<char> {
    let c = c.to_ascii_uppercase();
    (c.is_ascii_digit() || matches!(c, '*' | '#' | 'A'..='D')).then_some(c)
}

impl UserAgent {
    /// A user agent with nothing going on: unregistered, no call.
    pub fn new(config: UaConfig) -> Self {
        UserAgent {
            call_config: config.call_config(),
            config,
            tx_config: transaction::Config::default(),
            reg: None,
            registered: false,
            keepalive_generation: 0,
            clients: Vec::new(),
            servers: Vec::new(),
            calls: Vec::new(),
            timers: Timers::default(),
            next_call: 0,
            out: Vec::new(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &UaConfig {
        &self.config
    }

    /// Handles one input; returns what to do, in order.
    pub fn handle(&mut self, input: UaInput, ids: &mut dyn IdGenerator) -> Vec<UaOutput> {
        match input {
            UaInput::Frame(frame) => self.on_frame(&frame, ids),
            UaInput::Timer(id) => self.on_timer(id, ids),
            UaInput::TransportDown => self.transport_down(),
            UaInput::Register => {
                if self.reg.is_none() {
                    self.reg = Some(Registration::new(self.config.register_config(), ids));
                }
                self.reg_event(RegEvent::Register, ids);
            }
            UaInput::Unregister => self.reg_event(RegEvent::Unregister, ids),
            UaInput::Call {
                target,
                sdp,
                extra_headers,
            } => self.outgoing_call(target, sdp, &extra_headers, ids),
            UaInput::Answer { call, sdp } => {
                self.call_event(call, CallEvent::Answer { sdp: sdp.into() }, ids)
            }
            UaInput::Reject { call, status } => {
                let status = StatusCode::new(status)
                    .filter(|s| s.code() >= 300)
                    .unwrap_or(StatusCode::BUSY_HERE);
                self.call_event(call, CallEvent::Reject { status }, ids)
            }
            UaInput::Hangup { call } => self.call_event(call, CallEvent::Hangup, ids),
            UaInput::Dtmf {
                call,
                digit,
                duration_ms,
            } => {
                if let Some(signal) = dtmf_digit(digit) {
                    let event = CallEvent::Dtmf {
                        signal,
                        duration_ms,
                    };
                    self.call_event(call, event, ids);
                }
            }
            UaInput::AnswerReinvite { call, sdp } => {
                self.call_event(call, CallEvent::AnswerReinvite { sdp: sdp.into() }, ids)
            }
        }
        std::mem::take(&mut self.out)
    }

    /// Whether a binding is in place (true from the first 2xx to REGISTER until the un-REGISTER is
    /// answered, a refresh fails or the transport goes down; refreshes do not interrupt it).
    pub fn is_registered(&self) -> bool {
        self.registered
    }

    /// The calls in progress and their states (ended calls are gone).
    pub fn calls(&self) -> impl Iterator<Item = (CallRef, CallState)> + '_ {
        self.calls.iter().map(|c| (c.id, c.call.state()))
    }

    /// The handle of the call placed or received last, if it is still going on (after
    /// [`UaInput::Call`]: that call's handle).
    pub fn newest_call(&self) -> Option<CallRef> {
        self.calls
            .iter()
            .map(|c| c.id)
            .max()
            .filter(|c| c.0 == self.next_call)
    }

    /// The call machine behind a handle (for its Call-ID, dialog, INVITE…).
    pub fn call(&self, call: CallRef) -> Option<&Call> {
        self.calls.iter().find(|c| c.id == call).map(|c| &c.call)
    }

    /// How many transactions (client, server) and timers are held — for tests and diagnostics.
    pub fn load(&self) -> (usize, usize, usize) {
        (self.clients.len(), self.servers.len(), self.timers.len())
    }

    fn on_timer(&mut self, id: TimerId, ids: &mut dyn IdGenerator) {
        match self.timers.fire(id) {
            None => {}
            Some(Target::Client(key, timer)) => self.client_event(&key, Event::Timer(timer), ids),
            Some(Target::Server(key, timer)) => self.server_event(&key, Event::Timer(timer), ids),
            Some(Target::Refresh(generation)) => {
                self.reg_event(RegEvent::RefreshTimer(generation), ids)
            }
            Some(Target::Call(call, timer)) => self.call_event(call, CallEvent::Timer(timer), ids),
            Some(Target::Keepalive(generation))
                if generation == self.keepalive_generation && self.registered =>
            {
                self.out.push(UaOutput::Send(KEEPALIVE_PING.to_vec()));
                self.arm_keepalive();
            }
            Some(Target::Keepalive(_)) => {}
        }
    }

    fn arm_keepalive(&mut self) {
        if self.config.keepalive_ms > 0 {
            let ms = u64::from(self.config.keepalive_ms);
            self.arm(Target::Keepalive(self.keepalive_generation), ms);
        }
    }

    /// Feeds the registration, if there is one, and carries out its actions.
    fn reg_event(&mut self, event: RegEvent, ids: &mut dyn IdGenerator) {
        let Some(reg) = &mut self.reg else {
            return;
        };
        for action in reg.handle(event, ids) {
            match action {
                RegAction::Send { request, branch } => {
                    self.start_client(request, &branch, Owner::Registration, ids)
                }
                RegAction::ArmRefresh { generation, ms } => {
                    self.arm(Target::Refresh(generation), ms)
                }
                RegAction::Notify(notice) => self.reg_notice(notice),
            }
        }
    }

    fn reg_notice(&mut self, notice: RegNotice) {
        let event = match notice {
            RegNotice::Registered { expires } => {
                if !self.registered {
                    self.registered = true;
                    self.keepalive_generation += 1;
                    self.arm_keepalive();
                }
                UaEvent::Registered { expires }
            }
            RegNotice::Unregistered => {
                self.unbound();
                UaEvent::Unregistered
            }
            RegNotice::Failed { status, cause } => {
                self.unbound();
                UaEvent::RegistrationFailed {
                    status: status.map(StatusCode::code),
                    reason: failure_text(&cause).into(),
                }
            }
        };
        self.event(event);
    }

    fn unbound(&mut self) {
        self.registered = false;
        self.keepalive_generation += 1;
    }

    fn transport_down(&mut self) {
        self.end_all_calls();
        self.clients.clear();
        self.servers.clear();
        self.timers.clear();
        if let Some(reg) = self.reg.take() {
            match reg.state() {
                RegState::Unregistered => {}
                RegState::Unregistering => self.event(UaEvent::Unregistered),
                RegState::Registering | RegState::Registered => {
                    self.event(UaEvent::RegistrationFailed {
                        status: None,
                        reason: "transport down".into(),
                    })
                }
            }
        }
        self.unbound();
    }
}
