//! 会议: start a conference with one or two colleagues (extension) or outside numbers (`startConference`);
//! while one runs, the call card shows it. A consultation becomes a conference from the call card
//! (`switchToConference`).

use std::rc::Rc;

use agent_state::Method;
use yew::prelude::*;

use super::call_card::CallCard;
use super::drafts::{Drafts, DraftsHandle};
use crate::workbench::{View, Workbench};

/// The 会议 view; the participants being entered are `drafts`' `participants`.
pub fn conference(view: &View, wb: &Rc<Workbench>, drafts: &DraftsHandle) -> Html {
    let t = view.text();
    if view.status.in_call() {
        return html! { <CallCard view={view.clone()} workbench={wb.clone()} /> };
    }
    let input = |name: &'static str, value: &String, field: fn(&mut Drafts) -> &mut String| {
        html! {
            <input class="ccc-input small" {name} placeholder={t.participant_placeholder}
                   value={value.clone()} oninput={drafts.input(field)} />
        }
    };
    let start = {
        let (wb, parties) = (wb.clone(), drafts.get().participants.clone());
        move |_| {
            let parties: Vec<&String> = parties.iter().filter(|p| !p.trim().is_empty()).collect();
            wb.start_conference(
                &serde_json::to_string(&parties).unwrap_or_default(),
                None,
                None,
            );
        }
    };
    let allowed = view.status.allows(Method::StartConference) == Some(true);
    html! {
        <section class="ccc-view ccc-conference">
            <h2>{ t.nav_conference }</h2>
            <p class="ccc-hint">{ t.conference_hint }</p>
            { input("participant1", &drafts.get().participants[0], |d| &mut d.participants[0]) }
            { input("participant2", &drafts.get().participants[1], |d| &mut d.participants[1]) }
            <button type="button" class="ccc-btn primary" data-action="startConference" disabled={!allowed}
                    onclick={start}>{ t.start_conference }</button>
        </section>
    }
}
