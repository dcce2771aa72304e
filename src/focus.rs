//! Where the keyboard focus goes on its own: a ringing call takes it to 接听 when it is inside the panel
//! already (an agent working in the panel answers with Enter), or anywhere when the host opted in with
//! `focusOnRing` — never away from what the agent is typing in the host page otherwise.

use wasm_bindgen::JsCast;
use yew::NodeRef;

/// Focuses `target` if the focus is inside the panel holding it (or `anyway`).
pub fn take_if_inside(target: &NodeRef, anyway: bool) {
    let Some(element) = target.cast::<web_sys::HtmlElement>() else {
        return;
    };
    let inside = || {
        let panel = element.closest(".ccc-wb").ok().flatten()?;
        let active = web_sys::window()?.document()?.active_element()?;
        Some(panel.contains(Some(active.unchecked_ref())))
    };
    if anyway || inside() == Some(true) {
        let _ = element.focus();
    }
}
