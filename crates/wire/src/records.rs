//! Requests and items of the list/report actions the panel's views read (`ccc-api-2020-07-01.md` §4):
//! call records, agent states, skill groups, privileges, number locations and the "my work" report.
//!
//! List answers are a [`crate::action::Page`] (`{List, PageNumber, PageSize, TotalCount}`) of these items;
//! ListPrivilegesOfUser and PickOutboundNumbers answer with a bare array, GetNumberLocation with one
//! [`NumberLocation`].

use serde::{Deserialize, Serialize};

use crate::read::from_json_defaulted;

fn one() -> u32 {
    1
}
fn hundred() -> u32 {
    100
}

/// Request of ListRecentCallDetailRecords.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRecentCallDetailRecordsRequest {
    /// Instance id.
    pub instance_id: String,
    /// Agent; defaults to the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// 1-based page.
    #[serde(default = "one")]
    pub page_number: u32,
    /// Page size.
    #[serde(default = "hundred")]
    pub page_size: u32,
    /// Epoch ms; start of today when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<i64>,
    /// Epoch ms; now when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<i64>,
    /// JSON object string `{"phoneNumber","callingNumber","calledNumber"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criteria: Option<String>,
}

/// An item of ListRecentCallDetailRecords: one finished contact.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct CallDetailRecord {
    /// Agents that took part, comma-separated.
    pub agent_ids: String,
    /// Talk time in seconds, as a string.
    pub call_duration: String,
    /// Called number.
    pub called_number: String,
    /// Calling number.
    pub calling_number: String,
    /// `Success`, `NoAnswer`, `AbandonedRing`, `OneStepTransfer`, …
    pub contact_disposition: String,
    /// The call id (`JobId` while it was live).
    pub contact_id: String,
    /// `Inbound`, `Outbound`, `Internal`.
    pub contact_type: String,
    /// Whole duration in seconds.
    pub duration: i64,
    /// Instance id.
    pub instance_id: String,
    /// Skill groups of the call, comma-separated.
    pub skill_group_ids: String,
    /// Epoch ms the call started.
    pub start_time: i64,
}

from_json_defaulted!(CallDetailRecord {
    agent_ids: "AgentIds",
    call_duration: "CallDuration",
    called_number: "CalledNumber",
    calling_number: "CallingNumber",
    contact_disposition: "ContactDisposition",
    contact_id: "ContactId",
    contact_type: "ContactType",
    duration: "Duration",
    instance_id: "InstanceId",
    skill_group_ids: "SkillGroupIds",
    start_time: "StartTime",
});

/// Request of ListRealtimeAgentStates. List filters are JSON array strings, as the API defines them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRealtimeAgentStatesRequest {
    /// Instance id.
    pub instance_id: String,
    /// 1-based page.
    #[serde(default = "one")]
    pub page_number: u32,
    /// Page size.
    #[serde(default = "hundred")]
    pub page_size: u32,
    /// `["agent1@…", …]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id_list: Option<String>,
    /// Substring of the agent's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
    /// Substring of the agent's id, name or extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// Members of this skill group only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill_group_id: Option<String>,
    /// `["Ready", "Talking", …]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_list: Option<String>,
    /// `["ON_SITE", …]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_mode_list: Option<String>,
    /// `["INBOUND", …]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_type_list: Option<String>,
    /// Only agents in (or out of) the outbound-only scenario.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbound_scenario: Option<bool>,
}

/// An item of ListRealtimeAgentStates.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RealtimeAgentState {
    /// Agent id.
    pub agent_id: String,
    /// Display name.
    pub agent_name: String,
    /// Break code when on break.
    pub break_code: String,
    /// Type of the current call (empty when none).
    pub call_type: String,
    /// The other party of the current call.
    pub counter_party: String,
    /// Seconds in the current call.
    pub duration: i64,
    /// Extension.
    pub extension: String,
    /// Instance id.
    pub instance_id: String,
    /// Mobile number.
    pub mobile: String,
    /// Outbound-only scenario.
    pub outbound_scenario: bool,
    /// Skill groups the agent belongs to.
    pub skill_group_id_list: Vec<String>,
    /// Their names.
    pub skill_group_name_list: Vec<String>,
    /// `Ready`, `Break`, `ACW`, `Dialing`, `Ringing`, `Talking`, `Offline`.
    pub state: String,
    /// `Monitoring` / `Monitored` refinement of `Talking`; else empty.
    pub state_code: String,
    /// Seconds in the current state.
    pub state_time: i64,
    /// Work mode.
    pub work_mode: String,
}

