//! The emulated call center: agents, calls and their state rules, as plain synchronous code.
//!
//! [`Emulator`] never does I/O or sleeps. Every operation records which agents changed (their snapshot gets a
//! fresh `ContextId` and is pushed) and which timers to arm; [`crate::hub::Hub`] drains both after each
//! operation, broadcasts the snapshots and spawns the timers.
//!
//! # Layout
//! - [`data`]: the seed data and its TOML shape.
//! - [`state`]: agents and the sign-in / ready / break rules.
//! - [`calls`]: calls and their legs: inbound, outbound, internal, answer, release, hang-up.
//! - [`call_control`]: hold / retrieve, mute / unmute, DTMF.
//! - [`transfer`]: blind and attended (consultation) transfers.
//! - [`supervision`]: monitor, barge-in, coach, intercept.
//! - [`conference`]: StartConference, SwitchToConference, and parties leaving a conference.
//! - [`ivr`]: the customer in an IVR flow (LaunchSurvey, LaunchAuthentication).
//! - [`devices`]: the agent's registered device (ListDevices, AddAgentDevice, kicking), ResetAgentState.
//! - [`history`]: participants of a call and the records of ended calls (CDRs, the agent report).
//! - [`phone_legs`]: an agent's soft-phone leg lost without a hang-up, and the grace before the call is
//!   released for it.
//! - [`directory`]: number locations and caller-number picking.
//! - [`uploads`]: what panels upload (SaveTerminalLog, SaveWebRtcInfo), the latest kept.
//! - [`timers`]: the delayed events (ringing timeout, the far end answering or failing, a supervisor's leg
//!   connecting, a conference party answering, the customer leaving an IVR flow, the grace of a lost
//!   soft-phone leg).

pub(crate) mod call_control;
pub(crate) mod calls;
pub(crate) mod conference;
pub(crate) mod data;
pub(crate) mod devices;
pub(crate) mod directory;
pub(crate) mod history;
pub(crate) mod ivr;
pub(crate) mod phone_legs;
pub(crate) mod state;
pub(crate) mod supervision;
pub(crate) mod timers;
pub(crate) mod transfer;
pub(crate) mod uploads;

use std::collections::{BTreeMap, VecDeque};

use ccc_wire::action::StatusData;
use ccc_wire::{ApiError, CallContext, UserContext};

use self::calls::Call;
use self::data::EmulatorConfig;
use self::history::CallRecord;
use self::state::Agent;
use self::timers::Timer;
use crate::ids::now_ms;

/// The whole mutable state of the emulated instance.
#[derive(Debug)]
pub(crate) struct Emulator {
    config: EmulatorConfig,
    agents: Vec<Agent>,
    calls: BTreeMap<String, Call>,
    /// Ended calls, oldest first (bounded).
    history: Vec<CallRecord>,
    /// Global, monotonic: bumped on every agent state change.
    context_seq: u64,
    job_seq: u64,
    /// Orders READY agents by how long they have been idle.
    ready_seq: u64,
    changed: Vec<String>,
    timers: Vec<Timer>,
    /// Agents whose device was replaced, with the new device, since the last [`Emulator::take_kicks`].
    kicks: Vec<(String, String)>,
    /// Ids of AddAgentDevice records.
    device_seq: u64,
    /// Tells one IVR visit from the next (stale IVR timers do nothing).
    ivr_seq: u64,
    /// Soft-phone legs lost without a hang-up, by (user, job), with the loss's sequence number (see
    /// [`phone_legs`]).
    lost_legs: BTreeMap<(String, String), u64>,
    /// Tells one loss from the next (a stale grace timer does nothing).
    lost_leg_seq: u64,
    /// The latest uploads of panels ([`uploads`]).
    uploads: VecDeque<uploads::Upload>,
}

impl Emulator {
    /// An instance seeded from `config` (assumed valid), every agent OFFLINE.
    pub(crate) fn new(config: EmulatorConfig) -> Self {
        let agents = config.agents.iter().map(Agent::new).collect();
        Emulator {
            config,
            agents,
            calls: BTreeMap::new(),
            history: Vec::new(),
            context_seq: 0,
            job_seq: 0,
            ready_seq: 0,
            changed: Vec::new(),
            timers: Vec::new(),
            kicks: Vec::new(),
            device_seq: 0,
            ivr_seq: 0,
            lost_legs: BTreeMap::new(),
            lost_leg_seq: 0,
            uploads: VecDeque::new(),
        }
    }

    /// The seed data.
    pub(crate) fn config(&self) -> &EmulatorConfig {
        &self.config
    }

    /// Replaces how dialled number `number` behaves.
    pub(crate) fn set_number(&mut self, number: String, behaviour: data::NumberBehaviour) {
        self.config.numbers.insert(number, behaviour);
    }

    /// All agents, in configuration order.
    pub(crate) fn agents(&self) -> &[Agent] {
        &self.agents
    }

    /// All live calls.
    pub(crate) fn calls(&self) -> impl Iterator<Item = &Call> {
        self.calls.values()
    }

    /// Records of ended calls, oldest first.
    pub(crate) fn history(&self) -> &[CallRecord] {
        &self.history
    }

