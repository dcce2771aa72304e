//! Who hears whom: the listening matrix and the mix it implies.
//!
//! Pure and synchronous. Each tick the bridge gathers one 20 ms frame per leg that has something to
//! say and asks the [`Matrix`] for every listener's frame: the sample-wise sum of the frames of the
//! legs it hears, saturated to `i16`. Invariants: a listener never hears itself (even if listed),
//! a speaker with no frame this tick contributes silence, and removing a leg removes it both as a
//! listener and as a speaker.

use std::collections::HashMap;

use crate::leg_id::LegId;
use crate::pcm::{Frame, FRAME_SAMPLES};

/// Sums frames sample by sample with clipping; an empty list gives silence.
pub fn mix(frames: &[&[i16]]) -> Frame {
    let mut acc = vec![0i32; FRAME_SAMPLES];
    for f in frames {
        for (a, &s) in acc.iter_mut().zip(f.iter()) {
            *a += s as i32;
        }
    }
    acc.into_iter()
        .map(|v| v.clamp(i16::MIN as i32, i16::MAX as i32) as i16)
        .collect()
}

/// For each listener, the legs it hears.
#[derive(Debug, Default, Clone)]
pub struct Matrix {
    hears: HashMap<LegId, Vec<LegId>>,
}

impl Matrix {
    /// Nobody hears anybody.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces what `listener` hears (itself is dropped from the list, duplicates collapse).
    pub fn set_hears(&mut self, listener: LegId, speakers: &[LegId]) {
        let mut list: Vec<LegId> = Vec::with_capacity(speakers.len());
        for &s in speakers {
            if s != listener && !list.contains(&s) {
                list.push(s);
            }
        }
        self.hears.insert(listener, list);
    }

    /// What `listener` hears (empty if never set).
    pub fn hears(&self, listener: LegId) -> &[LegId] {
        self.hears.get(&listener).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Forgets `leg` as a listener and as a speaker.
    pub fn remove(&mut self, leg: LegId) {
        self.hears.remove(&leg);
        for list in self.hears.values_mut() {
            list.retain(|&s| s != leg);
        }
    }

    /// The frame `listener` receives, given this tick's frames of the speaking legs.
    pub fn mix_for(&self, listener: LegId, frames: &HashMap<LegId, Frame>) -> Frame {
        let parts: Vec<&[i16]> = self
            .hears(listener)
            .iter()
            .filter(|&&s| s != listener)
            .filter_map(|s| frames.get(s).map(Vec::as_slice))
            .collect();
        mix(&parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn constant(v: i16) -> Frame {
        vec![v; FRAME_SAMPLES]
    }

    fn frames(list: &[(u64, i16)]) -> HashMap<LegId, Frame> {
        list.iter()
            .map(|&(id, v)| (LegId(id), constant(v)))
            .collect()
    }

    #[test]
    fn listener_gets_the_sum_of_whom_it_hears() {
        let mut m = Matrix::new();
        m.set_hears(LegId(1), &[LegId(2), LegId(3)]);
        let f = frames(&[(1, 1000), (2, 200), (3, 30), (4, 4)]);
        assert_eq!(m.mix_for(LegId(1), &f), constant(230));
        // Leg 4 hears nobody: silence.
        assert_eq!(m.mix_for(LegId(4), &f), constant(0));
    }

    #[test]
    fn hearing_is_not_symmetric() {
        let mut m = Matrix::new();
        m.set_hears(LegId(1), &[LegId(2)]);
        let f = frames(&[(1, 100), (2, 7)]);
        assert_eq!(m.mix_for(LegId(1), &f), constant(7));
        assert_eq!(m.mix_for(LegId(2), &f), constant(0));
    }

    #[test]
    fn a_listener_never_hears_itself() {
        let mut m = Matrix::new();
        m.set_hears(LegId(1), &[LegId(1), LegId(2), LegId(2)]);
        assert_eq!(m.hears(LegId(1)), &[LegId(2)]);
        let f = frames(&[(1, 100), (2, 7)]);
        assert_eq!(m.mix_for(LegId(1), &f), constant(7));
    }

    #[test]
    fn sums_clip_instead_of_wrapping() {
        let mut m = Matrix::new();
        m.set_hears(LegId(9), &[LegId(1), LegId(2), LegId(3), LegId(4)]);
        let loud = frames(&[(1, 30_000), (2, 30_000)]);
        assert_eq!(m.mix_for(LegId(9), &loud), constant(i16::MAX));
        let low = frames(&[(3, -30_000), (4, -30_000)]);
        assert_eq!(m.mix_for(LegId(9), &low), constant(i16::MIN));
    }

    #[test]
    fn missing_frames_are_silence_and_removal_is_total() {
        let mut m = Matrix::new();
        m.set_hears(LegId(1), &[LegId(2), LegId(3)]);
        m.set_hears(LegId(2), &[LegId(1)]);
        let f = frames(&[(3, 5)]);
        assert_eq!(m.mix_for(LegId(1), &f), constant(5));
        m.remove(LegId(3));
        assert_eq!(m.hears(LegId(1)), &[LegId(2)]);
        m.remove(LegId(2));
        assert!(m.hears(LegId(2)).is_empty());
        assert!(m.hears(LegId(1)).is_empty());
    }

    #[test]
    fn set_hears_replaces() {
        let mut m = Matrix::new();
        m.set_hears(LegId(1), &[LegId(2)]);
        m.set_hears(LegId(1), &[LegId(3)]);
        assert_eq!(m.hears(LegId(1)), &[LegId(3)]);
        m.set_hears(LegId(1), &[]);
        assert!(m.hears(LegId(1)).is_empty());
    }

    #[test]
    fn mix_of_nothing_is_silence() {
        assert_eq!(mix(&[]), constant(0));
    }
}
