//! The emulated CCC actions: typed request (from `ccc_wire::action`) → emulator operation → `Data`.
//!
//! Agent-only actions (SignInGroup, SignOutGroup, ReadyForService, TakeBreak) answer with the flat
//! `UserContext` (no `ContextId`: no official model of these answers has one); PollUserStatus and the
//! call-control actions with `{UserContext, CallContext, ContextId}` (`ccc-api-2020-07-01.md` §3.1, §3.4).
//!
//! Around `Data`, each action answers with the top-level keys of its official response model ([`Answer`]):
//! `Params: []` where the model has `Params`, `Success` on ListAgentStates, and no `Data` at all but
//! `Success`, `TimeStamp` (and `RowCount`) on SaveTerminalLog and SaveWebRtcInfo.
//!
//! [`call_control`] has hold, mute, DTMF, transfers, supervision, work mode and the number helpers;
//! [`lists`] the list/report actions; [`conference`] conferences, the IVR actions and RedialCall; [`devices`]
//! the agent's device (ListDevices, AddAgentDevice) and ResetAgentState; [`turn`] the TURN access points
//! (GetTurnServerList, GetTurnCredentials).

mod call_control;
mod conference;
mod devices;
mod filters;
mod lists;
mod report;
mod turn;

use ccc_wire::action::{
    AgentRequest, ConfigItem, GetLoginDetailsRequest, JobRequest, ListConfigItemsRequest,
    ListOfUserRequest, LoginDetails, MakeCallRequest, OutboundNumber, Page, SignInGroupRequest,
    SkillLevel,
};
use ccc_wire::{Action, ApiError};
use serde::de::DeserializeOwned;
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::emulator::Emulator;
use crate::hub::Hub;
use crate::ids::now_ms;

/// The provider of the emulator's numbers (ListOutboundNumbersOfUser `Provider`): the emulator itself.
const NUMBER_PROVIDER: &str = "CCC Workbench emulator";
/// Its code and short name.
const NUMBER_PROVIDER_CODE: &str = "workbench-server";

/// What the HTTP layer knows about the caller.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallerInfo {
    /// Agent named by header or cookie ([`crate::identity::caller`]).
    pub(crate) user: Option<String>,
    /// `ws://host` (or `wss://`) under which the push socket is reachable.
    pub(crate) push_origin: String,
}

/// Whether `action` is emulated (others answer 501 `NotSupported.Action`).
pub(crate) fn is_emulated(action: Action) -> bool {
    use Action::*;
    matches!(
        action,
        GetLoginDetails
            | ListSkillLevelsOfUser
            | ListOutboundNumbersOfUser
            | ListConfigItems
            | SignInGroup
            | SignOutGroup
            | ReadyForService
            | TakeBreak
            | PollUserStatus
            | MakeCall
            | AnswerCall
            | ReleaseCall
            | SaveTerminalLog
            | SaveWebRtcInfo
    ) || call_control::ACTIONS.contains(&action)
        || lists::ACTIONS.contains(&action)
        || conference::ACTIONS.contains(&action)
        || devices::ACTIONS.contains(&action)
        || turn::ACTIONS.contains(&action)
}

/// 400 `InvalidParameter`: the request itself is malformed.
pub(crate) fn invalid_request(message: impl Into<String>) -> ApiError {
    let message = message.into();
    ApiError {
        http_status: 400,
        code: "InvalidParameter".into(),
        params: vec![message.clone()],
        message,
        request_id: String::new(),
    }
}

/// 501 `NotSupported.Action`: a real CCC action the emulator does not implement.
pub(crate) fn not_supported(action: Action) -> ApiError {
    ApiError {
        http_status: 501,
        code: "NotSupported.Action".into(),
        message: format!("The action {action} is not emulated by workbench-server."),
        params: vec![action.to_string()],
        request_id: String::new(),
    }
}

/// A successful answer: everything the envelope carries besides `Code`, `HttpStatusCode`, `Message` and
/// `RequestId`, as the action's official response model has it.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    /// `Data`; `None` for the actions whose model has none (SaveTerminalLog, SaveWebRtcInfo).
    pub(crate) data: Option<Data>,
    /// The model's other top-level keys: `Params` (`[]`: a success has no message parameters), `Success`,
    /// `TimeStamp`, `RowCount`.
    pub(crate) fields: Map<String, Value>,
}

/// Actions whose official answer has no `Params` (the list and report actions, the two uploads).
const WITHOUT_PARAMS: &[Action] = &[
    Action::ListSkillLevelsOfUser,
    Action::ListOutboundNumbersOfUser,
    Action::ListPrivilegesOfUser,
    Action::PickOutboundNumbers,
    Action::GetNumberLocation,
    Action::ListRealtimeAgentStates,
    Action::ListAgentStates,
    Action::ListRecentCallDetailRecords,
    Action::ListSkillGroups,
    Action::ListBriefSkillGroups,
    Action::ListHistoricalAgentReport,
    Action::SaveTerminalLog,
    Action::SaveWebRtcInfo,
];

