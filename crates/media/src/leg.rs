//! One WebRTC leg: a str0m [`Rtc`] driven by a tokio task over one UDP socket.
//!
//! The sans-IO loop: drain [`Rtc::poll_output`] (send every `Transmit`, record every `Event`) until
//! it yields a `Timeout`, then wait for whichever comes first — a datagram on the socket
//! (`Input::Receive`), a command from the bridge (a 20 ms PCM frame to encode and send, or the SDP
//! answer to our offer), or the timeout (`Input::Timeout`). The task owns the `Rtc`, the socket and
//! the Opus codec state; the bridge sees the leg only through [`LegShared`] (decoded frames, counters,
//! the analyzer) and the command channel. Dropping the command sender ends the task, which
//! disconnects the `Rtc` and closes the socket.
//!
//! Only one local candidate is ever added: a host candidate for the socket on `bind_ip`. There is
//! no interface enumeration, STUN or mDNS, so a leg bound to 127.0.0.1 never leaves loopback.

use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use str0m::change::{SdpAnswer, SdpOffer, SdpPendingOffer};
use str0m::format::{Codec, FormatParams};
use str0m::media::{Direction, Frequency, MediaKind, MediaTime, Mid, Pt, TelephoneEvent};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, IceConnectionState, Input, Output, Rtc, RtcConfig};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};

use crate::analysis::Analyzer;
use crate::dtmf::DtmfDecoder;
use crate::leg_id::LegId;
use crate::pcm::{Frame, FRAME_SAMPLES};
use crate::MediaError;

/// Decoded frames waiting for the mixer; more than this (200 ms) and the oldest are dropped.
const INBOX_LIMIT: usize = 10;
/// Commands queued towards a leg's task; a full queue drops frames rather than block the tick.
const COMMAND_QUEUE: usize = 32;
/// Longest wait without waking str0m (its "nothing scheduled" timeout is far in the future).
const MAX_IDLE: Duration = Duration::from_millis(500);
/// Payload types offered for telephone-event (Chromium's numbers).
const PT_TELE_8K: u8 = 126;
const PT_TELE_48K: u8 = 110;
/// Length of each sent DTMF event, and the pause before the next (RFC 4733 needs ≥ 50 ms).
const DTMF_DURATION: Duration = Duration::from_millis(100);
const DTMF_GAP: Duration = Duration::from_millis(70);
/// Sent DTMF power, −dBm0.
const DTMF_VOLUME: u8 = 10;

/// What the bridge and the leg's task share.
#[derive(Debug, Default)]
pub(crate) struct LegShared {
    pub(crate) connected: bool,
    pub(crate) packets_received: u64,
    pub(crate) packets_sent: u64,
    /// Decoded 20 ms frames, oldest first; the tick takes one per 20 ms.
    pub(crate) inbox: VecDeque<Frame>,
    /// Measures what the leg received, as the tick plays it out (silence when nothing arrived), so
    /// the level decays when the peer goes quiet or away.
    pub(crate) analyzer: Analyzer,
    pub(crate) dtmf: String,
}

impl LegShared {
    fn push_pcm(&mut self, pcm: &[i16]) {
        for chunk in pcm.chunks(FRAME_SAMPLES) {
            let mut frame = chunk.to_vec();
            frame.resize(FRAME_SAMPLES, 0);
            self.inbox.push_back(frame);
        }
        while self.inbox.len() > INBOX_LIMIT {
            self.inbox.pop_front();
        }
    }
}

/// Bridge → leg task.
#[derive(Debug)]
pub(crate) enum Command {
    /// Encode and send this frame (dropped until connected).
    Frame(Frame),
    /// Send these RFC 4733 event codes, one after another.
    Dtmf(Vec<u8>),
    /// The peer's SDP answer to the offer this leg made.
    AcceptAnswer(String, oneshot::Sender<Result<(), MediaError>>),
}

/// The bridge's handle on a running WebRTC leg.
#[derive(Debug)]
pub(crate) struct WebRtcLeg {
    pub(crate) shared: Arc<Mutex<LegShared>>,
    pub(crate) commands: mpsc::Sender<Command>,
}

fn new_rtc() -> Rtc {
    let mut config = RtcConfig::new().clear_codecs().enable_opus(true, false);
    for (pt, rate) in [
        (PT_TELE_48K, Frequency::FORTY_EIGHT_KHZ),
        (PT_TELE_8K, Frequency::EIGHT_KHZ),
    ] {
        config.codec_config().add_config(
            Pt::from(pt),
            None,
            Codec::Tele,
            rate,
            None,
            FormatParams::default(),
        );
    }
    config.build(Instant::now())
}

async fn bind(ip: IpAddr, rtc: &mut Rtc) -> Result<UdpSocket, MediaError> {
    let socket = UdpSocket::bind(SocketAddr::new(ip, 0)).await?;
    let local = socket.local_addr()?;
    let candidate = Candidate::host(local, "udp").map_err(|e| MediaError::Rtc(e.to_string()))?;
    rtc.add_local_candidate(candidate);
    Ok(socket)
}

