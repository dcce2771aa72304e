//! Access points end to end, through a real TURN server (coturn, started per test on a free 127.0.0.1
//! port): the emulator's GetTurnServerList names it, GetTurnCredentials hands out its static user.
//! - `testTurnServers` measures the time to a relay candidate through it (and reports an access point
//!   whose TURN server is not there as failed, 7004);
//! - an unknown region is 7003 for `switchAccessPoint` and `testTurnServers`;
//! - after `switchAccessPoint(<coturn's region>)` an inbound call answered in the panel is relayed through
//!   coturn — the selected candidate pair in the panel's own `getStats()` (via `onGetStatsData`) has a
//!   `relay` local candidate — and the emulator's customer leg hears the agent's tone.
//!
//! Runs inside the loopback-only network namespace of `make test-e2e`.

use serde_json::{json, Value};
use workbench_e2e::coturn::Coturn;
use workbench_e2e::fake_media::{media_args, write_tone_wav};
use workbench_e2e::temp_dir::TempDir;
use workbench_e2e::{
    crm_signed_in, eventually, hook_log, run_with, wait_error, wait_status, Session, DEADLINE,
};
use workbench_server::{AccessPointConfig, EmulatorConfig, TurnUser};

/// coturn's region in GetTurnServerList.
const REGION: &str = "loopback-turn";
/// An access point whose TURN server does not run.
const BROKEN: &str = "nowhere-turn";
/// The agent's microphone tone.
const AGENT_HZ: f64 = 660.0;

fn emulator(coturn: &Coturn, with_broken: bool) -> EmulatorConfig {
    let mut access_points = vec![AccessPointConfig {
        region: REGION.into(),
        name: "本机 coturn".into(),
        domain: coturn.domain(),
        cidr: "127.0.0.1/32".into(),
    }];
    if with_broken {
        // A port nothing listens on (bound and released: free, and not coturn's).
        let port = std::net::UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        access_points.push(AccessPointConfig {
            region: BROKEN.into(),
            name: "不存在".into(),
            domain: format!("127.0.0.1:{port}"),
            cidr: String::new(),
        });
    }
    EmulatorConfig {
        access_points,
        turn: TurnUser {
            username: Coturn::USER.into(),
            password: Coturn::PASSWORD.into(),
        },
        ..EmulatorConfig::default()
    }
}

/// Calls `testTurnServers(args)` and waits for its callback; returns the results.
async fn test_turn_servers(browser: &fantoccini::Client, args: Value) -> Vec<Value> {
    browser
        .execute(
            "window.turnResults = undefined; var a = arguments[0]; \
             a.callback = function (res) { window.turnResults = res; }; \
             window.workbench.testTurnServers(a);",
            vec![args],
        )
        .await
        .unwrap();
    eventually("the testTurnServers callback", || async {
        let v = browser
            .execute("return window.turnResults;", vec![])
            .await
            .ok()?;
        v.as_array().cloned()
    })
    .await
}

