//! The JavaScript boundary: `WorkbenchCore`, which the `workbenchSdk.min.js` loader wraps as `WorkbenchSdk`.
//!
//! This is the one module that reads the host's config object and calls the host's functions (with
//! `sdk/sip_phone.rs`, whose `onEvent` it calls; `tests/edges.rs` checks it). It turns the config into a
//! typed [`Config`], the hook functions into a [`Host`], the host's `apiAxiosFunc` into the API's
//! [`HostTransport`], mounts the Yew panel, and forwards each public method to the [`Workbench`] intents.
//! Method names follow the contract exactly.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Function, Reflect};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::AppHandle;

use crate::api::{js_err, Api, ApiFailure, HostAnswer, HostTransport};
use crate::app::{App, AppProps};
use crate::config::{Config, ConfigError, HOOKS};
use crate::errors::ErrorReport;
use agent_state::Method;
use ccc_wire::call_control::WorkMode;
use ccc_wire::Action;

use crate::workbench::audio_devices::Direction;
use crate::workbench::{CallExtras, Done, Host, Workbench};

mod other_tabs;
pub mod sip_phone;

use crate::tabs::STATUS_KEY;

/// Tells the core where the loader found it, so it can fetch its other files (the ringtone).
#[wasm_bindgen(js_name = setAssetBase)]
pub fn set_asset_base(url: String) {
    crate::assets::set_asset_base(&url);
}

/// The SDK instance behind the JS facade.
#[wasm_bindgen]
pub struct WorkbenchCore {
    workbench: Rc<Workbench>,
    root: web_sys::Element,
    dom: JsValue,
    app: Option<AppHandle<App>>,
    /// The `storage` listener of multi-tab calling (`useLocalStorageToCall`), removed on unload.
    storage_listener: Option<other_tabs::Listener>,
}

