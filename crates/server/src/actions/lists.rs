//! The list/report actions the panel's views read: call records, agent states, skill groups, privileges and
//! the agent report. Lists answer with a `Page` (`{List, PageNumber, PageSize, TotalCount}`);
//! ListPrivilegesOfUser with a bare array.

use ccc_wire::action::Page;
use ccc_wire::call_control::{has_flag, FLAG_MONITORED, FLAG_MONITORING};
use ccc_wire::records::{
    AgentStateItem, CallDetailRecord, ListAgentStatesRequest, ListHistoricalAgentReportRequest,
    ListRealtimeAgentStatesRequest, ListRecentCallDetailRecordsRequest, ListSkillGroupsRequest,
    Privilege, RealtimeAgentState, SkillGroup,
};
use ccc_wire::{Action, ApiError, UserState};
use serde_json::Value;

use super::filters::{in_group, start_of_today, string_list};
use super::{parse, to_value};
use crate::emulator::Emulator;
use crate::hub::Hub;
use crate::ids::now_ms;
use crate::store::RecordQuery;

/// The actions of this module.
pub(crate) const ACTIONS: &[Action] = &[
    Action::ListRecentCallDetailRecords,
    Action::ListRealtimeAgentStates,
    Action::ListAgentStates,
    Action::ListSkillGroups,
    Action::ListBriefSkillGroups,
    Action::ListPrivilegesOfUser,
    Action::ListHistoricalAgentReport,
];

/// Runs one of [`ACTIONS`] for agent `u`; `None` for any other action.
pub(crate) fn dispatch(
    hub: &Hub,
    action: Action,
    params: &Value,
    u: &str,
) -> Option<Result<Value, ApiError>> {
    if !ACTIONS.contains(&action) {
        return None;
    }
    Some(run(hub, action, params, u))
}

fn run(hub: &Hub, action: Action, params: &Value, u: &str) -> Result<Value, ApiError> {
    match action {
        Action::ListRecentCallDetailRecords => {
            let req: ListRecentCallDetailRecordsRequest = parse(params)?;
            let criteria = criteria(req.criteria.as_deref())?;
            let instance = hub.read(|emu| emu.config().instance_id.clone());
            Ok(to_value(call_records(hub, &instance, u, &req, &criteria)?))
        }
        Action::ListRealtimeAgentStates => {
            let req: ListRealtimeAgentStatesRequest = parse(params)?;
            let all = hub.read(|emu| realtime_states(emu, &req))?;
            Ok(to_value(Page::of(all, req.page_number, req.page_size)))
        }
        Action::ListAgentStates => {
            let req: ListAgentStatesRequest = parse(params)?;
            let all = hub.read(|emu| agent_states(emu, &req));
            Ok(to_value(Page::of(all, req.page_number, req.page_size)))
        }
        Action::ListSkillGroups | Action::ListBriefSkillGroups => {
            let req: ListSkillGroupsRequest = parse(params)?;
            let all = hub.read(|emu| skill_groups(emu, &req));
            Ok(to_value(Page::of(all, req.page_number, req.page_size)))
        }
        Action::ListPrivilegesOfUser => Ok(to_value(hub.read(|emu| privileges(emu, u))?)),
        Action::ListHistoricalAgentReport => {
            let req: ListHistoricalAgentReportRequest = parse(params)?;
            let all = super::report::report(hub, u, &req)?;
            Ok(to_value(Page::of(all, req.page_number, req.page_size)))
        }
        other => Err(super::not_supported(other)),
    }
}

/// `Criteria` of ListRecentCallDetailRecords.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Criteria {
    phone_number: String,
    calling_number: String,
    called_number: String,
}

fn criteria(raw: Option<&str>) -> Result<Criteria, ApiError> {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(Criteria::default()),
        Some(raw) => serde_json::from_str(raw)
            .map_err(|_| ApiError::invalid("Criteria", "It must be a JSON object")),
    }
}