    /// The live call agent `user_id` has a leg in.
    pub(crate) fn live_call_of(&self, user_id: &str) -> Option<&Call> {
        let agent = self.agent(user_id).ok()?;
        self.calls
            .get(&agent.job_id)
            .filter(|c| c.leg_of(user_id).is_some())
    }

    /// Agent `user_id`, or 404 `NotExists.UserId`.
    pub(crate) fn agent(&self, user_id: &str) -> Result<&Agent, ApiError> {
        self.agents
            .iter()
            .find(|a| a.user_id == user_id)
            .ok_or_else(|| ApiError::no_user(user_id, &self.config.instance_id))
    }

    fn agent_mut(&mut self, user_id: &str) -> Result<&mut Agent, ApiError> {
        let instance = &self.config.instance_id;
        self.agents
            .iter_mut()
            .find(|a| a.user_id == user_id)
            .ok_or_else(|| ApiError::no_user(user_id, instance))
    }

    /// The agent whose push token is `token`.
    pub(crate) fn agent_by_token(&self, token: &str) -> Option<&Agent> {
        self.agents.iter().find(|a| a.token == token)
    }

    /// Marks `user_id` as changed: a new `ContextId`, a fresh heartbeat, and a push after the operation.
    fn touch(&mut self, user_id: &str) {
        self.context_seq += 1;
        let seq = self.context_seq;
        if let Some(agent) = self.agents.iter_mut().find(|a| a.user_id == user_id) {
            agent.context_id = seq;
            agent.heartbeat = now_ms();
        }
        if !self.changed.iter().any(|u| u == user_id) {
            self.changed.push(user_id.to_owned());
        }
    }

    /// Agents changed since the last call, in order of first change.
    pub(crate) fn take_changes(&mut self) -> Vec<String> {
        std::mem::take(&mut self.changed)
    }

    /// Timers armed since the last call.
    pub(crate) fn take_timers(&mut self) -> Vec<Timer> {
        std::mem::take(&mut self.timers)
    }

    /// The flat `UserContext` of agent `user_id`.
    pub(crate) fn user_context(&self, user_id: &str) -> Result<UserContext, ApiError> {
        let a = self.agent(user_id)?;
        Ok(UserContext {
            user_id: a.user_id.clone(),
            instance_id: self.config.instance_id.clone(),
            extension: a.extension.clone(),
            device_id: a.device_id.clone(),
            user_state: a.state.clone(),
            break_code: a.break_code.clone(),
            work_mode: a.work_mode.clone(),
            outbound_scenario: a.outbound_scenario,
            signed_skill_group_id_list: a.signed_groups.clone(),
            job_id: a.job_id.clone(),
            heartbeat: a.heartbeat,
            mobile: a.mobile.clone(),
            device_state: devices::device_state(a).into(),
            reserved: a.reserved_ms,
            // Chat sessions: the emulator has voice calls only.
            parallel_job_list: Vec::new(),
        })
    }

    /// The call agent `user_id` is in, or the call it is wrapping up (its leg released). A supervisor sees the
    /// call with the `CallType` of its own leg (`MONITOR`, `BARGE`, `COACH`, `INTERCEPT`): its call.
    fn call_context_of(&self, agent: &Agent) -> Option<CallContext> {
        let live = self
            .calls
            .get(&agent.job_id)
            .filter(|c| c.leg_of(&agent.user_id).is_some());
        match live {
            Some(call) => {
                let mut context = call.context(&self.config.instance_id);
                if let Some(mine) = call.leg_of(&agent.user_id) {
                    if supervision::is_supervisor_type(&mine.call_type) {
                        context.call_type = mine.call_type.clone();
                    }
                }
                Some(context)
            }
            None => agent.wrap_up.clone(),
        }
    }

    /// PollUserStatus's `Data`: the agent, its call, and the `ContextId` of its last change.
    pub(crate) fn snapshot(&self, user_id: &str) -> Result<StatusData, ApiError> {
        let agent = self.agent(user_id)?;
        Ok(StatusData {
            user_context: self.user_context(user_id)?,
            call_context: self.call_context_of(agent),
            context_id: agent.context_id,
            chat_contexts: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ccc_wire::UserState;

    #[test]
    fn every_change_gets_a_newer_context_id() {
        let mut emu = Emulator::new(EmulatorConfig::default());
        let before = emu.snapshot("agent1@ccc-demo").unwrap();
        assert_eq!(before.user_context.user_state, UserState::Offline);
        assert!(before.call_context.is_none());
        emu.touch("agent1@ccc-demo");
        emu.touch("agent2@ccc-demo");
        emu.touch("agent1@ccc-demo");
        assert_eq!(emu.take_changes(), ["agent1@ccc-demo", "agent2@ccc-demo"]);
        assert!(emu.take_changes().is_empty());
        let a1 = emu.snapshot("agent1@ccc-demo").unwrap().context_id;
        let a2 = emu.snapshot("agent2@ccc-demo").unwrap().context_id;
        assert!(a1 > a2 && a2 > before.context_id);
    }

    #[test]
    fn unknown_users_are_not_exists_user_id() {
        let emu = Emulator::new(EmulatorConfig::default());
        let err = emu.snapshot("ghost@ccc-demo").unwrap_err();
        assert_eq!(
            (err.http_status, err.code.as_str()),
            (404, "NotExists.UserId")
        );
    }
}