#[wasm_bindgen]
impl WorkbenchCore {
    /// Validates `config`, mounts the panel into `config.dom` and returns the instance. `onInit` is fired by
    /// [`WorkbenchCore::init`], which the loader calls once the constructor has returned.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<WorkbenchCore, JsError> {
        if !config.is_object() {
            return Err(js_error(ConfigError::NotAnObject));
        }
        let host = JsHost::from_config(&config)?;
        let dom = Reflect::get(&config, &"dom".into()).unwrap_or(JsValue::UNDEFINED);
        let parsed = Config::from_json(&to_json(&config)).map_err(js_error)?;
        let root = mount_point(&dom)?;
        host.publish_status(-1);
        if parsed.direct.is_some() {
            web_sys::console::warn_1(
                &"WorkbenchSdk: AK/SK direct mode — the AccessKeySecret is in this page, readable by anyone who \
                  opens it. Use it only to try the workbench out, never in production: run a backend that signs \
                  the requests instead (README, \"Connecting to Alibaba Cloud\")."
                    .into(),
            );
        }
        let mut api = Api::new(&parsed);
        if let Some(f) = host.get("apiAxiosFunc") {
            api = api.with_host_transport(Rc::new(AxiosTransport {
                api_axios_func: f.clone(),
            }));
        }
        let tabs = parsed.use_local_storage_to_call;
        let workbench = Workbench::new(parsed, Box::new(host), api);
        workbench.watch_page();
        let storage_listener = tabs.then(|| other_tabs::listen(&workbench));
        let mut core = WorkbenchCore {
            workbench,
            root,
            dom,
            app: None,
            storage_listener,
        };
        core.mount();
        Ok(core)
    }

    fn mount(&mut self) {
        let props = AppProps {
            workbench: self.workbench.clone(),
        };
        self.app =
            Some(yew::Renderer::<App>::with_root_and_props(self.root.clone(), props).render());
    }

    /// Fires `onInit`.
    pub fn init(&self) {
        self.workbench_host().hook("onInit", None);
    }

    fn workbench_host(&self) -> &dyn Host {
        self.workbench.host()
    }

    /// `register(loginSkillGroupArray?, accessPoint?, deviceType?)`. `accessPoint` is kept for the soft phone;
    /// `deviceType` is 0 (WebRTC soft phone) or 1 (SIP desk phone), anything else ⇒ 9002.
    pub fn register(&self, groups: JsValue, access_point: JsValue, device_type: JsValue) {
        let device_type = if device_type.is_undefined() || device_type.is_null() {
            None
        } else {
            match device_type.as_f64().or_else(|| {
                device_type
                    .as_string()
                    .and_then(|s| crate::config::decimal(&s))
            }) {
                Some(t) if t == 0.0 || t == 1.0 => Some(t as u8),
                _ => {
                    self.workbench.report(
                        9002,
                        "register: deviceType must be 0 (soft phone) or 1 (SIP phone)",
                    );
                    return;
                }
            }
        };
        self.workbench
            .set_device(access_point.as_string(), device_type);
        self.workbench.register(skill_group_ids(&groups));
    }

    /// `logIn(loginSkillGroupArray?)`.
    #[wasm_bindgen(js_name = logIn)]
    pub fn log_in(&self, groups: JsValue) {
        self.workbench.log_in(skill_group_ids(&groups));
    }

    /// `logOut()`.
    #[wasm_bindgen(js_name = logOut)]
    pub fn log_out(&self) {
        self.workbench.log_out();
    }

    /// `ready()`.
    pub fn ready(&self) {
        self.workbench.ready();
    }

    /// `applyForBreak(breakReason?, callback?)`.
    #[wasm_bindgen(js_name = applyForBreak)]
    pub fn apply_for_break(&self, reason: JsValue, callback: JsValue) {
        self.workbench
            .apply_for_break(reason.as_string(), done_of(callback));
    }

    /// `applyForCallOnly(isCallOnly)`.
    #[wasm_bindgen(js_name = applyForCallOnly)]
    pub fn apply_for_call_only(&self, call_only: JsValue) {
        self.workbench.apply_for_call_only(call_only.is_truthy());
    }

    /// `call(callee, caller?, callback?, otherParams?)`; `otherParams` carries `TimeoutSeconds`, `Tags`,
    /// `MaskedCallee`.
    pub fn call(&self, callee: JsValue, caller: JsValue, callback: JsValue, other: JsValue) {
        let callee = string_of(&callee).unwrap_or_default();
        let field = |name: &str| {
            other
                .is_object()
                .then(|| Reflect::get(&other, &name.into()).ok())
                .flatten()
                .filter(|v| !v.is_undefined() && !v.is_null())
        };
        let extras = CallExtras {
            done: done_of(callback),
            timeout_seconds: field("TimeoutSeconds")
                .and_then(|v| {
                    v.as_f64()
                        .or_else(|| v.as_string().and_then(|s| crate::config::decimal(&s)))
                })
                .filter(|s| *s > 0.0)
                .map(|s| s.round() as u32),
            tags: field("Tags").and_then(|v| string_of(&v)),
            masked_callee: field("MaskedCallee").and_then(|v| string_of(&v)),
        };
        self.workbench
            .call(&callee, string_of(&caller).as_deref(), extras);
    }

    /// `answer(callback?)`.
    pub fn answer(&self, callback: JsValue) {
        self.workbench.answer(done_of(callback));
    }

    /// `hangUp(releaseJobId?, releaseChannelId?, callback?)`.
    #[wasm_bindgen(js_name = hangUp)]
    pub fn hang_up(&self, job_id: JsValue, channel_id: JsValue, callback: JsValue) {
        self.workbench.hang_up(
            job_id.as_string(),
            channel_id.as_string(),
            done_of(callback),
        );
    }

    /// `stayAfterCall()`.
    #[wasm_bindgen(js_name = stayAfterCall)]
    pub fn stay_after_call(&self) {
        self.workbench.stay_after_call();
    }

    /// `getStatusCode()` → `{code, lastCode}`.
    #[wasm_bindgen(js_name = getStatusCode)]
    pub fn get_status_code(&self) -> JsValue {
        let (code, last) = self.workbench.status_code();
        let out = js_sys::Object::new();
        let _ = Reflect::set(&out, &"code".into(), &code.into());
        let _ = Reflect::set(&out, &"lastCode".into(), &last.into());
        out.into()
    }

    /// `changeVisible(visible)`.
    #[wasm_bindgen(js_name = changeVisible)]
    pub fn change_visible(&self, visible: JsValue) {
        self.workbench.change_visible(visible.is_truthy());
    }

    /// `changeMainPaneVisible(visible)`.
    #[wasm_bindgen(js_name = changeMainPaneVisible)]
    pub fn change_main_pane_visible(&self, visible: JsValue) {
        self.workbench.change_main_pane_visible(visible.is_truthy());
    }

    /// `changeWidth(width)`: a number of px, or a CSS px string.
    #[wasm_bindgen(js_name = changeWidth)]
    pub fn change_width(&self, width: JsValue) {
        let px = match width.as_f64() {
            Some(w) if w > 0.0 => Some(w.round() as u32),
            Some(_) => None,
            None => width.as_string().and_then(|s| crate::config::px_text(&s)),
        };
        self.workbench.change_width(px.unwrap_or(0));
    }

    /// `reRender()`: mounts the panel again into `dom` (an SPA may have replaced the element); state and the
    /// call survive.
    #[wasm_bindgen(js_name = reRender)]
    pub fn re_render(&mut self) -> Result<(), JsError> {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
        self.root = mount_point(&self.dom)?;
        self.mount();
        Ok(())
    }

    /// `unloadWorkbench()`: removes the panel and stops timers, polling and the push socket.
    #[wasm_bindgen(js_name = unloadWorkbench)]
    pub fn unload_workbench(&mut self) {
        self.storage_listener = None;
        self.workbench.unload();
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }

    /// `sendDtmf(number, jobId?, channelId?, callback?)`, also `sendDtmf(number, callback)`.
    #[wasm_bindgen(js_name = sendDtmf)]
    pub fn send_dtmf(
        &self,
        digits: JsValue,
        job_id: JsValue,
        channel_id: JsValue,
        callback: JsValue,
    ) {
        let digits = string_of(&digits).unwrap_or_default();
        if job_id.is_function() {
            self.workbench
                .send_dtmf(&digits, None, None, done_of(job_id));
        } else {
            self.workbench.send_dtmf(
                &digits,
                job_id.as_string(),
                channel_id.as_string(),
                done_of(callback),
            );
        }
    }

    /// `callHold(callback?)`.
    #[wasm_bindgen(js_name = callHold)]
    pub fn call_hold(&self, callback: JsValue) {
        self.workbench.hold(true, done_of(callback));
    }

    /// `callRetrieve(callback?)`.
    #[wasm_bindgen(js_name = callRetrieve)]
    pub fn call_retrieve(&self, callback: JsValue) {
        self.workbench.hold(false, done_of(callback));
    }

    /// `muteAgent()`.
    #[wasm_bindgen(js_name = muteAgent)]
    pub fn mute_agent(&self) {
        self.workbench.mute(true);
    }

    /// `umMuteAgent()` (the contract's spelling).
    #[wasm_bindgen(js_name = umMuteAgent)]
    pub fn um_mute_agent(&self) {
        self.workbench.mute(false);
    }

    /// `thirdCallTransfer(callee, caller?, callback?)`: blind transfer to an agent (user id or extension),
    /// one of the agent's skill groups, or an external number.
    #[wasm_bindgen(js_name = thirdCallTransfer)]
    pub fn third_call_transfer(&self, callee: JsValue, caller: JsValue, callback: JsValue) {
        let callee = string_of(&callee).unwrap_or_default();
        self.workbench
            .transfer(false, &callee, string_of(&caller), done_of(callback));
    }

    /// `initiateAttendedTransfer(callee, caller?, callback?)`: consult the target first.
    #[wasm_bindgen(js_name = initiateAttendedTransfer)]
    pub fn initiate_attended_transfer(&self, callee: JsValue, caller: JsValue, callback: JsValue) {
        let callee = string_of(&callee).unwrap_or_default();
        self.workbench
            .transfer(true, &callee, string_of(&caller), done_of(callback));
    }

    /// `thirdCallRetrieve(callback?)`: end the consultation, back to the customer.
    #[wasm_bindgen(js_name = thirdCallRetrieve)]
    pub fn third_call_retrieve(&self, callback: JsValue) {
        self.workbench.finish_consultation(false, done_of(callback));
    }

    /// `thirdCallTransferFinished(callback?)`: hand the customer to the consulted party.
    #[wasm_bindgen(js_name = thirdCallTransferFinished)]
    pub fn third_call_transfer_finished(&self, callback: JsValue) {
        self.workbench.finish_consultation(true, done_of(callback));
    }

    /// `agentToAgent(userDN, callback?)`.
    #[wasm_bindgen(js_name = agentToAgent)]
    pub fn agent_to_agent(&self, extension: JsValue, callback: JsValue) {
        let extension = string_of(&extension).unwrap_or_default();
        self.workbench.agent_to_agent(&extension, done_of(callback));
    }

    /// `applyForOnSite()`: answer in the browser.
    #[wasm_bindgen(js_name = applyForOnSite)]
    pub fn apply_for_on_site(&self) {
        self.workbench
            .change_work_mode(Method::ApplyForOnSite, WorkMode::OnSite, None);
    }

    /// `applyForOffSite()`: answer on the agent's mobile.
    #[wasm_bindgen(js_name = applyForOffSite)]
    pub fn apply_for_off_site(&self) {
        self.workbench
            .change_work_mode(Method::ApplyForOffSite, WorkMode::OffSite, None);
    }

    /// `applyForOffSiteDirectly()`.
    #[wasm_bindgen(js_name = applyForOffSiteDirectly)]
    pub fn apply_for_off_site_directly(&self) {
        self.workbench
            .change_work_mode(Method::ApplyForOffSiteDirectly, WorkMode::OffSite, None);
    }

    /// `monitor(userId, callback?)`.
    pub fn monitor(&self, user_id: JsValue, callback: JsValue) {
        let user_id = string_of(&user_id).unwrap_or_default();
        self.workbench.monitor(&user_id, done_of(callback));
    }

    /// `bargeIn(userId, jobId?, callback?)`.
    #[wasm_bindgen(js_name = bargeIn)]
    pub fn barge_in(&self, user_id: JsValue, job_id: JsValue, callback: JsValue) {
        self.supervise(Method::BargeIn, user_id, job_id, callback);
    }

    /// `intercept(userId, jobId?, callback?)`.
    pub fn intercept(&self, user_id: JsValue, job_id: JsValue, callback: JsValue) {
        self.supervise(Method::Intercept, user_id, job_id, callback);
    }

    /// `coach(userId, jobId?, callback?)`.
    pub fn coach(&self, user_id: JsValue, job_id: JsValue, callback: JsValue) {
        self.supervise(Method::Coach, user_id, job_id, callback);
    }

    fn supervise(&self, method: Method, user_id: JsValue, job_id: JsValue, callback: JsValue) {
        let user_id = string_of(&user_id).unwrap_or_default();
        // `jobId` may be left out with the callback in its place.
        let (job_id, callback) = if job_id.is_function() {
            (None, job_id)
        } else {
            (job_id.as_string(), callback)
        };
        self.workbench
            .supervise(method, &user_id, job_id, done_of(callback));
    }

    /// `changeVolumeInCall(volumeInCall)`: in-call volume in [0, 1].
    #[wasm_bindgen(js_name = changeVolumeInCall)]
    pub fn change_volume_in_call(&self, volume: JsValue) {
        self.workbench
            .change_volume(Method::ChangeVolumeInCall, volume.as_f64());
    }

    /// `changeRingToneVolume(volume)`: ringtone volume in [0, 1].
    #[wasm_bindgen(js_name = changeRingToneVolume)]
    pub fn change_ring_tone_volume(&self, volume: JsValue) {
        self.workbench
            .change_volume(Method::ChangeRingToneVolume, volume.as_f64());
    }

    /// `startConference(participantListJson, otherParams?)`: `otherParams` may carry `TimeoutSeconds`, `Tags`.
    #[wasm_bindgen(js_name = startConference)]
    pub fn start_conference(&self, list_json: JsValue, other: JsValue) {
        // A host may pass the array itself instead of its JSON text.
        let text = list_json.as_string().unwrap_or_else(|| {
            js_sys::JSON::stringify(&list_json)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default()
        });
        let field = |name: &str| {
            other
                .is_object()
                .then(|| Reflect::get(&other, &name.into()).ok())
                .flatten()
        };
        let timeout = field("TimeoutSeconds")
            .and_then(|v| v.as_f64())
            .filter(|t| *t > 0.0)
            .map(|t| t as u32);
        let tags = field("Tags").and_then(|v| v.as_string());
        self.workbench.start_conference(&text, timeout, tags);
    }

    /// `switchToConference(jobId?)`.
    #[wasm_bindgen(js_name = switchToConference)]
    pub fn switch_to_conference(&self, job_id: JsValue) {
        self.workbench.switch_to_conference(job_id.as_string());
    }

    /// `transferStatisfic(contactFlowId?)` (the contract's spelling).
    #[wasm_bindgen(js_name = transferStatisfic)]
    pub fn transfer_statisfic(&self, contact_flow_id: JsValue) {
        self.workbench
            .transfer_statisfic(string_of(&contact_flow_id));
    }

    /// `launchShortMessageAppraise()`: the satisfaction text message, in after-call work.
    #[wasm_bindgen(js_name = launchShortMessageAppraise)]
    pub fn launch_short_message_appraise(&self) {
        self.workbench
            .launch_short_message(Method::LaunchShortMessageAppraise);
    }

    /// `launchShortMessageMissedCall()`: the missed-call text message, while dialling.
    #[wasm_bindgen(js_name = launchShortMessageMissedCall)]
    pub fn launch_short_message_missed_call(&self) {
        self.workbench
            .launch_short_message(Method::LaunchShortMessageMissedCall);
    }

    /// `launchAuthentication(contactFlowId, contactFlowVariables?, callback?)`.
    #[wasm_bindgen(js_name = launchAuthentication)]
    pub fn launch_authentication(
        &self,
        contact_flow_id: JsValue,
        variables: JsValue,
        callback: JsValue,
    ) {
        let id = string_of(&contact_flow_id).unwrap_or_default();
        // `contactFlowVariables` may be left out with the callback in its place.
        let (variables, callback) = if variables.is_function() {
            (JsValue::UNDEFINED, variables)
        } else {
            (variables, callback)
        };
        let variables = (!variables.is_undefined() && !variables.is_null()).then(|| {
            js_sys::JSON::stringify(&variables)
                .ok()
                .and_then(|s| s.as_string())
                .and_then(|s| serde_json::from_str::<Value>(&s).ok())
                .unwrap_or(Value::Null)
        });
        self.workbench
            .launch_authentication(&id, variables, done_of(callback));
    }

    /// `checkNetwork()`: reports 9007 when the call center cannot be reached.
    #[wasm_bindgen(js_name = checkNetwork)]
    pub fn check_network(&self) {
        self.workbench.check_network();
    }

    /// `getAudioDeviceList(callbackFunction)`: `callbackFunction({audioInputs, audioOutputs})`, each a list of
    /// `{deviceId, label}` (labels are empty until the page has microphone permission).
    #[wasm_bindgen(js_name = getAudioDeviceList)]
    pub fn get_audio_device_list(&self, callback: JsValue) {
        match done_of(callback) {
            Some(done) => self.workbench.audio_device_list(done),
            None => self
                .workbench
                .report(9002, "getAudioDeviceList needs a callback function"),
        }
    }

    /// `setAudioInputDevice(device_id)`.
    #[wasm_bindgen(js_name = setAudioInputDevice)]
    pub fn set_audio_input_device(&self, id: JsValue) {
        self.workbench
            .choose_audio_device(Direction::Input, string_of(&id).unwrap_or_default());
    }

    /// `setAudioOutputDevice(device_id)`.
    #[wasm_bindgen(js_name = setAudioOutputDevice)]
    pub fn set_audio_output_device(&self, id: JsValue) {
        self.workbench
            .choose_audio_device(Direction::Output, string_of(&id).unwrap_or_default());
    }

    /// `forceToPrepareSignIn()`: after a 7001, take the agent over from the other device and sign in.
    #[wasm_bindgen(js_name = forceToPrepareSignIn)]
    pub fn force_to_prepare_sign_in(&self) {
        self.workbench.force_to_prepare_sign_in();
    }

    /// `testTurnServers({accessPoint?, currentFrequence?, callback?})`: measures the access points (all, or
    /// the one named) and calls `callback(results)`; see `workbench::access_points` for the result shape.
    #[wasm_bindgen(js_name = testTurnServers)]
    pub fn test_turn_servers(&self, args: JsValue) {
        let field = |name: &str| {
            args.is_object()
                .then(|| Reflect::get(&args, &name.into()).ok())
                .flatten()
                .filter(|v| !v.is_undefined() && !v.is_null())
        };
        let only = field("accessPoint").and_then(|v| string_of(&v));
        let rounds =
            crate::workbench::access_points::rounds(field("currentFrequence").and_then(|v| {
                v.as_f64()
                    .or_else(|| v.as_string().and_then(|s| crate::config::decimal(&s)))
            }));
        let done = field("callback").and_then(done_of);
        self.workbench.test_turn_servers(only, rounds, done);
    }

    /// `switchAccessPoint(accessPoint)`: a `region` of GetTurnServerList (unknown ⇒ 7003), or `'default'`.
    #[wasm_bindgen(js_name = switchAccessPoint)]
    pub fn switch_access_point(&self, region: JsValue) {
        match string_of(&region) {
            Some(region) => self.workbench.switch_access_point(&region),
            None => self
                .workbench
                .report(9002, "switchAccessPoint needs an access point (a region)"),
        }
    }

    /// `getSoftPhoneDeviceId()`: the device id this panel registers and calls with.
    #[wasm_bindgen(js_name = getSoftPhoneDeviceId)]
    pub fn get_soft_phone_device_id(&self) -> String {
        self.workbench.device_id()
    }

    /// `isAvailBroswer()` (sic): WebRTC and microphone access present → nothing; otherwise 7006 (browser)
    /// or 7005 (page not in a secure context, so no microphone) through `onErrorNotify`, and a 3 s hint.
    #[wasm_bindgen(js_name = isAvailBroswer)]
    pub fn is_avail_broswer(&self) {
        self.workbench.check_browser();
    }

    /// Reports a contract method the core has no function for (9003 with the method's name), so a host page
    /// calling it keeps running: the loader's safety net, since every contract method is implemented.
    #[wasm_bindgen(js_name = notImplemented)]
    pub fn not_implemented(&self, method: &str) {
        self.workbench.report(
            9003,
            format!("{method} is not implemented in this version of the workbench"),
        );
    }
}

