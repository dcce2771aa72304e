//! `ccc-sip`: a sans-I/O SIP stack for the workbench's browser soft phone (and for the emulator's SIP side,
//! `crates/server/src/sip`, which places its calls to the agents with [`call::Call`]).
//!
//! SIP over WebSocket (RFC 7118) from a browser: every frame carries one message, the transport is
//! reliable, and the WebSocket and `RTCPeerConnection` stay with the caller (the panel crate's
//! `softphone/transport.rs` and `softphone/peer.rs`). This crate holds only
//! pure code — no web-sys, no tokio, no clock, no randomness, no I/O — so it builds natively and for
//! `wasm32-unknown-unknown`, and every rule is tested with plain `cargo test`.
//!
//! ```
//! use ccc_sip::{Message, Method};
//! let frame = b"OPTIONS sip:127.0.0.1;transport=ws SIP/2.0\r\nv: SIP/2.0/WS a.invalid;branch=z9hG4bK1\r\n\
//!               CSeq: 1 OPTIONS\r\nl: 0\r\n\r\n";
//! let msg = Message::parse(frame)?;
//! assert_eq!(msg.headers().cseq().unwrap().method, Method::Options);
//! assert_eq!(msg.headers().top_via().unwrap().branch(), Some("z9hG4bK1"));
//! assert!(msg.to_string().contains("\r\nVia: SIP/2.0/WS a.invalid;branch=z9hG4bK1\r\n"));
//! # Ok::<(), ccc_sip::ParseError>(())
//! ```
//!
//! # Layers (bottom up)
//! 1. **Grammar**: [`Message`] parsing and printing (RFC 3261 §7, §20, §25), typed [`Header`]s, [`Uri`],
//!    and [`digest`] authentication. Parsing never panics; malformed input is a [`ParseError`] with a
//!    byte offset.
//! 2. **Transactions**: [`transaction`] — the RFC 3261 §17 client and server state
//!    machines for a reliable transport (timers A/E/G do not exist, B/F/H are 64·T1, D/I/J/K are zero),
//!    fed [`Event`]s (a received message, a response from the TU, a timer expiry, a transport error)
//!    and answering [`Action`]s (send, arm a timer, deliver to the TU, terminated with a reason); the
//!    §17.1.3 / §17.2.3 matching rules as pure functions; [`builders`] for responses, the ACK of a
//!    non-2xx and CANCEL.
//! 3. **Dialogs and registration**: [`dialog`] (§12: early / confirmed / terminated,
//!    tags, CSeq in both directions, remote target, route set — reversed for the UAC — and the
//!    in-dialog requests and the ACK for a 2xx), [`register`] (a sans-I/O REGISTER machine: RFC 5626
//!    Contact, digest answers with nonce counts, 423, refresh timer, un-REGISTER). Identifiers come from
//!    an injected [`ids::IdGenerator`].
//! 4. **Calls**: [`call`] — a sans-I/O INVITE machine above the transactions, joined
//!    to a [`dialog::Dialog`]: callee (180 with our tag, 200 with the SDP answer, the ACK awaited for
//!    64·T1 then BYE, 486 / 603, CANCEL → 200 + 487) and caller (INVITE with the offer, early dialog,
//!    ACK for the 2xx, one Digest answer to 401 / 407, CANCEL while ringing), BYE both ways, INFO DTMF
//!    (`application/dtmf-relay`) both ways, a received re-INVITE (hold) answered with the user's SDP,
//!    OPTIONS answered 200 — emitting notices the panel folds into its state.
//! 5. **The user agent driver**: [`ua`] — [`ua::UserAgent`] owns the client and server
//!    transactions, the registration, the calls and the timers; it is fed [`ua::UaInput`]s (one
//!    WebSocket frame, a timer that fired, the transport going down, what the user did) and answers
//!    [`ua::UaOutput`]s (a frame to send, a timer to arm, a [`ua::UaEvent`] for the panel). It routes
//!    each received message to its transaction and then to the registration or the right call,
//!    starts calls on new INVITEs (auto answer from `Call-Info: …;answer-after=0`, the `X-*` headers
//!    such as `X-CCC-JobId` kept), answers what belongs to nobody (481, 405, 501, OPTIONS 200),
//!    fires the zero-length transaction timers itself and sends a `CRLF CRLF` keep-alive while
//!    registered. The browser edge (WebSocket, `RTCPeerConnection`, `setTimeout`) is only plumbing.
//!
//! # Layout
//! - [`error`]: [`ParseError`] and its [`ErrorKind`]s.
//! - [`method`], [`status`]: request methods and status codes.
//! - [`uri`]: `sip:`/`sips:` URIs (user, password, host, port, parameters, headers) and other schemes.
//! - [`params`]: `;name=value` parameter lists shared by URIs and headers.
//! - [`header`]: header names (compact forms), the [`Header`] enum, [`Headers`] with typed accessors,
//!   and the value types ([`Via`], [`NameAddr`], [`CSeq`], [`Auth`], [`MediaType`], …).
//! - [`message`]: [`Message`] = [`Request`] | [`Response`]; framing of one WebSocket frame.
//! - [`digest`]: Digest answers (MD5, MD5-sess, SHA-256, SHA-256-sess; qop auth / auth-int / none).
//! - [`transaction`]: [`ClientTransaction`] (INVITE: Calling → Proceeding → Completed → Terminated, the
//!   ACK for a non-2xx built and sent inside; non-INVITE: Trying → Proceeding → Completed → Terminated),
//!   [`ServerTransaction`] (INVITE: Proceeding → Completed → Confirmed → Terminated, a 2xx ends it and
//!   its ACK goes to the TU; non-INVITE: Trying → Proceeding → Completed → Terminated), [`Timer`],
//!   [`TransactionKey`] and the matching functions. No clock, no randomness: the caller arms the timers
//!   and passes the branch (`z9hG4bK…`) in; T1 is configurable (500 ms by default).
//! - [`ids`]: [`ids::IdGenerator`] (branches, tags, Call-IDs, cnonces) and the counting [`ids::SeqIds`].
//! - [`register`]: [`register::Registration`] fed [`register::RegEvent`]s (register, unregister, the
//!   final response of its REGISTER transaction, transaction failure, refresh timer) answering
//!   [`register::RegAction`]s (start a client transaction for this REGISTER, arm the refresh timer,
//!   notify registered / unregistered / failed with the status).
//! - [`dialog`]: [`dialog::Dialog`] built by [`dialog::Dialog::uac`] / [`dialog::Dialog::uas`],
//!   [`dialog::Dialog::request`] (BYE, re-INVITE, INFO…), [`dialog::Dialog::ack`],
//!   [`dialog::Dialog::receive`] (CSeq order, target refresh) and [`dialog::Dialog::on_response`].
//! - [`call`]: [`call::Call`] built by [`call::Call::incoming`] / [`call::Call::outgoing`], fed
//!   [`call::CallEvent`]s (requests and responses of the call, transaction failures, the ACK timer, the
//!   user's answer / reject / hang-up / DTMF / re-INVITE answer) answering [`call::CallAction`]s (start
//!   a client transaction, send the 2xx ACK, respond through a server transaction, arm a timer, notify).
//!   One idea per file: `call/incoming.rs` (the callee), `call/outgoing.rs` (the caller, its Digest
//!   answer and CANCEL), `call/in_dialog.rs` (BYE, INFO DTMF, OPTIONS, re-INVITE), `call/mod.rs` (the
//!   vocabulary and where each event goes).
//! - [`builders`]: a response to a request (§8.2.6.2), the ACK for a non-2xx (§17.1.1.3), a CANCEL
//!   (§9.1).
//! - [`ua`]: [`ua::UserAgent`] with [`ua::UaConfig`], [`ua::UaInput`], [`ua::UaOutput`],
//!   [`ua::UaEvent`], [`ua::EndReason`], [`ua::CallRef`], [`ua::TimerId`]; the helpers
//!   [`ua::auto_answer`], [`ua::x_headers`] and [`ua::job_id`]. One idea per file: `ua/routing.rs`
//!   (a frame to its transaction, then its owner; strays), `ua/transactions.rs` (the tables, carrying
//!   out transaction actions), `ua/calls.rs` (call actions and notices → events, dropping ended
//!   calls), `ua/timers.rs` (timer ids → targets), `ua/incoming.rs` (what an INVITE tells),
//!   `ua/config.rs`.
//!
//! # Invariants
//! - For every input, [`Message::parse`] returns `Ok` or `Err`; it does not panic.
//! - If `Message::parse(b)` gives `m`, then `Message::parse(&m.to_bytes())` gives a message equal to `m`
//!   (checked by `tests/mutations.rs` on thousands of mutated messages and by the `fuzz/` target).
//! - Printing is canonical, and canonical input prints byte for byte as it came in (golden tests).
//! - A transaction never sends, arms or delivers anything after it reported [`Action::Terminated`]; an
//!   event that means nothing in its state (a stale timer, a stranger's message) yields no action.
//! - The same holds for a [`register::Registration`]: a response to anything but the REGISTER in
//!   flight, or a refresh timer of an older generation, yields no action; a second challenge for the
//!   nonce just answered is a failure, never a loop.
//! - A [`ua::UserAgent`] tells about every call the user knows of until exactly one
//!   [`ua::UaEvent::Ended`], then nothing more; a timer fed back twice or late does nothing; no frame
//!   makes it panic (`tests/ua_fuzz.rs`).
//! - A [`call::Call`] that is terminated sends, arms and notifies nothing more (a stray request is
//!   answered 481, an ACK ignored); it sends no BYE before the ACK of its 2xx (or its timeout) and no
//!   CANCEL before a provisional response; it answers one challenge per call, never loops.

#![warn(missing_docs)]

pub mod builders;
pub mod call;
pub mod dialog;
pub mod digest;
pub mod error;
pub mod header;
pub mod ids;
pub mod message;
pub mod method;
pub mod params;
pub mod register;
mod scan;
pub mod status;
pub mod transaction;
pub mod ua;
pub mod uri;

pub use error::{ErrorKind, ParseError, Result};
pub use header::{
    Auth, CSeq, Challenge, Contact, Credentials, Header, Headers, MediaType, NameAddr, TokenParams,
    Via,
};
pub use message::{Message, Request, Response};
pub use method::Method;
pub use params::{Param, Params};
pub use scan::{quote, unquote};
pub use status::StatusCode;
pub use transaction::{
    Action, ClientState, ClientTransaction, Event, ServerState, ServerTransaction, Termination,
    Timer, TransactionKey,
};
pub use uri::{Scheme, SipUri, Uri};
