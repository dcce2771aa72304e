//! Voice end to end: the panel's soft phone registers with the emulator over SIP/WebSocket, an inbound call
//! rings it (a real INVITE), the agent answers, and audio flows both ways over WebRTC — proven by
//! measurement, not by the call merely connecting:
//! - the agent's microphone is a 660 Hz tone file; the emulator's customer leg measures the frequency and
//!   duration of what it received;
//! - the customer speaks 440 Hz; the panel's own `getStats()` (through `onGetStatsData`) shows inbound RTP
//!   packets growing with a non-zero audio level and energy.
//!
//! Also: mute at the track (the customer hears silence), the microphone and speaker switched mid-call, 设备检测's
//! meter and speaker test, an AnswerCall that fails while the SIP answer still connects the call
//! (changelog 2.6.1), and two agents in two browsers talking through the emulator's bridge.
//!
//! Runs inside the loopback-only network namespace of `make test-e2e` (WebRTC candidates on 127.0.0.1).

use serde_json::Value;
use workbench_e2e::temp_dir::TempDir;
use workbench_e2e::voice::{
    audio_arrives, customer_heard_ms, customer_hears_agent_after, microphone, two_microphones,
    CRM_INBOUND, CRM_STATS, TOLERANCE_HZ,
};
use workbench_e2e::{
    click, crm_signed_in, eventually, run_with, screenshot, wait_status, HostSite, Server, Session,
};
use workbench_server::EmulatorConfig;

/// What `#call-quality` (the standalone page's `onGetStatsData` readout) shows: inbound packets, if the
/// audio has a level and energy.
const QUALITY: &str = "const q = document.getElementById('call-quality').dataset; \
     return {packets: +q.packetsReceived, level: +q.audioLevel, energy: +q.totalAudioEnergy};";

/// Opens a CRM page signed in as `agent` (with `extra` config script), rings it from `caller` and answers
/// from the host's code; returns the site (keep it alive) and the job once the panel is talking (9).
async fn answered_in_a_crm(
    browser: &fantoccini::Client,
    server: &Server,
    agent: &str,
    extra: &str,
    caller: &str,
) -> (HostSite, String) {
    let crm = crm_signed_in(browser, server, agent, extra).await;
    let job = server.ring(caller).await;
    wait_status(browser, 6).await;
    browser
        .execute("window.workbench.answer();", vec![])
        .await
        .unwrap();
    wait_status(browser, 9).await;
    (crm, job)
}