from_json_defaulted!(RealtimeAgentState {
    agent_id: "AgentId",
    agent_name: "AgentName",
    break_code: "BreakCode",
    call_type: "CallType",
    counter_party: "CounterParty",
    duration: "Duration",
    extension: "Extension",
    instance_id: "InstanceId",
    mobile: "Mobile",
    outbound_scenario: "OutboundScenario",
    skill_group_id_list: "SkillGroupIdList",
    skill_group_name_list: "SkillGroupNameList",
    state: "State",
    state_code: "StateCode",
    state_time: "StateTime",
    work_mode: "WorkMode",
});

/// Request of ListAgentStates (deprecated in the API, used by the monitoring view).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAgentStatesRequest {
    /// Instance id.
    pub instance_id: String,
    /// 1-based page.
    #[serde(default = "one")]
    pub page_number: u32,
    /// Page size.
    #[serde(default = "hundred")]
    pub page_size: u32,
    /// Agent ids, comma-separated (a JSON array string is accepted too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_ids: Option<String>,
    /// Members of this skill group only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill_group_id: Option<String>,
    /// One state: `Ready`, `Talking`, `ACW`, `Break`, `Ringing`, `Offline`, `Dialing`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Leave out OFFLINE agents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude_offline_users: Option<bool>,
}

/// An item of ListAgentStates.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AgentStateItem {
    /// Agent id.
    pub agent_id: String,
    /// Display name.
    pub agent_name: String,
    /// Break code when on break.
    pub break_code: String,
    /// Extension.
    pub dn: String,
    /// Instance id.
    pub instance_id: String,
    /// Login name (the agent id before `@`).
    pub login_name: String,
    /// Outbound-only scenario.
    pub outbound_scenario: bool,
    /// `Ready`, `Break`, `ACW`, `Dialing`, `Ringing`, `Talking`, `Offline`.
    pub state: String,
    /// Seconds in the state, as a string.
    pub state_duration: String,
}

/// Request of ListSkillGroups and ListBriefSkillGroups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListSkillGroupsRequest {
    /// Instance id.
    pub instance_id: String,
    /// 1-based page.
    #[serde(default = "one")]
    pub page_number: u32,
    /// Page size.
    #[serde(default = "hundred")]
    pub page_size: u32,
    /// Substring of the id or name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_pattern: Option<String>,
    /// Media type filter (`TELEPHONE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
}

/// An item of ListSkillGroups / ListBriefSkillGroups.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SkillGroup {
    /// Description.
    pub description: String,
    /// Display name.
    pub display_name: String,
    /// Instance id.
    pub instance_id: String,
    /// `TELEPHONE`.
    pub media_type: String,
    /// Numbers of the group.
    pub phone_number_count: u32,
    /// `<name>@<instance>`.
    pub skill_group_id: String,
    /// Name.
    pub skill_group_name: String,
    /// Members.
    pub user_count: u32,
}

/// An item of ListPrivilegesOfUser (its `Data` is the array itself).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Privilege {
    /// Instance id.
    pub instance_id: String,
    /// E.g. `Workbench:Call`, `Workbench:Monitor`.
    pub name: String,
    /// `SELF_ONLY`, `SKILL_GROUP`, `INSTANCE`.
    pub scope: String,
}

/// GetNumberLocation's `Data`, and each side of a PickOutboundNumbers item.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NumberLocation {
    /// City (empty when unknown).
    pub city: String,
    /// The number.
    pub number: String,
    /// Province (empty when unknown).
    pub province: String,
}

from_json_defaulted!(NumberLocation {
    city: "City",
    number: "Number",
    province: "Province",
});

