//! An agent's call leg as seen from SIP: the emulator is the caller ([`ccc_sip::call::Call::outgoing`]) of an
//! INVITE to the agent's registered soft phone, and drives the client transactions the call starts.
//!
//! [`Leg`] turns everything into [`Effect`]s for the service: frames to send on the agent's WebSocket,
//! timers to arm (zero-length timers are fired at once, inside), and the call's notices.

use std::collections::HashMap;

use ccc_sip::call::{Call, CallAction, CallConfig, CallEvent, CallNotice};
use ccc_sip::ids::IdGenerator;
use ccc_sip::transaction::{Config, TransactionKey};
use ccc_sip::{
    Action, ClientTransaction, Event, Header, Message, NameAddr, Request, Response, Scheme, SipUri,
    Timer,
};

use super::bridge::LegId;
use super::registrar::Binding;

/// The host part of the emulator's own SIP URIs.
pub(crate) const EMULATOR_HOST: &str = "ccc-emulator";

/// Fresh identifiers from the server's random tokens.
pub(crate) struct TokenIds;

impl IdGenerator for TokenIds {
    fn branch(&mut self) -> String {
        format!("z9hG4bK{}", crate::ids::token())
    }
    fn tag(&mut self) -> String {
        crate::ids::token()[..16].to_owned()
    }
    fn call_id(&mut self) -> String {
        format!("{}@{EMULATOR_HOST}", crate::ids::token())
    }
    fn cnonce(&mut self) -> String {
        crate::ids::token()
    }
}

/// Something the service must do for a leg.
#[derive(Debug)]
pub(crate) enum Effect {
    /// Send this message on the agent's WebSocket.
    Send(Message),
    /// Feed `timer` of transaction `key` back after `ms`.
    Timer {
        key: TransactionKey,
        timer: Timer,
        ms: u64,
    },
    /// The call tells the emulator something.
    Notice(CallNotice),
}

/// What the INVITE offers.
pub(crate) struct Invite<'a> {
    pub(crate) job_id: &'a str,
    /// The number shown as the caller.
    pub(crate) caller: &'a str,
    /// Auto-answer (`Call-Info: <sip:emulator>;answer-after=0`).
    pub(crate) auto_answer: bool,
    pub(crate) sdp: String,
}

/// One agent leg.
pub(crate) struct Leg {
    pub(crate) user_id: String,
    pub(crate) job_id: String,
    pub(crate) conn: u64,
    pub(crate) call: Call,
    /// The agent's WebRTC leg on the bridge (removed once the leg ends).
    pub(crate) media: Option<LegId>,
    /// The emulator decided to end this leg (BYE / CANCEL sent or pending).
    pub(crate) ending: bool,
    /// The phone answered (200 OK): a leg lost after this is reported to the hub (the call's grace).
    pub(crate) answered: bool,
    txs: HashMap<TransactionKey, ClientTransaction>,
}

impl Leg {
    /// Calls agent `user_id` at `binding` for `invite`.
    pub(crate) fn invite(
        user_id: &str,
        binding: &Binding,
        invite: Invite<'_>,
        media: LegId,
        ids: &mut dyn IdGenerator,
    ) -> (Leg, Vec<Effect>) {
        let local =
            SipUri::new(Scheme::Sip, EMULATOR_HOST).with_user(&sanitize_user(invite.caller));
        let contact = SipUri::new(Scheme::Sip, EMULATOR_HOST)
            .with_user("emulator")
            .with_param("transport", Some("ws"));
        let mut config = CallConfig::new(local, contact, "ccc-emulator.invalid");
        config.via_transport = "WS".into();
        config.display_name = Some(invite.caller.to_owned());
        config.user_agent = Some("ccc-emulator".into());
        let mut extra = vec![Header::Other {
            name: "X-CCC-JobId".into(),
            value: invite.job_id.to_owned(),
        }];
        if invite.auto_answer {
            extra.push(Header::Other {
                name: "Call-Info".into(),
                value: "<sip:emulator>;answer-after=0".into(),
            });
        }
        let target = match binding.contact.uri.as_sip() {
            Some(u) => u.clone(),
            None => SipUri::new(Scheme::Sip, "invalid"),
        };
        let (call, actions) =
            Call::outgoing_with_headers(config, target, invite.sdp.into_bytes(), extra, ids);
        let mut leg = Leg {
            user_id: user_id.to_owned(),
            job_id: invite.job_id.to_owned(),
            conn: binding.conn,
            call,
            media: Some(media),
            ending: false,
            answered: false,
            txs: HashMap::new(),
        };
        // WORKAROUND (ccc-sip: `Call::outgoing*` uses the Request-URI as To): the INVITE goes to the registered
        // Contact, its To names the agent's address of record `sip:<extension>@<host>`. The CANCEL (built by
        // the call from its own copy) keeps the Contact as To; the UAS matches a CANCEL by Via branch.
        let aor = binding.aor.clone();
        let actions = actions
            .into_iter()
            .map(|a| match a {
                CallAction::Send {
                    mut request,
                    branch,
                } => {
                    set_to(&mut request, &aor);
                    CallAction::Send { request, branch }
                }
                other => other,
            })
            .collect();
        let effects = leg.run(actions, ids);
        (leg, effects)
    }

