//! Transfers (`ccc-api-2020-07-01.md` BlindTransfer … CancelAttendedTransfer). The transferring agent must be
//! TALKING on an answered leg of a call with a customer, with no consultation running.
//!
//! `Transferee` is an agent (user id or extension; must be READY, else `UserBusy`), a skill group (its
//! longest-idle READY agent signed into it, else `InvalidOperation.NoAvailableAgent`) or an external number;
//! `TransfereeType` (`AGENT`, `SKILL_GROUP`, `EXTERNAL_NUMBER`) is detected in that order when absent.
//!
//! - BlindTransfer: the agent leaves (→ WORKING, the call as it left it kept as wrap-up); an agent transferee
//!   rings on a leg of the call's own type and talks with the customer once it answers; an external number is
//!   connected to the customer at once (the call goes on with no agent until someone hangs up).
//! - InitiateAttendedTransfer: the customer leg gets `HOLD`; the transferee gets a `CONSULTANT` leg (an agent
//!   rings and is TALKING once it answers; an external number is connected at once). The panel reads 16 / 17
//!   for the consulting agent (a `CONSULTANT` leg of someone else, RINGING / ANSWERED) and 20 for the consulted.
//! - CompleteAttendedTransfer (consultation answered): the consulting agent leaves (→ WORKING); the consultant
//!   leg takes the call's type, the customer leaves hold: customer ↔ transferee. The consulting agent hanging up
//!   during an answered consultation does the same.
//! - CancelAttendedTransfer, or the consulted agent hanging up / not answering: the consultation leg ends
//!   (a ringing agent → READY, or BREAK `RejectCall` / `RingingTimeout`; a talking one → WORKING) and the
//!   customer leaves hold.

use ccc_wire::call_control::{
    add_flag, has_flag, remove_flag, TransferRequest, TransfereeType, FLAG_HOLD,
};
use ccc_wire::context::{CallType, ChannelState};
use ccc_wire::{ApiError, UserState};

use super::call_control::consultation_running;
use super::calls::{leg, Leg, REJECT_CALL, RINGING_TIMEOUT};
use super::history::{HandedOver, Joined};
use super::model::RingEnd;
use super::Emulator;
use crate::ids::now_ms;

/// Who a transfer goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Transferee {
    /// A READY agent, and the skill group it was picked from.
    Agent(String, Option<String>),
    /// A phone number.
    External(String),
}

/// 400 `InvalidOperation.NoAvailableAgent`: nobody in the skill group can take the call.
///
/// Not in the spec (it names no code for this case): the emulator's own choice.
pub(crate) fn no_available_agent(group: &str) -> ApiError {
    ApiError {
        http_status: 400,
        code: "InvalidOperation.NoAvailableAgent".into(),
        message: format!("No agent of skill group {group} is available (READY)."),
        params: vec![group.into()],
        request_id: String::new(),
    }
}

/// Whether `s` looks like a phone number (3–20 digits, `-` allowed, optional leading `+`).
pub(crate) fn is_phone_number(s: &str) -> bool {
    let digits = s.strip_prefix('+').unwrap_or(s);
    (3..=20).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit() || c == '-')
}

