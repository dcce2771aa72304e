//! The dial pad.

use yew::{html, Callback, Html};

const KEYS: [&str; 12] = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"];

/// Twelve keys, 3 × 4; `on_key` gets the key pressed. A plain function, not a component: it holds no
/// state, and each component costs the wasm its own copy of Yew's component machinery (issue 12).
pub fn dialpad(on_key: &Callback<&'static str>) -> Html {
    html! {
        <div class="ccc-dialpad">
            { for KEYS.iter().map(|k| {
                let on_key = on_key.clone();
                html! { <button type="button" class="ccc-key" data-key={*k} onclick={move |_| on_key.emit(k)}>{ *k }</button> }
            }) }
        </div>
    }
}