fn errors(log: &[(String, String)], code: i64) -> usize {
    log.iter()
        .filter(|(n, _)| n == "onErrorNotify")
        .filter_map(|(_, p)| serde_json::from_str::<Value>(p).ok())
        .filter(|e| e["errorCode"] == code)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_turn_servers_measures_coturn_and_unknown_regions_are_7003() {
    let coturn = Coturn::start().await;
    run_with(
        emulator(&coturn, true),
        workbench_e2e::fake_media::fake_media_args(),
        |Session { browser, server }| async move {
            // register() with the default access point measures both and keeps the working one; the
            // broken one is reported.
            let _crm = crm_signed_in(&browser, &server, "agent1@ccc-demo", "").await;
            let failed = wait_error(&browser, 7004).await;
            assert!(
                failed["errorMsg"]
                    .as_str()
                    .unwrap_or_default()
                    .contains(BROKEN),
                "{failed}"
            );

            let all = test_turn_servers(&browser, json!({})).await;
            assert_eq!(all.len(), 2, "{all:?}");
            let turn = all
                .iter()
                .find(|r| r["region"] == REGION)
                .expect("coturn's result");
            assert_eq!(turn["accessPoint"], REGION);
            assert_eq!(turn["ok"], true, "{turn}");
            eprintln!("access point: testTurnServers {all:?}");
            let ms = turn["time"].as_u64().expect("a measured time");
            assert!(ms < DEADLINE.as_millis() as u64, "{turn}");
            assert_eq!(turn["times"].as_array().map(Vec::len), Some(1));
            let broken = all.iter().find(|r| r["region"] == BROKEN).unwrap();
            assert_eq!(
                (&broken["ok"], &broken["time"]),
                (&json!(false), &Value::Null),
                "{broken}"
            );

            // Only coturn, three rounds.
            let one = test_turn_servers(
                &browser,
                json!({"accessPoint": REGION, "currentFrequence": 3}),
            )
            .await;
            assert_eq!(one.len(), 1, "{one:?}");
            assert_eq!(one[0]["ok"], true, "{one:?}");
            let times = one[0]["times"].as_array().unwrap();
            assert_eq!(times.len(), 3, "{one:?}");
            assert!(times.iter().all(Value::is_u64), "{one:?}");

            // Unknown regions: 7003, nothing measured.
            browser
                .execute("window.workbench.switchAccessPoint('atlantis');", vec![])
                .await
                .unwrap();
            let unknown = wait_error(&browser, 7003).await;
            assert!(
                unknown["errorMsg"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("atlantis"),
                "{unknown}"
            );
            browser
                .execute(
                    "window.workbench.testTurnServers({accessPoint: 'atlantis', \
                       callback: function () { window.calledBack = true; }});",
                    vec![],
                )
                .await
                .unwrap();
            eventually("a second 7003", || async {
                (errors(&hook_log(&browser).await, 7003) >= 2).then_some(())
            })
            .await;
            let called = browser
                .execute("return window.calledBack === true;", vec![])
                .await
                .unwrap();
            assert_eq!(
                called,
                json!(false),
                "no results for an unknown access point"
            );
        },
    )
    .await;
    drop(coturn);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_switching_to_coturn_a_call_is_relayed_and_heard() {
    let coturn = Coturn::start().await;
    let dir = TempDir::new("ccc-access-point");
    let wav = dir.0.join("agent-660.wav");
    write_tone_wav(&wav, AGENT_HZ, 5);
    run_with(
        emulator(&coturn, false),
        media_args(&wav),
        |Session { browser, server }| async move {
            // Direct at register (no automatic choice), then the host switches to coturn's access point.
            // The CRM keeps the local candidate of the selected pair from onGetStatsData.
            let extra = "config.audioProcessing = false; config.isEnableSwitchAdapter = false; \
                 config.onGetStatsData = function (s) { \
                   var all = (s.sender || []).concat(s.receiver || []); \
                   var t = all.filter(function (x) { return x.type === 'transport'; })[0]; \
                   var pair = all.filter(function (x) { return x.type === 'candidate-pair' && \
                     (t && t.selectedCandidatePairId ? x.id === t.selectedCandidatePairId : x.nominated); })[0]; \
                   if (!pair) { return; } \
                   var local = all.filter(function (x) { return x.id === pair.localCandidateId; })[0] || {}; \
                   window.selected = {state: pair.state, localType: local.candidateType, \
                                      relayProtocol: local.relayProtocol || null, \
                                      address: local.address || local.ip, bytes: pair.bytesSent}; };";
            let _crm = crm_signed_in(&browser, &server, "agent1@ccc-demo", extra).await;
            browser
                .execute(&format!("window.workbench.switchAccessPoint('{REGION}');"), vec![])
                .await
                .unwrap();
            // The panel confirms the switch.
            eventually("the switch to be confirmed", || async {
                let v = browser
                    .execute(
                        "var t = document.querySelector('.ccc-toast'); return t && t.textContent;",
                        vec![],
                    )
                    .await
                    .ok()?;
                v.as_str()?.contains(REGION).then_some(())
            })
            .await;

            let job = server.ring("13800000009").await;
            wait_status(&browser, 6).await;
            browser.execute("window.workbench.answer();", vec![]).await.unwrap();
            wait_status(&browser, 9).await;

            let call = eventually("the customer leg to hear the agent's 660 Hz", || async {
                let call = server.call_media(&job).await;
                let c = &call["customer"];
                let hz = c["dominantHz"].as_f64()?;
                ((hz - AGENT_HZ).abs() < 15.0 && c["heardMs"].as_u64()? > 1000).then_some(call)
            })
            .await;
            assert_eq!(call["state"], "talking", "{call}");
            let selected = eventually("the selected candidate pair in onGetStatsData", || async {
                let v = browser.execute("return window.selected;", vec![]).await.ok()?;
                (v["state"] == "succeeded").then_some(v)
            })
            .await;
            eprintln!("access point: selected candidate pair {selected}");
            assert_eq!(selected["localType"], "relay", "{selected}");
            let log = hook_log(&browser).await;
            assert_eq!(errors(&log, 7003) + errors(&log, 7004), 0, "{log:?}");
        },
    )
    .await;
    drop(coturn);
}
