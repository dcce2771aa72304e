//! The customer in an IVR flow (`ccc-api-2020-07-01.md` LaunchSurvey, LaunchAuthentication;
//! `sdk-contract.md` `transferStatisfic`, `launchAuthentication`). The agent must be TALKING on an answered leg
//! of a call with a customer, with no consultation running, and not be a consulted agent or a supervisor.
//!
//! - LaunchSurvey (`SurveyChannel` `IVR`, the default): every agent leaves the call (the caller → WORKING, the
//!   call as it left it kept as wrap-up; other agents of a conference and supervisors too), other parties
//!   without an agent are dropped, and the customer stays alone in the survey flow (`ContactFlowId`, else the
//!   configured `survey_contact_flow_id`; none at all is `Parameter.Blank`). The customer hangs up after
//!   `timers.survey_duration_ms` or when the control API says. `SurveyChannel` `SMS`: the call simply ends.
//! - LaunchAuthentication: the customer goes into flow `ContactFlowId` with `ContactFlowVariables` while the
//!   agent stays TALKING; the customer comes back after `timers.authentication_duration_ms` or
//!   `POST /emulator/v1/calls/{jobId}/ivr-return`. A second IVR while one runs is
//!   `InvalidOperation.ChannelState` (`IVR`, `ANSWERED`).
//!
//! `GET /emulator/v1/state` shows the flow, its variables and `surveyLaunched` on the call.

use ccc_wire::call_control::{remove_flag, LaunchSurveyRequest, FLAG_HOLD};
use ccc_wire::context::CallType;
use ccc_wire::ApiError;

use super::model::{Ivr, IvrKind, RingEnd};
use super::timers::Timer;
use super::Emulator;
use crate::ids::now_ms;

/// Why the control API could not bring a customer back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum IvrReturnError {
    /// No such live call.
    #[error("no live call {0}")]
    NoCall(String),
    /// The customer is not in an authentication flow.
    #[error("the customer of call {0} is not in an authentication IVR")]
    NotInIvr(String),
}

/// When a survey went out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SurveySent {
    /// During the call (the IVR survey, or a text message ending a dialling attempt).
    InCall,
    /// By text message after the call: only an agent with a record of that call may send it, which the
    /// record store knows.
    AfterCall,
}

impl Emulator {
    /// Checks that `user_id` may send the customer of `job_id` to an IVR flow.
    fn check_ivr(&self, user_id: &str, job_id: &str) -> Result<(), ApiError> {
        self.talking_leg(user_id, job_id)?;
        let call = self.call_of(user_id, job_id)?;
        let my_type = call.leg_of(user_id).map(|c| c.call_type.clone());
        if matches!(&my_type, Some(t) if *t == CallType::Consultant || t.is_supervision()) {
            return Err(ApiError::invalid(
                "JobId",
                "Only the agent serving the customer can start an IVR flow",
            ));
        }
        if let Some(consult) = call.consult_leg() {
            return Err(super::call_control::consultation_running(consult));
        }
        if call.customer_leg().is_none() {
            return Err(ApiError::invalid(
                "JobId",
                "Only a call with a customer can go to an IVR flow",
            ));
        }
        Ok(())
    }

    fn next_ivr(&mut self, kind: IvrKind, flow: &str, variables: &str) -> Ivr {
        self.ivr_seq += 1;
        Ivr {
            kind,
            contact_flow_id: flow.to_owned(),
            variables: variables.to_owned(),
            since_ms: now_ms(),
            seq: self.ivr_seq,
        }
    }

