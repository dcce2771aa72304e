//! The browser soft phone: the pure SIP user agent (`ccc_sip::ua`) wired to its two edges, the SIP
//! WebSocket ([`transport`]) and the media ([`peer`]), plus the ringtone ([`ringtone`]).
//!
//! [`SoftPhone`] feeds the agent everything that happens (frames, timers, the user's answer or hang-up)
//! and carries out what it answers, in order: write a frame, arm a timer, or react to an event — open
//! the microphone and answer an offer, apply an answer, ring, stop ringing, close a call's media. It
//! tells the workbench what matters to the agent state through [`PhoneEvent`]s, always with no borrow
//! held, so the workbench may call straight back in.
//!
//! Calls from the call center name their job in `X-CCC-JobId`; the agent's own legs (the first leg of
//! an outbound call, a supervisor's leg) carry `Call-Info: …;answer-after=0` and are answered at once
//! without ringing. Every other call rings until [`SoftPhone::answer`].

pub mod peer;
pub mod ringtone;
pub mod transport;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use ccc_sip::ids::IdGenerator;
use ccc_sip::ua::{CallRef, UaConfig, UaEvent, UaInput, UaOutput, UserAgent};
use ccc_sip::{Scheme, SipUri};
use gloo_timers::callback::Timeout;
use wasm_bindgen_futures::spawn_local;

use peer::{MediaFailure, MediaOptions, Peer};
use ringtone::Ringtone;
use transport::Transport;

/// Seconds a registration is asked to last.
const REGISTER_EXPIRES: u32 = 600;
/// Keep-alive ping interval while registered.
const KEEPALIVE_MS: u32 = 25_000;
/// How long each DTMF digit sent by SIP INFO lasts, and the pause before the next one's INFO (JsSIP's
/// defaults): one INFO at a time, so a proxy with several workers cannot reorder them.
const DTMF_MS: u32 = 100;
const DTMF_GAP_MS: u32 = 70;

/// Where and as whom the soft phone registers.
#[derive(Debug, Clone, PartialEq)]
pub struct SipAccount {
    /// `ws://` or `wss://` URL of the SIP WebSocket.
    pub ws_url: String,
    /// The SIP user (CCC: the agent's extension).
    pub user: String,
    /// The SIP domain (CCC: the host of `SipServerUrl`).
    pub domain: String,
    /// Digest password (CCC: `Signature2` of GetLoginDetails).
    pub password: String,
    /// Shown to the far side.
    pub display_name: Option<String>,
}

impl SipAccount {
    /// The account CCC's GetLoginDetails describes: `SipServerUrl` (a `ws(s)://` URL, or `host:port`
    /// meaning `wss://host:port`), `Extension` and `Signature2`.
    pub fn from_login(
        sip_server_url: &str,
        extension: &str,
        password: &str,
        name: &str,
    ) -> Option<SipAccount> {
        let url = sip_server_url.trim();
        if url.is_empty() || extension.is_empty() {
            return None;
        }
        let ws_url = if url.starts_with("ws://") || url.starts_with("wss://") {
            url.to_owned()
        } else {
            format!("wss://{url}")
        };
        let authority = ws_url.split("://").nth(1)?.split('/').next()?;
        let domain = match authority.rsplit_once(':') {
            Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
            _ => authority,
        }
        .to_owned();
        Some(SipAccount {
            ws_url,
            user: extension.to_owned(),
            domain,
            password: password.to_owned(),
            display_name: Some(name.to_owned()).filter(|n| !n.is_empty()),
        })
    }
}

