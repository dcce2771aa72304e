//! The memory control: what Chromium itself keeps per WebRTC call, with no panel. On a blank page of the same
//! site (the same renderer process the panel ran in), `--control-calls` bare call cycles, each what a call of
//! the panel does to the browser's media stack: the (fake) microphone opened, a peer connection to a second
//! one on the page, offer and answer, audio flowing until the receiving side has counted packets, the remote
//! stream played on a new `<audio>`, then everything closed and stopped. The renderer's anonymous memory is
//! sampled as the calls' is (between cycles, after a forced garbage collection), so the report can set the
//! panel's growth per call beside the browser's own.

use fantoccini::Client;
use serde_json::{json, Value};
use workbench_e2e::census::collect_garbage;
use workbench_e2e::renderer_rss::renderer_rss;
use workbench_e2e::HostSite;

/// One bare call cycle; resolves `true`, or the error's text.
const CYCLE: &str = "var done = arguments[arguments.length - 1]; (async function () { \
    var mic = await navigator.mediaDevices.getUserMedia({audio: true}); \
    var a = new RTCPeerConnection(), b = new RTCPeerConnection(); \
    a.onicecandidate = function (e) { if (e.candidate) { b.addIceCandidate(e.candidate); } }; \
    b.onicecandidate = function (e) { if (e.candidate) { a.addIceCandidate(e.candidate); } }; \
    var remote = new Promise(function (r) { b.ontrack = function (e) { r(e.streams[0]); }; }); \
    mic.getTracks().forEach(function (t) { a.addTrack(t, mic); }); \
    await a.setLocalDescription(); await b.setRemoteDescription(a.localDescription); \
    await b.setLocalDescription(); await a.setRemoteDescription(b.localDescription); \
    var audio = new Audio(); audio.srcObject = await remote; await audio.play().catch(function () {}); \
    var heard = async function () { var n = 0; (await b.getStats()).forEach(function (s) { \
      if (s.type === 'inbound-rtp' && s.kind === 'audio') { n = s.packetsReceived; } }); return n; }; \
    var started = Date.now(); \
    while ((await heard()) < 25) { \
      if (Date.now() - started > 20000) { throw new Error('no audio arrived'); } \
      await new Promise(function (r) { setTimeout(r, 20); }); } \
    audio.pause(); audio.srcObject = null; a.close(); b.close(); \
    mic.getTracks().forEach(function (t) { t.stop(); }); \
    return true; })().then(done, function (e) { done(String(e)); });";

/// The renderer's anonymous memory now, after a garbage collection, bytes.
async fn anon(browser: &Client) -> u64 {
    collect_garbage(browser).await;
    renderer_rss().expect("the tab's renderer process").1.anon
}

/// Runs `cycles` bare call cycles on `crm`'s blank page, sampling every `every`; the first 10 % are the
/// warm-up, as for the panel's calls. The slope is bytes of anonymous memory per 100 cycles after it.
pub(crate) async fn webrtc_cycles(
    browser: &Client,
    crm: &HostSite,
    cycles: usize,
    every: usize,
) -> Value {
    browser
        .goto(&format!("{}/blank.html", crm.base))
        .await
        .expect("open the blank page");
    let warmup = (cycles as f64 * 0.1).ceil() as usize;
    let mut samples = vec![(0usize, anon(browser).await)];
    for n in 1..=cycles {
        let result = browser
            .execute_async(CYCLE, vec![])
            .await
            .unwrap_or_else(|e| panic!("control cycle {n}: {e}"));
        assert_eq!(result, json!(true), "control cycle {n}");
        if n % every == 0 || n == cycles {
            samples.push((n, anon(browser).await));
            eprintln!(
                "  control: after {n} bare call cycles: renderer anonymous memory {:.1} MiB",
                samples[samples.len() - 1].1 as f64 / 1_048_576.0
            );
        }
    }
    let after: Vec<(f64, f64)> = samples
        .iter()
        .filter(|(n, _)| *n >= warmup)
        .map(|&(n, b)| (n as f64, b as f64))
        .collect();
    json!({
        "cycles": cycles,
        "warmupCycles": warmup,
        "samples": samples.iter().map(|(n, b)| json!({"afterCycles": n, "rendererRssAnon": b}))
            .collect::<Vec<_>>(),
        "anonSlopeBytesPer100Cycles": (super::slope(&after) * 100.0).round(),
    })
}
