//! The workbench's side of the soft phone: registering it during `register()`, answering its SIP leg
//! with `answer()`, applying the volumes and devices (mute is `call_control.rs`'s, at the track),
//! reporting its failures, `onGetStatsData` once a second during a call and SaveWebRtcInfo every
//! `pollSaveWebRtcInfoFrequence` ms (unless `disableSaveStats`). The lifecycle (`sync.rs`) shuts its
//! [`PhoneSlot`] down on `logOut`, a kick, `pagehide` and `unloadWorkbench`: un-REGISTER, no BYE.
//!
//! The phone runs only for the WebRTC device (`register(…, deviceType = 0)`) in the `ON_SITE` work mode;
//! a desk phone or a mobile takes the calls otherwise.

use std::cell::RefCell;
use std::rc::Rc;

use ccc_wire::action::LoginDetails;
use ccc_wire::Action;
use gloo_timers::callback::Interval;
use js_sys::Promise;
use serde_json::{json, Value};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;

use panel_model::{ClosedBy, PanelEvent};

use super::Workbench;
use crate::assets::asset_url;
use crate::deadline::with_deadline;
use crate::softphone::peer::{MediaFailure, MediaOptions};
use crate::softphone::{PhoneEvent, SipAccount, SoftPhone};

/// How long `register()` waits for the SIP registration before going on without the phone.
const REGISTER_WAIT_MS: i32 = 10_000;

/// The soft phone and what runs beside it.
#[derive(Default)]
pub struct PhoneSlot {
    phone: Option<Rc<SoftPhone>>,
    /// Settles `register()`'s wait: `true` registered, `false` failed.
    waiting: Option<js_sys::Function>,
    stats_timer: Option<Interval>,
    save_timer: Option<Interval>,
}

impl PhoneSlot {
    /// Unregisters the phone (without hanging up: the call center keeps the calls for a phone that
    /// registers again) and drops it with its timers. Takes the slot by value: called with no borrow of
    /// the workbench held, since the phone may report events while it stops.
    pub fn shut_down(self) {
        if let Some(phone) = &self.phone {
            phone.shut_down();
        }
    }
}

impl Workbench {
    /// The phone, when one runs.
    pub(crate) fn phone(&self) -> Option<Rc<SoftPhone>> {
        self.inner.borrow().phone.phone.clone()
    }

    /// Whether `login` takes calls on this browser's soft phone: the WebRTC device (`register(…, 0)`) in
    /// the `ON_SITE` work mode; a desk phone or a mobile takes them otherwise.
    pub(super) fn wants_phone(&self, login: &LoginDetails) -> bool {
        self.inner.borrow().device_type == 0
            && !matches!(login.work_mode.as_str(), "OFFICE_PHONE" | "OFF_SITE")
    }

    /// Starts the soft phone for `login` (replacing a running one) and waits (bounded) for its
    /// registration. A phone that cannot start or register is reported (7002); signing in goes on, so the
    /// agent keeps the call controls, and the lifecycle retries it.
    pub(super) async fn start_phone(self: &Rc<Self>, login: &LoginDetails) {
        let old = std::mem::take(&mut self.inner.borrow_mut().phone);
        old.shut_down();
        if !self.wants_phone(login) {
            return;
        }
        // The sign-in flows start it themselves (they wait for its registration): the lifecycle learns of
        // it here, whoever started it.
        self.life(PanelEvent::PhoneStarting);
        let options = self.media_options();
        // The access point (TURN relay) the calls' media will use; see `access_points`.
        let requested = self.inner.borrow().access_point.clone();
        self.resolve_access_point(&requested, false).await;
        let name = if login.display_name.is_empty() {
            &login.user_id
        } else {
            &login.display_name
        };
        let Some(account) = SipAccount::from_login(
            &login.sip_server_url,
            &login.extension,
            &login.signature2,
            name,
        ) else {
            self.report(
                7002,
                "GetLoginDetails gave no SipServerUrl/Extension for the soft phone",
            );
            return;
        };
        let me = self.me.clone();
        let on_event = move |event| {
            if let Some(wb) = me.upgrade() {
                wb.on_phone_event(event);
            }
        };
        let phone = match SoftPhone::start(&account, options, asset_url("ringtone.wav"), on_event) {
            Ok(phone) => Rc::new(phone),
            Err(reason) => {
                self.report(7002, reason);
                return;
            }
        };
        let resolver: Rc<RefCell<Option<js_sys::Function>>> = Rc::default();
        let slot = resolver.clone();
        let registered = Promise::new(&mut |resolve, _| *slot.borrow_mut() = Some(resolve));
        {
            let mut inner = self.inner.borrow_mut();
            inner.phone.phone = Some(phone);
            inner.phone.waiting = resolver.borrow_mut().take();
        }
        let outcome = with_deadline(&registered, REGISTER_WAIT_MS)
            .await
            .and_then(Result::ok)
            .and_then(|v| v.as_bool());
        self.inner.borrow_mut().phone.waiting = None;
        if outcome.is_none() {
            // No answer at all (a socket open to a silent server): lost like a dropped one, so the
            // lifecycle reports it (7002) and tries again; a late success still counts.
            let reason = format!(
                "the soft phone did not register with {} in time",
                account.ws_url
            );
            web_sys::console::warn_1(&reason.into());
            self.life(PanelEvent::PhoneLost {
                by: ClosedBy::Network,
            });
        }
    }

    fn settle_wait(&self, registered: bool) {
        let waiting = self.inner.borrow_mut().phone.waiting.take();
        if let Some(resolve) = waiting {
            let _ = resolve.call1(&JsValue::NULL, &JsValue::from_bool(registered));
        }
    }

