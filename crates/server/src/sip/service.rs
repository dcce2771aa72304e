//! The SIP service: one task that owns the registrations, the agents' call legs and the media legs, fed by
//! the WebSocket connections ([`Input`]) and by the emulator's calls ([`CallsView`], a `watch` channel the
//! hub updates after every operation).
//!
//! It reconciles, level-triggered: every agent leg of a live call whose agent has a live binding but no SIP
//! leg gets an INVITE on the agent's newest binding; a SIP leg whose agent left the call is ended (CANCEL /
//! BYE); every customer leg has a simulated customer on the bridge; the hear matrix of [`super::media`] is
//! applied to the bridge after every change.
//!
//! How an agent's SIP leg ends decides whether it is invited again into the same call:
//! - *Lost* — its WebSocket closed (the network, a reload, the control API's drop: [`Input::Drop`]) or the
//!   phone un-REGISTERed (the emulator then ends the leg with a BYE / CANCEL: the device said it is gone).
//!   The agent is still in the call, so its next binding gets a fresh INVITE (auto-answer when the agent is
//!   no longer offered the call: TALKING, held, consulting…), and the new leg takes the old one's place in
//!   the hear matrix. A lost leg that had been answered is reported to the hub ([`Hub::agent_leg_lost`];
//!   [`Hub::agent_leg_back`] once a new leg is answered): the emulator releases the call if the phone is not
//!   back within its grace.
//! - *Over* — the phone hung up (BYE: ReleaseCall), declined, or the INVITE failed: never invited again
//!   while the agent stays in that call (it may be invited again after it left and came back, e.g. a
//!   transfer back to it).
//! - *Ended by the emulator* — the agent left the call: nothing to remember.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

use ccc_sip::builders::response_to;
use ccc_sip::call::{CallNotice, EndReason};
use ccc_sip::transaction::TransactionKey;
use ccc_sip::{Header, Message, Method, Request, StatusCode, Timer};
use ccc_wire::UserState;
use tokio::sync::{mpsc, oneshot, watch};

use super::bridge::{Bridge, BridgeConfig, LegId, LegStats, Source};
use super::legs::{Effect, Invite, Leg, TokenIds};
use super::media::{hear_matrix, Party};
use super::registrar::{self, Account, Binding, Outcome};
use crate::emulator::calls_view::CallsView;
use crate::hub::Hub;

/// An input of the service.
pub(crate) enum Input {
    /// A WebSocket connected; frames for it go to `out`.
    Connected {
        conn: u64,
        out: mpsc::UnboundedSender<String>,
    },
    /// A text frame arrived.
    Frame { conn: u64, text: String },
    /// The WebSocket closed.
    Closed { conn: u64 },
    /// Close agent `user_id`'s WebSocket connections as a network failure would (the control API's fault
    /// injection): each takes the normal closed path (binding gone, legs lost). Replies how many there were.
    Drop {
        user_id: String,
        reply: oneshot::Sender<usize>,
    },
    /// Close every WebSocket connection (the server shuts down).
    CloseAll,
    /// The live bindings: user id → registered Contact.
    Bindings {
        reply: oneshot::Sender<BTreeMap<String, String>>,
    },
    /// A transaction timer of the leg whose Call-ID is `call_id` fired.
    TxTimer {
        call_id: String,
        key: TransactionKey,
        timer: Timer,
    },
    /// The media of call `job_id`.
    Stats {
        job_id: String,
        reply: oneshot::Sender<JobStats>,
    },
}

/// The media statistics of a call (`GET /emulator/v1/calls/{jobId}`).
#[derive(Debug, Default)]
pub(crate) struct JobStats {
    /// The (first) customer's simulated leg.
    pub(crate) customer: Option<LegStats>,
    /// Each agent's soft-phone leg, by user id.
    pub(crate) agents: BTreeMap<String, LegStats>,
}

/// The simulated parties of one call on the bridge.
struct JobMedia {
    /// Customer channel id → its simulated customer.
    customers: Vec<(String, LegId)>,
    music: LegId,
}