/// The host's hook functions.
struct JsHost {
    hooks: Vec<(&'static str, Function)>,
    /// The incoming-call notification on screen, closed when the ring ends.
    notice: RefCell<Option<web_sys::Notification>>,
    /// Whether this instance has asked the user to allow notifications: once, not on every ring.
    asked_permission: Cell<bool>,
}

impl JsHost {
    /// Reads the hook options; a present non-function value is a developer error.
    fn from_config(config: &JsValue) -> Result<JsHost, JsError> {
        let mut hooks = Vec::new();
        for name in HOOKS.iter().copied().chain(["apiAxiosFunc"]) {
            let value = Reflect::get(config, &name.into()).unwrap_or(JsValue::UNDEFINED);
            if value.is_undefined() || value.is_null() {
                continue;
            }
            match value.dyn_into::<Function>() {
                Ok(f) => hooks.push((name, f)),
                Err(_) => return Err(js_error(ConfigError::NotAFunction(name.into()))),
            }
        }
        Ok(JsHost {
            hooks,
            notice: RefCell::new(None),
            asked_permission: Cell::new(false),
        })
    }

    fn get(&self, name: &str) -> Option<&Function> {
        self.hooks.iter().find(|(n, _)| *n == name).map(|(_, f)| f)
    }
}

impl Host for JsHost {
    fn hook(&self, name: &str, arg: Option<Value>) {
        let Some(f) = self.get(name) else { return };
        call_host(f, name, arg.map(|v| to_js(&v)));
    }