    /// LaunchSurvey by `user_id`.
    pub(crate) fn launch_survey(
        &mut self,
        user_id: &str,
        req: &LaunchSurveyRequest,
    ) -> Result<SurveySent, ApiError> {
        let job_id = req.job_id.trim();
        let sms = match req
            .survey_channel
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            None | Some("IVR") => false,
            Some("SMS") => true,
            Some(_) => return Err(ApiError::invalid("SurveyChannel", "It must be IVR or SMS")),
        };
        let my_ext = self.agent(user_id)?.extension.clone();
        if sms {
            // A text message needs no talking customer: while dialling (the missed-call message) it ends the
            // attempt; after the call (the satisfaction message, from after-call work) it is only sent.
            if self.call_of(user_id, job_id).is_ok() {
                if let Some(call) = self.calls.get_mut(job_id) {
                    call.surveys.push(user_id.to_owned());
                }
                self.end_call(job_id, &my_ext, "200 - Okay", RingEnd::Abandoned);
            } else {
                // After the call: its record (in the record store) gets the survey; whether there is one
                // the caller checks there ([`SurveySent::AfterCall`]).
                self.finished
                    .surveys
                    .push((job_id.to_owned(), user_id.to_owned()));
                return Ok(SurveySent::AfterCall);
            }
            return Ok(SurveySent::InCall);
        }
        self.check_ivr(user_id, job_id)?;
        let flow = req
            .contact_flow_id
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(str::to_owned)
            .or_else(|| Some(self.config.survey_contact_flow_id.clone()).filter(|f| !f.is_empty()))
            .ok_or_else(|| ApiError::blank("ContactFlowId"))?;
        let ivr = self.next_ivr(
            IvrKind::Survey,
            &flow,
            req.contact_flow_variables.as_deref().unwrap_or(""),
        );
        let seq = ivr.seq;
        let call = self.calls.get_mut(job_id).expect("checked above");
        call.ivr = Some(ivr);
        call.survey_launched = true;
        call.surveys.push(user_id.to_owned());
        let customer = call.customer_leg().map(|c| c.channel_id.clone());
        let others: Vec<String> = call
            .channels
            .iter()
            .filter(|c| c.user_id.is_empty() && Some(&c.channel_id) != customer.as_ref())
            .map(|c| c.channel_id.clone())
            .collect();
        for ch in others {
            call.remove_leg(&ch);
        }
        for c in call.channels.iter_mut() {
            remove_flag(&mut c.channel_flags, FLAG_HOLD);
        }
        let mut agents = call.agents();
        agents.retain(|a| a != user_id);
        self.leave_call(user_id, job_id, &my_ext, RingEnd::Abandoned);
        for other in agents {
            self.leave_call(&other, job_id, &my_ext, RingEnd::Abandoned);
        }
        self.timers.push(Timer::IvrEnd {
            job_id: job_id.to_owned(),
            seq,
            after: std::time::Duration::from_millis(self.config.timers.survey_duration_ms),
        });
        Ok(SurveySent::InCall)
    }

    /// LaunchAuthentication by `user_id`: the customer of `job_id` goes into `flow` with `variables`.
    pub(crate) fn launch_authentication(
        &mut self,
        user_id: &str,
        job_id: &str,
        flow: &str,
        variables: &str,
    ) -> Result<(), ApiError> {
        let flow = flow.trim();
        if flow.is_empty() {
            return Err(ApiError::blank("ContactFlowId"));
        }
        self.check_ivr(user_id, job_id)?;
        if self.calls.get(job_id).is_some_and(|c| c.ivr.is_some()) {
            // `IVR` is not a ChannelState of the spec: the emulator's own word for "in a flow already".
            return Err(ApiError::channel_state("IVR", &["ANSWERED"]));
        }
        let ivr = self.next_ivr(IvrKind::Authentication, flow, variables);
        let seq = ivr.seq;
        if let Some(call) = self.calls.get_mut(job_id) {
            call.ivr = Some(ivr);
        }
        self.timers.push(Timer::IvrEnd {
            job_id: job_id.to_owned(),
            seq,
            after: std::time::Duration::from_millis(self.config.timers.authentication_duration_ms),
        });
        self.touch_call(job_id);
        Ok(())
    }

    /// The IVR visit `seq` of `job_id` ends (timer): a survey's customer hangs up, an authenticated customer
    /// comes back to the agent.
    pub(crate) fn ivr_end(&mut self, job_id: &str, seq: u64) {
        let Some(ivr) = self.calls.get(job_id).and_then(|c| c.ivr.clone()) else {
            return;
        };
        if ivr.seq != seq {
            return;
        }
        match ivr.kind {
            IvrKind::Survey => {
                self.far_end_hangup(job_id, None);
            }
            IvrKind::Authentication => {
                let _ = self.ivr_return(job_id);
            }
        }
    }

    /// The customer of `job_id` comes back from its authentication flow (control API or timer).
    pub(crate) fn ivr_return(&mut self, job_id: &str) -> Result<(), IvrReturnError> {
        let call = self
            .calls
            .get_mut(job_id)
            .ok_or_else(|| IvrReturnError::NoCall(job_id.to_owned()))?;
        if call.ivr.as_ref().map(|i| i.kind) != Some(IvrKind::Authentication) {
            return Err(IvrReturnError::NotInIvr(job_id.to_owned()));
        }
        call.ivr = None;
        self.touch_call(job_id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::data::EmulatorConfig;
    use ccc_wire::UserState;

    const A1: &str = "agent1@ccc-demo";

    fn talking() -> (Emulator, String) {
        let mut emu = Emulator::new(EmulatorConfig::default());
        emu.sign_in(A1, "d", vec![]).unwrap();
        emu.ready(A1, false).unwrap();
        let (job, _) = emu.inbound("13800000001", None).unwrap();
        emu.answer(A1, &job).unwrap();
        emu.take_timers();
        (emu, job)
    }

    #[test]
    fn survey_releases_the_agent_and_the_customer_hangs_up_at_its_end() {
        let (mut emu, job) = talking();
        let req = LaunchSurveyRequest {
            job_id: job.clone(),
            ..Default::default()
        };
        emu.launch_survey(A1, &req).unwrap();
        assert_eq!(emu.user_context(A1).unwrap().user_state, UserState::Working);
        let call = emu.calls().next().unwrap();
        assert!(call.survey_launched && call.agents().is_empty());
        assert_eq!(
            call.ivr.as_ref().unwrap().contact_flow_id,
            "survey-flow@ccc-demo"
        );
        let timers = emu.take_timers();
        assert!(matches!(&timers[..], [Timer::IvrEnd { .. }]));
        emu.fire(&timers[0]);
        assert_eq!(emu.calls().count(), 0);
        assert_eq!(emu.recorded().last().unwrap().job_id, job);
    }

    #[test]
    fn authentication_comes_back_once() {
        let (mut emu, job) = talking();
        emu.launch_authentication(A1, &job, "auth-flow", "{\"a\":1}")
            .unwrap();
        assert_eq!(
            emu.launch_authentication(A1, &job, "auth-flow", "")
                .unwrap_err()
                .params,
            ["IVR", "ANSWERED"]
        );
        let timers = emu.take_timers();
        emu.ivr_return(&job).unwrap();
        assert_eq!(
            emu.ivr_return(&job),
            Err(IvrReturnError::NotInIvr(job.clone()))
        );
        emu.launch_authentication(A1, &job, "auth-flow", "")
            .unwrap();
        emu.fire(&timers[0]);
        assert!(
            emu.calls().next().unwrap().ivr.is_some(),
            "the first visit's timer does not end the second"
        );
        assert_eq!(emu.user_context(A1).unwrap().user_state, UserState::Talking);
    }
}
