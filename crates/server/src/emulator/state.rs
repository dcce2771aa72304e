//! Agents and the rules of the agent-only actions (`ccc-api-2020-07-01.md` §3.1):
//! SignInGroup OFFLINE → BREAK `Warm-up` (its `DeviceId` becomes the agent's registered device, see
//! [`super::devices`]); ReadyForService BREAK/READY/WORKING → READY; TakeBreak
//! READY/BREAK/WORKING → BREAK `<code>`; SignOutGroup (not during a call) → OFFLINE.

use ccc_wire::call_control::WorkMode;
use ccc_wire::{ApiError, CallContext, UserState};

use super::data::AgentConfig;
use super::history::{StateSpan, Timeline};
use super::model::Registration;
use super::Emulator;
use crate::ids::{now_ms, token};

/// System break code after sign-in, before the agent is ready.
pub(crate) const WARM_UP: &str = "Warm-up";

/// One agent and its live state.
#[derive(Debug, Clone)]
pub(crate) struct Agent {
    pub(crate) user_id: String,
    pub(crate) extension: String,
    pub(crate) display_name: String,
    pub(crate) nickname: String,
    pub(crate) avatar_url: Option<String>,
    pub(crate) role: String,
    pub(crate) mobile: String,
    /// Authenticates the agent-state WebSocket (`AgentServerUrl`).
    pub(crate) token: String,
    /// The soft phone's SIP digest password (`GetLoginDetails.Signature2`), random per server run.
    pub(crate) sip_password: String,
    pub(crate) state: UserState,
    pub(crate) break_code: String,
    pub(crate) work_mode: String,
    pub(crate) outbound_scenario: bool,
    pub(crate) signed_groups: Vec<String>,
    pub(crate) device_id: String,
    /// The registered device (ListDevices), while the agent is online or after AddAgentDevice.
    pub(crate) registration: Option<Registration>,
    /// The current call, or the call being wrapped up while WORKING.
    pub(crate) job_id: String,
    /// The ended call while WORKING after it.
    pub(crate) wrap_up: Option<CallContext>,
    pub(crate) heartbeat: i64,
    /// Epoch ms the agent entered its current state.
    pub(crate) state_since: i64,
    pub(crate) context_id: u64,
    /// When the agent last became READY ([`Emulator`]'s `ready_seq`), for longest-idle routing.
    pub(crate) ready_since: u64,
    /// Epoch ms a call was last offered to the agent (it was reserved for it; `UserContext.Reserved`), 0 when
    /// never.
    pub(crate) reserved_ms: i64,
    /// Its states over time (the agent report's state figures).
    pub(crate) timeline: Timeline,
}

impl Agent {
    pub(crate) fn new(c: &AgentConfig) -> Self {
        let mut agent = Agent {
            user_id: c.user_id.clone(),
            extension: c.extension.clone(),
            display_name: c.display_name.clone(),
            nickname: c.nickname.clone().unwrap_or_else(|| c.display_name.clone()),
            avatar_url: c.avatar_url.clone().filter(|u| !u.trim().is_empty()),
            role: c.role.clone(),
            mobile: c.mobile.clone(),
            token: token(),
            sip_password: token(),
            state: UserState::Offline,
            break_code: String::new(),
            work_mode: "ON_SITE".into(),
            outbound_scenario: false,
            signed_groups: Vec::new(),
            device_id: String::new(),
            registration: None,
            job_id: String::new(),
            wrap_up: None,
            heartbeat: now_ms(),
            state_since: now_ms(),
            context_id: 0,
            ready_since: 0,
            reserved_ms: 0,
            timeline: Timeline::default(),
        };
        // The first span: nothing ended before it.
        let _ = agent.log_state(now_ms());
        agent
    }

    /// Records the agent's current state, break code, work mode, scenario and job in its timeline, from `now`;
    /// returns the span that ended (see [`super::Emulator::keep_span`]).
    #[must_use]
    pub(crate) fn log_state(&mut self, now: i64) -> Option<StateSpan> {
        let span = StateSpan {
            state: self.state.clone(),
            break_code: self.break_code.clone(),
            work_mode: self.work_mode.clone(),
            outbound_scenario: self.outbound_scenario,
            job_id: self.job_id.clone(),
            start_ms: now,
            end_ms: None,
        };
        self.timeline.enter(span, now)
    }

