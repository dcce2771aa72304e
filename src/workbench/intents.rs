//! The intents behind the SDK's methods and the panel's buttons. Each checks the state gate first
//! (9001 through `onErrorNotify` when not allowed, nothing sent), then calls the backend and feeds the answer
//! back through [`Workbench::dispatch`].

use std::rc::Rc;

use crate::api::ApiFailure;
use agent_state::{Event, Method, Status};
use ccc_wire::action::{
    AgentRequest, ConfigItem, GetLoginDetailsRequest, JobRequest, ListConfigItemsRequest,
    ListOfUserRequest, LoginDetails, MakeCallRequest, OutboundNumber, Page, SignInGroupRequest,
    SkillLevel, StatusData,
};
use ccc_wire::call_control::PickOutboundNumbersRequest;
use ccc_wire::read::FromJson;
use ccc_wire::records::PickedNumber;
use ccc_wire::Action;
use panel_model::{plan_sign_in, Channel, PanelEvent, SignInPlan};
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen_futures::spawn_local;

use super::{camel, flat_status, status_in, CallExtras, Done, Workbench};

impl Workbench {
    /// Calls `action`, reporting a failure through `onErrorNotify` and returning `None`. `Data` is read by
    /// [`FromJson`] (no serde deserialiser per answer type in the wasm; see `ccc_wire::read`).
    pub(super) async fn api<T: FromJson>(
        &self,
        action: Action,
        params: &impl Serialize,
    ) -> Option<Option<T>> {
        let request = serde_json::to_string(params).map_err(|e| ApiFailure::Network(e.to_string()));
        match self.api_raw(action, request).await? {
            None | Some(Value::Null) => Some(None),
            Some(data) => match T::from_json(&data) {
                Ok(data) => Some(Some(data)),
                Err(e) => {
                    let failure = ApiFailure::Network(format!("{action}: unexpected answer: {e}"));
                    self.report_api(action, failure);
                    None
                }
            },
        }
    }

    /// The non-generic part of [`Workbench::api`]: send, report a failure.
    async fn api_raw(
        &self,
        action: Action,
        request: Result<String, ApiFailure>,
    ) -> Option<Option<Value>> {
        let api = self.inner.borrow().api.clone();
        match api.send(action, request).await {
            Ok(data) => Some(data),
            Err(failure) => {
                self.report_api(action, failure);
                None
            }
        }
    }

    /// The state gate: `false` (and 9001 reported) when `method` is not allowed now.
    pub(crate) fn allowed(&self, method: Method) -> bool {
        let status = self.inner.borrow().state.status();
        if status.allows(method) == Some(false) {
            self.report(
                9001,
                format!("{method} is not allowed in status {}", status.code()),
            );
            return false;
        }
        true
    }

    /// GetLoginDetails for the signed-in RAM identity's agent.
    pub(super) fn login_request(&self) -> GetLoginDetailsRequest {
        GetLoginDetailsRequest {
            instance_id: self.inner.borrow().config.instance_id.clone(),
            user_id: None,
        }
    }

    pub(super) fn agent_request(&self) -> AgentRequest {
        let inner = self.inner.borrow();
        AgentRequest {
            instance_id: inner.config.instance_id.clone(),
            user_id: inner.login.as_ref().map(|l| l.user_id.clone()),
            device_id: Some(inner.device_id.clone()),
            ..AgentRequest::default()
        }
    }

    /// `register`'s access point and device type (0 soft phone, 1 SIP phone); a changed device type fires
    /// `onDeviceTypeChange(deviceType)`.
    pub fn set_device(&self, access_point: Option<String>, device_type: Option<u8>) {
        let changed = {
            let mut inner = self.inner.borrow_mut();
            if let Some(ap) = access_point.filter(|a| !a.trim().is_empty()) {
                inner.access_point = ap;
            }
            match device_type {
                Some(t) if t != inner.device_type => {
                    inner.device_type = t;
                    true
                }
                _ => false,
            }
        };
        if changed {
            self.host().hook(
                "onDeviceTypeChange",
                Some(Value::from(device_type.unwrap_or(0))),
            );
        }
    }

    /// `register(loginSkillGroupArray?)`: loads the agent's details, signs in to the given skill groups (all of
    /// them by default) and becomes ready (or stays on break with `isLoggedKeepBreak`).
    pub fn register(&self, groups: Option<Vec<String>>) {
        if self.inner.borrow().state.status() == Status::Registering
            || !self.allowed(Method::Register)
        {
            return;
        }
        self.dispatch(Event::RegisterStarted);
        let wb = self.rc();
        spawn_local(async move {
            match wb.register_flow(groups).await {
                Err(Conflict) => wb.dispatch(Event::DeviceConflict),
                Ok(data) => {
                    let ok = data.is_some();
                    wb.dispatch(Event::OperationDone { data });
                    if ok {
                        wb.signed_in();
                    }
                }
            }
        });
    }

