//! The browsers' fake microphone and speaker: Chromium's flags for a tab that takes or places calls, and
//! the tone it sends as its microphone, so that a far end can measure what it hears.
//! - [`write_tone_wav`]: a sine tone as a 48 kHz mono 16-bit wav; Chromium plays it as the microphone
//!   (`--use-file-for-fake-audio-capture`, looped), so every tab sends a known frequency.
//! - [`media_args`]: the Chromium flags for a tab that places or takes calls; give each browser of
//!   [`crate::run_browsers`] its own. [`fake_media_args`]: the same with Chromium's beeping microphone,
//!   what every [`crate::run`] browser gets.

use std::path::Path;

/// Writes `seconds` of a `hz` sine (amplitude 0.5) as a 48 kHz mono 16-bit PCM wav.
pub fn write_tone_wav(path: &Path, hz: f64, seconds: u32) {
    const RATE: u32 = 48_000;
    let samples = RATE * seconds;
    let mut data = Vec::with_capacity(samples as usize * 2);
    for n in 0..samples {
        let v = (2.0 * std::f64::consts::PI * hz * f64::from(n) / f64::from(RATE)).sin() * 0.5;
        data.extend_from_slice(&((v * f64::from(i16::MAX)) as i16).to_le_bytes());
    }
    let mut wav = Vec::with_capacity(44 + data.len());
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes()); // fmt chunk size
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&RATE.to_le_bytes());
    wav.extend_from_slice(&(RATE * 2).to_le_bytes()); // byte rate
    wav.extend_from_slice(&2u16.to_le_bytes()); // block align
    wav.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&(data.len() as u32).to_le_bytes());
    wav.extend_from_slice(&data);
    std::fs::write(path, wav).expect("write tone wav");
}

/// Chromium flags for a tab that makes calls with `wav` as its microphone: fake devices without a
/// permission prompt, loopback ICE candidates allowed (the only ones inside a loopback-only network
/// namespace), no mDNS host names (nothing multicast), autoplay without a gesture.
pub fn media_args(wav: &Path) -> Vec<String> {
    let mut args = fake_media_args();
    args.push(format!(
        "--use-file-for-fake-audio-capture={}",
        wav.display()
    ));
    args
}

/// Chromium flags for an agent with a working (fake, beeping) microphone and speaker: what every
/// end-to-end browser gets, since the panel's soft phone opens the microphone on every call.
pub fn fake_media_args() -> Vec<String> {
    vec![
        "--use-fake-ui-for-media-stream".into(),
        "--use-fake-device-for-media-stream".into(),
        "--allow-loopback-in-peer-connection".into(),
        "--autoplay-policy=no-user-gesture-required".into(),
        "--disable-features=WebRtcHideLocalIpsWithMdns".into(),
    ]
}
