//! RFC 3261 §17 transactions for a reliable transport (SIP over WebSocket, RFC 7118), as sans-I/O state
//! machines.
//!
//! A transaction is fed [`Event`]s — a received [`Message`], a response the TU wants sent
//! ([`Event::Respond`]), a [`Timer`] that fired, a transport error — and answers with [`Action`]s: send
//! this message, arm this timer for so many milliseconds, deliver this message to the TU, the
//! transaction is over (and why). There is no clock and no randomness: the caller owns the timers and
//! passes the branch id in.
//!
//! On a reliable transport no request or response is retransmitted by the transaction, so timers A, E
//! and G do not exist; B, F and H are 64·T1 and D, I, J and K are zero (RFC 3261 §17.1.1.2, §17.1.2.2,
//! §17.2.1, §17.2.2). Zero-length timers are still reported ([`Action::ArmTimer`] with `ms: 0`) so the
//! state sequence is the RFC's; the driver fires them at once. A timer that fires in a state where it
//! means nothing is ignored, so the driver never needs to cancel one.
//!
//! - [`ClientTransaction`]: INVITE (Calling → Proceeding → Completed → Terminated; the ACK for a non-2xx
//!   final response is built and sent inside the transaction, §17.1.1.3; a 2xx terminates it and the
//!   ACK is the dialog's) and non-INVITE (Trying → Proceeding → Completed → Terminated).
//! - [`ServerTransaction`]: INVITE (Proceeding → Completed → Confirmed → Terminated; a 2xx terminates it
//!   and the ACK for it goes to the TU) and non-INVITE (Trying → Proceeding → Completed → Terminated).
//! - [`TransactionKey`], [`client_matches`], [`server_matches`], [`cancel_matches`]: the matching rules
//!   of §17.1.3 and §17.2.3 (and §9.2 for a CANCEL finding its INVITE) as pure functions.
//!
//! ```
//! use ccc_sip::transaction::{Action, ClientState, ClientTransaction, Config, Event, Termination, Timer};
//! use ccc_sip::{builders, Message, StatusCode};
//! let Message::Request(invite) = Message::parse(
//!     b"INVITE sip:bob@b.example SIP/2.0\r\nVia: SIP/2.0/WSS a.invalid\r\nMax-Forwards: 70\r\n\
//!       From: <sip:alice@a.example>;tag=1\r\nTo: <sip:bob@b.example>\r\nCall-ID: c1\r\n\
//!       CSeq: 1 INVITE\r\n\r\n",
//! )?
//! else { unreachable!() };
//! let (mut tx, out) = ClientTransaction::start(invite, "z9hG4bK1", Config::default()).unwrap();
//! assert!(matches!(&out[..], [Action::Send(_), Action::ArmTimer { timer: Timer::B, ms: 32_000 }]));
//! let busy = builders::response_to(tx.request(), StatusCode::BUSY_HERE, Some("2"));
//! let out = tx.handle(Event::Received(busy.into()));
//! // The ACK goes out from inside the transaction, the 486 goes up, Timer D is zero on WebSocket.
//! assert!(matches!(&out[..], [Action::Send(_), Action::Deliver(_), Action::ArmTimer { timer: Timer::D, ms: 0 }]));
//! assert_eq!(tx.state(), ClientState::Completed);
//! assert_eq!(tx.handle(Event::Timer(Timer::D)), [Action::Terminated(Termination::Normal)]);
//! # Ok::<(), ccc_sip::ParseError>(())
//! ```

mod client;
mod server;

use std::fmt;

use crate::header::Via;
use crate::message::{Message, Request, Response};
use crate::method::Method;

pub use client::{ClientState, ClientTransaction};
pub use server::{ServerState, ServerTransaction};

/// The magic cookie that starts every RFC 3261 branch id (§8.1.1.7).
pub const BRANCH_COOKIE: &str = "z9hG4bK";

/// The default T1, the RTT estimate (§17.1.1.1): 500 ms.
pub const DEFAULT_T1_MS: u64 = 500;

/// Transaction settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// T1 in milliseconds; timers B, F and H are 64·T1.
    pub t1_ms: u64,
    /// Whether an INVITE server transaction answers `100 Trying` at once (§17.2.1: it must unless the TU
    /// answers within 200 ms, which a sans-I/O machine cannot know).
    pub send_100_trying: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            t1_ms: DEFAULT_T1_MS,
            send_100_trying: true,
        }
    }
}

