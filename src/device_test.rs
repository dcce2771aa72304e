//! 设备检测's hands-on checks: a microphone level meter (the chosen microphone through a WebAudio
//! `AnalyserNode`) and a speaker test (the ringtone once, on the chosen speaker at the ring volume).
//! Only the view uses them; the soft phone opens its own microphone per call.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AnalyserNode, AudioContext, HtmlAudioElement, MediaStream, MediaStreamAudioSourceNode,
    MediaStreamTrack,
};

use crate::i18n::{fill, Catalogue};
use crate::softphone::peer::{microphone, set_sink, MediaFailure};

/// Why a test could not run. The view says it in the panel's language ([`TestFailure::text`]); the
/// browser's own reason, where there is one, is carried as it came.
#[derive(Debug, Clone, PartialEq)]
pub enum TestFailure {
    /// The browser has no `AudioContext`.
    NoWebAudio,
    /// The microphone opened but its level cannot be read.
    Meter,
    /// The microphone could not be opened (refused, absent, busy).
    Microphone(String),
    /// The audio element could not be made or started.
    CannotPlay,
    /// The browser refused to play before the user touched the page (autoplay).
    PlayRefused,
    /// The chosen speaker could not be selected.
    Speaker(String),
}

impl TestFailure {
    /// What the view shows.
    pub fn text(&self, t: &Catalogue) -> String {
        match self {
            TestFailure::NoWebAudio => t.no_web_audio.into(),
            TestFailure::Meter => t.meter_failed.into(),
            TestFailure::Microphone(why) => fill(t.microphone_failed, &[why]),
            TestFailure::CannotPlay => t.cannot_play.into(),
            TestFailure::PlayRefused => t.play_refused.into(),
            TestFailure::Speaker(why) => fill(t.speaker_failed, &[why]),
        }
    }
}

/// The browser's reason inside a media failure.
fn reason(failure: MediaFailure) -> String {
    match failure {
        MediaFailure::Microphone(why) | MediaFailure::Peer(why) => why,
    }
}

/// An open microphone being measured. Dropping it releases the microphone.
pub struct MicMeter {
    context: AudioContext,
    stream: MediaStream,
    source: MediaStreamAudioSourceNode,
    analyser: AnalyserNode,
    samples: Vec<f32>,
}

impl MicMeter {
    /// Opens microphone `device` (empty: default) without voice processing, so the level is the raw one.
    pub async fn open(device: &str) -> Result<MicMeter, TestFailure> {
        let stream = microphone(device, false)
            .await
            .map_err(|e| TestFailure::Microphone(reason(e)))?;
        let Ok(context) = AudioContext::new() else {
            stop(&stream);
            return Err(TestFailure::NoWebAudio);
        };
        // From here on a failure releases what was opened: the meter's own drop does it.
        let (source, analyser) = match (
            context.create_media_stream_source(&stream),
            context.create_analyser(),
        ) {
            (Ok(source), Ok(analyser)) => (source, analyser),
            _ => {
                stop(&stream);
                let _ = context.close();
                return Err(TestFailure::Meter);
            }
        };
        analyser.set_fft_size(2048);
        let meter = MicMeter {
            context,
            stream,
            source,
            analyser,
            samples: vec![0.0; 2048],
        };
        meter
            .source
            .connect_with_audio_node(&meter.analyser)
            .map_err(|_| TestFailure::Meter)?;
        Ok(meter)
    }

    /// The RMS level of the latest ~40 ms, in [0, 1].
    pub fn level(&mut self) -> f64 {
        self.analyser.get_float_time_domain_data(&mut self.samples);
        let sum: f64 = self
            .samples
            .iter()
            .map(|s| f64::from(*s) * f64::from(*s))
            .sum();
        (sum / self.samples.len() as f64).sqrt().min(1.0)
    }
}

impl Drop for MicMeter {
    /// Releases the microphone and the audio graph at once: nodes disconnected, tracks stopped, the
    /// context closed.
    fn drop(&mut self) {
        let _ = self.source.disconnect();
        let _ = self.analyser.disconnect();
        stop(&self.stream);
        let _ = self.context.close();
    }
}

fn stop(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        track.unchecked_into::<MediaStreamTrack>().stop();
    }
}

/// Plays `url` once on speaker `output` (empty: default) at `volume`; resolves when it has ended, or with
/// why it could not play.
pub async fn play_once(url: &str, output: &str, volume: f64) -> Result<(), TestFailure> {
    let audio = HtmlAudioElement::new_with_src(url).map_err(|_| TestFailure::CannotPlay)?;
    let played = play_to_end(&audio, output, volume).await;
    // Whatever happened, the element lets its handlers and its media player go now.
    audio.set_onended(None);
    audio.set_onerror(None);
    let _ = audio.pause();
    let _ = audio.remove_attribute("src");
    audio.load();
    played
}

async fn play_to_end(
    audio: &HtmlAudioElement,
    output: &str,
    volume: f64,
) -> Result<(), TestFailure> {
    audio.set_volume(volume.clamp(0.0, 1.0));
    if !output.is_empty() {
        set_sink(audio.as_ref(), output)
            .await
            .map_err(|e| TestFailure::Speaker(reason(e)))?;
    }
    let ended = js_sys::Promise::new(&mut |resolve, _| {
        audio.set_onended(Some(&resolve));
        audio.set_onerror(Some(&resolve));
    });
    let played = audio.play().map_err(|_| TestFailure::CannotPlay)?;
    JsFuture::from(played)
        .await
        .map_err(|_| TestFailure::PlayRefused)?;
    let _ = JsFuture::from(ended).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Language;
    use crate::i18n::{is_cjk, text};

    const ALL: [fn() -> TestFailure; 6] = [
        || TestFailure::NoWebAudio,
        || TestFailure::Meter,
        || TestFailure::Microphone("Requested device not found".into()),
        || TestFailure::CannotPlay,
        || TestFailure::PlayRefused,
        || TestFailure::Speaker("NotFoundError".into()),
    ];

    #[test]
    fn every_failure_is_said_in_the_panels_language_with_the_browsers_reason() {
        for make in ALL {
            let failure = make();
            let (zh, en) = (
                failure.text(text(Language::ZhCn)),
                failure.text(text(Language::EnUs)),
            );
            assert!(zh.chars().any(is_cjk), "{failure:?}: {zh:?}");
            assert!(!en.chars().any(is_cjk), "{failure:?}: {en:?}");
            if let TestFailure::Microphone(why) | TestFailure::Speaker(why) = &failure {
                assert!(
                    zh.ends_with(why.as_str()) && en.ends_with(why.as_str()),
                    "{zh:?} / {en:?}"
                );
            }
        }
    }
}
