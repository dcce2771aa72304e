//! The in-call methods: DTMF, hold, mute, transfers and consultation, internal calls, supervision, work
//! mode. Each one is gated by the status table, sends one call-control action, and folds the answer's
//! `{UserContext, CallContext}` back through [`Workbench::command`].

use agent_state::{Method, Status};
use ccc_wire::action::{JobRequest, MakeCallRequest};
use ccc_wire::call_control::{
    ChangeWorkModeRequest, HoldCallRequest, MonitorCallRequest, MuteCallRequest,
    SendDtmfSignalingRequest, SuperviseRequest, TransferRequest, TransfereeType, WorkMode,
};
use ccc_wire::Action;

use super::{Done, Workbench};

/// What a transfer or consultation target is, read from how the host wrote it: a skill-group id of the
/// agent's, an agent (user id with `@`, or an extension of up to 8 digits), or an external number.
pub fn transferee_type(target: &str, skill_group_ids: &[String]) -> TransfereeType {
    let target = target.trim();
    let extension =
        target.len() <= 8 && !target.is_empty() && target.bytes().all(|b| b.is_ascii_digit());
    if skill_group_ids.iter().any(|g| g == target) {
        TransfereeType::SkillGroup
    } else if target.contains('@') || extension {
        TransfereeType::Agent
    } else {
        TransfereeType::ExternalNumber
    }
}

/// DTMF digits a phone can send: `0-9`, `*`, `#` (and `A-D`).
pub fn valid_dtmf(digits: &str) -> bool {
    !digits.is_empty()
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || b"*#ABCDabcd".contains(&b))
}

impl Workbench {
    /// The current call and this agent's leg of it, or 6001 reported.
    fn current_leg(
        &self,
        job_id: Option<String>,
        channel_id: Option<String>,
    ) -> Option<JobRequest> {
        let mut request = self.job_request(job_id, channel_id)?;
        if request.channel_id.is_none() {
            request.channel_id = self.my_channel();
        }
        Some(request)
    }

    /// `sendDtmf(number, jobId?, channelId?, callback?)`.
    pub fn send_dtmf(
        &self,
        digits: &str,
        job_id: Option<String>,
        channel_id: Option<String>,
        done: Option<Done>,
    ) {
        if !self.allowed(Method::SendDtmf) {
            return;
        }
        let digits = digits.trim();
        if !valid_dtmf(digits) {
            self.report(
                9002,
                format!("sendDtmf: \"{digits}\" is not DTMF (0-9, *, #)"),
            );
            return;
        }
        let Some(leg) = self.current_leg(job_id, channel_id) else {
            return;
        };
        let request = SendDtmfSignalingRequest {
            instance_id: leg.instance_id,
            user_id: leg.user_id,
            device_id: leg.device_id,
            job_id: leg.job_id,
            channel_id: leg.channel_id,
            dtmf: digits.to_owned(),
        };
        self.command(Method::SendDtmf, Action::SendDtmfSignaling, request, done);
    }

    /// `callHold(callback?)` and `callRetrieve(callback?)`.
    pub fn hold(&self, hold: bool, done: Option<Done>) {
        let (method, action) = if hold {
            (Method::CallHold, Action::HoldCall)
        } else {
            (Method::CallRetrieve, Action::RetrieveCall)
        };
        if !self.allowed(method) {
            return;
        }
        let Some(leg) = self.current_leg(None, None) else {
            return;
        };
        let request = HoldCallRequest {
            instance_id: leg.instance_id,
            user_id: leg.user_id,
            device_id: leg.device_id,
            job_id: leg.job_id,
            channel_id: leg.channel_id,
            music: None,
        };
        self.command(method, action, request, done);
    }

