//! The dial pad.

use yew::prelude::*;

const KEYS: [&str; 12] = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"];

/// Props of [`Dialpad`].
#[derive(Properties, PartialEq, Clone)]
pub struct DialpadProps {
    /// A key was pressed.
    pub on_key: Callback<&'static str>,
}

/// Twelve keys, 3 × 4.
#[function_component(Dialpad)]
pub fn dialpad(props: &DialpadProps) -> Html {
    html! {
        <div class="ccc-dialpad">
            { for KEYS.iter().map(|k| {
                let on_key = props.on_key.clone();
                html! { <button type="button" class="ccc-key" data-key={*k} onclick={move |_| on_key.emit(k)}>{ *k }</button> }
            }) }
        </div>
    }
}
