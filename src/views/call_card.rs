//! The current call: far party, direction, timer, and the answer / hang-up buttons the status allows.

use agent_state::Status;
use yew::prelude::*;

use crate::hooks::{duration, use_clock};
use crate::views::PanelProps;

/// The live call.
#[function_component(CallCard)]
pub fn call_card(props: &PanelProps) -> Html {
    let now = use_clock();
    let view = &props.view;
    let call = view.call.clone();
    let number = call.as_ref().map(|c| c.number.clone()).unwrap_or_default();
    let group = call
        .as_ref()
        .map(|c| c.skill_group.clone())
        .unwrap_or_default();
    let answer = {
        let wb = props.workbench.clone();
        move |_| wb.answer(None)
    };
    let hang_up = {
        let wb = props.workbench.clone();
        move |_| wb.hang_up(None, None, None)
    };
    let direction = match view.status {
        Status::Ringing => "来电振铃",
        Status::Dialing => "正在呼叫",
        s => s.label(),
    };
    html! {
        <section class={classes!("ccc-view", "ccc-call", (view.status == Status::Ringing).then_some("ringing"))}>
            <p class="ccc-direction">{ direction }</p>
            <p class="ccc-number" data-role="far-number">{ number }</p>
            if !group.is_empty() {
                <p class="ccc-hint" data-role="skill-group">{ format!("技能组:{group}") }</p>
            }
            <p class="ccc-timer big">{ duration(view.since_ms, now) }</p>
            <div class="ccc-actions">
                if view.status.allows("answer") == Some(true) {
                    <button type="button" class="ccc-btn answer" data-action="answer" onclick={answer}>{ "接听" }</button>
                }
                if view.status.allows("hangUp") == Some(true) {
                    <button type="button" class="ccc-btn hangup" data-action="hangUp" onclick={hang_up}>{ "挂断" }</button>
                }
            </div>
        </section>
    }
}
