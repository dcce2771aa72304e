//! 会议: start a conference with one or two colleagues (extension) or outside numbers (`startConference`);
//! while one runs, the call card shows it. A consultation becomes a conference from the call card
//! (`switchToConference`).

use agent_state::Method;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::call_card::CallCard;
use crate::components::PanelProps;

/// The 会议 view.
#[function_component(Conference)]
pub fn conference(props: &PanelProps) -> Html {
    let first = use_state(String::new);
    let second = use_state(String::new);
    let view = &props.view;
    let t = view.text();
    if view.status.in_call() {
        return html! { <CallCard view={view.clone()} workbench={props.workbench.clone()} /> };
    }
    let input = |name: &'static str, state: &UseStateHandle<String>| {
        let state = state.clone();
        let value = (*state).clone();
        let oninput =
            move |e: InputEvent| state.set(e.target_unchecked_into::<HtmlInputElement>().value());
        html! { <input class="ccc-input small" {name} placeholder={t.participant_placeholder} {value} {oninput} /> }
    };
    let start = {
        let (wb, first, second) = (props.workbench.clone(), first.clone(), second.clone());
        move |_| {
            let parties: Vec<String> = [(*first).clone(), (*second).clone()]
                .into_iter()
                .filter(|p| !p.trim().is_empty())
                .collect();
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
            { input("participant1", &first) }
            { input("participant2", &second) }
            <button type="button" class="ccc-btn primary" data-action="startConference" disabled={!allowed}
                    onclick={start}>{ t.start_conference }</button>
        </section>
    }
}