/// What the workbench learns from the soft phone.
#[derive(Debug, Clone, PartialEq)]
pub enum PhoneEvent {
    /// Registered with the SIP server.
    Registered,
    /// Registration refused or lost.
    RegistrationFailed {
        /// For logs and the host.
        reason: String,
        /// The registrar refused the credentials (401/403/407 after the digest answer): they are stale.
        refused: bool,
    },
    /// A call rings (not one answered automatically).
    Ringing {
        /// The call center's job, when the INVITE names it.
        job_id: Option<String>,
        /// The caller.
        from: String,
    },
    /// A call's media is set up (answered and, for the callee, acknowledged).
    Connected {
        /// The call center's job, when known.
        job_id: Option<String>,
    },
    /// A call ended.
    Ended {
        /// The call center's job, when known.
        job_id: Option<String>,
        /// Why, for logs.
        reason: String,
    },
    /// The microphone or the peer connection failed.
    MediaFailed(MediaFailure),
    /// The ringtone could not start without a user gesture (autoplay policy).
    RingtoneBlocked,
    /// The microphone in use went away (its track ended: a headset unplugged); the calls went on with
    /// the default microphone.
    InputLost,
}

/// One SIP call's side of things.
#[derive(Default)]
struct Leg {
    job_id: Option<String>,
    offer: Option<String>,
    peer: Option<Rc<Peer>>,
    answering: bool,
    ringing: bool,
}

struct State {
    ua: UserAgent,
    ids: BrowserIds,
    transport: Option<Transport>,
    timers: HashMap<u64, Timeout>,
    legs: HashMap<CallRef, Leg>,
    options: MediaOptions,
    ring_volume: f64,
    /// DTMF always by SIP INFO, never RFC 4733 in the media.
    dtmf_by_info: bool,
    /// Digits still to send by INFO, one timer each (by a counter; dropped with the phone), and when
    /// (`Date.now()`) the last of them is done.
    dtmf_timers: HashMap<u64, Timeout>,
    dtmf_count: u64,
    dtmf_free_at: f64,
    ringtone: Option<Ringtone>,
    ringtone_url: String,
    domain: String,
    /// `answer()` came before the INVITE (the call center's answer and its INVITE race): the job to
    /// answer as soon as its call arrives (`Some(None)`: whichever call comes next).
    early_answer: Option<Option<String>>,
    on_event: Rc<dyn Fn(PhoneEvent)>,
}

/// A registered (or registering) soft phone. Dropping it closes the socket and every call's media.
pub struct SoftPhone {
    state: Rc<RefCell<State>>,
}

impl SoftPhone {
    /// Connects to `account.ws_url` and registers; events go to `on_event`.
    pub fn start(
        account: &SipAccount,
        options: MediaOptions,
        ringtone_url: String,
        on_event: impl Fn(PhoneEvent) + 'static,
    ) -> Result<SoftPhone, String> {
        let mut ids = BrowserIds;
        let local = ids.tag();
        let via_host = format!("{local}.invalid");
        let config = UaConfig {
            aor: SipUri::new(Scheme::Sip, &account.domain).with_user(&account.user),
            username: account.user.clone(),
            password: account.password.clone(),
            display_name: account.display_name.clone(),
            registrar: SipUri::new(Scheme::Sip, &account.domain),
            contact: SipUri::new(Scheme::Sip, &via_host)
                .with_user(&local)
                .with_param("transport", Some("ws")),
            via_host,
            // RFC 7118 §5.2: the Via names the transport the socket really is.
            via_transport: if account.ws_url.starts_with("ws://") {
                "WS".into()
            } else {
                "WSS".into()
            },
            expires: REGISTER_EXPIRES,
            user_agent: concat!("ccc-workbench/", env!("CARGO_PKG_VERSION")).into(),
            keepalive_ms: KEEPALIVE_MS,
        };
        let state = Rc::new(RefCell::new(State {
            ua: UserAgent::new(config),
            ids,
            transport: None,
            timers: HashMap::new(),
            legs: HashMap::new(),
            options,
            ring_volume: 1.0,
            dtmf_by_info: false,
            dtmf_timers: HashMap::new(),
            dtmf_count: 0,
            dtmf_free_at: 0.0,
            ringtone: None,
            ringtone_url,
            domain: account.domain.clone(),
            early_answer: None,
            on_event: Rc::new(on_event),
        }));
        let (open, frame, close) = (
            Rc::downgrade(&state),
            Rc::downgrade(&state),
            Rc::downgrade(&state),
        );
        let transport = Transport::connect(
            &account.ws_url,
            move || with(&open, |s| feed(s, UaInput::Register)),
            move |bytes| with(&frame, |s| feed(s, UaInput::Frame(bytes))),
            move |reason| {
                with(&close, |s| {
                    feed(s, UaInput::TransportDown);
                    let refused = false;
                    emit(s, PhoneEvent::RegistrationFailed { reason, refused });
                })
            },
        )?;
        state.borrow_mut().transport = Some(transport);
        Ok(SoftPhone { state })
    }

