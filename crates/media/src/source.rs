//! PCM generators for virtual legs: silence, a sine tone, and hold music.
//!
//! Everything here works on 20 ms frames of 48 kHz mono `i16` ([`crate::pcm`]) and keeps
//! its phase across frames, so consecutive frames join without clicks.

use std::f32::consts::TAU;

use crate::pcm::{Frame, FRAME_SAMPLES, SAMPLE_RATE};

/// Peak amplitude of generated tones, as a fraction of full scale (about −15 dBFS RMS).
pub const TONE_AMPLITUDE: f32 = 0.25;

/// What a virtual leg speaks.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// Nothing (all-zero frames).
    Silence,
    /// A continuous sine tone.
    Tone {
        /// Frequency in Hz.
        hz: f32,
    },
    /// Hold music: a looping four-note melody (C5 E5 G5 E5, 250 ms each) with a soft octave
    /// overtone. Its dominant frequency moves every quarter second, unlike a [`Source::Tone`].
    Music,
}

/// The melody of [`Source::Music`], in Hz.
pub const MELODY: [f32; 4] = [523.25, 659.25, 783.99, 659.25];
/// Samples per note of [`Source::Music`] (250 ms).
pub const NOTE_SAMPLES: u64 = SAMPLE_RATE as u64 / 4;

/// A running generator for a [`Source`].
#[derive(Debug, Clone)]
pub struct Generator {
    source: Source,
    phase: f32,
    /// Samples produced so far (drives the melody).
    position: u64,
}

impl Generator {
    /// A generator starting at phase 0.
    pub fn new(source: Source) -> Self {
        Generator {
            source,
            phase: 0.0,
            position: 0,
        }
    }

    /// What this generator speaks.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// Switches to another source, keeping the phase continuous.
    pub fn set_source(&mut self, source: Source) {
        self.source = source;
    }

    /// The next 20 ms frame.
    pub fn next_frame(&mut self) -> Frame {
        let mut out = vec![0i16; FRAME_SAMPLES];
        match self.source.clone() {
            Source::Silence => {}
            Source::Tone { hz } => {
                let step = TAU * hz / SAMPLE_RATE as f32;
                for s in &mut out {
                    *s = to_i16(TONE_AMPLITUDE * self.phase.sin());
                    self.phase = (self.phase + step) % TAU;
                }
            }
            Source::Music => {
                for (i, s) in out.iter_mut().enumerate() {
                    let at = self.position + i as u64;
                    let note = MELODY[((at / NOTE_SAMPLES) % MELODY.len() as u64) as usize];
                    // A short fade at each note edge avoids clicks.
                    let within = (at % NOTE_SAMPLES) as f32 / NOTE_SAMPLES as f32;
                    let envelope = (within * 20.0).min((1.0 - within) * 20.0).min(1.0);
                    let v = self.phase.sin() + 0.3 * (2.0 * self.phase).sin();
                    *s = to_i16(TONE_AMPLITUDE * envelope * v / 1.3);
                    self.phase = (self.phase + TAU * note / SAMPLE_RATE as f32) % TAU;
                }
            }
        }
        self.position += FRAME_SAMPLES as u64;
        out
    }
}

fn to_i16(v: f32) -> i16 {
    (v * i16::MAX as f32).clamp(i16::MIN as f32, i16::MAX as f32) as i16
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{dominant_hz, rms_dbfs};

    fn frames(source: Source, n: usize) -> Vec<i16> {
        let mut g = Generator::new(source);
        (0..n).flat_map(|_| g.next_frame()).collect()
    }

    #[test]
    fn silence_is_zero() {
        assert!(frames(Source::Silence, 3).iter().all(|&s| s == 0));
    }

    #[test]
    fn frames_have_twenty_ms() {
        assert_eq!(Generator::new(Source::Music).next_frame().len(), 960);
    }

    #[test]
    fn tone_has_its_frequency_and_level() {
        for hz in [440.0, 660.0, 1000.0] {
            let pcm = frames(Source::Tone { hz }, 50);
            let found = dominant_hz(&pcm).expect("a tone");
            assert!(
                (found - hz).abs() <= 2.0,
                "{hz} Hz tone measured as {found}"
            );
            // A sine of peak 0.25 has RMS 0.25/sqrt(2): −15.05 dBFS.
            let level = rms_dbfs(&pcm);
            assert!((level + 15.05).abs() < 0.3, "level {level}");
        }
    }

    #[test]
    fn tone_is_continuous_across_frames() {
        let pcm = frames(Source::Tone { hz: 440.0 }, 2);
        let jump = (pcm[FRAME_SAMPLES] as i32 - pcm[FRAME_SAMPLES - 1] as i32).abs();
        // Max step of a 440 Hz sine at 0.25 FS: 2π·440/48000·0.25·32767 ≈ 472.
        assert!(jump < 600, "discontinuity {jump}");
    }

    #[test]
    fn music_changes_pitch_over_time() {
        let pcm = frames(Source::Music, 50);
        let notes: Vec<f32> = (0..4)
            .map(|i| {
                let note = &pcm[i * 12_000 + 2_000..i * 12_000 + 10_000];
                dominant_hz(note).expect("a note")
            })
            .collect();
        for (found, want) in notes.iter().zip(MELODY) {
            assert!((found - want).abs() < 3.0, "{notes:?}");
        }
    }

    #[test]
    fn set_source_switches() {
        let mut g = Generator::new(Source::Tone { hz: 440.0 });
        g.next_frame();
        g.set_source(Source::Silence);
        assert!(g.next_frame().iter().all(|&s| s == 0));
        assert_eq!(g.source(), &Source::Silence);
    }
}
