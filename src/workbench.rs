//! The workbench controller: one per mounted SDK instance.
//!
//! It owns the [`AgentState`] reducer, the panel's lifecycle model and everything with a lifetime (timers,
//! the push socket, the poll loop, the soft phone). Host methods and panel buttons call the same intent
//! methods ([`intents`], [`call_control`], [`conference`], [`panel_settings`], …), each gated by an
//! [`agent_state::Method`]; backend facts arrive through [`sync`]; every fact goes through
//! [`Workbench::dispatch`], which runs the reducer, then carries out its effects — calling host hooks with
//! no borrow held, so a hook may call back into the SDK.

pub mod access_points;
pub mod audio_devices;
pub mod call_control;
pub mod conference;
pub mod devices;
pub mod directory;
pub mod intents;
pub mod network;
pub mod page_events;
pub mod panel_settings;
pub mod phone;
pub mod sync;

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use agent_state::{AgentState, Effect, Event, Hook, Source, Status};
use ccc_wire::action::{LoginDetails, OutboundNumber, SkillLevel, StatusData};
use ccc_wire::read::FromJson;
use ccc_wire::records::{AgentReport, CallDetailRecord, RealtimeAgentState};
use ccc_wire::{keys, Action};
use gloo_timers::callback::Timeout;
use serde_json::{json, Value};

use crate::api::{Api, ApiFailure};
use crate::config::{Config, Language};
use crate::errors::{ErrorCode, ErrorReport};
use crate::i18n::Catalogue;
use crate::media_devices::DeviceReport;

/// The host page, as the controller sees it: hooks and error reports. `sdk.rs` implements it over JS.
pub trait Host {
    /// Calls hook `name` (a config key) with one argument, or none.
    fn hook(&self, name: &str, arg: Option<Value>);
    /// Reports an operational error (`onErrorNotify`, or the console when not configured).
    fn error(&self, report: &ErrorReport);
    /// Writes `workbenchSdkStatus` for other tabs.
    fn publish_status(&self, code: i32);
    /// Shows a desktop notification (an incoming call), when the user allowed them.
    fn desktop_notice(&self, title: &str, body: &str);
    /// Closes the incoming-call notification, if one is shown: the ring is over.
    fn close_desktop_notice(&self);
    /// Whether the host configured hook `name`.
    fn has_hook(&self, name: &str) -> bool;
    /// Calls a callback-gated hook (`onBeforeCallDialing`, `onBeforeCallHangup`) with `payload` plus a
    /// `callback` function. `proceed` runs once, when the host invokes the callback (now or later), with
    /// the callee it passed, if any. If the host never invokes it, nothing happens (`sdk-contract.md` §5.2).
    fn gate(&self, name: &str, payload: Value, proceed: Box<dyn FnOnce(Option<String>)>);
}

/// The panel's subscription to view changes.
type Listener = Box<dyn Fn(View)>;

/// What the panel renders; a value, so components compare it cheaply.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    /// Current status.
    pub status: Status,
    /// `Date.now()` when the status last changed (for the timer in the header).
    pub since_ms: f64,
    /// The signed-in agent.
    pub agent: Option<LoginDetails>,
    /// The far party of the current call and its direction.
    pub call: Option<CallView>,
    /// The agent's caller numbers.
    pub numbers: Vec<String>,
    /// The caller number chosen in the 呼出 view (empty = automatic).
    pub caller: String,
    /// Register/logIn in progress.
    pub busy: bool,
    /// A message shown over the panel (API errors with `exportErrorOfApi`, gate violations from the panel).
    pub toast: Option<String>,
    /// Panel shown.
    pub visible: bool,
    /// Panel expanded.
    pub main_visible: bool,
    /// Panel width, px.
    pub width: u32,
    /// Panel height, px.
    pub height: u32,
    /// Side-nav entry shown.
    pub nav: String,
    /// In-call and ringtone volumes.
    pub volumes: Volumes,
    /// The soft phone's device id.
    pub device_id: String,
    /// Names of the agent's skill groups.
    pub skill_groups: Vec<String>,
    /// The host's `offlineImage`/`breakImage` for the current status, if any.
    pub state_image: Option<String>,
    /// The instance's agents (内部通话, 监听).
    pub agents: Rc<Vec<RealtimeAgentState>>,
    /// The agent's recent calls (通话记录).
    pub records: Rc<Vec<CallDetailRecord>>,
    /// Today's figures (我的工作).
    pub report: Option<Rc<AgentReport>>,
    /// `ON_SITE`, `OFF_SITE` or `OFFICE_PHONE` (empty before sign-in).
    pub work_mode: String,
    /// Break reasons to choose from.
    pub break_codes: Vec<String>,
    /// Signed out because another device holds the agent.
    pub device_conflict: bool,
    /// The browser checks of 设备检测.
    pub device_report: Option<Rc<DeviceReport>>,
    /// The chosen microphone and speaker ids.
    pub audio_devices: (String, String),
    /// The language the panel shows its texts in (`language`).
    pub lang: Language,
}

