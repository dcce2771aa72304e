//! The agent's audio devices: whether the browser can take calls at all (`isAvailBroswer`), the 设备检测
//! report, `getAudioDeviceList`, and the microphone / speaker chosen with `setAudioInputDevice` /
//! `setAudioOutputDevice` (kept here; the soft phone opens them).

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;

use super::{Done, Workbench};
use crate::media_devices::{self, device_list_json};
use crate::softphone::peer;

/// Which list a device id must be in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Direction {
    /// A microphone.
    Input,
    /// A speaker or headset.
    Output,
}

impl Workbench {
    /// `isAvailBroswer()` (sic): WebRTC and microphone access present → nothing; otherwise 7006 (browser)
    /// or 7005 (page not in a secure context, so no microphone) through `onErrorNotify`, and a 3 s hint.
    pub fn check_browser(&self) {
        let Some(support) = media_devices::support(peer::supported()) else {
            return;
        };
        if !support.webrtc {
            self.report_with_hint(
                7006,
                self.text().browser_unsupported,
                "this browser has no WebRTC (RTCPeerConnection)",
            );
        } else if !support.secure || !support.media_devices {
            self.report_with_hint(
                7005,
                self.text().insecure_page,
                "the page is not served over https, so no microphone",
            );
        }
    }

    /// Runs the browser checks of 设备检测 again.
    pub fn check_devices(&self) {
        let wb = self.rc();
        spawn_local(async move {
            let report = media_devices::check(peer::supported()).await;
            wb.inner.borrow_mut().device_report = Some(Rc::new(report));
            wb.notify();
        });
    }

    /// `getAudioDeviceList(callbackFunction)`: `{audioInputs, audioOutputs}` of `{deviceId, label}`.
    pub fn audio_device_list(&self, done: Done) {
        let wb = self.rc();
        spawn_local(async move {
            match media_devices::audio_devices().await {
                Ok((inputs, outputs)) => done(device_list_json(&inputs, &outputs)),
                Err(reason) => wb.report(8001, reason),
            }
        });
    }

    /// `setAudioInputDevice(id)` / `setAudioOutputDevice(id)`: an id the browser lists, else 9002.
    pub fn choose_audio_device(&self, direction: Direction, id: String) {
        let wb = self.rc();
        spawn_local(async move {
            let known = match media_devices::audio_devices().await {
                Ok((inputs, outputs)) => {
                    let list = if direction == Direction::Input {
                        inputs
                    } else {
                        outputs
                    };
                    list.iter().any(|d| d.id == id)
                }
                Err(_) => false,
            };
            if !known {
                wb.report(9002, format!("no audio device with id \"{id}\""));
                return;
            }
            {
                let mut inner = wb.inner.borrow_mut();
                match direction {
                    Direction::Input => inner.audio_input = id,
                    Direction::Output => inner.audio_output = id,
                }
            }
            wb.apply_phone_settings();
            wb.notify();
        });
    }

    /// The chosen microphone and speaker ids (empty: the browser's default).
    pub fn chosen_audio_devices(&self) -> (String, String) {
        let inner = self.inner.borrow();
        (inner.audio_input.clone(), inner.audio_output.clone())
    }
}
