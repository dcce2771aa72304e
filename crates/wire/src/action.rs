//! Action names, and the request/response bodies of the actions the workbench calls.
//!
//! Requests serialise with PascalCase keys (the OpenAPI's parameter names, `sdk-contract.md` §4.2's
//! recommended reading). List parameters such as `SignedSkillGroupIdList` are *strings holding a JSON array*,
//! as the 2020-07-01 API defines them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::context::{CallContext, UserContext};
use crate::read::{from_json_defaulted, from_json_struct, object, required, FromJson, ReadError};

macro_rules! actions {
    ($($variant:ident),+ $(,)?) => {
        /// Every backend action the SDK may call (`sdk-contract.md` §11, plus the actions it references).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action { $($variant,)+ }

        impl Action {
            /// All actions, in the document's order.
            pub const ALL: &'static [Action] = &[$(Action::$variant,)+];

            /// The action name as sent in `?action=`.
            pub fn as_str(self) -> &'static str {
                match self { $(Action::$variant => stringify!($variant),)+ }
            }

            /// Parses an action name (exact spelling).
            pub fn from_name(name: &str) -> Option<Action> {
                match name { $(stringify!($variant) => Some(Action::$variant),)+ _ => None }
            }
        }
    };
}

actions! {
    GetLoginDetails, ListSkillLevelsOfUser, ListOutboundNumbersOfUser, ListConfigItems, GetTurnServerList,
    ListPrivilegesOfUser, GetTurnCredentials, ListDevices, AddAgentDevice, PickOutboundNumbers, GetNumberLocation,
    ListRealtimeAgentStates, ListAgentStates, ResetAgentState, ListRecentCallDetailRecords, ListSkillGroups,
    ListBriefSkillGroups, ListHistoricalAgentReport, SaveTerminalLog, SignInGroup, PollUserStatus,
    LaunchAuthentication, SignOutGroup, TakeBreak, ReadyForService, MakeCall, AnswerCall, ReleaseCall, HoldCall,
    RetrieveCall, BlindTransfer, InitiateAttendedTransfer, CompleteAttendedTransfer, CancelAttendedTransfer,
    SendDtmfSignaling, MonitorCall, BargeInCall, InterceptCall, Coach, MuteCall, UnmuteCall, LaunchSurvey,
    ChangeWorkMode, RedialCall, SaveWebRtcInfo, StartConference, SwitchToConference,
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Request of GetLoginDetails.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetLoginDetailsRequest {
    /// Instance id.
    pub instance_id: String,
    /// Agent; defaults to the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

/// Data of GetLoginDetails: what the soft phone and the push channel need.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct LoginDetails {
    /// Agent id.
    pub user_id: String,
    /// Display name.
    pub display_name: String,
    /// Nickname (CCC's `Nickname`).
    pub nickname: String,
    /// Profile picture URL, when the agent has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    /// SIP extension.
    pub extension: String,
    /// Work mode.
    pub work_mode: String,
    /// SIP registration server.
    pub sip_server_url: String,
    /// Agent-state push server (a WebSocket URL).
    pub agent_server_url: String,
    /// Signature used to register with the SIP server.
    pub signature: String,
    /// Signature over `UserKey2`.
    pub signature2: String,
    /// The signed data.
    pub user_key: String,
    /// The signed data, without non-ASCII characters.
    pub user_key2: String,
    /// Registered SIP desk phone id, if any.
    pub device_id: String,
    /// Its state.
    pub device_state: String,
    /// Extension of the desk phone.
    pub device_ext: String,
}

from_json_defaulted!(LoginDetails {
    user_id: "UserId",
    display_name: "DisplayName",
    nickname: "Nickname",
    avatar_url: "AvatarUrl",
    extension: "Extension",
    work_mode: "WorkMode",
    sip_server_url: "SipServerUrl",
    agent_server_url: "AgentServerUrl",
    signature: "Signature",
    signature2: "Signature2",
    user_key: "UserKey",
    user_key2: "UserKey2",
    device_id: "DeviceId",
    device_state: "DeviceState",
    device_ext: "DeviceExt",
});

/// Paging parameters shared by the List* actions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListOfUserRequest {
    /// Instance id.
    pub instance_id: String,
    /// Agent; defaults to the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// 1-based page.
    #[serde(default = "one")]
    pub page_number: u32,
    /// Page size (max 100).
    #[serde(default = "hundred")]
    pub page_size: u32,
}

