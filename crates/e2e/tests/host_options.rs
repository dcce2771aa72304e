//! Host-facing options and hooks that change how calls are made: the callback-gated hooks, multi-tab calling
//! through localStorage, and the host's own transport (`apiAxiosFunc`).

use fantoccini::Client;
use serde_json::{json, Value};
use workbench_e2e::{
    click, crm_signed_in, eventually, hook_log, run, wait_hook, wait_status, Session,
};
use workbench_server::EmulatorConfig;

fn emulator() -> EmulatorConfig {
    let mut config = EmulatorConfig::default();
    config.timers.outbound_answer_delay_ms = 300;
    config
}

async fn js(browser: &Client, script: &str) -> Value {
    browser
        .execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

/// The callees of the emulator's live calls.
async fn live_callees(server: &workbench_e2e::Server) -> Vec<String> {
    server.state().await["calls"]
        .as_array()
        .map(|calls| {
            calls
                .iter()
                .filter_map(|c| c["callee"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn before_call_dialing_and_before_call_hangup_hold_the_action_until_the_host_calls_back() {
    // The host keeps the callbacks and decides later; dialling gets a prefix, as the document's example does.
    let extra = r#"
      config.onBeforeCallDialing = function (p) { log('onBeforeCallDialing', {callee: p.callee, userId: p.userId}); window.dialGate = p; };
      config.onBeforeCallHangup = function (p) { log('onBeforeCallHangup', {jobId: p.jobId, channelId: p.channelId, userId: p.userId}); window.hangupGate = p; };
    "#;
    run(emulator(), |Session { browser, server }| async move {
        let _crm = crm_signed_in(&browser, &server, "agent1@ccc-demo", extra).await;

        js(&browser, "window.workbench.call('13900000001')").await;
        let gate = wait_hook(&browser, "onBeforeCallDialing").await;
        assert_eq!(gate, json!({"callee": "13900000001", "userId": "agent1@ccc-demo"}));
        // Nothing is dialled while the host has not called back.
        assert_eq!(live_callees(&server).await, Vec::<String>::new());
        assert_eq!(js(&browser, "return window.workbench.getStatusCode().code").await, json!(3));

        // The host calls back later, with a rewritten callee (a prefix); a second call dials nothing more.
        js(&browser, "setTimeout(function () { window.dialGate.callback('9' + window.dialGate.callee); window.dialGate.callback('x'); }, 50)").await;
        wait_status(&browser, 10).await;
        assert_eq!(live_callees(&server).await, vec!["913900000001".to_string()]);

        // Hanging up waits for onBeforeCallHangup's callback too.
        click(&browser, r#"button[data-action="hangUp"]"#).await;
        let gate = wait_hook(&browser, "onBeforeCallHangup").await;
        assert!(gate["jobId"].as_str().is_some_and(|j| !j.is_empty()), "{gate}");
        assert!(gate["channelId"].as_str().is_some_and(|c| !c.is_empty()), "{gate}");
        assert_eq!(server.agent("agent1@ccc-demo").await["state"], "TALKING", "not released yet");
        js(&browser, "window.hangupGate.callback()").await;
        wait_status(&browser, 5).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_tab_calls_and_hangs_up_through_local_storage() {
    let extra = "config.useLocalStorageToCall = true;";
    run(emulator(), |Session { browser, server }| async move {
        let crm = crm_signed_in(&browser, &server, "agent2@ccc-demo", extra).await;
        let registered = browser.window().await.unwrap();

        let other = browser.new_window(true).await.unwrap().handle;
        browser.switch_to_window(other.clone()).await.unwrap();
        browser.goto(&format!("{}/other-tab.html", crm.base)).await.unwrap();
        assert_eq!(js(&browser, "return localStorage.getItem('workbenchSdkStatus')").await, json!("3"));

        // A malformed value (the document's prose, with typographic quotes) is reported, not dialled.
        js(&browser, "localStorage.setItem('workbenchSdkCall', '{callee: ‘1558888****’}')").await;
        js(&browser, "localStorage.setItem('workbenchSdkCall', JSON.stringify({callee: '13900000002', caller: '', random: Math.random()}))").await;
        let status = eventually("the registered tab to be talking", || {
            let browser = browser.clone();
            async move {
                let s = js(&browser, "return localStorage.getItem('workbenchSdkStatus')").await;
                (s == json!("10")).then_some(s)
            }
        })
        .await;
        assert_eq!(status, json!("10"));
        assert_eq!(live_callees(&server).await, vec!["13900000002".to_string()]);

        js(&browser, "localStorage.setItem('workbenchSdkHangup', String(Math.random()))").await;
        eventually("the registered tab to hang up", || {
            let browser = browser.clone();
            async move {
                let s = js(&browser, "return localStorage.getItem('workbenchSdkStatus')").await;
                (s == json!("5")).then_some(())
            }
        })
        .await;

        browser.switch_to_window(registered).await.unwrap();
        wait_status(&browser, 5).await;
        let errors: Vec<Value> = hook_log(&browser)
            .await
            .into_iter()
            .filter(|(n, _)| n == "onErrorNotify")
            .map(|(_, p)| serde_json::from_str(&p).unwrap())
            .collect();
        assert!(errors.iter().any(|e| e["errorCode"] == 9002), "the malformed value was reported: {errors:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_axios_func_carries_every_request_when_configured() {
    // The host's own transport: axios-shaped answers ({data: envelope}), rejecting non-2xx like axios does.
    let extra = r#"
      window.axiosCalls = [];
      config.ajaxPath = '/nowhere';  // proves the built-in transport is not used
      config.apiAxiosFunc = function (apiName, params) {
        window.axiosCalls.push(apiName);
        return crmBackend(apiName, params);
      };
    "#;
    run(emulator(), |Session { browser, server }| async move {
        let _crm = crm_signed_in(&browser, &server, "agent3@ccc-demo", extra).await;
        // checkNetwork goes through the same transport and finds the way open.
        js(&browser, "window.workbench.checkNetwork()").await;
        let toast = browser
            .wait()
            .at_most(workbench_e2e::DEADLINE)
            .for_element(fantoccini::Locator::Css(".ccc-toast"))
            .await
            .expect("the checkNetwork result");
        assert!(toast.text().await.unwrap().contains("网络正常"));
        let calls = js(&browser, "return window.axiosCalls").await;
        let calls: Vec<String> = serde_json::from_value(calls).unwrap();
        for action in ["GetLoginDetails", "SignInGroup", "ReadyForService"] {
            assert!(
                calls.iter().any(|c| c == action),
                "{action} went through apiAxiosFunc: {calls:?}"
            );
        }
        assert_eq!(server.agent("agent3@ccc-demo").await["state"], "READY");

        // A CCC error answered with HTTP 4xx (axios rejects) still reaches onErrorNotify with its code.
        let (status, _) = server
            .post(
                "/emulator/v1/inbound-calls",
                json!({"caller": "13800000003", "skillGroupId": "support@ccc-demo"}),
            )
            .await;
        assert_eq!(status, 200);
        wait_status(&browser, 6).await;
        js(&browser, "window.workbench.answer()").await;
        wait_status(&browser, 9).await;
        js(
            &browser,
            "window.workbench.hangUp('job-that-does-not-exist')",
        )
        .await;
        let error = eventually("onErrorNotify for the failed ReleaseCall", || {
            let browser = browser.clone();
            async move {
                hook_log(&browser)
                    .await
                    .into_iter()
                    .filter(|(n, _)| n == "onErrorNotify")
                    .map(|(_, p)| serde_json::from_str::<Value>(&p).unwrap())
                    .find(|e| e["requestId"].as_str().is_some_and(|r| !r.is_empty()))
            }
        })
        .await;
        assert!(
            error["errorMsg"].as_str().is_some_and(|m| !m.is_empty()),
            "{error}"
        );
        assert_eq!(
            js(&browser, "return window.workbench.getStatusCode().code").await,
            json!(9),
            "still talking"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn method_callbacks_get_the_answer_after_the_backend_succeeded() {
    run(emulator(), |Session { browser, server }| async move {
        let extra = "config.breakImage = '/images/on-break.png';";
        let _crm = crm_signed_in(&browser, &server, "agent1@ccc-demo", extra).await;

        js(&browser, "window.workbench.applyForBreak('Meal', function (d) { log('breakDone', d); })").await;
        wait_status(&browser, 2).await;
        let done = wait_hook(&browser, "breakDone").await;
        assert_eq!((done["userState"].as_str(), done["breakCode"].as_str()), (Some("BREAK"), Some("Meal")), "{done}");
        // breakImage is shown while on break.
        let image = browser.find(fantoccini::Locator::Css(".ccc-state-image")).await.unwrap();
        let src = image.attr("src").await.unwrap().unwrap_or_default();
        assert_eq!(src, "/images/on-break.png");

        js(&browser, "window.workbench.ready()").await;
        wait_status(&browser, 3).await;
        js(
            &browser,
            "window.workbench.call('13900000003', '', function (d) { log('callDone', d); }, {TimeoutSeconds: 30, Tags: 'order-42'})",
        )
        .await;
        let done = wait_hook(&browser, "callDone").await;
        let job = done["callContext"]["jobId"].as_str().expect("the MakeCall answer's call").to_string();
        assert_eq!(server.state().await["calls"][0]["jobId"], job.as_str());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn break_reasons_from_the_call_center_and_a_selected_call_record_reach_the_host() {
    run(emulator(), |Session { browser, server }| async move {
        let _crm = crm_signed_in(&browser, &server, "agent2@ccc-demo", "").await;

        // 小休 offers the reasons of ListConfigItems (BreakCodes).
        click(&browser, r#".ccc-inbound button[data-action="break"]"#).await;
        click(&browser, r#"button[data-reason="Meal"]"#).await;
        wait_status(&browser, 2).await;
        assert_eq!(server.agent("agent2@ccc-demo").await["breakCode"], "Meal");

        js(&browser, "window.workbench.ready()").await;
        wait_status(&browser, 3).await;
        js(&browser, "window.workbench.call('13900000007')").await;
        wait_status(&browser, 10).await;
        js(&browser, "window.workbench.hangUp()").await;
        wait_status(&browser, 5).await;

        click(&browser, r#".ccc-nav-item[data-nav="通话记录"]"#).await;
        click(&browser, ".ccc-records li .ccc-list-main").await;
        let selected = wait_hook(&browser, "onSelectCurrentCallRecord").await;
        assert_eq!(
            selected["record"]["calledNumber"], "13900000007",
            "{selected}"
        );
    })
    .await;
}

/// The browser's `Notification`, replaced by one that records what the SDK does with it (headless Chromium
/// has nobody to click "allow"). `permission` starts as `default`; asking resolves as a dismissed prompt.
const RECORDED_NOTIFICATIONS: &str = r#"
  window.notices = {asked: 0, shown: [], closed: 0};
  window.Notification = function (title, options) {
    notices.shown.push({title: title, body: options.body});
    this.close = function () { notices.closed++; };
  };
  Notification.permission = 'default';
  Notification.requestPermission = function () { notices.asked++; return Promise.resolve('default'); };
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_incoming_call_notification_asks_once_names_the_caller_and_closes_when_the_ring_ends() {
    run(emulator(), |Session { browser, server }| async move {
        let _crm =
            crm_signed_in(&browser, &server, "agent1@ccc-demo", RECORDED_NOTIFICATIONS).await;

        // Not allowed yet: the first ring asks; the user dismisses the prompt, and later rings do not ask again.
        for caller in ["13800000001", "13800000002"] {
            let job = server.ring(caller).await;
            wait_status(&browser, 6).await;
            server.customer_hangs_up(&job).await;
            wait_status(&browser, 3).await;
        }
        assert_eq!(
            js(&browser, "return window.notices").await,
            json!({"asked": 1, "shown": [], "closed": 0})
        );

        // Allowed: a ring shows the caller, and answering closes the notification.
        js(&browser, "Notification.permission = 'granted'").await;
        server.ring("13800000003").await;
        wait_status(&browser, 6).await;
        assert_eq!(
            js(&browser, "return window.notices.shown").await,
            json!([{"title": "来电", "body": "13800000003"}])
        );
        assert_eq!(
            js(&browser, "return window.notices.closed").await,
            json!(0),
            "still ringing"
        );
        click(&browser, r#"button[data-action="answer"]"#).await;
        wait_status(&browser, 9).await;
        assert_eq!(
            js(&browser, "return window.notices").await["closed"],
            json!(1)
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customized_notification_leaves_the_incoming_call_notification_to_the_host() {
    let extra = format!(
        "{RECORDED_NOTIFICATIONS} Notification.permission = 'granted'; config.customizedNotification = true;"
    );
    run(emulator(), |Session { browser, server }| async move {
        let _crm = crm_signed_in(&browser, &server, "agent1@ccc-demo", &extra).await;
        server.ring("13800000001").await;
        wait_status(&browser, 6).await;
        wait_hook(&browser, "onCallComing").await;
        assert_eq!(
            js(&browser, "return window.notices").await,
            json!({"asked": 0, "shown": [], "closed": 0})
        );
    })
    .await;
}
