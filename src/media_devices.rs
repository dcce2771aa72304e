//! What the browser offers for calls: WebRTC, a secure context, microphone permission, and the audio
//! devices (`navigator.mediaDevices.enumerateDevices()`). Feeds 设备检测, `isAvailBroswer` and
//! `getAudioDeviceList`; the soft phone uses the devices chosen here, and `devicechange` tells the panel
//! when a chosen one is unplugged ([`on_device_change`], [`gone`]).
//!
//! The only module that reads `navigator.mediaDevices` and `navigator.permissions` (`tests/edges.rs`
//! checks it): the soft phone and 设备检测 open the microphone through [`user_media`]. Everything but
//! `getUserMedia` is read through `Reflect`, so it costs no web-sys bindings.

use js_sys::{Array, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MediaStream, MediaStreamConstraints};

/// One audio device.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioDevice {
    /// `deviceId` (empty labels until the page has microphone permission).
    pub id: String,
    /// What the user sees.
    pub label: String,
}

/// The browser's readiness for calls.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DeviceReport {
    /// `RTCPeerConnection` exists.
    pub webrtc: bool,
    /// https or localhost: microphone access is possible at all.
    pub secure: bool,
    /// `granted`, `prompt`, `denied`, or empty when the browser does not say.
    pub microphone_permission: String,
    /// Microphones.
    pub inputs: Vec<AudioDevice>,
    /// Speakers and headsets.
    pub outputs: Vec<AudioDevice>,
}

/// Whether the browser can take calls at all: what `isAvailBroswer` checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Support {
    /// `RTCPeerConnection` exists.
    pub webrtc: bool,
    /// https or localhost: microphone access is possible at all.
    pub secure: bool,
    /// `navigator.mediaDevices` exists (it does not on an insecure page).
    pub media_devices: bool,
}

/// What this browser supports, `webrtc` being whether it has `RTCPeerConnection` (`softphone/peer.rs`
/// knows); `None` outside a window.
pub fn support(webrtc: bool) -> Option<Support> {
    let window = web_sys::window()?;
    Some(Support {
        webrtc,
        secure: window.is_secure_context(),
        media_devices: get(&window.navigator(), "mediaDevices").is_object(),
    })
}

/// `navigator.mediaDevices.getUserMedia(constraints)`: the microphone for the soft phone's legs and
/// 设备检测's level meter (`softphone/peer.rs` builds the constraints).
pub async fn user_media(constraints: &MediaStreamConstraints) -> Result<MediaStream, JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let promise = window
        .navigator()
        .media_devices()?
        .get_user_media_with_constraints(constraints)?;
    Ok(JsFuture::from(promise).await?.unchecked_into())
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// Calls `target.method(arg?)`, awaiting the promise it returns.
async fn call(target: &JsValue, method: &str, arg: Option<&JsValue>) -> Result<JsValue, JsValue> {
    let method: js_sys::Function = get(target, method).dyn_into()?;
    let result = match arg {
        Some(a) => method.call1(target, a)?,
        None => method.call0(target)?,
    };
    JsFuture::from(result.dyn_into::<Promise>()?).await
}

/// The audio devices, microphones and outputs apart.
pub async fn audio_devices() -> Result<(Vec<AudioDevice>, Vec<AudioDevice>), String> {
    let window = web_sys::window().ok_or("no window")?;
    let media = get(&window.navigator(), "mediaDevices");
    if !media.is_object() {
        return Err("navigator.mediaDevices is not available (insecure page?)".into());
    }
    let list = call(&media, "enumerateDevices", None)
        .await
        .map_err(|_| "enumerateDevices failed".to_string())?;
    let (mut inputs, mut outputs) = (Vec::new(), Vec::new());
    for d in Array::from(&list).iter() {
        let device = AudioDevice {
            id: get(&d, "deviceId").as_string().unwrap_or_default(),
            label: get(&d, "label").as_string().unwrap_or_default(),
        };
        match get(&d, "kind").as_string().as_deref() {
            Some("audioinput") => inputs.push(device),
            Some("audiooutput") => outputs.push(device),
            _ => {}
        }
    }
    Ok((inputs, outputs))
}

