//! Waiting for a promise, but not forever: [`with_deadline`] races it against a `setTimeout`. The soft
//! phone's registration wait (`workbench/phone.rs`) and the access-point probe (`softphone/peer.rs`) both
//! wait this way.

use js_sys::{Array, Object, Promise};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// What `promise` settled to within `ms` milliseconds — `Some(Ok(value))` or `Some(Err(reason))` — or
/// `None` when the deadline came first (the promise may still settle later; nobody listens then).
pub async fn with_deadline(promise: &Promise, ms: i32) -> Option<Result<JsValue, JsValue>> {
    // The timeout resolves with an object nobody else has, so no value of `promise` can pass for it.
    let expired: JsValue = Object::new().into();
    let timeout = Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_1(&resolve, ms, &expired);
        }
    });
    match JsFuture::from(Promise::race(&Array::of2(promise, &timeout))).await {
        Ok(value) if Object::is(&value, &expired) => None,
        settled => Some(settled),
    }
}