    /// Whether the phone is registered now.
    pub fn is_registered(&self) -> bool {
        self.state.borrow().ua.is_registered()
    }

    /// Answers the call of job `job_id` (or the one call offered, when the job is unknown to SIP).
    /// When no SIP call waits yet, the answer is kept for the call of that job when its INVITE arrives
    /// (and `false` is returned).
    pub fn answer(&self, job_id: Option<&str>) -> bool {
        let call = {
            let s = self.state.borrow();
            let waiting = |leg: &&Leg| leg.offer.is_some() && !leg.answering && leg.peer.is_none();
            let by_job = s
                .legs
                .iter()
                .find(|(_, l)| job_id.is_some() && l.job_id.as_deref() == job_id && waiting(l));
            by_job
                .or_else(|| s.legs.iter().find(|(_, l)| waiting(l)))
                .map(|(c, _)| *c)
        };
        match call {
            Some(call) => {
                answer_call(&self.state, call);
                true
            }
            None => {
                self.state.borrow_mut().early_answer = Some(job_id.map(str::to_owned));
                false
            }
        }
    }

    /// Calls `target` (a SIP URI, or a user at the registrar's domain): opens the microphone, offers,
    /// and reports [`PhoneEvent::Connected`] once answered.
    pub fn call(&self, target: &str) {
        let target = {
            let s = self.state.borrow();
            let uri = if target.contains(':') {
                target.to_owned()
            } else {
                format!("sip:{target}@{}", s.domain)
            };
            match ccc_sip::Uri::parse(&uri) {
                Ok(ccc_sip::Uri::Sip(uri)) => uri,
                _ => {
                    drop(s);
                    let reason = format!("not a SIP address: {target}");
                    emit(
                        &self.state,
                        PhoneEvent::MediaFailed(MediaFailure::Peer(reason)),
                    );
                    return;
                }
            }
        };
        let options = self.state.borrow().options.clone();
        let weak = Rc::downgrade(&self.state);
        spawn_local(async move {
            let result = Peer::offer(&options).await;
            with(&weak, |s| match result {
                Ok((peer, sdp)) => {
                    watch_input(s, &peer);
                    let before = s.borrow().ua.newest_call();
                    let input = UaInput::Call {
                        target,
                        sdp,
                        extra_headers: Vec::new(),
                    };
                    let outputs = {
                        let mut st = s.borrow_mut();
                        let State { ua, ids, .. } = &mut *st;
                        ua.handle(input, ids)
                    };
                    // Call handles only grow: a newer newest call is the one just placed.
                    let new = s.borrow().ua.newest_call().filter(|c| Some(*c) != before);
                    if let Some(call) = new {
                        let leg = Leg {
                            peer: Some(Rc::new(peer)),
                            answering: true,
                            ..Leg::default()
                        };
                        s.borrow_mut().legs.insert(call, leg);
                    }
                    carry_out(s, outputs);
                }
                Err(failure) => emit(s, PhoneEvent::MediaFailed(failure)),
            });
        });
    }

    /// Ends every SIP call (the call center ends its own legs; this is for a phone on its own).
    pub fn hang_up_all(&self) {
        self.state.borrow_mut().early_answer = None;
        let calls: Vec<CallRef> = self.state.borrow().legs.keys().copied().collect();
        for call in calls {
            feed(&self.state, UaInput::Hangup { call });
        }
    }

    /// Mutes or unmutes the microphone of every call.
    pub fn set_muted(&self, muted: bool) {
        for leg in self.state.borrow().legs.values() {
            if let Some(peer) = &leg.peer {
                peer.set_muted(muted);
            }
        }
    }