impl View {
    /// The texts of the panel's language.
    pub fn text(&self) -> &'static Catalogue {
        crate::i18n::text(self.lang)
    }
}

/// The current call as the panel shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct CallView {
    /// Call id.
    pub job_id: String,
    /// The other party's number.
    pub number: String,
    /// Skill group of an inbound call.
    pub skill_group: String,
    /// `INBOUND`, `OUTBOUND`, …
    pub call_type: String,
    /// The agent's own leg is muted.
    pub muted: bool,
}

pub(crate) struct Inner {
    pub(crate) config: Config,
    pub(crate) api: Api,
    pub(crate) state: AgentState,
    pub(crate) device_id: String,
    pub(crate) login: Option<LoginDetails>,
    pub(crate) skill_groups: Vec<SkillLevel>,
    pub(crate) numbers: Vec<OutboundNumber>,
    pub(crate) since_ms: f64,
    pub(crate) caller: String,
    pub(crate) toast: Option<String>,
    pub(crate) visible: bool,
    pub(crate) main_visible: bool,
    pub(crate) width: u32,
    pub(crate) nav: String,
    pub(crate) unloaded: bool,
    pub(crate) after_call_timer: Option<Timeout>,
    pub(crate) answer_timer: Option<Timeout>,
    pub(crate) toast_timer: Option<Timeout>,
    /// The lifecycle of the channels (push, poll, phone): what runs, what to retry.
    pub(crate) life: panel_model::PanelModel,
    /// The lifecycle's handles (socket, timers).
    pub(crate) sync: sync::Sync,
    /// `changeVolumeInCall` and `changeRingToneVolume`, in [0, 1]; applied by the audio edge.
    pub(crate) volumes: Volumes,
    /// The instance's agents, as last loaded.
    pub(crate) agents: Rc<Vec<RealtimeAgentState>>,
    /// The agent's recent calls, as last loaded.
    pub(crate) records: Rc<Vec<CallDetailRecord>>,
    /// Today's figures, as last loaded.
    pub(crate) report: Option<Rc<AgentReport>>,
    /// The work mode last seen (`ON_SITE`, `OFF_SITE`, `OFFICE_PHONE`).
    pub(crate) work_mode: String,
    /// Break reasons offered by the call center (ListConfigItems `BreakCodes`).
    pub(crate) break_codes: Vec<String>,
    /// `register`'s device type: 0 WebRTC soft phone, 1 SIP phone.
    pub(crate) device_type: u8,
    /// Signed out because another device holds the agent (7001 / `Kicked`).
    pub(crate) device_conflict: bool,
    /// The 设备检测 report, as last run.
    pub(crate) device_report: Option<Rc<DeviceReport>>,
    /// The chosen microphone (empty: default).
    pub(crate) audio_input: String,
    /// The chosen speaker (empty: default).
    pub(crate) audio_output: String,
    /// `register`'s access point (`default` = automatic), used by the soft phone.
    pub(crate) access_point: String,
    /// The TURN servers of the access point in force, shared with the soft phone's legs
    /// ([`access_points`]; empty: direct connection).
    pub(crate) ice_servers: crate::softphone::peer::IceServers,
    /// The soft phone and its timers.
    pub(crate) phone: phone::PhoneSlot,
    /// The page's lifecycle listeners (pagehide, visibility, network, devices).
    pub(crate) page: Option<page_events::PageWatch>,
}

/// One mounted workbench.
pub struct Workbench {
    pub(crate) inner: RefCell<Inner>,
    host: Box<dyn Host>,
    listener: RefCell<Option<Listener>>,
    me: Weak<Workbench>,
}