/// A page of the caller's call records, from the record store (every call it took part in, not a recent
/// few), newest ended first.
fn call_records(
    hub: &Hub,
    instance: &str,
    user: &str,
    req: &ListRecentCallDetailRecordsRequest,
    c: &Criteria,
) -> Result<Page<CallDetailRecord>, ApiError> {
    let now = now_ms();
    let query = RecordQuery {
        user,
        from: req.start_time.unwrap_or_else(|| start_of_today(now)),
        to: req.end_time.unwrap_or(now),
        calling: &c.calling_number,
        called: &c.called_number,
        phone: &c.phone_number,
    };
    // The page as `Page::of` cuts it.
    let size = req.page_size.clamp(1, 100);
    let number = req.page_number.max(1);
    let offset = (number - 1).saturating_mul(size);
    let (records, total_count) = hub.store().list_records(&query, offset, size)?;
    let list = records
        .iter()
        .map(|r| CallDetailRecord {
            agent_ids: r
                .participants
                .iter()
                .map(|p| p.user_id.as_str())
                .collect::<Vec<_>>()
                .join(","),
            call_duration: r.talk_seconds().to_string(),
            called_number: r.callee.clone(),
            calling_number: r.caller.clone(),
            contact_disposition: r.disposition().into(),
            contact_id: r.job_id.clone(),
            contact_type: r.contact_type().into(),
            duration: ((r.end_ms - r.start_ms).max(0) + 500) / 1000,
            instance_id: instance.to_owned(),
            skill_group_ids: r.skill_group.clone(),
            start_time: r.start_ms,
        })
        .collect();
    Ok(Page {
        list,
        page_number: number,
        page_size: size,
        total_count,
    })
}

/// The mixed-case state of ListRealtimeAgentStates / ListAgentStates.
fn state_name(state: &UserState) -> &str {
    match state {
        UserState::Offline => "Offline",
        UserState::Break => "Break",
        UserState::Ready => "Ready",
        UserState::Dialing => "Dialing",
        UserState::Ringing => "Ringing",
        UserState::Talking => "Talking",
        UserState::Working => "ACW",
        UserState::Other(raw) => raw,
    }
}

fn realtime_states(
    emu: &Emulator,
    req: &ListRealtimeAgentStatesRequest,
) -> Result<Vec<RealtimeAgentState>, ApiError> {
    let ids = string_list("AgentIdList", req.agent_id_list.as_deref())?;
    let states = string_list("StateList", req.state_list.as_deref())?;
    let modes = string_list("WorkModeList", req.work_mode_list.as_deref())?;
    let call_types = string_list("CallTypeList", req.call_type_list.as_deref())?;
    let name = req.agent_name.as_deref().unwrap_or("").trim();
    let query = req.query.as_deref().unwrap_or("").trim();
    let now = now_ms();
    let instance = &emu.config().instance_id;
    let mut out = Vec::new();
    for a in emu.agents() {
        let call = emu.live_call_of(&a.user_id);
        let mine = call.and_then(|c| c.leg_of(&a.user_id));
        let item = RealtimeAgentState {
            agent_id: a.user_id.clone(),
            agent_name: a.display_name.clone(),
            break_code: a.break_code.clone(),
            call_type: mine.map(|l| l.call_type.to_string()).unwrap_or_default(),
            counter_party: call
                .and_then(|c| {
                    let partner = c.partner_of(&a.user_id, None).ok().flatten()?;
                    let leg = c.channels.iter().find(|l| l.channel_id == partner)?;
                    Some(if !leg.user_id.is_empty() {
                        leg.user_extension.clone()
                    } else if c.call_type == ccc_wire::context::CallType::Outbound {
                        leg.destination.clone()
                    } else {
                        leg.originator.clone()
                    })
                })
                .unwrap_or_default(),
            duration: call.map_or(0, |c| (now - c.started_ms).max(0) / 1000),
            extension: a.extension.clone(),
            instance_id: instance.clone(),
            mobile: a.mobile.clone(),
            outbound_scenario: a.outbound_scenario,
            skill_group_id_list: emu.groups_of(&a.user_id).map(|g| g.id.clone()).collect(),
            skill_group_name_list: emu.groups_of(&a.user_id).map(|g| g.name.clone()).collect(),
            state: state_name(&a.state).into(),
            state_code: match mine.map(|l| l.channel_flags.as_str()) {
                Some(f) if has_flag(f, FLAG_MONITORING) => "Monitoring".into(),
                Some(f) if has_flag(f, FLAG_MONITORED) => "Monitored".into(),
                _ => String::new(),
            },
            state_time: (now - a.state_since).max(0) / 1000,
            work_mode: a.work_mode.clone(),
        };
        let keep = ids.as_ref().is_none_or(|l| l.contains(&item.agent_id))
            && states.as_ref().is_none_or(|l| l.contains(&item.state))
            && modes.as_ref().is_none_or(|l| l.contains(&item.work_mode))
            && call_types
                .as_ref()
                .is_none_or(|l| l.contains(&item.call_type))
            && req
                .outbound_scenario
                .is_none_or(|o| o == item.outbound_scenario)
            && (name.is_empty() || item.agent_name.contains(name))
            && (query.is_empty()
                || item.agent_id.contains(query)
                || item.agent_name.contains(query)
                || item.extension.contains(query))
            && in_group(emu, a, req.skill_group_id.as_deref());
        if keep {
            out.push(item);
        }
    }
    Ok(out)
}