    fn error(&self, report: &ErrorReport) {
        let payload = to_js(&report.to_json());
        match self.get("onErrorNotify") {
            Some(f) => call_host(f, "onErrorNotify", Some(payload)),
            None => web_sys::console::warn_2(&"WorkbenchSdk error".into(), &payload),
        }
    }

    fn desktop_notice(&self, title: &str, body: &str) {
        use web_sys::{Notification, NotificationOptions, NotificationPermission};
        // Not every browser context has notifications (e.g. some iframes); then there is nothing to show.
        let has = web_sys::window()
            .is_some_and(|w| Reflect::has(&w, &"Notification".into()).unwrap_or(false));
        if !has {
            return;
        }
        match Notification::permission() {
            NotificationPermission::Granted => {
                let options = NotificationOptions::new();
                options.set_body(body);
                let shown = Notification::new_with_options(title, &options).ok();
                if let Some(old) = self.notice.replace(shown) {
                    old.close();
                }
            }
            // Asked once: a user who dismissed the prompt is not asked again on every ring (and Chromium
            // blocks a site that keeps asking).
            NotificationPermission::Default if !self.asked_permission.replace(true) => {
                let _ = Notification::request_permission();
            }
            _ => {}
        }
    }

    fn close_desktop_notice(&self) {
        if let Some(shown) = self.notice.take() {
            shown.close();
        }
    }

