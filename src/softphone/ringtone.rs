//! The ringtone: `ringtone.wav` (served beside the SDK) looped on the agent's speaker at the ring volume
//! while a call rings. Browsers refuse to start audio on a page the user never touched (autoplay
//! policy, `NotAllowedError`); then the phone reports it, and the panel shows a hint instead of ringing
//! silently. Each ringing makes its own element; dropping the [`Ringtone`] releases it.

use js_sys::Reflect;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlAudioElement;

/// A ringing tone; dropping it stops the sound.
pub struct Ringtone {
    audio: HtmlAudioElement,
}

impl Ringtone {
    /// Starts looping `url` at `volume` on speaker `output` (empty: default). `blocked` runs if the
    /// browser's autoplay policy refuses to play. `None` when no audio element can be made.
    pub fn start(
        url: &str,
        volume: f64,
        output: &str,
        blocked: impl FnOnce() + 'static,
    ) -> Option<Ringtone> {
        let audio = HtmlAudioElement::new_with_src(url).ok()?;
        audio.set_loop(true);
        audio.set_volume(volume.clamp(0.0, 1.0));
        let element = audio.clone();
        let output = output.to_owned();
        wasm_bindgen_futures::spawn_local(async move {
            if !output.is_empty() {
                let _ = super::peer::set_sink(element.as_ref(), &output).await;
            }
            let Ok(promise) = element.play() else {
                return blocked();
            };
            if let Err(e) = JsFuture::from(promise).await {
                // AbortError: the ringing stopped before playback began — not a block.
                let name = Reflect::get(&e, &"name".into())
                    .ok()
                    .and_then(|n| n.as_string())
                    .unwrap_or_default();
                if name == "NotAllowedError" {
                    blocked();
                }
            }
        });
        Some(Ringtone { audio })
    }

    /// Ring volume in [0, 1].
    pub fn set_volume(&self, volume: f64) {
        self.audio.set_volume(volume.clamp(0.0, 1.0));
    }
}

impl Drop for Ringtone {
    /// Stops the sound and lets the element's media player go now (no source, reloaded empty), not at
    /// the next garbage collection.
    fn drop(&mut self) {
        let _ = self.audio.pause();
        let _ = self.audio.remove_attribute("src");
        self.audio.load();
    }
}
