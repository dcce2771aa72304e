//! 呼出: number entry, dial pad, caller-number choice, and the call button.

use std::rc::Rc;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::call_card::CallCard;
use super::drafts::DraftsHandle;
use crate::components::dialpad::dialpad;
use crate::workbench::{CallExtras, View, Workbench};

/// The 呼出 view; the number being entered is `drafts`' `callee`.
pub fn outbound(view: &View, wb: &Rc<Workbench>, drafts: &DraftsHandle) -> Html {
    let t = view.text();
    if view.status.in_call() {
        return html! { <CallCard view={view.clone()} workbench={wb.clone()} /> };
    }
    let on_key = {
        let drafts = drafts.clone();
        Callback::from(move |k: &'static str| drafts.edit(|d| d.callee.push_str(k)))
    };
    let on_caller = {
        let wb = wb.clone();
        move |e: Event| wb.select_caller(e.target_unchecked_into::<HtmlSelectElement>().value())
    };
    let dial = {
        let (wb, number, caller) = (wb.clone(), drafts.get().callee.clone(), view.caller.clone());
        move |e: SubmitEvent| {
            e.prevent_default();
            wb.call(&number, Some(&caller), CallExtras::default());
        }
    };
    html! {
        <section class="ccc-view ccc-outbound">
            <form class="ccc-dial" onsubmit={dial}>
                <input class="ccc-input" name="callee" inputmode="tel" placeholder={t.number_placeholder}
                       value={drafts.get().callee.clone()} oninput={drafts.input(|d| &mut d.callee)} />
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
