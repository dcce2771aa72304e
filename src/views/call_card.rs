//! The current call: far party, direction, timer, the answer / hang-up buttons the status allows, and the
//! in-call tools (hold, mute, keypad for DTMF, consultation) — each shown only where the status table
//! allows its method, and each calling the same intent as the host's method.

use agent_state::{Method, Status};
use yew::prelude::*;

use crate::components::dialpad::dialpad;
use crate::components::PanelProps;
use crate::config::nav;
use crate::hooks::{duration, use_clock};
use crate::i18n::fill;

/// The live call.
#[function_component(CallCard)]
pub fn call_card(props: &PanelProps) -> Html {
    let now = use_clock();
    let view = &props.view;
    let t = view.text();
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
    // A ringing call takes the keyboard focus to 接听 when the focus is inside the panel (or the host opted in
    // with `focusOnRing`), so that Enter answers it.
    let answer_ref = use_node_ref();
    {
        let (answer_ref, focus_anyway) =
            (answer_ref.clone(), props.workbench.config().focus_on_ring);
        use_effect_with(view.status == Status::Ringing, move |ringing| {
            if *ringing {
                crate::focus::take_if_inside(&answer_ref, focus_anyway);
            }
        });
    }
    let hang_up = {
        let wb = props.workbench.clone();
        move |_| wb.hang_up(None, None, None)
    };
    let keypad = use_state(|| false);
    let sent = use_state(String::new);
    let on_key = {
        let (wb, sent) = (props.workbench.clone(), sent.clone());
        Callback::from(move |k: &'static str| {
            sent.set(format!("{}{k}", *sent));
            wb.send_dtmf(k, None, None, None);
        })
    };
    let tool = |method: Method, label: &'static str, active: bool, run: Callback<MouseEvent>| {
        (view.status.allows(method) == Some(true)).then(|| {
            // The keypad is the one tool that toggles in place (the others swap for their opposite).
            let pressed = (method == Method::SendDtmf).then(|| active.to_string());
            html! {
                <button type="button" class={classes!("ccc-tool", active.then_some("on"))} data-action={method.as_str()}
                        aria-pressed={pressed} onclick={run}>{ label }</button>
            }
        })
    };
    let wb = props.workbench.clone();
    let muted = call.as_ref().is_some_and(|c| c.muted);
    let tools: Vec<Html> = [
        tool(Method::CallHold, t.hold, false, {
            let wb = wb.clone();
            Callback::from(move |_| wb.hold(true, None))
        }),
        tool(Method::CallRetrieve, t.retrieve, true, {
            let wb = wb.clone();
            Callback::from(move |_| wb.hold(false, None))
        })
        .filter(|_| view.status == Status::Hold),
        tool(
            if muted {
                Method::UmMuteAgent
            } else {
                Method::MuteAgent
            },
            if muted { t.unmute } else { t.mute },
            muted,
            {
                let wb = wb.clone();
                Callback::from(move |_| wb.mute(!muted))
            },
        ),
        tool(Method::SendDtmf, t.keypad, *keypad, {
            let keypad = keypad.clone();
            Callback::from(move |_| keypad.set(!*keypad))
        }),
        tool(Method::ThirdCallTransfer, t.transfer, false, {
            let wb = wb.clone();
            Callback::from(move |_| wb.select_nav(nav::TRANSFER.into()))
        }),
        tool(Method::ThirdCallRetrieve, t.take_back, false, {
            let wb = wb.clone();
            Callback::from(move |_| wb.finish_consultation(false, None))
        }),
        tool(
            Method::ThirdCallTransferFinished,
            t.finish_transfer,
            false,
            {
                let wb = wb.clone();
                Callback::from(move |_| wb.finish_consultation(true, None))
            },
        ),
        tool(Method::SwitchToConference, t.to_conference, false, {
            let wb = wb.clone();
            Callback::from(move |_| wb.switch_to_conference(None))
        }),
        tool(Method::TransferStatisfic, t.survey, false, {
            let wb = wb.clone();
            Callback::from(move |_| wb.transfer_statisfic(None))
        }),
    ]
    .into_iter()
    .flatten()
    .collect();
    let direction = match view.status {
        Status::Ringing => t.incoming,
        Status::Dialing => t.calling,
        s => t.status(s),
    };
    html! {
        <section class={classes!("ccc-view", "ccc-call", (view.status == Status::Ringing).then_some("ringing"))}>
            <p class="ccc-direction">{ direction }</p>
            <p class="ccc-number" data-role="far-number">{ number }</p>
            if !group.is_empty() {
                <p class="ccc-hint" data-role="skill-group">{ fill(t.skill_group_of_call, &[&group]) }</p>
            }
            <p class="ccc-timer big">{ duration(view.since_ms, now) }</p>
            if !tools.is_empty() {
                <div class="ccc-tools">{ for tools }</div>
            }
            if *keypad && view.status.allows(Method::SendDtmf) == Some(true) {
                <p class="ccc-hint" data-role="dtmf-sent">{ (*sent).clone() }</p>
                { dialpad(&on_key) }
            }
            <div class="ccc-actions">
                if view.status.allows(Method::Answer) == Some(true) {
                    <button type="button" class="ccc-btn answer" data-action="answer" ref={answer_ref} onclick={answer}>{ t.answer }</button>
                }
                if view.status.allows(Method::HangUp) == Some(true) {
                    <button type="button" class="ccc-btn hangup" data-action="hangUp" onclick={hang_up}>{ t.hang_up }</button>
                }
            </div>
        </section>
    }
}
