//! Leaf components: props in, callbacks out.

pub mod dialpad;
pub mod header;
pub mod side_nav;
