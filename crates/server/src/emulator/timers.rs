//! Delayed events of the emulated network. [`Emulator`] only records them; [`crate::hub::Hub`] sleeps and then
//! calls [`Emulator::fire`]. Each event re-checks that the call is still in the state it was armed for, so a
//! timer outliving its call is a no-op.

use std::time::Duration;

use super::data::Answer;
use super::Emulator;

/// A delayed event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Timer {
    /// Agent `user_id` has not answered `job_id`: BREAK `RingingTimeout`.
    RingingTimeout {
        job_id: String,
        user_id: String,
        after: Duration,
    },
    /// The far end of outbound call `job_id` answers or fails.
    FarEnd {
        job_id: String,
        answer: Answer,
        after: Duration,
    },
    /// Supervisor `user_id`'s leg in `job_id` connects.
    SupervisorConnect {
        job_id: String,
        user_id: String,
        after: Duration,
    },
    /// The number invited into conference `job_id` on leg `channel_id` answers or fails.
    ConferenceParty {
        job_id: String,
        channel_id: String,
        answer: Answer,
        after: Duration,
    },
    /// The customer's IVR visit `seq` in `job_id` ends (survey: hangs up; authentication: back to the agent).
    IvrEnd {
        job_id: String,
        seq: u64,
        after: Duration,
    },
    /// Agent `user_id`'s soft-phone leg in `job_id`, lost (loss `seq`), is not back: the agent hangs up.
    AgentLegGrace {
        job_id: String,
        user_id: String,
        seq: u64,
        after: Duration,
    },
}

impl Timer {
    /// How long after arming it fires.
    pub(crate) fn after(&self) -> Duration {
        match self {
            Timer::RingingTimeout { after, .. }
            | Timer::FarEnd { after, .. }
            | Timer::SupervisorConnect { after, .. }
            | Timer::ConferenceParty { after, .. }
            | Timer::IvrEnd { after, .. }
            | Timer::AgentLegGrace { after, .. } => *after,
        }
    }
}

impl Emulator {
    /// Applies an expired timer.
    pub(crate) fn fire(&mut self, timer: &Timer) {
        match timer {
            Timer::RingingTimeout {
                job_id, user_id, ..
            } => self.ringing_timeout(job_id, user_id),
            Timer::FarEnd { job_id, answer, .. } => self.far_end(job_id, *answer),
            Timer::SupervisorConnect {
                job_id, user_id, ..
            } => self.supervisor_connect(job_id, user_id),
            Timer::ConferenceParty {
                job_id,
                channel_id,
                answer,
                ..
            } => self.conference_party(job_id, channel_id, *answer),
            Timer::IvrEnd { job_id, seq, .. } => self.ivr_end(job_id, *seq),
            Timer::AgentLegGrace {
                job_id,
                user_id,
                seq,
                ..
            } => self.agent_leg_grace_over(job_id, user_id, *seq),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::data::{EmulatorConfig, NumberBehaviour};

    #[test]
    fn make_call_arms_the_number_behaviour_and_stale_timers_do_nothing() {
        let mut config = EmulatorConfig::default();
        config.numbers.insert(
            "110".into(),
            NumberBehaviour {
                answer: Answer::Busy,
                delay_ms: Some(7),
            },
        );
        config.timers.no_answer_timeout_ms = 50;
        let mut emu = Emulator::new(config);
        let a1 = "agent1@ccc-demo";
        emu.sign_in(a1, "d", vec![]).unwrap();
        emu.ready(a1, false).unwrap();
        let job = emu.make_call(a1, "110", None, None).unwrap();
        let timers = emu.take_timers();
        assert_eq!(
            timers,
            [Timer::FarEnd {
                job_id: job.clone(),
                answer: Answer::Busy,
                after: Duration::from_millis(7)
            }]
        );
        emu.release(a1, &job, None).unwrap();
        emu.take_changes();
        emu.fire(&timers[0]);
        assert!(
            emu.take_changes().is_empty(),
            "the call is gone: nothing changes"
        );

        emu.ready(a1, false).unwrap();
        emu.make_call(a1, "120", None, Some(1)).unwrap();
        assert!(matches!(
            emu.take_timers()[..],
            [Timer::FarEnd { answer: Answer::NoAnswer, after, .. }] if after == Duration::from_millis(50)
        ));
    }
}
