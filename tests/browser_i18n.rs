//! The panel's `language` in headless Chromium (`make test-browser`): `en-US` shows no Chinese anywhere —
//! text, placeholders, titles, labels — and says `lang="en-US"` on its root; the default is the original's
//! Chinese panel with `lang="zh-CN"`.
//!
//! Without a backend the mounted panel only reaches its sign-in prompt and 设备检测, so the second half
//! renders every view and the header directly from a [`View`] made up for each status (a call, agents,
//! records, figures, devices — all data in ASCII), exactly as `<App>` renders them.
#![cfg(target_arch = "wasm32")]

use agent_state::Status;
use gloo_timers::future::TimeoutFuture;
use serde_json::json;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use workbench::api::Api;
use workbench::components::PanelProps;
use workbench::config::{nav, Config, SIDE_NAV};
use workbench::i18n::is_cjk;
use workbench::sdk::WorkbenchCore;
use workbench::workbench::Workbench;

mod dom;
mod made_up;

use dom::{click, container, js, wait_for};
use made_up::{made_up_view, Probe, QuietHost};

wasm_bindgen_test_configure!(run_in_browser);

/// Waits until `selector`'s text is `text` (up to 5 s).
async fn wait_for_text(root: &web_sys::Element, selector: &str, text: &str) {
    for _ in 0..250 {
        let now = root
            .query_selector(selector)
            .unwrap()
            .and_then(|e| e.text_content());
        if now.as_deref() == Some(text) {
            return;
        }
        TimeoutFuture::new(20).await;
    }
    panic!("{selector} never read {text:?}; DOM: {}", root.inner_html());
}

/// What a person can read in `root`: its text and every element's placeholder, title, aria-label and alt.
fn readable(root: &web_sys::Element) -> Vec<String> {
    let mut out = vec![root.text_content().unwrap_or_default()];
    let all = root.query_selector_all("*").unwrap();
    for i in 0..all.length() {
        let el: web_sys::Element = all.item(i).unwrap().dyn_into().unwrap();
        for attr in ["placeholder", "title", "aria-label", "alt"] {
            if let Some(v) = el.get_attribute(attr) {
                out.push(format!("{attr}={v}"));
            }
        }
    }
    out
}

fn assert_no_chinese(root: &web_sys::Element, what: &str) {
    let chinese: Vec<String> = readable(root)
        .into_iter()
        .filter(|t| t.chars().any(is_cjk))
        .collect();
    assert!(
        chinese.is_empty(),
        "{what}: Chinese in the en-US panel: {chinese:?}\nDOM: {}",
        root.inner_html()
    );
}

