//! What the page and the machine do to the panel, fed to the lifecycle ([`panel_model`]):
//! - `pagehide` (a reload, closing the tab, the back/forward cache): the phone un-REGISTERs and the push
//!   socket closes on purpose; `pageshow` from the back/forward cache brings them back;
//! - `visibilitychange`, `freeze`/`resume` (a background tab frozen, a laptop asleep) and
//!   `offline`/`online` (the network changed): on return the panel polls at once and reopens what is
//!   down, or what may have died while away;
//! - `devicechange` on the media devices: a chosen microphone or speaker unplugged (a headset pulled
//!   mid-call) falls back to the default device without dropping the call;
//! - `keydown` anywhere in the page: the keyboard shortcuts ([`crate::shortcuts`]).

use std::cell::Cell;
use std::rc::{Rc, Weak};

use panel_model::PanelEvent;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::EventTarget;

use super::Workbench;
use crate::media_devices::{self, DeviceChangeListener};
use crate::shortcuts::KeyPress;

/// One event listener: where, which event, the handler.
type Listener = (
    EventTarget,
    &'static str,
    Closure<dyn FnMut(web_sys::Event)>,
);

/// The listeners; dropping it removes them.
pub struct PageWatch {
    listeners: Vec<Listener>,
    _devices: Option<DeviceChangeListener>,
}

impl Drop for PageWatch {
    fn drop(&mut self) {
        for (target, name, closure) in &self.listeners {
            let _ =
                target.remove_event_listener_with_callback(name, closure.as_ref().unchecked_ref());
        }
    }
}

/// Starts feeding `workbench` what the page does.
pub fn watch(workbench: &Rc<Workbench>) -> Option<PageWatch> {
    let window = web_sys::window()?;
    let document = window.document()?;
    // When the page went away (hidden, frozen, offline), to tell the model how long it was away.
    let away_since: Rc<Cell<Option<f64>>> = Rc::default();
    let weak = Rc::downgrade(workbench);
    let mut listeners = Vec::new();
    let mut on = |target: &EventTarget, name: &'static str, f: Box<dyn Fn(&web_sys::Event)>| {
        let closure = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| f(&e));
        let _ = target.add_event_listener_with_callback(name, closure.as_ref().unchecked_ref());
        listeners.push((target.clone(), name, closure));
    };
    let win: &EventTarget = window.as_ref();
    let doc: &EventTarget = document.as_ref();

    let went_away = {
        let away = away_since.clone();
        move || {
            if away.get().is_none() {
                away.set(Some(js_sys::Date::now()));
            }
        }
    };
    let came_back = {
        let (away, weak) = (away_since.clone(), weak.clone());
        move || {
            let since = away.take().unwrap_or_else(js_sys::Date::now);
            let away_ms = (js_sys::Date::now() - since).max(0.0) as u64;
            feed(&weak, PanelEvent::Resumed { away_ms });
        }
    };

    {
        let weak = weak.clone();
        on(
            win,
            "pagehide",
            Box::new(move |_| feed(&weak, PanelEvent::PageHidden)),
        );
    }
    {
        let (came_back, went_away) = (came_back.clone(), went_away.clone());
        on(
            win,
            "pageshow",
            Box::new(move |e| {
                let persisted = js_sys::Reflect::get(e, &"persisted".into())
                    .ok()
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false);
                if persisted {
                    went_away();
                    came_back();
                }
            }),
        );
    }
    {
        let (weak, went_away) = (weak.clone(), went_away.clone());
        on(
            win,
            "offline",
            Box::new(move |_| {
                went_away();
                feed(&weak, PanelEvent::WentOffline);
            }),
        );
    }
    {
        let came_back = came_back.clone();
        on(win, "online", Box::new(move |_| came_back()));
    }
    {
        let (came_back, went_away, document) =
            (came_back.clone(), went_away.clone(), document.clone());
        on(
            doc,
            "visibilitychange",
            Box::new(move |_| {
                if document.hidden() {
                    went_away();
                } else {
                    came_back();
                }
            }),
        );
    }
    {
        let went_away = went_away.clone();
        on(doc, "freeze", Box::new(move |_| went_away()));
    }
    on(doc, "resume", Box::new(move |_| came_back()));
    let shortcuts = workbench.config().shortcuts;
    if !shortcuts.is_empty() {
        let weak = weak.clone();
        on(
            doc,
            "keydown",
            Box::new(move |e| {
                let Some(k) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                    return;
                };
                let press = KeyPress {
                    code: k.code(),
                    alt: k.alt_key(),
                    ctrl: k.ctrl_key(),
                    shift: k.shift_key(),
                    meta: k.meta_key(),
                    repeat: k.repeat(),
                };
                let Some(shortcut) = shortcuts.find(&press) else {
                    return;
                };
                if weak.upgrade().is_some_and(|wb| wb.run_shortcut(shortcut)) {
                    // It did something: the page's own handling of the combo (a menu, a character) is not wanted.
                    e.prevent_default();
                }
            }),
        );
    }

    let devices = {
        let weak = weak.clone();
        media_devices::on_device_change(move |_| {
            let weak = weak.clone();
            spawn_local(async move { check_devices(weak).await });
        })
    };
    Some(PageWatch {
        listeners,
        _devices: devices,
    })
}

fn feed(weak: &Weak<Workbench>, event: PanelEvent) {
    if let Some(wb) = weak.upgrade() {
        wb.life(event);
    }
}

/// After a `devicechange`: are the chosen microphone and speaker still there?
async fn check_devices(weak: Weak<Workbench>) {
    let Ok((inputs, outputs)) = media_devices::audio_devices().await else {
        return;
    };
    let Some(wb) = weak.upgrade() else { return };
    let (input, output) = {
        let inner = wb.inner.borrow();
        (inner.audio_input.clone(), inner.audio_output.clone())
    };
    let (input, output) = media_devices::gone(&input, &output, &inputs, &outputs);
    wb.life(PanelEvent::DeviceLost { input, output });
}
