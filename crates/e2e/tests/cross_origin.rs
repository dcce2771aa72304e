//! The SDK embedded in a CRM served from another origin, whose own backend forwards the SDK's requests to the
//! workbench server (the deployment the seed's section 六 describes).

use serde_json::Value;
use workbench_e2e::{click, hook_log, run, wait_status, HostSite, Session};
use workbench_server::EmulatorConfig;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crm_on_another_origin_registers_takes_a_call_and_after_call_work_ends_by_itself() {
    run(
        EmulatorConfig::default(),
        |Session { browser, server }| async move {
            let crm = HostSite::start(&server.base, "agent2@ccc-demo").await;
            assert_ne!(crm.base, server.base, "two origins");
            browser
                .goto(&format!("{}/crm.html", crm.base))
                .await
                .unwrap();

            // The SDK came from the workbench server, its API calls went through the CRM's backend.
            wait_status(&browser, 3).await;
            assert_eq!(
                server.agent("agent2@ccc-demo").await["state"],
                "READY",
                "the CRM's backend chose the agent"
            );

            let job = server.ring("13800000002").await;
            wait_status(&browser, 6).await;
            let log = hook_log(&browser).await;
            let coming: Value = log
                .iter()
                .find(|(n, _)| n == "onCallComing")
                .map(|(_, p)| serde_json::from_str(p).unwrap())
                .expect("onCallComing fired");
            assert_eq!(
                (coming["caller"].as_str(), coming["jobId"].as_str()),
                (Some("13800000002"), Some(job.as_str()))
            );

            click(&browser, r#"button[data-action="answer"]"#).await;
            wait_status(&browser, 9).await;
            click(&browser, r#"button[data-action="hangUp"]"#).await;
            wait_status(&browser, 5).await;
            // afterCallRule: 1 — after-call work ends by itself, nobody calls ready().
            wait_status(&browser, 3).await;
            assert_eq!(server.agent("agent2@ccc-demo").await["state"], "READY");

            let names: Vec<String> = hook_log(&browser)
                .await
                .into_iter()
                .map(|(n, _)| n)
                .collect();
            let position = |name: &str| {
                names
                    .iter()
                    .rposition(|n| n == name)
                    .unwrap_or_else(|| panic!("{name}: {names:?}"))
            };
            assert!(
                position("onHangUp") < position("onCallRelease"),
                "{names:?}"
            );
            assert!(
                position("onCallRelease") < position("onReady"),
                "ready again after the call: {names:?}"
            );
        },
    )
    .await;
}
