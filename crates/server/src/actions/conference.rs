//! Conferences, the IVR actions and RedialCall: StartConference, SwitchToConference, LaunchSurvey,
//! LaunchAuthentication, RedialCall. All answer with `{UserContext, CallContext, ContextId}` of the calling agent
//! (after LaunchSurvey: WORKING, the released call as wrap-up). Rules in [`crate::emulator::conference`],
//! [`crate::emulator::ivr`]; RedialCall is MakeCall to the far number of a finished call.

use ccc_wire::action::JobRequest;
use ccc_wire::call_control::{
    LaunchAuthenticationRequest, LaunchSurveyRequest, RedialCallRequest, StartConferenceRequest,
};
use ccc_wire::{Action, ApiError};
use serde_json::Value;

use super::call_control::status;
use super::{blank_check, parse, to_value};
use crate::emulator::history::redial_number;
use crate::emulator::ivr::SurveySent;
use crate::hub::Hub;

/// The actions of this module.
pub(crate) const ACTIONS: &[Action] = &[
    Action::StartConference,
    Action::SwitchToConference,
    Action::LaunchSurvey,
    Action::LaunchAuthentication,
    Action::RedialCall,
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

/// `params` with the JSON-valued fields `keys` (an array or object instead of a string holding one) turned into
/// the string the typed request expects.
fn stringify(params: &Value, keys: &[&str]) -> Value {
    let mut params = params.clone();
    for key in keys {
        if let Some(v) = params.get_mut(*key) {
            if v.is_array() || v.is_object() {
                *v = Value::String(v.to_string());
            }
        }
    }
    params
}

/// The participants of StartConference: a JSON array of strings (numbers are taken as digits).
fn participants(raw: &str) -> Result<Vec<String>, ApiError> {
    let invalid = || {
        ApiError::invalid(
            "ParticipantListJson",
            "It must be a JSON array of extensions or phone numbers",
        )
    };
    let items: Vec<Value> = serde_json::from_str(raw).map_err(|_| invalid())?;
    items
        .into_iter()
        .map(|v| match v {
            Value::String(s) => Ok(s),
            Value::Number(n) => Ok(n.to_string()),
            _ => Err(invalid()),
        })
        .collect()
}

fn run(hub: &Hub, action: Action, params: &Value, u: &str) -> Result<Value, ApiError> {
    match action {
        Action::StartConference => {
            let params = stringify(params, &["ParticipantListJson", "ParticipantList"]);
            let req: StartConferenceRequest = parse(&params)?;
            blank_check("ParticipantListJson", &req.participant_list_json)?;
            let list = participants(&req.participant_list_json)?;
            status(hub, u, |emu| {
                emu.start_conference(u, req.job_id.as_deref(), &list, req.timeout_seconds)
                    .map(drop)
            })
        }
        Action::SwitchToConference => {
            let req: JobRequest = parse(params)?;
            blank_check("JobId", &req.job_id)?;
            status(hub, u, |emu| emu.switch_to_conference(u, &req.job_id))
        }
        Action::LaunchSurvey => {
            let params = stringify(params, &["ContactFlowVariables", "SurveyTemplateVariables"]);
            let req: LaunchSurveyRequest = parse(&params)?;
            blank_check("JobId", &req.job_id)?;
            let mut sent = None;
            let answer = status(hub, u, |emu| {
                sent = Some(emu.launch_survey(u, &req)?);
                Ok(())
            })?;
            // By text message after the call: only an agent with a record of the call may send it (the
            // record, if any, has got it).
            if sent == Some(SurveySent::AfterCall)
                && !hub.store().has_record(req.job_id.trim(), u)?
            {
                return Err(ApiError::no_job(&req.job_id));
            }
            Ok(answer)
        }
        Action::LaunchAuthentication => {
            let params = stringify(params, &["ContactFlowVariables"]);
            let req: LaunchAuthenticationRequest = parse(&params)?;
            blank_check("JobId", &req.job_id)?;
            blank_check("ContactFlowId", &req.contact_flow_id)?;
            status(hub, u, |emu| {
                emu.launch_authentication(
                    u,
                    req.job_id.trim(),
                    &req.contact_flow_id,
                    req.contact_flow_variables.as_deref().unwrap_or(""),
                )
            })
        }
        Action::RedialCall => {
            let req: RedialCallRequest = parse(params)?;
            let job = req
                .job_id
                .as_deref()
                .map(str::trim)
                .filter(|j| !j.is_empty());
            let callee = req
                .callee
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty());
            if job.is_none() && callee.is_none() {
                return Err(ApiError::blank("JobId"));
            }
            // The call redialled is in the record store (from any earlier run too).
            let record = match job {
                Some(j) => Some(
                    hub.store()
                        .record_of_job(j)?
                        .ok_or_else(|| ApiError::no_job(j))?,
                ),
                None => None,
            };
            hub.run(|emu| {
                let number = match &record {
                    Some(r) => redial_number(r, &emu.agent(u)?.extension),
                    None => callee.unwrap_or_default().to_owned(),
                };
                emu.make_call(u, &number, req.caller.as_deref(), req.timeout_seconds)?;
                emu.snapshot(u).map(to_value)
            })
        }
        other => Err(super::not_supported(other)),
    }
}