    /// A keyboard shortcut: its method where the status allows it, nothing otherwise (no 9001 for a stray
    /// key press). Mute and hold toggle.
    pub fn run_shortcut(&self, shortcut: crate::shortcuts::Shortcut) -> bool {
        use crate::shortcuts::Shortcut;
        let view = self.view();
        let may = |m: Method| view.status.allows(m) == Some(true);
        let muted = view.call.as_ref().is_some_and(|c| c.muted);
        let held = view.status == Status::Hold;
        match shortcut {
            Shortcut::Answer if may(Method::Answer) => self.answer(None),
            Shortcut::HangUp if may(Method::HangUp) => self.hang_up(None, None, None),
            Shortcut::Mute if muted && may(Method::UmMuteAgent) => self.mute(false),
            Shortcut::Mute if !muted && may(Method::MuteAgent) => self.mute(true),
            // By the status, not by what is allowed: a talking status may allow callRetrieve too.
            Shortcut::Hold if held && may(Method::CallRetrieve) => self.hold(false, None),
            Shortcut::Hold if !held && may(Method::CallHold) => self.hold(true, None),
            _ => return false,
        }
        true
    }

    /// `muteAgent()` and `umMuteAgent()` (sic).
    pub fn mute(&self, mute: bool) {
        let (method, action) = if mute {
            (Method::MuteAgent, Action::MuteCall)
        } else {
            (Method::UmMuteAgent, Action::UnmuteCall)
        };
        if !self.allowed(method) {
            return;
        }
        let Some(leg) = self.current_leg(None, None) else {
            return;
        };
        // Muted at the track at once; the call center learns it through MuteCall.
        if let Some(phone) = self.phone() {
            phone.set_muted(mute);
        }
        let request = MuteCallRequest {
            instance_id: leg.instance_id,
            user_id: leg.user_id,
            device_id: leg.device_id,
            job_id: Some(leg.job_id),
            channel_id: leg.channel_id,
        };
        self.command(method, action, request, None);
    }

    /// `thirdCallTransfer(callee, caller?, callback?)` (blind) and
    /// `initiateAttendedTransfer(callee, caller?, callback?)` (consult first).
    pub fn transfer(
        &self,
        attended: bool,
        target: &str,
        caller: Option<String>,
        done: Option<Done>,
    ) {
        let (method, action) = if attended {
            (
                Method::InitiateAttendedTransfer,
                Action::InitiateAttendedTransfer,
            )
        } else {
            (Method::ThirdCallTransfer, Action::BlindTransfer)
        };
        if !self.allowed(method) {
            return;
        }
        let target = target.trim();
        if target.is_empty() {
            self.report(9012, format!("{method}: the transfer target is empty"));
            return;
        }
        let Some(leg) = self.current_leg(None, None) else {
            return;
        };
        let groups: Vec<String> = {
            let inner = self.inner.borrow();
            inner
                .skill_groups
                .iter()
                .map(|g| g.skill_group_id.clone())
                .collect()
        };
        let kind = transferee_type(target, &groups);
        let transferor = match kind {
            TransfereeType::ExternalNumber => {
                caller.filter(|c| !c.trim().is_empty() && c != "auto")
            }
            _ => None,
        };
        let request = TransferRequest {
            instance_id: leg.instance_id,
            user_id: leg.user_id,
            device_id: leg.device_id,
            job_id: leg.job_id,
            transferee: target.to_owned(),
            transferee_type: Some(kind),
            transferor,
            ..TransferRequest::default()
        };
        self.command(method, action, request, done);
    }

    /// `thirdCallRetrieve(callback?)`: back to the customer (CancelAttendedTransfer);
    /// `thirdCallTransferFinished(callback?)`: hand the customer over (CompleteAttendedTransfer).
    pub fn finish_consultation(&self, complete: bool, done: Option<Done>) {
        let (method, action) = if complete {
            (
                Method::ThirdCallTransferFinished,
                Action::CompleteAttendedTransfer,
            )
        } else {
            (Method::ThirdCallRetrieve, Action::CancelAttendedTransfer)
        };
        if !self.allowed(method) {
            return;
        }
        if let Some(leg) = self.current_leg(None, None) {
            self.command(method, action, leg, done);
        }
    }

    /// `agentToAgent(userDN, callback?)`: an internal call to the agent with that extension.
    pub fn agent_to_agent(&self, extension: &str, done: Option<Done>) {
        if !self.allowed(Method::AgentToAgent) {
            return;
        }
        let extension = extension.trim();
        if extension.is_empty() {
            self.report(9012, "agentToAgent: the extension is empty");
            return;
        }
        let base = self.agent_request();
        let request = MakeCallRequest {
            instance_id: base.instance_id,
            user_id: base.user_id,
            device_id: base.device_id,
            callee: extension.to_owned(),
            ..MakeCallRequest::default()
        };
        self.command(Method::AgentToAgent, Action::MakeCall, request, done);
    }