    fn has_hook(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    fn gate(&self, name: &str, payload: Value, proceed: Box<dyn FnOnce(Option<String>)>) {
        let slot = RefCell::new(Some(proceed));
        let callback = Closure::<dyn FnMut(JsValue)>::new(move |arg: JsValue| {
            // Calling it more than once proceeds once.
            let taken = slot.borrow_mut().take();
            if let Some(proceed) = taken {
                proceed(callee_of(&arg));
            }
        })
        .into_js_value();
        let payload = to_js(&payload);
        let _ = Reflect::set(&payload, &"callback".into(), &callback);
        let Some(f) = self.get(name) else { return };
        call_host(f, name, Some(payload));
    }

    fn publish_status(&self, code: i32) {
        if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = storage.set_item(STATUS_KEY, &code.to_string());
        }
    }
}

/// The host's `apiAxiosFunc(apiName, params)` as the API's transport (`sdk-contract.md` §4.5).
struct AxiosTransport {
    api_axios_func: Function,
}

impl HostTransport for AxiosTransport {
    fn send(&self, action: Action, request: &str) -> HostAnswer {
        let api_axios_func = self.api_axios_func.clone();
        let request = request.to_owned();
        Box::pin(async move { call_api_axios_func(&api_axios_func, action, &request).await })
    }
}

/// `apiAxiosFunc(apiName, params)` → `{data: envelope}`: the status and the envelope's text. A rejection
/// that carries `error.response` (axios on a non-2xx answer) is read the same way, with its status.
async fn call_api_axios_func(
    api_axios_func: &Function,
    action: Action,
    request: &str,
) -> Result<(u16, String), ApiFailure> {
    let params = js_sys::JSON::parse(request).map_err(js_err)?;
    let returned = api_axios_func
        .call2(&JsValue::NULL, &JsValue::from_str(action.as_str()), &params)
        .map_err(js_err)?;
    let settled = match returned.dyn_into::<js_sys::Promise>() {
        Ok(promise) => wasm_bindgen_futures::JsFuture::from(promise).await,
        Err(value) => Ok(value),
    };
    let (status, answer) = match settled {
        Ok(response) => (200, response),
        Err(error) => {
            // axios rejects non-2xx answers; the envelope is then in error.response.
            let response = Reflect::get(&error, &"response".into()).unwrap_or(JsValue::UNDEFINED);
            if !response.is_object() {
                return Err(js_err(error));
            }
            let status = Reflect::get(&response, &"status".into())
                .ok()
                .and_then(|s| s.as_f64());
            (status.map_or(500, |s| s as u16), response)
        }
    };
    let data = Reflect::get(&answer, &"data".into()).unwrap_or(JsValue::UNDEFINED);
    let text = if let Some(text) = data.as_string() {
        text
    } else {
        js_sys::JSON::stringify(&data)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| {
                ApiFailure::Network(format!("{action}: apiAxiosFunc resolved without data"))
            })?
    };
    Ok((status, text))
}

