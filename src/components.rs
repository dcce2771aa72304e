//! Leaf components: props in, callbacks out; and [`PanelProps`], what the header and every view take.

pub mod dialpad;
pub mod header;
pub mod side_nav;

use std::rc::Rc;

use yew::prelude::*;

use crate::workbench::{View, Workbench};

/// Props of every panel part that renders the [`View`] and drives the [`Workbench`] (header, views).
#[derive(Properties, Clone)]
pub struct PanelProps {
    /// What to show.
    pub view: View,
    /// Where buttons go: the same intents the host's methods call.
    pub workbench: Rc<Workbench>,
}

impl PartialEq for PanelProps {
    fn eq(&self, other: &Self) -> bool {
        self.view == other.view && Rc::ptr_eq(&self.workbench, &other.workbench)
    }
}
