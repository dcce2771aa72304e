//! AK/SK direct mode (the seed's quick-validation mode): with `accessKeyId` / `accessKeySecret` /
//! `RPCEndPoint` in the config, the browser signs each request itself (V1 HMAC-SHA1) and the emulator's
//! OpenAPI face verifies it. A wrong secret is refused by the face and reported, never dialled through.

use workbench_e2e::{run, wait_error, wait_status, HostSite, Session};
use workbench_server::EmulatorConfig;

fn direct(secret: &str) -> String {
    format!(
        "config.accessKeyId = 'emulator-demo-key-id'; config.accessKeySecret = '{secret}';
         config.RPCEndPoint = location.origin + '/openapi/'; config.apiVersion = 'aliyunrpc';
         config.ajaxPath = '/nowhere';"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_signs_its_requests_and_the_emulator_verifies_them() {
    run(
        EmulatorConfig::default(),
        |Session { browser, server }| async move {
            let crm = HostSite::start_with(
                &server.base,
                "agent1@ccc-demo",
                &direct("emulator-demo-key-secret"),
            )
            .await;
            browser
                .goto(&format!("{}/crm.html", crm.base))
                .await
                .unwrap();
            // A signed request speaks for the key's owner: the emulator's first agent. (`ajaxPath` points nowhere,
            // so reaching 3 proves every request went signed to the OpenAPI endpoint.)
            wait_status(&browser, 3).await;
            assert_eq!(server.agent("agent1@ccc-demo").await["state"], "READY");
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_is_refused_by_the_signature_check() {
    run(
        EmulatorConfig::default(),
        |Session { browser, server }| async move {
            let crm =
                HostSite::start_with(&server.base, "agent1@ccc-demo", &direct("not-the-secret"))
                    .await;
            browser
                .goto(&format!("{}/crm.html", crm.base))
                .await
                .unwrap();
            let error = wait_error(&browser, "SignatureDoesNotMatch").await;
            assert!(
                error["requestId"].as_str().is_some_and(|r| !r.is_empty()),
                "{error}"
            );
            assert_eq!(server.agent("agent1@ccc-demo").await["state"], "OFFLINE");
        },
    )
    .await;
}