/// An answer's `Data` as the action built it: a JSON tree, or its typed result already serialized (what
/// PollUserStatus — every agent, once a second — and the call actions answer with: no tree is built and
/// copied for them).
#[derive(Debug, Clone)]
pub(crate) enum Data {
    /// Built as a `serde_json` tree.
    Tree(Value),
    /// Serialized from its wire type.
    Text(Box<RawValue>),
}

impl Data {
    /// `value` serialized as it is (a wire type).
    fn typed(value: impl Serialize) -> Data {
        serde_json::value::to_raw_value(&value)
            .map(Data::Text)
            .unwrap_or(Data::Tree(Value::Null))
    }
}

impl From<Value> for Data {
    fn from(value: Value) -> Data {
        Data::Tree(value)
    }
}

impl Serialize for Data {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Data::Tree(value) => value.serialize(serializer),
            Data::Text(text) => text.serialize(serializer),
        }
    }
}

impl Answer {
    /// The answer of `action` whose result is `data`. For SaveTerminalLog and SaveWebRtcInfo `data` is the
    /// object of their top-level keys (see [`upload_answer`]).
    pub(crate) fn of(action: Action, data: Data) -> Answer {
        let mut fields = Map::new();
        if matches!(action, Action::SaveTerminalLog | Action::SaveWebRtcInfo) {
            if let Data::Tree(Value::Object(map)) = data {
                fields = map;
            }
            return Answer { data: None, fields };
        }
        if !WITHOUT_PARAMS.contains(&action) {
            fields.insert("Params".into(), Value::Array(Vec::new()));
        }
        if action == Action::ListAgentStates {
            fields.insert("Success".into(), Value::Bool(true));
        }
        Answer {
            data: Some(data),
            fields,
        }
    }
}

/// Runs `action` with `params` (any key case) for `caller`: its [`Answer`].
pub(crate) fn answer(
    hub: &Hub,
    action: Action,
    params: Value,
    caller: &CallerInfo,
) -> Result<Answer, ApiError> {
    dispatch(hub, action, params, caller).map(|data| Answer::of(action, data))
}

