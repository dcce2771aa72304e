//! `WorkbenchSdk.createSipPhone(options)`: the soft phone on its own, for any SIP-over-WebSocket server
//! (Kamailio, a WebRTC-enabled PBX), without a call center behind it. This SDK's own API, beside the
//! contract's: the panel's phone and this one are the same [`SoftPhone`].
//!
//! ```js
//! const phone = await WorkbenchSdk.createSipPhone({
//!   url: 'wss://pbx.example.com:8089/ws', user: '1001', password: 'secret', // domain: defaults to the URL's host
//!   onEvent(name, detail) { console.log(name, detail); }, // registered, registrationFailed, ringing,
//! });                                   // connected, ended, mediaFailed, ringtoneBlocked, microphoneLost
//! phone.call('1002'); phone.answer(); phone.hangUp(); phone.mute(true); phone.sendDtmf('12#');
//! ```
//!
//! Options besides those: `displayName`, `microphone` / `speaker` (`deviceId`s), `audioProcessing`
//! (default `true`), `dtmf: 'info'` (DTMF by SIP INFO only; default RFC 4733 in the media, INFO when
//! the connection cannot).

use std::rc::Rc;

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;

use crate::assets::asset_url;
use crate::softphone::peer::{MediaFailure, MediaOptions};
use crate::softphone::{PhoneEvent, SipAccount, SoftPhone};

/// A stand-alone soft phone.
#[wasm_bindgen]
pub struct SipPhone {
    phone: Rc<SoftPhone>,
}

fn text(options: &JsValue, key: &str) -> String {
    Reflect::get(options, &key.into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

#[wasm_bindgen]
impl SipPhone {
    /// Connects and registers. `url`, `user` and `password` are required.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<SipPhone, JsError> {
        let url = text(&options, "url");
        let user = text(&options, "user");
        let Some(mut account) =
            SipAccount::from_login(&url, &user, &text(&options, "password"), "")
        else {
            return Err(JsError::new("createSipPhone: url and user are required"));
        };
        let domain = text(&options, "domain");
        if !domain.is_empty() {
            account.domain = domain;
        }
        account.display_name = Some(text(&options, "displayName")).filter(|n| !n.is_empty());
        let processing = Reflect::get(&options, &"audioProcessing".into())
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(true);
        let media = MediaOptions {
            input: text(&options, "microphone"),
            output: text(&options, "speaker"),
            volume: 1.0,
            processing,
            ice_servers: Default::default(),
        };
        let on_event: Option<Function> = Reflect::get(&options, &"onEvent".into())
            .ok()
            .and_then(|f| f.dyn_into().ok());
        let notify = move |event: PhoneEvent| {
            let Some(on_event) = &on_event else { return };
            let (name, detail) = event_js(event);
            let _ = on_event.call2(&JsValue::NULL, &name.into(), &detail);
        };
        let phone = SoftPhone::start(&account, media, asset_url("ringtone.wav"), notify)
            .map_err(|e| JsError::new(&e))?;
        phone.set_dtmf_by_info(text(&options, "dtmf").eq_ignore_ascii_case("info"));
        Ok(SipPhone {
            phone: Rc::new(phone),
        })
    }

    /// Answers the ringing call; `false` when none rings.
    pub fn answer(&self) -> bool {
        self.phone.answer(None)
    }

    /// Calls `target`: a SIP URI, or a user at the phone's domain.
    pub fn call(&self, target: String) {
        self.phone.call(&target);
    }

    /// Ends (or cancels, or rejects) every call.
    #[wasm_bindgen(js_name = hangUp)]
    pub fn hang_up(&self) {
        self.phone.hang_up_all();
    }

    /// Mutes or unmutes the microphone.
    pub fn mute(&self, muted: bool) {
        self.phone.set_muted(muted);
    }

    /// Sends DTMF digits (RFC 4733, SIP INFO when the connection cannot or the phone was created with
    /// `dtmf: 'info'`).
    #[wasm_bindgen(js_name = sendDtmf)]
    pub fn send_dtmf(&self, digits: String) {
        self.phone.send_dtmf(&digits);
    }

    /// Chooses the microphone and speaker (`deviceId`s; empty: default), during a call too.
    #[wasm_bindgen(js_name = setDevices)]
    pub fn set_devices(&self, microphone: String, speaker: String) {
        self.phone.set_devices(&microphone, &speaker);
    }

    /// In-call and ringtone volumes in [0, 1].
    #[wasm_bindgen(js_name = setVolumes)]
    pub fn set_volumes(&self, in_call: f64, ring: f64) {
        self.phone.set_volumes(in_call, ring);
    }

    /// Whether the phone is registered.
    #[wasm_bindgen(js_name = isRegistered)]
    pub fn is_registered(&self) -> bool {
        self.phone.is_registered()
    }

    /// Whether a call has media.
    #[wasm_bindgen(js_name = inCall)]
    pub fn in_call(&self) -> bool {
        self.phone.in_call()
    }

    /// The far party's audio (a `MediaStream`) of the call with media, or null.
    #[wasm_bindgen(js_name = remoteStream)]
    pub fn remote_stream(&self) -> JsValue {
        self.phone
            .remote_stream()
            .map_or(JsValue::NULL, JsValue::from)
    }

    /// `{callId, sender: [...], receiver: [...]}` of the call with media (`getStats()` reports), or null.
    pub async fn stats(&self) -> JsValue {
        let Some((job, sender, receiver)) = self.phone.stats().await else {
            return JsValue::NULL;
        };
        let parse = |reports: Vec<String>| -> js_sys::Array {
            reports
                .iter()
                .filter_map(|r| js_sys::JSON::parse(r).ok())
                .collect()
        };
        let out = js_sys::Object::new();
        let _ = Reflect::set(&out, &"callId".into(), &job.unwrap_or_default().into());
        let _ = Reflect::set(&out, &"sender".into(), &parse(sender));
        let _ = Reflect::set(&out, &"receiver".into(), &parse(receiver));
        out.into()
    }

    /// Un-registers and ends every call; the socket closes when the object is freed (`free()`).
    pub fn stop(&self) {
        self.phone.stop();
    }
}

/// An event's name and detail for `onEvent`.
fn event_js(event: PhoneEvent) -> (&'static str, JsValue) {
    let detail = |pairs: &[(&str, JsValue)]| -> JsValue {
        let o = js_sys::Object::new();
        for (k, v) in pairs {
            let _ = Reflect::set(&o, &(*k).into(), v);
        }
        o.into()
    };
    let job = |j: Option<String>| j.map_or(JsValue::NULL, JsValue::from);
    match event {
        PhoneEvent::Registered => ("registered", JsValue::NULL),
        PhoneEvent::RegistrationFailed { reason, .. } => ("registrationFailed", reason.into()),
        PhoneEvent::Ringing { job_id, from } => (
            "ringing",
            detail(&[("jobId", job(job_id)), ("from", from.into())]),
        ),
        PhoneEvent::Connected { job_id } => ("connected", detail(&[("jobId", job(job_id))])),
        PhoneEvent::Ended { job_id, reason } => (
            "ended",
            detail(&[("jobId", job(job_id)), ("reason", reason.into())]),
        ),
        PhoneEvent::MediaFailed(MediaFailure::Microphone(m)) => {
            ("mediaFailed", format!("microphone: {m}").into())
        }
        PhoneEvent::MediaFailed(MediaFailure::Peer(m)) => ("mediaFailed", m.into()),
        PhoneEvent::RingtoneBlocked => ("ringtoneBlocked", JsValue::NULL),
        PhoneEvent::InputLost => ("microphoneLost", JsValue::NULL),
    }
}
