//! Measuring what a leg hears: RMS level in dBFS and the dominant frequency.
//!
//! Pure functions over 48 kHz mono `i16` PCM plus [`Analyzer`], which keeps the last second of
//! received audio. The dominant frequency is found without an FFT: the signal is decimated to
//! 8 kHz; a Goertzel filter bank sweeps 50–3500 Hz in 10 Hz steps over the loudest 100 ms
//! (Hann-windowed), then refines ±10 Hz in 0.5 Hz steps with the power summed over every 200 ms
//! segment of the input (Welch style). That resolves 300–3000 Hz tones to within ±1 Hz and costs
//! about 0.6 M multiply-adds per second of audio (a few ms even unoptimised), so polling
//! [`crate::Bridge::stats`] every 50 ms is cheap.

use std::collections::VecDeque;
use std::f32::consts::{PI, TAU};

use crate::pcm::{FRAME_SAMPLES, SAMPLE_RATE};

/// The level reported for digital silence.
pub const SILENCE_DBFS: f32 = -120.0;
/// Below this level there is no dominant frequency.
pub const NO_PITCH_BELOW_DBFS: f32 = -60.0;
/// A 20 ms frame louder than this counts towards `heard_ms`.
pub const HEARD_ABOVE_DBFS: f32 = -50.0;

const DECIMATION: usize = 6;
const RATE_8K: f32 = (SAMPLE_RATE as usize / DECIMATION) as f32;
const SEGMENT: usize = 1600; // 200 ms at 8 kHz
const COARSE_SEGMENT: usize = 800; // 100 ms at 8 kHz
const SWEEP_LOW: f32 = 50.0;
const SWEEP_HIGH: f32 = 3500.0;
const COARSE_STEP: f32 = 10.0;
const FINE_STEP: f32 = 0.5;

/// RMS level of `pcm` relative to a full-scale square wave, in dB; [`SILENCE_DBFS`] for silence.
pub fn rms_dbfs(pcm: &[i16]) -> f32 {
    if pcm.is_empty() {
        return SILENCE_DBFS;
    }
    let sum: f64 = pcm
        .iter()
        .map(|&s| {
            let v = s as f64 / 32768.0;
            v * v
        })
        .sum();
    let rms = (sum / pcm.len() as f64).sqrt();
    if rms <= 1e-6 {
        SILENCE_DBFS
    } else {
        ((20.0 * rms.log10()) as f32).max(SILENCE_DBFS)
    }
}

/// The dominant frequency of `pcm` (48 kHz), or `None` when it is quieter than
/// [`NO_PITCH_BELOW_DBFS`] or too short (under 10 ms).
pub fn dominant_hz(pcm: &[i16]) -> Option<f32> {
    if rms_dbfs(pcm) < NO_PITCH_BELOW_DBFS || pcm.len() < 480 {
        return None;
    }
    let low = decimate(pcm);
    // Coarse: the loudest 100 ms, 10 Hz steps (its Hann main lobe is ±20 Hz wide, so the true
    // peak is within ±5 Hz of the best step).
    let loudest = low
        .chunks(COARSE_SEGMENT)
        .max_by(|a, b| energy(a).total_cmp(&energy(b)))
        .expect("non-empty input");
    let coarse_window = hann(loudest);
    let coarse = sweep(SWEEP_LOW, SWEEP_HIGH, COARSE_STEP, |hz| {
        goertzel(&coarse_window, hz)
    });
    // Fine: every 200 ms segment of the input (Welch), ±10 Hz around the coarse peak.
    let segments: Vec<Vec<f32>> = if low.len() <= SEGMENT {
        vec![hann(&low)]
    } else {
        low.chunks_exact(SEGMENT).map(hann).collect()
    };
    Some(sweep(
        coarse - COARSE_STEP,
        coarse + COARSE_STEP,
        FINE_STEP,
        |hz| segments.iter().map(|s| goertzel(s, hz)).sum(),
    ))
}

