//! The left navigation (`sideNavList`).

use yew::prelude::*;

use crate::config::Language;
use crate::i18n::text;

/// Props of [`SideNav`].
#[derive(Properties, PartialEq, Clone)]
pub struct SideNavProps {
    /// Entries, in display order: the `sideNavList` keys (`config::nav`), kept in `data-nav`.
    pub items: Vec<String>,
    /// The entry shown.
    pub current: String,
    /// The language of the labels.
    pub lang: Language,
    /// An entry was clicked.
    pub on_select: Callback<String>,
}

/// The left navigation.
#[function_component(SideNav)]
pub fn side_nav(props: &SideNavProps) -> Html {
    let t = text(props.lang);
    html! {
        <nav class="ccc-nav">
            { for props.items.iter().map(|item| {
                let on_select = props.on_select.clone();
                let value = item.clone();
                let active = *item == props.current;
                html! {
                    <button type="button" class={classes!("ccc-nav-item", active.then_some("active"))}
                            data-nav={item.clone()} onclick={move |_| on_select.emit(value.clone())}>
                        { t.nav(item) }
                    </button>
                }
            }) }
        </nav>
    }
}
