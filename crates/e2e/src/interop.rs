//! The browser side of the interop tests: JsSIP (a SIP over WebSocket UA nobody on the team wrote) in a
//! test page, each tab in its own headless Chromium with its own fake microphone.
//!
//! # What it starts
//! - [`PhoneSite::start`]: a tiny axum site on an ephemeral 127.0.0.1 port serving `/phone.html` (the page
//!   below) and `/jssip.js` (the bundle `scripts/setup-peers.sh` built outside the clone, see
//!   [`jssip_bundle`]), `/meter.js`, and `/ours.html` with `/sdk/*` from `dist/` (our panel's phone beside
//!   it). The JsSIP page needs no `dist/` and no workbench server. `http://127.0.0.1` is a secure
//!   context, so `getUserMedia` works. Stopped when dropped.
//! - Each tab's microphone plays a known tone: [`crate::fake_media`]'s `write_tone_wav` and `media_args`.
//!
//! # The page's API (`window.phone`)
//! `register(uri, password, wsUrl)`, `call(target)`, `answer()`, `hangup()`, `state()` and `stats()`
//! (a promise). `state()` is `{ registration, call, error }` with `registration` one of `idle`,
//! `registering`, `registered`, `failed`, `unregistered` and `call` one of `idle`, `calling`,
//! `ringing` (incoming, not answered), `progress` (outgoing, provisional answer), `confirmed`, `ended`,
//! `failed`. `stats()` measures the remote audio two ways: `getStats()` inbound-rtp (`packetsReceived`,
//! `audioLevel`, `codec`) and a WebAudio `AnalyserNode` on the received track (`frequency`: the dominant
//! frequency between 100 Hz and 4 kHz, `peakDb`). The microphone is asked for with echo cancellation,
//! noise suppression and auto gain off, so the tone arrives unchanged.
//!
//! `sendDtmf(digits)` sends DTMF on the call; `state().dtmf` is the digits received (JsSIP: its
//! `newDTMF` events from the far side, i.e. SIP INFO).
//!
//! # The project's own phone: `/ours.html`
//! [`PhoneSite::open_ours`] opens the same `window.phone` API over the project's own browser UA —
//! `WorkbenchSdk.createSipPhone` of the release build in `dist/sdk/` (served at `/sdk/*`, so the loader
//! finds its wasm beside itself; [`crate::dist`] fails clearly when there is no build) with
//! `audioProcessing: false`. There `register(uri, …)` takes user and domain from `uri`; `call` is
//! `ringing` (incoming), `calling`, `confirmed` (the `connected` event), `ended` (`cause` = the `ended`
//! event's reason); `error` is the last `registrationFailed` / `mediaFailed` detail; `events` lists every
//! `onEvent` name in order (`eventLog` with details). `stats()` reads the same fields from the phone's
//! `stats()` (`receiver` reports) and an `AnalyserNode` on `remoteStream()`. `register(…, {dtmf: 'info'})`
//! passes extra `createSipPhone` options.

use std::path::PathBuf;

use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::Router;
use fantoccini::Client;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use std::time::{Duration, Instant};

use crate::{eventually, DEADLINE};

/// Where `scripts/setup-peers.sh` puts the JsSIP browser bundle: `$JSSIP_BUNDLE`, else
/// `${CCC_TOOLS_DIR:-~/.cache/ccc-workbench}/jssip/jssip.bundle.js`.
pub fn jssip_bundle() -> PathBuf {
    if let Ok(path) = std::env::var("JSSIP_BUNDLE") {
        return path.into();
    }
    crate::tools().join("jssip/jssip.bundle.js")
}

/// The site serving the JsSIP test page.
pub struct PhoneSite {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    shutdown: Option<oneshot::Sender<()>>,
}