/// An item of PickOutboundNumbers (its `Data` is the array itself).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PickedNumber {
    /// The called number and its location.
    pub callee: NumberLocation,
    /// The chosen caller number and its location.
    pub caller: NumberLocation,
}

from_json_defaulted!(PickedNumber {
    callee: "Callee",
    caller: "Caller",
});

/// Request of ListHistoricalAgentReport.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListHistoricalAgentReportRequest {
    /// Instance id.
    pub instance_id: String,
    /// Agent; the report's default subject when `AgentIdList` is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// JSON array string of agent ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id_list: Option<String>,
    /// Members of this skill group only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill_group_id: Option<String>,
    /// Epoch ms; start of today when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<i64>,
    /// Epoch ms; now when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_time: Option<i64>,
    /// 1-based page.
    #[serde(default = "one")]
    pub page_number: u32,
    /// Page size.
    #[serde(default = "hundred")]
    pub page_size: u32,
}

/// `Inbound` figures of a [`AgentReport`] (times in seconds; an average or rate over nothing is 0, as CCC's
/// own answers show it). The chat figures (messages, response times) belong to CCC's online chat: a voice
/// report has none.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct InboundReport {
    /// Calls routed to the agent (transferred-in calls included).
    pub calls_offered: u64,
    /// Calls that rang at the agent.
    pub calls_ringed: u64,
    /// Calls the agent answered.
    pub calls_handled: u64,
    /// Handled / offered.
    pub handle_rate: f64,
    /// Calls blind-transferred away.
    pub calls_blind_transfer_out: u64,
    /// Calls handed over by an attended transfer.
    pub calls_attended_transfer_out: u64,
    /// Calls received by a blind transfer.
    pub calls_blind_transfer_in: u64,
    /// Calls received by an attended transfer.
    pub calls_attended_transfer_in: u64,
    /// Holds (each time a call was put on hold).
    pub calls_hold: u64,
    /// Time on hold.
    pub total_hold_time: u64,
    /// Hold time per hold.
    pub average_hold_time: f64,
    /// Longest hold.
    pub max_hold_time: u64,
    /// Ringing time.
    pub total_ring_time: u64,
    /// Ringing time per ringing call.
    pub average_ring_time: f64,
    /// Longest ringing.
    pub max_ring_time: u64,
    /// Talk time.
    pub total_talk_time: u64,
    /// Talk time per handled call.
    pub average_talk_time: f64,
    /// Longest talk.
    pub max_talk_time: u64,
    /// After-call work time.
    pub total_work_time: u64,
    /// After-call work per handled call.
    pub average_work_time: f64,
    /// Longest after-call work.
    pub max_work_time: u64,
    /// Share of offered calls answered within 15 s of ringing.
    pub service_level15: f64,
    /// Satisfaction surveys sent.
    pub satisfaction_surveys_offered: u64,
    /// Satisfaction surveys answered.
    pub satisfaction_surveys_responded: u64,
    /// Average survey key press.
    pub satisfaction_index: f64,
    /// Satisfied answers / answers.
    pub satisfaction_rate: f64,
    /// Chat: average first response time.
    pub average_first_response_time: f64,
    /// Chat: average response time.
    pub average_response_time: f64,
    /// Chat: messages sent.
    pub total_messages_sent: u64,
    /// Chat: messages the agent sent.
    pub total_messages_sent_by_agent: u64,
    /// Chat: messages the customer sent (a string on the wire).
    pub total_messages_sent_by_customer: String,
}

