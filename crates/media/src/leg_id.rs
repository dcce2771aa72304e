//! Which leg of a bridge: the name the bridge, its legs, the mixer and the errors share.

use serde::Serialize;

/// Identifies a leg of one [`crate::Bridge`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct LegId(pub u64);
