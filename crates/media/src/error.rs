//! The crate's error type.

use crate::leg_id::LegId;

/// Why a media operation failed.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// The SDP could not be parsed or was not acceptable (no audio, no common codec, …).
    #[error("bad SDP: {0}")]
    BadSdp(String),
    /// No leg with this id exists (never created, or already removed).
    #[error("unknown leg {0:?}")]
    UnknownLeg(LegId),
    /// The leg exists but cannot do this (a virtual leg asked for SDP, an answer without an offer).
    #[error("leg {0:?}: {1}")]
    WrongState(LegId, &'static str),
    /// Socket trouble (binding the leg's UDP socket).
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// The WebRTC stack refused something.
    #[error("webrtc: {0}")]
    Rtc(String),
    /// The leg's task has ended (the leg was removed or its peer went away).
    #[error("leg {0:?} is closed")]
    Closed(LegId),
}