struct Service {
    hub: Hub,
    bridge: Bridge,
    tone_hz: f32,
    inputs: mpsc::WeakUnboundedSender<Input>,
    conns: HashMap<u64, mpsc::UnboundedSender<String>>,
    nonces: HashMap<u64, Vec<String>>,
    /// The agent that last registered (or un-registered) on each connection.
    owners: HashMap<u64, String>,
    /// One binding per agent: the newest REGISTER wins.
    bindings: HashMap<String, Binding>,
    legs: Vec<Leg>,
    /// (user, job) pairs whose SIP leg is over (see the module docs): not invited again while the agent
    /// stays in that call.
    done: HashSet<(String, String)>,
    jobs: HashMap<String, JobMedia>,
    view: CallsView,
    ids: TokenIds,
}

/// Starts the service on the current Tokio runtime; returns its input.
pub(crate) fn spawn(hub: Hub, tone_hz: f32) -> mpsc::UnboundedSender<Input> {
    let (tx, rx) = mpsc::unbounded_channel();
    let calls = hub.watch_calls();
    let service = Service {
        hub,
        bridge: Bridge::new(BridgeConfig {
            bind_ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
        }),
        tone_hz,
        inputs: tx.downgrade(),
        conns: HashMap::new(),
        nonces: HashMap::new(),
        owners: HashMap::new(),
        bindings: HashMap::new(),
        legs: Vec::new(),
        done: HashSet::new(),
        jobs: HashMap::new(),
        view: CallsView::default(),
        ids: TokenIds,
    };
    tokio::spawn(service.run(rx, calls));
    tx
}

impl Service {
    async fn run(
        mut self,
        mut rx: mpsc::UnboundedReceiver<Input>,
        mut calls: watch::Receiver<CallsView>,
    ) {
        self.view = calls.borrow_and_update().clone();
        self.reconcile().await;
        loop {
            tokio::select! {
                input = rx.recv() => match input {
                    Some(i) => self.on_input(i).await,
                    None => break,
                },
                changed = calls.changed() => {
                    if changed.is_err() {
                        break;
                    }
                    self.view = calls.borrow_and_update().clone();
                    self.reconcile().await;
                }
            }
        }
        for leg in self.legs.drain(..) {
            if let Some(m) = leg.media {
                self.bridge.remove(m);
            }
        }
        for (_, job) in self.jobs.drain() {
            remove_job_media(&self.bridge, &job);
        }
    }

    async fn on_input(&mut self, input: Input) {
        match input {
            Input::Connected { conn, out } => {
                self.conns.insert(conn, out);
            }
            Input::Closed { conn } => self.closed(conn).await,
            Input::Drop { user_id, reply } => {
                let conns = self.conns_of(&user_id);
                for &conn in &conns {
                    tracing::info!(conn, user = %user_id, "sip: connection dropped (control API)");
                    self.forget(conn);
                }
                self.reconcile().await;
                let _ = reply.send(conns.len());
            }
            Input::CloseAll => {
                // Dropping the senders ends every connection's task; nothing is invited any more.
                self.conns.clear();
            }
            Input::Bindings { reply } => {
                let now = Instant::now();
                let bindings = self
                    .bindings
                    .iter()
                    .filter(|(_, b)| b.live(now))
                    .map(|(u, b)| (u.clone(), b.contact.uri.to_string()))
                    .collect();
                let _ = reply.send(bindings);
            }
            Input::Frame { conn, text } => self.frame(conn, &text).await,
            Input::TxTimer {
                call_id,
                key,
                timer,
            } => {
                let Some(i) = self.leg_by_call_id(&call_id) else {
                    return;
                };
                let effects = self.legs[i].on_timer(&key, timer, &mut self.ids);
                self.effects(&call_id, effects).await;
            }
            Input::Stats { job_id, reply } => {
                let _ = reply.send(self.stats(&job_id));
            }
        }
    }

    fn stats(&self, job_id: &str) -> JobStats {
        let customer = self
            .jobs
            .get(job_id)
            .and_then(|j| j.customers.first())
            .and_then(|(_, leg)| self.bridge.stats(*leg));
        let agents = self
            .legs
            .iter()
            .filter(|l| l.job_id == job_id)
            .filter_map(|l| Some((l.user_id.clone(), self.bridge.stats(l.media?)?)))
            .collect();
        JobStats { customer, agents }
    }

    fn leg_by_call_id(&self, call_id: &str) -> Option<usize> {
        self.legs.iter().position(|l| l.call.call_id() == call_id)
    }

