//! A supervisor's panel: 监听 lists agents in a call; monitor, then barge in; and an agent's consultation
//! (attended transfer) handed over to a colleague; and the work-mode switch in 设置.

use serde_json::{json, Value};
use workbench_e2e::{
    click, crm_signed_in, eventually, hook_log, run, screenshot, wait_error, wait_status, Server,
    Session,
};
use workbench_server::EmulatorConfig;

/// agent1 (signed in without a browser) talking to a customer; returns the job id.
async fn agent1_in_a_call(server: &Server) -> String {
    server.sign_in("agent1@ccc-demo").await;
    let job = server.ring("13800000005").await;
    server
        .api("agent1@ccc-demo", "AnswerCall", json!({"JobId": job}))
        .await;
    job
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_monitors_then_barges_in_from_the_monitor_view() {
    run(
        EmulatorConfig::default(),
        |Session { browser, server }| async move {
            // The call starts before the supervisor signs in, so it cannot ring the supervisor.
            let job = agent1_in_a_call(&server).await;
            let _crm = crm_signed_in(&browser, &server, "supervisor@ccc-demo", "").await;

            click(&browser, r#".ccc-nav-item[data-nav="监听"]"#).await;
            // The list loads when the view opens; the call started just before, so refresh until it shows.
            eventually("agent1 listed as talking", || {
                let browser = browser.clone();
                async move {
                    browser
                        .find(fantoccini::Locator::Css(".ccc-link"))
                        .await
                        .ok()?
                        .click()
                        .await
                        .ok()?;
                    browser
                        .find(fantoccini::Locator::Css(
                            r#"li[data-agent="agent1@ccc-demo"] button[data-action="monitor"]"#,
                        ))
                        .await
                        .ok()
                }
            })
            .await;
            click(
                &browser,
                r#"li[data-agent="agent1@ccc-demo"] button[data-action="monitor"]"#,
            )
            .await;
            wait_status(&browser, 21).await; // 监听 (via 24 while the supervisor's leg connects)
            screenshot(&browser, ".ccc-wb", "supervisor-monitoring").await;

            click(
                &browser,
                r#"li[data-agent="agent1@ccc-demo"] button[data-action="bargeIn"]"#,
            )
            .await;
            wait_status(&browser, 25).await;
            let state = server.state().await;
            let types: Vec<&str> = state["calls"][0]["channels"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|c| c["callType"].as_str())
                .collect();
            assert!(
                types.contains(&"BARGE"),
                "the supervisor's leg barges in: {types:?}"
            );
            assert_eq!(state["calls"][0]["jobId"], job.as_str());

            click(&browser, r#".ccc-agents button[data-action="hangUp"]"#).await;
            wait_status(&browser, 5).await;
            let log = hook_log(&browser).await;
            let kinds: Vec<&str> = log
                .iter()
                .filter(|(n, _)| n == "onHangUp")
                .map(|(_, p)| p.as_str())
                .collect();
            assert_eq!(kinds, [r#""bargedIn""#], "{log:?}");
            assert_eq!(
                server.agent("agent1@ccc-demo").await["state"],
                "TALKING",
                "the agent keeps the customer"
            );
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consultation_is_handed_over_to_the_consulted_colleague() {
    run(
        EmulatorConfig::default(),
        |Session { browser, server }| async move {
            let _crm = crm_signed_in(&browser, &server, "agent2@ccc-demo", "").await;
            let job = server.ring("13800000006").await;
            wait_status(&browser, 6).await;
            click(&browser, r#"button[data-action="answer"]"#).await;
            wait_status(&browser, 9).await;
            server.sign_in("agent3@ccc-demo").await;

            browser
                .execute("window.workbench.initiateAttendedTransfer('8003')", vec![])
                .await
                .unwrap();
            wait_status(&browser, 16).await; // 发起三方: agent3 rings, the customer waits on hold
            let agent3 = server.agent("agent3@ccc-demo").await;
            assert_eq!(agent3["state"], "RINGING", "{agent3}");
            server
                .api("agent3@ccc-demo", "AnswerCall", json!({"JobId": job}))
                .await;
            wait_status(&browser, 17).await; // 咨询通话
            screenshot(&browser, ".ccc-wb", "consulting").await;

            click(
                &browser,
                r#"button[data-action="thirdCallTransferFinished"]"#,
            )
            .await;
            wait_status(&browser, 5).await;
            let agent3 = server.agent("agent3@ccc-demo").await;
            assert_eq!(
                agent3["state"], "TALKING",
                "agent3 now has the customer: {agent3}"
            );
            let leg = server.leg_of("agent3@ccc-demo").await;
            assert_ne!(
                leg["callType"], "CONSULTANT",
                "the consultation leg became the customer's call: {leg}"
            );
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_to_off_site_in_settings_fires_on_work_mode_change() {
    run(
        EmulatorConfig::default(),
        |Session { browser, server }| async move {
            let _crm = crm_signed_in(&browser, &server, "agent3@ccc-demo", "").await;
            // The header menu's 调节音量 / 切换工作模式 open 设置.
            click(&browser, ".ccc-menu-toggle").await;
            click(
                &browser,
                r#".ccc-menu button[data-action="changeWorkMode"]"#,
            )
            .await;
            // Off-site answering rings the agent's mobile: the number is asked for first.
            click(&browser, r#"button[data-action="applyForOffSite"]"#).await;
            let error = wait_error(&browser, 9002).await;
            assert!(
                error["errorMsg"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("mobile"),
                "{error}"
            );
            let mobile = browser
                .find(fantoccini::Locator::Css(r#"input[name="mobile"]"#))
                .await
                .unwrap();
            mobile.send_keys("13700001111").await.unwrap();
            click(&browser, r#"button[data-action="applyForOffSite"]"#).await;
            let modes = eventually("onWorkModeChange", || {
                let browser = browser.clone();
                async move {
                    let log = hook_log(&browser).await;
                    let modes: Vec<Value> = log
                        .into_iter()
                        .filter(|(n, _)| n == "onWorkModeChange")
                        .map(|(_, p)| serde_json::from_str(&p).unwrap())
                        .collect();
                    (!modes.is_empty()).then_some(modes)
                }
            })
            .await;
            assert_eq!(modes, [json!("OFF_SITE")]);
            assert_eq!(
                server.agent("agent3@ccc-demo").await["workMode"],
                "OFF_SITE"
            );
        },
    )
    .await;
}