    /// Sends DTMF on the connected call: RFC 4733 through the media when possible (unless
    /// [`SoftPhone::set_dtmf_by_info`]), else SIP INFO — one INFO per digit, [`DTMF_MS`] +
    /// [`DTMF_GAP_MS`] apart, after the digits still queued.
    pub fn send_dtmf(&self, digits: &str) {
        let (connected, by_info) = {
            let s = self.state.borrow();
            let connected = s
                .legs
                .iter()
                .find_map(|(c, l)| l.peer.as_ref().map(|p| (*c, p.clone())));
            (connected, s.dtmf_by_info)
        };
        let Some((call, peer)) = connected else {
            return;
        };
        if !by_info && peer.send_dtmf(digits) {
            return;
        }
        let mut s = self.state.borrow_mut();
        let now = js_sys::Date::now();
        for digit in digits.chars() {
            let weak = Rc::downgrade(&self.state);
            let start = s.dtmf_free_at.max(now);
            s.dtmf_free_at = start + f64::from(DTMF_MS + DTMF_GAP_MS);
            s.dtmf_count += 1;
            let key = s.dtmf_count;
            let send = move || {
                let input = UaInput::Dtmf {
                    call,
                    digit,
                    duration_ms: DTMF_MS,
                };
                with(&weak, |s| {
                    s.borrow_mut().dtmf_timers.remove(&key);
                    feed(s, input);
                });
            };
            let timer = Timeout::new((start - now) as u32, send);
            s.dtmf_timers.insert(key, timer);
        }
    }

    /// Sends DTMF by SIP INFO only (for servers that do not read RFC 4733 events in the media).
    pub fn set_dtmf_by_info(&self, on: bool) {
        self.state.borrow_mut().dtmf_by_info = on;
    }

    /// Far-party and ringtone volumes, in [0, 1].
    pub fn set_volumes(&self, in_call: f64, ring: f64) {
        let mut s = self.state.borrow_mut();
        s.options.volume = in_call;
        s.ring_volume = ring;
        if let Some(r) = &s.ringtone {
            r.set_volume(ring);
        }
        for leg in s.legs.values() {
            if let Some(peer) = &leg.peer {
                peer.set_volume(in_call);
            }
        }
    }

    /// Switches the microphone and/or speaker, during calls too.
    pub fn set_devices(&self, input: &str, output: &str) {
        let (peers, changed_in, changed_out, processing) = {
            let mut s = self.state.borrow_mut();
            let changed_in = s.options.input != input;
            let changed_out = s.options.output != output;
            s.options.input = input.to_owned();
            s.options.output = output.to_owned();
            let peers: Vec<_> = s.legs.values().filter_map(|l| l.peer.clone()).collect();
            (peers, changed_in, changed_out, s.options.processing)
        };
        let state = Rc::downgrade(&self.state);
        let (input, output) = (input.to_owned(), output.to_owned());
        spawn_local(async move {
            for peer in peers {
                let result = async {
                    if changed_in {
                        peer.set_input(&input, processing).await?;
                    }
                    if changed_out {
                        peer.set_output(&output).await?;
                    }
                    Ok::<(), MediaFailure>(())
                }
                .await;
                if let Err(failure) = result {
                    with(&state, |s| emit(s, PhoneEvent::MediaFailed(failure)));
                }
            }
        });
    }

    /// The sender's and receiver's stats of the connected call, with its job id.
    pub async fn stats(&self) -> Option<(Option<String>, Vec<String>, Vec<String>)> {
        let (job, peer) = {
            let s = self.state.borrow();
            s.legs
                .values()
                .find_map(|l| l.peer.as_ref().map(|p| (l.job_id.clone(), p.clone())))?
        };
        let (sender, receiver) = peer.stats().await;
        Some((job, sender, receiver))
    }

    /// The far party's audio of the call with media.
    pub fn remote_stream(&self) -> Option<web_sys::MediaStream> {
        let s = self.state.borrow();
        s.legs
            .values()
            .find_map(|l| l.peer.as_ref().and_then(|p| p.remote_stream()))
    }

