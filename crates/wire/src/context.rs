//! `UserContext`, `CallContext`, `ChannelContext` (`ccc-api-2020-07-01.md` §3) and their enums.
//!
//! Enums keep values they do not know (`Other(raw)`), so a newer backend never breaks the panel.

use serde::{Deserialize, Serialize};

use crate::read::{from_json_defaulted, from_json_struct};

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(from = "String", into = "String")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version does not know, kept as sent.
            Other(String),
        }

        impl $name {
            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Other(raw) => raw,
                }
            }
        }

        impl From<String> for $name {
            fn from(raw: String) -> Self {
                match raw.as_str() {
                    $($text => $name::$variant,)+
                    _ => $name::Other(raw),
                }
            }
        }

        /// A JSON string, as serde's `from = "String"` reads it.
        impl $crate::read::FromJson for $name {
            fn from_json(value: &serde_json::Value) -> Result<Self, $crate::read::ReadError> {
                <String as $crate::read::FromJson>::from_json(value).map($name::from)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.as_str().to_owned()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// Shared with the other modules that define string enums ([`crate::call_control`]).
pub(crate) use string_enum;

string_enum! {
    /// `UserContext.UserState`.
    UserState {
        /// Signed out.
        Offline = "OFFLINE",
        /// On break; `BreakCode` says why.
        Break = "BREAK",
        /// Idle, can take calls.
        Ready = "READY",
        /// Outbound call being dialled.
        Dialing = "DIALING",
        /// Inbound call ringing.
        Ringing = "RINGING",
        /// In a call (hold, mute, monitoring are channel flags).
        Talking = "TALKING",
        /// After-call work.
        Working = "WORKING",
    }
}

string_enum! {
    /// `CallContext.CallType` / `ChannelContext.CallType`.
    CallType {
        /// A customer called in.
        Inbound = "INBOUND",
        /// The agent called out.
        Outbound = "OUTBOUND",
        /// Agent to agent.
        Internal = "INTERNAL",
        /// The consultation leg of an attended transfer.
        Consultant = "CONSULTANT",
        /// Conference.
        Conference = "CONFERENCE",
        /// Supervisor monitoring.
        Monitor = "MONITOR",
        /// Supervisor barge-in.
        Barge = "BARGE",
        /// Supervisor intercept.
        Intercept = "INTERCEPT",
        /// Supervisor coaching.
        Coach = "COACH",
    }
}

impl CallType {
    /// Whether a leg of this type is a supervisor's (monitor, barge-in, intercept, coach).
    pub fn is_supervision(&self) -> bool {
        matches!(
            self,
            CallType::Monitor | CallType::Barge | CallType::Coach | CallType::Intercept
        )
    }
}

string_enum! {
    /// `ChannelContext.ChannelState`.
    ChannelState {
        /// Initial.
        None = "NONE",
        /// Created, not yet ringing.
        Created = "CREATED",
        /// Early media.
        EarlyMedia = "EARLY_MEDIA",
        /// Ringing.
        Ringing = "RINGING",
        /// Answered (talking).
        Answered = "ANSWERED",
        /// Hung up.
        Released = "RELEASED",
        /// No longer valid.
        Retired = "RETIRED",
    }
}

/// The agent's context (§3.1). PollUserStatus returns it under `Data.UserContext`; sign-in/ready/break return it
/// flat as `Data` (with no `ContextId`: that belongs to the snapshot, [`crate::action::StatusData`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserContext {
    /// `<loginName>@<instanceId>`.
    pub user_id: String,
    /// Instance id (domain name).
    #[serde(default)]
    pub instance_id: String,
    /// 8-digit extension shared by the agent's devices.
    #[serde(default)]
    pub extension: String,
    /// Active device id.
    #[serde(default)]
    pub device_id: String,
    /// Agent state.
    pub user_state: UserState,
    /// Break reason when on break (`Warm-up`, `RingingTimeout`, or a custom code).
    #[serde(default)]
    pub break_code: String,
    /// `ON_SITE`, `OFF_SITE`, `OFFICE_PHONE`.
    #[serde(default)]
    pub work_mode: String,
    /// Outbound-only mode.
    #[serde(default)]
    pub outbound_scenario: bool,
    /// Skill groups the agent is signed into.
    #[serde(default)]
    pub signed_skill_group_id_list: Vec<String>,
    /// Current call, when in a call state.
    #[serde(default)]
    pub job_id: String,
    /// Epoch ms of the last operation.
    #[serde(default)]
    pub heartbeat: i64,
    /// Mobile number for off-site mode.
    #[serde(default)]
    pub mobile: String,
    /// State of the agent's device: `ONLINE` while one is registered, else `OFFLINE`.
    #[serde(default)]
    pub device_state: String,
    /// Epoch ms the agent was last reserved for an incoming call (an offered call about to ring it); 0 when
    /// never.
    #[serde(default)]
    pub reserved: i64,
    /// The chat sessions the agent handles or has handled (CCC's online-chat channel); none on a voice-only
    /// call center.
    #[serde(default)]
    pub parallel_job_list: Vec<ParallelJob>,
}

from_json_struct!(UserContext {
    user_id: "UserId",
    instance_id: "InstanceId" or Default::default,
    extension: "Extension" or Default::default,
    device_id: "DeviceId" or Default::default,
    user_state: "UserState",
    break_code: "BreakCode" or Default::default,
    work_mode: "WorkMode" or Default::default,
    outbound_scenario: "OutboundScenario" or Default::default,
    signed_skill_group_id_list: "SignedSkillGroupIdList" or Default::default,
    job_id: "JobId" or Default::default,
    heartbeat: "Heartbeat" or Default::default,
    mobile: "Mobile" or Default::default,
    device_state: "DeviceState" or Default::default,
    reserved: "Reserved" or Default::default,
    parallel_job_list: "ParallelJobList" or Default::default,
});

/// An item of `UserContext.ParallelJobList`: one chat session of the agent.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ParallelJob {
    /// The session's job id.
    pub job_id: String,
    /// Its status.
    pub status: String,
    /// Epoch ms of its last change.
    pub timestamp: i64,
}