#[wasm_bindgen_test]
async fn the_english_panel_shows_no_chinese_and_its_root_says_en_us() {
    let root = container("wb-en");
    let _core = WorkbenchCore::new(js(r#"{dom: "wb-en", instanceId: "ccc-demo", language: "en-US",
        moreActionList: ["online", "ready", "onlyCall", "break", "offline", "adjustVolume", "changeWorkMode"],
        defaultMainContentVisible: false}"#))
    .expect("valid config");
    let panel = wait_for(&root, ".ccc-wb").await;
    assert_eq!(panel.get_attribute("lang").as_deref(), Some("en-US"));
    wait_for_text(&root, ".ccc-status", "Unregistered").await;
    // Collapsed, the header offers every action: open the menu so its labels are in the DOM too.
    click(&root, ".ccc-menu-toggle");
    wait_for(&root, ".ccc-menu").await;
    assert_no_chinese(&root, "header menu");
    assert_eq!(
        root.query_selector(r#".ccc-menu [data-action="offline"]"#)
            .unwrap()
            .and_then(|e| e.text_content())
            .as_deref(),
        Some("Sign out")
    );
    click(&root, ".ccc-collapse");
    wait_for(&root, ".ccc-nav").await;
    // Every side-nav entry, shown in English but still keyed by the contract's name.
    for key in SIDE_NAV {
        click(&root, &format!(r#".ccc-nav-item[data-nav="{key}"]"#));
        wait_for(&root, &format!(r#".ccc-nav-item.active[data-nav="{key}"]"#)).await;
        wait_for(&root, ".ccc-view").await;
        if key == nav::DEVICE_CHECK {
            // 设备检测 runs its checks before sign-in: wait for its rows, in English.
            wait_for(&root, r#"li[data-check="Browser"]"#).await;
        }
        assert_no_chinese(&root, key);
    }
}

/// 设备检测's microphone test where the browser cannot open one (no microphone here): the reason is said
/// in the panel's language, with the browser's own words after it.
#[wasm_bindgen_test]
async fn a_microphone_test_that_cannot_run_says_why_in_the_panels_language() {
    for (id, language, opening) in [
        ("wb-mic-en", "en-US", "Cannot open the microphone: "),
        ("wb-mic-zh", "zh-CN", "无法打开麦克风:"),
    ] {
        let root = container(id);
        let _core = WorkbenchCore::new(js(&format!(
            r#"{{dom: "{id}", instanceId: "ccc-demo", language: "{language}"}}"#
        )))
        .expect("valid config");
        let device_check = format!(r#".ccc-nav-item[data-nav="{}"]"#, nav::DEVICE_CHECK);
        wait_for(&root, &device_check).await;
        click(&root, &device_check);
        let test = r#"button[data-action="testMicrophone"]"#;
        wait_for(&root, test).await;
        click(&root, test);
        let said = wait_for(&root, "[data-meter-failed]")
            .await
            .text_content()
            .unwrap_or_default();
        assert!(
            said.starts_with(opening) && said.len() > opening.len(),
            "{language}: {said:?}"
        );
        if language == "en-US" {
            assert_no_chinese(&root, "the failed microphone test");
        }
    }
}

#[wasm_bindgen_test]
async fn by_default_the_panel_is_the_originals_chinese_and_says_zh_cn() {
    let root = container("wb-zh");
    let _core =
        WorkbenchCore::new(js(r#"{dom: "wb-zh", instanceId: "ccc-demo"}"#)).expect("valid config");
    let panel = wait_for(&root, ".ccc-wb").await;
    assert_eq!(panel.get_attribute("lang").as_deref(), Some("zh-CN"));
    wait_for_text(&root, ".ccc-status", "未注册").await;
    wait_for_text(&root, r#".ccc-nav-item[data-nav="呼入"]"#, "呼入").await;
    wait_for_text(
        &root,
        r#".ccc-signin button[data-action="register"]"#,
        "上线",
    )
    .await;
    // An unknown value is the default, as for the config's other values of the wrong kind.
    let other = container("wb-fr");
    let _core = WorkbenchCore::new(js(
        r#"{dom: "wb-fr", instanceId: "ccc-demo", language: "fr-FR"}"#,
    ))
    .expect("an unknown language is no developer error");
    let panel = wait_for(&other, ".ccc-wb").await;
    assert_eq!(panel.get_attribute("lang").as_deref(), Some("zh-CN"));
}

#[wasm_bindgen_test]
async fn every_view_and_the_header_in_english_have_no_chinese_in_any_status() {
    let config = Config::from_json(&json!({"instanceId": "ccc-demo", "language": "en-US",
        "moreActionList": ["online", "ready", "onlyCall", "break", "offline", "adjustVolume", "changeWorkMode"]}))
    .expect("valid config");
    let api = Api::new(&config);
    let wb = Workbench::new(config, Box::new(QuietHost), api);
    let navs: Vec<&str> = SIDE_NAV.iter().copied().chain(["customEntry"]).collect();
    let mut rendered = 0;
    for status in Status::ALL {
        for nav in &navs {
            let root = container(&format!("probe-{}-{rendered}", status.code()));
            let props = PanelProps {
                view: made_up_view(&wb, status, nav),
                workbench: wb.clone(),
            };
            let app = yew::Renderer::<Probe>::with_root_and_props(root.clone(), props).render();
            wait_for(&root, ".ccc-view").await;
            wait_for(&root, ".ccc-status").await;
            if root.query_selector(".ccc-menu-toggle").unwrap().is_some() {
                click(&root, ".ccc-menu-toggle");
                wait_for(&root, ".ccc-menu").await;
            }
            if status.in_call()
                && root
                    .query_selector(r#"[data-action="sendDtmf"]"#)
                    .unwrap()
                    .is_some()
            {
                click(&root, r#"[data-action="sendDtmf"]"#);
                wait_for(&root, ".ccc-dialpad").await;
            }
            if status == Status::Ready && *nav == SIDE_NAV[0] {
                // With break reasons, 小休 opens the list of reasons first.
                click(&root, r#".ccc-inbound [data-action="break"]"#);
                wait_for(&root, ".ccc-reasons").await;
            }
            assert_no_chinese(&root, &format!("{status:?} on {nav}"));
            app.destroy();
            root.remove();
            rendered += 1;
        }
    }
    assert_eq!(rendered, Status::ALL.len() * 11);
}
