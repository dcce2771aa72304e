//! The agent's device and its reset: ListDevices (a bare array of `Device`), AddAgentDevice
//! (`AddAgentDeviceData`), ResetAgentState (the flat `UserContext`, no `ContextId`). Rules in
//! [`crate::emulator::devices`].

use ccc_wire::devices::{AddAgentDeviceRequest, ListDevicesRequest, ResetAgentStateRequest};
use ccc_wire::{Action, ApiError};
use serde_json::Value;

use super::{blank_check, flat, parse, to_value, CallerInfo};
use crate::hub::Hub;

/// The actions of this module.
pub(crate) const ACTIONS: &[Action] = &[
    Action::ListDevices,
    Action::AddAgentDevice,
    Action::ResetAgentState,
];

/// Runs one of [`ACTIONS`] for agent `u`, asked by `caller`; `None` for any other action.
pub(crate) fn dispatch(
    hub: &Hub,
    action: Action,
    params: &Value,
    u: &str,
    caller: &CallerInfo,
) -> Option<Result<Value, ApiError>> {
    if !ACTIONS.contains(&action) {
        return None;
    }
    Some(run(hub, action, params, u, caller))
}

fn run(
    hub: &Hub,
    action: Action,
    params: &Value,
    u: &str,
    caller: &CallerInfo,
) -> Result<Value, ApiError> {
    match action {
        Action::ListDevices => {
            let _: ListDevicesRequest = parse(params)?;
            hub.read(|emu| emu.devices(u)).map(to_value)
        }
        Action::AddAgentDevice => {
            let req: AddAgentDeviceRequest = parse(params)?;
            blank_check("DeviceId", &req.device_id)?;
            hub.run(|emu| emu.register_device(u, &req.device_id, req.device_type.as_deref(), false))
                .map(to_value)
        }
        Action::ResetAgentState => {
            let _: ResetAgentStateRequest = parse(params)?;
            hub.run(|emu| {
                emu.reset_agent(caller.user.as_deref(), u)?;
                flat(emu, u)
            })
        }
        other => Err(super::not_supported(other)),
    }
}
