//! 呼入: the incoming call (caller, skill group, answer), the live call, and the idle/break/after-call states.

use std::rc::Rc;

use agent_state::{Method, Status};
use yew::prelude::*;

use super::call_card::CallCard;
use super::drafts::DraftsHandle;
use crate::workbench::{View, Workbench};

/// The 呼入 view; whether the break reasons are open is `drafts`' `choosing_reason`.
pub fn inbound(view: &View, wb: &Rc<Workbench>, drafts: &DraftsHandle) -> Html {
    if view.status.in_call() {
        return html! { <CallCard view={view.clone()} workbench={wb.clone()} /> };
    }
    let ready = {
        let wb = wb.clone();
        move |_| wb.ready()
    };
    // With break reasons configured, 小休 opens the list of reasons first.
    let take_break = {
        let (wb, drafts, has_reasons) = (wb.clone(), drafts.clone(), !view.break_codes.is_empty());
        move |_| {
            if has_reasons {
                drafts.edit(|d| d.choosing_reason = !d.choosing_reason);
            } else {
                wb.apply_for_break(None, None)
            }
        }
    };
    let reasons = view.break_codes.iter().map(|code| {
        let (wb, drafts, reason) = (wb.clone(), drafts.clone(), code.clone());
        let onclick = move |_| {
            drafts.edit(|d| d.choosing_reason = false);
            wb.apply_for_break(Some(reason.clone()), None)
        };
        html! { <button type="button" class="ccc-tool" data-reason={code.clone()} {onclick}>{ code }</button> }
    });
    let t = view.text();
    let (title, hint) = match view.status {
        Status::Break => (t.on_break, t.on_break_hint),
        Status::AfterCall => (t.after_call, t.after_call_hint),
        Status::CallOnly => (t.call_only, t.call_only_hint),
        _ => (t.waiting, t.waiting_hint),
    };
    html! {
        <section class="ccc-view ccc-inbound">
            if let Some(src) = view.state_image.clone() {
                <img class="ccc-state-image" {src} alt={title} />
            }
            <h2>{ title }</h2>
            <p class="ccc-hint">{ hint }</p>
            <div class="ccc-actions">
                if matches!(view.status, Status::Break | Status::AfterCall | Status::CallOnly) {
                    <button type="button" class="ccc-btn primary" data-action="ready" onclick={ready}>{ t.set_ready }</button>
                }
                if matches!(view.status, Status::Ready | Status::AfterCall | Status::CallOnly) {
                    <button type="button" class="ccc-btn" data-action="break" onclick={take_break}>{ t.take_break }</button>
                }
            </div>
            if drafts.get().choosing_reason && view.status.allows(Method::ApplyForBreak) == Some(true) {
                <p class="ccc-hint">{ t.choose_break_reason }</p>
                <div class="ccc-tools ccc-reasons">{ for reasons }</div>
            }
        </section>
    }
}