/// Runs `action` with `params` (PascalCase keys) for `caller`; returns `Data`.
fn dispatch(
    hub: &Hub,
    action: Action,
    params: Value,
    caller: &CallerInfo,
) -> Result<Data, ApiError> {
    let Value::Object(mut params) = params else {
        return Err(invalid_request(
            "The parameter request must be a JSON object.",
        ));
    };
    coerce_scalars(&mut params);
    let params = Value::Object(params);
    let (instance, user) = hub.read(|emu| -> Result<_, ApiError> {
        let instance = check_instance(emu, &params)?;
        let user = resolve_user(emu, &params, caller)?;
        Ok((instance, user))
    })?;
    let u = user.as_str();
    match action {
        Action::GetLoginDetails => {
            let _: GetLoginDetailsRequest = parse(&params)?;
            hub.read(|emu| login_details(emu, u, caller))
                .map(Data::typed)
        }
        Action::ListSkillLevelsOfUser => {
            let req: ListOfUserRequest = parse(&params)?;
            let is_member = params
                .get("IsMember")
                .and_then(Value::as_bool)
                .unwrap_or(true);
            let pattern = params
                .get("SearchPattern")
                .and_then(Value::as_str)
                .unwrap_or("");
            let all = hub.read(|emu| skill_levels(emu, u, is_member, pattern));
            Ok(Data::typed(Page::of(all, req.page_number, req.page_size)))
        }
        Action::ListOutboundNumbersOfUser => {
            let req: ListOfUserRequest = parse(&params)?;
            let all = hub.read(|emu| {
                emu.config()
                    .outbound_numbers
                    .iter()
                    .map(|n| OutboundNumber {
                        number: n.number.clone(),
                        province: n.province.clone(),
                        city: n.city.clone(),
                        // The emulator connects every call of its numbers itself: it is their provider,
                        // the call center's own (CCC's `SELF_HOSTED`).
                        provider: NUMBER_PROVIDER.into(),
                        provider_code: NUMBER_PROVIDER_CODE.into(),
                        provider_display_name: NUMBER_PROVIDER.into(),
                        provider_short_name: NUMBER_PROVIDER_CODE.into(),
                        provider_type: "SELF_HOSTED".into(),
                    })
                    .collect()
            });
            Ok(Data::typed(Page::of(all, req.page_number, req.page_size)))
        }
        Action::ListConfigItems => {
            let req: ListConfigItemsRequest = parse(&params)?;
            Ok(Data::typed(
                hub.read(|emu| config_items(emu, &instance, &req, u)),
            ))
        }
        Action::SignInGroup => {
            let req: SignInGroupRequest = parse(&params)?;
            let groups = group_list(&params, &req.signed_skill_group_id_list)?;
            hub.run(|emu| {
                emu.sign_in(u, &req.device_id, groups)?;
                flat(emu, u).map(Data::from)
            })
        }
        Action::SignOutGroup => {
            let _: AgentRequest = parse(&params)?;
            hub.run(|emu| {
                emu.sign_out(u)?;
                flat(emu, u).map(Data::from)
            })
        }
        Action::ReadyForService => {
            let req: AgentRequest = parse(&params)?;
            hub.run(|emu| {
                emu.ready(u, req.outbound_scenario.unwrap_or(false))?;
                flat(emu, u).map(Data::from)
            })
        }
        Action::TakeBreak => {
            let req: AgentRequest = parse(&params)?;
            let code = req
                .code
                .filter(|c| !c.trim().is_empty())
                .ok_or_else(|| ApiError::blank("Code"))?;
            hub.run(|emu| {
                emu.take_break(u, &code)?;
                flat(emu, u).map(Data::from)
            })
        }
        Action::PollUserStatus => {
            let _: AgentRequest = parse(&params)?;
            hub.read(|emu| emu.snapshot(u)).map(Data::typed)
        }
        Action::MakeCall => {
            let req: MakeCallRequest = parse(&params)?;
            hub.run(|emu| {
                emu.make_call(u, &req.callee, req.caller.as_deref(), req.timeout_seconds)?;
                emu.snapshot(u).map(Data::typed)
            })
        }
        Action::AnswerCall => {
            let req: JobRequest = parse(&params)?;
            blank_check("JobId", &req.job_id)?;
            hub.run(|emu| {
                emu.answer(u, &req.job_id)?;
                emu.snapshot(u).map(Data::typed)
            })
        }
        Action::ReleaseCall => {
            let req: JobRequest = parse(&params)?;
            blank_check("JobId", &req.job_id)?;
            hub.run(|emu| {
                emu.release(u, &req.job_id, req.channel_id.as_deref())?;
                emu.snapshot(u).map(Data::typed)
            })
        }
        Action::SaveTerminalLog | Action::SaveWebRtcInfo => {
            let kept = hub.run(|emu| emu.keep_upload(action, u, &params));
            Ok(upload_answer(action, kept).into())
        }
        other => call_control::dispatch(hub, other, &params, u)
            .or_else(|| lists::dispatch(hub, other, &params, u))
            .or_else(|| conference::dispatch(hub, other, &params, u))
            .or_else(|| devices::dispatch(hub, other, &params, u, caller))
            .or_else(|| turn::dispatch(hub, other, &params))
            .unwrap_or_else(|| Err(not_supported(other)))
            .map(Data::Tree),
    }
}

fn to_value(v: impl serde::Serialize) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Reads `params` as `T`; a missing field is `Parameter.Blank`, anything else `InvalidParameter`.
fn parse<T: DeserializeOwned>(params: &Value) -> Result<T, ApiError> {
    T::deserialize(params).map_err(|e| {
        let text = e.to_string();
        match text
            .strip_prefix("missing field `")
            .and_then(|r| r.split('`').next())
        {
            Some(field) => ApiError::blank(field),
            None => invalid_request(format!("The request parameters are invalid: {text}.")),
        }
    })
}

fn blank_check(name: &str, value: &str) -> Result<(), ApiError> {
    if value.trim().is_empty() {
        Err(ApiError::blank(name))
    } else {
        Ok(())
    }
}

/// Hosts written for the 2021 docs send numbers and booleans as strings; read them as the typed requests expect.
fn coerce_scalars(params: &mut Map<String, Value>) {
    for key in [
        "PageNumber",
        "PageSize",
        "TimeoutSeconds",
        "Count",
        "StartTime",
        "EndTime",
        "StopTime",
        "CallPriority",
    ] {
        if let Some(n) = params
            .get(key)
            .and_then(Value::as_str)
            .and_then(|s| s.trim().parse::<u64>().ok())
        {
            params.insert(key.into(), Value::from(n));
        }
    }
    for key in [
        "OutboundScenario",
        "IsMember",
        "Additivity",
        "ExcludeOfflineUsers",
    ] {
        if let Some(b) = params
            .get(key)
            .and_then(Value::as_str)
            .and_then(|s| s.trim().parse::<bool>().ok())
        {
            params.insert(key.into(), Value::Bool(b));
        }
    }
}

