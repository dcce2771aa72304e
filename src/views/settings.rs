//! 设置: who is signed in on which device, the work mode (`applyForOnSite`/`applyForOffSite`), and the
//! playback volumes (`changeVolumeInCall`,
//! `changeRingToneVolume` — the same intents the host's methods call).

use std::rc::Rc;

use agent_state::Method;
use ccc_wire::call_control::WorkMode;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::drafts::DraftsHandle;
use crate::workbench::{View, Workbench};

/// The 设置 view; the mobile number being entered is `drafts`' `mobile`.
pub fn settings(view: &View, wb: &Rc<Workbench>, drafts: &DraftsHandle) -> Html {
    let t = view.text();
    let slider = |method: Method, label: &'static str, value: f64| {
        let wb = wb.clone();
        let oninput = move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            wb.change_volume(method, Some(input.value_as_number() / 100.0));
        };
        html! {
            <label class="ccc-field">
                <span>{ label }</span>
                <input type="range" min="0" max="100" step="1" name={method.as_str()}
                       value={((value * 100.0).round() as u32).to_string()} {oninput} />
                <output>{ format!("{}%", (value * 100.0).round() as u32) }</output>
            </label>
        }
    };
    let agent = view.agent.as_ref();
    let row = |label: &'static str, value: String| {
        html! { <><dt>{ label }</dt><dd>{ if value.is_empty() { "—".to_owned() } else { value } }</dd></> }
    };
    html! {
        <section class="ccc-view ccc-settings">
            <h2>{ t.nav_settings }</h2>
            <dl class="ccc-facts">
                { row(t.agent, agent.map(|a| a.display_name.clone()).unwrap_or_default()) }
                { row(t.account, agent.map(|a| a.user_id.clone()).unwrap_or_default()) }
                { row(t.extension, agent.map(|a| a.extension.clone()).unwrap_or_default()) }
                { row(t.skill_groups, view.skill_groups.join(t.list_separator)) }
                { row(t.device, view.device_id.clone()) }
            </dl>
            <h3>{ t.work_mode }</h3>
            <div class="ccc-modes">
                { for [("ON_SITE", t.on_site, Method::ApplyForOnSite), ("OFF_SITE", t.off_site, Method::ApplyForOffSite)].into_iter().map(|(mode, label, method)| {
                    let (wb, mobile) = (wb.clone(), drafts.get().mobile.clone());
                    let current = view.work_mode == mode;
                    let onclick = move |_| {
                        let mode = if mode == "ON_SITE" { WorkMode::OnSite } else { WorkMode::OffSite };
                        wb.change_work_mode(method, mode, Some(mobile.clone()));
                    };
                    html! {
                        <button type="button" class={classes!("ccc-tool", current.then_some("on"))} data-action={method.as_str()}
                                disabled={current || view.status.allows(method) == Some(false)} {onclick}>{ label }</button>
                    }
                }) }
            </div>
            <input class="ccc-input small" name="mobile" inputmode="tel" placeholder={t.mobile_placeholder}
                   value={drafts.get().mobile.clone()} oninput={drafts.input(|d| &mut d.mobile)} />
            <h3>{ t.volume }</h3>
            { slider(Method::ChangeVolumeInCall, t.call_volume, view.volumes.in_call) }
            { slider(Method::ChangeRingToneVolume, t.ring_volume, view.volumes.ring) }
        </section>
    }
}