    /// Whether the agent has a call leg (DIALING, RINGING, TALKING).
    pub(crate) fn in_call(&self) -> bool {
        matches!(
            self.state,
            UserState::Dialing | UserState::Ringing | UserState::Talking
        )
    }

    /// Fails with `InvalidOperation.UserState` unless the agent is in one of `expected`.
    pub(crate) fn expect(&self, expected: &[UserState]) -> Result<(), ApiError> {
        if expected.contains(&self.state) {
            return Ok(());
        }
        let names: Vec<&str> = expected.iter().map(UserState::as_str).collect();
        Err(ApiError::user_state(self.state.as_str(), &names))
    }
}

impl Emulator {
    /// Puts `user_id` into `state` (clearing call and break data that do not belong to it) and records the change.
    pub(crate) fn set_state(&mut self, user_id: &str, state: UserState, break_code: &str) {
        if state == UserState::Ready {
            self.ready_seq += 1;
        }
        let ready_seq = self.ready_seq;
        let mut ended = None;
        if let Ok(agent) = self.agent_mut(user_id) {
            if state == UserState::Ready && agent.state != UserState::Ready {
                agent.ready_since = ready_seq;
            }
            if !matches!(
                state,
                UserState::Dialing | UserState::Ringing | UserState::Talking | UserState::Working
            ) {
                agent.job_id.clear();
                agent.wrap_up = None;
            }
            if agent.state != state {
                agent.state_since = now_ms();
            }
            agent.state = state;
            agent.break_code = break_code.to_owned();
            ended = agent.log_state(now_ms());
        }
        self.keep_span(user_id, ended);
        self.touch(user_id);
    }

    /// SignInGroup: signs into `groups` (all of the agent's groups when empty). OFFLINE → BREAK `Warm-up`;
    /// an agent already online keeps its state and gets the new group list.
    pub(crate) fn sign_in(
        &mut self,
        user_id: &str,
        device_id: &str,
        groups: Vec<String>,
    ) -> Result<(), ApiError> {
        let instance = self.config.instance_id.clone();
        let mine: Vec<String> = self.groups_of(user_id).map(|g| g.id.clone()).collect();
        self.check_device_takeover(user_id, device_id)?;
        let groups = if groups.is_empty() {
            mine.clone()
        } else {
            groups
        };
        for g in &groups {
            if self.skill_group(g).is_none() {
                return Err(ApiError::no_skill_group(g, &instance));
            }
            if !mine.contains(g) {
                return Err(ApiError {
                    http_status: 403,
                    code: "Permission.SkillGroup".into(),
                    message: format!("You have no permission to access skill group {g}."),
                    params: vec![g.clone()],
                    request_id: String::new(),
                });
            }
        }
        self.agent_mut(user_id)?.signed_groups = groups;
        if !device_id.trim().is_empty() {
            self.register_device(user_id, device_id, None, false)?;
        }
        if self.agent(user_id)?.state == UserState::Offline {
            self.set_state(user_id, UserState::Break, WARM_UP);
        } else {
            self.touch(user_id);
        }
        Ok(())
    }

    /// SignOutGroup: → OFFLINE, not allowed during a call.
    pub(crate) fn sign_out(&mut self, user_id: &str) -> Result<(), ApiError> {
        self.agent(user_id)?.expect(&[
            UserState::Offline,
            UserState::Break,
            UserState::Ready,
            UserState::Working,
        ])?;
        let agent = self.agent_mut(user_id)?;
        agent.signed_groups.clear();
        agent.outbound_scenario = false;
        agent.registration = None;
        self.set_state(user_id, UserState::Offline, "");
        Ok(())
    }

    /// ReadyForService: BREAK/READY/WORKING → READY; `outbound_only` sets the outbound scenario.
    pub(crate) fn ready(&mut self, user_id: &str, outbound_only: bool) -> Result<(), ApiError> {
        self.agent(user_id)?
            .expect(&[UserState::Break, UserState::Ready, UserState::Working])?;
        self.agent_mut(user_id)?.outbound_scenario = outbound_only;
        self.set_state(user_id, UserState::Ready, "");
        Ok(())
    }

