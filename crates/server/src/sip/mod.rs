//! The emulator's voice side: a SIP registrar and call controller for the browser soft phone, over
//! WebSocket (RFC 7118), with media through `ccc-media`'s bridge.
//!
//! # Conventions
//! - `GET /emulator/ws/sip`, subprotocol `sip` (else 400); one SIP message per text frame; a CRLFCRLF
//!   keep-alive ping is answered with a CRLF pong (RFC 5626); OPTIONS is answered 200.
//! - GetLoginDetails announces `SipServerUrl` = `ws://<host>/emulator/ws/sip` (host as for `AgentServerUrl`),
//!   `Extension`, and `Signature2` (= `Signature`) = the agent's SIP password, random per server run. The
//!   phone registers `sip:<Extension>@<host>` with digest username = Extension (see [`registrar`]).
//! - When the emulator gives a registered agent a leg in a call, the emulator sends it an INVITE over that
//!   agent's WebSocket: Request-URI = the registered Contact, `From: "<number>" <sip:<number>@ccc-emulator>`
//!   (the other end of the agent's leg: the customer, the calling agent, or — the emulator's own choice —
//!   the dialled number for the agent's own MakeCall), `To: <sip:<extension>@<host>>`, `X-CCC-JobId`, and an
//!   SDP offer from the bridge. A leg the agent is *offered* (RINGING: inbound, internal callee, transfer and
//!   consultation targets) rings; any other (MakeCall's first leg, supervisors' legs) carries
//!   `Call-Info: <sip:emulator>;answer-after=0`.
//! - The phone's `200 OK` is AnswerCall (idempotent with the API: whichever comes first answers); a 486 /
//!   600 / 603 rejects the ringing call (BREAK `RejectCall`); a BYE from the phone is ReleaseCall; INFO
//!   `application/dtmf-relay` is SendDtmfSignaling. When the agent's leg ends in the emulator the phone gets
//!   a BYE (a CANCEL while ringing).
//! - Media: one bridge; per call a simulated customer (a tone, [`crate::EmulatorConfig::customer_tone_hz`])
//!   per customer leg and a music source for hold; who hears whom is [`media::hear_matrix`].
//! - `GET /emulator/v1/calls/{jobId}` shows the call's state and its legs' media statistics.
//!
//! - Recovery: an agent whose SIP leg was *lost* — its WebSocket closed, or the phone un-REGISTERed (the
//!   emulator then ends that leg with a BYE) — while it is still in the call gets a fresh INVITE on its next
//!   binding (`X-CCC-JobId` of the same job; `answer-after=0` unless the call is still offered to it), and
//!   the new leg is bridged like the old one. The emulator's call goes on meanwhile; if no new leg is
//!   answered within [`crate::EmulatorConfig::agent_leg_grace`] the call is released as if the agent had
//!   hung up (only for legs that had been answered; see `crate::emulator::phone_legs`). A BYE from the phone
//!   is a hang-up: released at once, never invited again into that call.
//! - `POST /emulator/v1/agents/{userId}/drop` closes the agent's SIP WebSockets as a network failure would
//!   (no close frame; see [`Sip::drop_agent`]); `GET /emulator/v1/state` shows each agent's live binding
//!   (`sipContact`).
//!
//! The emulator's own decisions: one binding per agent (the newest wins: a second tab takes the agent's next
//! INVITEs) tied to its WebSocket; an agent is invited into a call while it has no SIP leg there, except
//! after its leg there was over (hung up, declined, failed — see [`service`]); un-registering ends the
//! agent's legs on that connection but not the calls (they wait for the phone as above); an INVITE from the
//! phone is refused 403 (calls are placed with MakeCall); a re-INVITE from the phone is not answered yet (no
//! renegotiation in the bridge); the server shutting down closes every SIP WebSocket.
//!
//! # Layout
//! - [`endpoint`]: the WebSocket upgrade and frame loop.
//! - [`registrar`]: REGISTER, digest, bindings.
//! - [`legs`]: an agent's call leg: a `ccc_sip::call::Call` (the emulator calling) and its client
//!   transactions.
//! - [`crate::emulator::calls_view`] (not here: the hub publishes it): the emulator's calls as the SIP side
//!   reads them, after every operation — the seam between the synchronous emulator and this module.
//! - [`media`]: the hear-matrix policy, a pure function.
//! - [`service`]: the task that owns bindings, legs and media legs and reconciles them with the calls.
//! - [`bridge`]: the `ccc-media` types used.

pub(crate) mod bridge;
pub(crate) mod endpoint;
pub(crate) mod legs;
pub(crate) mod media;
pub(crate) mod registrar;
pub(crate) mod service;

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use tokio::sync::{mpsc, oneshot};

use crate::hub::Hub;
use service::{Input, JobStats};

/// Handle to the SIP service, started on first use (a WebSocket connecting) so a server nobody registers
/// with binds no media socket.
#[derive(Clone)]
pub(crate) struct Sip {
    hub: Hub,
    tone_hz: f32,
    input: Arc<OnceLock<mpsc::UnboundedSender<Input>>>,
}

impl Sip {
    /// A handle over `hub`; simulated customers play `tone_hz`.
    pub(crate) fn new(hub: Hub, tone_hz: f32) -> Self {
        Sip {
            hub,
            tone_hz,
            input: Arc::default(),
        }
    }

    /// Sends `input` to the service, starting it if needed (inside a Tokio runtime).
    pub(crate) fn send(&self, input: Input) {
        let tx = self
            .input
            .get_or_init(|| service::spawn(self.hub.clone(), self.tone_hz));
        let _ = tx.send(input);
    }

    /// Closes every SIP WebSocket of agent `user_id` as a network failure would (the socket just ends; the
    /// service runs its normal closed path: binding gone, legs lost); how many there were (0 when the
    /// service never started).
    pub(crate) async fn drop_agent(&self, user_id: &str) -> usize {
        let Some(tx) = self.input.get() else {
            return 0;
        };
        let (reply, answer) = oneshot::channel();
        let _ = tx.send(Input::Drop {
            user_id: user_id.to_owned(),
            reply,
        });
        answer.await.unwrap_or_default()
    }

    /// Closes every SIP WebSocket (the server shuts down).
    pub(crate) fn close_all(&self) {
        if let Some(tx) = self.input.get() {
            let _ = tx.send(Input::CloseAll);
        }
    }

    /// The live bindings: user id → registered Contact (empty when the service never started).
    pub(crate) async fn bindings(&self) -> BTreeMap<String, String> {
        let Some(tx) = self.input.get() else {
            return BTreeMap::new();
        };
        let (reply, answer) = oneshot::channel();
        let _ = tx.send(Input::Bindings { reply });
        answer.await.unwrap_or_default()
    }

    /// The media of call `job_id` (empty when the service never started).
    pub(crate) async fn stats(&self, job_id: &str) -> JobStats {
        let Some(tx) = self.input.get() else {
            return JobStats::default();
        };
        let (reply, answer) = oneshot::channel();
        let _ = tx.send(Input::Stats {
            job_id: job_id.to_owned(),
            reply,
        });
        answer.await.unwrap_or_default()
    }
}