from_json_defaulted!(ParallelJob {
    job_id: "JobId",
    status: "Status",
    timestamp: "Timestamp",
});

/// One party (leg) of a call (§3.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChannelContext {
    /// Leg id.
    pub channel_id: String,
    /// Call id.
    #[serde(default)]
    pub job_id: String,
    /// Call type of this leg.
    #[serde(default = "default_call_type")]
    pub call_type: CallType,
    /// Leg state.
    pub channel_state: ChannelState,
    /// `HOLD`, `MUTED`, `MONITORING`, …; empty when none.
    #[serde(default)]
    pub channel_flags: String,
    /// Calling party of this leg.
    #[serde(default)]
    pub originator: String,
    /// Called party of this leg.
    #[serde(default)]
    pub destination: String,
    /// Agent of an agent leg; empty for customer legs.
    #[serde(default)]
    pub user_id: String,
    /// Agent extension of an agent leg.
    #[serde(default)]
    pub user_extension: String,
    /// Skill group of the call (inbound).
    #[serde(default)]
    pub skill_group_id: String,
    /// Creation order within the call.
    #[serde(default)]
    pub index: u32,
    /// Epoch ms of the last state change.
    #[serde(default)]
    pub timestamp: i64,
    /// Who hung up first.
    #[serde(default)]
    pub release_initiator: String,
    /// SIP-derived reason, e.g. `200 - Okay`.
    #[serde(default)]
    pub release_reason: String,
    /// `a=b;c=d` data associated with this leg; empty when none.
    #[serde(default)]
    pub channel_variables: String,
    /// The leg's media: [`MEDIA_AUDIO`] (CCC's default) or `VIDEO`.
    #[serde(default)]
    pub media_type: String,
}

from_json_struct!(ChannelContext {
    channel_id: "ChannelId",
    job_id: "JobId" or Default::default,
    call_type: "CallType" or default_call_type,
    channel_state: "ChannelState",
    channel_flags: "ChannelFlags" or Default::default,
    originator: "Originator" or Default::default,
    destination: "Destination" or Default::default,
    user_id: "UserId" or Default::default,
    user_extension: "UserExtension" or Default::default,
    skill_group_id: "SkillGroupId" or Default::default,
    index: "Index" or Default::default,
    timestamp: "Timestamp" or Default::default,
    release_initiator: "ReleaseInitiator" or Default::default,
    release_reason: "ReleaseReason" or Default::default,
    channel_variables: "ChannelVariables" or Default::default,
    media_type: "MediaType" or Default::default,
});

