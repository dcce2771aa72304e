//! Requests of the call-control actions beyond make/answer/release (`ccc-api-2020-07-01.md` §4): hold, mute,
//! DTMF, transfers, supervision, work mode, and the number helpers the `call()` method uses.
//!
//! Every call-control action answers with [`crate::action::StatusData`] (`{UserContext, CallContext,
//! ContextId}`); ChangeWorkMode answers with the flat `UserContext`, like ReadyForService. CompleteAttendedTransfer
//! and CancelAttendedTransfer take a plain [`crate::action::JobRequest`].
//!
//! Channel flags the emulator sets (`ChannelContext.ChannelFlags`, comma-separated when several):
//! [`FLAG_HOLD`] on the holding agent's own leg *and* on the held leg, [`FLAG_MUTED`] on the muted agent's leg,
//! [`FLAG_MONITORING`] / [`FLAG_MONITORED`] and [`FLAG_COACHING`] / [`FLAG_COACHED`] on the supervisor's / the
//! agent's leg.

use serde::{Deserialize, Serialize};

use crate::context::string_enum;

/// `ChannelFlags` value of a held leg (the holding agent's leg and the leg it put on hold).
pub const FLAG_HOLD: &str = "HOLD";
/// `ChannelFlags` value of a muted agent leg.
pub const FLAG_MUTED: &str = "MUTED";
/// `ChannelFlags` value of the supervisor's leg while it listens.
pub const FLAG_MONITORING: &str = "MONITORING";
/// `ChannelFlags` value of the listened-to agent's leg.
pub const FLAG_MONITORED: &str = "MONITORED";
/// `ChannelFlags` value of the coaching supervisor's leg.
pub const FLAG_COACHING: &str = "COACHING";
/// `ChannelFlags` value of the coached agent's leg.
pub const FLAG_COACHED: &str = "COACHED";

/// Whether the comma-separated `flags` contain `flag`.
pub fn has_flag(flags: &str, flag: &str) -> bool {
    flags.split(',').any(|f| f.trim() == flag)
}

string_enum! {
    /// `TransfereeType` of BlindTransfer / InitiateAttendedTransfer (detected from the transferee when absent).
    TransfereeType {
        /// An agent, by user id or extension.
        Agent = "AGENT",
        /// A skill group: its longest-idle READY agent.
        SkillGroup = "SKILL_GROUP",
        /// An IVR flow.
        Ivr = "IVR",
        /// A phone number outside the call center.
        ExternalNumber = "EXTERNAL_NUMBER",
    }
}

string_enum! {
    /// `WorkMode` of ChangeWorkMode and `UserContext.WorkMode`.
    WorkMode {
        /// In the office, browser soft phone.
        OnSite = "ON_SITE",
        /// Off site: calls go to the agent's mobile.
        OffSite = "OFF_SITE",
        /// A SIP desk phone.
        OfficePhone = "OFFICE_PHONE",
    }
}

/// Request of HoldCall and RetrieveCall.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HoldCallRequest {
    /// Instance id.
    pub instance_id: String,
    /// Agent; defaults to the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Device id ("meaningless, any value").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// The call.
    pub job_id: String,
    /// The leg to hold (HoldCall: usually the customer's) or the held leg (RetrieveCall); the agent's call
    /// partner when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<String>,
    /// HoldCall: music on hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub music: Option<String>,
}

/// Request of RetrieveCall (same fields as HoldCall).
pub type RetrieveCallRequest = HoldCallRequest;

/// Request of MuteCall and UnmuteCall. `JobId` is required by MuteCall, optional for UnmuteCall (the agent's
/// current call).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MuteCallRequest {
    /// Instance id.
    pub instance_id: String,
    /// Agent; defaults to the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Device id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// The call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    /// The agent's own leg (the only one that can be muted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<String>,
}

/// Request of UnmuteCall (same fields as MuteCall).
pub type UnmuteCallRequest = MuteCallRequest;

/// Request of SendDtmfSignaling.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SendDtmfSignalingRequest {
    /// Instance id.
    pub instance_id: String,
    /// Agent; defaults to the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Device id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// The call.
    pub job_id: String,
    /// The leg that receives the tones; the agent's call partner when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<String>,
    /// Digits `0`–`9`, `*`, `#`.
    #[serde(default)]
    pub dtmf: String,
}

