//! 设备检测's hands-on checks: a microphone level meter (the chosen microphone through a WebAudio
//! `AnalyserNode`) and a speaker test (the ringtone once, on the chosen speaker at the ring volume).
//! Only the view uses them; the soft phone opens its own microphone per call.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AnalyserNode, AudioContext, HtmlAudioElement, MediaStream, MediaStreamTrack};

use crate::softphone::peer::{microphone, set_sink};

/// An open microphone being measured. Dropping it releases the microphone.
pub struct MicMeter {
    context: AudioContext,
    stream: MediaStream,
    analyser: AnalyserNode,
    samples: Vec<f32>,
}

impl MicMeter {
    /// Opens microphone `device` (empty: default) without voice processing, so the level is the raw one.
    pub async fn open(device: &str) -> Result<MicMeter, String> {
        let stream = microphone(device, false).await.map_err(|e| e.to_string())?;
        let context = AudioContext::new().map_err(|_| "WebAudio is not available".to_string())?;
        let source = context
            .create_media_stream_source(&stream)
            .map_err(|_| "cannot read the microphone".to_string())?;
        let analyser = context
            .create_analyser()
            .map_err(|_| "cannot measure the microphone".to_string())?;
        analyser.set_fft_size(2048);
        source
            .connect_with_audio_node(&analyser)
            .map_err(|_| "cannot measure the microphone".to_string())?;
        Ok(MicMeter {
            context,
            stream,
            analyser,
            samples: vec![0.0; 2048],
        })
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
    fn drop(&mut self) {
        for track in self.stream.get_tracks().iter() {
            track.unchecked_into::<MediaStreamTrack>().stop();
        }
        let _ = self.context.close();
    }
}

/// Plays `url` once on speaker `output` (empty: default) at `volume`; resolves when it has ended, or with
/// why it could not play.
pub async fn play_once(url: &str, output: &str, volume: f64) -> Result<(), String> {
    let audio = HtmlAudioElement::new_with_src(url).map_err(|_| "cannot play audio".to_string())?;
    audio.set_volume(volume.clamp(0.0, 1.0));
    if !output.is_empty() {
        set_sink(audio.as_ref(), output)
            .await
            .map_err(|e| e.to_string())?;
    }
    let ended = js_sys::Promise::new(&mut |resolve, _| {
        audio.set_onended(Some(&resolve));
        audio.set_onerror(Some(&resolve));
    });
    let played = audio.play().map_err(|_| "cannot play audio".to_string())?;
    JsFuture::from(played)
        .await
        .map_err(|_| "the browser refused to play (click the page first)".to_string())?;
    let _ = JsFuture::from(ended).await;
    Ok(())
}
