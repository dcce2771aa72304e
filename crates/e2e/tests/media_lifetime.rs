//! Nothing of a call outlives it in the browser (issue 11): after each inbound call — rung, answered,
//! talked with voice measured, hung up — the page holds no `MediaStream`, no live `MediaStreamTrack`, no
//! media element with a source (each one a media player in the renderer), no open `AudioContext` or
//! peer connection beyond what it held before the first call. Counted through Chrome DevTools after a
//! forced garbage collection (`workbench_e2e::census`), so an object anything still references shows
//! up; the same after 设备检测's microphone meter and speaker test.
//!
//! Runs inside the loopback-only network namespace of `make test-e2e` (the calls carry WebRTC audio).

use std::time::{Duration, Instant};

use fantoccini::Client;
use serde_json::json;
use workbench_e2e::census::{media_census, MediaCensus};
use workbench_e2e::temp_dir::TempDir;
use workbench_e2e::voice::{customer_hears_agent_after, microphone};
use workbench_e2e::{
    click, crm_signed_in, eventually, run_with, wait_status, Server, Session, DEADLINE,
};
use workbench_server::EmulatorConfig;

const AGENT: &str = "agent1@ccc-demo";
const CALLS: usize = 3;

/// Waits until the page's media objects are back to `baseline` (the releases may finish after the
/// panel's status changed: a socket's handlers are dropped after the current task); fails with what is
/// left.
async fn back_to(browser: &Client, baseline: MediaCensus, after: &str) {
    let started = Instant::now();
    loop {
        let now = media_census(browser).await;
        if released(now, baseline) {
            println!("after {after}: {now:?}");
            return;
        }
        assert!(
            started.elapsed() < DEADLINE,
            "after {after} the page still holds {now:?} (before the first call: {baseline:?})"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Whether `now` holds no more of a call than `baseline` did.
fn released(now: MediaCensus, baseline: MediaCensus) -> bool {
    now.streams <= baseline.streams
        && now.live_tracks <= baseline.live_tracks
        && now.media_elements_with_source <= baseline.media_elements_with_source
        && now.media_elements <= baseline.media_elements
        && now.open_audio_contexts <= baseline.open_audio_contexts
        && now.open_peer_connections <= baseline.open_peer_connections
        && now.peer_connections <= baseline.peer_connections
}

async fn one_call(browser: &Client, server: &Server, caller: &str) {
    let job = server.ring(caller).await;
    wait_status(browser, 6).await;
    browser
        .execute("window.workbench.answer();", vec![])
        .await
        .expect("answer");
    wait_status(browser, 9).await;
    customer_hears_agent_after(server, &job, 0).await;
    // The census sees a call's media while it is up (so its zeros afterwards mean something).
    let during = media_census(browser).await;
    println!("during the call from {caller}: {during:?}");
    assert!(
        during.live_tracks >= 1 && during.streams >= 1 && during.media_elements_with_source >= 1,
        "a call in progress shows its microphone, streams and speaker: {during:?}"
    );
    assert!(during.open_peer_connections >= 1, "{during:?}");
    server.customer_hangs_up(&job).await;
    wait_status(browser, 3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_and_the_device_check_leave_no_stream_track_player_or_audio_context_behind() {
    let dir = TempDir::new("ccc-media-lifetime");
    run_with(
        EmulatorConfig::default(),
        microphone(&dir),
        |Session { browser, server }| async move {
            let _crm = crm_signed_in(
                &browser,
                &server,
                AGENT,
                "config.audioProcessing = false; config.afterCallRule = 0;",
            )
            .await;
            let baseline = media_census(&browser).await;
            println!("before the first call: {baseline:?}");

            assert_eq!(
                (baseline.live_tracks, baseline.open_audio_contexts),
                (0, 0),
                "a signed-in panel holds no microphone or audio context before any call: {baseline:?}"
            );
            for n in 0..CALLS {
                one_call(&browser, &server, &format!("1380000{n:04}")).await;
                back_to(&browser, baseline, &format!("call {}", n + 1)).await;
            }

            // 设备检测: the meter's microphone and AudioContext, the speaker test's audio element.
            click(&browser, r#".ccc-nav-item[data-nav="设备检测"]"#).await;
            click(&browser, r#"button[data-action="testMicrophone"]"#).await;
            let metering = eventually("the microphone meter to run", || async {
                let census = media_census(&browser).await;
                (census.open_audio_contexts >= 1).then_some(census)
            })
            .await;
            assert!(metering.live_tracks >= 1, "{metering:?}");
            click(&browser, r#"button[data-action="testSpeaker"]"#).await;
            eventually("the meter and the speaker test to finish", || async {
                let v = browser
                    .execute(
                        "return [!!document.querySelector('.ccc-meter'), \
                         document.querySelector('[data-speaker-test]').dataset.speakerTest];",
                        vec![],
                    )
                    .await
                    .ok()?;
                (v == json!([false, "已播放"])).then_some(())
            })
            .await;
            back_to(&browser, baseline, "the device check").await;
        },
    )
    .await;
}