/// A new leg that offers: returns the running leg and our SDP offer.
pub(crate) async fn offer(id: LegId, ip: IpAddr) -> Result<(WebRtcLeg, String), MediaError> {
    let mut rtc = new_rtc();
    let socket = bind(ip, &mut rtc).await?;
    let mut api = rtc.sdp_api();
    let mid = api.add_media(MediaKind::Audio, Direction::SendRecv, None, None, None);
    let (offer, pending) = api
        .apply()
        .ok_or_else(|| MediaError::Rtc("no offer produced".into()))?;
    let sdp = offer.to_sdp_string();
    Ok((spawn(id, rtc, socket, Some(pending), Some(mid)), sdp))
}

/// A new leg answering `offer_sdp`: returns the running leg and our SDP answer.
pub(crate) async fn answer(
    id: LegId,
    ip: IpAddr,
    offer_sdp: &str,
) -> Result<(WebRtcLeg, String), MediaError> {
    let offer =
        SdpOffer::from_sdp_string(offer_sdp).map_err(|e| MediaError::BadSdp(e.to_string()))?;
    let mut rtc = new_rtc();
    let socket = bind(ip, &mut rtc).await?;
    let answer = rtc
        .sdp_api()
        .accept_offer(offer)
        .map_err(|e| MediaError::BadSdp(e.to_string()))?;
    let sdp = answer.to_sdp_string();
    Ok((spawn(id, rtc, socket, None, None), sdp))
}

fn spawn(
    id: LegId,
    rtc: Rtc,
    socket: UdpSocket,
    pending: Option<SdpPendingOffer>,
    mid: Option<Mid>,
) -> WebRtcLeg {
    let shared = Arc::new(Mutex::new(LegShared::default()));
    let (commands, rx) = mpsc::channel(COMMAND_QUEUE);
    let driver = Driver {
        id,
        rtc,
        socket,
        pending,
        mid,
        shared: shared.clone(),
        encoder: None,
        decoder: None,
        dtmf: DtmfDecoder::new(),
        rtp_time: 0,
        dtmf_out: VecDeque::new(),
        next_dtmf_at: Instant::now(),
    };
    tokio::spawn(driver.run(rx));
    WebRtcLeg { shared, commands }
}

struct Driver {
    id: LegId,
    rtc: Rtc,
    socket: UdpSocket,
    pending: Option<SdpPendingOffer>,
    mid: Option<Mid>,
    shared: Arc<Mutex<LegShared>>,
    encoder: Option<opus::Encoder>,
    decoder: Option<opus::Decoder>,
    dtmf: DtmfDecoder,
    rtp_time: u64,
    /// Event codes still to send, and when the next may start.
    dtmf_out: VecDeque<u8>,
    next_dtmf_at: Instant,
}

impl Driver {
    async fn run(mut self, mut rx: mpsc::Receiver<Command>) {
        let local = match self.socket.local_addr() {
            Ok(a) => a,
            Err(e) => {
                tracing::debug!(leg = ?self.id, "no local address: {e}");
                return;
            }
        };
        tracing::debug!(leg = ?self.id, %local, "webrtc leg started");
        let mut buf = vec![0u8; 2000];
        loop {
            let deadline = match self.drain().await {
                Ok(d) => d,
                Err(e) => {
                    tracing::debug!(leg = ?self.id, "rtc failed: {e}");
                    break;
                }
            };
            if !self.rtc.is_alive() {
                break;
            }
            let wait = deadline
                .saturating_duration_since(Instant::now())
                .min(MAX_IDLE);
            let input_result = tokio::select! {
                received = self.socket.recv_from(&mut buf) => match received {
                    Ok((n, source)) => match buf[..n].try_into() {
                        Ok(contents) => self.rtc.handle_input(Input::Receive(
                            Instant::now(),
                            Receive { proto: Protocol::Udp, source, destination: local, contents },
                        )),
                        Err(_) => Ok(()), // not STUN/DTLS/RTP: ignore
                    },
                    Err(e) => {
                        // ICMP port unreachable from a vanished peer shows up here; keep going.
                        tracing::debug!(leg = ?self.id, "recv: {e}");
                        Ok(())
                    }
                },
                command = rx.recv() => match command {
                    Some(c) => { self.command(c); Ok(()) }
                    None => break,
                },
                () = tokio::time::sleep(wait) => self.rtc.handle_input(Input::Timeout(Instant::now())),
            };
            if let Err(e) = input_result {
                tracing::debug!(leg = ?self.id, "rtc input failed: {e}");
            }
        }
        self.rtc.disconnect();
        let _ = self.drain().await;
        self.shared.lock().expect("leg state").connected = false;
        tracing::debug!(leg = ?self.id, "webrtc leg ended");
    }

