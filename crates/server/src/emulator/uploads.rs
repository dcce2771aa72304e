//! What panels upload: SaveTerminalLog's log records and SaveWebRtcInfo's media statistics. The emulator keeps
//! the latest [`KEEP`] of them, oldest first (`GET /emulator/v1/uploads`), so a test or a demo can read what a
//! panel sent; SaveWebRtcInfo's `RowCount` is the one row kept.

use std::collections::VecDeque;

use ccc_wire::Action;
use serde_json::Value;

use super::Emulator;
use crate::ids::now_ms;

/// How many uploads the emulator keeps.
pub(crate) const KEEP: usize = 200;

/// One upload.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Upload {
    /// SaveTerminalLog or SaveWebRtcInfo.
    pub(crate) action: Action,
    /// The agent it was uploaded for.
    pub(crate) user_id: String,
    /// Epoch ms the emulator kept it.
    pub(crate) at_ms: i64,
    /// The request's parameters, as sent (PascalCase keys).
    pub(crate) params: Value,
}

impl Emulator {
    /// Keeps `action`'s upload `params` for `user_id` (dropping the oldest beyond [`KEEP`]); returns when.
    pub(crate) fn keep_upload(&mut self, action: Action, user_id: &str, params: &Value) -> i64 {
        if self.uploads.len() >= KEEP {
            self.uploads.pop_front();
        }
        let at_ms = now_ms();
        self.uploads.push_back(Upload {
            action,
            user_id: user_id.to_owned(),
            at_ms,
            params: params.clone(),
        });
        at_ms
    }

    /// The uploads kept, oldest first.
    pub(crate) fn uploads(&self) -> &VecDeque<Upload> {
        &self.uploads
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::data::EmulatorConfig;
    use serde_json::json;

    #[test]
    fn the_latest_uploads_are_kept() {
        let mut emu = Emulator::new(EmulatorConfig::default());
        for i in 0..KEEP + 3 {
            emu.keep_upload(
                Action::SaveWebRtcInfo,
                "agent1@ccc-demo",
                &json!({"Content": i.to_string()}),
            );
        }
        assert_eq!(emu.uploads().len(), KEEP);
        assert_eq!(emu.uploads()[0].params["Content"], "3");
        assert!(emu.take_changes().is_empty(), "an upload changes no agent");
    }
}
