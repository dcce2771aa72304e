//! One agent, one device (`sdk-contract.md` §8.4): `register()` checks ListDevices before signing in and
//! stops with 7001 (the other device's record) when another device holds the agent; `forceToPrepareSignIn()`
//! takes the agent over (AddAgentDevice, then sign-in). A `Kicked` push means another device took over this
//! panel's agent: 7007, the panel is signed out and its phone and sockets stop.
//!
//! This browser tab is one device: its id is kept in `sessionStorage`, so a reload of the tab is the same
//! device (no 7001 naming the agent's own previous page) and finds its call again; `getSoftPhoneDeviceId`
//! answers it.

use agent_state::{Event, Method};
use ccc_wire::devices::{AddAgentDeviceRequest, Device, ListDevicesRequest};
use ccc_wire::Action;
use panel_model::PanelEvent;
use wasm_bindgen_futures::spawn_local;

use super::{camel, Workbench};
use crate::errors::{ErrorCode, ErrorReport};

/// The device, other than `mine`, that holds the agent at `now_ms`, if any. ListDevices lists the agent's
/// registrations; one holds the agent until its `Expires` (epoch ms; 0 when the call center leaves it
/// out, which counts as registered). Only documented keys decide: `DeviceId` and `Expires`.
pub fn other_device<'a>(devices: &'a [Device], mine: &str, now_ms: i64) -> Option<&'a Device> {
    devices.iter().find(|d| {
        !d.device_id.is_empty() && d.device_id != mine && (d.expires == 0 || d.expires > now_ms)
    })
}

/// The `sessionStorage` key of this tab's device id.
const DEVICE_ID_KEY: &str = "workbenchSdkDeviceId";

/// This tab's device id: the one kept in `sessionStorage`, or a new one (then kept).
pub fn tab_device_id() -> String {
    let storage = web_sys::window().and_then(|w| w.session_storage().ok().flatten());
    if let Some(id) = storage
        .as_ref()
        .and_then(|s| s.get_item(DEVICE_ID_KEY).ok().flatten())
        .filter(|id| id.starts_with("CCC-rs-"))
    {
        return id;
    }
    let id = format!(
        "CCC-rs-{:012x}",
        (js_sys::Math::random() * 2f64.powi(48)) as u64
    );
    if let Some(s) = storage {
        let _ = s.set_item(DEVICE_ID_KEY, &id);
    }
    id
}

impl Workbench {
    /// `getSoftPhoneDeviceId()`.
    pub fn device_id(&self) -> String {
        self.inner.borrow().device_id.clone()
    }

    /// ListDevices for the signed-in agent: `true` when no other device holds it; otherwise 7001 is reported
    /// with that device's record as `errorMsg`.
    pub(super) async fn device_free(&self, user_id: &str) -> bool {
        let (instance_id, mine) = {
            let inner = self.inner.borrow();
            (inner.config.instance_id.clone(), inner.device_id.clone())
        };
        let request = ListDevicesRequest {
            instance_id,
            user_id: Some(user_id.to_owned()),
        };
        // A backend without ListDevices must not block signing in: only a positive answer stops it.
        let api = self.inner.borrow().api.clone();
        let devices = api
            .call::<Vec<Device>>(Action::ListDevices, &request)
            .await
            .ok()
            .flatten();
        let now_ms = js_sys::Date::now() as i64;
        let Some(other) = devices
            .as_deref()
            .and_then(|d| other_device(d, &mine, now_ms))
        else {
            return true;
        };
        // The contract's 7001 record has the agent's `userState` too; ListDevices does not carry it, the
        // agent's state (one per agent, whichever device holds it) is PollUserStatus's.
        let mut msg = camel(other);
        let state = api
            .call::<ccc_wire::action::StatusData>(Action::PollUserStatus, &self.poll_request())
            .await
            .ok()
            .flatten()
            .map(|s| s.user_context.user_state.to_string());
        if let (Some(record), Some(state)) = (msg.as_object_mut(), state) {
            record.insert("userState".into(), state.into());
        }
        let report = ErrorReport {
            code: ErrorCode::Sdk(7001),
            msg,
            tip: crate::errors::tip(7001).to_owned(),
            request_id: None,
        };
        self.host().error(&report);
        false
    }

    /// `forceToPrepareSignIn()`: after a 7001, register this device for the agent (the other one is kicked
    /// out), then sign in and become ready as `register()` would.
    pub fn force_to_prepare_sign_in(&self) {
        if !self.allowed(Method::ForceToPrepareSignIn) {
            return;
        }
        let request = {
            let inner = self.inner.borrow();
            AddAgentDeviceRequest {
                instance_id: inner.config.instance_id.clone(),
                user_id: inner.login.as_ref().map(|l| l.user_id.clone()),
                device_id: inner.device_id.clone(),
                device_type: Some(
                    if inner.device_type == 1 {
                        "SIP_PHONE"
                    } else {
                        "WEBRTC"
                    }
                    .into(),
                ),
                ..AddAgentDeviceRequest::default()
            }
        };
        self.dispatch(Event::OperationStarted);
        let wb = self.rc();
        spawn_local(async move {
            let added = wb
                .api::<serde_json::Value>(Action::AddAgentDevice, &request)
                .await
                .is_some();
            let data = if added {
                wb.finish_sign_in(None, true).await
            } else {
                None
            };
            let ok = data.is_some();
            wb.dispatch(Event::OperationDone { data });
            if ok {
                wb.signed_in();
            }
        });
    }

    /// A `Kicked` push: another device took this agent. Runs after the socket handler returns, because it
    /// closes that socket.
    pub(super) fn kicked(&self, by_device: String) {
        if by_device == self.inner.borrow().device_id {
            return; // our own takeover, echoed to all of the agent's sockets
        }
        // After the socket's handler has returned: the lifecycle closes that socket.
        let wb = self.rc();
        spawn_local(async move {
            wb.life(PanelEvent::Kicked);
            wb.dispatch(Event::DeviceConflict);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000_000;

    /// A ListDevices item as the official model has it: no state, just the registration and its expiry.
    fn device(id: &str, expires: i64) -> Device {
        Device {
            device_id: id.into(),
            expires,
            ..Device::default()
        }
    }

    #[test]
    fn only_another_unexpired_registration_is_a_conflict() {
        let devices = [
            device("mine", NOW + 60_000),
            device("", NOW + 60_000),
            device("old", NOW - 1),
            device("at-the-edge", NOW),
        ];
        assert!(other_device(&devices, "mine", NOW).is_none());
        let devices = [device("mine", NOW + 60_000), device("desk", NOW + 60_000)];
        assert_eq!(
            other_device(&devices, "mine", NOW).map(|d| d.device_id.as_str()),
            Some("desk")
        );
    }

    #[test]
    fn a_registration_without_expiry_holds_the_agent() {
        let devices = [device("desk", 0)];
        assert_eq!(
            other_device(&devices, "mine", NOW).map(|d| d.device_id.as_str()),
            Some("desk")
        );
    }
}
