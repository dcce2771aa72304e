//! 设备检测: is this browser ready for calls — WebRTC, a secure page, microphone permission — and which
//! microphone and speaker to use (`setAudioInputDevice` / `setAudioOutputDevice`). Runs when the view opens;
//! 重新检测 runs it again.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::media_devices::AudioDevice;
use crate::views::PanelProps;
use crate::workbench::audio_devices::Direction;

/// The 设备检测 view.
#[function_component(DeviceCheck)]
pub fn device_check(props: &PanelProps) -> Html {
    let PanelProps { view, workbench } = props;
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
        </section>
    }
}
