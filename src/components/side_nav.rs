//! The left navigation (`sideNavList`).

use yew::{classes, html, Callback, Html};

use crate::config::Language;
use crate::i18n::text;

/// What [`side_nav`] shows.
pub struct SideNavProps<'a> {
    /// Entries, in display order: the `sideNavList` keys (`config::nav`), kept in `data-nav`.
    pub items: &'a [String],
    /// The entry shown.
    pub current: &'a str,
    /// The language of the labels.
    pub lang: Language,
    /// An entry was clicked.
    pub on_select: Callback<String>,
}

/// The left navigation. A plain function, not a component: it holds no state, and each component costs
/// the wasm its own copy of Yew's component machinery (issue 12).
pub fn side_nav(props: SideNavProps<'_>) -> Html {
    let t = text(props.lang);
    html! {
        <nav class="ccc-nav">
            { for props.items.iter().map(|item| {
                let on_select = props.on_select.clone();
                let value = item.clone();
                let active = item == props.current;
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