/// `ChannelContext.MediaType` of a voice leg (CCC's default).
pub const MEDIA_AUDIO: &str = "AUDIO";

fn default_call_type() -> CallType {
    CallType::Other(String::new())
}

/// A call (§3.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CallContext {
    /// Instance id.
    #[serde(default)]
    pub instance_id: String,
    /// Call id.
    pub job_id: String,
    /// Type the call was created with.
    #[serde(default = "default_call_type")]
    pub call_type: CallType,
    /// `a=b;c=d` call-associated data.
    #[serde(default)]
    pub call_variables: String,
    /// One entry per leg.
    #[serde(default)]
    pub channel_contexts: Vec<ChannelContext>,
}

from_json_struct!(CallContext {
    instance_id: "InstanceId" or Default::default,
    job_id: "JobId",
    call_type: "CallType" or default_call_type,
    call_variables: "CallVariables" or Default::default,
    channel_contexts: "ChannelContexts" or Default::default,
});

impl CallContext {
    /// The leg of agent `user_id`, if it has one.
    pub fn channel_of(&self, user_id: &str) -> Option<&ChannelContext> {
        self.channel_contexts.iter().find(|c| c.user_id == user_id)
    }

    /// The first leg that is not an agent's: the customer.
    pub fn customer_channel(&self) -> Option<&ChannelContext> {
        self.channel_contexts.iter().find(|c| c.user_id.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn supervision_call_types() {
        for t in [
            CallType::Monitor,
            CallType::Barge,
            CallType::Coach,
            CallType::Intercept,
        ] {
            assert!(t.is_supervision(), "{t}");
        }
        for t in [
            CallType::Inbound,
            CallType::Consultant,
            CallType::Conference,
        ] {
            assert!(!t.is_supervision(), "{t}");
        }
        assert!(!CallType::Other("MONITORING".into()).is_supervision());
    }

    #[test]
    fn unknown_enum_values_survive_a_round_trip() {
        let s: UserState = serde_json::from_value(json!("ON_MARS")).unwrap();
        assert_eq!(s, UserState::Other("ON_MARS".into()));
        assert_eq!(serde_json::to_value(&s).unwrap(), json!("ON_MARS"));
        let r: UserState = serde_json::from_value(json!("READY")).unwrap();
        assert_eq!(r, UserState::Ready);
    }

    #[test]
    fn user_context_reads_the_flat_sign_in_answer() {
        let v = json!({"UserId": "agent@ccc-test", "InstanceId": "ccc-test", "Extension": "8001",
            "UserState": "BREAK", "BreakCode": "Warm-up", "WorkMode": "ON_SITE", "OutboundScenario": false,
            "SignedSkillGroupIdList": ["skg1@ccc-test"], "DeviceId": "device", "JobId": ""});
        let u: UserContext = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(u.user_state, UserState::Break);
        assert_eq!(u.break_code, "Warm-up");
        let back = serde_json::to_value(&u).unwrap();
        for (k, val) in v.as_object().unwrap() {
            assert_eq!(&back[k], val, "{k}");
        }
    }

    #[test]
    fn call_context_finds_legs() {
        let call: CallContext = serde_json::from_value(json!({
            "JobId": "job-1", "CallType": "INBOUND",
            "ChannelContexts": [
                {"ChannelId": "ch:customer", "ChannelState": "ANSWERED", "Originator": "138"},
                {"ChannelId": "ch:user", "ChannelState": "ANSWERED", "UserId": "a@x", "CallType": "INBOUND"}
            ]
        }))
        .unwrap();
        assert_eq!(call.channel_of("a@x").unwrap().channel_id, "ch:user");
        assert_eq!(call.customer_channel().unwrap().originator, "138");
        assert_eq!(call.call_type, CallType::Inbound);
    }
}
