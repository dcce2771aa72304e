//! The emulated call center: agents, calls and their state rules, as plain synchronous code.
//!
//! [`Emulator`] never does I/O or sleeps. Every operation records which agents changed (their snapshot gets a
//! fresh `ContextId` and is pushed) and which timers to arm; [`crate::hub::Hub`] drains both after each
//! operation, broadcasts the snapshots and spawns the timers.
//!
//! # Layout
//! - [`data`]: the seed data and its TOML shape.
//! - [`model`]: the shared vocabulary several rule files speak of (ring ends, IVR visits, devices).
//! - [`calls_view`]: what the SIP side needs to know of the live calls (a plain value, compared for changes).
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
pub(crate) mod calls_view;
pub(crate) mod conference;
pub(crate) mod data;
pub(crate) mod devices;
pub(crate) mod directory;
pub(crate) mod history;
pub(crate) mod ivr;
pub(crate) mod model;
pub(crate) mod phone_legs;
pub(crate) mod state;
pub(crate) mod supervision;
pub(crate) mod timers;
pub(crate) mod transfer;
pub(crate) mod uploads;

use std::collections::{BTreeMap, HashMap, VecDeque};

use ccc_wire::action::StatusData;
use ccc_wire::{ApiError, CallContext, UserContext};

use self::calls::Call;
use self::data::{EmulatorConfig, SkillGroupConfig};
use self::history::Finished;
use self::state::Agent;
use self::timers::Timer;
use crate::ids::now_ms;

