//! 内部通话 and 监听: the instance's agents with their live state. 内部通话 calls an idle colleague
//! (`agentToAgent`); 监听 lists colleagues in a call and supervises them (`monitor`, then `bargeIn`,
//! `intercept`, `coach`). The list loads when the view opens; 刷新 reloads it.

use std::rc::Rc;

use agent_state::Method;
use yew::prelude::*;

use super::call_card::CallCard;
use crate::i18n::Catalogue;
use crate::workbench::{View, Workbench};

/// A realtime state in one spelling: ListRealtimeAgentStates writes `Ready`, ListAgentStates `READY`.
pub fn normal_state(state: &str) -> String {
    state.trim().to_ascii_uppercase()
}

/// The label of a realtime agent state (any casing); a state the panel does not know, as written.
pub fn state_label(text: &Catalogue, state: &str) -> String {
    text.agent_state(&normal_state(state))
        .unwrap_or(state)
        .to_owned()
}

/// The 内部通话 view (`supervise` false) or the 监听 view (`true`: agents in a call, supervision actions);
/// `views::Open` loads the list when it opens.
pub fn agents(view: &View, workbench: &Rc<Workbench>, supervise: bool) -> Html {
    let t = view.text();
    // In 内部通话, the call in progress (an internal call most often) takes the view, as in 呼入/呼出.
    if !supervise && view.status.in_call() {
        return html! { <CallCard view={view.clone()} workbench={workbench.clone()} /> };
    }
    let me = view
        .agent
        .as_ref()
        .map(|a| a.user_id.clone())
        .unwrap_or_default();
    let refresh = {
        let wb = workbench.clone();
        move |_| wb.load_agents()
    };
    let allowed = |method: Method| view.status.allows(method) == Some(true);
    let rows = view.agents.iter().filter(|a| a.agent_id != me).filter(|a| {
        !supervise
            || matches!(
                normal_state(&a.state).as_str(),
                "TALKING" | "RINGING" | "DIALING"
            )
    });
    let action = |method: Method, label: &'static str, agent: &str, extension: &str| {
        let (wb, agent, extension) = (workbench.clone(), agent.to_owned(), extension.to_owned());
        let onclick = move |_: MouseEvent| match method {
            Method::AgentToAgent => wb.agent_to_agent(&extension, None),
            Method::Monitor => wb.monitor(&agent, None),
            other => wb.supervise(other, &agent, None, None),
        };
        html! {
            <button type="button" class="ccc-tool" data-action={method.as_str()} disabled={!allowed(method)}
                    {onclick}>{ label }</button>
        }
    };
    html! {
        <section class="ccc-view ccc-agents">
            <h2>
                { if supervise { t.nav_monitor } else { t.nav_internal } }
                <button type="button" class="ccc-link" onclick={refresh}>{ t.refresh }</button>
            </h2>
            if supervise && allowed(Method::HangUp) {
                <div class="ccc-actions">
                    <button type="button" class="ccc-btn hangup wide" data-action="hangUp"
                            onclick={let wb = workbench.clone(); move |_| wb.hang_up(None, None, None)}>{ t.end_monitoring }</button>
                </div>
            }
            <ul class="ccc-list">
                { for rows.map(|a| html! {
                    <li data-agent={a.agent_id.clone()}>
                        <span class="ccc-list-main">
                            <b>{ if a.agent_name.is_empty() { a.agent_id.clone() } else { a.agent_name.clone() } }</b>
                            <small>{ format!("{} · {}", a.extension, state_label(t, &a.state)) }</small>
                        </span>
                        <span class="ccc-list-actions">
                            if supervise {
                                { action(Method::Monitor, t.monitor, &a.agent_id, &a.extension) }
                                { action(Method::BargeIn, t.barge_in, &a.agent_id, &a.extension) }
                                { action(Method::Intercept, t.intercept, &a.agent_id, &a.extension) }
                                { action(Method::Coach, t.coach, &a.agent_id, &a.extension) }
                            } else if normal_state(&a.state) == "READY" {
                                { action(Method::AgentToAgent, t.dial, &a.agent_id, &a.extension) }
                            }
                        </span>
                    </li>
                }) }
            </ul>
            if view.agents.is_empty() {
                <p class="ccc-hint">{ t.no_agents }</p>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Language;
    use crate::i18n::text;

    #[test]
    fn states_in_either_spelling() {
        let (zh, en) = (text(Language::ZhCn), text(Language::EnUs));
        assert_eq!(state_label(zh, "Ready"), zh.agent_ready);
        assert_eq!(state_label(en, "TALKING"), en.agent_talking);
        assert_eq!(state_label(en, "working"), state_label(en, "ACW"));
        assert_eq!(state_label(en, "Mystery"), "Mystery");
    }
}
