//! What the SIP side needs to know about the emulator's live calls, read under the hub's lock after every
//! operation: a plain value ([`CallsView`]) compared for changes and sent to the SIP service. Pure: no I/O.

use ccc_wire::call_control::{has_flag, FLAG_HOLD};
use ccc_wire::context::{CallType, ChannelState};
use ccc_wire::UserState;

use super::calls::Call;
use super::Emulator;

/// Every live call.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct CallsView {
    pub(crate) calls: Vec<CallView>,
}

/// One live call.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CallView {
    pub(crate) job_id: String,
    /// `ringing`, `dialing` or `talking` (as the control API shows it).
    pub(crate) phase: &'static str,
    /// The call is a conference.
    pub(crate) conference: bool,
    /// Customer (far end) legs, in call order.
    pub(crate) customers: Vec<CustomerLeg>,
    /// Agent legs, in call order.
    pub(crate) agents: Vec<AgentLeg>,
}

/// A customer / external party.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CustomerLeg {
    pub(crate) channel_id: String,
    pub(crate) connected: bool,
    pub(crate) held: bool,
}

/// What an agent's leg is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Role {
    /// A party of the call (also barge-in and intercept: they talk with everyone).
    Party,
    /// A supervisor listening.
    Monitor,
    /// A supervisor whispering to `agent`.
    Coach { agent: String },
}

/// An agent's leg.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AgentLeg {
    pub(crate) user_id: String,
    pub(crate) extension: String,
    /// The number shown as the caller in the INVITE: the other end of the agent's leg.
    pub(crate) peer: String,
    /// The agent is offered the call (RINGING): its phone rings; otherwise it auto-answers.
    pub(crate) offered: bool,
    pub(crate) connected: bool,
    pub(crate) held: bool,
    pub(crate) role: Role,
}

/// The live calls of `emu`.
pub(crate) fn of(emu: &Emulator) -> CallsView {
    CallsView {
        calls: emu.calls().map(|c| call(emu, c)).collect(),
    }
}

fn call(emu: &Emulator, c: &Call) -> CallView {
    let customers = c
        .channels
        .iter()
        .filter(|ch| ch.user_id.is_empty() && ch.channel_state != ChannelState::Released)
        .map(|ch| CustomerLeg {
            channel_id: ch.channel_id.clone(),
            connected: ch.channel_state == ChannelState::Answered,
            held: has_flag(&ch.channel_flags, FLAG_HOLD),
        })
        .collect();
    let agents = c
        .channels
        .iter()
        .filter(|ch| !ch.user_id.is_empty() && ch.channel_state != ChannelState::Released)
        .map(|ch| {
            let agent = emu.agent(&ch.user_id).ok();
            let extension = agent.map(|a| a.extension.clone()).unwrap_or_default();
            let peer = if ch.originator == extension || ch.originator.is_empty() {
                ch.destination.clone()
            } else {
                ch.originator.clone()
            };
            let role = match ch.call_type {
                CallType::Monitor => Role::Monitor,
                CallType::Coach => Role::Coach {
                    agent: c
                        .supervision
                        .iter()
                        .find(|(s, _)| *s == ch.user_id)
                        .map(|(_, a)| a.clone())
                        .unwrap_or_default(),
                },
                _ => Role::Party,
            };
            AgentLeg {
                user_id: ch.user_id.clone(),
                extension,
                peer,
                offered: agent
                    .is_some_and(|a| a.state == UserState::Ringing && a.job_id == c.job_id),
                connected: ch.channel_state == ChannelState::Answered,
                held: has_flag(&ch.channel_flags, FLAG_HOLD),
                role,
            }
        })
        .collect();
    CallView {
        job_id: c.job_id.clone(),
        phase: c.phase(),
        conference: c.conference,
        customers,
        agents,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::data::EmulatorConfig;

    const A1: &str = "agent1@ccc-demo";

    fn ready() -> Emulator {
        let mut emu = Emulator::new(EmulatorConfig::default());
        emu.sign_in(A1, "d", vec![]).unwrap();
        emu.ready(A1, false).unwrap();
        emu
    }

    #[test]
    fn an_inbound_call_offers_the_agent_a_leg_from_the_customer() {
        let mut emu = ready();
        let (job, _) = emu.inbound("13800000001", None).unwrap();
        let v = of(&emu);
        let call = &v.calls[0];
        assert_eq!(
            (call.job_id.as_str(), call.phase),
            (job.as_str(), "ringing")
        );
        assert_eq!(call.customers.len(), 1);
        assert!(call.customers[0].connected);
        let leg = &call.agents[0];
        assert_eq!(
            (leg.user_id.as_str(), leg.peer.as_str()),
            (A1, "13800000001")
        );
        assert!(leg.offered && !leg.connected && leg.role == Role::Party);
        emu.answer(A1, &job).unwrap();
        let v = of(&emu);
        assert!(!v.calls[0].agents[0].offered && v.calls[0].agents[0].connected);
        emu.hold(A1, &job, None).unwrap();
        let v = of(&emu);
        assert!(v.calls[0].customers[0].held && v.calls[0].agents[0].held);
    }

    #[test]
    fn make_call_is_not_offered_and_shows_the_dialled_number() {
        let mut emu = ready();
        emu.make_call(A1, "13900000001", None, None).unwrap();
        let v = of(&emu);
        let leg = &v.calls[0].agents[0];
        assert_eq!(leg.peer, "13900000001");
        assert!(!leg.offered && leg.connected);
        assert!(!v.calls[0].customers[0].connected);
    }
}
