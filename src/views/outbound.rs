//! 呼出: number entry, dial pad, caller-number choice, and the call button.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::call_card::CallCard;
use crate::components::dialpad::dialpad;
use crate::components::PanelProps;
use crate::workbench::CallExtras;

/// The 呼出 view.
#[function_component(Outbound)]
pub fn outbound(props: &PanelProps) -> Html {
    let number = use_state(String::new);
    let view = &props.view;
    let t = view.text();
    if view.status.in_call() {
        return html! { <CallCard view={view.clone()} workbench={props.workbench.clone()} /> };
    }
    let on_input = {
        let number = number.clone();
        move |e: InputEvent| number.set(e.target_unchecked_into::<HtmlInputElement>().value())
    };
    let on_key = {
        let number = number.clone();
        Callback::from(move |k: &'static str| number.set(format!("{}{k}", *number)))
    };
    let on_caller = {
        let wb = props.workbench.clone();
        move |e: Event| wb.select_caller(e.target_unchecked_into::<HtmlSelectElement>().value())
    };
    let dial = {
        let (wb, number, caller) = (props.workbench.clone(), number.clone(), view.caller.clone());
        move |e: SubmitEvent| {
            e.prevent_default();
            wb.call(&number, Some(&caller), CallExtras::default());
        }
    };
    html! {
        <section class="ccc-view ccc-outbound">
            <form class="ccc-dial" onsubmit={dial}>
                <input class="ccc-input" name="callee" inputmode="tel" placeholder={t.number_placeholder}
                       value={(*number).clone()} oninput={on_input} />
                { dialpad(&on_key) }
                <label class="ccc-caller">{ t.caller_number }
                    <select name="caller" onchange={on_caller}>
                        <option value="" selected={view.caller.is_empty()}>{ t.caller_auto }</option>
                        { for view.numbers.iter().map(|n| html! {
                            <option value={n.clone()} selected={*n == view.caller}>{ n }</option>
                        }) }
                    </select>
                </label>
                <button type="submit" class="ccc-btn answer wide" data-action="call">{ t.dial }</button>
            </form>
        </section>
    }
}
