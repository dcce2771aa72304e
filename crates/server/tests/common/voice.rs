//! Waits on what a call's media received: the emulator's `GET /emulator/v1/calls/{job}`, and a test phone's
//! own `ccc_media::Bridge` leg. Conditions polled every 50 ms against a 10 s deadline.

use std::time::{Duration, Instant};

use ccc_media::{Bridge, LegId};
use serde_json::Value;

use super::Server;

const DEADLINE: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(50);

/// Polls `GET /emulator/v1/calls/{job}` until `pred` holds; the answer.
pub async fn wait_media(s: &Server, job: &str, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let (st, body) = s.get_json(&format!("/emulator/v1/calls/{job}")).await;
        if st == 200 && pred(&body) {
            return body;
        }
        assert!(Instant::now() < deadline, "never {what}: {st} {body}");
        tokio::time::sleep(POLL).await;
    }
}

/// Polls `bridge`'s stats of `leg` until the dominant frequency it receives satisfies `pred`.
pub async fn wait_heard(bridge: &Bridge, leg: LegId, what: &str, pred: impl Fn(f32) -> bool) {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let stats = bridge.stats(leg);
        if stats
            .as_ref()
            .and_then(|s| s.dominant_hz)
            .is_some_and(&pred)
        {
            return;
        }
        assert!(Instant::now() < deadline, "never {what}: {stats:?}");
        tokio::time::sleep(POLL).await;
    }
}

/// [`wait_heard`] for a tone of `hz` (±25 Hz).
pub async fn wait_hears(bridge: &Bridge, leg: LegId, hz: f32) {
    wait_heard(bridge, leg, &format!("the phone to hear {hz} Hz"), |f| {
        (f - hz).abs() < 25.0
    })
    .await
}

/// Whether JSON number `v` is `hz` (±25 Hz): a `dominantHz` of `GET /emulator/v1/calls/{job}`.
pub fn near(v: &Value, hz: f64) -> bool {
    v.as_f64().is_some_and(|f| (f - hz).abs() < 25.0)
}