    fn on_phone_event(&self, event: PhoneEvent) {
        match event {
            PhoneEvent::Registered => {
                self.settle_wait(true);
                self.life(PanelEvent::PhoneRegistered);
            }
            PhoneEvent::RegistrationFailed { reason, refused } => {
                self.settle_wait(false);
                let by = if refused {
                    ClosedBy::Credentials
                } else {
                    ClosedBy::Network
                };
                web_sys::console::warn_1(&reason.into());
                self.life(PanelEvent::PhoneLost { by });
            }
            PhoneEvent::Ringing { .. } => {}
            PhoneEvent::Connected { .. } => self.start_stats(),
            PhoneEvent::Ended { .. } => {
                let idle = self.phone().is_none_or(|p| !p.in_call());
                if idle {
                    let mut inner = self.inner.borrow_mut();
                    inner.phone.stats_timer = None;
                    inner.phone.save_timer = None;
                }
            }
            PhoneEvent::MediaFailed(MediaFailure::Microphone(reason)) => self.report(8001, reason),
            PhoneEvent::MediaFailed(MediaFailure::Peer(reason)) => self.report(9003, reason),
            PhoneEvent::InputLost => self.life(PanelEvent::DeviceLost {
                input: true,
                output: false,
            }),
            PhoneEvent::RingtoneBlocked => self.toast(self.text().autoplay_blocked.into()),
        }
    }

    /// The media options in force: chosen devices, in-call volume, voice processing.
    pub(super) fn media_options(&self) -> MediaOptions {
        let inner = self.inner.borrow();
        MediaOptions {
            input: inner.audio_input.clone(),
            output: inner.audio_output.clone(),
            volume: inner.volumes.in_call,
            processing: inner.config.audio_processing,
            ice_servers: inner.ice_servers.clone(),
        }
    }

    /// Answers the SIP leg of job `job_id`, if the phone holds one.
    pub(super) fn answer_phone(&self, job_id: Option<&str>) {
        if let Some(phone) = self.phone() {
            phone.answer(job_id);
        }
    }

    /// Applies the volumes and devices in force to the running phone.
    pub(super) fn apply_phone_settings(&self) {
        let Some(phone) = self.phone() else {
            return;
        };
        let options = self.media_options();
        let ring = self.inner.borrow().volumes.ring;
        phone.set_volumes(options.volume, ring);
        phone.set_devices(&options.input, &options.output);
    }

    /// `onGetStatsData` every second and SaveWebRtcInfo periodically, while a call has media.
    fn start_stats(&self) {
        let (hook, save, every) = {
            let inner = self.inner.borrow();
            (
                self.host().has_hook("onGetStatsData"),
                !inner.config.disable_save_stats,
                inner.config.poll_save_web_rtc_info_ms,
            )
        };
        if hook && self.inner.borrow().phone.stats_timer.is_none() {
            let me = self.me.clone();
            let timer = Interval::new(1000, move || {
                let Some(wb) = me.upgrade() else { return };
                let Some(phone) = wb.phone() else { return };
                spawn_local(async move {
                    if let Some((job, sender, receiver)) = phone.stats().await {
                        let payload = json!({
                            "callId": job.unwrap_or_default(),
                            "sender": parse_all(&sender),
                            "receiver": parse_all(&receiver),
                        });
                        wb.host().hook("onGetStatsData", Some(payload));
                    }
                });
            });
            self.inner.borrow_mut().phone.stats_timer = Some(timer);
        }
        if save && self.inner.borrow().phone.save_timer.is_none() {
            let me = self.me.clone();
            let timer = Interval::new(every, move || {
                if let Some(wb) = me.upgrade() {
                    wb.save_web_rtc_info();
                }
            });
            self.inner.borrow_mut().phone.save_timer = Some(timer);
        }
    }

    /// SaveWebRtcInfo (ContentType 4): the call's RTP reports, as CCC's SDK uploads them.
    fn save_web_rtc_info(&self) {
        let Some(phone) = self.phone() else { return };
        let wb = self.rc();
        spawn_local(async move {
            let Some((job, sender, receiver)) = phone.stats().await else {
                return;
            };
            let pick = |reports: &[String], kind: &str| {
                parse_all(reports)
                    .into_iter()
                    .find(|r| r.get("type").and_then(Value::as_str) == Some(kind))
                    .unwrap_or(Value::Null)
            };
            let content = json!({
                "outbound_rtp": pick(&sender, "outbound-rtp"),
                "remote_inbound_rtp": pick(&sender, "remote-inbound-rtp"),
                "inbound_rtp": pick(&receiver, "inbound-rtp"),
                "remote_outbound_rtp": pick(&receiver, "remote-outbound-rtp"),
                "basic": {"callId": job.clone().unwrap_or_default(), "timestamp": js_sys::Date::now() as u64,
                          "uid": wb.inner.borrow().login.as_ref().map(|l| l.user_id.clone()).unwrap_or_default(),
                          "access_point": wb.inner.borrow().access_point.clone()},
            });
            let request = {
                let inner = wb.inner.borrow();
                json!({
                    "InstanceId": inner.config.instance_id,
                    "ContentType": "4",
                    "Content": content.to_string(),
                    "CallId": job.unwrap_or_default(),
                })
            };
            // Statistics are best effort: a failure is not the agent's problem.
            let api = wb.inner.borrow().api.clone();
            let _ = api.call::<Value>(Action::SaveWebRtcInfo, &request).await;
        });
    }
}

fn parse_all(reports: &[String]) -> Vec<Value> {
    reports
        .iter()
        .filter_map(|r| serde_json::from_str::<Value>(r).ok())
        .collect()
}
