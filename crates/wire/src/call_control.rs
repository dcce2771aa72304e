//! Requests of the call-control actions beyond make/answer/release (`ccc-api-2020-07-01.md` §4): hold, mute,
//! DTMF, transfers, supervision, work mode, the number helpers the `call()` method uses, conferences
//! (StartConference, SwitchToConference), the IVR actions (LaunchSurvey, LaunchAuthentication) and RedialCall.
//!
//! Every call-control action answers with [`crate::action::StatusData`] (`{UserContext, CallContext,
//! ContextId}`); ChangeWorkMode answers with the flat `UserContext` (no `ContextId`), like ReadyForService. CompleteAttendedTransfer
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

/// Adds `flag` to the comma-separated `flags` (once).
pub fn add_flag(flags: &mut String, flag: &str) {
    if !has_flag(flags, flag) {
        if !flags.is_empty() {
            flags.push(',');
        }
        flags.push_str(flag);
    }
}

/// Removes `flag` from the comma-separated `flags`.
pub fn remove_flag(flags: &mut String, flag: &str) {
    *flags = flags
        .split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty() && *f != flag)
        .collect::<Vec<_>>()
        .join(",");
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

/// Request of StartConference: the agent invites `ParticipantListJson` (a JSON array string of agent extensions
/// or user ids and phone numbers, e.g. `["8002","13900000000"]`). From READY / BREAK / WORKING it starts a new
/// conference call; while TALKING it turns the agent's current call (`JobId`, default the current one) into a
/// conference with its customer and the invited parties. `ParticipantList` is accepted for the same field.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartConferenceRequest {
    /// Instance id.
    pub instance_id: String,
    /// Agent; defaults to the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Device id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// The call to extend (only while TALKING); the agent's current call when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    /// JSON array string of extensions / user ids / phone numbers (1 to 5).
    #[serde(default, alias = "ParticipantList")]
    pub participant_list_json: String,
    /// Call-associated data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<String>,
    /// Ringing time of the invited parties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
}

/// Request of SwitchToConference (the consulting agent, consultation answered).
pub type SwitchToConferenceRequest = crate::action::JobRequest;

/// Request of LaunchSurvey (`transferStatisfic`): the agent's leg is released and the customer goes to the
/// survey flow (`ContactFlowId`, the instance's survey flow when absent).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LaunchSurveyRequest {
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
    /// The survey (or any IVR) flow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_flow_id: Option<String>,
    /// Variables handed to the flow (JSON object string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_flow_variables: Option<String>,
    /// `IVR` (default) or `SMS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survey_channel: Option<String>,
    /// SMS template (`SurveyChannel` `SMS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms_metadata_id: Option<String>,
    /// Survey template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survey_template_id: Option<String>,
    /// Variables of the survey template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survey_template_variables: Option<String>,
}

/// Request of LaunchAuthentication (`launchAuthentication`): the customer is put into IVR flow `ContactFlowId`
/// with `ContactFlowVariables` (a JSON object string) and comes back to the agent, who stays TALKING.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LaunchAuthenticationRequest {
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
    /// The IVR flow (required).
    #[serde(default)]
    pub contact_flow_id: String,
    /// Variables handed to the flow (JSON object string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_flow_variables: Option<String>,
}

/// Request of RedialCall: calls the far number of the finished call `JobId` (its `ContactId` in the call records)
/// without the agent ever seeing it (masked numbers); `Callee` is used when `JobId` is absent.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RedialCallRequest {
    /// Instance id.
    pub instance_id: String,
    /// Agent; defaults to the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Device id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// The finished call to redial.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    /// Number to call when `JobId` is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callee: Option<String>,
    /// Caller number shown to the callee; picked automatically when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller: Option<String>,
    /// Call-associated data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<String>,
    /// Hang up automatically if not answered within this time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
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
    fn flags_add_and_remove() {
        let mut f = String::new();
        add_flag(&mut f, "HOLD");
        add_flag(&mut f, "MUTED");
        add_flag(&mut f, "HOLD");
        assert_eq!(f, "HOLD,MUTED");
        remove_flag(&mut f, "HOLD");
        assert_eq!(f, "MUTED");
        remove_flag(&mut f, "MUTED");
        assert_eq!(f, "");
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

    #[test]
    fn conference_and_ivr_requests() {
        let c: StartConferenceRequest = serde_json::from_value(
            json!({"InstanceId": "i", "ParticipantList": "[\"8002\"]", "TimeoutSeconds": 20}),
        )
        .unwrap();
        assert_eq!(c.participant_list_json, "[\"8002\"]");
        assert_eq!(c.timeout_seconds, Some(20));
        let back = serde_json::to_value(&c).unwrap();
        assert_eq!(back["ParticipantListJson"], "[\"8002\"]");
        let a: LaunchAuthenticationRequest = serde_json::from_value(
            json!({"InstanceId": "i", "JobId": "j", "ContactFlowId": "f", "ContactFlowVariables": "{}"}),
        )
        .unwrap();
        assert_eq!(a.contact_flow_variables.as_deref(), Some("{}"));
        let r: RedialCallRequest =
            serde_json::from_value(json!({"InstanceId": "i", "JobId": "job-1"})).unwrap();
        assert_eq!((r.job_id.as_deref(), r.callee), (Some("job-1"), None));
    }
}
