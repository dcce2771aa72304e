//! 转接: hand the current call to an agent (user id or extension), a skill group or an external number —
//! blind (`thirdCallTransfer`) or after consulting (`initiateAttendedTransfer`, then `thirdCallRetrieve` /
//! `thirdCallTransferFinished` from the call card).

use std::rc::Rc;

use agent_state::Method;
use yew::prelude::*;

use super::drafts::DraftsHandle;
use crate::i18n::fill;
use crate::workbench::{View, Workbench};

/// The 转接 view; the transferee being entered is `drafts`' `transferee`.
pub fn transfer(view: &View, wb: &Rc<Workbench>, drafts: &DraftsHandle) -> Html {
    let t = view.text();
    let go = |attended: bool| {
        let (wb, target) = (wb.clone(), drafts.get().transferee.clone());
        move |_| wb.transfer(attended, &target, None, None)
    };
    let can_blind = view.status.allows(Method::ThirdCallTransfer) == Some(true);
    let can_consult = view.status.allows(Method::InitiateAttendedTransfer) == Some(true);
    html! {
        <section class="ccc-view ccc-transfer">
            <h2>{ t.nav_transfer }</h2>
            if can_blind || can_consult {
                <input class="ccc-input small" name="transferee" placeholder={t.transferee_placeholder}
                       value={drafts.get().transferee.clone()} oninput={drafts.input(|d| &mut d.transferee)} />
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
