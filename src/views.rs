//! One view per side-nav entry; [`render`] picks the current one.

pub mod agents;
pub mod call_card;
pub mod conference;
pub mod device_check;
pub mod drafts;
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
use drafts::{Drafts, DraftsHandle};

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
    // Keyed by the entry: opening a view starts it afresh (its drafts empty, its list reloaded).
    html! { <Open key={view.nav.clone()} view={view.clone()} workbench={wb.clone()} /> }
}

/// The open view: one component for all of them, holding what the open one keeps ([`Drafts`]) and loading
/// what it lists when it opens; the views themselves are plain functions.
#[function_component(Open)]
fn open(props: &PanelProps) -> Html {
    let drafts = DraftsHandle(use_state(Drafts::default));
    {
        let wb = props.workbench.clone();
        use_effect_with(props.view.nav.clone(), move |nav| {
            match nav.as_str() {
                nav::INTERNAL | nav::MONITOR => wb.load_agents(),
                nav::MY_WORK => wb.load_report(),
                nav::RECORDS => wb.load_records(),
                _ => {}
            }
            || ()
        });
    }
    let (view, wb) = (&props.view, &props.workbench);
    match view.nav.as_str() {
        nav::INBOUND => inbound::inbound(view, wb, &drafts),
        nav::OUTBOUND => outbound::outbound(view, wb, &drafts),
        nav::INTERNAL => agents::agents(view, wb, false),
        nav::MONITOR => agents::agents(view, wb, true),
        nav::MY_WORK => my_work::my_work(view, wb),
        nav::RECORDS => records::records(view, wb),
        nav::CONFERENCE => conference::conference(view, wb, &drafts),
        nav::TRANSFER => transfer::transfer(view, wb, &drafts),
        nav::SETTINGS => settings::settings(view, wb, &drafts),
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
