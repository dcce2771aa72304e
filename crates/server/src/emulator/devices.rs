//! The agent's registered device (`ccc-api-2020-07-01.md` ListDevices, §5 AddAgentDevice) and ResetAgentState.
//!
//! - One device per agent. SignInGroup's `DeviceId`, AddAgentDevice and the control API register a device; a
//!   different device already registered is replaced ("kicked"): the agent's push channel gets
//!   `PushMessage::Kicked { DeviceId: <new device> }` (queued in [`Emulator::take_kicks`], sent by the hub before
//!   the snapshots) and the agent's snapshot shows the new `DeviceId`. Re-registering the same device only
//!   renews it.
//! - A different device cannot take over while the agent is in a call (DIALING, RINGING, TALKING):
//!   `InvalidOperation.UserState` (the control API, playing "another device signed in", may force it).
//! - SignOutGroup and ResetAgentState unregister the device, so ListDevices is empty while the agent is OFFLINE
//!   (a page opened later sees no other device and gets no 7001).
//! - ResetAgentState: the agent leaves its call (as if it hung up), its groups and device are dropped, → OFFLINE.
//!   Anyone may reset themselves; resetting another agent needs the `supervisor` or `admin` role
//!   (403 `Permission.User`).

use ccc_wire::devices::{AddAgentDeviceData, Device, DEVICE_TYPE_WEBRTC};
use ccc_wire::{ApiError, UserState};

use super::model::{Registration, RingEnd};
use super::state::Agent;
use super::Emulator;
use crate::ids::{now_ms, request_id};

/// How long a registration is valid (renewed by registering again).
pub(crate) const REGISTRATION_TTL_MS: i64 = 3_600_000;

/// The state of `agent`'s device (`UserContext.DeviceState`, GetLoginDetails `DeviceState`): `ONLINE` while
/// one is registered, else `OFFLINE`.
pub(crate) fn device_state(agent: &Agent) -> &'static str {
    if agent.registration.is_some() {
        "ONLINE"
    } else {
        "OFFLINE"
    }
}

impl Emulator {
    /// The devices registered for `user_id` (ListDevices): none, or one.
    pub(crate) fn devices(&self, user_id: &str) -> Result<Vec<Device>, ApiError> {
        let a = self.agent(user_id)?;
        Ok(a.registration
            .iter()
            .map(|r| Device {
                call_id: r.call_id.clone(),
                contact: format!(
                    "sips:{}@127.0.0.1:5061;rtcweb-breaker=yes;transport=wss",
                    a.extension
                ),
                device_id: r.device_id.clone(),
                device_type: r.device_type.clone(),
                expires: r.registered_ms + REGISTRATION_TTL_MS,
                extension: a.extension.clone(),
                instance_id: self.config.instance_id.clone(),
                user_id: a.user_id.clone(),
            })
            .collect())
    }

    /// Fails with `InvalidOperation.UserState` if `device_id` would replace another device during a call.
    pub(crate) fn check_device_takeover(
        &self,
        user_id: &str,
        device_id: &str,
    ) -> Result<(), ApiError> {
        let a = self.agent(user_id)?;
        let device_id = device_id.trim();
        let other = a
            .registration
            .as_ref()
            .is_some_and(|r| !device_id.is_empty() && r.device_id != device_id);
        if other && a.in_call() {
            a.expect(&[
                UserState::Offline,
                UserState::Break,
                UserState::Ready,
                UserState::Working,
            ])?;
        }
        Ok(())
    }

    /// Registers `device_id` for `user_id`, replacing (kicking) another device; `force` skips the in-call rule.
    pub(crate) fn register_device(
        &mut self,
        user_id: &str,
        device_id: &str,
        device_type: Option<&str>,
        force: bool,
    ) -> Result<AddAgentDeviceData, ApiError> {
        let device_id = device_id.trim();
        if device_id.is_empty() {
            return Err(ApiError::blank("DeviceId"));
        }
        if !force {
            self.check_device_takeover(user_id, device_id)?;
        }
        let device_type = device_type
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .unwrap_or(DEVICE_TYPE_WEBRTC)
            .to_owned();
        self.device_seq += 1;
        let agent_device_id = self.device_seq as i64;
        let agent = self.agent_mut(user_id)?;
        let previous = agent.registration.take();
        let kicked = previous
            .as_ref()
            .map(|p| p.device_id.clone())
            .filter(|p| p != device_id)
            .unwrap_or_default();
        let call_id = match previous {
            Some(p) if kicked.is_empty() => p.call_id,
            _ => request_id().to_ascii_lowercase(),
        };
        agent.registration = Some(Registration {
            device_id: device_id.to_owned(),
            device_type,
            call_id,
            registered_ms: now_ms(),
        });
        let changed = agent.device_id != device_id;
        agent.device_id = device_id.to_owned();
        if !kicked.is_empty() {
            self.kicks.push((user_id.to_owned(), device_id.to_owned()));
        }
        if changed || !kicked.is_empty() {
            self.touch(user_id);
        }
        Ok(AddAgentDeviceData {
            agent_device_id,
            success: true,
            device_id: device_id.to_owned(),
            kicked_device_id: kicked,
        })
    }