    /// Whether a call has media now.
    pub fn in_call(&self) -> bool {
        self.state.borrow().legs.values().any(|l| l.peer.is_some())
    }

    /// Hangs up every call and unregisters; the socket closes when the phone is dropped.
    pub fn stop(&self) {
        self.hang_up_all();
        self.shut_down();
    }

    /// Unregisters without hanging up: the calls' media close with the phone, and the call center keeps
    /// the calls for a phone that registers again (a reload, another tab taking over).
    pub fn shut_down(&self) {
        self.state.borrow_mut().early_answer = None;
        feed(&self.state, UaInput::Unregister);
    }

    /// Refreshes the registration now (after sleep: a dead socket then shows as a failure).
    pub fn refresh_registration(&self) {
        feed(&self.state, UaInput::Register);
    }
}

impl Drop for SoftPhone {
    fn drop(&mut self) {
        let mut s = self.state.borrow_mut();
        s.timers.clear();
        s.dtmf_timers.clear();
        s.ringtone = None;
        for leg in s.legs.values() {
            if let Some(peer) = &leg.peer {
                peer.close();
            }
        }
        s.legs.clear();
        s.transport = None;
    }
}

fn with(state: &Weak<RefCell<State>>, f: impl FnOnce(&Rc<RefCell<State>>)) {
    if let Some(state) = state.upgrade() {
        f(&state);
    }
}

fn emit(state: &Rc<RefCell<State>>, event: PhoneEvent) {
    let on_event = state.borrow().on_event.clone();
    on_event(event);
}

/// Feeds the user agent, then carries out what it answers.
fn feed(state: &Rc<RefCell<State>>, input: UaInput) {
    let outputs = {
        let mut s = state.borrow_mut();
        let State { ua, ids, .. } = &mut *s;
        ua.handle(input, ids)
    };
    carry_out(state, outputs);
}

/// Carries out the user agent's outputs, in order.
fn carry_out(state: &Rc<RefCell<State>>, outputs: Vec<UaOutput>) {
    for output in outputs {
        match output {
            UaOutput::Send(frame) => {
                if let Some(t) = &state.borrow().transport {
                    t.send(&frame);
                }
            }
            UaOutput::ArmTimer { id, after_ms } => {
                let weak = Rc::downgrade(state);
                let key = id.0;
                let timer = Timeout::new(after_ms.min(u32::MAX as u64) as u32, move || {
                    with(&weak, |s| {
                        s.borrow_mut().timers.remove(&key);
                        feed(s, UaInput::Timer(id));
                    })
                });
                state.borrow_mut().timers.insert(key, timer);
            }
            UaOutput::Event(event) => on_ua_event(state, event),
        }
    }
}