    fn send(&self, conn: u64, text: String) {
        if let Some(out) = self.conns.get(&conn) {
            let _ = out.send(text);
        }
    }

    /// The connections of agent `user_id`: registered by it, holding its binding, or carrying its legs.
    fn conns_of(&self, user_id: &str) -> Vec<u64> {
        let mut conns: Vec<u64> = self
            .owners
            .iter()
            .filter(|(_, u)| *u == user_id)
            .map(|(c, _)| *c)
            .chain(self.bindings.get(user_id).map(|b| b.conn))
            .chain(
                self.legs
                    .iter()
                    .filter(|l| l.user_id == user_id)
                    .map(|l| l.conn),
            )
            .filter(|c| self.conns.contains_key(c))
            .collect();
        conns.sort_unstable();
        conns.dedup();
        conns
    }

    /// Connection `conn` closed: [`Service::forget`] it, then another binding of the agent (a second tab)
    /// takes its calls at once.
    async fn closed(&mut self, conn: u64) {
        if self.forget(conn) {
            self.reconcile().await;
        }
    }

    /// Connection `conn` is gone (the socket closed, or [`Input::Drop`]): its bindings go, its legs are lost
    /// (reported to the hub when answered). Dropping its sender ends the connection's task (if still
    /// running). Whether it was known.
    fn forget(&mut self, conn: u64) -> bool {
        if self.conns.remove(&conn).is_none() {
            return false;
        }
        self.nonces.remove(&conn);
        self.owners.remove(&conn);
        self.bindings.retain(|_, b| b.conn != conn);
        let mut lost = Vec::new();
        let mut i = 0;
        while i < self.legs.len() {
            if self.legs[i].conn != conn {
                i += 1;
                continue;
            }
            let mut leg = self.legs.remove(i);
            let _ = leg.transport_lost(&mut self.ids);
            if let Some(m) = leg.media.take() {
                self.bridge.remove(m);
            }
            // The phone may come back (a reload): it is invited again into a call it is still in.
            if leg.answered && !leg.ending && !leg.terminated() {
                lost.push((leg.user_id, leg.job_id));
            }
        }
        for (user, job) in lost {
            tracing::info!(%user, %job, "sip: agent leg lost with its connection");
            self.hub.agent_leg_lost(&user, &job);
        }
        true
    }

    /// Agent `user_id` un-registered on `conn`: its legs there end (BYE / CANCEL) and are lost, not over.
    async fn unregistered(&mut self, conn: u64, user_id: &str) {
        let call_ids: Vec<String> = self
            .legs
            .iter()
            .filter(|l| l.conn == conn && l.user_id == user_id && !l.ending && !l.terminated())
            .map(|l| l.call.call_id().to_owned())
            .collect();
        for call_id in call_ids {
            let Some(i) = self.leg_by_call_id(&call_id) else {
                continue;
            };
            if let Some(m) = self.legs[i].media.take() {
                self.bridge.remove(m);
            }
            let (answered, job) = (self.legs[i].answered, self.legs[i].job_id.clone());
            let effects = self.legs[i].hang_up(&mut self.ids);
            self.effects(&call_id, effects).await;
            if answered {
                tracing::info!(user = %user_id, %job, "sip: agent leg lost (un-REGISTER)");
                self.hub.agent_leg_lost(user_id, &job);
            }
        }
    }

    async fn frame(&mut self, conn: u64, text: &str) {
        if Message::is_keep_alive(text.as_bytes()) {
            if text.contains("\r\n\r\n") {
                self.send(conn, "\r\n".into()); // RFC 5626 §4.4.1: a CRLFCRLF ping, a CRLF pong
            }
            return;
        }
        let message = match Message::parse(text.as_bytes()) {
            Ok(m) => m,
            Err(e) => {
                tracing::debug!(error = %e, "sip: unparsable frame dropped");
                return;
            }
        };
        match message {
            Message::Request(r) => self.request(conn, r).await,
            Message::Response(r) => {
                let Some(key) = TransactionKey::for_response(&r) else {
                    return;
                };
                let Some(i) = self.legs.iter().position(|l| l.owns(&key)) else {
                    return;
                };
                let call_id = self.legs[i].call.call_id().to_owned();
                let effects = self.legs[i].on_response(r, &mut self.ids);
                self.effects(&call_id, effects).await;
            }
        }
    }