from_json_defaulted!(InboundReport {
    calls_offered: "CallsOffered",
    calls_ringed: "CallsRinged",
    calls_handled: "CallsHandled",
    handle_rate: "HandleRate",
    calls_blind_transfer_out: "CallsBlindTransferOut",
    calls_attended_transfer_out: "CallsAttendedTransferOut",
    calls_blind_transfer_in: "CallsBlindTransferIn",
    calls_attended_transfer_in: "CallsAttendedTransferIn",
    calls_hold: "CallsHold",
    total_hold_time: "TotalHoldTime",
    average_hold_time: "AverageHoldTime",
    max_hold_time: "MaxHoldTime",
    total_ring_time: "TotalRingTime",
    average_ring_time: "AverageRingTime",
    max_ring_time: "MaxRingTime",
    total_talk_time: "TotalTalkTime",
    average_talk_time: "AverageTalkTime",
    max_talk_time: "MaxTalkTime",
    total_work_time: "TotalWorkTime",
    average_work_time: "AverageWorkTime",
    max_work_time: "MaxWorkTime",
    service_level15: "ServiceLevel15",
    satisfaction_surveys_offered: "SatisfactionSurveysOffered",
    satisfaction_surveys_responded: "SatisfactionSurveysResponded",
    satisfaction_index: "SatisfactionIndex",
    satisfaction_rate: "SatisfactionRate",
    average_first_response_time: "AverageFirstResponseTime",
    average_response_time: "AverageResponseTime",
    total_messages_sent: "TotalMessagesSent",
    total_messages_sent_by_agent: "TotalMessagesSentByAgent",
    total_messages_sent_by_customer: "TotalMessagesSentByCustomer",
});

/// `Outbound` figures of a [`AgentReport`] (times in seconds; an average or rate over nothing is 0).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct OutboundReport {
    /// Calls the agent dialled.
    pub calls_dialed: u64,
    /// Of those, answered by the far end.
    pub calls_answered: u64,
    /// Answered / dialled.
    pub answer_rate: f64,
    /// Dialling time (until the far end answered or the attempt ended).
    pub total_dialing_time: u64,
    /// Dialling time per dialled call.
    pub average_dialing_time: f64,
    /// Longest dialling.
    pub max_dialing_time: u64,
    /// Outbound calls that rang at the agent (transferred to it).
    pub calls_ringed: u64,
    /// Ringing time.
    pub total_ring_time: u64,
    /// Ringing time per ringing call.
    pub average_ring_time: f64,
    /// Longest ringing.
    pub max_ring_time: u64,
    /// Calls blind-transferred away.
    pub calls_blind_transfer_out: u64,
    /// Calls handed over by an attended transfer.
    pub calls_attended_transfer_out: u64,
    /// Calls received by a blind transfer.
    pub calls_blind_transfer_in: u64,
    /// Calls received by an attended transfer.
    pub calls_attended_transfer_in: u64,
    /// Holds (each time a call was put on hold).
    pub calls_hold: u64,
    /// Time on hold.
    pub total_hold_time: u64,
    /// Hold time per hold.
    pub average_hold_time: f64,
    /// Longest hold.
    pub max_hold_time: u64,
    /// Talk time.
    pub total_talk_time: u64,
    /// Talk time per answered call.
    pub average_talk_time: f64,
    /// Longest talk.
    pub max_talk_time: u64,
    /// After-call work time.
    pub total_work_time: u64,
    /// After-call work per dialled call.
    pub average_work_time: f64,
    /// Longest after-call work.
    pub max_work_time: u64,
    /// Satisfaction surveys sent.
    pub satisfaction_surveys_offered: u64,
    /// Satisfaction surveys answered.
    pub satisfaction_surveys_responded: u64,
    /// Average survey key press.
    pub satisfaction_index: f64,
    /// Satisfied answers / answers.
    pub satisfaction_rate: f64,
}

