//! 我的工作: today's figures of the signed-in agent (ListHistoricalAgentReport), loaded when the view opens.

use std::rc::Rc;

use yew::prelude::*;

use crate::views::records::talk_time;
use crate::workbench::{View, Workbench};

/// A rate in [0, 1] as a whole percentage (no float formatting in the wasm).
pub fn percent(rate: f64) -> String {
    let p = (rate.clamp(0.0, 1.0) * 100.0).round() as u32;
    format!("{p}%")
}

/// The 我的工作 view (`views::Open` loads the report when it opens).
pub fn my_work(view: &View, workbench: &Rc<Workbench>) -> Html {
    let t = view.text();
    let refresh = {
        let wb = workbench.clone();
        move |_| wb.load_report()
    };
    let tile = |label: &'static str, value: String| {
        html! { <div class="ccc-tile"><b>{ value }</b><small>{ label }</small></div> }
    };
    html! {
        <section class="ccc-view ccc-my-work">
            <h2>{ t.nav_my_work }<button type="button" class="ccc-link" onclick={refresh}>{ t.refresh }</button></h2>
            if let Some(r) = view.report.as_ref() {
                <p class="ccc-hint">{ t.today }</p>
                <div class="ccc-tiles">
                    { tile(t.inbound_answered, format!("{}/{}", r.inbound.calls_handled, r.inbound.calls_offered)) }
                    { tile(t.answer_rate, percent(r.inbound.handle_rate)) }
                    { tile(t.outbound_connected, format!("{}/{}", r.outbound.calls_answered, r.outbound.calls_dialed)) }
                    { tile(t.internal_calls, r.internal.calls_talked.to_string()) }
                    { tile(t.total_talk_time, talk_time(r.overall.total_talk_time as i64)) }
                    { tile(t.longest_call, talk_time(r.overall.max_talk_time as i64)) }
                </div>
            } else {
                <p class="ccc-hint">{ t.no_data }</p>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn percentages() {
        assert_eq!(super::percent(0.0), "0%");
        assert_eq!(super::percent(0.666), "67%");
        assert_eq!(super::percent(3.0), "100%");
    }
}