impl Workbench {
    /// A controller for `config`, reporting to `host`.
    /// `api` is the transport (`Api::new(&config)`, or the host's `apiAxiosFunc`).
    pub fn new(config: Config, host: Box<dyn Host>, api: Api) -> Rc<Workbench> {
        let nav = config.side_nav_list.first().cloned().unwrap_or_default();
        let inner = Inner {
            api,
            state: AgentState::new(config.rules.clone()),
            device_id: devices::tab_device_id(),
            login: None,
            skill_groups: Vec::new(),
            numbers: Vec::new(),
            since_ms: js_sys::Date::now(),
            caller: String::new(),
            toast: None,
            visible: config.default_visible,
            main_visible: config.default_main_content_visible,
            width: config.width,
            nav,
            unloaded: false,
            after_call_timer: None,
            answer_timer: None,
            toast_timer: None,
            life: panel_model::PanelModel::new(panel_model::Timing {
                poll_with_push_ms: config.poll_with_ws_ms,
                poll_without_push_ms: config.poll_without_ws_ms,
                ..panel_model::Timing::default()
            }),
            sync: sync::Sync::default(),
            volumes: Volumes::default(),
            agents: Rc::default(),
            records: Rc::default(),
            report: None,
            work_mode: String::new(),
            break_codes: Vec::new(),
            device_type: 0,
            device_conflict: false,
            device_report: None,
            audio_input: String::new(),
            audio_output: String::new(),
            access_point: "default".into(),
            ice_servers: Default::default(),
            phone: phone::PhoneSlot::default(),
            page: None,
            config,
        };
        Rc::new_cyclic(|me| Workbench {
            inner: RefCell::new(inner),
            host,
            listener: RefCell::new(None),
            me: me.clone(),
        })
    }

    /// Starts listening to what the page does (reload, sleep, network, devices) for the lifecycle.
    pub fn watch_page(self: &Rc<Self>) {
        let watch = page_events::watch(self);
        self.inner.borrow_mut().page = watch;
    }

    pub(crate) fn rc(&self) -> Rc<Workbench> {
        self.me
            .upgrade()
            .expect("a workbench is always held in an Rc")
    }

    /// Registers the panel's re-render callback.
    pub fn set_listener(&self, listener: impl Fn(View) + 'static) {
        *self.listener.borrow_mut() = Some(Box::new(listener));
    }

    /// The config in force.
    pub fn config(&self) -> Config {
        self.inner.borrow().config.clone()
    }

    /// `{code, lastCode}` of `getStatusCode()`.
    pub fn status_code(&self) -> (i32, i32) {
        let inner = self.inner.borrow();
        (
            inner.state.status().code(),
            inner.state.last_status().code(),
        )
    }

    /// What the panel shows now.
    pub fn view(&self) -> View {
        let inner = self.inner.borrow();
        let snapshot = inner.state.snapshot();
        let call = snapshot
            .and_then(call_view)
            .filter(|_| inner.state.status().in_call());
        View {
            status: inner.state.status(),
            since_ms: inner.since_ms,
            agent: inner.login.clone(),
            call,
            numbers: inner.numbers.iter().map(|n| n.number.clone()).collect(),
            caller: inner.caller.clone(),
            busy: matches!(inner.state.status(), Status::Registering),
            toast: inner.toast.clone(),
            visible: inner.visible,
            main_visible: inner.main_visible,
            width: inner.width,
            height: inner.config.height,
            nav: inner.nav.clone(),
            volumes: inner.volumes,
            device_id: inner.device_id.clone(),
            agents: inner.agents.clone(),
            records: inner.records.clone(),
            report: inner.report.clone(),
            break_codes: inner.break_codes.clone(),
            device_conflict: inner.device_conflict && inner.state.status() == Status::Offline,
            device_report: inner.device_report.clone(),
            audio_devices: (inner.audio_input.clone(), inner.audio_output.clone()),
            lang: inner.config.language,
            work_mode: if inner.work_mode.is_empty() {
                inner
                    .login
                    .as_ref()
                    .map(|l| l.work_mode.clone())
                    .unwrap_or_default()
            } else {
                inner.work_mode.clone()
            },
            state_image: match inner.state.status() {
                Status::Offline => Some(inner.config.offline_image.clone()),
                Status::Break => Some(inner.config.break_image.clone()),
                _ => None,
            }
            .filter(|url| !url.is_empty()),
            skill_groups: inner
                .skill_groups
                .iter()
                .map(|g| {
                    if g.skill_group_name.is_empty() {
                        g.skill_group_id.clone()
                    } else {
                        g.skill_group_name.clone()
                    }
                })
                .collect(),
        }
    }

