//! The [`Bridge`] handle and its 20 ms tick.
//!
//! All legs and the listening [`Matrix`] live in one `Mutex<State>`; nothing holds that lock across
//! an `.await`. The tick task runs on the ambient tokio runtime and holds only a `Weak` reference,
//! so it stops when the last `Bridge` clone is dropped (which also drops every leg's command
//! sender and so ends every leg task).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::oneshot;

use crate::analysis::Analyzer;
use crate::leg::{self, Command, WebRtcLeg};
use crate::leg_id::LegId;
use crate::mixer::Matrix;
use crate::pcm::{Frame, FRAME_SAMPLES};
use crate::source::{Generator, Source};
use crate::MediaError;

/// Played out for a WebRTC leg that delivered nothing this tick.
const SILENT_FRAME: [i16; FRAME_SAMPLES] = [0; FRAME_SAMPLES];

/// The mixing period.
pub const TICK: Duration = Duration::from_millis(20);

/// Where the bridge's WebRTC legs bind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BridgeConfig {
    /// The only address candidates are gathered on (one host candidate per leg). 127.0.0.1 keeps
    /// every packet on loopback.
    pub bind_ip: IpAddr,
}

impl Default for BridgeConfig {
    fn default() -> Self {
        BridgeConfig {
            bind_ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
        }
    }
}

/// What a leg has received and sent so far.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LegStats {
    /// `"webrtc"` or `"virtual"`.
    pub kind: &'static str,
    /// ICE and DTLS are up (webrtc); always true for a virtual leg.
    pub connected: bool,
    /// RTP packets received (webrtc) / 20 ms frames consumed from the mix (virtual).
    pub packets_received: u64,
    /// RTP packets sent (webrtc) / 20 ms frames produced by the source (virtual).
    pub packets_sent: u64,
    /// RMS level of what this leg received over the last second; −120 for silence.
    pub level_dbfs: f32,
    /// Dominant frequency of what this leg received over the last second (`None` when silent).
    pub dominant_hz: Option<f32>,
    /// Total milliseconds of received audio above −50 dBFS.
    pub heard_ms: u64,
    /// RFC 4733 digits received (webrtc legs), in order.
    pub dtmf: String,
}

/// A conference bridge: WebRTC legs and virtual (generated/measured) legs, mixed every 20 ms
/// according to who hears whom. Cheap to clone; all clones drive the same bridge.
#[derive(Clone)]
pub struct Bridge {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Bridge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bridge")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

struct Inner {
    config: BridgeConfig,
    next_id: AtomicU64,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    legs: HashMap<LegId, Leg>,
    matrix: Matrix,
}

enum Leg {
    Virtual(VirtualLeg),
    WebRtc(WebRtcLeg),
}

struct VirtualLeg {
    generator: Generator,
    analyzer: Analyzer,
    produced: u64,
    consumed: u64,
}

impl Bridge {
    /// A bridge with no legs. Spawns the mixing tick on the current tokio runtime.
    ///
    /// # Panics
    /// Outside a tokio runtime.
    pub fn new(config: BridgeConfig) -> Self {
        let inner = Arc::new(Inner {
            config,
            next_id: AtomicU64::new(1),
            state: Mutex::new(State::default()),
        });
        tokio::spawn(tick_loop(Arc::downgrade(&inner)));
        Bridge { inner }
    }

    fn next_id(&self) -> LegId {
        LegId(self.inner.next_id.fetch_add(1, Ordering::Relaxed))
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.inner.state.lock().expect("bridge state")
    }

    /// Adds a virtual leg that speaks `source` and measures what it hears.
    pub fn add_virtual(&self, source: Source) -> LegId {
        let id = self.next_id();
        let leg = VirtualLeg {
            generator: Generator::new(source),
            analyzer: Analyzer::new(),
            produced: 0,
            consumed: 0,
        };
        self.state().legs.insert(id, Leg::Virtual(leg));
        tracing::debug!(leg = ?id, "virtual leg added");
        id
    }

    /// Changes what a virtual leg speaks; ignored for unknown or WebRTC legs.
    pub fn set_source(&self, leg: LegId, source: Source) {
        if let Some(Leg::Virtual(v)) = self.state().legs.get_mut(&leg) {
            v.generator.set_source(source);
        }
    }

    /// Opens a WebRTC leg and returns it with our SDP offer (audio only, Opus 48000/2 and
    /// telephone-event, sendrecv, one host candidate on `bind_ip`).
    pub async fn offer(&self) -> Result<(LegId, String), MediaError> {
        let id = self.next_id();
        let (leg, sdp) = leg::offer(id, self.inner.config.bind_ip).await?;
        self.state().legs.insert(id, Leg::WebRtc(leg));
        tracing::debug!(leg = ?id, "offered");
        Ok((id, sdp))
    }

    /// Completes an [`offer`](Self::offer) with the peer's answer.
    pub async fn accept_answer(&self, leg: LegId, answer_sdp: &str) -> Result<(), MediaError> {
        let commands = match self.state().legs.get(&leg) {
            None => return Err(MediaError::UnknownLeg(leg)),
            Some(Leg::Virtual(_)) => {
                return Err(MediaError::WrongState(leg, "a virtual leg has no SDP"))
            }
            Some(Leg::WebRtc(w)) => w.commands.clone(),
        };
        let (reply, answer) = oneshot::channel();
        commands
            .send(Command::AcceptAnswer(answer_sdp.to_owned(), reply))
            .await
            .map_err(|_| MediaError::Closed(leg))?;
        answer.await.map_err(|_| MediaError::Closed(leg))?
    }

