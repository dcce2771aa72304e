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
use crate::config::nav;
use crate::workbench::{View, Workbench};

/// The main area for the current side-nav entry. Before the agent is online, every entry shows the sign-in
/// prompt, since nothing else can work yet.
pub fn render(view: &View, wb: &Rc<Workbench>) -> Html {
    // Checking the devices needs no sign-in.
    if view.nav == nav::DEVICE_CHECK {
        return html! { <device_check::DeviceCheck view={view.clone()} workbench={wb.clone()} /> };
    }
    if let Some(prompt) = sign_in_prompt(view, wb) {
        return prompt;
    }
    match view.nav.as_str() {
        nav::INBOUND => html! { <inbound::Inbound view={view.clone()} workbench={wb.clone()} /> },
        nav::OUTBOUND => {
            html! { <outbound::Outbound view={view.clone()} workbench={wb.clone()} /> }
        }
        nav::INTERNAL | nav::MONITOR => {
            let panel = PanelProps {
                view: view.clone(),
                workbench: wb.clone(),
            };
            html! { <agents::Agents {panel} supervise={view.nav == nav::MONITOR} /> }
        }
        nav::MY_WORK => html! { <my_work::MyWork view={view.clone()} workbench={wb.clone()} /> },
        nav::RECORDS => html! { <records::Records view={view.clone()} workbench={wb.clone()} /> },
        nav::CONFERENCE => {
            html! { <conference::Conference view={view.clone()} workbench={wb.clone()} /> }
        }
        nav::TRANSFER => {
            html! { <transfer::Transfer view={view.clone()} workbench={wb.clone()} /> }
        }
        nav::SETTINGS => {
            html! { <settings::Settings view={view.clone()} workbench={wb.clone()} /> }
        }
        other => html! {
            <section class="ccc-view ccc-unavailable">
                <h2>{ view.text().nav(other) }</h2>
                <p>{ view.text().unavailable }</p>
            </section>
        },
    }
}

fn sign_in_prompt(view: &View, wb: &Rc<Workbench>) -> Option<Html> {
    let t = view.text();
    let (text, label, method) = match view.status {
        Status::Unregistered => (t.not_signed_in, t.sign_in, Some(Method::Register)),
        Status::Registering => (t.signing_in, "", None),
        Status::Offline if view.device_conflict => (
            t.device_conflict,
            t.sign_in_here,
            Some(Method::ForceToPrepareSignIn),
        ),
        Status::Offline => (t.signed_out, t.sign_in, Some(Method::LogIn)),
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
