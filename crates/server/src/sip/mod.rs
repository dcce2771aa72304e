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
//! The emulator's own decisions: one binding per agent (the newest wins) tied to its WebSocket; each agent is
//! invited at most once per call (again only after its WebSocket was lost); un-registering does not end
//! calls in progress; an INVITE from the phone is refused 403 (calls are placed with MakeCall); a re-INVITE
//! from the phone is not answered yet (no renegotiation in the bridge).
//!
//! # Layout
//! - [`endpoint`]: the WebSocket upgrade and frame loop.
//! - [`registrar`]: REGISTER, digest, bindings.
//! - [`legs`]: an agent's call leg: a `ccc_sip::call::Call` (the emulator calling) and its client
//!   transactions.
//! - [`view`]: the emulator's calls as the SIP side reads them (published by the hub after every operation:
//!   the seam between the synchronous emulator and this module).
//! - [`media`]: the hear-matrix policy, a pure function.
//! - [`service`]: the task that owns bindings, legs and media legs and reconciles them with the calls.
//! - [`bridge`]: the `ccc-media` types used.

pub(crate) mod bridge;
pub(crate) mod endpoint;
pub(crate) mod legs;
pub(crate) mod media;
pub(crate) mod registrar;
pub(crate) mod service;
pub(crate) mod view;

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