fn one() -> u32 {
    1
}
fn hundred() -> u32 {
    100
}

/// A page of a List* answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Page<T> {
    /// The items.
    pub list: Vec<T>,
    /// 1-based page.
    pub page_number: u32,
    /// Page size.
    pub page_size: u32,
    /// Items in all pages.
    pub total_count: u32,
}

/// Every key is required, as serde reads a page.
impl<T: FromJson> FromJson for Page<T> {
    fn from_json(value: &Value) -> Result<Self, ReadError> {
        let page = object(value, "an object (a page)")?;
        Ok(Page {
            list: required(page, "List")?,
            page_number: required(page, "PageNumber")?,
            page_size: required(page, "PageSize")?,
            total_count: required(page, "TotalCount")?,
        })
    }
}

impl<T> Page<T> {
    /// Cuts page `number` (1-based) of `size` items out of `all`.
    pub fn of(all: Vec<T>, number: u32, size: u32) -> Self {
        let total_count = all.len() as u32;
        let size = size.clamp(1, 100);
        let skip = (number.max(1) - 1) as usize * size as usize;
        let list = all.into_iter().skip(skip).take(size as usize).collect();
        Page {
            list,
            page_number: number.max(1),
            page_size: size,
            total_count,
        }
    }
}

/// An item of ListSkillLevelsOfUser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SkillLevel {
    /// Skill group id, `<name>@<instance>`.
    pub skill_group_id: String,
    /// Display name.
    pub skill_group_name: String,
    /// 1–10, smaller is stronger; a string on the wire.
    pub skill_level: String,
    /// Media type (`TELEPHONE`).
    #[serde(default)]
    pub media_type: String,
}

from_json_struct!(SkillLevel {
    skill_group_id: "SkillGroupId",
    skill_group_name: "SkillGroupName",
    skill_level: "SkillLevel",
    media_type: "MediaType" or Default::default,
});

/// An item of ListOutboundNumbersOfUser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OutboundNumber {
    /// The number.
    pub number: String,
    /// Province of the number.
    #[serde(default)]
    pub province: String,
    /// City of the number.
    #[serde(default)]
    pub city: String,
    /// Name of the number's provider (the carrier that connects its calls).
    #[serde(default)]
    pub provider: String,
    /// The provider's code (deprecated by CCC).
    #[serde(default)]
    pub provider_code: String,
    /// The provider's display name (deprecated by CCC).
    #[serde(default)]
    pub provider_display_name: String,
    /// The provider's short name.
    #[serde(default)]
    pub provider_short_name: String,
    /// `SELF_HOSTED` (the call center's own) or `THIRD_PARTY`.
    #[serde(default)]
    pub provider_type: String,
}

from_json_struct!(OutboundNumber {
    number: "Number",
    province: "Province" or Default::default,
    city: "City" or Default::default,
    provider: "Provider" or Default::default,
    provider_code: "ProviderCode" or Default::default,
    provider_display_name: "ProviderDisplayName" or Default::default,
    provider_short_name: "ProviderShortName" or Default::default,
    provider_type: "ProviderType" or Default::default,
});

/// Request of ListConfigItems.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListConfigItemsRequest {
    /// Instance id.
    pub instance_id: String,
    /// Object the items belong to.
    pub object_id: String,
    /// `INSTANCE`, `SKILL_GROUP`, `USER`, `ALIYUN_UID`.
    pub object_type: String,
}