impl Emulator {
    /// Resolves `transferee` (of `kind`, detected when `None`) for a transfer by `me`.
    pub(crate) fn resolve_transferee(
        &self,
        me: &str,
        transferee: &str,
        kind: Option<&TransfereeType>,
    ) -> Result<Transferee, ApiError> {
        let t = transferee.trim();
        if t.is_empty() {
            return Err(ApiError::blank("Transferee"));
        }
        let agent = self.agent_by_id_or_extension(t);
        let group = self.skill_group(t);
        let kind = match kind {
            Some(k) => k.clone(),
            None if agent.is_some() => TransfereeType::Agent,
            None if group.is_some() => TransfereeType::SkillGroup,
            None if is_phone_number(t) => TransfereeType::ExternalNumber,
            None => {
                return Err(ApiError::invalid(
                    "Transferee",
                    "It is neither an agent, a skill group nor a phone number",
                ))
            }
        };
        match kind {
            TransfereeType::Agent => {
                let a = agent.ok_or_else(|| ApiError::no_user(t, &self.config.instance_id))?;
                if a.user_id == me {
                    return Err(ApiError::invalid(
                        "Transferee",
                        "An agent cannot transfer a call to itself",
                    ));
                }
                if a.state != UserState::Ready {
                    return Err(ApiError::user_busy(&a.user_id));
                }
                Ok(Transferee::Agent(a.user_id.clone(), None))
            }
            TransfereeType::SkillGroup => {
                let g =
                    group.ok_or_else(|| ApiError::no_skill_group(t, &self.config.instance_id))?;
                self.agents
                    .iter()
                    .filter(|a| a.user_id != me && a.state == UserState::Ready)
                    .filter(|a| !a.outbound_scenario && a.signed_groups.contains(&g.id))
                    .min_by_key(|a| a.ready_since)
                    .map(|a| Transferee::Agent(a.user_id.clone(), Some(g.id.clone())))
                    .ok_or_else(|| no_available_agent(&g.id))
            }
            TransfereeType::ExternalNumber if is_phone_number(t) => {
                Ok(Transferee::External(t.to_owned()))
            }
            TransfereeType::ExternalNumber => {
                Err(ApiError::invalid("Transferee", "It is not a phone number"))
            }
            other => Err(ApiError::invalid(
                "TransfereeType",
                &format!("{other} transfers are not emulated"),
            )),
        }
    }

    /// Checks that `user_id` may transfer `job_id`: TALKING, answered leg, a customer, no consultation running.
    fn check_transferable(&self, user_id: &str, job_id: &str) -> Result<(), ApiError> {
        self.talking_leg(user_id, job_id)?;
        let call = self.call_of(user_id, job_id)?;
        if call.leg_of(user_id).map(|c| &c.call_type) == Some(&CallType::Consultant) {
            return Err(ApiError::invalid(
                "JobId",
                "The consulted agent cannot transfer the call",
            ));
        }
        if let Some(consult) = call.consult_leg() {
            return Err(consultation_running(consult));
        }
        if call.conference {
            return Err(ApiError::invalid(
                "JobId",
                "A conference cannot be transferred",
            ));
        }
        if call.customer_leg().is_none() {
            return Err(ApiError::invalid(
                "JobId",
                "Only a call with a customer can be transferred",
            ));
        }
        Ok(())
    }

    /// The caller number an external transferee sees.
    fn transfer_caller(&self, transferor: Option<&str>) -> String {
        transferor
            .map(str::trim)
            .filter(|t| !t.is_empty() && *t != "auto")
            .map(str::to_owned)
            .or_else(|| {
                self.config
                    .outbound_numbers
                    .first()
                    .map(|n| n.number.clone())
            })
            .unwrap_or_else(|| self.config.hotline.clone())
    }