/// The frequency in `from..=to` (by `step`) where `power` is largest.
fn sweep(from: f32, to: f32, step: f32, power: impl Fn(f32) -> f32) -> f32 {
    let steps = ((to - from) / step).round() as usize;
    (0..=steps)
        .map(|i| from + i as f32 * step)
        .map(|hz| (hz, power(hz)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map_or(from, |(hz, _)| hz)
}

fn energy(x: &[f32]) -> f32 {
    x.iter().map(|v| v * v).sum()
}

/// 48 kHz → 8 kHz by averaging groups of six samples (a crude low-pass, enough for ≤ 3.5 kHz).
fn decimate(pcm: &[i16]) -> Vec<f32> {
    pcm.chunks_exact(DECIMATION)
        .map(|c| c.iter().map(|&s| s as f32).sum::<f32>() / (DECIMATION as f32 * 32768.0))
        .collect()
}

fn hann(x: &[f32]) -> Vec<f32> {
    let n = x.len().max(2) as f32 - 1.0;
    x.iter()
        .enumerate()
        .map(|(i, v)| v * (0.5 - 0.5 * (2.0 * PI * i as f32 / n).cos()))
        .collect()
}

/// Power of `x` (8 kHz) at `hz`.
fn goertzel(x: &[f32], hz: f32) -> f32 {
    let coeff = 2.0 * (TAU * hz / RATE_8K).cos();
    let (mut s1, mut s2) = (0.0f32, 0.0f32);
    for &v in x {
        let s0 = v + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    s1 * s1 + s2 * s2 - coeff * s1 * s2
}

/// The last second of what a leg received, and how long it has heard something.
#[derive(Debug, Clone)]
pub struct Analyzer {
    recent: VecDeque<i16>,
    heard_ms: u64,
}

impl Default for Analyzer {
    fn default() -> Self {
        Self::new()
    }
}

impl Analyzer {
    /// Samples kept: one second.
    pub const WINDOW: usize = SAMPLE_RATE as usize;

    /// An analyzer that has heard nothing.
    pub fn new() -> Self {
        Analyzer {
            recent: VecDeque::with_capacity(Self::WINDOW),
            heard_ms: 0,
        }
    }

    /// Takes in received PCM (any length; 20 ms frames normally).
    pub fn feed(&mut self, pcm: &[i16]) {
        for chunk in pcm.chunks(FRAME_SAMPLES) {
            if rms_dbfs(chunk) > HEARD_ABOVE_DBFS {
                self.heard_ms += (chunk.len() as u64 * 1000) / SAMPLE_RATE as u64;
            }
        }
        self.recent.extend(pcm.iter().copied());
        let excess = self.recent.len().saturating_sub(Self::WINDOW);
        self.recent.drain(..excess);
    }

    /// Level of the last second.
    pub fn level_dbfs(&self) -> f32 {
        rms_dbfs(&self.contiguous())
    }

    /// Dominant frequency of the last second.
    pub fn dominant_hz(&self) -> Option<f32> {
        dominant_hz(&self.contiguous())
    }

    /// Total milliseconds heard above [`HEARD_ABOVE_DBFS`].
    pub fn heard_ms(&self) -> u64 {
        self.heard_ms
    }

    fn contiguous(&self) -> Vec<i16> {
        self.recent.iter().copied().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(hz: f32, amplitude: f32, samples: usize) -> Vec<i16> {
        (0..samples)
            .map(|i| {
                let t = i as f32 / SAMPLE_RATE as f32;
                (amplitude * 32767.0 * (TAU * hz * t).sin()) as i16
            })
            .collect()
    }

    #[test]
    fn finds_tones_within_ten_hz() {
        for hz in [300.0, 440.0, 660.0, 1000.0, 2500.0, 3000.0] {
            let found = dominant_hz(&sine(hz, 0.5, 48_000)).expect("a tone");
            assert!((found - hz).abs() <= 10.0, "{hz} Hz measured as {found}");
            assert!(
                (found - hz).abs() <= 2.0,
                "{hz} Hz measured as {found} (precision)"
            );
        }
    }

    #[test]
    fn finds_the_louder_of_two_tones() {
        let a = sine(440.0, 0.4, 48_000);
        let b = sine(1000.0, 0.1, 48_000);
        let mix: Vec<i16> = a.iter().zip(&b).map(|(x, y)| x + y).collect();
        let found = dominant_hz(&mix).unwrap();
        assert!((found - 440.0).abs() <= 2.0, "{found}");
    }

    #[test]
    fn a_tone_followed_by_silence_still_counts() {
        let mut pcm = sine(1000.0, 0.5, 24_000);
        pcm.extend(vec![0i16; 24_000]);
        let found = dominant_hz(&pcm).unwrap();
        assert!((found - 1000.0).abs() <= 2.0, "{found}");
    }

    #[test]
    fn short_input_still_measures() {
        let found = dominant_hz(&sine(660.0, 0.5, 960 * 5)).unwrap();
        assert!((found - 660.0).abs() <= 10.0, "{found}");
    }

    #[test]
    fn silence_has_no_pitch_and_floor_level() {
        let zeros = vec![0i16; 48_000];
        assert_eq!(dominant_hz(&zeros), None);
        assert_eq!(rms_dbfs(&zeros), SILENCE_DBFS);
        assert_eq!(rms_dbfs(&[]), SILENCE_DBFS);
    }

    #[test]
    fn level_of_known_signals() {
        // Full-scale square wave: 0 dBFS.
        let square: Vec<i16> = (0..960)
            .map(|i| if i % 2 == 0 { i16::MAX } else { -i16::MAX })
            .collect();
        assert!(rms_dbfs(&square).abs() < 0.01);
        // Sine of peak 0.5: RMS 0.3536, −9.03 dBFS.
        assert!((rms_dbfs(&sine(440.0, 0.5, 48_000)) + 9.03).abs() < 0.05);
    }

    #[test]
    fn analyzer_keeps_one_second_and_counts_heard_time() {
        let mut a = Analyzer::new();
        assert_eq!(a.level_dbfs(), SILENCE_DBFS);
        assert_eq!(a.dominant_hz(), None);
        let tone = sine(440.0, 0.5, 960 * 10);
        for f in tone.chunks(960) {
            a.feed(f);
        }
        assert_eq!(a.heard_ms(), 200);
        assert!((a.dominant_hz().unwrap() - 440.0).abs() < 2.0);
        // Two seconds of silence push the tone out of the window; heard time stays.
        for _ in 0..100 {
            a.feed(&[0; 960]);
        }
        assert_eq!(a.heard_ms(), 200);
        assert_eq!(a.dominant_hz(), None);
        assert_eq!(a.level_dbfs(), SILENCE_DBFS);
    }

    #[test]
    fn quiet_noise_is_not_heard() {
        let mut a = Analyzer::new();
        // −66 dBFS: a ±16 LSB signal.
        a.feed(&sine(440.0, 0.0005, 960));
        assert_eq!(a.heard_ms(), 0);
    }
}