    /// Sends and handles everything str0m has for us; returns when it next wants a timeout.
    async fn drain(&mut self) -> Result<Instant, str0m::RtcError> {
        loop {
            match self.rtc.poll_output()? {
                Output::Timeout(t) => return Ok(t),
                Output::Transmit(t) => {
                    if let Err(e) = self.socket.send_to(&t.contents, t.destination).await {
                        tracing::debug!(leg = ?self.id, "send to {}: {e}", t.destination);
                    }
                }
                Output::Event(e) => self.event(e),
            }
        }
    }

    fn event(&mut self, event: Event) {
        match event {
            Event::Connected => {
                tracing::debug!(leg = ?self.id, "connected");
                self.shared.lock().expect("leg state").connected = true;
            }
            Event::IceConnectionStateChange(state) => {
                tracing::debug!(leg = ?self.id, ?state, "ice");
                if state == IceConnectionState::Disconnected {
                    self.shared.lock().expect("leg state").connected = false;
                }
            }
            Event::MediaAdded(m) => {
                tracing::debug!(leg = ?self.id, mid = ?m.mid, "media added");
                if m.kind == MediaKind::Audio && self.mid.is_none() {
                    self.mid = Some(m.mid);
                }
            }
            Event::MediaData(d) => {
                let codec = d.params.spec().codec;
                let mut shared = self.shared.lock().expect("leg state");
                shared.packets_received += 1;
                match codec {
                    Codec::Opus => {
                        let decoder = self.decoder.get_or_insert_with(|| {
                            opus::Decoder::new(48_000, opus::Channels::Mono)
                                .expect("opus decoder for 48 kHz mono")
                        });
                        let mut pcm = [0i16; 5760];
                        match decoder.decode(&d.data, &mut pcm, false) {
                            Ok(n) => shared.push_pcm(&pcm[..n]),
                            Err(e) => tracing::debug!(leg = ?self.id, "opus decode: {e}"),
                        }
                    }
                    Codec::Tele => {
                        let timestamp = d.time.numer() as u32;
                        if let Some(digit) = self.dtmf.push(timestamp, &d.data) {
                            tracing::debug!(leg = ?self.id, %digit, "dtmf");
                            shared.dtmf.push(digit);
                        }
                    }
                    other => tracing::debug!(leg = ?self.id, ?other, "ignored media"),
                }
            }
            _ => {}
        }
    }

    fn command(&mut self, command: Command) {
        match command {
            Command::Frame(pcm) => self.send_frame(&pcm),
            Command::Dtmf(codes) => self.dtmf_out.extend(codes),
            Command::AcceptAnswer(sdp, reply) => {
                let _ = reply.send(self.accept_answer(&sdp));
            }
        }
    }

    fn accept_answer(&mut self, sdp: &str) -> Result<(), MediaError> {
        if self.pending.is_none() {
            return Err(MediaError::WrongState(
                self.id,
                "no offer awaiting an answer",
            ));
        }
        // Parse before taking the pending offer, so a bad answer can be followed by a good one.
        let answer =
            SdpAnswer::from_sdp_string(sdp).map_err(|e| MediaError::BadSdp(e.to_string()))?;
        let pending = self.pending.take().expect("checked above");
        self.rtc
            .sdp_api()
            .accept_answer(pending, answer)
            .map_err(|e| MediaError::BadSdp(e.to_string()))
    }

    fn send_frame(&mut self, pcm: &[i16]) {
        let Some(mid) = self.mid else { return };
        if !self.rtc.is_connected() {
            return;
        }
        let encoder = self.encoder.get_or_insert_with(|| {
            opus::Encoder::new(48_000, opus::Channels::Mono, opus::Application::Voip)
                .expect("opus encoder for 48 kHz mono")
        });
        let data = match encoder.encode_vec(pcm, 1500) {
            Ok(d) => d,
            Err(e) => {
                tracing::debug!(leg = ?self.id, "opus encode: {e}");
                return;
            }
        };
        let Some(writer) = self.rtc.writer(mid) else {
            return;
        };
        let Some(pt) = writer
            .payload_params()
            .find(|p| p.spec().codec == Codec::Opus)
            .map(|p| p.pt())
        else {
            return;
        };
        let now = Instant::now();
        let mut writer = writer;
        if now >= self.next_dtmf_at {
            if let Some(event) = self.dtmf_out.pop_front() {
                writer = writer.telephone_event(TelephoneEvent {
                    event,
                    end: true,
                    volume: DTMF_VOLUME,
                    duration: DTMF_DURATION,
                });
                self.next_dtmf_at = now + DTMF_DURATION + DTMF_GAP;
            }
        }
        let time = MediaTime::new(self.rtp_time, Frequency::FORTY_EIGHT_KHZ);
        self.rtp_time += pcm.len() as u64;
        match writer.write(pt, now, time, data) {
            Ok(()) => self.shared.lock().expect("leg state").packets_sent += 1,
            Err(e) => tracing::debug!(leg = ?self.id, "write: {e}"),
        }
    }
}
