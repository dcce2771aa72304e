//! 转接: hand the current call to an agent (user id or extension), a skill group or an external number —
//! blind (`thirdCallTransfer`) or after consulting (`initiateAttendedTransfer`, then `thirdCallRetrieve` /
//! `thirdCallTransferFinished` from the call card).

use agent_state::Method;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::PanelProps;
use crate::i18n::fill;

/// The 转接 view.
#[function_component(Transfer)]
pub fn transfer(props: &PanelProps) -> Html {
    let target = use_state(String::new);
    let view = &props.view;
    let t = view.text();
    let on_input = {
        let target = target.clone();
        move |e: InputEvent| target.set(e.target_unchecked_into::<HtmlInputElement>().value())
    };
    let go = |attended: bool| {
        let (wb, target) = (props.workbench.clone(), target.clone());
        move |_| wb.transfer(attended, &target, None, None)
    };
    let can_blind = view.status.allows(Method::ThirdCallTransfer) == Some(true);
    let can_consult = view.status.allows(Method::InitiateAttendedTransfer) == Some(true);
    html! {
        <section class="ccc-view ccc-transfer">
            <h2>{ t.nav_transfer }</h2>
            if can_blind || can_consult {
                <input class="ccc-input small" name="transferee" placeholder={t.transferee_placeholder}
                       value={(*target).clone()} oninput={on_input} />
                if !view.skill_groups.is_empty() {
                    <p class="ccc-hint">{ fill(t.own_skill_groups, &[&view.skill_groups.join(t.list_separator)]) }</p>
                }
                <div class="ccc-actions">
                    if can_blind {
                        <button type="button" class="ccc-btn primary" data-action="thirdCallTransfer"
                                onclick={go(false)}>{ t.blind_transfer }</button>
                    }
                    if can_consult {
                        <button type="button" class="ccc-btn" data-action="initiateAttendedTransfer"
                                onclick={go(true)}>{ t.attended_transfer }</button>
                    }
                </div>
            } else {
                <p class="ccc-hint">{ t.transfer_needs_call }</p>
            }
        </section>
    }
}
