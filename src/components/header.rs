//! The header: status, timer, agent, the `moreActionList` menu and the collapse toggle.

use agent_state::Status;
use yew::prelude::*;

use crate::components::PanelProps;
use crate::config::nav;
use crate::hooks::{duration, use_clock};

/// A CSS class grouping statuses by colour.
pub fn status_class(status: Status) -> &'static str {
    match status.code() {
        -1..=1 => "off",
        2 | 5 => "away",
        3 | 4 => "ready",
        _ => "busy",
    }
}

/// The header bar.
#[function_component(Header)]
pub fn header(props: &PanelProps) -> Html {
    let now = use_clock();
    let menu_open = use_state(|| false);
    let view = &props.view;
    let t = view.text();
    let config = props.workbench.config();
    // When expanded, "online" and "ready" are offered inside the panel and left out here (contract §3.6).
    let actions: Vec<String> = config
        .more_action_list
        .iter()
        .filter(|a| !view.main_visible || !matches!(a.as_str(), "online" | "ready"))
        .cloned()
        .collect();
    let run = {
        let (wb, menu_open) = (props.workbench.clone(), menu_open.clone());
        move |action: String| {
            menu_open.set(false);
            match action.as_str() {
                "online" if wb.status_code().0 == -1 => wb.register(None),
                "online" => wb.log_in(None),
                "ready" => wb.ready(),
                "onlyCall" => wb.apply_for_call_only(true),
                "break" => wb.apply_for_break(None, None),
                "offline" => wb.log_out(),
                // The volume sliders and the work-mode choice live in 设置.
                "adjustVolume" | "changeWorkMode" => wb.select_nav(nav::SETTINGS.into()),
                other => wb.report(9003, format!("{other} is not available in this version")),
            }
        }
    };
    let toggle_menu = {
        let menu_open = menu_open.clone();
        move |_| menu_open.set(!*menu_open)
    };
    let toggle_pane = {
        let (wb, visible) = (props.workbench.clone(), view.main_visible);
        move |_| wb.change_main_pane_visible(!visible)
    };
    let agent = view.agent.as_ref().map(|a| {
        if a.display_name.is_empty() {
            a.user_id.clone()
        } else {
            a.display_name.clone()
        }
    });
    html! {
        <header class="ccc-header">
            <span class={classes!("ccc-dot", status_class(view.status))}></span>
            <span class="ccc-status" data-code={view.status.code().to_string()}>{ t.status(view.status) }</span>
            if view.status.code() >= 2 {
                <span class="ccc-timer">{ duration(view.since_ms, now) }</span>
            }
            <span class="ccc-agent">{ agent.unwrap_or_default() }</span>
            if !actions.is_empty() {
                <button type="button" class="ccc-menu-toggle" aria-label={t.more_actions}
                        aria-haspopup="true" aria-expanded={menu_open.to_string()} onclick={toggle_menu}>{ "⋯" }</button>
            }
            if config.reduce_panel {
                <button type="button" class="ccc-collapse" aria-label={t.collapse}
                        aria-expanded={view.main_visible.to_string()} onclick={toggle_pane}>
                    { if view.main_visible { "—" } else { "▢" } }
                </button>
            }
            if *menu_open {
                <ul class="ccc-menu">
                    { for actions.into_iter().map(|a| {
                        let run = run.clone();
                        let label = t.action(&a);
                        let value = a.clone();
                        html! { <li><button type="button" data-action={a} onclick={move |_| run(value.clone())}>{ label }</button></li> }
                    }) }
                </ul>
            }
        </header>
    }
}
