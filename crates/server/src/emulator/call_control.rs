//! Hold, mute and DTMF on a connected call (`ccc-api-2020-07-01.md` HoldCall … SendDtmfSignaling).
//!
//! - HoldCall (agent TALKING, not held, no consultation running): `HOLD` on the agent's own leg (what the panel
//!   reads as status 12) and on the held leg (the customer, or the `ChannelId` given). RetrieveCall removes both.
//! - MuteCall / UnmuteCall (agent TALKING): `MUTED` on the agent's own leg.
//! - SendDtmfSignaling (agent DIALING or TALKING): digits `0-9*#` are recorded on the receiving leg (the
//!   control API's `GET /emulator/v1/state` shows them).
//!
//! A second hold / mute, or a retrieve / unmute without one, is `InvalidOperation.ChannelState`.

use ccc_wire::call_control::{add_flag, has_flag, remove_flag, FLAG_HOLD, FLAG_MUTED};
use ccc_wire::context::{CallType, ChannelState};
use ccc_wire::{ApiError, ChannelContext, UserState};

use super::calls::Call;
use super::Emulator;
use crate::ids::now_ms;

/// `InvalidOperation.ChannelState` for an operation that needs no consultation running.
pub(crate) fn consultation_running(consult: &ChannelContext) -> ApiError {
    ApiError::channel_state(consult.channel_state.as_str(), &["RELEASED"])
}

impl Call {
    /// The leg `user_id` talks to: the leg `channel_id` names (unless it is the agent's own), else the customer,
    /// else the other agent. Consultation and supervisor legs are never partners.
    pub(crate) fn partner_of(
        &self,
        user_id: &str,
        channel_id: Option<&str>,
    ) -> Result<Option<String>, ApiError> {
        if let Some(ch) = channel_id.map(str::trim).filter(|c| !c.is_empty()) {
            let leg = self
                .channels
                .iter()
                .find(|c| c.channel_id == ch)
                .ok_or_else(|| ApiError::no_channel(ch, &self.job_id))?;
            if leg.user_id != user_id {
                return Ok(Some(leg.channel_id.clone()));
            }
        }
        Ok(self
            .channels
            .iter()
            .filter(|c| c.user_id != user_id)
            .filter(|c| c.call_type != CallType::Consultant && !c.call_type.is_supervision())
            .min_by_key(|c| !c.user_id.is_empty())
            .map(|c| c.channel_id.clone()))
    }
}

impl Emulator {
    /// Pushes a fresh snapshot to every agent with a leg in `job_id`.
    pub(crate) fn touch_call(&mut self, job_id: &str) {
        let agents = self.calls.get(job_id).map(Call::agents).unwrap_or_default();
        for user in agents {
            self.touch(&user);
        }
    }

    /// Checks that `user_id` is TALKING in `job_id` on an answered leg; returns the leg's flags.
    pub(crate) fn talking_leg(&self, user_id: &str, job_id: &str) -> Result<String, ApiError> {
        let call = self.call_of(user_id, job_id)?;
        self.agent(user_id)?.expect(&[UserState::Talking])?;
        let mine = call
            .leg_of(user_id)
            .ok_or_else(|| ApiError::no_job(job_id))?;
        if mine.channel_state != ChannelState::Answered {
            return Err(ApiError::channel_state(
                mine.channel_state.as_str(),
                &["ANSWERED"],
            ));
        }
        Ok(mine.channel_flags.clone())
    }

    /// HoldCall.
    pub(crate) fn hold(
        &mut self,
        user_id: &str,
        job_id: &str,
        channel_id: Option<&str>,
    ) -> Result<(), ApiError> {
        let flags = self.talking_leg(user_id, job_id)?;
        if has_flag(&flags, FLAG_HOLD) {
            return Err(ApiError::channel_state(FLAG_HOLD, &["ANSWERED"]));
        }
        let call = self.call_of(user_id, job_id)?;
        if let Some(consult) = call.consult_leg() {
            return Err(consultation_running(consult));
        }
        let partner = call.partner_of(user_id, channel_id)?;
        self.set_hold(user_id, job_id, partner.as_deref(), true);
        Ok(())
    }

    /// RetrieveCall.
    pub(crate) fn retrieve(
        &mut self,
        user_id: &str,
        job_id: &str,
        channel_id: Option<&str>,
    ) -> Result<(), ApiError> {
        let flags = self.talking_leg(user_id, job_id)?;
        if !has_flag(&flags, FLAG_HOLD) {
            return Err(ApiError::channel_state("ANSWERED", &[FLAG_HOLD]));
        }
        let call = self.call_of(user_id, job_id)?;
        let partner = call.partner_of(user_id, channel_id)?;
        // The held leg is whichever partner leg carries HOLD (the ChannelId may name the agent's own leg).
        let held = call
            .channels
            .iter()
            .filter(|c| c.user_id != user_id && has_flag(&c.channel_flags, FLAG_HOLD))
            .filter(|c| c.call_type != CallType::Consultant)
            .map(|c| c.channel_id.clone())
            .find(|c| partner.as_deref().is_none_or(|p| p == c))
            .or(partner);
        self.set_hold(user_id, job_id, held.as_deref(), false);
        Ok(())
    }