impl PhoneSite {
    /// Serves `/phone.html`, `/jssip.js`, `/ours.html` and `/sdk/*` (from `dist/sdk/`, read per
    /// request) on an ephemeral loopback port.
    pub async fn start() -> PhoneSite {
        let bundle = jssip_bundle();
        let js = std::fs::read(&bundle).unwrap_or_else(|e| {
            panic!(
                "no JsSIP bundle at {} ({e}); run scripts/setup-peers.sh",
                bundle.display()
            )
        });
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = Router::new()
            .route("/phone.html", get(|| async { Html(PAGE) }))
            .route("/ours.html", get(|| async { Html(OURS_PAGE) }))
            .route(
                "/meter.js",
                get(|| async { ([(header::CONTENT_TYPE, "text/javascript")], METER) }),
            )
            .route("/sdk/{file}", get(sdk_file))
            .route(
                "/jssip.js",
                get(move || {
                    let js = js.clone();
                    async move {
                        (
                            StatusCode::OK,
                            [(header::CONTENT_TYPE, "text/javascript")],
                            js,
                        )
                            .into_response()
                    }
                }),
            );
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let stop = async {
                let _ = rx.await;
            };
            axum::serve(listener, app)
                .with_graceful_shutdown(stop)
                .await
                .expect("phone site");
        });
        PhoneSite {
            base,
            shutdown: Some(tx),
        }
    }

    /// Opens the page in `browser` and waits until JsSIP and `window.phone` are there.
    pub async fn open(&self, browser: &Client) -> Phone {
        browser
            .goto(&format!("{}/phone.html", self.base))
            .await
            .expect("open the phone page");
        let phone = Phone(browser.clone());
        eventually("the phone page to load JsSIP", || {
            let phone = phone.clone();
            async move {
                let v = phone
                    .js("return !!(window.JsSIP && window.phone);", vec![])
                    .await;
                (v == Value::Bool(true)).then_some(())
            }
        })
        .await;
        phone
    }

    /// Opens `/ours.html` (the project's own phone, from `dist/`) in `browser` and waits until the
    /// loader and `window.phone` are there.
    pub async fn open_ours(&self, browser: &Client) -> Phone {
        crate::dist();
        browser
            .goto(&format!("{}/ours.html", self.base))
            .await
            .expect("open our phone page");
        let phone = Phone(browser.clone());
        eventually("our phone page to load the SDK", || {
            let phone = phone.clone();
            async move {
                let v = phone
                    .js(
                        "return !!(window.WorkbenchSdk && window.WorkbenchSdk.createSipPhone \
                         && window.phone);",
                        vec![],
                    )
                    .await;
                (v == Value::Bool(true)).then_some(())
            }
        })
        .await;
        phone
    }
}

