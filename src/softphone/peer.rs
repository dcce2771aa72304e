//! The soft phone's media: the only module that touches `RTCPeerConnection` (`tests/edges.rs` checks it),
//! the microphone stream and the element that plays the far party.
//!
//! One [`Peer`] per call leg. SIP carries whole SDP bodies (no trickle ICE), so an offer or answer is
//! handed out only once ICE gathering has completed (or [`GATHER_LIMIT_MS`] passed, with what was
//! gathered by then). The microphone is opened on the device the agent chose, with the browser's voice
//! processing unless the host turned it off; mute disables the track (nothing leaves the machine, the
//! call stays up); DTMF goes through the sender's RFC 4733 `RTCDTMFSender`. The microphone itself comes
//! from `navigator.mediaDevices.getUserMedia` through [`crate::media_devices::user_media`].
//!
//! Beside the call legs: whether the browser has WebRTC at all ([`supported`]), and the access-point
//! probe [`first_relay_ms`] (one relay-only connection, timed to its first relay candidate).

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    HtmlAudioElement, MediaStream, MediaStreamTrack, RtcIceGatheringState, RtcPeerConnection,
    RtcRtpSender, RtcSdpType, RtcSessionDescriptionInit, RtcTrackEvent,
};

use crate::deadline::with_deadline;

/// How long an offer/answer waits for ICE gathering before it goes out with what it has.
pub const GATHER_LIMIT_MS: u32 = 3000;

/// What a leg opens its devices with.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaOptions {
    /// Microphone `deviceId` (empty: the browser's default).
    pub input: String,
    /// Speaker `deviceId` (empty: the browser's default).
    pub output: String,
    /// Far-party volume in [0, 1].
    pub volume: f64,
    /// Echo cancellation, noise suppression and automatic gain (on unless the host turned them off).
    pub processing: bool,
    /// The TURN servers (access point) a new leg relays through; shared, so a switch of access point
    /// applies to every leg opened afterwards (empty: direct connection).
    pub ice_servers: IceServers,
}

/// One ICE server entry of an `RTCConfiguration` (`{urls, username, credential}`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IceServer {
    /// `turn:host:port` URLs.
    pub urls: Vec<String>,
    /// TURN user name.
    pub username: String,
    /// TURN password.
    pub credential: String,
}

/// The ICE servers new legs open with, shared between the workbench (which sets them: `register`,
/// `switchAccessPoint`) and the phone's options (each leg reads them in [`Peer::open`]). When any is set,
/// the leg gathers *relay candidates only* (`iceTransportPolicy: 'relay'`): the access point carries the
/// media, as its dedicated line is meant to; none set means a direct connection (host candidates).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IceServers(Rc<RefCell<Vec<IceServer>>>);

impl IceServers {
    /// Replaces the servers for legs opened from now on.
    pub fn set(&self, servers: Vec<IceServer>) {
        *self.0.borrow_mut() = servers;
    }

    /// The servers in force.
    pub fn get(&self) -> Vec<IceServer> {
        self.0.borrow().clone()
    }
}

/// Whether this browser has WebRTC (`RTCPeerConnection`).
pub fn supported() -> bool {
    web_sys::window()
        .is_some_and(|w| Reflect::has(&w, &"RTCPeerConnection".into()).unwrap_or(false))
}

/// An `RTCPeerConnection` with `servers` (relay-only when there are any), built through `Reflect` so it
/// needs no more `web-sys` features.
fn peer_connection(servers: &[IceServer]) -> Result<RtcPeerConnection, JsValue> {
    let config = Object::new();
    if !servers.is_empty() {
        let list = Array::new();
        for server in servers {
            let entry = Object::new();
            let urls: Array = server.urls.iter().map(|u| JsValue::from_str(u)).collect();
            Reflect::set(&entry, &"urls".into(), &urls)?;
            Reflect::set(&entry, &"username".into(), &server.username.as_str().into())?;
            Reflect::set(
                &entry,
                &"credential".into(),
                &server.credential.as_str().into(),
            )?;
            list.push(&entry);
        }
        Reflect::set(&config, &"iceServers".into(), &list)?;
        Reflect::set(&config, &"iceTransportPolicy".into(), &"relay".into())?;
    }
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let class: js_sys::Function = Reflect::get(&window, &"RTCPeerConnection".into())?.dyn_into()?;
    Ok(Reflect::construct(&class, &Array::of1(&config))?.unchecked_into())
}

