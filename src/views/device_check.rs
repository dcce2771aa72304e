//! 设备检测: is this browser ready for calls — WebRTC, a secure page, microphone permission — and which
//! microphone and speaker to use (`setAudioInputDevice` / `setAudioOutputDevice`). Runs when the view opens;
//! 重新检测 runs it again. 测试麦克风 shows the chosen microphone's level for a few seconds; 测试扬声器 plays
//! the ringtone once on the chosen speaker.

use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::assets::asset_url;
use crate::device_test::{play_once, MicMeter};

use crate::components::PanelProps;
use crate::media_devices::AudioDevice;
use crate::workbench::audio_devices::Direction;

/// How long 测试麦克风 listens, in level readings 100 ms apart.
const METER_READINGS: u32 = 50;

/// The microphone test: its level in ‰ while it runs, or why it could not start.
#[derive(Clone, PartialEq)]
enum Meter {
    Idle,
    Level(u32),
    Failed(String),
}

/// The 设备检测 view.
#[function_component(DeviceCheck)]
pub fn device_check(props: &PanelProps) -> Html {
    let PanelProps { view, workbench } = props;
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
            speaker.set("播放中…".into());
            spawn_local(async move {
                match play_once(&asset_url("ringtone.wav"), &output, volume).await {
                    Ok(()) => speaker.set("已播放".into()),
                    Err(reason) => speaker.set(reason),
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
        return html! { <section class="ccc-view ccc-device-check"><h2>{ "设备检测" }</h2><p class="ccc-hint">{ "检测中…" }</p></section> };
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
        "granted" => "已允许",
        "prompt" => "通话时询问",
        "denied" => "已拒绝,请在浏览器设置中允许",
        _ => "未知",
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
                <option value="" selected={chosen.is_empty()}>{ "系统默认" }</option>
                { for devices.iter().enumerate().map(|(i, d)| {
                    let label = if d.label.is_empty() { format!("设备 {}", i + 1) } else { d.label.clone() };
                    html! { <option value={d.id.clone()} selected={d.id == chosen}>{ label }</option> }
                }) }
            </select>
        }
    };
    html! {
        <section class="ccc-view ccc-device-check">
            <h2>{ "设备检测" }<button type="button" class="ccc-link" onclick={again}>{ "重新检测" }</button></h2>
            <ul class="ccc-list">
                { row("浏览器", report.webrtc, if report.webrtc { "支持 WebRTC 通话".into() } else { "不支持 WebRTC,请使用新版 Chrome".into() }) }
                { row("页面协议", report.secure, if report.secure { "https 或本机,可使用麦克风".into() } else { "请使用 https 访问".into() }) }
                { row("麦克风权限", report.microphone_permission != "denied", permission.into()) }
                { row("麦克风", !report.inputs.is_empty(), format!("{} 个", report.inputs.len())) }
                { row("扬声器", !report.outputs.is_empty(), format!("{} 个", report.outputs.len())) }
            </ul>
            <label class="ccc-caller">{ "麦克风" }{ picker(Direction::Input, "audioInput", &report.inputs, &view.audio_devices.0) }</label>
            <label class="ccc-caller">{ "扬声器" }{ picker(Direction::Output, "audioOutput", &report.outputs, &view.audio_devices.1) }</label>
            <div class="ccc-device-tests">
                <button type="button" class="ccc-link" data-action="testMicrophone" onclick={test_microphone}>{ "测试麦克风" }</button>
                { match &*meter {
                    Meter::Idle => html! {},
                    Meter::Level(permille) => html! {
                        <span class="ccc-meter" data-level={permille.to_string()} title="麦克风音量">
                            <span style={format!("width:{}%", (permille / 4).min(100))}></span>
                        </span>
                    },
                    Meter::Failed(reason) => html! { <small class="ccc-hint bad">{ reason.clone() }</small> },
                } }
                <button type="button" class="ccc-link" data-action="testSpeaker" onclick={test_speaker}>{ "测试扬声器" }</button>
                <small class="ccc-hint" data-speaker-test={(*speaker).clone()}>{ (*speaker).clone() }</small>
            </div>
        </section>
    }
}
