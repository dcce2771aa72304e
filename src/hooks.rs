//! Reusable hooks.

use gloo_timers::callback::Interval;
use yew::prelude::*;

/// `Date.now()`, refreshed every second while the component is mounted (for call timers).
#[hook]
pub fn use_clock() -> f64 {
    let now = use_state(js_sys::Date::now);
    {
        let now = now.clone();
        use_effect_with((), move |_| {
            let tick = Interval::new(1000, move || now.set(js_sys::Date::now()));
            move || drop(tick)
        });
    }
    *now
}

/// `mm:ss` (or `h:mm:ss`) between two `Date.now()` values.
pub fn duration(from_ms: f64, to_ms: f64) -> String {
    let secs = ((to_ms - from_ms) / 1000.0).max(0.0) as u64;
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations() {
        assert_eq!(super::duration(0.0, 65_000.0), "01:05");
        assert_eq!(super::duration(0.0, 3_725_000.0), "1:02:05");
        assert_eq!(super::duration(10.0, 0.0), "00:00");
    }
}
