//! What the browser tests (`tests/browser.rs`, `tests/browser_i18n.rs`) share: JS config objects, fresh mount
//! points, and waits that poll the DOM (every 20 ms, up to 5 s) for a condition.
#![allow(dead_code, unreachable_pub)]

use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::prelude::*;

/// Evaluates a JS expression (config objects are easiest to read as JS).
pub fn js(source: &str) -> JsValue {
    js_sys::eval(&format!("({source})")).expect("valid JS in the test")
}

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh mount point with a unique id.
pub fn container(id: &str) -> web_sys::Element {
    let el = document().create_element("div").unwrap();
    el.set_id(id);
    document().body().unwrap().append_child(&el).unwrap();
    el
}

/// Waits until `selector` matches inside `root`.
pub async fn wait_for(root: &web_sys::Element, selector: &str) -> web_sys::Element {
    for _ in 0..250 {
        if let Some(el) = root.query_selector(selector).unwrap() {
            return el;
        }
        TimeoutFuture::new(20).await;
    }
    panic!("{selector} never appeared; DOM: {}", root.inner_html());
}

/// Waits until `cond` holds.
pub async fn wait_until(what: &str, cond: impl Fn() -> bool) {
    for _ in 0..250 {
        if cond() {
            return;
        }
        TimeoutFuture::new(20).await;
    }
    panic!("timed out waiting for {what}");
}

/// Clicks the element `selector` matches in `root` (which must exist).
pub fn click(root: &web_sys::Element, selector: &str) {
    use wasm_bindgen::JsCast;
    let el: web_sys::HtmlElement = root
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("{selector}"))
        .dyn_into()
        .unwrap();
    el.click();
}