/// An item of ListConfigItems (its `Data` is the array itself).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfigItem {
    /// Instance id.
    #[serde(default)]
    pub instance_id: String,
    /// Object id.
    #[serde(default)]
    pub object_id: String,
    /// Object type.
    #[serde(default)]
    pub object_type: String,
    /// Item name.
    pub name: String,
    /// Item value.
    pub value: String,
}

from_json_struct!(ConfigItem {
    instance_id: "InstanceId" or Default::default,
    object_id: "ObjectId" or Default::default,
    object_type: "ObjectType" or Default::default,
    name: "Name",
    value: "Value",
});

/// Request of SignInGroup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SignInGroupRequest {
    /// Instance id.
    pub instance_id: String,
    /// Agent; defaults to the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The device going online.
    #[serde(default)]
    pub device_id: String,
    /// JSON array string of skill group ids.
    pub signed_skill_group_id_list: String,
}

/// Request of actions that only name the agent: SignOutGroup, PollUserStatus, ReadyForService, TakeBreak.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AgentRequest {
    /// Instance id.
    pub instance_id: String,
    /// Agent; defaults to the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Device id ("meaningless, any value").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// ReadyForService: outbound-only mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbound_scenario: Option<bool>,
    /// TakeBreak: the break code (required there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// Request of MakeCall.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MakeCallRequest {
    /// Instance id.
    pub instance_id: String,
    /// Agent; defaults to the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Device id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// Number or extension to call.
    pub callee: String,
    /// Caller number shown to the callee; picked automatically when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller: Option<String>,
    /// Hang up automatically if not answered within this time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
    /// Call-associated data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<String>,
    /// Masked callee for display.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub masked_callee: Option<String>,
}

/// Request of AnswerCall / ReleaseCall (and the other call-control actions on one job).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct JobRequest {
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
    /// ReleaseCall: one leg only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<String>,
}

/// Data of PollUserStatus and of the call-control actions: the agent plus its current call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StatusData {
    /// The agent.
    pub user_context: UserContext,
    /// The current call, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_context: Option<CallContext>,
    /// Auto-increment id of this snapshot: larger is newer.
    #[serde(default)]
    pub context_id: u64,
    /// The agent's chat sessions (CCC's online-chat channel), kept as sent; none on a voice-only call center.
    #[serde(default)]
    pub chat_contexts: Vec<serde_json::Value>,
}

from_json_struct!(StatusData {
    user_context: "UserContext",
    call_context: "CallContext" or Default::default,
    context_id: "ContextId" or Default::default,
    chat_contexts: "ChatContexts" or Default::default,
});

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn action_names_round_trip() {
        for a in Action::ALL {
            assert_eq!(Action::from_name(a.as_str()), Some(*a));
        }
        assert_eq!(Action::from_name("DeleteInstance"), None);
        assert_eq!(
            Action::from_name("getLoginDetails"),
            None,
            "names are exact"
        );
    }

    #[test]
    fn make_call_serialises_pascal_and_skips_absent() {
        let r = MakeCallRequest {
            instance_id: "i".into(),
            callee: "138".into(),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({"InstanceId": "i", "Callee": "138"})
        );
        let back: MakeCallRequest = serde_json::from_value(
            json!({"InstanceId": "i", "Callee": "138", "TimeoutSeconds": 30}),
        )
        .unwrap();
        assert_eq!(back.timeout_seconds, Some(30));
    }

    #[test]
    fn pages_cut_and_clamp() {
        let p = Page::of((1..=7).collect::<Vec<_>>(), 2, 3);
        assert_eq!(
            (p.list, p.total_count, p.page_number),
            (vec![4, 5, 6], 7, 2)
        );
        assert!(Page::of(vec![1], 5, 10).list.is_empty());
        assert_eq!(Page::of(vec![1; 300], 1, 1000).list.len(), 100);
    }

    #[test]
    fn status_data_without_call() {
        let v = json!({"UserContext": {"UserId": "a@x", "UserState": "READY"}, "ContextId": 7});
        let d: StatusData = serde_json::from_value(v).unwrap();
        assert!(d.call_context.is_none());
        assert_eq!(d.context_id, 7);
    }
}
