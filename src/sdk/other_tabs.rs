//! The `storage` listener of multi-tab calling: the registered tab dials and hangs up for other tabs
//! (`useLocalStorageToCall`). The browser delivers `storage` events only to *other* tabs, which is exactly
//! the documented behaviour; nothing emulates same-tab writes.

use std::rc::{Rc, Weak};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::tabs::{self, TabRequest};
use crate::workbench::{CallExtras, Workbench};

/// A registered listener; dropping it removes it.
pub(crate) struct Listener {
    closure: Closure<dyn FnMut(web_sys::StorageEvent)>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let _ = window.remove_event_listener_with_callback(
                "storage",
                self.closure.as_ref().unchecked_ref(),
            );
        }
    }
}

/// Starts acting on other tabs' `workbenchSdkCall` / `workbenchSdkHangup` writes.
pub(crate) fn listen(workbench: &Rc<Workbench>) -> Listener {
    let weak: Weak<Workbench> = Rc::downgrade(workbench);
    let closure =
        Closure::<dyn FnMut(web_sys::StorageEvent)>::new(move |event: web_sys::StorageEvent| {
            let (Some(wb), Some(key)) = (weak.upgrade(), event.key()) else {
                return;
            };
            match tabs::read(&key, event.new_value().as_deref()) {
                None => {}
                Some(Ok(TabRequest::Call { callee, caller })) => {
                    wb.call(&callee, caller.as_deref(), CallExtras::default())
                }
                Some(Ok(TabRequest::HangUp)) => wb.hang_up(None, None, None),
                Some(Err((code, message))) => wb.report(code, message),
            }
        });
    if let Some(window) = web_sys::window() {
        let _ =
            window.add_event_listener_with_callback("storage", closure.as_ref().unchecked_ref());
    }
    Listener { closure }
}
