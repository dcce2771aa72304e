//! 通话记录: the agent's recent calls (ListRecentCallDetailRecords), newest first, with 回拨 (RedialCall for a
//! masked number, else the same `call()` the host uses); clicking a record tells the host
//! (`onSelectCurrentCallRecord`). Loaded when the view opens; 刷新 reloads.

use std::rc::Rc;

use agent_state::Method;
use yew::prelude::*;

use crate::workbench::{View, Workbench};

/// `mm:ss` of a duration in seconds.
pub fn talk_time(seconds: i64) -> String {
    let s = seconds.max(0);
    format!("{:02}:{:02}", s / 60, s % 60)
}

/// The 通话记录 view (`views::Open` loads the records when it opens).
pub fn records(view: &View, workbench: &Rc<Workbench>) -> Html {
    let t = view.text();
    let refresh = {
        let wb = workbench.clone();
        move |_| wb.load_records()
    };
    let can_call = view.status.allows(Method::Call) == Some(true);
    html! {
        <section class="ccc-view ccc-records">
            <h2>{ t.nav_records }<button type="button" class="ccc-link" onclick={refresh}>{ t.refresh }</button></h2>
            <ul class="ccc-list">
                { for view.records.iter().map(|r| {
                    let inbound = r.contact_type.eq_ignore_ascii_case("INBOUND");
                    let number = if inbound { r.calling_number.clone() } else { r.called_number.clone() };
                    let when = js_sys::Date::new(&(r.start_time as f64).into())
                        .to_locale_time_string(view.lang.tag())
                        .as_string()
                        .unwrap_or_default();
                    let redial = {
                        let (wb, number, record) = (workbench.clone(), number.clone(), r.clone());
                        move |_| wb.redial(&record, &number)
                    };
                    let select = {
                        let (wb, record) = (workbench.clone(), r.clone());
                        move |_| wb.select_record(&record)
                    };
                    html! {
                        <li data-contact={r.contact_id.clone()}>
                            // A real button: reached with Tab, chosen with Enter or Space.
                            <button type="button" class="ccc-list-main ccc-record" onclick={select}>
                                <b>{ &number }</b>
                                <small>{ format!("{} · {} · {}", if inbound { t.record_inbound } else { t.record_outbound }, when, talk_time(r.duration)) }</small>
                            </button>
                            <span class="ccc-list-actions">
                                <button type="button" class="ccc-tool" data-action="call" disabled={!can_call}
                                        onclick={redial}>{ t.redial }</button>
                            </span>
                        </li>
                    }
                }) }
            </ul>
            if view.records.is_empty() {
                <p class="ccc-hint">{ t.no_records }</p>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn talk_times() {
        assert_eq!(super::talk_time(0), "00:00");
        assert_eq!(super::talk_time(75), "01:15");
        assert_eq!(super::talk_time(-3), "00:00");
    }
}
