//! The call-control actions beyond make/answer/release: hold, mute, DTMF, transfers, supervision, work mode,
//! and the number helpers. Call-control actions answer with `{UserContext, CallContext, ContextId}` of the
//! calling agent; ChangeWorkMode with the flat `UserContext` (no `ContextId`, like ReadyForService).

use ccc_wire::action::JobRequest;
use ccc_wire::call_control::{
    ChangeWorkModeRequest, GetNumberLocationRequest, HoldCallRequest, MonitorCallRequest,
    MuteCallRequest, PickOutboundNumbersRequest, SendDtmfSignalingRequest, SuperviseRequest,
    TransferRequest,
};
use ccc_wire::context::CallType;
use ccc_wire::records::{NumberLocation, PickedNumber};
use ccc_wire::{Action, ApiError};
use serde_json::Value;

use super::{blank_check, flat, group_list, parse, to_value};
use crate::emulator::{directory, Emulator};
use crate::hub::Hub;

/// The actions of this module.
pub(crate) const ACTIONS: &[Action] = &[
    Action::HoldCall,
    Action::RetrieveCall,
    Action::MuteCall,
    Action::UnmuteCall,
    Action::SendDtmfSignaling,
    Action::BlindTransfer,
    Action::InitiateAttendedTransfer,
    Action::CompleteAttendedTransfer,
    Action::CancelAttendedTransfer,
    Action::MonitorCall,
    Action::BargeInCall,
    Action::InterceptCall,
    Action::Coach,
    Action::ChangeWorkMode,
    Action::PickOutboundNumbers,
    Action::GetNumberLocation,
];

/// The status answer of agent `user` after `op` succeeded.
pub(super) fn status(
    hub: &Hub,
    user: &str,
    op: impl FnOnce(&mut Emulator) -> Result<(), ApiError>,
) -> Result<Value, ApiError> {
    hub.run(|emu| {
        op(emu)?;
        emu.snapshot(user).map(to_value)
    })
}

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
        Action::HoldCall | Action::RetrieveCall => {
            let req: HoldCallRequest = parse(params)?;
            blank_check("JobId", &req.job_id)?;
            let ch = req.channel_id.as_deref();
            status(hub, u, |emu| {
                if action == Action::HoldCall {
                    emu.hold(u, &req.job_id, ch)
                } else {
                    emu.retrieve(u, &req.job_id, ch)
                }
            })
        }
        Action::MuteCall | Action::UnmuteCall => {
            let req: MuteCallRequest = parse(params)?;
            let mute = action == Action::MuteCall;
            if mute {
                blank_check("JobId", req.job_id.as_deref().unwrap_or(""))?;
            }
            status(hub, u, |emu| {
                emu.set_mute(u, req.job_id.as_deref(), req.channel_id.as_deref(), mute)
            })
        }
        Action::SendDtmfSignaling => {
            let req: SendDtmfSignalingRequest = parse(params)?;
            blank_check("JobId", &req.job_id)?;
            status(hub, u, |emu| {
                emu.send_dtmf(u, &req.job_id, req.channel_id.as_deref(), &req.dtmf)
            })
        }
        Action::BlindTransfer | Action::InitiateAttendedTransfer => {
            let req: TransferRequest = parse(params)?;
            blank_check("JobId", &req.job_id)?;
            blank_check("Transferee", &req.transferee)?;
            status(hub, u, |emu| {
                if action == Action::BlindTransfer {
                    emu.blind_transfer(u, &req)
                } else {
                    emu.initiate_attended_transfer(u, &req)
                }
            })
        }
        Action::CompleteAttendedTransfer | Action::CancelAttendedTransfer => {
            let req: JobRequest = parse(params)?;
            blank_check("JobId", &req.job_id)?;
            status(hub, u, |emu| {
                if action == Action::CompleteAttendedTransfer {
                    emu.complete_attended_transfer(u, &req.job_id)
                } else {
                    emu.cancel_attended_transfer(u, &req.job_id)
                }
            })
        }
        Action::MonitorCall => {
            let req: MonitorCallRequest = parse(params)?;
            status(hub, u, |emu| {
                emu.monitor(u, &req.monitored_user_id).map(drop)
            })
        }
        Action::BargeInCall | Action::InterceptCall | Action::Coach => {
            let req: SuperviseRequest = parse(params)?;
            let (target, kind) = match action {
                Action::BargeInCall => (&req.barged_user_id, CallType::Barge),
                Action::InterceptCall => (&req.intercepted_user_id, CallType::Intercept),
                _ => (&req.coached_user_id, CallType::Coach),
            };
            let target = target.clone().unwrap_or_default();
            status(hub, u, |emu| {
                emu.supervise_call(u, &target, req.job_id.as_deref(), kind, action.as_str())
                    .map(drop)
            })
        }
        Action::ChangeWorkMode => {
            let req: ChangeWorkModeRequest = parse(params)?;
            let groups = match req.signed_skill_group_id_list.as_deref() {
                Some(raw) if !raw.trim().is_empty() => Some(group_list(params, raw)?),
                _ => None,
            };
            hub.run(|emu| {
                emu.change_work_mode(
                    u,
                    &req.work_mode,
                    req.mobile.as_deref(),
                    req.device_id.as_deref(),
                    groups,
                )?;
                flat(emu, u)
            })
        }
        Action::PickOutboundNumbers => {
            let req: PickOutboundNumbersRequest = parse(params)?;
            blank_check("CalledNumber", &req.called_number)?;
            let count = req.count.unwrap_or(1).max(1) as usize;
            let callee = directory::locate(&req.called_number);
            let picked: Vec<PickedNumber> = hub.read(|emu| {
                directory::pick(&req.called_number, &emu.config().outbound_numbers, count)
                    .into_iter()
                    .map(|n| PickedNumber {
                        callee: callee.clone(),
                        caller: NumberLocation {
                            city: n.city.clone(),
                            number: n.number.clone(),
                            province: n.province.clone(),
                        },
                    })
                    .collect()
            });
            Ok(to_value(picked))
        }
        Action::GetNumberLocation => {
            let req: GetNumberLocationRequest = parse(params)?;
            blank_check("Number", &req.number)?;
            Ok(to_value(directory::locate(&req.number)))
        }
        other => Err(super::not_supported(other)),
    }
}