    fn set_hold(&mut self, user_id: &str, job_id: &str, partner: Option<&str>, on: bool) {
        let Some(call) = self.calls.get_mut(job_id) else {
            return;
        };
        let ts = now_ms();
        for leg in call.channels.iter_mut() {
            if leg.user_id == user_id || Some(leg.channel_id.as_str()) == partner {
                if on {
                    add_flag(&mut leg.channel_flags, FLAG_HOLD);
                } else {
                    remove_flag(&mut leg.channel_flags, FLAG_HOLD);
                }
                leg.timestamp = ts;
            }
        }
        if let Some(p) = call.participant_mut(user_id) {
            if on {
                p.start_hold(ts);
            } else {
                p.end_hold(ts);
            }
        }
        self.touch_call(job_id);
    }

    /// MuteCall (`mute`) / UnmuteCall: `job_id` defaults to the agent's current call.
    pub(crate) fn set_mute(
        &mut self,
        user_id: &str,
        job_id: Option<&str>,
        channel_id: Option<&str>,
        mute: bool,
    ) -> Result<(), ApiError> {
        let job_id = match job_id.map(str::trim).filter(|j| !j.is_empty()) {
            Some(j) => j.to_owned(),
            None => {
                let a = self.agent(user_id)?;
                a.expect(&[UserState::Talking])?;
                a.job_id.clone()
            }
        };
        let flags = self.talking_leg(user_id, &job_id)?;
        if let Some(ch) = channel_id.map(str::trim).filter(|c| !c.is_empty()) {
            let call = self.call_of(user_id, &job_id)?;
            let leg = call
                .channels
                .iter()
                .find(|c| c.channel_id == ch)
                .ok_or_else(|| ApiError::no_channel(ch, &job_id))?;
            if leg.user_id != user_id {
                return Err(ApiError::invalid(
                    "ChannelId",
                    "Only the agent's own channel can be muted",
                ));
            }
        }
        match (mute, has_flag(&flags, FLAG_MUTED)) {
            (true, true) => return Err(ApiError::channel_state(FLAG_MUTED, &["ANSWERED"])),
            (false, false) => return Err(ApiError::channel_state("ANSWERED", &[FLAG_MUTED])),
            _ => {}
        }
        if let Some(leg) = self
            .calls
            .get_mut(&job_id)
            .and_then(|c| c.leg_of_mut(user_id))
        {
            if mute {
                add_flag(&mut leg.channel_flags, FLAG_MUTED);
            } else {
                remove_flag(&mut leg.channel_flags, FLAG_MUTED);
            }
            leg.timestamp = now_ms();
        }
        self.touch_call(&job_id);
        Ok(())
    }

    /// SendDtmfSignaling: records `digits` as received by the leg `channel_id` (the partner when absent).
    pub(crate) fn send_dtmf(
        &mut self,
        user_id: &str,
        job_id: &str,
        channel_id: Option<&str>,
        digits: &str,
    ) -> Result<(), ApiError> {
        let digits = digits.trim();
        if digits.is_empty() {
            return Err(ApiError::blank("Dtmf"));
        }
        if let Some(bad) = digits
            .chars()
            .find(|c| !(c.is_ascii_digit() || *c == '*' || *c == '#'))
        {
            return Err(ApiError::invalid(
                "Dtmf",
                &format!("{bad:?} is not a DTMF digit (0-9, *, #)"),
            ));
        }
        let call = self.call_of(user_id, job_id)?;
        self.agent(user_id)?
            .expect(&[UserState::Dialing, UserState::Talking])?;
        let target = call
            .partner_of(user_id, channel_id)?
            .ok_or_else(|| ApiError::no_channel(channel_id.unwrap_or(""), job_id))?;
        if let Some(call) = self.calls.get_mut(job_id) {
            match call.dtmf.iter_mut().find(|(ch, _)| *ch == target) {
                Some((_, received)) => received.push_str(digits),
                None => call.dtmf.push((target, digits.to_owned())),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::data::EmulatorConfig;

    const A1: &str = "agent1@ccc-demo";

    fn talking() -> (Emulator, String) {
        let mut emu = Emulator::new(EmulatorConfig::default());
        emu.sign_in(A1, "d", vec![]).unwrap();
        emu.ready(A1, false).unwrap();
        let (job, _) = emu.inbound("13800000001", None).unwrap();
        emu.answer(A1, &job).unwrap();
        (emu, job)
    }

    #[test]
    fn hold_marks_both_legs_and_retrieve_clears_them() {
        let (mut emu, job) = talking();
        emu.hold(A1, &job, None).unwrap();
        let call = emu.snapshot(A1).unwrap().call_context.unwrap();
        assert_eq!(call.channel_of(A1).unwrap().channel_flags, "HOLD");
        assert_eq!(call.customer_channel().unwrap().channel_flags, "HOLD");
        assert_eq!(
            emu.hold(A1, &job, None).unwrap_err().code,
            "InvalidOperation.ChannelState"
        );
        emu.retrieve(A1, &job, None).unwrap();
        let call = emu.snapshot(A1).unwrap().call_context.unwrap();
        assert!(call
            .channel_contexts
            .iter()
            .all(|c| c.channel_flags.is_empty()));
    }

    #[test]
    fn dtmf_is_validated_and_recorded() {
        let (mut emu, job) = talking();
        emu.send_dtmf(A1, &job, None, "12").unwrap();
        emu.send_dtmf(A1, &job, None, "#").unwrap();
        let call = emu.calls().next().unwrap();
        assert_eq!(call.dtmf.len(), 1);
        assert_eq!(call.dtmf[0].1, "12#");
        assert_eq!(
            emu.send_dtmf(A1, &job, None, "1a").unwrap_err().code,
            "Parameter.Invalid"
        );
    }
}
