//! Whole flows through every layer: release build in headless Chromium → SDK loader → wasm core → the
//! server's `/data/api.json` and push WebSocket → the emulator, and back into host hooks and the panel.

use fantoccini::Locator;
use serde_json::{json, Value};
use workbench_e2e::{
    click, demo_signed_in, eventually, hook_log, run, screenshot, wait_error, wait_status, Session,
};
use workbench_server::EmulatorConfig;

fn emulator() -> EmulatorConfig {
    let mut config = EmulatorConfig::default();
    // Long enough to see DIALING (status 8) in the panel, short enough to keep the test quick.
    config.timers.outbound_answer_delay_ms = 1500;
    config
}

/// Index of the first hook named `name` in the log, with its payload.
fn find<'a>(log: &'a [(String, String)], name: &str) -> Option<(usize, &'a str)> {
    log.iter()
        .position(|(n, _)| n == name)
        .map(|i| (i, log[i].1.as_str()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inbound_call_pops_the_customer_is_answered_and_hung_up_in_the_embedded_panel() {
    run(emulator(), |Session { browser, server }| async move {
        browser
            .goto(&format!(
                "{}/demo/host.html?agent=agent1@ccc-demo",
                server.base
            ))
            .await
            .unwrap();

        // onInit → register(): GetLoginDetails … SignInGroup → ReadyForService → 空闲 (3).
        wait_status(&browser, 3).await;
        assert_eq!(server.agent("agent1@ccc-demo").await["state"], "READY");
        let log = hook_log(&browser).await;
        assert_eq!(
            log.first().map(|h| h.0.as_str()),
            Some("onInit"),
            "onInit comes first: {log:?}"
        );
        assert!(
            find(&log, "onRegister").is_some(),
            "onRegister fired: {log:?}"
        );

        // A customer calls the hotline: the panel rings and the CRM pops the customer's number.
        let job = server.ring("13800000001").await;
        wait_status(&browser, 6).await;
        let log = hook_log(&browser).await;
        let (_, coming) = find(&log, "onCallComing").expect("onCallComing fired");
        let coming: Value = serde_json::from_str(coming).unwrap();
        assert_eq!(coming["caller"], "13800000001");
        assert_eq!(coming["jobId"], job.as_str());
        let popped = browser
            .find(Locator::Css(r#"#customer [data-field="number"]"#))
            .await
            .unwrap();
        assert_eq!(popped.text().await.unwrap(), "13800000001");
        let far = browser
            .find(Locator::Css(r#"[data-role="far-number"]"#))
            .await
            .unwrap();
        assert_eq!(far.text().await.unwrap(), "13800000001");
        screenshot(&browser, ".ccc-wb", "inbound-ringing").await;

        // The agent answers in the panel: 呼入通话 (9), and the emulator's call is talking.
        click(&browser, r#"button[data-action="answer"]"#).await;
        wait_status(&browser, 9).await;
        assert_eq!(server.agent("agent1@ccc-demo").await["state"], "TALKING");
        let log = hook_log(&browser).await;
        assert!(
            find(&log, "onCallEstablish").is_some(),
            "onCallEstablish fired: {log:?}"
        );
        screenshot(&browser, ".ccc-wb", "inbound-talking").await;
        screenshot(&browser, "body", "demo-host-talking").await;

        // The agent hangs up: onHangUp('inbound'), then onCallRelease, then 话后处理 (5).
        click(&browser, r#"button[data-action="hangUp"]"#).await;
        wait_status(&browser, 5).await;
        let log = hook_log(&browser).await;
        let (hang_up, kind) = find(&log, "onHangUp").expect("onHangUp fired");
        assert_eq!(kind, r#""inbound""#);
        let (release, _) = find(&log, "onCallRelease").expect("onCallRelease fired");
        assert!(
            hang_up < release,
            "onHangUp precedes onCallRelease: {log:?}"
        );
        let calls = server.state().await["calls"].clone();
        assert_eq!(calls, json!([]), "the call is over in the emulator");

        // After-call work ends when the agent is ready again.
        browser
            .execute("window.workbench.ready()", vec![])
            .await
            .unwrap();
        wait_status(&browser, 3).await;
        let status = browser
            .execute("return window.workbench.getStatusCode()", vec![])
            .await
            .unwrap();
        assert_eq!(status, json!({"code": 3, "lastCode": 5}));
        assert_eq!(
            browser
                .execute("return localStorage.getItem('workbenchSdkStatus')", vec![])
                .await
                .unwrap(),
            json!("3"),
            "other tabs read the status from localStorage"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbound_call_from_the_dialpad_dials_talks_and_hangs_up() {
    run(emulator(), |Session { browser, server }| async move {
        demo_signed_in(&browser, &server, "agent2@ccc-demo").await;

        click(&browser, r#".ccc-nav-item[data-nav="呼出"]"#).await;
        for key in ["1", "3", "9", "0", "0", "0", "0"] {
            click(&browser, &format!(r#".ccc-key[data-key="{key}"]"#)).await;
        }
        let input = browser
            .find(Locator::Css(r#"input[name="callee"]"#))
            .await
            .unwrap();
        input.send_keys("1234").await.unwrap();
        assert_eq!(
            input.prop("value").await.unwrap().as_deref(),
            Some("13900001234")
        );
        // Caller numbers come from ListOutboundNumbersOfUser; pick one explicitly.
        let caller = eventually("caller numbers in the select", || {
            let browser = browser.clone();
            async move {
                let options = browser
                    .find_all(Locator::Css(r#"select[name="caller"] option"#))
                    .await
                    .ok()?;
                let mut values = Vec::new();
                for o in options {
                    values.push(o.attr("value").await.ok()??);
                }
                values.into_iter().find(|v| !v.is_empty())
            }
        })
        .await;
        browser
            .find(Locator::Css(r#"select[name="caller"]"#))
            .await
            .unwrap()
            .select_by_value(&caller)
            .await
            .unwrap();
        click(&browser, r#"button[data-action="call"]"#).await;

        // 拨号 (8) while the number rings, 呼出通话 (10) once it answers.
        wait_status(&browser, 8).await;
        let log = hook_log(&browser).await;
        let (_, dialing) = find(&log, "onCallDialing").expect("onCallDialing fired");
        let dialing: Value = serde_json::from_str(dialing).unwrap();
        assert_eq!(dialing["callee"], "13900001234");
        assert_eq!(dialing["caller"], caller.as_str());
        wait_status(&browser, 10).await;
        let calls = server.state().await["calls"].clone();
        assert_eq!(
            calls.as_array().map(Vec::len),
            Some(1),
            "one live call: {calls}"
        );
        assert_eq!(calls[0]["callee"], "13900001234");
        screenshot(&browser, ".ccc-wb", "outbound-talking").await;

        click(&browser, r#"button[data-action="hangUp"]"#).await;
        wait_status(&browser, 5).await;
        let log = hook_log(&browser).await;
        assert_eq!(find(&log, "onHangUp").map(|h| h.1), Some(r#""outbound""#));
        assert_eq!(server.agent("agent2@ccc-demo").await["state"], "WORKING");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standalone_page_signs_in_the_chosen_agent_and_follows_a_customer_hangup() {
    run(emulator(), |Session { browser, server }| async move {
        browser
            .goto(&format!("{}/?agent=agent3@ccc-demo", server.base))
            .await
            .unwrap();
        wait_status(&browser, 3).await;
        let agent = browser
            .find(Locator::Css(".ccc-agent"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!agent.is_empty(), "the header names the agent");
        assert_eq!(server.agent("agent3@ccc-demo").await["state"], "READY");
        assert_eq!(
            server.agent("agent1@ccc-demo").await["state"],
            "OFFLINE",
            "only the chosen agent signs in"
        );
        screenshot(&browser, ".ccc-wb", "panel-ready").await;

        // The page's own "Ring" button places a customer call through the control API.
        click(&browser, "#ring").await;
        wait_status(&browser, 6).await;
        click(&browser, r#"button[data-action="answer"]"#).await;
        wait_status(&browser, 9).await;

        // The customer hangs up: the agent goes to after-call work, learned from the push channel.
        let job = server.state().await["calls"][0]["jobId"]
            .as_str()
            .expect("a live call")
            .to_string();
        server.customer_hangs_up(&job).await;
        wait_status(&browser, 5).await;
        assert_eq!(server.agent("agent3@ccc-demo").await["state"], "WORKING");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_number_returns_the_agent_to_ready_and_a_refused_action_is_reported() {
    run(emulator(), |Session { browser, server }| async move {
        assert_eq!(
            server
                .put(
                    "/emulator/v1/numbers/13700000000",
                    json!({"answer": "busy", "delayMs": 2000})
                )
                .await,
            200
        );
        demo_signed_in(&browser, &server, "agent1@ccc-demo").await;

        browser
            .execute("window.workbench.call('13700000000')", vec![])
            .await
            .unwrap();
        wait_status(&browser, 8).await;
        // The number is busy: the call fails and the agent is free again.
        wait_status(&browser, 3).await;
        let log = hook_log(&browser).await;
        assert_eq!(
            find(&log, "onHangUp").map(|h| h.1),
            Some(r#""dialing""#),
            "{log:?}"
        );
        // The busy signal is reported with its SIP status and the contract's tip.
        let failed: Value = log
            .iter()
            .filter(|(n, _)| n == "onErrorNotify")
            .map(|(_, p)| serde_json::from_str::<Value>(p).unwrap())
            .find(|e| e["errorCode"] == 5001)
            .expect("5001 for the busy number");
        assert_eq!(
            (failed["errorMsg"].as_u64(), failed["errorMsgTip"].as_str()),
            (Some(486), Some("这里忙"))
        );

        // answer() while nothing rings is outside the status table: 9001, and nothing throws.
        browser
            .execute("window.workbench.answer()", vec![])
            .await
            .unwrap();
        let error = wait_error(&browser, 9001).await;
        assert!(
            error["errorMsgTip"].as_str().is_some_and(|t| !t.is_empty()),
            "{error}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_automatic_caller_is_a_number_near_the_callee() {
    run(emulator(), |Session { browser, server }| async move {
        demo_signed_in(&browser, &server, "agent1@ccc-demo").await;
        // 0571… is Hangzhou: PickOutboundNumbers chooses the agent's Hangzhou number.
        browser
            .execute("window.workbench.call('057188886666', 'auto')", vec![])
            .await
            .unwrap();
        wait_status(&browser, 8).await;
        let calls = server.state().await["calls"].clone();
        assert_eq!(calls[0]["callee"], "057188886666");
        assert_eq!(calls[0]["caller"], "057180000003", "{calls}");
    })
    .await;
}