/// The element named by `dom` (an id, or an element).
fn mount_point(dom: &JsValue) -> Result<web_sys::Element, JsError> {
    if let Some(el) = dom.dyn_ref::<web_sys::Element>() {
        return Ok(el.clone());
    }
    let id = dom
        .as_string()
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| js_error(ConfigError::Missing("dom")))?;
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id.trim()))
        .ok_or_else(|| JsError::new(&format!("dom: no element with id \"{id}\" in the page")))
}

/// The JSON form of the config: functions and elements are dropped by `JSON.stringify`.
fn to_json(config: &JsValue) -> Value {
    let filtered = js_sys::Object::new();
    let object: &js_sys::Object = config.unchecked_ref();
    let keys = js_sys::Object::keys(object);
    for key in keys.iter() {
        let Ok(v) = Reflect::get(config, &key) else {
            continue;
        };
        if !v.is_function() && !v.has_type::<web_sys::Node>() {
            let _ = Reflect::set(&filtered, &key, &v);
        }
    }
    js_sys::JSON::stringify(&filtered)
        .ok()
        .and_then(|s| s.as_string())
        .and_then(|s| serde_json::from_str::<Value>(&s).ok())
        .unwrap_or_else(crate::config::empty_object)
}

fn to_js(value: &Value) -> JsValue {
    match value {
        Value::String(s) => JsValue::from_str(s),
        other => js_sys::JSON::parse(&other.to_string()).unwrap_or(JsValue::NULL),
    }
}

