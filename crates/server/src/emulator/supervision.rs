//! Supervision (`ccc-api-2020-07-01.md` MonitorCall, BargeInCall, InterceptCall, CoachCall): a supervisor
//! (role `supervisor` or `admin`, else 403 `Permission.User`) joins the call of a TALKING agent on a leg of its
//! own `CallType`; the supervisor's snapshot shows the call with that type, which the panel maps to
//! 24 (DIALING + `MONITOR`), 21 (`MONITOR`), 25 (`BARGE`), 26 (`COACH`).
//!
//! - From READY/BREAK/WORKING the supervisor's leg is created RINGING (the supervisor DIALING) and connects
//!   after `outbound_answer_delay_ms` (a timer), the supervisor then TALKING.
//! - While monitoring, BargeInCall / Coach / InterceptCall switch the supervisor's leg to the new type.
//! - Flags once connected: `MONITORING` / `MONITORED` (monitor), `COACHING` / `COACHED` (coach), none for
//!   barge-in. InterceptCall takes the agent out of the call (→ WORKING): supervisor ↔ customer.
//! - The supervisor hanging up ends only its own leg (→ WORKING).

use ccc_wire::call_control::{
    add_flag, remove_flag, FLAG_COACHED, FLAG_COACHING, FLAG_MONITORED, FLAG_MONITORING,
};
use ccc_wire::context::{CallType, ChannelState};
use ccc_wire::{ApiError, UserState};

use super::calls::{leg, Leg};
use super::history::Joined;
use super::model::RingEnd;
use super::timers::Timer;
use super::Emulator;
use crate::ids::now_ms;

fn clear_supervision_flags(flags: &mut String) {
    for f in [FLAG_MONITORING, FLAG_MONITORED, FLAG_COACHING, FLAG_COACHED] {
        remove_flag(flags, f);
    }
}

impl Emulator {
    fn check_supervisor(
        &self,
        supervisor: &str,
        target: &str,
        action: &str,
    ) -> Result<(), ApiError> {
        let sup = self.agent(supervisor)?;
        if !matches!(sup.role.as_str(), "supervisor" | "admin") {
            return Err(ApiError::forbidden(action));
        }
        let target = target.trim();
        if target.is_empty() {
            return Err(ApiError::blank(match action {
                "MonitorCall" => "MonitoredUserId",
                "BargeInCall" => "BargedUserId",
                "InterceptCall" => "InterceptedUserId",
                _ => "CoachedUserId",
            }));
        }
        if target == supervisor {
            return Err(ApiError::invalid(
                "UserId",
                "A supervisor cannot supervise itself",
            ));
        }
        self.agent(target)?.expect(&[UserState::Talking])?;
        Ok(())
    }

    /// MonitorCall: supervisor `supervisor` listens to agent `target`'s current call.
    pub(crate) fn monitor(&mut self, supervisor: &str, target: &str) -> Result<String, ApiError> {
        self.check_supervisor(supervisor, target, "MonitorCall")?;
        let job_id = self.agent(target)?.job_id.clone();
        self.supervise(supervisor, target, &job_id, CallType::Monitor)?;
        Ok(job_id)
    }

    /// BargeInCall / InterceptCall / Coach: `kind` is `BARGE`, `INTERCEPT` or `COACH`; `job_id` defaults to the
    /// agent's current call.
    pub(crate) fn supervise_call(
        &mut self,
        supervisor: &str,
        target: &str,
        job_id: Option<&str>,
        kind: CallType,
        action: &str,
    ) -> Result<String, ApiError> {
        self.check_supervisor(supervisor, target, action)?;
        let job_id = match job_id.map(str::trim).filter(|j| !j.is_empty()) {
            Some(j) => j.to_owned(),
            None => self.agent(target)?.job_id.clone(),
        };
        self.supervise(supervisor, target, &job_id, kind)?;
        Ok(job_id)
    }

    fn supervise(
        &mut self,
        supervisor: &str,
        target: &str,
        job_id: &str,
        kind: CallType,
    ) -> Result<(), ApiError> {
        let call = self.call_of(target, job_id)?;
        if call
            .leg_of(target)
            .is_some_and(|c| c.call_type.is_supervision())
        {
            return Err(ApiError::invalid(
                "UserId",
                "The agent is itself supervising this call",
            ));
        }
        if let Some(mine) = call.leg_of(supervisor) {
            // Already in the call: switch the kind of supervision.
            if !mine.call_type.is_supervision() {
                return Err(ApiError::invalid(
                    "UserId",
                    "The supervisor is a party of this call",
                ));
            }
            if mine.channel_state != ChannelState::Answered {
                return Err(ApiError::channel_state(
                    mine.channel_state.as_str(),
                    &["ANSWERED"],
                ));
            }
            if let Some(call) = self.calls.get_mut(job_id) {
                if let Some(l) = call.leg_of_mut(supervisor) {
                    l.call_type = kind;
                    l.timestamp = now_ms();
                }
                call.supervision.retain(|(s, _)| s != supervisor);
                call.supervision
                    .push((supervisor.to_owned(), target.to_owned()));
            }
            self.apply_supervision(job_id, supervisor);
            return Ok(());
        }
        self.agent(supervisor)?.expect(&[
            UserState::Ready,
            UserState::Break,
            UserState::Working,
        ])?;
        let (sup_ext, target_ext) = (
            self.agent(supervisor)?.extension.clone(),
            self.agent(target)?.extension.clone(),
        );
        let after = std::time::Duration::from_millis(self.config.timers.outbound_answer_delay_ms);
        let Some(call) = self.calls.get_mut(job_id) else {
            return Err(ApiError::no_job(job_id));
        };
        let index = call.next_index();
        call.channels.push(leg(
            job_id,
            index,
            Leg {
                customer: false,
                call_type: kind,
                state: ChannelState::Ringing,
                from: &target_ext,
                to: &sup_ext,
                user: Some((supervisor, &sup_ext)),
                skill_group: "",
            },
        ));
        call.join(supervisor, Joined::Supervisor);
        call.supervision
            .push((supervisor.to_owned(), target.to_owned()));
        self.dial(supervisor, job_id);
        self.timers.push(Timer::SupervisorConnect {
            job_id: job_id.to_owned(),
            user_id: supervisor.to_owned(),
            after,
        });
        self.touch_call(job_id);
        Ok(())
    }