    /// BlindTransfer.
    pub(crate) fn blind_transfer(
        &mut self,
        user_id: &str,
        req: &TransferRequest,
    ) -> Result<(), ApiError> {
        let job_id = req.job_id.as_str();
        self.check_transferable(user_id, job_id)?;
        let target =
            self.resolve_transferee(user_id, &req.transferee, req.transferee_type.as_ref())?;
        let shown = self.transfer_caller(req.transferor.as_deref());
        let my_ext = self.agent(user_id)?.extension.clone();
        if let Some(p) = self
            .calls
            .get_mut(job_id)
            .and_then(|c| c.participant_mut(user_id))
        {
            p.handed_over = Some(HandedOver::Blind);
        }
        self.leave_call(user_id, job_id, &my_ext, RingEnd::Abandoned);
        let Some(call) = self.calls.get_mut(job_id) else {
            return Ok(());
        };
        let customer_number = match call.call_type {
            CallType::Outbound => call.callee.clone(),
            _ => call.caller.clone(),
        };
        for c in call.channels.iter_mut() {
            remove_flag(&mut c.channel_flags, FLAG_HOLD);
        }
        let index = call.next_index();
        match target {
            Transferee::Agent(peer, via) => {
                let ext = self.agent(&peer)?.extension.clone();
                let call = self.calls.get_mut(job_id).expect("checked above");
                let group = req
                    .skill_group_id
                    .clone()
                    .filter(|g| !g.trim().is_empty())
                    .or(via)
                    .unwrap_or_else(|| call.skill_group.clone());
                let new = leg(
                    job_id,
                    index,
                    Leg {
                        customer: false,
                        call_type: call.call_type.clone(),
                        state: ChannelState::Ringing,
                        from: &customer_number,
                        to: &ext,
                        user: Some((&peer, &ext)),
                        skill_group: &group,
                    },
                );
                call.channels.push(new);
                call.join(&peer, Joined::BlindIn);
                self.ring_within(&peer, job_id, req.timeout_seconds);
            }
            Transferee::External(number) => {
                let call_type = call.call_type.clone();
                call.channels.push(leg(
                    job_id,
                    index,
                    Leg {
                        customer: true,
                        call_type,
                        state: ChannelState::Answered,
                        from: &shown,
                        to: &number,
                        user: None,
                        skill_group: "",
                    },
                ));
            }
        }
        self.touch_call(job_id);
        Ok(())
    }

    /// InitiateAttendedTransfer.
    pub(crate) fn initiate_attended_transfer(
        &mut self,
        user_id: &str,
        req: &TransferRequest,
    ) -> Result<(), ApiError> {
        let job_id = req.job_id.as_str();
        self.check_transferable(user_id, job_id)?;
        let target =
            self.resolve_transferee(user_id, &req.transferee, req.transferee_type.as_ref())?;
        let shown = self.transfer_caller(req.transferor.as_deref());
        let my_ext = self.agent(user_id)?.extension.clone();
        let peer = match &target {
            Transferee::Agent(peer, _) => Some((peer.clone(), self.agent(peer)?.extension.clone())),
            Transferee::External(_) => None,
        };
        let call = self.calls.get_mut(job_id).expect("checked above");
        let ts = now_ms();
        let customer = call.customer_leg().map(|c| c.channel_id.clone());
        for c in call.channels.iter_mut() {
            if Some(&c.channel_id) == customer.as_ref() {
                add_flag(&mut c.channel_flags, FLAG_HOLD);
                c.timestamp = ts;
            }
        }
        let index = call.next_index();
        let group = call.skill_group.clone();
        match peer {
            Some((peer, ext)) => {
                call.channels.push(leg(
                    job_id,
                    index,
                    Leg {
                        customer: false,
                        call_type: CallType::Consultant,
                        state: ChannelState::Ringing,
                        from: &my_ext,
                        to: &ext,
                        user: Some((&peer, &ext)),
                        skill_group: &group,
                    },
                ));
                call.join(&peer, Joined::Consulted);
                self.ring_within(&peer, job_id, req.timeout_seconds);
            }
            None => {
                let number = match &target {
                    Transferee::External(n) | Transferee::Agent(n, _) => n.clone(),
                };
                call.channels.push(leg(
                    job_id,
                    index,
                    Leg {
                        customer: true,
                        call_type: CallType::Consultant,
                        state: ChannelState::Answered,
                        from: &shown,
                        to: &number,
                        user: None,
                        skill_group: "",
                    },
                ));
            }
        }
        self.touch_call(job_id);
        Ok(())
    }

    /// The consultation leg of `job_id` for the consulting agent `user_id`, or `InvalidOperation.ChannelState`.
    pub(crate) fn consultation_of(
        &self,
        user_id: &str,
        job_id: &str,
        expected: &[&str],
    ) -> Result<String, ApiError> {
        let call = self.call_of(user_id, job_id)?;
        self.agent(user_id)?.expect(&[UserState::Talking])?;
        if call.leg_of(user_id).map(|c| &c.call_type) == Some(&CallType::Consultant) {
            return Err(ApiError::invalid(
                "UserId",
                "Only the consulting agent can end the consultation",
            ));
        }
        let consult = call
            .consult_leg()
            .ok_or_else(|| ApiError::channel_state("NONE", expected))?;
        if !expected.contains(&consult.channel_state.as_str()) {
            return Err(ApiError::channel_state(
                consult.channel_state.as_str(),
                expected,
            ));
        }
        Ok(consult.channel_id.clone())
    }