/// Waits until the customer leg of `job` has heard the agent's tone for over a second; returns the call.
async fn customer_hears_the_agent(server: &Server, job: &str) -> Value {
    customer_hears_agent_after(server, job, 0).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inbound_call_is_heard_both_ways_in_the_standalone_page() {
    let dir = TempDir::new("ccc-voice");
    run_with(
        EmulatorConfig::default(),
        microphone(&dir),
        |Session { browser, server }| async move {
            browser
                .goto(&format!(
                    "{}/?agent=agent1@ccc-demo&audioProcessing=off",
                    server.base
                ))
                .await
                .unwrap();
            wait_status(&browser, 3).await;
            let job = server.ring("13800000001").await;
            wait_status(&browser, 6).await;
            click(&browser, r#"button[data-action="answer"]"#).await;
            wait_status(&browser, 9).await;

            let call = customer_hears_the_agent(&server, &job).await;
            assert_eq!(call["state"], "talking", "{call}");
            let leg = &call["agents"]["agent1@ccc-demo"];
            assert_eq!(leg["connected"], true, "{call}");
            audio_arrives(&browser, QUALITY).await;
            screenshot(&browser, "body", "standalone-voice").await;

            // The customer hangs up: the emulator BYEs the phone, the panel leaves the call.
            server.customer_hangs_up(&job).await;
            eventually("the call to be gone from the emulator", || async {
                server.call_media(&job).await.is_null().then_some(())
            })
            .await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_embedded_panel_answers_from_the_host_and_is_heard() {
    let dir = TempDir::new("ccc-voice-crm");
    run_with(
        EmulatorConfig::default(),
        microphone(&dir),
        |Session { browser, server }| async move {
            // The CRM keeps the latest inbound-rtp report of onGetStatsData and answers from its own code.
            let (_crm, job) = answered_in_a_crm(
                &browser,
                &server,
                "agent2@ccc-demo",
                CRM_STATS,
                "13800000002",
            )
            .await;

            customer_hears_the_agent(&server, &job).await;
            audio_arrives(&browser, CRM_INBOUND).await;
            let call_id = browser
                .execute("return window.inbound.callId;", vec![])
                .await
                .unwrap();
            assert_eq!(
                call_id,
                Value::String(job.clone()),
                "onGetStatsData names the call"
            );

            // Mute at the track: the customer stops hearing the tone while the call stays up.
            browser
                .execute("window.workbench.muteAgent();", vec![])
                .await
                .unwrap();
            eventually("the customer to hear silence", || async {
                let call = server.call_media(&job).await;
                (call["customer"]["levelDbfs"].as_f64()? < -60.0).then_some(())
            })
            .await;
            browser
                .execute("window.workbench.umMuteAgent();", vec![])
                .await
                .unwrap();
            customer_hears_the_agent(&server, &job).await;

            browser
                .execute("window.workbench.hangUp();", vec![])
                .await
                .unwrap();
            eventually("the call to end", || async {
                server.call_media(&job).await.is_null().then_some(())
            })
            .await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_microphone_and_speaker_switch_during_a_call() {
    let dir = TempDir::new("ccc-voice-devices");
    run_with(
        EmulatorConfig::default(),
        microphone(&dir),
        |Session { browser, server }| async move {
            // The CRM keeps the id of the track the soft phone sends (the sender's `media-source` report).
            let extra = "config.audioProcessing = false; \
                 config.onGetStatsData = function (s) { \
                   var m = (s.sender || []).filter(function (x) { return x.type === 'media-source'; })[0]; \
                   if (m) { window.sending = m.trackIdentifier; } };";
            let (_crm, job) =
                answered_in_a_crm(&browser, &server, "agent1@ccc-demo", extra, "13800000003").await;
            customer_hears_the_agent(&server, &job).await;
            let before = eventually("the sending track to be reported", || async {
                let v = browser.execute("return window.sending;", vec![]).await.ok()?;
                v.as_str().map(str::to_owned)
            })
            .await;

            // Another microphone and another speaker from the browser's own list (Chromium's fake devices).
            let devices = workbench_e2e::audio_device_list(&browser).await;
            let input = devices["audioInputs"].as_array().unwrap().last().unwrap()["deviceId"].clone();
            let output = devices["audioOutputs"].as_array().and_then(|o| o.last().cloned());
            browser
                .execute("window.workbench.setAudioInputDevice(arguments[0]);", vec![input])
                .await
                .unwrap();
            if let Some(output) = output {
                browser
                    .execute(
                        "window.workbench.setAudioOutputDevice(arguments[0]);",
                        vec![output["deviceId"].clone()],
                    )
                    .await
                    .unwrap();
            }

            // The call keeps going on the new microphone: a new track is sent and the customer hears it.
            eventually("a new microphone track to be sent", || async {
                let v = browser.execute("return window.sending;", vec![]).await.ok()?;
                (v.as_str()? != before).then_some(())
            })
            .await;
            let heard_before = customer_heard_ms(&server, &job).await;
            customer_hears_agent_after(&server, &job, heard_before).await;
            let log = workbench_e2e::hook_log(&browser).await;
            assert!(!log.iter().any(|(n, _)| n == "onErrorNotify"), "{log:?}");
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_device_check_measures_the_microphone_and_plays_on_the_speaker() {
    let dir = TempDir::new("ccc-voice-check");
    run_with(
        EmulatorConfig::default(),
        microphone(&dir),
        |Session { browser, server }| async move {
            browser
                .goto(&format!("{}/?agent=agent3@ccc-demo", server.base))
                .await
                .unwrap();
            wait_status(&browser, 3).await;
            click(&browser, r#".ccc-nav-item[data-nav="设备检测"]"#).await;
            click(&browser, r#"button[data-action="testMicrophone"]"#).await;
            // The tone file plays at half scale: an RMS near 0.35 (350 ‰), far above silence.
            eventually("the microphone meter to show the tone", || async {
                let v = browser
                    .execute(
                        "const m = document.querySelector('.ccc-meter'); return m && +m.dataset.level;",
                        vec![],
                    )
                    .await
                    .ok()?;
                (v.as_f64()? > 100.0).then_some(())
            })
            .await;
            screenshot(&browser, ".ccc-wb", "panel-device-check").await;
            click(&browser, r#"button[data-action="testSpeaker"]"#).await;
            eventually("the speaker test to finish", || async {
                let v = browser
                    .execute(
                        "return document.querySelector('[data-speaker-test]').dataset.speakerTest;",
                        vec![],
                    )
                    .await
                    .ok()?;
                (v.as_str()? == "已播放").then_some(())
            })
            .await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_answer_call_does_not_stop_the_sip_answer() {
    let dir = TempDir::new("ccc-voice-answer");
    run_with(
        EmulatorConfig::default(),
        microphone(&dir),
        |Session { browser, server }| async move {
            // The host's transport refuses AnswerCall (a network failure); everything else goes through.
            let extra = r#"
              config.audioProcessing = false;
              config.apiAxiosFunc = function (apiName, params) {
                if (apiName === 'AnswerCall') { return Promise.reject(new Error('Network Error')); }
                return crmBackend(apiName, params);
              };
            "#;
            // AnswerCall fails and is reported, yet the SIP leg answers the call: it is talking, with voice.
            let (_crm, job) =
                answered_in_a_crm(&browser, &server, "agent2@ccc-demo", extra, "13800000005").await;
            workbench_e2e::wait_error(&browser, 9007).await;
            customer_hears_the_agent(&server, &job).await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_agents_in_two_browsers_hear_each_other_on_an_internal_call() {
    let dir = TempDir::new("ccc-voice-internal");
    workbench_e2e::run_agents(
        EmulatorConfig::default(),
        two_microphones(&dir),
        |server, browsers| async move {
            let [first, second] = &browsers[..] else {
                panic!("two browsers")
            };
            for (browser, agent) in [(first, "agent1@ccc-demo"), (second, "agent3@ccc-demo")] {
                browser
                    .goto(&format!(
                        "{}/?agent={agent}&audioProcessing=off",
                        server.base
                    ))
                    .await
                    .unwrap();
                wait_status(browser, 3).await;
            }
            click(first, r#".ccc-nav-item[data-nav="内部通话"]"#).await;
            click(
                first,
                r#"li[data-agent="agent3@ccc-demo"] button[data-action="agentToAgent"]"#,
            )
            .await;
            wait_status(second, 6).await;
            click(second, r#"button[data-action="answer"]"#).await;
            wait_status(second, 11).await;
            wait_status(first, 11).await;

            // The emulator relays each browser's voice to the other: it hears both tones arrive, and each
            // browser's own getStats() shows audio arriving from the other.
            let job = server.agent("agent3@ccc-demo").await["jobId"]
                .as_str()
                .expect("a job")
                .to_string();
            eventually("each agent's tone to reach the bridge", || async {
                let call = server.call_media(&job).await;
                let hz = |agent: &str| call["agents"][agent]["dominantHz"].as_f64();
                ((hz("agent1@ccc-demo")? - 660.0).abs() < TOLERANCE_HZ
                    && (hz("agent3@ccc-demo")? - 880.0).abs() < TOLERANCE_HZ)
                    .then_some(())
            })
            .await;
            audio_arrives(first, QUALITY).await;
            audio_arrives(second, QUALITY).await;
        },
    )
    .await;
}