impl Config {
    /// How long `timer` runs on a reliable transport: 64·T1 for B, F and H, zero for the others.
    pub fn duration_ms(&self, timer: Timer) -> u64 {
        match timer {
            Timer::B | Timer::F | Timer::H => 64 * self.t1_ms,
            Timer::D | Timer::I | Timer::J | Timer::K => 0,
        }
    }
}

/// The §17 timers that exist on a reliable transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timer {
    /// INVITE client: transaction timeout (64·T1).
    B,
    /// INVITE client: wait for response retransmissions (0).
    D,
    /// Non-INVITE client: transaction timeout (64·T1).
    F,
    /// Non-INVITE client: wait for response retransmissions (0).
    K,
    /// INVITE server: wait for the ACK (64·T1).
    H,
    /// INVITE server: wait for ACK retransmissions (0).
    I,
    /// Non-INVITE server: wait for request retransmissions (0).
    J,
}

/// An input to a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A message arrived from the transport (a response for a client transaction, a request for a
    /// server one). Messages that do not match the transaction are ignored.
    Received(Message),
    /// The TU wants this response sent (server transactions only).
    Respond(Response),
    /// A timer armed earlier fired.
    Timer(Timer),
    /// The transport failed to send (the WebSocket closed).
    TransportError,
}

/// Why a transaction ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Termination {
    /// It ran to its end: a final response was received or sent (and, for INVITE, acknowledged).
    Normal,
    /// The timer fired before it could complete (B, F: no final response; H: no ACK).
    Timeout(Timer),
    /// The transport failed.
    TransportError,
}

/// An output of a transaction, to be carried out in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Send this message on the transport.
    Send(Message),
    /// Arm `timer` to fire after `ms` milliseconds (then feed [`Event::Timer`]).
    ArmTimer {
        /// Which timer.
        timer: Timer,
        /// Its duration.
        ms: u64,
    },
    /// Hand this message to the transaction user.
    Deliver(Message),
    /// The transaction is over; drop it.
    Terminated(Termination),
}

/// Why a transaction could not be created.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransactionError {
    /// The request has no Via.
    #[error("the request has no Via")]
    MissingVia,
    /// The request has no CSeq.
    #[error("the request has no CSeq")]
    MissingCSeq,
    /// The CSeq method is not the request method.
    #[error("the CSeq method is not the request method")]
    CSeqMismatch,
    /// The branch is absent or does not start with `z9hG4bK` (RFC 2543 matching is not supported).
    #[error("branch {0:?} is not an RFC 3261 branch (z9hG4bK…)")]
    InvalidBranch(String),
    /// ACK never creates a transaction (§17.1: the ACK for a 2xx is the TU's; for a non-2xx it belongs
    /// to the INVITE transaction).
    #[error("ACK does not create a transaction")]
    Ack,
}

/// Checks that `branch` is an RFC 3261 branch: `z9hG4bK` followed by at least one more character.
pub fn check_branch(branch: &str) -> Result<(), TransactionError> {
    if branch.len() > BRANCH_COOKIE.len() && branch.starts_with(BRANCH_COOKIE) {
        Ok(())
    } else {
        Err(TransactionError::InvalidBranch(branch.to_owned()))
    }
}

/// Which side of a transaction a key identifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// A client transaction (we sent the request).
    Client,
    /// A server transaction (we received the request).
    Server,
}

/// The identity of a transaction, for a map from keys to transactions.
///
/// Client keys (§17.1.3) are the branch and the CSeq method; `sent_by` is `None`. Server keys (§17.2.3)
/// are the branch, the sent-by of the top Via (host lowercased, port as written) and the method, with
/// ACK counted as INVITE. A CANCEL has its own key (method CANCEL); [`TransactionKey::cancelled`] gives
/// the key of the INVITE it cancels.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TransactionKey {
    /// Client or server.
    pub role: Role,
    /// The top Via's branch.
    pub branch: String,
    /// The top Via's sent-by (server keys only).
    pub sent_by: Option<(String, Option<u16>)>,
    /// The method of the request that created the transaction.
    pub method: Method,
}

fn sent_by(via: &Via) -> (String, Option<u16>) {
    (via.host.to_ascii_lowercase(), via.port)
}

impl TransactionKey {
    /// The key of the client transaction a received response belongs to (§17.1.3: top Via branch and
    /// CSeq method). `None` without a branch or CSeq.
    pub fn for_response(response: &Response) -> Option<TransactionKey> {
        let branch = response.headers.top_via()?.branch()?.to_owned();
        Some(TransactionKey {
            role: Role::Client,
            branch,
            sent_by: None,
            method: response.headers.cseq()?.method.clone(),
        })
    }

