//! 内部通话 and 监听: the instance's agents with their live state. 内部通话 calls an idle colleague
//! (`agentToAgent`); 监听 lists colleagues in a call and supervises them (`monitor`, then `bargeIn`,
//! `intercept`, `coach`). The list loads when the view opens; 刷新 reloads it.

use agent_state::Method;
use yew::prelude::*;

use super::call_card::CallCard;
use crate::components::PanelProps;

/// A realtime state in one spelling: ListRealtimeAgentStates writes `Ready`, ListAgentStates `READY`.
pub fn normal_state(state: &str) -> String {
    state.trim().to_ascii_uppercase()
}

/// The Chinese label of a realtime agent state (any casing).
pub fn state_label(state: &str) -> String {
    let label = match normal_state(state).as_str() {
        "READY" => "空闲",
        "BREAK" => "小休",
        "OFFLINE" => "离线",
        "TALKING" => "通话中",
        "RINGING" => "振铃",
        "DIALING" => "拨号中",
        "WORKING" | "ACW" => "话后处理",
        _ => return state.to_owned(),
    };
    label.to_owned()
}

/// Props of [`Agents`].
#[derive(Properties, Clone, PartialEq)]
pub struct AgentsProps {
    /// The panel.
    pub panel: PanelProps,
    /// `true`: the 监听 view (agents in a call, supervision actions); `false`: 内部通话.
    pub supervise: bool,
}

/// The 内部通话 / 监听 view.
#[function_component(Agents)]
pub fn agents(props: &AgentsProps) -> Html {
    let PanelProps { view, workbench } = &props.panel;
    {
        let wb = workbench.clone();
        use_effect_with(props.supervise, move |_| {
            wb.load_agents();
            || ()
        });
    }
    // In 内部通话, the call in progress (an internal call most often) takes the view, as in 呼入/呼出.
    if !props.supervise && view.status.in_call() {
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
        !props.supervise
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
                { if props.supervise { "监听" } else { "内部通话" } }
                <button type="button" class="ccc-link" onclick={refresh}>{ "刷新" }</button>
            </h2>
            if props.supervise && allowed(Method::HangUp) {
                <div class="ccc-actions">
                    <button type="button" class="ccc-btn hangup wide" data-action="hangUp"
                            onclick={let wb = workbench.clone(); move |_| wb.hang_up(None, None, None)}>{ "结束监听" }</button>
                </div>
            }
            <ul class="ccc-list">
                { for rows.map(|a| html! {
                    <li data-agent={a.agent_id.clone()}>
                        <span class="ccc-list-main">
                            <b>{ if a.agent_name.is_empty() { a.agent_id.clone() } else { a.agent_name.clone() } }</b>
                            <small>{ format!("{} · {}", a.extension, state_label(&a.state)) }</small>
                        </span>
                        <span class="ccc-list-actions">
                            if props.supervise {
                                { action(Method::Monitor, "监听", &a.agent_id, &a.extension) }
                                { action(Method::BargeIn, "强插", &a.agent_id, &a.extension) }
                                { action(Method::Intercept, "拦截", &a.agent_id, &a.extension) }
                                { action(Method::Coach, "耳语", &a.agent_id, &a.extension) }
                            } else if normal_state(&a.state) == "READY" {
                                { action(Method::AgentToAgent, "呼叫", &a.agent_id, &a.extension) }
                            }
                        </span>
                    </li>
                }) }
            </ul>
            if view.agents.is_empty() {
                <p class="ccc-hint">{ "暂无坐席" }</p>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_in_either_spelling() {
        assert_eq!(state_label("Ready"), "空闲");
        assert_eq!(state_label("TALKING"), "通话中");
        assert_eq!(state_label("Mystery"), "Mystery");
    }
}
