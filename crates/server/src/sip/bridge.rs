//! The media bridge the SIP side drives: `ccc-media`'s types, imported in this one place.

pub(crate) use ccc_media::{Bridge, BridgeConfig, LegId, LegStats, Source};