    /// `applyForOnSite()`, `applyForOffSite()`, `applyForOffSiteDirectly()`: ChangeWorkMode. Off-site answering
    /// rings the agent's mobile: `mobile`, else the one the backend knows for the agent; none ⇒ 9002.
    pub fn change_work_mode(&self, method: Method, mode: WorkMode, mobile: Option<String>) {
        if !self.allowed(method) {
            return;
        }
        let mobile = mobile
            .map(|m| m.trim().to_owned())
            .filter(|m| !m.is_empty())
            .or_else(|| {
                let inner = self.inner.borrow();
                inner
                    .state
                    .snapshot()
                    .map(|s| s.user_context.mobile.clone())
                    .filter(|m| !m.is_empty())
            });
        if mode == WorkMode::OffSite && mobile.is_none() {
            self.report(
                9002,
                format!("{method}: off-site answering needs the agent's mobile number"),
            );
            return;
        }
        let base = self.agent_request();
        let request = ChangeWorkModeRequest {
            instance_id: base.instance_id,
            user_id: base.user_id,
            device_id: base.device_id,
            work_mode: mode,
            mobile,
            signed_skill_group_id_list: None,
        };
        self.command(method, Action::ChangeWorkMode, request, None);
    }

    /// `monitor(userId, callback?)`.
    pub fn monitor(&self, user_id: &str, done: Option<Done>) {
        if !self.allowed(Method::Monitor) {
            return;
        }
        if user_id.trim().is_empty() {
            self.report(9002, "monitor: userId is empty");
            return;
        }
        let base = self.agent_request();
        let request = MonitorCallRequest {
            instance_id: base.instance_id,
            user_id: base.user_id,
            device_id: base.device_id,
            monitored_user_id: user_id.trim().to_owned(),
            timeout_seconds: None,
        };
        self.command(Method::Monitor, Action::MonitorCall, request, done);
    }

    /// `bargeIn(userId, jobId?, callback?)`, `intercept(…)`, `coach(…)`.
    pub fn supervise(
        &self,
        method: Method,
        user_id: &str,
        job_id: Option<String>,
        done: Option<Done>,
    ) {
        if !self.allowed(method) {
            return;
        }
        let target = user_id.trim().to_owned();
        if target.is_empty() {
            self.report(9002, format!("{method}: userId is empty"));
            return;
        }
        let base = self.agent_request();
        let mut request = SuperviseRequest {
            instance_id: base.instance_id,
            user_id: base.user_id,
            device_id: base.device_id,
            job_id: job_id.filter(|j| !j.is_empty()),
            ..SuperviseRequest::default()
        };
        let action = match method {
            Method::BargeIn => {
                request.barged_user_id = Some(target);
                Action::BargeInCall
            }
            Method::Intercept => {
                request.intercepted_user_id = Some(target);
                Action::InterceptCall
            }
            _ => {
                request.coached_user_id = Some(target);
                Action::Coach
            }
        };
        self.command(method, action, request, done);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transfer_targets() {
        let groups = vec!["sales@ccc-demo".to_string()];
        assert_eq!(
            transferee_type("sales@ccc-demo", &groups),
            TransfereeType::SkillGroup
        );
        assert_eq!(
            transferee_type("agent2@ccc-demo", &groups),
            TransfereeType::Agent
        );
        assert_eq!(transferee_type("8002", &groups), TransfereeType::Agent);
        assert_eq!(
            transferee_type(" 80020001 ", &groups),
            TransfereeType::Agent
        );
        assert_eq!(
            transferee_type("13900001234", &groups),
            TransfereeType::ExternalNumber
        );
        assert_eq!(
            transferee_type("021-8000", &groups),
            TransfereeType::ExternalNumber
        );
    }

    #[test]
    fn dtmf_digits() {
        assert!(valid_dtmf("0123456789*#"));
        assert!(valid_dtmf("A"));
        assert!(!valid_dtmf(""));
        assert!(!valid_dtmf("1 2"));
        assert!(!valid_dtmf("x"));
    }
}
