//! The in-call tools of the panel against the emulator: hold and retrieve, mute, DTMF from the keypad, a
//! blind transfer to a colleague, an internal call from 内部通话, and the 通话记录 list afterwards.

use fantoccini::Locator;

use workbench_e2e::{click, eventually, run, screenshot, wait_status, Server, Session};
use workbench_server::EmulatorConfig;

async fn flags(server: &Server, user: &str) -> String {
    server.leg_of(user).await["flags"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hold_mute_dtmf_and_a_blind_transfer_from_the_call_card() {
    run(
        EmulatorConfig::default(),
        |Session { browser, server }| async move {
            browser
                .goto(&format!("{}/?agent=agent1@ccc-demo", server.base))
                .await
                .unwrap();
            wait_status(&browser, 3).await;
            // Only agent1 is ready, so the customer's call rings it; agent2 comes online afterwards.
            server.ring("13800000004").await;
            wait_status(&browser, 6).await;
            click(&browser, r#"button[data-action="answer"]"#).await;
            wait_status(&browser, 9).await;
            server.sign_in("agent2@ccc-demo").await;

            click(&browser, r#"button[data-action="callHold"]"#).await;
            wait_status(&browser, 12).await;
            assert!(flags(&server, "agent1@ccc-demo").await.contains("HOLD"));
            click(&browser, r#"button[data-action="callRetrieve"]"#).await;
            wait_status(&browser, 9).await;

            click(&browser, r#"button[data-action="muteAgent"]"#).await;
            click(&browser, r#"button[data-action="umMuteAgent"]"#).await; // the button flips once muted
            eventually("the mute to be lifted", || {
            let server = &server;
            async move { (!flags(server, "agent1@ccc-demo").await.contains("MUTED")).then_some(()) }
        })
        .await;

            click(&browser, r#"button[data-action="sendDtmf"]"#).await;
            for key in ["1", "2", "#"] {
                click(
                    &browser,
                    &format!(r#".ccc-call .ccc-key[data-key="{key}"]"#),
                )
                .await;
            }
            let received = eventually("the customer to receive 12#", || {
                let server = &server;
                async move {
                    let state = server.state().await;
                    let digits: String = state["calls"][0]["channels"]
                        .as_array()?
                        .iter()
                        .filter_map(|c| c["dtmfReceived"].as_str())
                        .collect();
                    (digits == "12#").then_some(digits)
                }
            })
            .await;
            assert_eq!(received, "12#");
            screenshot(&browser, ".ccc-wb", "in-call-tools").await;

            // Blind transfer from the 转接 view to agent2's extension: agent2 rings, agent1 is done.
            click(&browser, r#".ccc-nav-item[data-nav="转接"]"#).await;
            let input = browser
                .find(Locator::Css(r#"input[name="transferee"]"#))
                .await
                .unwrap();
            input.send_keys("8002").await.unwrap();
            click(&browser, r#"button[data-action="thirdCallTransfer"]"#).await;
            wait_status(&browser, 5).await;
            let agent2 = eventually("agent2 to get the call", || {
                let server = &server;
                async move {
                    let a = server.agent("agent2@ccc-demo").await;
                    (a["state"] != "READY").then_some(a)
                }
            })
            .await;
            assert!(
                matches!(agent2["state"].as_str(), Some("RINGING" | "TALKING")),
                "{agent2}"
            );
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_internal_call_from_the_agent_list_and_the_call_record_afterwards() {
    run(
        EmulatorConfig::default(),
        |Session { browser, server }| async move {
            server.sign_in("agent3@ccc-demo").await;
            browser
                .goto(&format!("{}/?agent=agent1@ccc-demo", server.base))
                .await
                .unwrap();
            wait_status(&browser, 3).await;

            click(&browser, r#".ccc-nav-item[data-nav="内部通话"]"#).await;
            click(
                &browser,
                r#"li[data-agent="agent3@ccc-demo"] button[data-action="agentToAgent"]"#,
            )
            .await;
            let agent3 = eventually("agent3 to ring", || {
                let server = &server;
                async move {
                    let a = server.agent("agent3@ccc-demo").await;
                    (a["state"] == "RINGING").then_some(a)
                }
            })
            .await;
            let job = agent3["jobId"].as_str().expect("a job").to_string();
            server
                .api(
                    "agent3@ccc-demo",
                    "AnswerCall",
                    serde_json::json!({"JobId": job}),
                )
                .await;
            wait_status(&browser, 11).await;
            screenshot(&browser, ".ccc-wb", "internal-call").await;
            server
                .api(
                    "agent3@ccc-demo",
                    "ReleaseCall",
                    serde_json::json!({"JobId": job}),
                )
                .await;
            wait_status(&browser, 5).await;

            // The finished call is listed in 通话记录.
            click(&browser, r#".ccc-nav-item[data-nav="通话记录"]"#).await;
            let record = browser
                .wait()
                .at_most(workbench_e2e::DEADLINE)
                .for_element(Locator::Css(".ccc-records li"))
                .await
                .expect("a call record");
            let text = record.text().await.unwrap();
            assert!(text.contains("8003") || text.contains("agent3"), "{text}");

            // 我的工作 counts it.
            click(&browser, r#".ccc-nav-item[data-nav="我的工作"]"#).await;
            let tiles = eventually("the report tiles", || {
                let browser = browser.clone();
                async move {
                    let tiles = browser.find_all(Locator::Css(".ccc-tile")).await.ok()?;
                    let mut texts = Vec::new();
                    for t in tiles {
                        texts.push(t.text().await.ok()?);
                    }
                    (!texts.is_empty()).then_some(texts)
                }
            })
            .await;
            let internal = tiles
                .iter()
                .find(|t| t.contains("内部通话"))
                .expect("an 内部通话 tile");
            assert!(
                internal.starts_with('1'),
                "one internal call today: {tiles:?}"
            );
            screenshot(&browser, ".ccc-wb", "my-work").await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calling_a_colleague_who_is_not_free_reports_8003() {
    run(
        EmulatorConfig::default(),
        |Session { browser, server }| async move {
            server.sign_in("agent2@ccc-demo").await;
            server
                .api(
                    "agent2@ccc-demo",
                    "TakeBreak",
                    serde_json::json!({"Code": "Meal"}),
                )
                .await;
            let _crm = workbench_e2e::crm_signed_in(&browser, &server, "agent1@ccc-demo", "").await;
            browser
                .execute("window.workbench.agentToAgent('8002')", vec![])
                .await
                .unwrap();
            let error = workbench_e2e::wait_error(&browser, 8003).await;
            assert_eq!(error["errorMsgTip"], "已在通话中");
            assert!(
                error["requestId"].as_str().is_some_and(|r| !r.is_empty()),
                "{error}"
            );
            // `exportErrorOfApi` (on in the CRM page): the toast names the code the host received.
            workbench_e2e::wait_toast(&browser, "ErrorCode: 8003").await;
            wait_status(&browser, 3).await;
        },
    )
    .await;
}
