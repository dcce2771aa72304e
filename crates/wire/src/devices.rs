//! The agent's devices (`ccc-api-2020-07-01.md` ListDevices, §5 AddAgentDevice, ResetAgentState): which
//! endpoint (browser soft phone or SIP phone) is registered for an agent. Only one device is active at a time;
//! registering another one takes over and kicks the old one (`sdk-contract.md` §8.4, error 7001 and
//! `forceToPrepareSignIn`), which the agent-state push channel reports as
//! [`crate::push::PushMessage::Kicked`].
//!
//! ListDevices answers with a bare array of [`Device`]; AddAgentDevice with [`AddAgentDeviceData`];
//! ResetAgentState ([`ResetAgentStateRequest`]) with the flat `UserContext`, like SignOutGroup.

use serde::{Deserialize, Serialize};

use crate::read::from_json_defaulted;

/// `DeviceType` of a browser (WebRTC) soft phone.
pub const DEVICE_TYPE_WEBRTC: &str = "WEBRTC";
/// `DeviceType` of a SIP desk phone.
pub const DEVICE_TYPE_SIP_PHONE: &str = "SIP_PHONE";

/// Request of ListDevices.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListDevicesRequest {
    /// Instance id.
    pub instance_id: String,
    /// Agent; defaults to the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

/// An item of ListDevices (its `Data` is the array itself): one registered device of the agent, with exactly
/// the keys of the official model. The 7001 `errorMsg` is this record with lowerCamel keys plus the agent's
/// `userState`, which the panel takes from PollUserStatus (ListDevices does not carry it).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Device {
    /// Call-ID of the SIP REGISTER.
    pub call_id: String,
    /// SIP Contact URI.
    pub contact: String,
    /// The device, e.g. `CCC-1.0-chrome120-<hex>`.
    pub device_id: String,
    /// [`DEVICE_TYPE_WEBRTC`] or [`DEVICE_TYPE_SIP_PHONE`].
    pub device_type: String,
    /// Epoch ms the registration expires.
    pub expires: i64,
    /// The agent's extension.
    pub extension: String,
    /// Instance id.
    pub instance_id: String,
    /// The agent.
    pub user_id: String,
}

from_json_defaulted!(Device {
    call_id: "CallId",
    contact: "Contact",
    device_id: "DeviceId",
    device_type: "DeviceType",
    expires: "Expires",
    extension: "Extension",
    instance_id: "InstanceId",
    user_id: "UserId",
});

/// Request of AddAgentDevice: registers `DeviceId` as the agent's device, replacing (kicking) any other. The
/// 2017-07-05 fields (`ClientIp`, `ClientPort`, `BrowserVersion`, `Remark`) are accepted and kept for nothing.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AddAgentDeviceRequest {
    /// Instance id.
    pub instance_id: String,
    /// Agent; defaults to the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The device going online (required).
    #[serde(default)]
    pub device_id: String,
    /// [`DEVICE_TYPE_WEBRTC`] (default) or [`DEVICE_TYPE_SIP_PHONE`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_type: Option<String>,
    /// Client IP (2017-07-05).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_ip: Option<String>,
    /// Client port (2017-07-05).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_port: Option<String>,
    /// Browser version (2017-07-05).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser_version: Option<String>,
    /// Free text (2017-07-05).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
}

/// Data of AddAgentDevice.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AddAgentDeviceData {
    /// Id of the device record (2017-07-05's `AgentDeviceId`).
    pub agent_device_id: i64,
    /// Always `true` on success (2017-07-05's `Success`).
    pub success: bool,
    /// The device now registered.
    pub device_id: String,
    /// The device it replaced (kicked offline); empty when none was registered or it was the same device.
    pub kicked_device_id: String,
}

/// Request of ResetAgentState (the agent's fields only).
pub type ResetAgentStateRequest = crate::action::AgentRequest;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn device_items_use_the_spec_names() {
        let v = serde_json::to_value(Device::default()).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        for k in [
            "CallId",
            "Contact",
            "DeviceId",
            "DeviceType",
            "Expires",
            "Extension",
            "InstanceId",
            "UserId",
        ] {
            assert!(keys.contains(&k), "{k} missing from {keys:?}");
        }
        let r: AddAgentDeviceRequest = serde_json::from_value(
            json!({"InstanceId": "i", "DeviceId": "d", "BrowserVersion": "x"}),
        )
        .unwrap();
        assert_eq!((r.device_id.as_str(), r.device_type), ("d", None));
        let d = serde_json::to_value(AddAgentDeviceData::default()).unwrap();
        assert_eq!(d["KickedDeviceId"], "");
    }
}