/// A host's `callback` argument as a [`Done`]; anything but a function is no callback.
fn done_of(callback: JsValue) -> Option<Done> {
    let f = callback.dyn_into::<Function>().ok()?;
    Some(Box::new(move |data: Value| {
        call_host(&f, "callback", Some(to_js(&data)))
    }))
}

/// Calls a host function; what it throws is logged, never passed on (a host's bug must not break the panel).
fn call_host(f: &Function, name: &str, arg: Option<JsValue>) {
    let result = match arg {
        None => f.call0(&JsValue::UNDEFINED),
        Some(a) => f.call1(&JsValue::UNDEFINED, &a),
    };
    if let Err(e) = result {
        web_sys::console::error_2(&format!("WorkbenchSdk: the host's {name} threw").into(), &e);
    }
}

/// The callee a gate callback was given: a string, or `{callee}`.
fn callee_of(arg: &JsValue) -> Option<String> {
    string_of(arg).or_else(|| {
        arg.is_object()
            .then(|| Reflect::get(arg, &"callee".into()).ok())
            .flatten()
            .and_then(|v| string_of(&v))
    })
}

pub(crate) fn string_of(v: &JsValue) -> Option<String> {
    // A host may pass a phone number as a JS number; only whole numbers make sense (no f64 formatting).
    v.as_string().or_else(|| {
        v.as_f64()
            .filter(|n| n.fract() == 0.0 && n.abs() < 1e15)
            .map(|n| (n as i64).to_string())
    })
}

/// Skill-group ids of a `loginSkillGroupArray` (`[{skillGroupId, …}]`; plain id strings are accepted too).
fn skill_group_ids(groups: &JsValue) -> Option<Vec<String>> {
    let array = groups.dyn_ref::<js_sys::Array>()?;
    let ids: Vec<String> = array
        .iter()
        .filter_map(|g| {
            g.as_string().or_else(|| {
                Reflect::get(&g, &"skillGroupId".into())
                    .ok()
                    .and_then(|v| v.as_string())
            })
        })
        .collect();
    Some(ids)
}

fn js_error(e: ConfigError) -> JsError {
    JsError::new(&e.to_string())
}