/// Request of BlindTransfer and InitiateAttendedTransfer.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TransferRequest {
    /// Instance id.
    pub instance_id: String,
    /// Agent; defaults to the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Device id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// The call.
    pub job_id: String,
    /// Agent id or extension, skill group id, or phone number.
    #[serde(default)]
    pub transferee: String,
    /// What `Transferee` is; detected when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transferee_type: Option<TransfereeType>,
    /// Caller number shown to an external transferee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transferor: Option<String>,
    /// Ringing time of the transferee, default 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
    /// BlindTransfer: skill group of the transferred call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill_group_id: Option<String>,
    /// Call-associated data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<String>,
}

/// Request of BlindTransfer.
pub type BlindTransferRequest = TransferRequest;
/// Request of InitiateAttendedTransfer.
pub type InitiateAttendedTransferRequest = TransferRequest;

/// Request of ChangeWorkMode (answers with the flat `UserContext`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangeWorkModeRequest {
    /// Instance id.
    pub instance_id: String,
    /// Agent; defaults to the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Device id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// The new mode.
    pub work_mode: WorkMode,
    /// Mobile number for `OFF_SITE` (the agent's configured mobile when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    /// JSON array string of skill group ids to sign into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_skill_group_id_list: Option<String>,
}

/// Request of MonitorCall.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MonitorCallRequest {
    /// Instance id.
    pub instance_id: String,
    /// The supervisor; defaults to the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Device id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// The agent to listen to.
    #[serde(default)]
    pub monitored_user_id: String,
    /// Ringing time of the supervisor's leg.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
}

/// Request of BargeInCall, InterceptCall and Coach (CoachCall): the supervisor joins agent `target`'s call
/// `JobId`. The agent is named by `BargedUserId`, `InterceptedUserId` or `CoachedUserId`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SuperviseRequest {
    /// Instance id.
    pub instance_id: String,
    /// The supervisor; defaults to the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Device id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// The call; the agent's current call when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    /// BargeInCall: the agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub barged_user_id: Option<String>,
    /// InterceptCall: the agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intercepted_user_id: Option<String>,
    /// Coach / CoachCall: the agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coached_user_id: Option<String>,
    /// Ringing time of the supervisor's leg.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
}

impl SuperviseRequest {
    /// The agent named by whichever of the three id fields is set.
    pub fn target(&self) -> Option<&str> {
        [
            &self.barged_user_id,
            &self.intercepted_user_id,
            &self.coached_user_id,
        ]
        .into_iter()
        .flatten()
        .map(|s| s.trim())
        .find(|s| !s.is_empty())
    }
}

/// Request of PickOutboundNumbers.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PickOutboundNumbersRequest {
    /// Instance id.
    pub instance_id: String,
    /// The number to be called.
    #[serde(default)]
    pub called_number: String,
    /// How many caller numbers, default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// JSON array string of skill group ids whose numbers may be used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill_group_id_list: Option<String>,
}

/// Request of GetNumberLocation.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetNumberLocationRequest {
    /// Instance id.
    pub instance_id: String,
    /// The phone number.
    #[serde(default)]
    pub number: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn transfer_request_reads_types_and_skips_absent() {
        let r: TransferRequest = serde_json::from_value(json!({
            "InstanceId": "i", "JobId": "job-1", "Transferee": "8002", "TransfereeType": "AGENT"
        }))
        .unwrap();
        assert_eq!(r.transferee_type, Some(TransfereeType::Agent));
        let odd: TransferRequest = serde_json::from_value(
            json!({"InstanceId": "i", "JobId": "j", "TransfereeType": "QUEUE"}),
        )
        .unwrap();
        assert_eq!(
            odd.transferee_type,
            Some(TransfereeType::Other("QUEUE".into()))
        );
        let back = serde_json::to_value(TransferRequest {
            instance_id: "i".into(),
            job_id: "j".into(),
            transferee: "t".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            back,
            json!({"InstanceId": "i", "JobId": "j", "Transferee": "t"})
        );
    }

    #[test]
    fn flags_and_supervise_targets() {
        assert!(has_flag("MUTED, HOLD", FLAG_HOLD));
        assert!(!has_flag("HOLDING", FLAG_HOLD));
        let r: SuperviseRequest = serde_json::from_value(
            json!({"InstanceId": "i", "JobId": "j", "CoachedUserId": "a@x"}),
        )
        .unwrap();
        assert_eq!(r.target(), Some("a@x"));
        let w: ChangeWorkModeRequest =
            serde_json::from_value(json!({"InstanceId": "i", "WorkMode": "OFF_SITE"})).unwrap();
        assert_eq!(w.work_mode, WorkMode::OffSite);
    }
}