    /// The steps of `register()`: the final snapshot (`None` when a step failed and was reported), or
    /// [`Conflict`] when another device holds the agent (7001 reported).
    async fn register_flow(
        self: &Rc<Self>,
        groups: Option<Vec<String>>,
    ) -> Result<Option<StatusData>, Conflict> {
        let instance_id = self.inner.borrow().config.instance_id.clone();
        let request = self.login_request();
        let Some(Some(login)) = self
            .api::<LoginDetails>(Action::GetLoginDetails, &request)
            .await
        else {
            self.report(9008, "GetLoginDetails returned no login details");
            return Ok(None);
        };
        let page = ListOfUserRequest {
            instance_id: instance_id.clone(),
            user_id: Some(login.user_id.clone()),
            page_number: 1,
            page_size: 100,
        };
        let Some(skills) = self
            .api::<Page<SkillLevel>>(Action::ListSkillLevelsOfUser, &page)
            .await
        else {
            return Ok(None);
        };
        let skills = skills.map(|p| p.list);
        let numbers = self
            .api::<Page<OutboundNumber>>(Action::ListOutboundNumbersOfUser, &page)
            .await;
        let config_items = ListConfigItemsRequest {
            instance_id: instance_id.clone(),
            object_id: instance_id.clone(),
            object_type: "INSTANCE".into(),
        };
        let items: Option<Option<Vec<ConfigItem>>> =
            self.api(Action::ListConfigItems, &config_items).await;
        {
            let mut inner = self.inner.borrow_mut();
            inner.break_codes = break_codes(items.flatten().as_deref().unwrap_or_default());
            inner.skill_groups = skills.unwrap_or_default();
            inner.numbers = numbers.flatten().map(|p| p.list).unwrap_or_default();
            inner.login = Some(login.clone());
        }
        if !self.device_free(&login.user_id).await {
            return Err(Conflict);
        }
        self.start_phone(&login).await;
        self.host().hook("onRegister", Some(camel(&login)));
        Ok(self.finish_sign_in(groups, false).await)
    }

    /// The last step of `register()` / `forceToPrepareSignIn()`: sign in, unless the call center has this
    /// agent in a call (or wrapping one up) on this device — a reload — where its snapshot is taken as
    /// it is and the panel comes back in the call. `taken_over`: this device has just taken the agent
    /// over (AddAgentDevice), so the agent's call is this device's now.
    pub(super) async fn finish_sign_in(
        self: &Rc<Self>,
        groups: Option<Vec<String>>,
        taken_over: bool,
    ) -> Option<StatusData> {
        let request = self.poll_request();
        let current = self
            .api::<StatusData>(Action::PollUserStatus, &request)
            .await
            .flatten();
        let mine = if taken_over {
            current
                .as_ref()
                .map(|c| c.user_context.device_id.clone())
                .unwrap_or_default()
        } else {
            self.inner.borrow().device_id.clone()
        };
        match plan_sign_in(current.as_ref().map(|c| &c.user_context), &mine) {
            SignInPlan::Restore => current,
            SignInPlan::SignIn => self.sign_in(groups).await,
        }
    }

    /// The sign-in is done: the lifecycle runs the channels (and the phone, if this agent takes calls
    /// on it).
    pub(super) fn signed_in(&self) {
        let login = self.inner.borrow().login.clone();
        let phone = login.is_some_and(|l| self.wants_phone(&l));
        self.life(PanelEvent::SignedIn { phone });
    }

    /// SignInGroup then (unless `isLoggedKeepBreak`) ReadyForService; the final snapshot.
    pub(super) async fn sign_in(
        self: &Rc<Self>,
        groups: Option<Vec<String>>,
    ) -> Option<StatusData> {
        let (ids, keep_break, request) = {
            let inner = self.inner.borrow();
            let ids: Vec<String> = match groups {
                Some(ids) if !ids.is_empty() => ids,
                _ => inner
                    .skill_groups
                    .iter()
                    .map(|g| g.skill_group_id.clone())
                    .collect(),
            };
            (ids, inner.config.logged_keep_break, self.agent_request())
        };
        if ids.is_empty() {
            self.report(5002, "the agent belongs to no skill group");
            return None;
        }
        let sign_in = SignInGroupRequest {
            instance_id: request.instance_id.clone(),
            user_id: request.user_id.clone(),
            device_id: request.device_id.clone().unwrap_or_default(),
            signed_skill_group_id_list: serde_json::to_string(&ids).unwrap_or_default(),
        };
        let signed = self
            .api::<Value>(Action::SignInGroup, &sign_in)
            .await?
            .and_then(flat_status);
        if keep_break {
            return signed;
        }
        let ready = self
            .api::<Value>(Action::ReadyForService, &request)
            .await?
            .and_then(flat_status);
        ready.or(signed)
    }