/// `InstanceId` must be present and name the emulated instance.
fn check_instance(emu: &Emulator, params: &Value) -> Result<String, ApiError> {
    let instance = params
        .get("InstanceId")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim();
    if instance.is_empty() {
        return Err(ApiError::blank("InstanceId"));
    }
    if instance != emu.config().instance_id {
        return Err(ApiError::no_instance(instance));
    }
    Ok(instance.to_owned())
}

/// The request's `UserId`, else the header/cookie caller, else the first agent; must exist.
fn resolve_user(emu: &Emulator, params: &Value, caller: &CallerInfo) -> Result<String, ApiError> {
    let named = params
        .get("UserId")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_owned);
    let user = named
        .or_else(|| caller.user.clone())
        .unwrap_or_else(|| emu.agents()[0].user_id.clone());
    emu.agent(&user)?;
    Ok(user)
}

/// `SignedSkillGroupIdList`: a string holding a JSON array (an actual array is accepted too).
fn group_list(params: &Value, raw: &str) -> Result<Vec<String>, ApiError> {
    if let Some(Value::Array(items)) = params.get("SignedSkillGroupIdList") {
        return Ok(items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect());
    }
    blank_check("SignedSkillGroupIdList", raw)?;
    serde_json::from_str(raw).map_err(|_| {
        ApiError::invalid(
            "SignedSkillGroupIdList",
            "It must be a JSON array of skill group ids",
        )
    })
}

/// The flat `UserContext` answer.
fn flat(emu: &Emulator, user: &str) -> Result<Value, ApiError> {
    emu.user_context(user).map(to_value)
}

/// SaveTerminalLog's / SaveWebRtcInfo's top-level keys: `Success`, `TimeStamp` (epoch ms the emulator kept
/// the upload) and, for SaveWebRtcInfo, `RowCount` (the one row kept).
fn upload_answer(action: Action, kept_at_ms: i64) -> Value {
    let mut answer = serde_json::json!({"Success": true, "TimeStamp": kept_at_ms});
    if action == Action::SaveWebRtcInfo {
        answer["RowCount"] = Value::from(1);
    }
    answer
}

fn login_details(
    emu: &Emulator,
    user: &str,
    caller: &CallerInfo,
) -> Result<LoginDetails, ApiError> {
    let a = emu.agent(user)?;
    let instance = &emu.config().instance_id;
    let ts = now_ms();
    Ok(LoginDetails {
        user_id: a.user_id.clone(),
        display_name: a.display_name.clone(),
        nickname: a.nickname.clone(),
        avatar_url: a.avatar_url.clone(),
        extension: a.extension.clone(),
        work_mode: a.work_mode.clone(),
        sip_server_url: format!("{}{}", caller.push_origin, crate::SIP_WS_PATH),
        agent_server_url: format!(
            "{}/emulator/ws/agent-events?token={}",
            caller.push_origin, a.token
        ),
        signature: a.sip_password.clone(),
        signature2: a.sip_password.clone(),
        user_key: format!("{}@{instance}:{}:{ts}", a.display_name, a.extension),
        user_key2: format!("{}:{ts}", a.extension),
        device_id: a.device_id.clone(),
        device_state: crate::emulator::devices::device_state(a).into(),
        device_ext: String::new(),
    })
}

fn skill_levels(emu: &Emulator, user: &str, is_member: bool, pattern: &str) -> Vec<SkillLevel> {
    emu.config()
        .skill_groups
        .iter()
        .filter(|g| emu.is_member(user, &g.id) == is_member)
        .filter(|g| pattern.is_empty() || g.id.contains(pattern) || g.name.contains(pattern))
        .map(|g| SkillLevel {
            skill_group_id: g.id.clone(),
            skill_group_name: g.name.clone(),
            skill_level: g.skill_level.to_string(),
            media_type: "TELEPHONE".into(),
        })
        .collect()
}

fn config_items(
    emu: &Emulator,
    instance: &str,
    req: &ListConfigItemsRequest,
    user: &str,
) -> Vec<ConfigItem> {
    let c = emu.config();
    let item = |name: &str, value: String| ConfigItem {
        instance_id: instance.to_owned(),
        object_id: req.object_id.clone(),
        object_type: req.object_type.clone(),
        name: name.to_owned(),
        value,
    };
    match req.object_type.as_str() {
        "INSTANCE" => vec![
            item("BreakCodes", to_value(&c.break_codes).to_string()),
            item(
                "RingingTimeout",
                (c.timers.ringing_timeout_ms / 1000).to_string(),
            ),
            item("Hotline", c.hotline.clone()),
        ],
        "USER" => {
            let work_mode = emu
                .agent(user)
                .map(|a| a.work_mode.clone())
                .unwrap_or_default();
            vec![item("WorkMode", work_mode)]
        }
        _ => Vec::new(),
    }
}