/// Why media could not be set up.
#[derive(Debug, Clone, PartialEq)]
pub enum MediaFailure {
    /// No microphone, or the user/browser refused it (`8001`).
    Microphone(String),
    /// The peer connection refused an SDP or failed otherwise.
    Peer(String),
}

impl std::fmt::Display for MediaFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MediaFailure::Microphone(m) => write!(f, "microphone: {m}"),
            MediaFailure::Peer(m) => write!(f, "peer connection: {m}"),
        }
    }
}

fn describe(e: JsValue) -> String {
    Reflect::get(&e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

fn peer_err(e: JsValue) -> MediaFailure {
    MediaFailure::Peer(describe(e))
}

/// A connection's `ontrack` handler.
type TrackHandler = Closure<dyn FnMut(RtcTrackEvent)>;

/// One call leg's media.
pub struct Peer {
    pc: RtcPeerConnection,
    mic: RefCell<MediaStream>,
    speaker: HtmlAudioElement,
    /// The connection's `ontrack` (it holds the speaker); dropped when the leg closes.
    on_track: RefCell<Option<TrackHandler>>,
    /// Called when the microphone's track ends by itself (the device was unplugged).
    on_input_ended: RefCell<Option<Closure<dyn FnMut()>>>,
    /// [`Peer::close`] ran: everything below is released.
    closed: std::cell::Cell<bool>,
}

impl Peer {
    async fn open(options: &MediaOptions) -> Result<Peer, MediaFailure> {
        let mic = microphone(&options.input, options.processing).await?;
        // Until the leg owns them, a failure must not leave the microphone open.
        let pc = match peer_connection(&options.ice_servers.get()) {
            Ok(pc) => pc,
            Err(e) => {
                stop(&mic);
                return Err(peer_err(e));
            }
        };
        let speaker = match HtmlAudioElement::new() {
            Ok(speaker) => speaker,
            Err(e) => {
                pc.close();
                stop(&mic);
                return Err(peer_err(e));
            }
        };
        for track in mic.get_audio_tracks().iter() {
            let track: MediaStreamTrack = track.unchecked_into();
            pc.add_track_0(&track, &mic);
        }
        speaker.set_autoplay(true);
        speaker.set_volume(options.volume.clamp(0.0, 1.0));
        let player = speaker.clone();
        let on_track = Closure::<dyn FnMut(RtcTrackEvent)>::new(move |e: RtcTrackEvent| {
            // The far party's track in a stream of its own (the event's stream, when it names one, is
            // the one the connection keeps; a stream made here is released with the element's source).
            let stream = match e.streams().get(0).dyn_into::<MediaStream>() {
                Ok(stream) => stream,
                Err(_) => {
                    let Ok(stream) = MediaStream::new() else {
                        return;
                    };
                    stream.add_track(&e.track());
                    stream
                }
            };
            player.set_src_object(Some(&stream));
            let _ = player.play();
        });
        pc.set_ontrack(Some(on_track.as_ref().unchecked_ref()));
        let peer = Peer {
            pc,
            mic: RefCell::new(mic),
            speaker,
            on_track: RefCell::new(Some(on_track)),
            on_input_ended: RefCell::new(None),
            closed: std::cell::Cell::new(false),
        };
        if !options.output.is_empty() {
            // An unknown speaker leaves the default in place; the call goes on.
            let _ = peer.set_output(&options.output).await;
        }
        Ok(peer)
    }

    /// A leg answering the far side's `offer`: the peer and our SDP answer.
    pub async fn answer(
        offer: &str,
        options: &MediaOptions,
    ) -> Result<(Peer, String), MediaFailure> {
        let peer = Self::open(options).await?;
        peer.remote(RtcSdpType::Offer, offer).await?;
        let answer = JsFuture::from(peer.pc.create_answer())
            .await
            .map_err(peer_err)?;
        peer.local(RtcSdpType::Answer, &answer).await?;
        let sdp = peer.gathered_sdp().await?;
        Ok((peer, sdp))
    }

    /// A leg that offers: the peer and our SDP offer (finish with [`Peer::accept`]).
    pub async fn offer(options: &MediaOptions) -> Result<(Peer, String), MediaFailure> {
        let peer = Self::open(options).await?;
        let offer = JsFuture::from(peer.pc.create_offer())
            .await
            .map_err(peer_err)?;
        peer.local(RtcSdpType::Offer, &offer).await?;
        let sdp = peer.gathered_sdp().await?;
        Ok((peer, sdp))
    }

    /// Answers the far side's new offer (a re-INVITE: hold, retrieve, a new media path) on this
    /// connection.
    pub async fn renegotiate(&self, offer: &str) -> Result<String, MediaFailure> {
        self.remote(RtcSdpType::Offer, offer).await?;
        let answer = JsFuture::from(self.pc.create_answer())
            .await
            .map_err(peer_err)?;
        self.local(RtcSdpType::Answer, &answer).await?;
        self.gathered_sdp().await
    }

    /// Applies the far side's answer to our offer.
    pub async fn accept(&self, answer: &str) -> Result<(), MediaFailure> {
        self.remote(RtcSdpType::Answer, answer).await
    }

    async fn remote(&self, kind: RtcSdpType, sdp: &str) -> Result<(), MediaFailure> {
        let init = RtcSessionDescriptionInit::new(kind);
        init.set_sdp(sdp);
        JsFuture::from(self.pc.set_remote_description(&init))
            .await
            .map(drop)
            .map_err(peer_err)
    }

    async fn local(&self, kind: RtcSdpType, description: &JsValue) -> Result<(), MediaFailure> {
        let init = RtcSessionDescriptionInit::new(kind);
        let sdp = Reflect::get(description, &"sdp".into())
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default();
        init.set_sdp(&sdp);
        JsFuture::from(self.pc.set_local_description(&init))
            .await
            .map(drop)
            .map_err(peer_err)
    }

    /// The local description once ICE gathering is complete (or the limit passed).
    async fn gathered_sdp(&self) -> Result<String, MediaFailure> {
        let mut waited = 0;
        while self.pc.ice_gathering_state() != RtcIceGatheringState::Complete
            && waited < GATHER_LIMIT_MS
        {
            gloo_timers::future::TimeoutFuture::new(20).await;
            waited += 20;
        }
        self.pc
            .local_description()
            .map(|d| d.sdp())
            .ok_or_else(|| MediaFailure::Peer("no local description".into()))
    }

    fn sender(&self) -> Option<RtcRtpSender> {
        self.pc.get_senders().get(0).dyn_into().ok()
    }

    /// Mutes or unmutes the microphone at the track.
    pub fn set_muted(&self, muted: bool) {
        for track in self.mic.borrow().get_audio_tracks().iter() {
            track
                .unchecked_into::<MediaStreamTrack>()
                .set_enabled(!muted);
        }
    }

    /// Whether the microphone track is muted.
    pub fn muted(&self) -> bool {
        self.mic
            .borrow()
            .get_audio_tracks()
            .iter()
            .any(|t| !t.unchecked_into::<MediaStreamTrack>().enabled())
    }

    /// Sends `digits` as RFC 4733 events; `false` when this connection cannot (then SIP INFO is used).
    pub fn send_dtmf(&self, digits: &str) -> bool {
        let Some(dtmf) = self.sender().and_then(|s| s.dtmf()) else {
            return false;
        };
        if !Reflect::get(&dtmf, &"canInsertDTMF".into())
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(true)
        {
            return false;
        }
        dtmf.insert_dtmf_with_duration(digits, 100);
        true
    }

    /// Far-party volume in [0, 1].
    pub fn set_volume(&self, volume: f64) {
        self.speaker.set_volume(volume.clamp(0.0, 1.0));
    }

    /// Plays the far party on speaker `id` (`HTMLMediaElement.setSinkId`).
    pub async fn set_output(&self, id: &str) -> Result<(), MediaFailure> {
        set_sink(self.speaker.as_ref(), id).await
    }

    /// Replaces the microphone mid-call with device `id`.
    pub async fn set_input(&self, id: &str, processing: bool) -> Result<(), MediaFailure> {
        let mic = microphone(id, processing).await?;
        let muted = self.muted();
        let track: Option<MediaStreamTrack> = mic.get_audio_tracks().get(0).dyn_into().ok();
        if let (Some(sender), Some(track)) = (self.sender(), track.as_ref()) {
            if let Err(e) = JsFuture::from(sender.replace_track(Some(track))).await {
                stop(&mic);
                return Err(peer_err(e));
            }
        }
        if self.closed.get() {
            // The leg ended while the new microphone opened.
            stop(&mic);
            return Ok(());
        }
        let old = self.mic.replace(mic);
        detach_ended(&old);
        stop(&old);
        self.set_muted(muted);
        self.attach_ended();
        Ok(())
    }

    /// Calls `on_ended` when the microphone's track ends without being stopped by us: its device was
    /// unplugged (a headset pulled, the default device gone).
    pub fn watch_input(&self, on_ended: impl FnMut() + 'static) {
        *self.on_input_ended.borrow_mut() = Some(Closure::new(on_ended));
        self.attach_ended();
    }

    fn attach_ended(&self) {
        let handler = self.on_input_ended.borrow();
        let Some(handler) = handler.as_ref() else {
            return;
        };
        for track in self.mic.borrow().get_audio_tracks().iter() {
            let track: MediaStreamTrack = track.unchecked_into();
            track.set_onended(Some(handler.as_ref().unchecked_ref()));
        }
    }

    /// `{sender: [...], receiver: [...]}`: the sender's and receiver's `getStats()` reports as JSON
    /// strings (`onGetStatsData`).
    pub async fn stats(&self) -> (Vec<String>, Vec<String>) {
        let sender = match self.sender() {
            Some(s) => reports(s.get_stats()).await,
            None => Vec::new(),
        };
        let receiver = match self
            .pc
            .get_receivers()
            .get(0)
            .dyn_into::<web_sys::RtcRtpReceiver>()
        {
            Ok(r) => reports(r.get_stats()).await,
            Err(_) => Vec::new(),
        };
        (sender, receiver)
    }

    /// The far party's audio as it plays (for a host that records or measures it).
    pub fn remote_stream(&self) -> Option<MediaStream> {
        self.speaker.src_object()
    }

    /// `connectionState` of the peer connection.
    pub fn connection_state(&self) -> String {
        Reflect::get(&self.pc, &"connectionState".into())
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    }

    /// Ends the leg and releases everything it holds, at once rather than at the next garbage collection:
    /// the connection closed (its remote tracks end), every microphone and remote track stopped, the
    /// speaker paused with no source (its media player goes), the handlers taken off and dropped.
    /// Idempotent.
    pub fn close(&self) {
        if self.closed.replace(true) {
            return;
        }
        self.pc.set_ontrack(None);
        let receivers = self.pc.get_receivers();
        self.pc.close();
        for receiver in receivers.iter() {
            if let Ok(receiver) = receiver.dyn_into::<web_sys::RtcRtpReceiver>() {
                receiver.track().stop();
            }
        }
        detach_ended(&self.mic.borrow());
        stop(&self.mic.borrow());
        *self.on_input_ended.borrow_mut() = None;
        let _ = self.speaker.pause();
        if let Some(remote) = self.speaker.src_object() {
            stop(&remote);
        }
        self.speaker.set_src_object(None);
        self.speaker.load();
        drop(self.on_track.borrow_mut().take());
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.close();
    }
}

/// Every report of a stats promise, each as a JSON string.
async fn reports(promise: Promise) -> Vec<String> {
    let Ok(report) = JsFuture::from(promise).await else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let values = Reflect::get(&report, &"values".into())
        .ok()
        .and_then(|values| values.dyn_into::<js_sys::Function>().ok())
        .and_then(|values| values.call0(&report).ok());
    if let Some(iter) = values.and_then(|v| js_sys::try_iter(&v).ok().flatten()) {
        for item in iter.flatten() {
            if let Ok(text) = js_sys::JSON::stringify(&item) {
                out.push(String::from(text));
            }
        }
    }
    out
}

/// Takes the `ended` handler off `stream`'s tracks (before we stop them ourselves).
fn detach_ended(stream: &MediaStream) {
    for track in stream.get_audio_tracks().iter() {
        let track: MediaStreamTrack = track.unchecked_into();
        track.set_onended(None);
    }
}

/// Stops every track of `stream`.
fn stop(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        track.unchecked_into::<MediaStreamTrack>().stop();
    }
}

/// `element.setSinkId(id)` where the browser has it.
pub async fn set_sink(element: &JsValue, id: &str) -> Result<(), MediaFailure> {
    let Ok(set_sink_id) = Reflect::get(element, &"setSinkId".into()) else {
        return Ok(());
    };
    let Ok(set_sink_id) = set_sink_id.dyn_into::<js_sys::Function>() else {
        return Ok(());
    };
    let promise = set_sink_id
        .call1(element, &JsValue::from_str(id))
        .map_err(peer_err)?;
    JsFuture::from(Promise::from(promise))
        .await
        .map(drop)
        .map_err(peer_err)
}

/// `getUserMedia({audio: {...}})` on device `id` (empty: default); also 设备检测's microphone test.
pub async fn microphone(id: &str, processing: bool) -> Result<MediaStream, MediaFailure> {
    let audio = Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&audio, &k.into(), &v);
    };
    if !id.is_empty() {
        let exact = Object::new();
        let _ = Reflect::set(&exact, &"exact".into(), &id.into());
        set("deviceId", exact.into());
    }
    for key in ["echoCancellation", "noiseSuppression", "autoGainControl"] {
        set(key, processing.into());
    }
    let constraints = web_sys::MediaStreamConstraints::new();
    constraints.set_audio(&audio);
    constraints.set_video(&false.into());
    let stream = crate::media_devices::user_media(&constraints)
        .await
        .map_err(|e| MediaFailure::Microphone(describe(e)))?;
    if Array::from(&stream.get_audio_tracks()).length() == 0 {
        return Err(MediaFailure::Microphone("no audio track".into()));
    }
    Ok(stream)
}