    /// ChangeWorkMode: not during a call. `OFF_SITE` needs a mobile number (the request's, else the agent's).
    /// `groups`, when given, re-signs an online agent into them (its state is kept).
    pub(crate) fn change_work_mode(
        &mut self,
        user_id: &str,
        mode: &WorkMode,
        mobile: Option<&str>,
        device_id: Option<&str>,
        groups: Option<Vec<String>>,
    ) -> Result<(), ApiError> {
        let agent = self.agent(user_id)?;
        agent.expect(&[
            UserState::Offline,
            UserState::Break,
            UserState::Ready,
            UserState::Working,
        ])?;
        if let WorkMode::Other(raw) = mode {
            return Err(ApiError {
                http_status: 400,
                code: "Parameter.Enumeration".into(),
                message: format!(
                    "The parameter WorkMode must be one of the value of enumeration ON_SITE,OFF_SITE,OFFICE_PHONE ({raw})."
                ),
                params: vec!["WorkMode".into(), "ON_SITE,OFF_SITE,OFFICE_PHONE".into()],
                request_id: String::new(),
            });
        }
        let mobile = mobile
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_owned);
        if *mode == WorkMode::OffSite && mobile.is_none() && agent.mobile.is_empty() {
            return Err(ApiError::blank("Mobile"));
        }
        let online = agent.state != UserState::Offline;
        if let (Some(groups), true) = (groups, online) {
            self.sign_in(user_id, device_id.unwrap_or(""), groups)?;
        }
        let agent = self.agent_mut(user_id)?;
        agent.work_mode = mode.as_str().to_owned();
        let ended = agent.log_state(now_ms());
        if let Some(m) = mobile {
            agent.mobile = m;
        }
        if let Some(d) = device_id.map(str::trim).filter(|d| !d.is_empty()) {
            agent.device_id = d.to_owned();
        }
        self.keep_span(user_id, ended);
        self.touch(user_id);
        Ok(())
    }

    /// TakeBreak: READY/BREAK/WORKING → BREAK `code`.
    pub(crate) fn take_break(&mut self, user_id: &str, code: &str) -> Result<(), ApiError> {
        self.agent(user_id)?
            .expect(&[UserState::Ready, UserState::Break, UserState::Working])?;
        self.agent_mut(user_id)?.outbound_scenario = false;
        self.set_state(user_id, UserState::Break, code);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::data::EmulatorConfig;

    const A1: &str = "agent1@ccc-demo";

    fn state(emu: &Emulator) -> (String, String) {
        let u = emu.user_context(A1).unwrap();
        (u.user_state.to_string(), u.break_code)
    }

    #[test]
    fn sign_in_ready_break_sign_out() {
        let mut emu = Emulator::new(EmulatorConfig::default());
        emu.sign_in(A1, "dev-1", vec![]).unwrap();
        assert_eq!(state(&emu), ("BREAK".into(), WARM_UP.into()));
        let u = emu.user_context(A1).unwrap();
        assert_eq!(u.signed_skill_group_id_list, ["sales@ccc-demo"]);
        assert_eq!(u.device_id, "dev-1");
        emu.ready(A1, false).unwrap();
        assert_eq!(state(&emu), ("READY".into(), String::new()));
        emu.take_break(A1, "Meal").unwrap();
        assert_eq!(state(&emu), ("BREAK".into(), "Meal".into()));
        emu.sign_out(A1).unwrap();
        assert_eq!(state(&emu), ("OFFLINE".into(), String::new()));
        assert!(emu
            .user_context(A1)
            .unwrap()
            .signed_skill_group_id_list
            .is_empty());
    }

    #[test]
    fn ready_while_offline_is_rejected_with_params() {
        let mut emu = Emulator::new(EmulatorConfig::default());
        let err = emu.ready(A1, false).unwrap_err();
        assert_eq!(err.code, "InvalidOperation.UserState");
        assert_eq!(err.params, ["OFFLINE", "BREAK,READY,WORKING"]);
    }

    #[test]
    fn sign_in_checks_groups() {
        let mut emu = Emulator::new(EmulatorConfig::default());
        let err = emu
            .sign_in(A1, "", vec!["nope@ccc-demo".into()])
            .unwrap_err();
        assert_eq!(err.code, "NotExists.SkillGroupId");
        let err = emu
            .sign_in(A1, "", vec!["support@ccc-demo".into()])
            .unwrap_err();
        assert_eq!(err.http_status, 403);
        assert_eq!(state(&emu).0, "OFFLINE");
    }
}