/// `/sdk/<file>`: a file of the release build, with its content type (`application/wasm` so the loader
/// can stream-compile it).
async fn sdk_file(
    axum::extract::Path(file): axum::extract::Path<String>,
) -> axum::response::Response {
    let kind = match file.rsplit_once('.').map(|(_, ext)| ext) {
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("wav") => "audio/wav",
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    if file.contains('/') || file.starts_with('.') {
        return StatusCode::NOT_FOUND.into_response();
    }
    match std::fs::read(crate::workspace_root().join("dist/sdk").join(&file)) {
        Ok(bytes) => (StatusCode::OK, [(header::CONTENT_TYPE, kind)], bytes).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

impl Drop for PhoneSite {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// One tab's `window.phone`.
#[derive(Clone)]
pub struct Phone(pub Client);

impl Phone {
    async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.0
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("{script}: {e}"))
    }

    /// `phone.register(uri, password, wsUrl)`.
    pub async fn register(&self, uri: &str, password: &str, ws_url: &str) {
        self.js(
            "window.phone.register(arguments[0], arguments[1], arguments[2]);",
            vec![json!(uri), json!(password), json!(ws_url)],
        )
        .await;
    }

    /// `phone.register(uri, password, wsUrl, extra)`: `extra` is merged into the options of our phone
    /// (`/ours.html`; the JsSIP page ignores it).
    pub async fn register_with(&self, uri: &str, password: &str, ws_url: &str, extra: Value) {
        self.js(
            "window.phone.register(arguments[0], arguments[1], arguments[2], arguments[3]);",
            vec![json!(uri), json!(password), json!(ws_url), extra],
        )
        .await;
    }

    /// `phone.sendDtmf(digits)`.
    pub async fn send_dtmf(&self, digits: &str) {
        self.js("window.phone.sendDtmf(arguments[0]);", vec![json!(digits)])
            .await;
    }

    /// `phone.call(target)`.
    pub async fn call(&self, target: &str) {
        self.js("window.phone.call(arguments[0]);", vec![json!(target)])
            .await;
    }

    /// `phone.answer()`.
    pub async fn answer(&self) {
        self.js("window.phone.answer();", vec![]).await;
    }

    /// `phone.hangup()`.
    pub async fn hangup(&self) {
        self.js("window.phone.hangup();", vec![]).await;
    }

    /// What our phone's WebSocket sent (`>> `) and received (`<< `), frame by frame (`/ours.html`
    /// only; empty on the JsSIP page).
    pub async fn sip_trace(&self) -> Vec<String> {
        let v = self.js("return window.sipTrace || [];", vec![]).await;
        serde_json::from_value(v).unwrap_or_default()
    }

    /// `phone.state()`.
    pub async fn state(&self) -> Value {
        self.js("return window.phone.state();", vec![]).await
    }

    /// `await phone.stats()`.
    pub async fn stats(&self) -> Value {
        let v = self
            .0
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 window.phone.stats().then(done, e => done({ error: String(e) }));",
                vec![],
            )
            .await
            .expect("phone.stats()");
        v
    }

    /// Waits until `state()[key] == want`, polling every 50 ms up to [`DEADLINE`]; fails early if it
    /// becomes one of `fatal`. Either failure shows the last state seen.
    pub async fn wait_state(&self, key: &str, want: &str, fatal: &[&str]) -> Value {
        let started = Instant::now();
        loop {
            let s = self.state().await;
            let now = s[key].as_str().unwrap_or_default();
            if now == want {
                return s;
            }
            assert!(
                !fatal.contains(&now),
                "{key} became {now} while waiting for {want}: {s}"
            );
            assert!(
                started.elapsed() < DEADLINE,
                "timed out waiting for {key} to become {want}; the phone shows {s}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Both pages' measurement of the far side's audio: `new RemoteMeter()`, then `meter.measure(track, out)`
/// puts into `out` the dominant frequency between 100 Hz and 4 kHz of `track` (an `AnalyserNode`, FFT
/// 8192, the peak bin refined by parabolic interpolation) and its level (`frequency`, `peakDb`).
const METER: &str = r#"
function RemoteMeter() { this.track = null; this.ctx = null; this.analyser = null; }
RemoteMeter.prototype.measure = function (track, out) {
  if (!track) { return; }
  if (track !== this.track) {
    this.track = track;
    this.ctx = this.ctx || new AudioContext({ sampleRate: 48000 });
    this.ctx.resume();
    this.analyser = this.ctx.createAnalyser();
    this.analyser.fftSize = 8192;
    this.analyser.smoothingTimeConstant = 0.2;
    this.ctx.createMediaStreamSource(new MediaStream([track])).connect(this.analyser);
  }
  var a = this.analyser;
  var bins = new Float32Array(a.frequencyBinCount);
  a.getFloatFrequencyData(bins);
  var hzPerBin = this.ctx.sampleRate / a.fftSize;
  var best = -1, bestDb = -Infinity;
  for (var i = Math.ceil(100 / hzPerBin); i < Math.floor(4000 / hzPerBin); i++) {
    if (bins[i] > bestDb) { bestDb = bins[i]; best = i; }
  }
  if (best > 0 && isFinite(bestDb)) {
    var l = bins[best - 1], c = bins[best], r = bins[best + 1], d = l - 2 * c + r;
    var shift = d !== 0 ? 0.5 * (l - r) / d : 0;
    out.frequency = (best + shift) * hzPerBin;
    out.peakDb = bestDb;
  }
};
"#;

/// The test page. JsSIP's debug log goes to the console (`JsSIP:*` is off by default; enable with
/// `localStorage.debug`).
const PAGE: &str = r#"<!doctype html>
<html><head><meta charset="utf-8"><title>JsSIP phone</title></head>
<body>
<p id="status">loading</p>
<audio id="remote" autoplay playsinline></audio>
<script src="/jssip.js"></script>
<script src="/meter.js"></script>
<script>
(function () {
  var AUDIO = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };
  var OPTIONS = {
    mediaConstraints: { audio: AUDIO, video: false },
    pcConfig: { iceServers: [] },
    rtcOfferConstraints: { offerToReceiveAudio: true, offerToReceiveVideo: false }
  };
  var st = { registration: 'idle', call: 'idle', error: null, cause: null, direction: null, dtmf: '' };
  var ua = null, session = null, played = null, meter = new RemoteMeter();

  function show() {
    document.getElementById('status').textContent = JSON.stringify(st);
  }

  function watch(s) {
    session = s;
    st.direction = s.direction;
    st.cause = null;
    s.on('progress', function () { if (st.call === 'calling') { st.call = 'progress'; show(); } });
    s.on('accepted', function () { st.call = 'accepted'; show(); });
    s.on('confirmed', function () { st.call = 'confirmed'; show(); });
    s.on('ended', function (e) { st.call = 'ended'; st.cause = e.cause; show(); });
    s.on('failed', function (e) { st.call = 'failed'; st.cause = e.cause; show(); });
    s.on('newDTMF', function (e) {
      if (e.originator === 'remote') { st.dtmf += e.dtmf.tone; show(); }
    });
  }

  function remoteTrack() {
    var pc = session && session.connection;
    if (!pc) { return null; }
    var receivers = pc.getReceivers().filter(function (r) { return r.track && r.track.kind === 'audio'; });
    return receivers.length ? receivers[0].track : null;
  }

  // Chromium pulls a remote WebRTC track into WebAudio only while a media element plays it, hence the
  // <audio> element too.
  function play(t) {
    if (t === played) { return; }
    played = t;
    var el = document.getElementById('remote');
    el.srcObject = new MediaStream([t]);
    el.play().catch(function () {});
  }

  window.phone = {
    register: function (uri, password, wsUrl) {
      if (ua) { ua.stop(); }
      var socket = new JsSIP.WebSocketInterface(wsUrl);
      ua = new JsSIP.UA({
        sockets: [socket], uri: uri, password: password, register: true, register_expires: 300,
        session_timers: false, user_agent: 'JsSIP (ccc interop test)'
      });
      st.registration = 'registering';
      ua.on('registered', function () { st.registration = 'registered'; show(); });
      ua.on('unregistered', function () { st.registration = 'unregistered'; show(); });
      ua.on('registrationFailed', function (e) {
        st.registration = 'failed'; st.error = e.cause || 'registrationFailed'; show();
      });
      ua.on('newRTCSession', function (e) {
        if (e.originator === 'remote') {
          if (session && !session.isEnded()) { e.session.terminate({ status_code: 486 }); return; }
          watch(e.session);
          st.call = 'ringing';
          show();
        }
      });
      ua.start();
      show();
    },
    call: function (target) {
      st.call = 'calling';
      watch(ua.call(target, OPTIONS));
      show();
    },
    answer: function () {
      if (session && st.call === 'ringing') { session.answer(OPTIONS); }
    },
    hangup: function () {
      if (session && !session.isEnded()) { session.terminate(); }
    },
    sendDtmf: function (digits) {
      if (session && st.call === 'confirmed') { session.sendDTMF(digits, { transportType: 'INFO' }); }
    },
    state: function () { return JSON.parse(JSON.stringify(st)); },
    stats: async function () {
      var out = { packetsReceived: 0, audioLevel: null, codec: null, frequency: null, peakDb: null };
      var pc = session && session.connection;
      if (!pc) { return out; }
      var report = await pc.getStats();
      var codecs = {};
      report.forEach(function (r) { if (r.type === 'codec') { codecs[r.id] = r.mimeType; } });
      report.forEach(function (r) {
        if (r.type === 'inbound-rtp' && r.kind === 'audio') {
          out.packetsReceived = r.packetsReceived || 0;
          out.audioLevel = r.audioLevel === undefined ? null : r.audioLevel;
          out.codec = codecs[r.codecId] || null;
        }
        if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') {
          out.candidatePair = r.localCandidateId + ' -> ' + r.remoteCandidateId;
        }
        if (r.type === 'local-candidate' || r.type === 'remote-candidate') {
          out[r.type] = (out[r.type] || []).concat([r.address + ':' + r.port]);
        }
      });
      var t = remoteTrack();
      if (t) { play(t); }
      meter.measure(t, out);
      return out;
    }
  };
  show();
})();
</script>
</body></html>
"#;

/// The project's own phone behind the same `window.phone` API (see the module docs): the SDK loader
/// from `dist/sdk/`, `WorkbenchSdk.createSipPhone`, the analyser of the JsSIP page on `remoteStream()`.
const OURS_PAGE: &str = r#"<!doctype html>
<html><head><meta charset="utf-8"><title>ccc-workbench phone</title></head>
<body>
<p id="status">loading</p>
<script>
// Every SIP frame our phone's WebSocket sends or receives, for the test to read (`sipTrace()`).
window.sipTrace = [];
(function () {
  var Native = window.WebSocket;
  function Traced(url, protocols) {
    var ws = new Native(url, protocols);
    var send = ws.send.bind(ws);
    ws.send = function (data) {
      window.sipTrace.push('>> ' + (typeof data === 'string' ? data : '[binary]'));
      return send(data);
    };
    ws.addEventListener('message', function (e) {
      window.sipTrace.push('<< ' + (typeof e.data === 'string' ? e.data : '[binary]'));
    });
    return ws;
  }
  Traced.prototype = Native.prototype;
  ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'].forEach(function (k) { Traced[k] = Native[k]; });
  window.WebSocket = Traced;
})();
</script>
<script src="/sdk/workbenchSdk.min.js"></script>
<script src="/meter.js"></script>
<script>
(function () {
  var st = null, phone = null, meter = new RemoteMeter();

  function reset() {
    st = { registration: 'idle', call: 'idle', error: null, cause: null, direction: null, from: null,
           dtmf: '', events: [], eventLog: [] };
  }
  reset();

  function show() {
    document.getElementById('status').textContent = JSON.stringify(st);
  }

  // One handler per phone: events of a phone replaced by register() are dropped.
  function handler(generation) {
    return function (name, detail) {
      if (generation !== st.generation) { return; }
      st.events.push(name);
      st.eventLog.push({ name: name, detail: detail, at: performance.now() });
      switch (name) {
        case 'registered': st.registration = 'registered'; break;
        case 'registrationFailed': st.registration = 'failed'; st.error = String(detail); break;
        case 'ringing': st.call = 'ringing'; st.direction = 'incoming'; st.from = detail && detail.from; break;
        case 'connected': st.call = 'confirmed'; break;
        case 'ended': st.call = 'ended'; st.cause = detail && detail.reason; break;
        case 'mediaFailed': st.error = String(detail); break;
      }
      show();
    };
  }


  window.phone = {
    register: function (uri, password, wsUrl, extra) {
      if (phone) { phone.stop(); phone.free(); phone = null; }
      var generation = (st.generation || 0) + 1;
      reset();
      st.generation = generation;
      var m = /^sips?:([^@;]+)@([^;>]+)/.exec(uri);
      var options = { url: wsUrl, user: m[1], domain: m[2], password: password, audioProcessing: false,
                      onEvent: handler(generation) };
      Object.keys(extra || {}).forEach(function (k) { options[k] = extra[k]; });
      st.registration = 'registering';
      WorkbenchSdk.createSipPhone(options).then(function (p) {
        if (generation === st.generation) { phone = p; } else { p.stop(); p.free(); }
      }, function (e) { st.registration = 'failed'; st.error = String(e); show(); });
      show();
    },
    call: function (target) {
      st.call = 'calling'; st.direction = 'outgoing'; st.cause = null;
      phone.call(target);
      show();
    },
    answer: function () { if (phone) { phone.answer(); } },
    hangup: function () { if (phone) { phone.hangUp(); } },
    sendDtmf: function (digits) { if (phone) { phone.sendDtmf(digits); } },
    isRegistered: function () { return !!phone && phone.isRegistered(); },
    state: function () { return JSON.parse(JSON.stringify(st)); },
    stats: async function () {
      var out = { packetsReceived: 0, packetsSent: 0, audioLevel: null, codec: null, frequency: null,
                  peakDb: null };
      var s = phone && await phone.stats();
      if (s) {
        var codecs = {};
        s.receiver.concat(s.sender).forEach(function (r) { if (r.type === 'codec') { codecs[r.id] = r.mimeType; } });
        s.receiver.forEach(function (r) {
          if (r.type === 'inbound-rtp' && r.kind === 'audio') {
            out.packetsReceived = r.packetsReceived || 0;
            out.audioLevel = r.audioLevel === undefined ? null : r.audioLevel;
            out.codec = codecs[r.codecId] || null;
          }
        });
        s.sender.forEach(function (r) {
          if (r.type === 'outbound-rtp' && r.kind === 'audio') { out.packetsSent = r.packetsSent || 0; }
        });
      }
      var stream = phone && phone.remoteStream();
      meter.measure(stream && stream.getAudioTracks()[0], out);
      return out;
    }
  };
  show();
})();
</script>
</body></html>
"#;