from_json_defaulted!(OutboundReport {
    calls_dialed: "CallsDialed",
    calls_answered: "CallsAnswered",
    answer_rate: "AnswerRate",
    total_dialing_time: "TotalDialingTime",
    average_dialing_time: "AverageDialingTime",
    max_dialing_time: "MaxDialingTime",
    calls_ringed: "CallsRinged",
    total_ring_time: "TotalRingTime",
    average_ring_time: "AverageRingTime",
    max_ring_time: "MaxRingTime",
    calls_blind_transfer_out: "CallsBlindTransferOut",
    calls_attended_transfer_out: "CallsAttendedTransferOut",
    calls_blind_transfer_in: "CallsBlindTransferIn",
    calls_attended_transfer_in: "CallsAttendedTransferIn",
    calls_hold: "CallsHold",
    total_hold_time: "TotalHoldTime",
    average_hold_time: "AverageHoldTime",
    max_hold_time: "MaxHoldTime",
    total_talk_time: "TotalTalkTime",
    average_talk_time: "AverageTalkTime",
    max_talk_time: "MaxTalkTime",
    total_work_time: "TotalWorkTime",
    average_work_time: "AverageWorkTime",
    max_work_time: "MaxWorkTime",
    satisfaction_surveys_offered: "SatisfactionSurveysOffered",
    satisfaction_surveys_responded: "SatisfactionSurveysResponded",
    satisfaction_index: "SatisfactionIndex",
    satisfaction_rate: "SatisfactionRate",
});

/// `Internal` figures of a [`AgentReport`] (times in seconds).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct InternalReport {
    /// Internal calls the agent dialled.
    pub calls_dialed: u64,
    /// Of those, answered.
    pub calls_answered: u64,
    /// Internal calls offered to the agent.
    pub calls_offered: u64,
    /// Of those, answered by the agent.
    pub calls_handled: u64,
    /// Internal calls that reached talking.
    pub calls_talked: u64,
    /// Talk time.
    pub total_talk_time: u64,
    /// Talk time per talked call.
    pub average_talk_time: f64,
    /// Longest talk.
    pub max_talk_time: u64,
}

from_json_defaulted!(InternalReport {
    calls_dialed: "CallsDialed",
    calls_answered: "CallsAnswered",
    calls_offered: "CallsOffered",
    calls_handled: "CallsHandled",
    calls_talked: "CallsTalked",
    total_talk_time: "TotalTalkTime",
    average_talk_time: "AverageTalkTime",
    max_talk_time: "MaxTalkTime",
});

/// An item of `Overall.BreakCodeDetailList`: one break code's breaks.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct BreakCodeDetail {
    /// The break code.
    pub break_code: String,
    /// Breaks with it.
    pub count: u64,
    /// Their time, seconds.
    pub duration: u64,
}

from_json_defaulted!(BreakCodeDetail {
    break_code: "BreakCode",
    count: "Count",
    duration: "Duration",
});

/// `Overall` figures of a [`AgentReport`] (times in seconds, instants in epoch ms with 0 for none; an average
/// or rate over nothing is 0).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct OverallReport {
    /// Calls of every kind.
    pub total_calls: u64,
    /// Talk time.
    pub total_talk_time: u64,
    /// Talk time per talked call.
    pub average_talk_time: f64,
    /// Longest talk.
    pub max_talk_time: u64,
    /// Time on hold.
    pub total_hold_time: u64,
    /// Hold time per hold.
    pub average_hold_time: f64,
    /// Longest hold.
    pub max_hold_time: u64,
    /// After-call work time.
    pub total_work_time: u64,
    /// After-call work per call.
    pub average_work_time: f64,
    /// Longest after-call work.
    pub max_work_time: u64,
    /// Time READY.
    pub total_ready_time: u64,
    /// Time per READY stretch.
    pub average_ready_time: f64,
    /// Longest READY stretch.
    pub max_ready_time: u64,
    /// Time on break.
    pub total_break_time: u64,
    /// Time per break.
    pub average_break_time: f64,
    /// Longest break.
    pub max_break_time: u64,
    /// Breaks per break code.
    pub break_code_detail_list: Vec<BreakCodeDetail>,
    /// First sign-in of the period, epoch ms.
    pub first_check_in_time: i64,
    /// Last sign-out of the period, epoch ms.
    pub last_check_out_time: i64,
    /// Signed-in time, breaks excluded.
    pub total_logged_in_time: u64,
    /// (Work + talk) / logged-in time.
    pub occupancy_rate: f64,
    /// Signed-in time in the `ON_SITE` work mode.
    pub total_on_site_logged_in_time: u64,
    /// Of that, not on break.
    pub total_on_site_online_time: u64,
    /// Signed-in time in the `OFF_SITE` work mode.
    pub total_off_site_logged_in_time: u64,
    /// Of that, not on break.
    pub total_off_site_online_time: u64,
    /// Signed-in time in the `OFFICE_PHONE` work mode.
    pub total_office_phone_logged_in_time: u64,
    /// Of that, not on break.
    pub total_office_phone_online_time: u64,
    /// Signed-in time in the outbound-only scenario.
    pub total_outbound_scenario_logged_in_time: u64,
    /// Of that, not on break.
    pub total_outbound_scenario_time: u64,
    /// Of that, READY.
    pub total_outbound_scenario_ready_time: u64,
    /// Satisfaction surveys sent.
    pub satisfaction_surveys_offered: u64,
    /// Satisfaction surveys answered.
    pub satisfaction_surveys_responded: u64,
    /// Average survey key press.
    pub satisfaction_index: f64,
    /// Satisfied answers / answers.
    pub satisfaction_rate: f64,
}

