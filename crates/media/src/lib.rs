//! The emulator's media side: a conference bridge for real voice.
//!
//! A [`Bridge`] holds *legs*. A **WebRTC leg** is one peer connection (str0m, sans-IO) to a browser
//! agent panel or another bridge: audio only, Opus 48 kHz plus RFC 4733 telephone-event, ICE with
//! one host candidate on [`BridgeConfig::bind_ip`] and DTLS-SRTP. A **virtual leg** is the
//! simulated customer (or music on hold): it speaks a [`Source`] and measures what it hears.
//!
//! # How audio moves
//! - Each WebRTC leg's task decodes received Opus to 48 kHz mono PCM and queues 20 ms frames
//!   (`leg.rs`); telephone-event packets become digits (`dtmf.rs`).
//! - Every 20 ms the tick (`bridge.rs`) takes one frame per leg (a virtual leg generates it,
//!   `source.rs`; a WebRTC leg pops its queue, or is silent this tick), then, for every leg as a
//!   listener, mixes the frames of the legs it hears (`mixer.rs`). A virtual listener feeds the mix
//!   to its analyzer (`analysis.rs`); a WebRTC listener's task encodes it with Opus and sends it.
//! - [`Bridge::stats`] reports, per leg, what it *received*: level, dominant frequency, heard time,
//!   digits, packet counts. For a WebRTC leg the analyzer is fed by the tick as it plays the leg
//!   out (silence when nothing arrived), so the level decays within a second when the peer stops.
//! - [`Bridge::send_dtmf`] queues RFC 4733 events on a WebRTC leg (sent alongside its audio).
//!
//! # Timing
//! Frames are played out one per tick from a queue of at most 200 ms per leg (older frames are
//! dropped), so the bridge adds 20–200 ms of latency and never blocks on a slow leg. A peer that
//! vanishes without signalling is reported `connected: false` only when ICE gives up (str0m keeps
//! a pair alive 15 s after the peer's last binding request, so ≈ 15–20 s); `packets_received`
//! stops growing at once.
//!
//! # Invariants
//! - Hearing is directional and set per listener with [`Bridge::set_hears`]; a listener never
//!   hears itself; removing a leg removes it from every list.
//! - A WebRTC leg gathers no candidates of its own: no interface scan, no STUN, no mDNS. With
//!   `bind_ip = 127.0.0.1` nothing leaves loopback.
//! - The bridge lock is never held across an `.await`; the tick never blocks on a leg (a leg
//!   that falls behind loses frames, not the whole bridge).
//! - Dropping the last [`Bridge`] clone ends the tick and every leg task.
//!
//! The pure parts (`pcm`, `mixer`, `source`, `analysis`, `dtmf`) are public and tested natively; the
//! network path is tested str0m-to-str0m over 127.0.0.1 (`tests/loopback.rs`). Interop with a
//! real Chromium (both offer directions, Opus both ways, DTMF) is checked by hand with
//! `scripts/netns-run.sh cargo run -p ccc-media --example chromium_check -- [tone.wav]`.
//!
//! Crypto is str0m's pure-Rust provider (`rust-crypto`), so the only system dependency is
//! libopus (`libopus-dev` + `pkg-config`).

mod bridge;
mod error;
mod leg;
mod leg_id;

pub mod analysis;
pub mod dtmf;
pub mod mixer;
pub mod pcm;
pub mod source;

pub use bridge::{Bridge, BridgeConfig, LegStats, TICK};
pub use error::MediaError;
pub use leg_id::LegId;
pub use source::Source;
