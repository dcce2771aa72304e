//! One agent, one device: register() meets another device (7001), forceToPrepareSignIn() takes over; a
//! device that takes over later signs this panel out (7007).

use serde_json::json;
use workbench_e2e::{
    click, crm_signed_in, hook_log, run, wait_error, wait_status, HostSite, Session,
};
use workbench_server::EmulatorConfig;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_device_gives_7001_then_force_to_prepare_sign_in_takes_over() {
    run(
        EmulatorConfig::default(),
        |Session { browser, server }| async move {
            // agent1 is already on a desk phone.
            server.sign_in("agent1@ccc-demo").await;
            let crm = HostSite::start(&server.base, "agent1@ccc-demo").await;
            browser
                .goto(&format!("{}/crm.html", crm.base))
                .await
                .unwrap();

            wait_status(&browser, 1).await;
            let error = wait_error(&browser, 7001).await;
            assert_eq!(
                error["errorMsg"]["deviceId"], "e2e-agent1@ccc-demo",
                "the other device's record: {error}"
            );
            assert_eq!(
                error["errorMsg"]["userState"], "READY",
                "the agent's state, from PollUserStatus (ListDevices has none): {error}"
            );
            assert_eq!(error["errorMsgTip"], "已有设备注册,软电话未初始化");
            let names: Vec<String> = hook_log(&browser)
                .await
                .into_iter()
                .map(|(n, _)| n)
                .collect();
            assert!(
                !names.iter().any(|n| n == "onRegister"),
                "not registered: {names:?}"
            );

            // The panel offers to take over; so does the host method.
            click(&browser, r#"button[data-action="forceToPrepareSignIn"]"#).await;
            wait_status(&browser, 3).await;
            let mine = browser
                .execute("return window.workbench.getSoftPhoneDeviceId()", vec![])
                .await
                .unwrap();
            assert_eq!(server.agent("agent1@ccc-demo").await["deviceId"], mine);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_taking_over_later_signs_this_panel_out_with_7007() {
    run(
        EmulatorConfig::default(),
        |Session { browser, server }| async move {
            let _crm = crm_signed_in(&browser, &server, "agent2@ccc-demo", "").await;

            let (status, body) = server
                .post(
                    "/emulator/v1/agents/agent2@ccc-demo/device",
                    json!({"deviceId": "desk-phone-2"}),
                )
                .await;
            assert_eq!(status, 200, "{body}");
            wait_status(&browser, 1).await;
            let error = wait_error(&browser, 7007).await;
            assert_eq!(error["errorMsgTip"], "现在有新设备上线,请检查");
            let button = browser
                .find(fantoccini::Locator::Css(
                    r#"button[data-action="forceToPrepareSignIn"]"#,
                ))
                .await;
            assert!(button.is_ok(), "the panel offers to take the agent back");
        },
    )
    .await;
}
