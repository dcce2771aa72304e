//! The agents' soft-phone legs as the SIP side reports them, and the call center's rule for a leg that is
//! lost without a hang-up.
//!
//! The SIP service ([`crate::sip`]) tells the emulator (through [`crate::hub::Hub::agent_leg_lost`] /
//! [`crate::hub::Hub::agent_leg_back`]) when an agent's *answered* soft-phone leg disappears without a BYE
//! (its WebSocket closed, or the phone un-REGISTERed) and when the agent has an answered leg in that call
//! again (the phone registered again and took the new INVITE). The call goes on meanwhile. If the leg is not
//! back within [`EmulatorConfig::agent_leg_grace`](super::data::EmulatorConfig::agent_leg_grace), the call is
//! released as if the agent had hung up: [`Emulator::release`] with the usual rules (a two-party call ends
//! and leaves its record, the agent goes to after-call work; a consulted agent ends only the consultation, a
//! supervisor only its own leg, a conference party leaves alone).
//!
//! Only legs the SIP side had are reported, so a call of an agent without a soft phone (or driven by the API
//! alone) is never ended by this. A BYE from the phone is a real hang-up and releases at once (the SIP
//! service calls [`Emulator::release`] directly).

use super::timers::Timer;
use super::Emulator;

impl Emulator {
    /// Agent `user_id`'s soft-phone leg in `job_id` is gone without a hang-up: arms the grace timer (a newer
    /// loss of the same leg replaces an older one). Nothing happens when the agent has no leg in that call.
    pub(crate) fn agent_leg_lost(&mut self, user_id: &str, job_id: &str) {
        let calls = &self.calls;
        self.lost_legs
            .retain(|(u, j), _| calls.get(j).is_some_and(|c| c.leg_of(u).is_some()));
        if self.call_of(user_id, job_id).is_err() {
            return;
        }
        self.lost_leg_seq += 1;
        let seq = self.lost_leg_seq;
        self.lost_legs
            .insert((user_id.to_owned(), job_id.to_owned()), seq);
        self.timers.push(Timer::AgentLegGrace {
            job_id: job_id.to_owned(),
            user_id: user_id.to_owned(),
            seq,
            after: self.config.agent_leg_grace,
        });
    }

    /// Agent `user_id` has an answered soft-phone leg in `job_id` again: the grace timer is disarmed (a no-op
    /// when the leg was not lost).
    pub(crate) fn agent_leg_back(&mut self, user_id: &str, job_id: &str) {
        self.lost_legs
            .remove(&(user_id.to_owned(), job_id.to_owned()));
    }

    /// Whether agent `user_id`'s leg in `job_id` is lost and waiting for the phone.
    #[cfg(test)]
    pub(crate) fn agent_leg_is_lost(&self, user_id: &str, job_id: &str) -> bool {
        self.lost_legs
            .contains_key(&(user_id.to_owned(), job_id.to_owned()))
    }

    /// The grace of loss `seq` is over (timer): if that loss still stands and the agent is still in the call,
    /// the agent "hangs up".
    pub(crate) fn agent_leg_grace_over(&mut self, job_id: &str, user_id: &str, seq: u64) {
        let key = (user_id.to_owned(), job_id.to_owned());
        if self.lost_legs.get(&key) != Some(&seq) {
            return;
        }
        self.lost_legs.remove(&key);
        if self.call_of(user_id, job_id).is_ok() {
            // Fails only when the agent is in no state that can hang up; then the call is left alone.
            let _ = self.release(user_id, job_id, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use ccc_wire::UserState;

    use crate::emulator::data::EmulatorConfig;
    use crate::emulator::timers::Timer;
    use crate::emulator::Emulator;

    const A1: &str = "agent1@ccc-demo";
    const A2: &str = "agent2@ccc-demo";

    fn talking() -> (Emulator, String) {
        let mut emu = Emulator::new(EmulatorConfig {
            agent_leg_grace: Duration::from_millis(5),
            ..EmulatorConfig::default()
        });
        emu.sign_in(A1, "d", vec![]).unwrap();
        emu.ready(A1, false).unwrap();
        let (job, _) = emu.inbound("138", None).unwrap();
        emu.answer(A1, &job).unwrap();
        emu.take_timers();
        (emu, job)
    }

    fn state(emu: &Emulator, user: &str) -> UserState {
        emu.agent(user).unwrap().state.clone()
    }

    #[test]
    fn a_lost_leg_releases_the_call_after_the_grace() {
        let (mut emu, job) = talking();
        emu.agent_leg_lost(A1, &job);
        let timers = emu.take_timers();
        assert!(matches!(
            &timers[..],
            [Timer::AgentLegGrace { after, .. }] if *after == Duration::from_millis(5)
        ));
        assert!(emu.agent_leg_is_lost(A1, &job));
        assert_eq!(
            state(&emu, A1),
            UserState::Talking,
            "the call goes on meanwhile"
        );
        emu.fire(&timers[0]);
        assert_eq!(state(&emu, A1), UserState::Working);
        assert_eq!(emu.calls().count(), 0);
        assert!(emu.recorded().iter().any(|r| r.job_id == job));
        assert!(!emu.agent_leg_is_lost(A1, &job));
    }

    #[test]
    fn a_leg_back_in_time_or_a_stale_timer_does_nothing() {
        let (mut emu, job) = talking();
        emu.agent_leg_lost(A1, &job);
        let first = emu.take_timers();
        emu.agent_leg_back(A1, &job);
        emu.fire(&first[0]);
        assert_eq!(state(&emu, A1), UserState::Talking);
        // Lost again: only the newest loss's timer counts.
        emu.agent_leg_lost(A1, &job);
        let second = emu.take_timers();
        emu.fire(&first[0]);
        assert_eq!(state(&emu, A1), UserState::Talking);
        emu.fire(&second[0]);
        assert_eq!(state(&emu, A1), UserState::Working);
    }

    #[test]
    fn an_agent_not_in_the_call_arms_nothing() {
        let (mut emu, job) = talking();
        emu.agent_leg_lost(A2, &job);
        emu.agent_leg_lost(A1, "job-none");
        assert!(emu.take_timers().is_empty());
        // The call ended by itself: the timer is a no-op.
        emu.agent_leg_lost(A1, &job);
        let timers = emu.take_timers();
        emu.far_end_hangup(&job, None);
        emu.ready(A1, false).unwrap();
        emu.fire(&timers[0]);
        assert_eq!(state(&emu, A1), UserState::Ready);
    }
}