    /// The key of the client transaction for a request we send.
    pub fn for_sent_request(request: &Request) -> Option<TransactionKey> {
        Some(TransactionKey {
            role: Role::Client,
            branch: request.headers.top_via()?.branch()?.to_owned(),
            sent_by: None,
            method: request.method.clone(),
        })
    }

    /// The key of the server transaction a received request belongs to (§17.2.3: top Via branch and
    /// sent-by, and the method with ACK counted as INVITE). `None` without an RFC 3261 branch.
    pub fn for_received_request(request: &Request) -> Option<TransactionKey> {
        let via = request.headers.top_via()?;
        let branch = via.branch()?;
        check_branch(branch).ok()?;
        let method = match request.method {
            Method::Ack => Method::Invite,
            ref m => m.clone(),
        };
        Some(TransactionKey {
            role: Role::Server,
            branch: branch.to_owned(),
            sent_by: Some(sent_by(via)),
            method,
        })
    }

    /// The key of the server transaction a response we send belongs to: the §17.2.3 key of its
    /// request, read from the top Via and the CSeq that [`crate::builders::response_to`] copied (the
    /// method is the CSeq's). `None` without an RFC 3261 branch or a CSeq.
    pub fn for_sent_response(response: &Response) -> Option<TransactionKey> {
        let via = response.headers.top_via()?;
        let branch = via.branch()?;
        check_branch(branch).ok()?;
        Some(TransactionKey {
            role: Role::Server,
            branch: branch.to_owned(),
            sent_by: Some(sent_by(via)),
            method: response.headers.cseq()?.method.clone(),
        })
    }

    /// For a CANCEL's key, the key of the transaction it cancels (same branch and sent-by, method
    /// INVITE; §9.2). `None` for any other method.
    pub fn cancelled(&self) -> Option<TransactionKey> {
        (self.method == Method::Cancel).then(|| TransactionKey {
            method: Method::Invite,
            ..self.clone()
        })
    }
}

impl fmt::Display for TransactionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} {} {}", self.role, self.method, self.branch)?;
        if let Some((host, port)) = &self.sent_by {
            write!(f, " {host}")?;
            if let Some(p) = port {
                write!(f, ":{p}")?;
            }
        }
        Ok(())
    }
}

/// §17.1.3: whether `response` belongs to the client transaction that sent `request` — same top Via
/// branch and the CSeq method equal to the request's method.
pub fn client_matches(request: &Request, response: &Response) -> bool {
    let (Some(a), Some(b)) = (
        TransactionKey::for_sent_request(request),
        TransactionKey::for_response(response),
    ) else {
        return false;
    };
    a == b
}

/// §17.2.3: whether `incoming` belongs to the server transaction created by `original` — same top Via
/// branch (an RFC 3261 one) and sent-by, and the same method, except that an ACK matches an INVITE.
/// A CANCEL does not match its INVITE here (it is a transaction of its own); see [`cancel_matches`].
pub fn server_matches(original: &Request, incoming: &Request) -> bool {
    let (Some(a), Some(b)) = (
        TransactionKey::for_received_request(original),
        TransactionKey::for_received_request(incoming),
    ) else {
        return false;
    };
    original.method != Method::Ack && a == b
}

/// §9.2: whether the CANCEL `cancel` cancels the server transaction created by `invite` (the §17.2.3
/// rule with the CANCEL's method taken as INVITE).
pub fn cancel_matches(invite: &Request, cancel: &Request) -> bool {
    if cancel.method != Method::Cancel || invite.method == Method::Ack {
        return false;
    }
    let (Some(a), Some(b)) = (
        TransactionKey::for_received_request(invite),
        TransactionKey::for_received_request(cancel).and_then(|k| k.cancelled()),
    ) else {
        return false;
    };
    a == b
}

/// The CSeq and Via checks shared by both sides; returns the branch.
fn check_request(request: &Request) -> Result<&str, TransactionError> {
    if request.method == Method::Ack {
        return Err(TransactionError::Ack);
    }
    let cseq = request
        .headers
        .cseq()
        .ok_or(TransactionError::MissingCSeq)?;
    if cseq.method != request.method {
        return Err(TransactionError::CSeqMismatch);
    }
    let via = request
        .headers
        .top_via()
        .ok_or(TransactionError::MissingVia)?;
    let branch = via.branch().unwrap_or("");
    check_branch(branch)?;
    Ok(branch)
}