/// Everything 设备检测 shows, `webrtc` being whether the browser has `RTCPeerConnection`.
pub async fn check(webrtc: bool) -> DeviceReport {
    let Some(window) = web_sys::window() else {
        return DeviceReport::default();
    };
    let permissions = get(&window.navigator(), "permissions");
    let microphone_permission = if permissions.is_object() {
        let query = js_sys::Object::new();
        let _ = Reflect::set(&query, &"name".into(), &"microphone".into());
        match call(&permissions, "query", Some(&query)).await {
            Ok(status) => get(&status, "state").as_string().unwrap_or_default(),
            Err(_) => String::new(),
        }
    } else {
        String::new()
    };
    let (inputs, outputs) = audio_devices().await.unwrap_or_default();
    DeviceReport {
        webrtc,
        secure: window.is_secure_context(),
        microphone_permission,
        inputs,
        outputs,
    }
}

/// `getAudioDeviceList`'s answer: `{audioInputs: [{deviceId, label}], audioOutputs: [...]}`.
pub fn device_list_json(inputs: &[AudioDevice], outputs: &[AudioDevice]) -> serde_json::Value {
    let list = |devices: &[AudioDevice]| {
        devices
            .iter()
            .map(|d| serde_json::json!({"deviceId": d.id, "label": d.label}))
            .collect::<Vec<_>>()
    };
    serde_json::json!({"audioInputs": list(inputs), "audioOutputs": list(outputs)})
}

/// A `devicechange` listener on `navigator.mediaDevices`; dropping it removes it.
pub struct DeviceChangeListener {
    media: JsValue,
    closure: wasm_bindgen::closure::Closure<dyn FnMut(JsValue)>,
}

impl Drop for DeviceChangeListener {
    fn drop(&mut self) {
        let _ = call_sync(
            &self.media,
            "removeEventListener",
            &"devicechange".into(),
            self.closure.as_ref(),
        );
    }
}

fn call_sync(target: &JsValue, method: &str, a: &JsValue, b: &JsValue) -> Result<JsValue, JsValue> {
    let method: js_sys::Function = get(target, method).dyn_into()?;
    method.call2(target, a, b)
}

/// Calls `on_change` whenever a microphone, speaker or headset comes or goes (`None` on a page without
/// `navigator.mediaDevices`).
pub fn on_device_change(on_change: impl FnMut(JsValue) + 'static) -> Option<DeviceChangeListener> {
    let media = get(&web_sys::window()?.navigator(), "mediaDevices");
    if !media.is_object() {
        return None;
    }
    let closure = wasm_bindgen::closure::Closure::<dyn FnMut(JsValue)>::new(on_change);
    call_sync(
        &media,
        "addEventListener",
        &"devicechange".into(),
        closure.as_ref(),
    )
    .ok()?;
    Some(DeviceChangeListener { media, closure })
}

/// Which of the chosen devices (`input`, `output`; empty = the default, never gone) are not in the lists.
pub fn gone(
    input: &str,
    output: &str,
    inputs: &[AudioDevice],
    outputs: &[AudioDevice],
) -> (bool, bool) {
    let missing = |id: &str, list: &[AudioDevice]| {
        !id.is_empty() && id != "default" && !list.iter().any(|d| d.id == id)
    };
    (missing(input, inputs), missing(output, outputs))
}

#[cfg(test)]
mod tests {
    use super::{gone, AudioDevice};

    fn devices(ids: &[&str]) -> Vec<AudioDevice> {
        ids.iter()
            .map(|id| AudioDevice {
                id: (*id).into(),
                label: String::new(),
            })
            .collect()
    }

    #[test]
    fn a_chosen_device_missing_from_the_list_is_gone_the_default_never_is() {
        let ins = devices(&["default", "mic-1"]);
        let outs = devices(&["default", "spk-1"]);
        assert_eq!(gone("mic-1", "spk-1", &ins, &outs), (false, false));
        assert_eq!(gone("headset", "spk-1", &ins, &outs), (true, false));
        assert_eq!(gone("", "headset", &ins, &outs), (false, true));
        assert_eq!(gone("", "", &[], &[]), (false, false));
        assert_eq!(gone("default", "default", &[], &[]), (false, false));
    }
}