    pub(crate) fn notify(&self) {
        let view = self.view();
        if let Some(listener) = self.listener.borrow().as_ref() {
            listener(view);
        }
    }

    /// Folds `event` into the state and carries out the effects.
    pub(crate) fn dispatch(&self, event: Event) {
        let effects = {
            let mut inner = self.inner.borrow_mut();
            if inner.unloaded {
                return;
            }
            let before = inner.state.status();
            match event {
                Event::DeviceConflict => inner.device_conflict = true,
                Event::RegisterStarted | Event::OperationStarted => inner.device_conflict = false,
                _ => {}
            }
            let effects = inner.state.apply(event);
            if inner.state.status() != before {
                let now = js_sys::Date::now();
                inner.since_ms = restored_call_since(&inner.state, before, now).unwrap_or(now);
            }
            (effects, work_mode_change(&mut inner))
        };
        let (effects, work_mode) = effects;
        for effect in effects {
            self.run(effect);
        }
        if let Some(mode) = work_mode {
            self.host
                .hook("onWorkModeChange", Some(Value::String(mode)));
        }
        self.notify();
    }

    /// Applies a snapshot from a command's answer.
    pub(crate) fn command_result(&self, data: StatusData) {
        self.dispatch(Event::Snapshot {
            source: Source::Command,
            data,
        });
    }

    fn run(&self, effect: Effect) {
        match effect {
            Effect::Hook(hook) => self.call_hook(hook),
            Effect::StartAfterCallTimer { timer, seconds } => {
                let me = self.me.clone();
                let t = Timeout::new(seconds.saturating_mul(1000), move || {
                    if let Some(wb) = me.upgrade() {
                        wb.dispatch(Event::AfterCallTimerFired { timer });
                    }
                });
                self.inner.borrow_mut().after_call_timer = Some(t);
            }
            Effect::BecomeReady => self.rc().ready_after_call(),
            Effect::AutoAnswer { job_id, seconds } => {
                let me = self.me.clone();
                let t = Timeout::new(seconds.saturating_mul(1000), move || {
                    let Some(wb) = me.upgrade() else { return };
                    let still_ringing = {
                        let inner = wb.inner.borrow();
                        inner.state.status() == Status::Ringing
                            && inner
                                .state
                                .snapshot()
                                .is_some_and(|s| s.user_context.job_id == job_id)
                    };
                    if still_ringing {
                        wb.answer(None);
                    }
                });
                self.inner.borrow_mut().answer_timer = Some(t);
            }
        }
    }

    fn call_hook(&self, hook: Hook) {
        let (name, arg): (&str, Option<Value>) = match hook {
            Hook::StatusChange {
                code,
                last_code,
                context,
            } => {
                self.host.publish_status(code);
                if code != Status::Ringing.code() {
                    self.host.close_desktop_notice();
                }
                (
                    "onStatusChange",
                    Some(json!({"code": code, "lastCode": last_code, "context": context})),
                )
            }
            Hook::LogIn => ("onLogIn", None),
            Hook::LogOut => ("onLogOut", None),
            Hook::Break => ("onBreak", None),
            Hook::Ready => ("onReady", None),
            Hook::AgentOutboundScenario => ("onAgentOutboundScenario", None),
            Hook::CallComing(d) | Hook::CallDialing(d) if d.job_id.is_empty() => return,
            Hook::CallComing(d) => {
                if !self.inner.borrow().config.customized_notification {
                    self.host
                        .desktop_notice(self.text().incoming_notification, &d.caller);
                }
                ("onCallComing", Some(detail_json(d)))
            }
            Hook::CallDialing(d) => ("onCallDialing", Some(detail_json(d))),
            Hook::CallEstablish { call_context } => (
                "onCallEstablish",
                Some(json!({"callContext": call_context})),
            ),
            Hook::CallRelease { call_context } => {
                ("onCallRelease", Some(json!({"callContext": call_context})))
            }
            Hook::HangUp(t) => {
                if t == agent_state::HangUpType::Dialing {
                    self.report_failed_dial();
                }
                ("onHangUp", Some(json!(t.as_str())))
            }
        };
        self.host.hook(name, arg);
    }

