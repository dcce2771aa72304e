//! The TURN access points: GetTurnServerList (`Data` = a string holding a JSON array of
//! `{region, name, domain, cidr}`, from the config's `access_points`; `"[]"` when none is configured) and
//! GetTurnCredentials (`{UserName, Password}`).
//!
//! Emulator rule: GetTurnCredentials answers the config's static `[turn]` user for every agent. The real
//! service issues short-lived credentials (a time-stamped user name and an HMAC password); a static user is
//! what a TURN server run for tests (coturn `--user=name:password`) can check.

use ccc_wire::turn::{
    access_point_list, AccessPoint, GetTurnCredentialsRequest, GetTurnServerListRequest,
    TurnCredentials,
};
use ccc_wire::{Action, ApiError};
use serde_json::Value;

use super::{parse, to_value};
use crate::hub::Hub;

/// The actions of this module.
pub(crate) const ACTIONS: &[Action] = &[Action::GetTurnServerList, Action::GetTurnCredentials];

/// Runs one of [`ACTIONS`]; `None` for any other action.
pub(crate) fn dispatch(
    hub: &Hub,
    action: Action,
    params: &Value,
) -> Option<Result<Value, ApiError>> {
    match action {
        Action::GetTurnServerList => Some(parse::<GetTurnServerListRequest>(params).map(|_| {
            hub.read(|emu| {
                let points: Vec<AccessPoint> = emu
                    .config()
                    .access_points
                    .iter()
                    .map(|p| AccessPoint {
                        region: p.region.clone(),
                        name: p.name.clone(),
                        domain: p.domain.clone(),
                        cidr: p.cidr.clone(),
                    })
                    .collect();
                Value::String(access_point_list(&points))
            })
        })),
        Action::GetTurnCredentials => Some(parse::<GetTurnCredentialsRequest>(params).map(|_| {
            hub.read(|emu| {
                let turn = &emu.config().turn;
                to_value(TurnCredentials {
                    user_name: turn.username.clone(),
                    password: turn.password.clone(),
                })
            })
        })),
        _ => None,
    }
}