    async fn request(&mut self, conn: u64, r: Request) {
        if r.method == Method::Register {
            if let Some(user) = self.register(conn, &r) {
                self.unregistered(conn, &user).await;
            }
            self.reconcile().await;
            return;
        }
        let call_id = r.headers.call_id().unwrap_or_default().to_owned();
        if let Some(i) = self.leg_by_call_id(&call_id) {
            let effects = self.legs[i].on_request(r, &mut self.ids);
            self.effects(&call_id, effects).await;
            return;
        }
        let tag = self.ids_tag();
        let reply = match r.method {
            Method::Ack => return,
            Method::Options => {
                let mut ok = response_to(&r, StatusCode::OK, Some(&tag));
                let at = ok.headers.len() - 1;
                ok.headers
                    .insert(at, Header::Allow(ccc_sip::call::ALLOWED.to_vec()));
                ok
            }
            // The emulator's own rule: agents place calls with MakeCall, not with an INVITE.
            Method::Invite => response_to(&r, status(403), Some(&tag)),
            Method::Bye | Method::Cancel | Method::Info => response_to(&r, status(481), Some(&tag)),
            _ => response_to(&r, status(501), Some(&tag)),
        };
        self.send(conn, Message::Response(reply).to_string());
    }

    fn ids_tag(&mut self) -> String {
        ccc_sip::ids::IdGenerator::tag(&mut self.ids)
    }

    /// Answers a REGISTER; returns the agent that un-registered, if one did.
    fn register(&mut self, conn: u64, r: &Request) -> Option<String> {
        let tag = self.ids_tag();
        let hub = &self.hub;
        let nonces = self.nonces.entry(conn).or_default();
        let (response, outcome) = registrar::register(
            r,
            conn,
            nonces,
            crate::ids::token,
            |name| {
                hub.read(|emu| {
                    emu.agent_by_extension(name).map(|a| Account {
                        user_id: a.user_id.clone(),
                        password: a.sip_password.clone(),
                    })
                })
            },
            &tag,
        );
        self.send(conn, Message::Response(response).to_string());
        match outcome {
            Outcome::None => None,
            Outcome::Registered { user_id, binding } => {
                tracing::info!(%user_id, conn, "sip: registered");
                self.owners.insert(conn, user_id.clone());
                // One binding per agent: the newest wins (a second tab takes the agent's next INVITEs).
                self.bindings.insert(user_id, *binding);
                None
            }
            Outcome::Unregistered { user_id } => {
                tracing::info!(%user_id, conn, "sip: unregistered");
                self.owners.insert(conn, user_id.clone());
                if self.bindings.get(&user_id).is_some_and(|b| b.conn == conn) {
                    self.bindings.remove(&user_id);
                }
                Some(user_id)
            }
        }
    }

    /// Carries out `effects` of the leg whose Call-ID is `call_id`.
    async fn effects(&mut self, call_id: &str, effects: Vec<Effect>) {
        let Some(i) = self.leg_by_call_id(call_id) else {
            return;
        };
        let (conn, user, job) = {
            let l = &self.legs[i];
            (l.conn, l.user_id.clone(), l.job_id.clone())
        };
        for effect in effects {
            match effect {
                Effect::Send(m) => self.send(conn, m.to_string()),
                Effect::Timer { key, timer, ms } => {
                    let inputs = self.inputs.clone();
                    let call_id = call_id.to_owned();
                    tokio::spawn(async move {
                        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
                        if let Some(tx) = inputs.upgrade() {
                            let _ = tx.send(Input::TxTimer {
                                call_id,
                                key,
                                timer,
                            });
                        }
                    });
                }
                Effect::Notice(n) => self.notice(call_id, &user, &job, n).await,
            }
        }
        // A leg whose SIP call is over leaves the bridge. Unless the emulator ended it, it is over for good.
        if let Some(i) = self.leg_by_call_id(call_id) {
            if self.legs[i].terminated() {
                let leg = self.legs.remove(i);
                if !leg.ending {
                    self.done.insert((leg.user_id.clone(), leg.job_id.clone()));
                }
                if let Some(m) = leg.media {
                    self.bridge.remove(m);
                }
                self.apply_hears();
            }
        }
    }