    /// The supervisor's leg connects (timer): the supervisor is TALKING and the flags of its kind are set.
    pub(crate) fn supervisor_connect(&mut self, job_id: &str, supervisor: &str) {
        let Some(call) = self.calls.get_mut(job_id) else {
            return;
        };
        let now = now_ms();
        let Some(l) = call.leg_of_mut(supervisor) else {
            return;
        };
        if l.channel_state != ChannelState::Ringing {
            return;
        }
        l.channel_state = ChannelState::Answered;
        l.timestamp = now;
        if let Some(p) = call.participant_mut(supervisor) {
            p.start_talk(now);
        }
        self.set_state(supervisor, UserState::Talking, "");
        self.apply_supervision(job_id, supervisor);
    }

    /// Sets the flags of `supervisor`'s connected leg and its agent's; an intercepted agent leaves the call.
    fn apply_supervision(&mut self, job_id: &str, supervisor: &str) {
        let Some(call) = self.calls.get_mut(job_id) else {
            return;
        };
        let Some(target) = call
            .supervision
            .iter()
            .find(|(s, _)| s == supervisor)
            .map(|(_, t)| t.clone())
        else {
            return;
        };
        let Some(kind) = call.leg_of(supervisor).map(|l| l.call_type.clone()) else {
            return;
        };
        let (mine, theirs) = match kind {
            CallType::Monitor => (Some(FLAG_MONITORING), Some(FLAG_MONITORED)),
            CallType::Coach => (Some(FLAG_COACHING), Some(FLAG_COACHED)),
            _ => (None, None),
        };
        for (user, flag) in [(supervisor, mine), (target.as_str(), theirs)] {
            if let Some(l) = call.leg_of_mut(user) {
                clear_supervision_flags(&mut l.channel_flags);
                if let Some(f) = flag {
                    add_flag(&mut l.channel_flags, f);
                }
            }
        }
        if kind == CallType::Intercept {
            call.supervision.retain(|(s, _)| s != supervisor);
            let ext = self
                .agent(supervisor)
                .map(|a| a.extension.clone())
                .unwrap_or_default();
            self.leave_call(&target, job_id, &ext, RingEnd::Abandoned);
        }
        self.touch_call(job_id);
    }

    /// The supervisor hangs up: its leg ends (→ WORKING), the agent's supervision flags go.
    pub(crate) fn drop_supervisor(&mut self, job_id: &str, supervisor: &str, initiator: &str) {
        let Some(call) = self.calls.get_mut(job_id) else {
            return;
        };
        let targets: Vec<String> = call
            .supervision
            .iter()
            .filter(|(s, _)| s == supervisor)
            .map(|(_, t)| t.clone())
            .collect();
        call.supervision.retain(|(s, _)| s != supervisor);
        for t in targets {
            if let Some(l) = call.leg_of_mut(&t) {
                clear_supervision_flags(&mut l.channel_flags);
            }
        }
        self.leave_call(supervisor, job_id, initiator, RingEnd::Abandoned);
        self.touch_call(job_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::data::EmulatorConfig;

    const A1: &str = "agent1@ccc-demo";
    const SUP: &str = "supervisor@ccc-demo";

    #[test]
    fn the_supervisor_leg_connects_by_timer_and_only_then_switches() {
        let mut emu = Emulator::new(EmulatorConfig::default());
        emu.sign_in(A1, "d", vec![]).unwrap();
        emu.ready(A1, false).unwrap();
        let (job, _) = emu.inbound("138", None).unwrap();
        emu.answer(A1, &job).unwrap();
        emu.sign_in(SUP, "d", vec![]).unwrap();
        emu.take_timers();
        assert_eq!(emu.monitor(SUP, A1).unwrap(), job);
        let err = emu
            .supervise_call(SUP, A1, Some(&job), CallType::Barge, "BargeInCall")
            .unwrap_err();
        assert_eq!(err.params, ["RINGING", "ANSWERED"]);
        let timers = emu.take_timers();
        assert!(
            matches!(&timers[..], [Timer::SupervisorConnect { user_id, .. }] if user_id == SUP)
        );
        emu.fire(&timers[0]);
        let snap = emu.snapshot(SUP).unwrap();
        assert_eq!(snap.user_context.user_state, UserState::Talking);
        assert_eq!(snap.call_context.unwrap().call_type, CallType::Monitor);
        emu.supervise_call(SUP, A1, None, CallType::Barge, "BargeInCall")
            .unwrap();
        let call = emu.snapshot(SUP).unwrap().call_context.unwrap();
        assert_eq!(call.call_type, CallType::Barge);
        assert!(call
            .channel_contexts
            .iter()
            .all(|c| c.channel_flags.is_empty()));
        // Monitoring is for supervisors only.
        let err = emu.monitor(A1, SUP).unwrap_err();
        assert_eq!(err.http_status, 403);
    }
}