    /// Whether the SIP call is over.
    pub(crate) fn terminated(&self) -> bool {
        self.call.state() == ccc_sip::call::CallState::Terminated
    }

    /// The emulator ends the leg: CANCEL while it rings, BYE once answered.
    pub(crate) fn hang_up(&mut self, ids: &mut dyn IdGenerator) -> Vec<Effect> {
        self.ending = true;
        let actions = self.call.handle(CallEvent::Hangup, ids);
        self.run(actions, ids)
    }

    /// Whether `response` belongs to one of this leg's client transactions.
    pub(crate) fn owns(&self, key: &TransactionKey) -> bool {
        self.txs.contains_key(key)
    }

    /// A response for one of this leg's transactions.
    pub(crate) fn on_response(&mut self, r: Response, ids: &mut dyn IdGenerator) -> Vec<Effect> {
        let Some(key) = TransactionKey::for_response(&r) else {
            return Vec::new();
        };
        self.feed_tx(&key, Event::Received(Message::Response(r)), ids)
    }

    /// A transaction timer fired.
    pub(crate) fn on_timer(
        &mut self,
        key: &TransactionKey,
        timer: Timer,
        ids: &mut dyn IdGenerator,
    ) -> Vec<Effect> {
        self.feed_tx(key, Event::Timer(timer), ids)
    }

    /// A request in this leg's call (ACK, BYE, INFO, OPTIONS, CANCEL, re-INVITE). Responses go out directly:
    /// on a reliable transport the server transaction only relays them.
    pub(crate) fn on_request(&mut self, r: Request, ids: &mut dyn IdGenerator) -> Vec<Effect> {
        let actions = self.call.handle(CallEvent::Request(r), ids);
        self.run(actions, ids)
    }

    /// The WebSocket closed: every transaction fails.
    pub(crate) fn transport_lost(&mut self, ids: &mut dyn IdGenerator) -> Vec<Effect> {
        let keys: Vec<TransactionKey> = self.txs.keys().cloned().collect();
        let mut out = Vec::new();
        for key in keys {
            out.extend(self.feed_tx(&key, Event::TransportError, ids));
        }
        out
    }

    fn feed_tx(
        &mut self,
        key: &TransactionKey,
        event: Event,
        ids: &mut dyn IdGenerator,
    ) -> Vec<Effect> {
        let mut out = Vec::new();
        let mut queue = vec![event];
        while let Some(ev) = queue.pop() {
            let Some(tx) = self.txs.get_mut(key) else {
                break;
            };
            for action in tx.handle(ev) {
                match action {
                    Action::Send(m) => out.push(Effect::Send(m)),
                    Action::ArmTimer { timer, ms: 0 } => queue.push(Event::Timer(timer)),
                    Action::ArmTimer { timer, ms } => out.push(Effect::Timer {
                        key: key.clone(),
                        timer,
                        ms,
                    }),
                    Action::Deliver(Message::Response(r)) => {
                        let actions = self.call.handle(CallEvent::Response(r), ids);
                        out.extend(self.run(actions, ids));
                    }
                    Action::Deliver(Message::Request(_)) => {}
                    Action::Terminated(why) => {
                        self.txs.remove(key);
                        if why != ccc_sip::Termination::Normal {
                            let branch = key.branch.clone();
                            let actions = self
                                .call
                                .handle(CallEvent::TransactionFailed { branch }, ids);
                            out.extend(self.run(actions, ids));
                        }
                    }
                }
            }
        }
        out
    }

    /// Carries out the call's actions.
    fn run(&mut self, actions: Vec<CallAction>, ids: &mut dyn IdGenerator) -> Vec<Effect> {
        let mut out = Vec::new();
        for action in actions {
            match action {
                CallAction::Send { request, branch } => {
                    match ClientTransaction::start(request, &branch, Config::default()) {
                        Ok((tx, first)) => {
                            let key = tx.key().clone();
                            self.txs.insert(key.clone(), tx);
                            for a in first {
                                match a {
                                    Action::Send(m) => out.push(Effect::Send(m)),
                                    Action::ArmTimer { timer, ms } => out.push(Effect::Timer {
                                        key: key.clone(),
                                        timer,
                                        ms,
                                    }),
                                    _ => {}
                                }
                            }
                        }
                        Err(e) => tracing::warn!(error = %e, "sip: cannot start a transaction"),
                    }
                }
                CallAction::SendAck(ack) => out.push(Effect::Send(Message::Request(ack))),
                CallAction::Respond(r) => out.push(Effect::Send(Message::Response(r))),
                // The only call timer is the callee's ACK wait; the emulator is always the caller.
                CallAction::ArmTimer { .. } => {}
                CallAction::Notify(n) => out.push(Effect::Notice(n)),
            }
        }
        let _ = ids;
        out
    }
}

/// Replaces the To of `request` by `to` (no tag: an initial INVITE).
fn set_to(request: &mut Request, to: &NameAddr) {
    for h in request.headers.iter_mut() {
        if let Header::To(t) = h {
            *t = to.clone();
        }
    }
}

/// A caller number as a SIP user part (unreserved characters and `+`, others dropped).
fn sanitize_user(s: &str) -> String {
    let user: String = s
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "-_.!~*'()+".contains(*c))
        .collect();
    if user.is_empty() {
        "anonymous".into()
    } else {
        user
    }
}