fn on_ua_event(state: &Rc<RefCell<State>>, event: UaEvent) {
    match event {
        UaEvent::Registered { .. } => emit(state, PhoneEvent::Registered),
        UaEvent::Unregistered => {}
        UaEvent::RegistrationFailed { status, reason } => {
            let text = match status {
                Some(code) => format!("SIP registration refused: {code} {reason}"),
                None => format!("SIP registration failed: {reason}"),
            };
            let refused = matches!(status, Some(401 | 403 | 407));
            emit(
                state,
                PhoneEvent::RegistrationFailed {
                    reason: text,
                    refused,
                },
            );
        }
        UaEvent::Incoming {
            call,
            from_user,
            from_display,
            sdp,
            auto_answer,
            headers,
            ..
        } => {
            let job_id = headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("X-CCC-JobId"))
                .map(|(_, v)| v.trim().to_owned());
            let Some(offer) = sdp else {
                // The emulator and CCC always offer; a late offer is not supported.
                feed(state, UaInput::Reject { call, status: 488 });
                return;
            };
            state.borrow_mut().legs.insert(
                call,
                Leg {
                    job_id: job_id.clone(),
                    offer: Some(offer),
                    ..Leg::default()
                },
            );
            let answered_early = {
                let mut s = state.borrow_mut();
                let matches = match &s.early_answer {
                    Some(None) => true,
                    Some(Some(job)) => job_id.as_deref() == Some(job.as_str()),
                    None => false,
                };
                if matches {
                    s.early_answer = None;
                }
                matches
            };
            if auto_answer || answered_early {
                answer_call(state, call);
            } else {
                if let Some(leg) = state.borrow_mut().legs.get_mut(&call) {
                    leg.ringing = true;
                }
                ring(state, true);
                emit(
                    state,
                    PhoneEvent::Ringing {
                        job_id,
                        from: from_display.filter(|d| !d.is_empty()).unwrap_or(from_user),
                    },
                );
            }
        }
        UaEvent::Ringing { .. } => {}
        UaEvent::Answered { call, sdp } => {
            let peer = state.borrow().legs.get(&call).and_then(|l| l.peer.clone());
            if let (Some(peer), Some(sdp)) = (peer, sdp) {
                let weak = Rc::downgrade(state);
                spawn_local(async move {
                    let result = peer.accept(&sdp).await;
                    with(&weak, |s| match result {
                        Ok(()) => connected(s, call),
                        Err(failure) => {
                            feed(s, UaInput::Hangup { call });
                            emit(s, PhoneEvent::MediaFailed(failure));
                        }
                    });
                });
            }
        }
        UaEvent::Confirmed { call } => connected(state, call),
        UaEvent::Reinvite { call, sdp, .. } => {
            let peer = state.borrow().legs.get(&call).and_then(|l| l.peer.clone());
            let (Some(peer), Some(offer)) = (peer, sdp) else {
                return;
            };
            let weak = Rc::downgrade(state);
            spawn_local(async move {
                let answer = peer.renegotiate(&offer).await;
                with(&weak, |s| match answer {
                    Ok(sdp) => feed(s, UaInput::AnswerReinvite { call, sdp }),
                    Err(failure) => emit(s, PhoneEvent::MediaFailed(failure)),
                });
            });
        }
        UaEvent::Dtmf { .. } => {}
        UaEvent::Ended { call, reason } => {
            let leg = state.borrow_mut().legs.remove(&call);
            let job_id = leg.as_ref().and_then(|l| l.job_id.clone());
            if let Some(peer) = leg.and_then(|l| l.peer) {
                peer.close();
            }
            update_ringing(state);
            emit(
                state,
                PhoneEvent::Ended {
                    job_id,
                    reason: reason.text(),
                },
            );
        }
    }
}

fn connected(state: &Rc<RefCell<State>>, call: CallRef) {
    let job_id = state
        .borrow()
        .legs
        .get(&call)
        .and_then(|l| l.job_id.clone());
    emit(state, PhoneEvent::Connected { job_id });
}

/// Opens the media for offered call `call` and answers it.
fn answer_call(state: &Rc<RefCell<State>>, call: CallRef) {
    let (offer, options) = {
        let mut s = state.borrow_mut();
        let options = s.options.clone();
        let Some(leg) = s.legs.get_mut(&call) else {
            return;
        };
        if leg.answering {
            return;
        }
        leg.answering = true;
        leg.ringing = false;
        (leg.offer.clone().unwrap_or_default(), options)
    };
    update_ringing(state);
    let weak = Rc::downgrade(state);
    spawn_local(async move {
        let result = Peer::answer(&offer, &options).await;
        with(&weak, |s| match result {
            Ok((peer, sdp)) => {
                watch_input(s, &peer);
                let still_there = match s.borrow_mut().legs.get_mut(&call) {
                    Some(leg) => {
                        leg.peer = Some(Rc::new(peer));
                        true
                    }
                    None => false,
                };
                if still_there {
                    feed(s, UaInput::Answer { call, sdp });
                }
            }
            Err(failure) => {
                let status = match failure {
                    MediaFailure::Microphone(_) => 480,
                    MediaFailure::Peer(_) => 488,
                };
                feed(s, UaInput::Reject { call, status });
                emit(s, PhoneEvent::MediaFailed(failure));
            }
        });
    });
}

