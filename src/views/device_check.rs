//! 设备检测: is this browser ready for calls — WebRTC, a secure page, microphone permission — and which
//! microphone and speaker to use (`setAudioInputDevice` / `setAudioOutputDevice`). Runs when the view opens;
//! 重新检测 runs it again. 测试麦克风 shows the chosen microphone's level for a few seconds; 测试扬声器 plays
//! the ringtone once on the chosen speaker.

use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::assets::asset_url;
use crate::device_test::{play_once, MicMeter, TestFailure};

use crate::components::PanelProps;
use crate::i18n::fill;
use crate::media_devices::AudioDevice;
use crate::workbench::audio_devices::Direction;

/// How long 测试麦克风 listens, in level readings 100 ms apart.
const METER_READINGS: u32 = 50;

/// The microphone test: its level in ‰ while it runs, or why it could not start.
#[derive(Clone, PartialEq)]
enum Meter {
    Idle,
    Level(u32),
    Failed(TestFailure),
}

/// The 设备检测 view.
#[function_component(DeviceCheck)]
pub fn device_check(props: &PanelProps) -> Html {
    let PanelProps { view, workbench } = props;
    let t = view.text();
    let meter = use_state(|| Meter::Idle);
    let speaker = use_state(String::new);
    let test_microphone = {
        let meter = meter.clone();
        let input = view.audio_devices.0.clone();
        move |_| {
            let meter = meter.clone();
            let input = input.clone();
            spawn_local(async move {
                match MicMeter::open(&input).await {
                    Ok(mut m) => {
                        for _ in 0..METER_READINGS {
                            meter.set(Meter::Level((m.level() * 1000.0) as u32));
                            gloo_timers::future::TimeoutFuture::new(100).await;
                        }
                        meter.set(Meter::Idle);
                    }
                    Err(reason) => meter.set(Meter::Failed(reason)),
                }
            });
        }
    };
    let test_speaker = {
        let speaker = speaker.clone();
        let output = view.audio_devices.1.clone();
        let volume = view.volumes.ring;
        move |_| {
            let speaker = speaker.clone();
            let output = output.clone();
            speaker.set(t.playing.into());
            spawn_local(async move {
                match play_once(&asset_url("ringtone.wav"), &output, volume).await {
                    Ok(()) => speaker.set(t.played.into()),
                    Err(failure) => speaker.set(failure.text(t)),
                }
            });
        }
    };
    {
        let wb = workbench.clone();
        use_effect_with((), move |_| {
            wb.check_devices();
            || ()
        });
    }
    let again = {
        let wb = workbench.clone();
        move |_| wb.check_devices()
    };
    let Some(report) = view.device_report.as_ref() else {
        return html! { <section class="ccc-view ccc-device-check"><h2>{ t.nav_device_check }</h2><p class="ccc-hint">{ t.checking }</p></section> };
    };
    let row = |label: &'static str, ok: bool, text: String| {
        html! {
            <li class={classes!(if ok { "ok" } else { "bad" })} data-check={label}>
                <span class="ccc-list-main"><b>{ label }</b><small>{ text }</small></span>
                <span class="ccc-check-mark">{ if ok { "✓" } else { "✗" } }</span>
            </li>
        }
    };
    let permission = match report.microphone_permission.as_str() {
        "granted" => t.permission_granted,
        "prompt" => t.permission_prompt,
        "denied" => t.permission_denied,
        _ => t.permission_unknown,
    };
    let picker = |direction: Direction,
                  name: &'static str,
                  devices: &[AudioDevice],
                  chosen: &str| {
        let wb = workbench.clone();
        let onchange = move |e: Event| {
            let id = e.target_unchecked_into::<HtmlSelectElement>().value();
            wb.choose_audio_device(direction, id);
        };
        html! {
            <select {name} {onchange}>
                <option value="" selected={chosen.is_empty()}>{ t.system_default }</option>
                { for devices.iter().enumerate().map(|(i, d)| {
                    let label = if d.label.is_empty() { fill(t.unnamed_device, &[&(i + 1).to_string()]) } else { d.label.clone() };
                    html! { <option value={d.id.clone()} selected={d.id == chosen}>{ label }</option> }
                }) }
            </select>
        }
    };
    html! {
        <section class="ccc-view ccc-device-check">
            <h2>{ t.nav_device_check }<button type="button" class="ccc-link" onclick={again}>{ t.check_again }</button></h2>
            <ul class="ccc-list">
                { row(t.browser, report.webrtc, if report.webrtc { t.webrtc_ok } else { t.webrtc_missing }.into()) }
                { row(t.page_protocol, report.secure, if report.secure { t.secure_ok } else { t.secure_missing }.into()) }
                { row(t.microphone_permission, report.microphone_permission != "denied", permission.into()) }
                { row(t.microphone, !report.inputs.is_empty(), fill(t.device_count, &[&report.inputs.len().to_string()])) }
                { row(t.speaker, !report.outputs.is_empty(), fill(t.device_count, &[&report.outputs.len().to_string()])) }
            </ul>
            <label class="ccc-caller">{ t.microphone }{ picker(Direction::Input, "audioInput", &report.inputs, &view.audio_devices.0) }</label>
            <label class="ccc-caller">{ t.speaker }{ picker(Direction::Output, "audioOutput", &report.outputs, &view.audio_devices.1) }</label>
            <div class="ccc-device-tests">
                <button type="button" class="ccc-link" data-action="testMicrophone" onclick={test_microphone}>{ t.test_microphone }</button>
                { match &*meter {
                    Meter::Idle => html! {},
                    Meter::Level(permille) => html! {
                        <span class="ccc-meter" data-level={permille.to_string()} title={t.microphone_level}>
                            <span style={format!("width:{}%", (permille / 4).min(100))}></span>
                        </span>
                    },
                    Meter::Failed(failure) => html! { <small class="ccc-hint bad" data-meter-failed="">{ failure.text(t) }</small> },
                } }
                <button type="button" class="ccc-link" data-action="testSpeaker" onclick={test_speaker}>{ t.test_speaker }</button>
                <small class="ccc-hint" data-speaker-test={(*speaker).clone()}>{ (*speaker).clone() }</small>
            </div>
        </section>
    }
}