/// The whole mutable state of the emulated instance.
#[derive(Debug)]
pub(crate) struct Emulator {
    config: EmulatorConfig,
    /// In configuration order ("the first agent", the order of the lists); found by id through `index`.
    agents: Vec<Agent>,
    index: Index,
    calls: BTreeMap<String, Call>,
    /// What ended since the hub last took it (records, state spans, surveys), for the record store.
    finished: Finished,
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

/// Positions by id, so that a request's lookups cost the same whatever the number of agents and groups. The
/// agents and skill groups never change after start (nor do their ids, extensions and tokens), so the index
/// is built once.
#[derive(Debug, Default)]
struct Index {
    /// User id → position in [`Emulator::agents`].
    agents: HashMap<String, usize>,
    /// Push token → position.
    tokens: HashMap<String, usize>,
    /// Extension → position.
    extensions: HashMap<String, usize>,
    /// Skill group id → position in the config's `skill_groups`.
    skill_groups: HashMap<String, usize>,
    /// User id → the positions of its skill groups, in configuration order.
    groups_of: HashMap<String, Vec<usize>>,
}

impl Index {
    fn new(config: &EmulatorConfig, agents: &[Agent]) -> Self {
        let mut index = Index::default();
        for (i, a) in agents.iter().enumerate() {
            // The first wins, as a walk of the list would find it (ids and extensions are unique anyway).
            index.agents.entry(a.user_id.clone()).or_insert(i);
            index.tokens.entry(a.token.clone()).or_insert(i);
            index.extensions.entry(a.extension.clone()).or_insert(i);
        }
        for (g, group) in config.skill_groups.iter().enumerate() {
            index.skill_groups.entry(group.id.clone()).or_insert(g);
            for member in &group.members {
                let mine = index.groups_of.entry(member.clone()).or_default();
                if mine.last() != Some(&g) {
                    mine.push(g);
                }
            }
        }
        index
    }
}

impl Emulator {
    /// An instance seeded from `config` (assumed valid), every agent OFFLINE.
    pub(crate) fn new(config: EmulatorConfig) -> Self {
        let agents: Vec<Agent> = config.agents.iter().map(Agent::new).collect();
        let index = Index::new(&config, &agents);
        Emulator {
            config,
            agents,
            index,
            calls: BTreeMap::new(),
            finished: Finished::default(),
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

    /// Records of calls that ended since the hub last took them (tests).
    #[cfg(test)]
    pub(crate) fn recorded(&self) -> &[history::CallRecord] {
        &self.finished.records
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
        self.index
            .agents
            .get(user_id)
            .map(|&i| &self.agents[i])
            .ok_or_else(|| ApiError::no_user(user_id, &self.config.instance_id))
    }

    fn agent_mut(&mut self, user_id: &str) -> Result<&mut Agent, ApiError> {
        match self.index.agents.get(user_id) {
            Some(&i) => Ok(&mut self.agents[i]),
            None => Err(ApiError::no_user(user_id, &self.config.instance_id)),
        }
    }

    /// The agent whose push token is `token`.
    pub(crate) fn agent_by_token(&self, token: &str) -> Option<&Agent> {
        self.index.tokens.get(token).map(|&i| &self.agents[i])
    }

    /// The agent whose extension is `extension`.
    pub(crate) fn agent_by_extension(&self, extension: &str) -> Option<&Agent> {
        self.index
            .extensions
            .get(extension)
            .map(|&i| &self.agents[i])
    }

    /// The agent named by `who`, a user id or an extension (the first in configuration order that is
    /// either).
    pub(crate) fn agent_by_id_or_extension(&self, who: &str) -> Option<&Agent> {
        let by_id = self.index.agents.get(who);
        let by_extension = self.index.extensions.get(who);
        by_id
            .into_iter()
            .chain(by_extension)
            .min()
            .map(|&i| &self.agents[i])
    }

    /// Skill group `id`, if configured.
    pub(crate) fn skill_group(&self, id: &str) -> Option<&SkillGroupConfig> {
        self.index
            .skill_groups
            .get(id)
            .map(|&g| &self.config.skill_groups[g])
    }

    /// The skill groups `user_id` belongs to, in configuration order.
    pub(crate) fn groups_of<'a>(
        &'a self,
        user_id: &str,
    ) -> impl Iterator<Item = &'a SkillGroupConfig> + 'a {
        self.index
            .groups_of
            .get(user_id)
            .into_iter()
            .flatten()
            .map(|&g| &self.config.skill_groups[g])
    }

    /// Whether `user_id` is a member of skill group `group_id`.
    pub(crate) fn is_member(&self, user_id: &str, group_id: &str) -> bool {
        self.groups_of(user_id).any(|g| g.id == group_id)
    }

    /// Marks `user_id` as changed: a new `ContextId`, a fresh heartbeat, and a push after the operation.
    fn touch(&mut self, user_id: &str) {
        self.context_seq += 1;
        let seq = self.context_seq;
        if let Ok(agent) = self.agent_mut(user_id) {
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
                    if mine.call_type.is_supervision() {
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
    fn the_last_of_10000_agents_is_found_by_id_token_extension_and_group() {
        use super::data::AgentConfig;
        let agents: Vec<AgentConfig> = (0..10_000)
            .map(|i| AgentConfig {
                user_id: format!("a{i}@ccc-demo"),
                extension: format!("{}", 100_000 + i),
                display_name: format!("Agent {i}"),
                nickname: None,
                avatar_url: None,
                role: "agent".into(),
                mobile: String::new(),
            })
            .collect();
        let all: Vec<String> = agents.iter().map(|a| a.user_id.clone()).collect();
        let config = EmulatorConfig {
            agents,
            skill_groups: vec![
                SkillGroupConfig {
                    id: "all@ccc-demo".into(),
                    name: "All".into(),
                    members: all,
                    skill_level: 5,
                },
                SkillGroupConfig {
                    id: "last@ccc-demo".into(),
                    name: "Last".into(),
                    members: vec!["a9999@ccc-demo".into()],
                    skill_level: 5,
                },
            ],
            ..EmulatorConfig::default()
        };
        config.validate().unwrap();
        let mut emu = Emulator::new(config);
        let last = "a9999@ccc-demo";

        // Configured order is kept ("the first agent", the lists).
        assert_eq!(emu.agents()[0].user_id, "a0@ccc-demo");
        assert_eq!(emu.agents()[9_999].user_id, last);
        assert_eq!(emu.agent(last).unwrap().extension, "109999");
        let token = emu.agent(last).unwrap().token.clone();
        assert_eq!(emu.agent_by_token(&token).unwrap().user_id, last);
        assert_eq!(emu.agent_by_extension("109999").unwrap().user_id, last);
        assert_eq!(emu.agent_by_id_or_extension(last).unwrap().user_id, last);
        assert_eq!(
            emu.agent_by_id_or_extension("109999").unwrap().user_id,
            last
        );
        let groups: Vec<&str> = emu.groups_of(last).map(|g| g.id.as_str()).collect();
        assert_eq!(groups, ["all@ccc-demo", "last@ccc-demo"]);
        assert!(
            emu.is_member(last, "last@ccc-demo") && !emu.is_member("a0@ccc-demo", "last@ccc-demo")
        );
        assert_eq!(emu.skill_group("last@ccc-demo").unwrap().name, "Last");
        assert!(emu.agent("a10000@ccc-demo").is_err());

        // The state rules reach it: sign in, ready, routed a call, polled, in a call with the first agent.
        emu.sign_in(last, "dev", vec![]).unwrap();
        emu.ready(last, false).unwrap();
        let (job, routed) = emu.inbound("13800000001", Some("last@ccc-demo")).unwrap();
        assert_eq!(routed, last);
        emu.answer(last, &job).unwrap();
        let poll = emu.snapshot(last).unwrap();
        assert_eq!(poll.user_context.user_state, UserState::Talking);
        assert_eq!(poll.call_context.unwrap().job_id, job);
        assert_eq!(emu.live_call_of(last).unwrap().job_id, job);
        assert_eq!(emu.take_changes().last().map(String::as_str), Some(last));
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