    /// CompleteAttendedTransfer.
    pub(crate) fn complete_attended_transfer(
        &mut self,
        user_id: &str,
        job_id: &str,
    ) -> Result<(), ApiError> {
        let consult = self.consultation_of(user_id, job_id, &["ANSWERED"])?;
        let my_ext = self.agent(user_id)?.extension.clone();
        let call = self.calls.get_mut(job_id).expect("checked above");
        let call_type = call.call_type.clone();
        let ts = now_ms();
        let mut consulted = None;
        for c in call.channels.iter_mut() {
            remove_flag(&mut c.channel_flags, FLAG_HOLD);
            if c.channel_id == consult {
                c.call_type = call_type.clone();
                c.timestamp = ts;
                consulted = Some(c.user_id.clone()).filter(|u| !u.is_empty());
            }
        }
        if let Some(p) = call.participant_mut(user_id) {
            p.handed_over = Some(HandedOver::Attended);
        }
        if let Some(p) = consulted.and_then(|c| call.participant_mut(&c)) {
            p.attended_in = true;
        }
        self.leave_call(user_id, job_id, &my_ext, RingEnd::Abandoned);
        self.touch_call(job_id);
        Ok(())
    }

    /// CancelAttendedTransfer.
    pub(crate) fn cancel_attended_transfer(
        &mut self,
        user_id: &str,
        job_id: &str,
    ) -> Result<(), ApiError> {
        self.consultation_of(user_id, job_id, &["RINGING", "ANSWERED"])?;
        let my_ext = self.agent(user_id)?.extension.clone();
        self.drop_consult(job_id, &my_ext, RingEnd::Abandoned);
        Ok(())
    }

    /// Ends the consultation leg of `job_id` (hung up by `initiator`); the customer leaves hold unless an agent
    /// still holds it.
    pub(crate) fn drop_consult(&mut self, job_id: &str, initiator: &str, ring_end: RingEnd) {
        let Some(call) = self.calls.get(job_id) else {
            return;
        };
        let Some(consult) = call.consult_leg().cloned() else {
            return;
        };
        if consult.user_id.is_empty() {
            if let Some(call) = self.calls.get_mut(job_id) {
                call.remove_leg(&consult.channel_id);
            }
        } else {
            self.leave_call(&consult.user_id, job_id, initiator, ring_end);
        }
        let Some(call) = self.calls.get_mut(job_id) else {
            return;
        };
        let still_held = call
            .channels
            .iter()
            .any(|c| !c.user_id.is_empty() && has_flag(&c.channel_flags, FLAG_HOLD));
        if !still_held {
            for c in call.channels.iter_mut().filter(|c| c.user_id.is_empty()) {
                remove_flag(&mut c.channel_flags, FLAG_HOLD);
            }
        }
        self.touch_call(job_id);
    }

