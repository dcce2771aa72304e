//! Waits that prove a voice by measuring it: the emulator's customer leg measures what it hears from the
//! agent's tone file, and the panel's own `getStats()` (through `onGetStatsData`) shows the customer's
//! audio arriving in the browser.

use fantoccini::Client;
use serde_json::Value;

use crate::fake_media::{media_args, write_tone_wav};
use crate::temp_dir::TempDir;
use crate::{eventually, Server};

/// The agent's microphone tone.
pub const AGENT_HZ: f64 = 660.0;
/// How far a measured frequency may be from the tone.
pub const TOLERANCE_HZ: f64 = 15.0;

/// CRM config script: keeps the latest inbound-rtp report of `onGetStatsData` in `window.inbound`
/// (read it with [`CRM_INBOUND`]).
pub const CRM_STATS: &str = "config.audioProcessing = false; \
     config.onGetStatsData = function (s) { \
       var r = (s.receiver || []).filter(function (x) { return x.type === 'inbound-rtp'; })[0]; \
       if (r) { window.inbound = {packets: r.packetsReceived, level: r.audioLevel || 0, \
                                  energy: r.totalAudioEnergy || 0, callId: s.callId}; } };";

/// Reads what [`CRM_STATS`] kept.
pub const CRM_INBOUND: &str = "return window.inbound || {};";

/// Chromium flags for a browser whose microphone plays [`AGENT_HZ`] (the file lives in `dir`).
pub fn microphone(dir: &TempDir) -> Vec<String> {
    let wav = dir.0.join("agent-660.wav");
    write_tone_wav(&wav, AGENT_HZ, 5);
    media_args(&wav)
}

/// Chromium flags for two browsers whose microphones play 660 Hz and 880 Hz (the files live in `dir`).
pub fn two_microphones(dir: &TempDir) -> Vec<Vec<String>> {
    let (a, b) = (dir.0.join("a-660.wav"), dir.0.join("b-880.wav"));
    write_tone_wav(&a, 660.0, 5);
    write_tone_wav(&b, 880.0, 5);
    vec![media_args(&a), media_args(&b)]
}

/// How many ms of loud audio the customer leg of `job` has heard so far (0 when not measured yet).
pub async fn customer_heard_ms(server: &Server, job: &str) -> u64 {
    server.call_media(job).await["customer"]["heardMs"]
        .as_u64()
        .unwrap_or(0)
}

/// Waits until the customer leg of `job` has heard the agent's tone for over a second more than `since_ms`
/// (a value of [`customer_heard_ms`] taken before); returns the call.
pub async fn customer_hears_agent_after(server: &Server, job: &str, since_ms: u64) -> Value {
    customer_hears(server, job, AGENT_HZ, since_ms).await
}

/// Waits until the customer leg of `job` has heard a tone of `hz` for over a second more than `since_ms`;
/// returns the call.
pub async fn customer_hears(server: &Server, job: &str, hz: f64, since_ms: u64) -> Value {
    eventually(
        &format!("the customer leg to hear {hz} Hz"),
        || async move {
            let call = server.call_media(job).await;
            let customer = &call["customer"];
            let heard_hz = customer["dominantHz"].as_f64()?;
            let heard = customer["heardMs"].as_u64()?;
            ((heard_hz - hz).abs() < TOLERANCE_HZ && heard > since_ms + 1000).then_some(call)
        },
    )
    .await
}

/// Waits until `read` (a script returning `{packets, level, energy}` of the page's inbound RTP) shows
/// audio with a level and energy, and then more packets a moment later: the far party's voice keeps
/// arriving.
pub async fn audio_arrives(browser: &Client, read: &str) {
    let sample = || async {
        let v = browser.execute(read, vec![]).await.ok()?;
        let packets = v["packets"].as_f64()?;
        let level = v["level"].as_f64()?;
        let energy = v["energy"].as_f64()?;
        (packets > 0.0 && level > 0.0 && energy > 0.0).then_some(packets)
    };
    let first = eventually("inbound RTP with audio at the agent", sample).await;
    eventually("the inbound packet count to grow", || async {
        sample().await.filter(|p| *p > first + 25.0)
    })
    .await;
}
