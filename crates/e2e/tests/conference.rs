//! Conferences and IVR hand-offs from the panel and the host API: 会议 with a colleague and an outside
//! number, the satisfaction survey (the agent leaves), and an authentication flow (the agent stays).

use fantoccini::Locator;
use serde_json::{json, Value};
use workbench_e2e::{click, crm_signed_in, eventually, hook_log, run, wait_status, Session};
use workbench_server::EmulatorConfig;

fn emulator() -> EmulatorConfig {
    let mut config = EmulatorConfig::default();
    config.timers.outbound_answer_delay_ms = 300;
    config
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conference_from_the_conference_view_and_its_hang_up() {
    run(emulator(), |Session { browser, server }| async move {
        server.sign_in("agent2@ccc-demo").await;
        let _crm = crm_signed_in(&browser, &server, "agent1@ccc-demo", "").await;

        click(&browser, r#".ccc-nav-item[data-nav="会议"]"#).await;
        browser
            .find(Locator::Css(r#"input[name="participant1"]"#))
            .await
            .unwrap()
            .send_keys("8002")
            .await
            .unwrap();
        browser
            .find(Locator::Css(r#"input[name="participant2"]"#))
            .await
            .unwrap()
            .send_keys("13900000008")
            .await
            .unwrap();
        click(&browser, r#"button[data-action="startConference"]"#).await;
        // agent2 picks up its ringing leg; the outside number answers by itself.
        let job = eventually("agent2 to ring", || {
            let server = &server;
            async move {
                let a = server.agent("agent2@ccc-demo").await;
                (a["state"] == "RINGING")
                    .then(|| a["jobId"].as_str().unwrap_or_default().to_string())
            }
        })
        .await;
        server
            .api("agent2@ccc-demo", "AnswerCall", json!({"JobId": job}))
            .await;
        wait_status(&browser, 19).await;
        let call = &server.state().await["calls"][0];
        assert_eq!(call["channels"].as_array().map(Vec::len), Some(3), "{call}");

        click(&browser, r#"button[data-action="hangUp"]"#).await;
        wait_status(&browser, 5).await;
        let log = hook_log(&browser).await;
        assert!(
            log.iter()
                .any(|(n, p)| n == "onHangUp" && p == r#""meeting""#),
            "{log:?}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authentication_keeps_the_agent_in_the_call_and_the_survey_releases_it() {
    run(emulator(), |Session { browser, server }| async move {
        let _crm = crm_signed_in(&browser, &server, "agent3@ccc-demo", "").await;
        let job = server.ring("13800000009").await;
        wait_status(&browser, 6).await;
        click(&browser, r#"button[data-action="answer"]"#).await;
        wait_status(&browser, 9).await;

        browser
            .execute(
                "window.workbench.launchAuthentication('auth-flow', {orderId: 42, vip: 'yes'}, function (d) { log('authDone', d); })",
                vec![],
            )
            .await
            .unwrap();
        let ivr = eventually("the customer in the authentication flow", || {
            let server = &server;
            async move {
                let call = server.state().await["calls"][0].clone();
                (!call["ivr"].is_null()).then_some(call["ivr"].clone())
            }
        })
        .await;
        assert_eq!(ivr["contactFlowId"], "auth-flow", "{ivr}");
        let vars = ivr["contactFlowVariables"].to_string();
        assert!(vars.contains("orderId") && vars.contains("42"), "{ivr}");
        assert_eq!(browser.execute("return window.workbench.getStatusCode().code", vec![]).await.unwrap(), json!(9));
        eventually("the authentication callback", || {
            let browser = browser.clone();
            async move { hook_log(&browser).await.into_iter().find(|(n, _)| n == "authDone") }
        })
        .await;
        let (status, _) = server.post(&format!("/emulator/v1/calls/{job}/ivr-return"), json!({})).await;
        assert_eq!(status, 200);

        // 满意度: the survey takes the customer, the agent is released into after-call work.
        click(&browser, r#"button[data-action="transferStatisfic"]"#).await;
        wait_status(&browser, 5).await;
        let call: Value = server.state().await["calls"][0].clone();
        assert_eq!(call["surveyLaunched"], true, "{call}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_missed_call_text_message_ends_the_unanswered_dialling() {
    run(emulator(), |Session { browser, server }| async move {
        assert_eq!(
            server
                .put(
                    "/emulator/v1/numbers/13600000000",
                    json!({"answer": "no-answer"})
                )
                .await,
            200
        );
        let _crm = crm_signed_in(&browser, &server, "agent2@ccc-demo", "").await;
        browser
            .execute("window.workbench.call('13600000000')", vec![])
            .await
            .unwrap();
        wait_status(&browser, 8).await;
        browser
            .execute("window.workbench.launchShortMessageMissedCall()", vec![])
            .await
            .unwrap();
        eventually("the dialling to end", || {
            let server = &server;
            async move {
                server.state().await["calls"]
                    .as_array()
                    .is_some_and(|c| c.is_empty())
                    .then_some(())
            }
        })
        .await;
        let log = hook_log(&browser).await;
        assert!(!log.iter().any(|(n, _)| n == "onErrorNotify"), "{log:?}");
        assert!(
            log.iter()
                .any(|(n, p)| n == "onHangUp" && p == r#""dialing""#),
            "{log:?}"
        );
    })
    .await;
}