from_json_defaulted!(OverallReport {
    total_calls: "TotalCalls",
    total_talk_time: "TotalTalkTime",
    average_talk_time: "AverageTalkTime",
    max_talk_time: "MaxTalkTime",
    total_hold_time: "TotalHoldTime",
    average_hold_time: "AverageHoldTime",
    max_hold_time: "MaxHoldTime",
    total_work_time: "TotalWorkTime",
    average_work_time: "AverageWorkTime",
    max_work_time: "MaxWorkTime",
    total_ready_time: "TotalReadyTime",
    average_ready_time: "AverageReadyTime",
    max_ready_time: "MaxReadyTime",
    total_break_time: "TotalBreakTime",
    average_break_time: "AverageBreakTime",
    max_break_time: "MaxBreakTime",
    break_code_detail_list: "BreakCodeDetailList",
    first_check_in_time: "FirstCheckInTime",
    last_check_out_time: "LastCheckOutTime",
    total_logged_in_time: "TotalLoggedInTime",
    occupancy_rate: "OccupancyRate",
    total_on_site_logged_in_time: "TotalOnSiteLoggedInTime",
    total_on_site_online_time: "TotalOnSiteOnlineTime",
    total_off_site_logged_in_time: "TotalOffSiteLoggedInTime",
    total_off_site_online_time: "TotalOffSiteOnlineTime",
    total_office_phone_logged_in_time: "TotalOfficePhoneLoggedInTime",
    total_office_phone_online_time: "TotalOfficePhoneOnlineTime",
    total_outbound_scenario_logged_in_time: "TotalOutboundScenarioLoggedInTime",
    total_outbound_scenario_time: "TotalOutboundScenarioTime",
    total_outbound_scenario_ready_time: "TotalOutboundScenarioReadyTime",
    satisfaction_surveys_offered: "SatisfactionSurveysOffered",
    satisfaction_surveys_responded: "SatisfactionSurveysResponded",
    satisfaction_index: "SatisfactionIndex",
    satisfaction_rate: "SatisfactionRate",
});

/// `Back2Back` figures of a [`AgentReport`]: back-to-back (callback) calls, where the call center rings the
/// agent first and then the customer. Every value is a string on the wire.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Back2BackReport {
    /// Back-to-back calls placed.
    pub calls_dialed: String,
    /// Of those, answered.
    pub calls_answered: String,
    /// Answered / dialled.
    pub answer_rate: String,
    /// Answered by the agent.
    pub calls_agent_handled: String,
    /// Agent-handled / dialled.
    pub agent_handle_rate: String,
    /// Answered by the customer.
    pub calls_customer_answered: String,
    /// Customer-answered / agent-handled.
    pub customer_answer_rate: String,
    /// The agent's ringing time.
    pub total_ring_time: String,
    /// Per call.
    pub average_ring_time: String,
    /// Longest.
    pub max_ring_time: String,
    /// The customer's ringing time.
    pub total_customer_ring_time: String,
    /// Per call.
    pub average_customer_ring_time: String,
    /// Longest.
    pub max_customer_ring_time: String,
    /// Talk time.
    pub total_talk_time: String,
    /// Per call.
    pub average_talk_time: String,
    /// Longest.
    pub max_talk_time: String,
}