    /// Agent `user_id` leaves the live call `job_id` while it goes on: its leg is removed; a ringing agent goes
    /// as [`RingEnd`] says, any other to WORKING with the call (its own leg released) as wrap-up.
    pub(crate) fn leave_call(
        &mut self,
        user_id: &str,
        job_id: &str,
        initiator: &str,
        ring_end: RingEnd,
    ) {
        let instance = self.config.instance_id.clone();
        let Some(call) = self.calls.get_mut(job_id) else {
            return;
        };
        let Some(mine) = call.leg_of(user_id).map(|c| c.channel_id.clone()) else {
            return;
        };
        let ts = now_ms();
        let mut wrap_up = call.context(&instance);
        for c in wrap_up.channel_contexts.iter_mut() {
            if c.channel_id == mine {
                c.channel_state = ChannelState::Released;
                c.timestamp = ts;
                c.release_initiator = initiator.to_owned();
                c.release_reason = "200 - Okay".into();
            }
        }
        call.remove_leg(&mine);
        if let Some(p) = call.participant_mut(user_id) {
            p.leave(ts);
        }
        let Ok(agent) = self.agent(user_id) else {
            return;
        };
        match (&agent.state, ring_end) {
            (UserState::Ringing, RingEnd::Abandoned) => {
                self.set_state(user_id, UserState::Ready, "")
            }
            (UserState::Ringing, RingEnd::TimedOut) => {
                self.set_state(user_id, UserState::Break, RINGING_TIMEOUT)
            }
            (UserState::Ringing, RingEnd::Rejected) => {
                self.set_state(user_id, UserState::Break, REJECT_CALL)
            }
            _ => {
                if let Ok(agent) = self.agent_mut(user_id) {
                    agent.wrap_up = Some(wrap_up);
                }
                self.set_state(user_id, UserState::Working, "");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::data::EmulatorConfig;

    const A1: &str = "agent1@ccc-demo";
    const A2: &str = "agent2@ccc-demo";
    const A3: &str = "agent3@ccc-demo";

    fn talking() -> (Emulator, String) {
        let mut emu = Emulator::new(EmulatorConfig::default());
        for a in [A1, A2, A3] {
            emu.sign_in(a, "d", vec![]).unwrap();
            emu.ready(a, false).unwrap();
        }
        let (job, who) = emu.inbound("13800000001", Some("sales@ccc-demo")).unwrap();
        assert_eq!(who, A1);
        emu.answer(A1, &job).unwrap();
        (emu, job)
    }

    fn state(emu: &Emulator, user: &str) -> String {
        emu.user_context(user).unwrap().user_state.to_string()
    }

    #[test]
    fn transferees_are_detected() {
        let (emu, _) = talking();
        assert_eq!(
            emu.resolve_transferee(A1, "8002", None).unwrap(),
            Transferee::Agent(A2.into(), None)
        );
        assert_eq!(
            emu.resolve_transferee(A1, "support@ccc-demo", None)
                .unwrap(),
            Transferee::Agent(A2.into(), Some("support@ccc-demo".into()))
        );
        assert_eq!(
            emu.resolve_transferee(A1, "02112345678", None).unwrap(),
            Transferee::External("02112345678".into())
        );
        assert_eq!(
            emu.resolve_transferee(A1, "8001", None).unwrap_err().code,
            "Parameter.Invalid"
        );
        assert_eq!(
            emu.resolve_transferee(A1, "x", Some(&TransfereeType::Agent))
                .unwrap_err()
                .code,
            "NotExists.UserId"
        );
    }

    #[test]
    fn consultation_then_cancel_goes_back_to_the_customer() {
        let (mut emu, job) = talking();
        let req = TransferRequest {
            job_id: job.clone(),
            transferee: "8002".into(),
            ..Default::default()
        };
        emu.initiate_attended_transfer(A1, &req).unwrap();
        assert_eq!(state(&emu, A2), "RINGING");
        let c = emu.snapshot(A1).unwrap().call_context.unwrap();
        assert_eq!(c.channel_of(A2).unwrap().call_type, CallType::Consultant);
        assert_eq!(c.customer_channel().unwrap().channel_flags, "HOLD");
        emu.answer(A2, &job).unwrap();
        assert_eq!(
            (state(&emu, A1), state(&emu, A2)),
            ("TALKING".into(), "TALKING".into())
        );
        emu.cancel_attended_transfer(A1, &job).unwrap();
        assert_eq!(state(&emu, A2), "WORKING");
        let c = emu.snapshot(A1).unwrap().call_context.unwrap();
        assert_eq!(c.channel_contexts.len(), 2);
        assert_eq!(c.customer_channel().unwrap().channel_flags, "");
    }
}
