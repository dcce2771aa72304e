//! What the open view keeps between renders — the text of its entry fields, whether a list is open — held
//! by one component for every view (`views::Open`) instead of a component per view: each Yew component is
//! its own copy of Yew's component machinery in the wasm (issue 12). Opening a view starts it afresh.

use web_sys::HtmlInputElement;
use yew::{Callback, InputEvent, TargetCast, UseStateHandle};

/// The open view's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Drafts {
    /// 呼出: the number being entered.
    pub callee: String,
    /// 转接: the transferee being entered.
    pub transferee: String,
    /// 会议: the two participants being entered.
    pub participants: [String; 2],
    /// 设置: the mobile number for off-site work.
    pub mobile: String,
    /// 呼入: the list of break reasons is open.
    pub choosing_reason: bool,
}

/// The open view's [`Drafts`] and the way to change them (a Yew state handle).
#[derive(Clone)]
pub struct DraftsHandle(pub(super) UseStateHandle<Drafts>);

impl DraftsHandle {
    /// The drafts as rendered.
    pub fn get(&self) -> &Drafts {
        &self.0
    }

    /// Changes the drafts (a re-render follows).
    pub fn edit(&self, change: impl FnOnce(&mut Drafts)) {
        let mut next = (*self.0).clone();
        change(&mut next);
        self.0.set(next);
    }

    /// An `oninput` that keeps the input's text in the field `field` picks.
    pub fn input(&self, field: fn(&mut Drafts) -> &mut String) -> Callback<InputEvent> {
        let drafts = self.clone();
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            drafts.edit(|d| *field(d) = value);
        })
    }
}