    /// Opens a WebRTC leg answering the peer's offer; returns it with our SDP answer.
    pub async fn answer(&self, offer_sdp: &str) -> Result<(LegId, String), MediaError> {
        let id = self.next_id();
        let (leg, sdp) = leg::answer(id, self.inner.config.bind_ip, offer_sdp).await?;
        self.state().legs.insert(id, Leg::WebRtc(leg));
        tracing::debug!(leg = ?id, "answered");
        Ok((id, sdp))
    }

    /// Queues RFC 4733 telephone-events (`0-9 * # A-D`, 100 ms each, 70 ms apart) on a WebRTC
    /// leg; they go out with its audio once connected. Other characters are skipped.
    pub fn send_dtmf(&self, leg: LegId, digits: &str) -> Result<(), MediaError> {
        let codes: Vec<u8> = digits.chars().filter_map(crate::dtmf::event_code).collect();
        match self.state().legs.get(&leg) {
            None => Err(MediaError::UnknownLeg(leg)),
            Some(Leg::Virtual(_)) => {
                Err(MediaError::WrongState(leg, "a virtual leg sends no DTMF"))
            }
            Some(Leg::WebRtc(w)) => {
                w.commands
                    .try_send(Command::Dtmf(codes))
                    .map_err(|e| match e {
                        TrySendError::Closed(_) => MediaError::Closed(leg),
                        TrySendError::Full(_) => MediaError::Rtc("leg command queue full".into()),
                    })
            }
        }
    }

    /// Sets what `listener` receives: the mix of these legs (never itself). Replaces the previous
    /// list; an empty list means silence.
    pub fn set_hears(&self, listener: LegId, speakers: &[LegId]) {
        self.state().matrix.set_hears(listener, speakers);
    }

    /// The leg's counters and measurements, or `None` for an unknown leg.
    pub fn stats(&self, leg: LegId) -> Option<LegStats> {
        // Copy under the lock, measure outside it (the frequency sweep takes a few ms).
        let (mut stats, analyzer) = {
            let state = self.state();
            match state.legs.get(&leg)? {
                Leg::Virtual(v) => (
                    LegStats {
                        kind: "virtual",
                        connected: true,
                        packets_received: v.consumed,
                        packets_sent: v.produced,
                        level_dbfs: 0.0,
                        dominant_hz: None,
                        heard_ms: 0,
                        dtmf: String::new(),
                    },
                    v.analyzer.clone(),
                ),
                Leg::WebRtc(w) => {
                    let s = w.shared.lock().expect("leg state");
                    (
                        LegStats {
                            kind: "webrtc",
                            connected: s.connected,
                            packets_received: s.packets_received,
                            packets_sent: s.packets_sent,
                            level_dbfs: 0.0,
                            dominant_hz: None,
                            heard_ms: 0,
                            dtmf: s.dtmf.clone(),
                        },
                        s.analyzer.clone(),
                    )
                }
            }
        };
        stats.level_dbfs = analyzer.level_dbfs();
        stats.dominant_hz = analyzer.dominant_hz();
        stats.heard_ms = analyzer.heard_ms();
        Some(stats)
    }

    /// Removes a leg: it stops being heard and hearing; a WebRTC leg's task disconnects and
    /// releases its socket.
    pub fn remove(&self, leg: LegId) {
        let mut state = self.state();
        state.matrix.remove(leg);
        if state.legs.remove(&leg).is_some() {
            tracing::debug!(leg = ?leg, "removed");
        }
    }
}

async fn tick_loop(inner: Weak<Inner>) {
    let mut interval = tokio::time::interval(TICK);
    loop {
        interval.tick().await;
        let Some(inner) = inner.upgrade() else { return };
        tick(&mut inner.state.lock().expect("bridge state"));
    }
}

/// One 20 ms step: every leg contributes a frame, every leg receives its mix.
fn tick(state: &mut State) {
    let mut frames: HashMap<LegId, Frame> = HashMap::with_capacity(state.legs.len());
    for (&id, leg) in state.legs.iter_mut() {
        match leg {
            Leg::Virtual(v) => {
                v.produced += 1;
                frames.insert(id, v.generator.next_frame());
            }
            Leg::WebRtc(w) => {
                let mut shared = w.shared.lock().expect("leg state");
                match shared.inbox.pop_front() {
                    Some(f) => {
                        shared.analyzer.feed(&f);
                        frames.insert(id, f);
                    }
                    None => shared.analyzer.feed(&SILENT_FRAME),
                }
            }
        }
    }
    for (&id, leg) in state.legs.iter_mut() {
        let mixed = state.matrix.mix_for(id, &frames);
        match leg {
            Leg::Virtual(v) => {
                v.consumed += 1;
                v.analyzer.feed(&mixed);
            }
            Leg::WebRtc(w) => {
                // A full queue means the leg's task is behind: drop the frame, never block.
                let _ = w.commands.try_send(Command::Frame(mixed));
            }
        }
    }
}