/// Milliseconds until a relay-only peer connection through `servers` gathered its first `relay`
/// candidate (a data channel triggers the gathering); `None` when none came within `deadline_ms` or
/// gathering ended without one. The access points' measurement (`workbench/access_points.rs`).
pub async fn first_relay_ms(servers: &[IceServer], deadline_ms: i32) -> Option<u64> {
    let pc = peer_connection(servers).ok()?;
    let started = js_sys::Date::now();
    let settle: Rc<RefCell<Option<js_sys::Function>>> = Rc::default();
    let slot = settle.clone();
    let done = Promise::new(&mut |resolve, _| *slot.borrow_mut() = Some(resolve));
    let on_candidate = {
        let settle = settle.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let candidate = Reflect::get(&event, &"candidate".into()).unwrap_or(JsValue::NULL);
            let relay = if candidate.is_null() || candidate.is_undefined() {
                Some(false) // gathering is over
            } else {
                let kind = Reflect::get(&candidate, &"type".into())
                    .ok()
                    .and_then(|t| t.as_string());
                let line = Reflect::get(&candidate, &"candidate".into())
                    .ok()
                    .and_then(|t| t.as_string())
                    .unwrap_or_default();
                (kind.as_deref() == Some("relay") || line.contains(" typ relay")).then_some(true)
            };
            if let Some(relay) = relay {
                if let Some(resolve) = settle.borrow_mut().take() {
                    let _ = resolve.call1(&JsValue::NULL, &JsValue::from_bool(relay));
                }
            }
        })
    };
    let _ = Reflect::set(&pc, &"onicecandidate".into(), on_candidate.as_ref());
    if let Ok(create_data_channel) = Reflect::get(&pc, &"createDataChannel".into())
        .and_then(|f| f.dyn_into::<js_sys::Function>())
    {
        let _ = create_data_channel.call1(&pc, &"ccc-turn-probe".into());
    }
    let Ok(offer) = JsFuture::from(pc.create_offer()).await else {
        let _ = Reflect::set(&pc, &"onicecandidate".into(), &JsValue::NULL);
        pc.close();
        return None;
    };
    let init = RtcSessionDescriptionInit::new(RtcSdpType::Offer);
    init.set_sdp(
        &Reflect::get(&offer, &"sdp".into())
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default(),
    );
    if JsFuture::from(pc.set_local_description(&init))
        .await
        .is_err()
    {
        let _ = Reflect::set(&pc, &"onicecandidate".into(), &JsValue::NULL);
        pc.close();
        return None;
    }
    let outcome = with_deadline(&done, deadline_ms)
        .await
        .and_then(Result::ok)
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let elapsed = (js_sys::Date::now() - started).max(0.0).round() as u64;
    let _ = Reflect::set(&pc, &"onicecandidate".into(), &JsValue::NULL);
    pc.close();
    drop(on_candidate);
    outcome.then_some(elapsed)
}