    /// An outbound call that ended before it was answered: 5001 with the far end's SIP status, when the
    /// backend says why (`ReleaseReason` such as `"486 - Busy Here"`).
    fn report_failed_dial(&self) {
        let code = {
            let inner = self.inner.borrow();
            inner
                .state
                .snapshot()
                .and_then(|s| s.call_context.as_ref())
                .and_then(|c| c.customer_channel())
                .and_then(|ch| crate::sip_codes::sip_code(&ch.release_reason))
        };
        if let Some(code) = code.filter(|c| crate::sip_codes::is_failure(*c)) {
            self.host.error(&ErrorReport {
                code: ErrorCode::Sdk(5001),
                msg: json!(code),
                tip: crate::sip_codes::sip_tip(code).to_owned(),
                request_id: None,
            });
        }
    }

    /// Reports an SDK error code.
    pub(crate) fn report(&self, code: u32, msg: impl Into<String>) {
        self.host.error(&ErrorReport::sdk(code, msg));
    }

    /// Reports a failed backend call: network ⇒ 9007; CCC error ⇒ its code, message and request id.
    pub(crate) fn report_api(&self, action: Action, failure: ApiFailure) {
        let report = match failure {
            ApiFailure::Network(msg) => ErrorReport::sdk(9007, format!("{action}: {msg}")),
            ApiFailure::Api(e) => match sdk_code_of(action, &e.code) {
                // The IVR hand-offs have codes of their own in the contract (5004, 5006).
                Some(code) => ErrorReport {
                    code: ErrorCode::Sdk(code),
                    msg: json!(format!("{}: {}", e.code, e.message)),
                    tip: crate::errors::tip(code).to_owned(),
                    request_id: Some(e.request_id),
                },
                None => ErrorReport {
                    code: ErrorCode::Api(e.code.clone()),
                    msg: json!(e.message),
                    tip: if e.code.starts_with("InvalidOperation") {
                        crate::errors::tip(9001).to_owned()
                    } else {
                        format!("{}:{}", crate::errors::tip(9003), action)
                    },
                    request_id: Some(e.request_id),
                },
            },
        };
        let export = self.inner.borrow().config.export_error_of_api;
        if export {
            let code = report.code.to_string();
            let request_id = report.request_id.clone().unwrap_or_default();
            let msg = report.msg.as_str().unwrap_or_default().to_owned();
            self.toast(format!(
                "{msg}\nApiName: {action}\nErrorCode: {code}\nRequestId: {request_id}"
            ));
        }
        self.host.error(&report);
    }

    /// Reports an SDK error code (with the contract's tip) and shows `hint`, the catalogue's text for it,
    /// over the panel for 3 s (`isAvailBroswer`).
    pub(crate) fn report_with_hint(&self, code: u32, hint: &str, msg: &str) {
        self.show(hint.to_owned(), 3000);
        self.report(code, msg);
    }

    /// The texts of the panel's language, for toasts.
    pub(crate) fn text(&self) -> &'static Catalogue {
        crate::i18n::text(self.inner.borrow().config.language)
    }

    /// Shows a message over the panel for a few seconds.
    pub(crate) fn toast(&self, text: String) {
        self.show(text, 5000);
    }

    fn show(&self, text: String, millis: u32) {
        let me = self.me.clone();
        let timer = Timeout::new(millis, move || {
            if let Some(wb) = me.upgrade() {
                wb.inner.borrow_mut().toast = None;
                wb.notify();
            }
        });
        {
            let mut inner = self.inner.borrow_mut();
            inner.toast = Some(text);
            inner.toast_timer = Some(timer);
        }
        self.notify();
    }

    pub(crate) fn host(&self) -> &dyn Host {
        self.host.as_ref()
    }
}

/// Playback volumes the host chose, each in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Volumes {
    /// The far party's voice.
    pub in_call: f64,
    /// The ringtone.
    pub ring: f64,
}

impl Default for Volumes {
    fn default() -> Self {
        Volumes {
            in_call: 1.0,
            ring: 1.0,
        }
    }
}

/// The SDK error code the contract gives a failed `action` (backend code `code`), where it gives one.
fn sdk_code_of(action: Action, code: &str) -> Option<u32> {
    match action {
        // The callee (an agent) is in a call already.
        Action::MakeCall if code.contains("Busy") => Some(8003),
        Action::SignOutGroup => Some(9006),
        Action::LaunchSurvey => Some(5004),
        Action::LaunchAuthentication => Some(5006),
        _ => None,
    }
}

