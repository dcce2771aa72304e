//! What a test reads and does on the panel's page: sign in through the demo or a CRM, wait for a status, a
//! toast, a hook or an error report, click, list the audio devices, take a screenshot.

use std::path::PathBuf;

use fantoccini::{Client, Locator};
use serde_json::Value;

use crate::{eventually, workspace_root, HostSite, Server, DEADLINE};

/// Opens `/demo/host.html` as `agent` and waits until `register()` made it ready (3).
pub async fn demo_signed_in(browser: &Client, server: &Server, agent: &str) {
    let url = format!("{}/demo/host.html?agent={agent}", server.base);
    browser.goto(&url).await.expect("open the demo host page");
    wait_status(browser, 3).await;
}

/// Starts a CRM on its own origin (`extra`: see [`HostSite::start_with`]) whose backend signs in `agent`,
/// opens its page and waits until the panel is ready (3). Keep the site alive while the test runs.
pub async fn crm_signed_in(
    browser: &Client,
    server: &Server,
    agent: &str,
    extra: &str,
) -> HostSite {
    let crm = HostSite::start_with(&server.base, agent, extra).await;
    browser
        .goto(&format!("{}/crm.html", crm.base))
        .await
        .expect("open the CRM page");
    wait_status(browser, 3).await;
    crm
}

/// Waits until the panel shows status `code` (`.ccc-wb[data-status]`).
pub async fn wait_status(browser: &Client, code: i32) {
    let selector = format!(r#".ccc-wb[data-status="{code}"]"#);
    if let Err(e) = browser
        .wait()
        .at_most(DEADLINE)
        .for_element(Locator::Css(&selector))
        .await
    {
        let shown = browser
            .execute(
                "const p = document.querySelector('.ccc-wb'); return p && p.dataset.status;",
                vec![],
            )
            .await
            .ok();
        panic!("the panel never reached status {code} (it shows {shown:?}): {e}");
    }
}

/// The status code the host reads now (`workbench.getStatusCode().code`); -2 when it cannot be read (the
/// page is loading, the SDK not mounted). For measurements that poll it on their own clock.
pub async fn status_code(browser: &Client) -> i64 {
    browser
        .execute("return window.workbench.getStatusCode().code;", vec![])
        .await
        .ok()
        .and_then(|v| v.as_i64())
        .unwrap_or(-2)
}

/// Waits for an element and clicks it.
pub async fn click(browser: &Client, selector: &str) {
    let el = browser
        .wait()
        .at_most(DEADLINE)
        .for_element(Locator::Css(selector))
        .await
        .unwrap_or_else(|e| panic!("{selector} never appeared: {e}"));
    el.click()
        .await
        .unwrap_or_else(|e| panic!("click {selector}: {e}"));
}

/// Saves a PNG of the element matching `selector` to `test-artifacts/<name>.png`.
pub async fn screenshot(browser: &Client, selector: &str, name: &str) -> PathBuf {
    let el = browser
        .find(Locator::Css(selector))
        .await
        .expect("element to screenshot");
    let png = el.screenshot().await.expect("screenshot");
    let dir = workspace_root().join("test-artifacts");
    std::fs::create_dir_all(&dir).expect("test-artifacts");
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, png).expect("write screenshot");
    path
}

/// The browser's audio devices as `getAudioDeviceList` answers them, once it lists more than one
/// microphone (Chromium's fake devices).
pub async fn audio_device_list(browser: &Client) -> Value {
    browser
        .execute(
            "window.workbench.getAudioDeviceList(function (d) { window.devices = d; });",
            vec![],
        )
        .await
        .expect("getAudioDeviceList");
    eventually("the device list", || async {
        let v = browser
            .execute("return window.devices;", vec![])
            .await
            .ok()?;
        (v["audioInputs"].as_array()?.len() > 1).then_some(v)
    })
    .await
}

/// The text of the toast over the panel (`.ccc-toast`), if one shows.
pub async fn toast_text(browser: &Client) -> Option<String> {
    let v = browser
        .execute(
            "const t = document.querySelector('.ccc-toast'); return t && t.textContent;",
            vec![],
        )
        .await
        .ok()?;
    v.as_str().map(str::to_owned)
}

/// Waits until the panel's toast contains `part`.
pub async fn wait_toast(browser: &Client, part: &str) {
    eventually(&format!("a toast with {part}"), || async {
        toast_text(browser).await.filter(|t| t.contains(part))
    })
    .await;
}

/// Waits until the host page logged hook (or callback) `name`; returns its first payload as JSON (`null` when
/// it had none).
pub async fn wait_hook(browser: &Client, name: &str) -> Value {
    let payload = eventually(&format!("the {name} hook"), || async move {
        hook_log(browser)
            .await
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, p)| p)
    })
    .await;
    serde_json::from_str(&payload).unwrap_or(Value::Null)
}

/// Waits until `onErrorNotify` reported `code` (a number or a string code); returns that report.
pub async fn wait_error(browser: &Client, code: impl Into<Value>) -> Value {
    let code = code.into();
    eventually(&format!("onErrorNotify {code}"), || {
        let code = code.clone();
        async move {
            hook_log(browser)
                .await
                .into_iter()
                .filter(|(n, _)| n == "onErrorNotify")
                .filter_map(|(_, p)| serde_json::from_str::<Value>(&p).ok())
                .find(|e| e["errorCode"] == code)
        }
    })
    .await
}

/// The hooks the demo host page logged, oldest first, as `(name, payload JSON text)`.
pub async fn hook_log(browser: &Client) -> Vec<(String, String)> {
    let v = browser
        .execute(
            "return Array.from(document.querySelectorAll('#hooks li')).reverse()\
             .map(li => [li.getAttribute('data-hook'), li.lastChild.textContent]);",
            vec![],
        )
        .await
        .expect("read the hook log");
    serde_json::from_value(v).expect("hook log shape")
}
