//! One view per side-nav entry; [`render`] picks the current one.

pub mod agents;
pub mod call_card;
pub mod conference;
pub mod device_check;
pub mod inbound;
pub mod my_work;
pub mod outbound;
pub mod records;
pub mod settings;
pub mod transfer;

use std::rc::Rc;

use agent_state::{Method, Status};
use yew::prelude::*;

use crate::components::PanelProps;
use crate::workbench::{View, Workbench};

/// The main area for the current side-nav entry. Before the agent is online, every entry shows the sign-in
/// prompt, since nothing else can work yet.
pub fn render(view: &View, wb: &Rc<Workbench>) -> Html {
    // Checking the devices needs no sign-in.
    if view.nav == "设备检测" {
        return html! { <device_check::DeviceCheck view={view.clone()} workbench={wb.clone()} /> };
    }
    if let Some(prompt) = sign_in_prompt(view, wb) {
        return prompt;
    }
    match view.nav.as_str() {
        "呼入" => html! { <inbound::Inbound view={view.clone()} workbench={wb.clone()} /> },
        "呼出" => html! { <outbound::Outbound view={view.clone()} workbench={wb.clone()} /> },
        "内部通话" | "监听" => {
            let panel = PanelProps {
                view: view.clone(),
                workbench: wb.clone(),
            };
            html! { <agents::Agents {panel} supervise={view.nav == "监听"} /> }
        }
        "我的工作" => html! { <my_work::MyWork view={view.clone()} workbench={wb.clone()} /> },
        "通话记录" => html! { <records::Records view={view.clone()} workbench={wb.clone()} /> },
        "会议" => html! { <conference::Conference view={view.clone()} workbench={wb.clone()} /> },
        "转接" => html! { <transfer::Transfer view={view.clone()} workbench={wb.clone()} /> },
        "设置" => html! { <settings::Settings view={view.clone()} workbench={wb.clone()} /> },
        other => html! {
            <section class="ccc-view ccc-unavailable">
                <h2>{ other }</h2>
                <p>{ "此功能在当前版本中尚未提供。" }</p>
            </section>
        },
    }
}

fn sign_in_prompt(view: &View, wb: &Rc<Workbench>) -> Option<Html> {
    let (text, label, method) = match view.status {
        Status::Unregistered => ("尚未上线", "上线", Some(Method::Register)),
        Status::Registering => ("正在上线…", "", None),
        Status::Offline if view.device_conflict => (
            "已有其他设备登录此坐席",
            "在此设备上线",
            Some(Method::ForceToPrepareSignIn),
        ),
        Status::Offline => ("已下线", "上线", Some(Method::LogIn)),
        _ => return None,
    };
    let onclick = {
        let wb = wb.clone();
        move |_| match method {
            Some(Method::ForceToPrepareSignIn) => wb.force_to_prepare_sign_in(),
            Some(Method::LogIn) => wb.log_in(None),
            _ => wb.register(None),
        }
    };
    Some(html! {
        <section class="ccc-view ccc-signin">
            if let Some(src) = view.state_image.clone() {
                <img class="ccc-state-image" {src} alt={text} />
            }
            <p>{ text }</p>
            if let Some(method) = method.filter(|_| !label.is_empty()) {
                <button type="button" class="ccc-btn primary" data-action={method.as_str()} {onclick}>{ label }</button>
            }
        </section>
    })
}