    /// `logIn(loginSkillGroupArray?)`: sign in again after `logOut`.
    pub fn log_in(&self, groups: Option<Vec<String>>) {
        if !self.allowed(Method::LogIn) {
            return;
        }
        self.dispatch(Event::OperationStarted);
        let wb = self.rc();
        spawn_local(async move {
            let login = wb.inner.borrow().login.clone();
            let phone_off = wb.inner.borrow().life.phone() == Channel::Off;
            if let Some(login) = login.filter(|_| phone_off) {
                // Registered before the agent is ready, so the first call finds the phone.
                wb.start_phone(&login).await;
            }
            let data = wb.sign_in(groups).await;
            let ok = data.is_some();
            wb.dispatch(Event::OperationDone { data });
            if ok {
                wb.signed_in();
            }
        });
    }

    /// Runs a state-changing `action` for host method `method`: the state gate first, then the backend call;
    /// the agent state in the answer is folded in, then the host's `done` callback gets the answer's `Data`.
    pub(crate) fn command<R: Serialize + 'static>(
        &self,
        method: Method,
        action: Action,
        request: R,
        done: Option<Done>,
    ) {
        // One non-generic body for every request type (each generic copy of it cost ~2.5 KB of wasm).
        let request = serde_json::to_value(&request).unwrap_or_default();
        self.command_value(method, action, request, done);
    }

    fn command_value(&self, method: Method, action: Action, request: Value, done: Option<Done>) {
        if !self.allowed(method) {
            return;
        }
        let wb = self.rc();
        spawn_local(async move {
            let Some(data) = wb.api::<Value>(action, &request).await else {
                return;
            };
            let data = data.unwrap_or(Value::Null);
            if let Some(status) = status_in(&data) {
                wb.command_result(status);
            }
            if let Some(done) = done {
                done(ccc_wire::keys::to_camel(data));
            }
        });
    }

    /// `logOut()`.
    pub fn log_out(&self) {
        if !self.allowed(Method::LogOut) {
            return;
        }
        // Offline: the soft phone un-REGISTERs.
        self.life(PanelEvent::SignedOut);
        self.command(
            Method::LogOut,
            Action::SignOutGroup,
            self.agent_request(),
            None,
        );
    }

    /// `ready()`.
    pub fn ready(&self) {
        self.command(
            Method::Ready,
            Action::ReadyForService,
            self.agent_request(),
            None,
        );
    }

    /// `applyForCallOnly(true)`: ready, outbound only; `false` is plain `ready`.
    pub fn apply_for_call_only(&self, call_only: bool) {
        let request = AgentRequest {
            outbound_scenario: Some(call_only),
            ..self.agent_request()
        };
        self.command(
            Method::ApplyForCallOnly,
            Action::ReadyForService,
            request,
            None,
        );
    }

    /// After-call work is over (`afterCallRule` elapsed): ReadyForService, not gated.
    pub(crate) fn ready_after_call(&self) {
        let request = self.agent_request();
        let wb = self.rc();
        spawn_local(async move {
            if let Some(data) = wb
                .api::<Value>(Action::ReadyForService, &request)
                .await
                .flatten()
                .and_then(flat_status)
            {
                wb.command_result(data);
            }
        });
    }

    /// `applyForBreak(breakReason?)`.
    pub fn apply_for_break(&self, reason: Option<String>, done: Option<Done>) {
        let code = reason
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| "default".into());
        let request = AgentRequest {
            code: Some(code),
            ..self.agent_request()
        };
        self.command(Method::ApplyForBreak, Action::TakeBreak, request, done);
    }

    /// `call(callee, caller?)`: caller `''`/`'auto'`/absent picks one of the agent's numbers. With
    /// `onBeforeCallDialing` configured, nothing is dialled until the host calls `payload.callback`
    /// (optionally with a rewritten callee).
    pub fn call(&self, callee: &str, caller: Option<&str>, extras: CallExtras) {
        if !self.allowed(Method::Call) {
            return;
        }
        let callee = callee.trim().to_owned();
        if callee.is_empty() {
            self.report(9012, "callee is empty");
            return;
        }
        let caller = caller.map(str::to_owned);
        if !self.host().has_hook("onBeforeCallDialing") {
            self.dial(callee, caller, extras);
            return;
        }
        let user_id = self.user_id();
        let wb = self.rc();
        let original = callee.clone();
        self.host().gate(
            "onBeforeCallDialing",
            serde_json::json!({"callee": callee, "userId": user_id}),
            Box::new(move |rewritten: Option<String>| {
                // The status may have moved while the host decided: check the gate again.
                if wb.allowed(Method::Call) {
                    let callee = rewritten
                        .map(|c| c.trim().to_owned())
                        .filter(|c| !c.is_empty());
                    wb.dial(callee.unwrap_or(original), caller, extras);
                }
            }),
        );
    }

    /// This agent's channel in the current call.
    pub(super) fn my_channel(&self) -> Option<String> {
        let inner = self.inner.borrow();
        let user = inner
            .login
            .as_ref()
            .map(|l| l.user_id.as_str())
            .unwrap_or_default();
        inner
            .state
            .snapshot()
            .and_then(|s| s.call_context.as_ref())
            .and_then(|c| c.channel_of(user).map(|ch| ch.channel_id.clone()))
    }

    fn user_id(&self) -> String {
        let inner = self.inner.borrow();
        inner
            .login
            .as_ref()
            .map(|l| l.user_id.clone())
            .unwrap_or_default()
    }

    /// Caller resolution, then MakeCall. An explicit caller is used as given; otherwise the number chosen in
    /// the 呼出 view; otherwise PickOutboundNumbers picks one near the callee, and when that fails or finds
    /// nothing, one of the agent's numbers at random (changelog 2.6.1: dialling is never blocked by it).
    fn dial(&self, callee: String, caller: Option<String>, extras: CallExtras) {
        let explicit = caller
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty() && c != "auto");
        let chosen = explicit.or_else(|| {
            let inner = self.inner.borrow();
            (!inner.caller.is_empty()).then(|| inner.caller.clone())
        });
        if let Some(caller) = chosen {
            self.make_call(callee, caller, extras);
            return;
        }
        let request = PickOutboundNumbersRequest {
            instance_id: self.inner.borrow().config.instance_id.clone(),
            called_number: callee.clone(),
            count: Some(1),
            skill_group_id_list: None,
        };
        let (wb, api) = (self.rc(), self.inner.borrow().api.clone());
        spawn_local(async move {
            let picked = api
                .call::<Vec<PickedNumber>>(Action::PickOutboundNumbers, &request)
                .await
                .ok()
                .flatten()
                .and_then(|list| {
                    list.into_iter()
                        .map(|p| p.caller.number)
                        .find(|n| !n.is_empty())
                });
            let caller = picked.or_else(|| pick_number(&wb.inner.borrow().numbers));
            match caller {
                Some(caller) => wb.make_call(callee, caller, extras),
                None => wb.report(9010, "the agent has no outbound number"),
            }
        });
    }

    fn make_call(&self, callee: String, caller: String, extras: CallExtras) {
        let base = self.agent_request();
        let request = MakeCallRequest {
            instance_id: base.instance_id,
            user_id: base.user_id,
            device_id: base.device_id,
            callee,
            caller: Some(caller),
            timeout_seconds: extras.timeout_seconds,
            tags: extras.tags,
            masked_callee: extras.masked_callee,
        };
        self.command(Method::Call, Action::MakeCall, request, extras.done);
    }

    pub(super) fn job_request(
        &self,
        job_id: Option<String>,
        channel_id: Option<String>,
    ) -> Option<JobRequest> {
        let base = self.agent_request();
        let job_id = job_id.filter(|j| !j.is_empty()).or_else(|| {
            let inner = self.inner.borrow();
            inner
                .state
                .snapshot()
                .map(|s| s.user_context.job_id.clone())
                .filter(|j| !j.is_empty())
        });
        let Some(job_id) = job_id else {
            self.report(6001, "there is no current call");
            return None;
        };
        Some(JobRequest {
            instance_id: base.instance_id,
            user_id: base.user_id,
            device_id: base.device_id,
            job_id,
            channel_id: channel_id.filter(|c| !c.is_empty()),
        })
    }

    fn call_command(
        &self,
        method: Method,
        action: Action,
        job_id: Option<String>,
        channel_id: Option<String>,
        done: Option<Done>,
    ) {
        if !self.allowed(method) {
            return;
        }
        if let Some(request) = self.job_request(job_id, channel_id) {
            self.command(method, action, request, done);
        }
    }

    /// `answer(callback?)`.
    pub fn answer(&self, done: Option<Done>) {
        self.inner.borrow_mut().answer_timer = None;
        if !self.allowed(Method::Answer) {
            return;
        }
        // The SIP leg is answered whatever AnswerCall answers (changelog 2.6.1).
        let job_id = {
            let inner = self.inner.borrow();
            inner
                .state
                .snapshot()
                .map(|s| s.user_context.job_id.clone())
        };
        self.answer_phone(job_id.as_deref().filter(|j| !j.is_empty()));
        self.call_command(Method::Answer, Action::AnswerCall, None, None, done);
    }

    /// `hangUp(releaseJobId?, releaseChannelId?)`. With `onBeforeCallHangup` configured, the call is
    /// released only when the host calls `payload.callback()`.
    pub fn hang_up(&self, job_id: Option<String>, channel_id: Option<String>, done: Option<Done>) {
        if !self.allowed(Method::HangUp) {
            return;
        }
        if !self.host().has_hook("onBeforeCallHangup") {
            self.call_command(
                Method::HangUp,
                Action::ReleaseCall,
                job_id,
                channel_id,
                done,
            );
            return;
        }
        let Some(request) = self.job_request(job_id.clone(), channel_id.clone()) else {
            return;
        };
        let my_channel = self.my_channel();
        let payload = serde_json::json!({
            "jobId": request.job_id,
            "channelId": request.channel_id.clone().or(my_channel).unwrap_or_default(),
            "userId": self.user_id(),
        });
        let wb = self.rc();
        self.host().gate(
            "onBeforeCallHangup",
            payload,
            Box::new(move |_| {
                wb.call_command(
                    Method::HangUp,
                    Action::ReleaseCall,
                    job_id,
                    channel_id,
                    done,
                )
            }),
        );
    }

    /// `stayAfterCall()`: stop the automatic return to ready.
    pub fn stay_after_call(&self) {
        self.inner.borrow_mut().after_call_timer = None;
        self.dispatch(Event::StayAfterCall);
    }

    /// `unloadWorkbench()`: stops timers, polling and the push socket. The panel is removed by `sdk.rs`.
    pub fn unload(&self) {
        self.dispatch(Event::Unloaded);
        self.life(PanelEvent::Unloaded);
        let timers = {
            let mut inner = self.inner.borrow_mut();
            inner.unloaded = true;
            (
                inner.after_call_timer.take(),
                inner.answer_timer.take(),
                inner.toast_timer.take(),
                inner.page.take(),
            )
        };
        drop(timers);
    }
}

