//! An agent's day, with its faults injected, in a real browser against the real server: the push socket
//! dropped, the server restarted, the page reloaded (ready, and in a call), a second tab taking over, the
//! tab frozen while a call arrives, a headset pulled mid-call. Each must end with the agent in the right
//! state, with voice measured both ways where a call is up, and nothing left in the emulator.
//!
//! The faults come from the emulator's control API (`POST /emulator/v1/agents/{userId}/drop`), a server
//! restart on the same port ([`Server::restart`]), WebDriver (reload, a second browser), Chrome DevTools
//! (`Page.setWebLifecycleState`) and the page's own `navigator.mediaDevices`. Recovery times are printed
//! (`cargo test -p workbench-e2e --test faults -- --nocapture`), not asserted: the waits have the
//! harness's deadline, which the old behaviour (a 120 s poll, no reconnect) could not meet.
//!
//! Runs inside the loopback-only network namespace of `make test-e2e` (the calls carry WebRTC audio).

use std::time::Instant;

use fantoccini::Client;
use serde_json::{json, Value};
use workbench_e2e::temp_dir::TempDir;
use workbench_e2e::voice::{
    audio_arrives, customer_heard_ms, customer_hears, customer_hears_agent_after, microphone,
    two_microphones, CRM_INBOUND, CRM_STATS,
};
use workbench_e2e::{
    audio_device_list, cdp, click, crm_signed_in, eventually, hook_log, run, run_agents, run_with,
    screenshot, wait_error, wait_hook, wait_status, wait_toast, HostSite, Server, Session,
    SessionPost,
};
use workbench_server::EmulatorConfig;

const AGENT: &str = "agent1@ccc-demo";

/// A poll period far beyond the harness's deadline: only the lifecycle (poll at once and fast while the
/// socket is down, reconnect) can bring news in time.
const SLOW_POLL: &str = "config.pollFrequenceWithWS = 120000;";

/// Hook names the page logged.
async fn hooks(browser: &Client) -> Vec<String> {
    hook_log(browser)
        .await
        .into_iter()
        .map(|(n, _)| n)
        .collect()
}

/// `window.workbench.<method>()` on the page.
async fn call_sdk(browser: &Client, method: &str) {
    browser
        .execute(&format!("window.workbench.{method}();"), vec![])
        .await
        .unwrap_or_else(|e| panic!("{method}: {e}"));
}

/// Waits until the emulator has no call left and the agent is back to `state`.
async fn nothing_left(server: &Server, user: &str, state: &str) {
    eventually(&format!("no call left and {user} {state}"), || async {
        let s = server.state().await;
        let calls = s["calls"].as_array().map_or(0, Vec::len);
        let agent = s["agents"]
            .as_array()?
            .iter()
            .find(|a| a["userId"] == user)?
            .clone();
        (calls == 0 && agent["state"] == state).then_some(())
    })
    .await;
}

/// Hangs up from the host's code and waits until the call is gone and the agent is ready again.
async fn hang_up_and_clear(browser: &Client, server: &Server, job: &str) {
    call_sdk(browser, "hangUp").await;
    eventually("the call to end", || async {
        server.call_media(job).await.is_null().then_some(())
    })
    .await;
    nothing_left(server, AGENT, "READY").await;
}

/// Rings the agent, answers from the host's code, and proves voice both ways; returns the job.
async fn answer_with_voice(browser: &Client, server: &Server, caller: &str) -> String {
    let job = server.ring(caller).await;
    wait_status(browser, 6).await;
    call_sdk(browser, "answer").await;
    wait_status(browser, 9).await;
    customer_hears_agent_after(server, &job, 0).await;
    audio_arrives(browser, CRM_INBOUND).await;
    job
}

/// The call card's timer (`MM:SS`) in seconds.
async fn call_timer_seconds(browser: &Client) -> u64 {
    let text = browser
        .execute(
            "const t = document.querySelector('.ccc-timer.big'); return t && t.textContent;",
            vec![],
        )
        .await
        .unwrap();
    let text = text.as_str().unwrap_or_default();
    let (m, sec) = text.split_once(':').unwrap_or(("0", "0"));
    m.trim().parse::<u64>().unwrap_or(0) * 60 + sec.trim().parse::<u64>().unwrap_or(0)
}

