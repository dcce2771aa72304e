//! The left navigation (`sideNavList`).

use yew::prelude::*;

/// Props of [`SideNav`].
#[derive(Properties, PartialEq, Clone)]
pub struct SideNavProps {
    /// Entries, in display order (Chinese labels).
    pub items: Vec<String>,
    /// The entry shown.
    pub current: String,
    /// An entry was clicked.
    pub on_select: Callback<String>,
}

/// The left navigation.
#[function_component(SideNav)]
pub fn side_nav(props: &SideNavProps) -> Html {
    html! {
        <nav class="ccc-nav">
            { for props.items.iter().map(|item| {
                let on_select = props.on_select.clone();
                let value = item.clone();
                let active = *item == props.current;
                html! {
                    <button type="button" class={classes!("ccc-nav-item", active.then_some("active"))}
                            data-nav={item.clone()} onclick={move |_| on_select.emit(value.clone())}>
                        { item }
                    </button>
                }
            }) }
        </nav>
    }
}