/// When `peer`'s microphone goes away, every call goes on with the default microphone.
fn watch_input(state: &Rc<RefCell<State>>, peer: &Peer) {
    let weak = Rc::downgrade(state);
    peer.watch_input(move || {
        let weak = weak.clone();
        // After the track's own event handler has returned.
        spawn_local(async move {
            let Some(s) = weak.upgrade() else { return };
            let (peers, processing) = {
                let mut st = s.borrow_mut();
                st.options.input.clear();
                let peers: Vec<_> = st.legs.values().filter_map(|l| l.peer.clone()).collect();
                (peers, st.options.processing)
            };
            for peer in peers {
                if let Err(failure) = peer.set_input("", processing).await {
                    emit(&s, PhoneEvent::MediaFailed(failure));
                }
            }
            emit(&s, PhoneEvent::InputLost);
        });
    });
}

fn update_ringing(state: &Rc<RefCell<State>>) {
    let any = state.borrow().legs.values().any(|l| l.ringing);
    ring(state, any);
}

/// Starts or stops the ringtone.
fn ring(state: &Rc<RefCell<State>>, on: bool) {
    if !on {
        state.borrow_mut().ringtone = None;
        return;
    }
    if state.borrow().ringtone.is_some() {
        return;
    }
    let (url, volume, output) = {
        let s = state.borrow();
        (
            s.ringtone_url.clone(),
            s.ring_volume,
            s.options.output.clone(),
        )
    };
    let weak = Rc::downgrade(state);
    let blocked = move || with(&weak, |s| emit(s, PhoneEvent::RingtoneBlocked));
    match Ringtone::start(&url, volume, &output, blocked) {
        Some(tone) => state.borrow_mut().ringtone = Some(tone),
        None => emit(state, PhoneEvent::RingtoneBlocked),
    }
}

/// Identifiers from the browser's `crypto.getRandomValues`.
struct BrowserIds;

impl BrowserIds {
    fn token(bytes: usize) -> String {
        let mut buf = vec![0u8; bytes];
        let filled = web_sys::window()
            .and_then(|w| w.crypto().ok())
            .is_some_and(|c| c.get_random_values_with_u8_array(&mut buf).is_ok());
        if !filled {
            for b in &mut buf {
                *b = (js_sys::Math::random() * 256.0) as u8;
            }
        }
        const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
        buf.iter()
            .map(|b| ALPHABET[(b & 31) as usize] as char)
            .collect()
    }
}

impl IdGenerator for BrowserIds {
    fn branch(&mut self) -> String {
        format!("{}{}", ccc_sip::transaction::BRANCH_COOKIE, Self::token(12))
    }
    fn tag(&mut self) -> String {
        Self::token(10)
    }
    fn call_id(&mut self) -> String {
        Self::token(20)
    }
    fn cnonce(&mut self) -> String {
        Self::token(16)
    }
}

#[cfg(test)]
mod tests {
    use super::SipAccount;

    #[test]
    fn the_login_details_name_the_sip_account() {
        let a = SipAccount::from_login("ws://127.0.0.1:8080/emulator/ws/sip", "8001", "pw", "Li")
            .unwrap();
        assert_eq!(a.ws_url, "ws://127.0.0.1:8080/emulator/ws/sip");
        assert_eq!((a.user.as_str(), a.domain.as_str()), ("8001", "127.0.0.1"));
        assert_eq!(a.display_name.as_deref(), Some("Li"));
        let cloud =
            SipAccount::from_login("sh-sip-ccc.aliyuncs.com:443", "802001", "s", "").unwrap();
        assert_eq!(cloud.ws_url, "wss://sh-sip-ccc.aliyuncs.com:443");
        assert_eq!(cloud.domain, "sh-sip-ccc.aliyuncs.com");
        assert_eq!(cloud.display_name, None);
        assert!(SipAccount::from_login("", "8001", "pw", "").is_none());
        assert!(SipAccount::from_login("sip.example:443", "", "pw", "").is_none());
    }
}