from_json_defaulted!(Back2BackReport {
    calls_dialed: "CallsDialed",
    calls_answered: "CallsAnswered",
    answer_rate: "AnswerRate",
    calls_agent_handled: "CallsAgentHandled",
    agent_handle_rate: "AgentHandleRate",
    calls_customer_answered: "CallsCustomerAnswered",
    customer_answer_rate: "CustomerAnswerRate",
    total_ring_time: "TotalRingTime",
    average_ring_time: "AverageRingTime",
    max_ring_time: "MaxRingTime",
    total_customer_ring_time: "TotalCustomerRingTime",
    average_customer_ring_time: "AverageCustomerRingTime",
    max_customer_ring_time: "MaxCustomerRingTime",
    total_talk_time: "TotalTalkTime",
    average_talk_time: "AverageTalkTime",
    max_talk_time: "MaxTalkTime",
});

impl Back2BackReport {
    /// The figures of an agent with no back-to-back call: every count, time and rate `"0"`.
    pub fn none() -> Self {
        let zero = || "0".to_owned();
        Back2BackReport {
            calls_dialed: zero(),
            calls_answered: zero(),
            answer_rate: zero(),
            calls_agent_handled: zero(),
            agent_handle_rate: zero(),
            calls_customer_answered: zero(),
            customer_answer_rate: zero(),
            total_ring_time: zero(),
            average_ring_time: zero(),
            max_ring_time: zero(),
            total_customer_ring_time: zero(),
            average_customer_ring_time: zero(),
            max_customer_ring_time: zero(),
            total_talk_time: zero(),
            average_talk_time: zero(),
            max_talk_time: zero(),
        }
    }
}

/// An item of ListHistoricalAgentReport: one agent's figures over the period.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AgentReport {
    /// Agent id.
    pub agent_id: String,
    /// Display name.
    pub agent_name: String,
    /// Extension.
    pub display_id: String,
    /// Skill groups, comma-separated.
    pub skill_group_ids: String,
    /// Their names, comma-separated.
    pub skill_group_names: String,
    /// Inbound calls.
    pub inbound: InboundReport,
    /// Outbound calls.
    pub outbound: OutboundReport,
    /// Internal calls.
    pub internal: InternalReport,
    /// Everything.
    pub overall: OverallReport,
    /// Back-to-back calls.
    pub back2_back: Back2BackReport,
}

from_json_defaulted!(AgentReport {
    agent_id: "AgentId",
    agent_name: "AgentName",
    display_id: "DisplayId",
    skill_group_ids: "SkillGroupIds",
    skill_group_names: "SkillGroupNames",
    inbound: "Inbound",
    outbound: "Outbound",
    internal: "Internal",
    overall: "Overall",
    back2_back: "Back2Back",
});

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn items_use_the_spec_names() {
        let v = serde_json::to_value(CallDetailRecord::default()).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "AgentIds",
                "CallDuration",
                "CalledNumber",
                "CallingNumber",
                "ContactDisposition",
                "ContactId",
                "ContactType",
                "Duration",
                "InstanceId",
                "SkillGroupIds",
                "StartTime"
            ]
        );
        let r = serde_json::to_value(AgentReport {
            back2_back: Back2BackReport::none(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            r["Back2Back"]["CallsDialed"], "0",
            "Back2Back's values are strings"
        );
        assert_eq!(r["Back2Back"].as_object().unwrap().len(), 16);
        assert!(r["Inbound"].get("CallsHandled").is_some());
        assert!(r["Inbound"]["TotalMessagesSentByCustomer"].is_string());
        assert!(r["Inbound"]["ServiceLevel15"].is_f64());
        assert!(r["Overall"]["BreakCodeDetailList"].is_array());
        assert!(r["Overall"]["FirstCheckInTime"].is_i64());
        let p: PickedNumber = serde_json::from_value(
            json!({"Callee": {"Number": "021"}, "Caller": {"Number": "1", "City": "上海"}}),
        )
        .unwrap();
        assert_eq!(p.caller.city, "上海");
    }
}