/// When a call restored by `register()` (a reload mid-call) went into its state: the agent leg's
/// `Timestamp`, so the call's timer goes on from there instead of from the reload.
fn restored_call_since(state: &AgentState, before: Status, now: f64) -> Option<f64> {
    if !matches!(before, Status::Registering | Status::Unregistered) || !state.status().in_call() {
        return None;
    }
    let snapshot = state.snapshot()?;
    let leg = snapshot
        .call_context
        .as_ref()?
        .channel_of(&snapshot.user_context.user_id)?;
    let at = leg.timestamp as f64;
    (at > 0.0 && at <= now).then_some(at)
}

/// The agent's new work mode when the latest applied snapshot changed it (the first one known only records
/// it: `onWorkModeChange` is for changes).
fn work_mode_change(inner: &mut Inner) -> Option<String> {
    let mode = inner
        .state
        .snapshot()
        .map(|s| s.user_context.work_mode.clone())
        .filter(|m| !m.is_empty())?;
    if inner.work_mode == mode {
        return None;
    }
    let first = inner.work_mode.is_empty();
    inner.work_mode = mode.clone();
    (!first).then_some(mode)
}

/// What `call()` takes beside callee and caller.
#[derive(Default)]
pub struct CallExtras {
    /// `callback`, after MakeCall succeeded.
    pub done: Option<Done>,
    /// `otherParams.TimeoutSeconds`: give up if not connected by then.
    pub timeout_seconds: Option<u32>,
    /// `otherParams.Tags`: data carried with the call.
    pub tags: Option<String>,
    /// `otherParams.MaskedCallee`: the callee as shown (masked).
    pub masked_callee: Option<String>,
}

/// A host's `callback` argument (`sdk-contract.md` §6.1): called once, after the method's backend call
/// succeeded, with the answer's `Data` in lowerCamel keys.
pub type Done = Box<dyn FnOnce(Value)>;

/// The agent's state in a command's `Data`: `{UserContext, CallContext, ContextId}` (call control,
/// PollUserStatus) or a flat UserContext (SignInGroup, ReadyForService, TakeBreak, SignOutGroup).
pub(crate) fn status_in(data: &Value) -> Option<StatusData> {
    if data.get("UserContext").is_some() {
        StatusData::from_json(data).ok()
    } else {
        flat_status(data.clone())
    }
}

/// `Data` of SignInGroup/ReadyForService/TakeBreak/SignOutGroup: a flat UserContext (+ `ContextId` when the
/// backend sends one).
pub(crate) fn flat_status(data: Value) -> Option<StatusData> {
    let context_id = data.get("ContextId").and_then(Value::as_u64).unwrap_or(0);
    // Through the wire form, so the snapshot's other members take their defaults (no call).
    StatusData::from_json(&json!({"UserContext": data, "ContextId": context_id})).ok()
}

fn detail_json(d: agent_state::CallDetail) -> Value {
    json!({"caller": d.caller, "callee": d.callee, "callType": d.call_type, "jobId": d.job_id,
        "callContext": d.call_context})
}

fn call_view(s: &StatusData) -> Option<CallView> {
    let call = s.call_context.as_ref()?;
    let me = &s.user_context.user_id;
    let far = call
        .customer_channel()
        .or_else(|| call.channel_contexts.iter().find(|c| &c.user_id != me))?;
    let inbound = call.call_type.as_str() == "INBOUND";
    Some(CallView {
        job_id: call.job_id.clone(),
        number: if inbound {
            far.originator.clone()
        } else {
            far.destination.clone()
        },
        skill_group: call
            .channel_of(me)
            .map(|c| c.skill_group_id.clone())
            .unwrap_or_default(),
        call_type: call.call_type.to_string(),
        muted: call.channel_of(me).is_some_and(|c| {
            ccc_wire::call_control::has_flag(&c.channel_flags, ccc_wire::call_control::FLAG_MUTED)
        }),
    })
}

/// Lower-camel JSON for a hook payload built from wire structs.
pub(crate) fn camel(value: impl serde::Serialize) -> Value {
    keys::to_camel(serde_json::to_value(value).unwrap_or_default())
}