    /// Agents whose device was replaced since the last call, each with its new device id.
    pub(crate) fn take_kicks(&mut self) -> Vec<(String, String)> {
        std::mem::take(&mut self.kicks)
    }

    /// ResetAgentState of `user_id` by `operator` (the caller, when known).
    pub(crate) fn reset_agent(
        &mut self,
        operator: Option<&str>,
        user_id: &str,
    ) -> Result<(), ApiError> {
        self.agent(user_id)?;
        if let Some(op) = operator.filter(|op| *op != user_id) {
            let role = self.agent(op).map(|a| a.role.clone()).unwrap_or_default();
            if !matches!(role.as_str(), "supervisor" | "admin") {
                return Err(ApiError::forbidden("ResetAgentState"));
            }
        }
        let agent = self.agent(user_id)?;
        let job_id = agent.job_id.clone();
        let ext = agent.extension.clone();
        let in_live_call = agent.in_call()
            && self
                .calls
                .get(&job_id)
                .is_some_and(|c| c.leg_of(user_id).is_some());
        if in_live_call && self.release(user_id, &job_id, None).is_err() {
            self.leave_call(user_id, &job_id, &ext, RingEnd::Abandoned);
        }
        let agent = self.agent_mut(user_id)?;
        agent.signed_groups.clear();
        agent.outbound_scenario = false;
        agent.registration = None;
        self.set_state(user_id, UserState::Offline, "");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::data::EmulatorConfig;

    const A1: &str = "agent1@ccc-demo";
    const A2: &str = "agent2@ccc-demo";
    const SUP: &str = "supervisor@ccc-demo";

    #[test]
    fn a_second_device_kicks_the_first_and_sign_out_unregisters() {
        let mut emu = Emulator::new(EmulatorConfig::default());
        assert!(emu.devices(A1).unwrap().is_empty());
        emu.sign_in(A1, "dev-1", vec![]).unwrap();
        let listed = emu.devices(A1).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].device_id, "dev-1");
        assert!(emu.take_kicks().is_empty());
        let same = emu.register_device(A1, "dev-1", None, false).unwrap();
        assert_eq!(same.kicked_device_id, "");
        assert_eq!(emu.devices(A1).unwrap()[0].call_id, listed[0].call_id);
        emu.take_changes();
        let other = emu.register_device(A1, "dev-2", None, false).unwrap();
        assert_eq!(other.kicked_device_id, "dev-1");
        assert_eq!(emu.take_kicks(), [(A1.to_owned(), "dev-2".to_owned())]);
        assert_eq!(emu.take_changes(), [A1]);
        assert_eq!(emu.user_context(A1).unwrap().device_id, "dev-2");
        emu.sign_out(A1).unwrap();
        assert!(emu.devices(A1).unwrap().is_empty());
    }

    #[test]
    fn no_takeover_during_a_call_unless_forced() {
        let mut emu = Emulator::new(EmulatorConfig::default());
        emu.sign_in(A1, "dev-1", vec![]).unwrap();
        emu.ready(A1, false).unwrap();
        emu.inbound("138", None).unwrap();
        let err = emu.register_device(A1, "dev-2", None, false).unwrap_err();
        assert_eq!(err.params, ["RINGING", "OFFLINE,BREAK,READY,WORKING"]);
        emu.register_device(A1, "dev-1", None, false).unwrap();
        emu.register_device(A1, "dev-2", None, true).unwrap();
        assert_eq!(emu.take_kicks().len(), 1);
    }

    #[test]
    fn reset_ends_the_call_and_needs_a_supervisor_for_others() {
        let mut emu = Emulator::new(EmulatorConfig::default());
        for a in [A1, A2] {
            emu.sign_in(a, "d", vec![]).unwrap();
            emu.ready(a, false).unwrap();
        }
        let (job, _) = emu.inbound("138", Some("sales@ccc-demo")).unwrap();
        emu.answer(A1, &job).unwrap();
        assert_eq!(
            emu.reset_agent(Some(A2), A1).unwrap_err().code,
            "Permission.User"
        );
        emu.reset_agent(Some(SUP), A1).unwrap();
        let u = emu.user_context(A1).unwrap();
        assert_eq!(u.user_state, UserState::Offline);
        assert!(u.job_id.is_empty() && u.signed_skill_group_id_list.is_empty());
        assert_eq!(emu.calls().count(), 0, "the two-party call ended");
        assert!(emu.devices(A1).unwrap().is_empty());
        emu.reset_agent(None, A2).unwrap();
        assert_eq!(emu.user_context(A2).unwrap().user_state, UserState::Offline);
    }
}
