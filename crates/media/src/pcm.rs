//! The audio every part of the bridge speaks: 20 ms frames of 48 kHz mono `i16` PCM.

/// Sample rate of every PCM frame in the bridge.
pub const SAMPLE_RATE: u32 = 48_000;
/// Samples in one 20 ms frame at [`SAMPLE_RATE`].
pub const FRAME_SAMPLES: usize = 960;
/// One 20 ms frame of 48 kHz mono PCM.
pub type Frame = Vec<i16>;