/// Another device holds the agent (7001 reported).
pub(super) struct Conflict;

/// The break reasons of `ListConfigItems` (item `BreakCodes`, a JSON array in a string).
pub fn break_codes(items: &[ConfigItem]) -> Vec<String> {
    items
        .iter()
        .find(|i| i.name == "BreakCodes")
        .and_then(|i| serde_json::from_str::<Value>(&i.value).ok())
        .and_then(|codes| Vec::<String>::from_json(&codes).ok())
        .unwrap_or_default()
        .into_iter()
        .filter(|c| !c.trim().is_empty())
        .collect()
}

/// The fallback caller choice: one of the agent's numbers, at random, as the contract says.
fn pick_number(numbers: &[OutboundNumber]) -> Option<String> {
    if numbers.is_empty() {
        return None;
    }
    let i = (js_sys::Math::random() * numbers.len() as f64) as usize;
    numbers
        .get(i.min(numbers.len() - 1))
        .map(|n| n.number.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(name: &str, value: &str) -> ConfigItem {
        ConfigItem {
            instance_id: "ccc-demo".into(),
            object_id: "ccc-demo".into(),
            object_type: "INSTANCE".into(),
            name: name.into(),
            value: value.into(),
        }
    }

    #[test]
    fn break_reasons_come_from_the_break_codes_item() {
        let items = [
            item("Hotline", "4008000000"),
            item("BreakCodes", r#"["Rest","Meal"," "]"#),
        ];
        assert_eq!(break_codes(&items), ["Rest", "Meal"]);
        assert_eq!(
            break_codes(&[item("BreakCodes", "not json")]),
            Vec::<String>::new()
        );
        assert_eq!(break_codes(&[]), Vec::<String>::new());
    }
}