    async fn notice(&mut self, call_id: &str, user: &str, job: &str, notice: CallNotice) {
        let ending = self
            .leg_by_call_id(call_id)
            .is_none_or(|i| self.legs[i].ending);
        match notice {
            CallNotice::Answered { sdp } => {
                let media = self
                    .leg_by_call_id(call_id)
                    .and_then(|i| self.legs[i].media);
                if let Some(m) = media {
                    let sdp = String::from_utf8_lossy(&sdp).into_owned();
                    if let Err(e) = self.bridge.accept_answer(m, &sdp).await {
                        tracing::warn!(%user, error = %e, "sip: the phone's SDP answer was refused");
                    }
                }
                if !ending {
                    if let Some(i) = self.leg_by_call_id(call_id) {
                        self.legs[i].answered = true;
                    }
                    // A phone that lost its leg has one again: the call's grace ends.
                    self.hub.agent_leg_back(user, job);
                    // Answering on the phone is AnswerCall (a no-op when the API answered first).
                    self.hub.run(|emu| {
                        let ringing = emu
                            .agent(user)
                            .is_ok_and(|a| a.state == UserState::Ringing && a.job_id == job);
                        if ringing {
                            let _ = emu.answer(user, job);
                        }
                    });
                }
                self.apply_hears();
            }
            CallNotice::Failed { status } => {
                let declined = status.is_some_and(|s| matches!(s.code(), 486 | 600 | 603));
                if declined && !ending {
                    // Declining on the phone is rejecting the ringing call (BREAK RejectCall).
                    self.hub.run(|emu| {
                        let ringing = emu
                            .agent(user)
                            .is_ok_and(|a| a.state == UserState::Ringing && a.job_id == job);
                        if ringing {
                            let _ = emu.release(user, job, None);
                        }
                    });
                }
            }
            CallNotice::Ended { reason } => {
                if !ending && matches!(reason, EndReason::Remote | EndReason::DialogLost) {
                    // A BYE from the phone is ReleaseCall.
                    self.hub.run(|emu| {
                        if emu.call_of(user, job).is_ok() {
                            let _ = emu.release(user, job, None);
                        }
                    });
                }
            }
            CallNotice::Dtmf { signal, .. } => {
                self.hub.run(|emu| {
                    if let Err(e) = emu.send_dtmf(user, job, None, &signal.to_string()) {
                        tracing::debug!(%user, error = %e.message, "sip: DTMF not recorded");
                    }
                });
            }
            CallNotice::Reinvite { .. } => {
                // Not supported yet: the bridge has no renegotiation (see the module docs).
                tracing::info!(%user, "sip: re-INVITE from the phone left unanswered");
            }
            CallNotice::Ringing { .. }
            | CallNotice::Cancelled
            | CallNotice::Confirmed
            | CallNotice::Incoming { .. } => {}
        }
    }

