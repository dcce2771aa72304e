//! The panel's own settings, set by host methods and the panel alike: shown or hidden
//! (`changeVisible`), expanded (`changeMainPaneVisible`), width (`changeWidth`), the playback volumes
//! (`changeVolumeInCall`, `changeRingToneVolume`), the side-nav view and the 呼出 view's caller number.
//! None of them is state-gated; each re-renders the panel.

use agent_state::Method;
use serde_json::Value;

use super::{Volumes, Workbench};

impl Workbench {
    /// The 呼出 view's caller-number choice (kept across side-nav switches).
    pub fn select_caller(&self, number: String) {
        self.inner.borrow_mut().caller = number.clone();
        self.host()
            .hook("onSelectOutboundNumber", Some(Value::String(number)));
        self.notify();
    }

    /// Switches the side-nav view.
    pub fn select_nav(&self, nav: String) {
        self.inner.borrow_mut().nav = nav;
        self.notify();
    }

    /// `changeVisible(visible)`.
    pub fn change_visible(&self, visible: bool) {
        self.inner.borrow_mut().visible = visible;
        self.notify();
    }

    /// `changeMainPaneVisible(visible)`.
    pub fn change_main_pane_visible(&self, visible: bool) {
        self.inner.borrow_mut().main_visible = visible;
        self.notify();
    }

    /// `changeWidth(width)`.
    pub fn change_width(&self, width: u32) {
        if width == 0 {
            self.report(9002, "width must be a positive number");
            return;
        }
        self.inner.borrow_mut().width = width;
        self.notify();
    }

    /// `changeVolumeInCall(v)` / `changeRingToneVolume(v)`: a number in [0, 1], else 9002.
    pub fn change_volume(&self, method: Method, volume: Option<f64>) {
        let Some(v) = volume.filter(|v| (0.0..=1.0).contains(v)) else {
            self.report(
                9002,
                format!("{method}: the volume must be a number from 0 to 1"),
            );
            return;
        };
        {
            let mut inner = self.inner.borrow_mut();
            if method == Method::ChangeRingToneVolume {
                inner.volumes.ring = v;
            } else {
                inner.volumes.in_call = v;
            }
        }
        self.apply_phone_settings();
        self.notify();
    }

    /// The volumes set so far.
    pub fn volumes(&self) -> Volumes {
        self.inner.borrow().volumes
    }
}