fn agent_states(emu: &Emulator, req: &ListAgentStatesRequest) -> Vec<AgentStateItem> {
    let ids = string_list("AgentIds", req.agent_ids.as_deref())
        .ok()
        .flatten();
    let now = now_ms();
    let state = req
        .state
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    emu.agents()
        .iter()
        .filter(|a| ids.as_ref().is_none_or(|l| l.contains(&a.user_id)))
        .filter(|a| !(req.exclude_offline_users == Some(true) && a.state == UserState::Offline))
        .filter(|a| state.is_none_or(|s| s.eq_ignore_ascii_case(state_name(&a.state))))
        .filter(|a| in_group(emu, a, req.skill_group_id.as_deref()))
        .map(|a| AgentStateItem {
            agent_id: a.user_id.clone(),
            agent_name: a.display_name.clone(),
            break_code: a.break_code.clone(),
            dn: a.extension.clone(),
            instance_id: emu.config().instance_id.clone(),
            login_name: a.user_id.split('@').next().unwrap_or("").to_owned(),
            outbound_scenario: a.outbound_scenario,
            state: state_name(&a.state).into(),
            state_duration: ((now - a.state_since).max(0) / 1000).to_string(),
        })
        .collect()
}

fn skill_groups(emu: &Emulator, req: &ListSkillGroupsRequest) -> Vec<SkillGroup> {
    let c = emu.config();
    let pattern = req.search_pattern.as_deref().unwrap_or("").trim();
    c.skill_groups
        .iter()
        .filter(|g| pattern.is_empty() || g.id.contains(pattern) || g.name.contains(pattern))
        .map(|g| SkillGroup {
            description: String::new(),
            display_name: g.name.clone(),
            instance_id: c.instance_id.clone(),
            media_type: "TELEPHONE".into(),
            phone_number_count: c.outbound_numbers.len() as u32,
            skill_group_id: g.id.clone(),
            skill_group_name: g.name.clone(),
            user_count: g.members.len() as u32,
        })
        .collect()
}

/// Every agent may call, transfer and read its own records; supervisors (skill-group scope) and admins
/// (instance scope) may also see agent states and monitor, barge in, intercept and coach.
///
/// The privilege names are the emulator's own: CCC does not publish them.
fn privileges(emu: &Emulator, user: &str) -> Result<Vec<Privilege>, ApiError> {
    let a = emu.agent(user)?;
    let instance = &emu.config().instance_id;
    let item = |name: &str, scope: &str| Privilege {
        instance_id: instance.clone(),
        name: name.into(),
        scope: scope.into(),
    };
    let mut out = vec![
        item("Workbench:Call", "SELF_ONLY"),
        item("Workbench:Transfer", "SELF_ONLY"),
        item("Workbench:CallDetailRecords", "SELF_ONLY"),
    ];
    let scope = match a.role.as_str() {
        "admin" => Some("INSTANCE"),
        "supervisor" => Some("SKILL_GROUP"),
        _ => None,
    };
    if let Some(scope) = scope {
        for name in [
            "Workbench:AgentStates",
            "Workbench:Monitor",
            "Workbench:BargeIn",
            "Workbench:Intercept",
            "Workbench:Coach",
        ] {
            out.push(item(name, scope));
        }
    }
    Ok(out)
}