    /// Brings SIP and media in line with the emulator's calls.
    async fn reconcile(&mut self) {
        let view = self.view.clone();
        // Simulated customers and music.
        let live: HashSet<&str> = view.calls.iter().map(|c| c.job_id.as_str()).collect();
        let gone: Vec<String> = self
            .jobs
            .keys()
            .filter(|j| !live.contains(j.as_str()))
            .cloned()
            .collect();
        for j in gone {
            if let Some(m) = self.jobs.remove(&j) {
                remove_job_media(&self.bridge, &m);
            }
        }
        for call in &view.calls {
            let bridge = self.bridge.clone();
            let tone = self.tone_hz;
            let media = self
                .jobs
                .entry(call.job_id.clone())
                .or_insert_with(|| JobMedia {
                    customers: Vec::new(),
                    music: bridge.add_virtual(Source::Music),
                });
            media.customers.retain(|(ch, leg)| {
                let keep = call.customers.iter().any(|c| c.channel_id == *ch);
                if !keep {
                    bridge.remove(*leg);
                }
                keep
            });
            for c in &call.customers {
                if !media.customers.iter().any(|(ch, _)| *ch == c.channel_id) {
                    let leg = bridge.add_virtual(Source::Tone { hz: tone });
                    media.customers.push((c.channel_id.clone(), leg));
                }
            }
        }
        // An agent that left a call may be invited again if it comes back.
        self.done.retain(|(user, job)| {
            view.calls
                .iter()
                .any(|c| c.job_id == *job && c.agents.iter().any(|a| a.user_id == *user))
        });
        // Legs whose agent left the call end.
        let ended: Vec<String> = self
            .legs
            .iter()
            .filter(|l| !l.ending && !l.terminated())
            .filter(|l| {
                !view.calls.iter().any(|c| {
                    c.job_id == l.job_id && c.agents.iter().any(|a| a.user_id == l.user_id)
                })
            })
            .map(|l| l.call.call_id().to_owned())
            .collect();
        for call_id in ended {
            let Some(i) = self.leg_by_call_id(&call_id) else {
                continue;
            };
            if let Some(m) = self.legs[i].media.take() {
                self.bridge.remove(m);
            }
            let effects = self.legs[i].hang_up(&mut self.ids);
            self.effects(&call_id, effects).await;
        }
        // New legs for registered agents that have none (never had one, or lost it).
        let now = Instant::now();
        for call in &view.calls {
            for agent in &call.agents {
                let pair = (agent.user_id.clone(), call.job_id.clone());
                if self.done.contains(&pair) || self.has_leg(&agent.user_id, &call.job_id) {
                    continue;
                }
                let Some(binding) = self
                    .bindings
                    .get(&agent.user_id)
                    .filter(|b| b.live(now))
                    .cloned()
                else {
                    continue;
                };
                let (media, sdp) = match self.bridge.offer().await {
                    Ok(o) => o,
                    Err(e) => {
                        tracing::warn!(user = %agent.user_id, error = %e, "sip: no media offer");
                        continue;
                    }
                };
                let invite = Invite {
                    job_id: &call.job_id,
                    caller: &agent.peer,
                    auto_answer: !agent.offered,
                    sdp,
                };
                let (leg, effects) =
                    Leg::invite(&agent.user_id, &binding, invite, media, &mut self.ids);
                tracing::info!(user = %agent.user_id, job = %call.job_id, "sip: INVITE");
                let call_id = leg.call.call_id().to_owned();
                self.legs.push(leg);
                self.effects(&call_id, effects).await;
            }
        }
        self.apply_hears();
    }

    /// Whether agent `user_id` has a SIP leg in `job_id` that the emulator is not ending.
    fn has_leg(&self, user_id: &str, job_id: &str) -> bool {
        self.legs
            .iter()
            .any(|l| l.user_id == user_id && l.job_id == job_id && !l.ending)
    }

    /// Applies the hear matrix of every live call to the bridge.
    fn apply_hears(&self) {
        for call in &self.view.calls {
            let Some(job) = self.jobs.get(&call.job_id) else {
                continue;
            };
            let leg_of = |p: &Party| -> Option<LegId> {
                match p {
                    Party::Customer(ch) => {
                        job.customers.iter().find(|(c, _)| c == ch).map(|(_, l)| *l)
                    }
                    Party::Music => Some(job.music),
                    Party::Agent(u) => self
                        .legs
                        .iter()
                        .find(|l| l.job_id == call.job_id && l.user_id == *u && !l.ending)
                        .and_then(|l| l.media),
                }
            };
            let matrix = hear_matrix(call);
            let mut listeners: Vec<Party> = job
                .customers
                .iter()
                .map(|(c, _)| Party::Customer(c.clone()))
                .collect();
            listeners.extend(call.agents.iter().map(|a| Party::Agent(a.user_id.clone())));
            for listener in listeners {
                let Some(l) = leg_of(&listener) else {
                    continue;
                };
                let speakers: Vec<LegId> = matrix
                    .iter()
                    .find(|(p, _)| *p == listener)
                    .map(|(_, s)| s.iter().filter_map(&leg_of).collect())
                    .unwrap_or_default();
                self.bridge.set_hears(l, &speakers);
            }
        }
    }
}

fn remove_job_media(bridge: &Bridge, job: &JobMedia) {
    for (_, leg) in &job.customers {
        bridge.remove(*leg);
    }
    bridge.remove(job.music);
}

fn status(code: u16) -> StatusCode {
    StatusCode::new(code).unwrap_or(StatusCode::OK)
}