fn since(started: Instant) -> u128 {
    started.elapsed().as_millis()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_push_socket_is_polled_around_at_once_and_reconnected() {
    run(
        EmulatorConfig::default(),
        |Session { browser, server }| async move {
            let _crm = crm_signed_in(&browser, &server, AGENT, SLOW_POLL).await;
            let dropped = server.drop_sockets(AGENT, true, false).await;
            assert_eq!(dropped["push"], 1, "{dropped}");

            let started = Instant::now();
            let job = server.ring("13800000101").await;
            wait_status(&browser, 6).await;
            println!("push dropped → ringing shown: {} ms", since(started));
            let error = wait_error(&browser, 5005).await;
            assert_eq!(
                error["errorMsgTip"], "当前WebScoket连接缓慢,请等待或刷新后重新上线",
                "{error}"
            );

            // Dropped again while it rings: the customer's hang-up is still seen at once.
            eventually("the push socket to be back", || async {
                (server.drop_sockets(AGENT, true, false).await["push"] == 1).then_some(())
            })
            .await;
            let started = Instant::now();
            server.customer_hangs_up(&job).await;
            eventually("the panel to leave the ringing call", || async {
                let v = browser
                    .execute(
                        "return document.querySelector('.ccc-wb').dataset.status;",
                        vec![],
                    )
                    .await
                    .ok()?;
                (v != "6").then_some(())
            })
            .await;
            println!(
                "push dropped → customer hang-up shown: {} ms",
                since(started)
            );
            eventually("the push socket to be back again", || async {
                (server.drop_sockets(AGENT, true, false).await["push"] == 1).then_some(())
            })
            .await;
            nothing_left(&server, AGENT, "READY").await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_restart_is_survived_without_a_reload_and_calls_have_voice() {
    let dir = TempDir::new("ccc-faults-restart");
    run_with(
        EmulatorConfig::default(),
        microphone(&dir),
        |Session {
             browser,
             mut server,
         }| async move {
            let _crm = crm_signed_in(&browser, &server, AGENT, CRM_STATS).await;
            let started = Instant::now();
            server.restart().await;
            wait_error(&browser, 5005).await;
            // The restarted call center knows the agent as offline; the panel follows it.
            wait_status(&browser, 1).await;
            println!("server restarted → panel offline: {} ms", since(started));
            // Fresh login details: the push socket and the phone (new token, new SIP password) are back.
            eventually("the push socket to reconnect to the new server", || async {
                (server.drop_sockets(AGENT, true, false).await["push"] == 1).then_some(())
            })
            .await;
            println!("server restarted → push reconnected: {} ms", since(started));

            call_sdk(&browser, "logIn").await;
            wait_status(&browser, 3).await;
            let job = answer_with_voice(&browser, &server, "13800000102").await;
            println!(
                "server restarted → a call with voice: {} ms",
                since(started)
            );
            hang_up_and_clear(&browser, &server, &job).await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_while_ready_is_the_same_device_and_takes_calls_with_voice() {
    let dir = TempDir::new("ccc-faults-reload");
    run_with(
        EmulatorConfig::default(),
        microphone(&dir),
        |Session { browser, server }| async move {
            let _crm = crm_signed_in(&browser, &server, AGENT, CRM_STATS).await;
            let device = browser
                .execute("return window.workbench.getSoftPhoneDeviceId();", vec![])
                .await
                .unwrap();
            let started = Instant::now();
            browser.refresh().await.unwrap();
            wait_status(&browser, 3).await;
            println!("reload while ready → ready again: {} ms", since(started));
            wait_hook(&browser, "onRegister").await;
            let names = hooks(&browser).await;
            assert!(
                !hook_log(&browser)
                    .await
                    .iter()
                    .any(|(n, p)| n == "onErrorNotify" && p.contains("7001")),
                "no 7001 for the agent's own previous page: {names:?}"
            );
            let again = browser
                .execute("return window.workbench.getSoftPhoneDeviceId();", vec![])
                .await
                .unwrap();
            assert_eq!(again, device, "a reload of the tab is the same device");

            let job = answer_with_voice(&browser, &server, "13800000103").await;
            hang_up_and_clear(&browser, &server, &job).await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_mid_call_comes_back_in_the_call_with_voice() {
    let dir = TempDir::new("ccc-faults-reload-call");
    run_with(
        EmulatorConfig::default(),
        microphone(&dir),
        |Session { browser, server }| async move {
            let _crm = crm_signed_in(&browser, &server, AGENT, CRM_STATS).await;
            let answered = Instant::now();
            let job = answer_with_voice(&browser, &server, "13800000104").await;
            // A call that has lasted a few seconds before the reload.
            customer_hears_agent_after(&server, &job, 3000).await;

            let started = Instant::now();
            browser.refresh().await.unwrap();
            wait_status(&browser, 9).await;
            let timer = call_timer_seconds(&browser).await;
            let lasted = answered.elapsed().as_secs();
            assert!(
                lasted >= 3 && timer + 1 >= lasted,
                "the call's timer goes on from the call, not from the reload: {timer} s shown, {lasted} s lasted"
            );
            println!("reload mid-call → in the call again: {} ms", since(started));
            let established = wait_hook(&browser, "onCallEstablish").await;
            assert_eq!(
                established["callContext"]["jobId"], job,
                "the restored call: {established}"
            );
            assert!(
                !hooks(&browser).await.iter().any(|n| n == "onCallRelease"),
                "the call was never released"
            );
            // Voice again, both ways, on the reloaded page's phone.
            let heard = customer_heard_ms(&server, &job).await;
            customer_hears_agent_after(&server, &job, heard).await;
            audio_arrives(&browser, CRM_INBOUND).await;
            println!("reload mid-call → voice both ways: {} ms", since(started));
            screenshot(&browser, ".ccc-wb", "faults-reload-mid-call").await;

            hang_up_and_clear(&browser, &server, &job).await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_tab_takes_over_stops_the_first_tabs_phone_and_gets_the_next_call() {
    let dir = TempDir::new("ccc-faults-tabs");
    run_agents(
        EmulatorConfig::default(),
        two_microphones(&dir),
        |server, browsers| async move {
            let (tab1, tab2) = (&browsers[0], &browsers[1]);
            let _crm = crm_signed_in(tab1, &server, AGENT, CRM_STATS).await;

            let crm2 = HostSite::start_with(&server.base, AGENT, CRM_STATS).await;
            tab2.goto(&format!("{}/crm.html", crm2.base)).await.unwrap();
            wait_error(tab2, 7001).await;
            let started = Instant::now();
            click(tab2, r#"button[data-action="forceToPrepareSignIn"]"#).await;
            wait_status(tab2, 3).await;
            wait_error(tab1, 7007).await;
            wait_status(tab1, 1).await;
            println!("takeover → second tab ready: {} ms", since(started));

            // The next call rings the second tab only, and carries its voice (880 Hz), not the first's.
            let job = server.ring("13800000105").await;
            wait_status(tab2, 6).await;
            call_sdk(tab2, "answer").await;
            wait_status(tab2, 9).await;
            customer_hears(&server, &job, 880.0, 0).await;
            audio_arrives(tab2, CRM_INBOUND).await;
            let tab1_status = tab1
                .execute(
                    "return document.querySelector('.ccc-wb').dataset.status;",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(tab1_status, "1", "the kicked tab stays signed out");
            assert_eq!(
                tab1.execute("return window.inbound || null;", vec![])
                    .await
                    .unwrap(),
                Value::Null,
                "the kicked tab's phone never took a call"
            );
            hang_up_and_clear(tab2, &server, &job).await;
        },
    )
    .await;
}

/// Freezes the tab as a background tab or a sleeping laptop would (no timers, no socket events), or
/// makes it active again (`Page.setWebLifecycleState`).
fn lifecycle(state: &str) -> SessionPost {
    cdp("Page.setWebLifecycleState", json!({ "state": state }))
}

/// Takes the browser's network away or gives it back (`Network.emulateNetworkConditions`: requests fail
/// and `navigator.onLine` follows; the `offline`/`online` events are the test's to fire).
fn network(online: bool) -> SessionPost {
    cdp(
        "Network.emulateNetworkConditions",
        json!({"offline": !online, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_that_arrives_while_the_tab_is_frozen_and_its_sockets_die_rings_on_resume() {
    let dir = TempDir::new("ccc-faults-freeze");
    run_with(
        EmulatorConfig::default(),
        microphone(&dir),
        |Session { browser, server }| async move {
            let _crm = crm_signed_in(
                &browser,
                &server,
                AGENT,
                &format!("{CRM_STATS} {SLOW_POLL}"),
            )
            .await;
            browser
                .issue_cmd(lifecycle("frozen"))
                .await
                .expect("freeze the tab");
            // While it sleeps the network changes: both sockets die, and a customer calls.
            server.drop_sockets(AGENT, true, true).await;
            let job = server.ring("13800000106").await;
            let started = Instant::now();
            browser
                .issue_cmd(lifecycle("active"))
                .await
                .expect("resume the tab");
            wait_status(&browser, 6).await;
            println!("resumed → ringing shown: {} ms", since(started));
            call_sdk(&browser, "answer").await;
            wait_status(&browser, 9).await;
            customer_hears_agent_after(&server, &job, 0).await;
            audio_arrives(&browser, CRM_INBOUND).await;
            println!("resumed → answered with voice: {} ms", since(started));
            hang_up_and_clear(&browser, &server, &job).await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_network_going_away_is_reported_and_its_return_reconnects_and_shows_the_call() {
    let dir = TempDir::new("ccc-faults-network");
    run_with(
        EmulatorConfig::default(),
        microphone(&dir),
        |Session { browser, server }| async move {
            let _crm = crm_signed_in(
                &browser,
                &server,
                AGENT,
                &format!("{CRM_STATS} {SLOW_POLL}"),
            )
            .await;
            browser
                .issue_cmd(cdp("Network.enable", json!({})))
                .await
                .expect("DevTools network domain");
            browser
                .issue_cmd(network(false))
                .await
                .expect("take the network away");
            let online = browser
                .execute("return navigator.onLine;", vec![])
                .await
                .unwrap();
            assert_eq!(online, Value::Bool(false), "the page sees the network gone");
            // DevTools takes the network away but does not fire the events a real change fires.
            browser
                .execute("window.dispatchEvent(new Event('offline'));", vec![])
                .await
                .unwrap();
            let error = wait_error(&browser, 9007).await;
            assert_eq!(error["errorMsgTip"], "网络连接失败", "{error}");
            wait_toast(&browser, "正在重新连接").await;
            // The laptop moved to another network: the old connections are dead, and a customer calls.
            server.drop_sockets(AGENT, true, true).await;
            let job = server.ring("13800000109").await;
            let started = Instant::now();
            browser
                .issue_cmd(network(true))
                .await
                .expect("give the network back");
            browser
                .execute("window.dispatchEvent(new Event('online'));", vec![])
                .await
                .unwrap();
            wait_status(&browser, 6).await;
            println!("network back → ringing shown: {} ms", since(started));
            call_sdk(&browser, "answer").await;
            wait_status(&browser, 9).await;
            customer_hears_agent_after(&server, &job, 0).await;
            audio_arrives(&browser, CRM_INBOUND).await;
            println!("network back → answered with voice: {} ms", since(started));
            hang_up_and_clear(&browser, &server, &job).await;
        },
    )
    .await;
}

/// CRM config script: [`CRM_STATS`], plus the id of the track the soft phone sends (`window.sending`) and
/// every microphone stream the page opened (`window.mics`).
fn tracking_extra() -> String {
    format!(
        "{CRM_STATS} var stats = config.onGetStatsData; config.onGetStatsData = function (s) {{ \
           stats(s); var m = (s.sender || []).filter(function (x) {{ return x.type === 'media-source'; }})[0]; \
           if (m) {{ window.sending = m.trackIdentifier; }} }}; \
         window.mics = []; var md = navigator.mediaDevices, gum = md.getUserMedia.bind(md); \
         md.getUserMedia = function (c) {{ return gum(c).then(function (s) {{ window.mics.push(s); return s; }}); }};"
    )
}

/// The id of the microphone track the soft phone sends, as `onGetStatsData` last reported it.
async fn sending_track(browser: &Client) -> Option<String> {
    let v = browser
        .execute("return window.sending;", vec![])
        .await
        .ok()?;
    v.as_str().map(str::to_owned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_microphone_unplugged_mid_call_is_reopened_and_the_call_goes_on() {
    let dir = TempDir::new("ccc-faults-default-mic");
    run_with(
        EmulatorConfig::default(),
        microphone(&dir),
        |Session { browser, server }| async move {
            let _crm = crm_signed_in(&browser, &server, AGENT, &tracking_extra()).await;
            let job = answer_with_voice(&browser, &server, "13800000108").await;
            let before = eventually("the sending track", || sending_track(&browser)).await;

            // The device behind the default microphone goes away: its track ends by itself.
            let started = Instant::now();
            browser
                .execute(
                    "const t = window.mics[window.mics.length - 1].getAudioTracks()[0]; \
                     t.stop(); t.dispatchEvent(new Event('ended'));",
                    vec![],
                )
                .await
                .unwrap();
            wait_error(&browser, 8002).await;
            wait_toast(&browser, "默认设备").await;
            eventually("a new microphone track to be sent", || async {
                sending_track(&browser).await.filter(|t| *t != before)
            })
            .await;
            let heard = customer_heard_ms(&server, &job).await;
            customer_hears_agent_after(&server, &job, heard).await;
            println!(
                "default microphone lost → voice again: {} ms",
                since(started)
            );
            wait_status(&browser, 9).await;
            hang_up_and_clear(&browser, &server, &job).await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_headset_pulled_mid_call_falls_back_to_the_default_microphone_and_keeps_the_call() {
    let dir = TempDir::new("ccc-faults-headset");
    run_with(
        EmulatorConfig::default(),
        microphone(&dir),
        |Session { browser, server }| async move {
            let _crm = crm_signed_in(&browser, &server, AGENT, &tracking_extra()).await;
            let job = answer_with_voice(&browser, &server, "13800000107").await;
            let sending = || sending_track(&browser);

            // The agent picks a headset (one of Chromium's fake microphones) …
            let devices = audio_device_list(&browser).await;
            let headset = devices["audioInputs"].as_array().unwrap().last().unwrap()["deviceId"].clone();
            let before = eventually("the sending track", sending).await;
            browser
                .execute("window.workbench.setAudioInputDevice(arguments[0]);", vec![headset.clone()])
                .await
                .unwrap();
            let on_headset = eventually("the headset's track to be sent", || async {
                sending().await.filter(|t| *t != before)
            })
            .await;

            // … and pulls it out: it vanishes from the browser's list, which says `devicechange`.
            let started = Instant::now();
            browser
                .execute(
                    "const md = navigator.mediaDevices, gone = arguments[0], list = md.enumerateDevices.bind(md); \
                     md.enumerateDevices = () => list().then(l => l.filter(d => d.deviceId !== gone)); \
                     md.dispatchEvent(new Event('devicechange'));",
                    vec![headset],
                )
                .await
                .unwrap();
            let error = wait_error(&browser, 8002).await;
            assert!(
                error["errorMsg"].as_str().unwrap_or_default().contains("microphone"),
                "{error}"
            );
            wait_toast(&browser, "默认设备").await;
            eventually("the default microphone's track to be sent", || async {
                sending().await.filter(|t| *t != on_headset)
            })
            .await;
            let heard = customer_heard_ms(&server, &job).await;
            customer_hears_agent_after(&server, &job, heard).await;
            println!("headset pulled → voice on the default microphone: {} ms", since(started));
            wait_status(&browser, 9).await;
            hang_up_and_clear(&browser, &server, &job).await;
        },
    )
    .await;
}
