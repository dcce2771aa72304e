//! `<App>`: the panel. Holds the latest [`View`] of the controller and re-renders when it changes.

use std::rc::Rc;

use agent_state::Status;
use yew::prelude::*;

use crate::components::header::Header;
use crate::components::side_nav::{side_nav, SideNavProps};
use crate::views;
use crate::workbench::{View, Workbench};

/// Props of the root component.
#[derive(Properties, Clone)]
pub struct AppProps {
    /// The controller the panel renders and drives.
    pub workbench: Rc<Workbench>,
}

impl PartialEq for AppProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.workbench, &other.workbench)
    }
}

/// What the panel's live region says now: a ringing call with its number, else the status.
fn announcement(view: &View) -> String {
    let t = view.text();
    match (&view.call, view.status) {
        (Some(call), Status::Ringing) => format!("{} {}", t.incoming_notification, call.number),
        _ => t.status(view.status).to_owned(),
    }
}

/// The whole panel.
#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let wb = props.workbench.clone();
    let view = use_state(|| wb.view());
    {
        let (view, wb) = (view.clone(), wb.clone());
        use_effect_with((), move |_| {
            wb.set_listener(move |v: View| view.set(v));
            || ()
        });
    }
    let config = wb.config();
    let on_nav = {
        let wb = wb.clone();
        Callback::from(move |nav: String| wb.select_nav(nav))
    };
    let style = format!("width:{}px;height:{}px", view.width, view.height);
    html! {
        <div class={classes!("ccc-wb", (!view.visible).then_some("ccc-hidden"))} {style}
             lang={view.lang.tag()} data-status={view.status.code().to_string()}>
            if config.header {
                <Header view={(*view).clone()} workbench={wb.clone()} />
            }
            if view.main_visible {
                <div class="ccc-body">
                    { side_nav(SideNavProps {
                        items: &config.side_nav_list,
                        current: &view.nav,
                        lang: view.lang,
                        on_select: on_nav,
                    }) }
                    <main class="ccc-main">{ views::render(&view, &wb) }</main>
                </div>
            }
            // Read out by screen readers: the status as it changes, and a ringing call with its number.
            <div class="ccc-sr" role="status" aria-live="polite" aria-atomic="true">{ announcement(&view) }</div>
            if let Some(text) = &view.toast {
                <div class="ccc-toast" role="alert">{ text }</div>
            }
        </div>
    }
}
