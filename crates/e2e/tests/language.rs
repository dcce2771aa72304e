//! `language: 'en-US'` end to end (issue 13): the standalone page's `?lang=en-US` gives an English panel
//! that shows no Chinese through a whole call and every side-nav view with the emulator's lists loaded,
//! while the hooks a host receives keep the contract's Chinese (`errorMsgTip`).
//!
//! The emulator's data is made ASCII here (its default agent and group names are bilingual), so any Chinese
//! the panel shows is a text that missed the catalogue, not data.

use fantoccini::{Client, Locator};
use serde_json::{json, Value};
use workbench_e2e::{
    click, crm_signed_in, eventually, run, wait_error, wait_status, wait_toast, Session, DEADLINE,
};
use workbench_server::EmulatorConfig;

/// The default emulator with every name in ASCII ("坐席一 Agent 1" → "Agent 1").
fn ascii_emulator() -> EmulatorConfig {
    let mut config = EmulatorConfig::default();
    let ascii = |s: &str| {
        let kept: String = s.chars().filter(char::is_ascii).collect();
        let kept = kept.trim().to_owned();
        if kept.is_empty() {
            "Somewhere".to_owned()
        } else {
            kept
        }
    };
    for agent in &mut config.agents {
        agent.display_name = ascii(&agent.display_name);
    }
    for group in &mut config.skill_groups {
        group.name = ascii(&group.name);
    }
    for number in &mut config.outbound_numbers {
        number.province = ascii(&number.province);
        number.city = ascii(&number.city);
    }
    config.timers.outbound_answer_delay_ms = 300;
    config
}

/// What the panel shows that is Chinese: its text, and every placeholder, title, aria-label and alt.
async fn chinese_shown(browser: &Client) -> Vec<String> {
    let v = browser
        .execute(
            r#"const p = document.querySelector('.ccc-wb');
               const out = [p.textContent];
               for (const el of p.querySelectorAll('*')) {
                 for (const a of ['placeholder', 'title', 'aria-label', 'alt']) {
                   const v = el.getAttribute(a);
                   if (v) out.push(a + '=' + v);
                 }
               }
               return out.filter(t => /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/.test(t));"#,
            vec![],
        )
        .await
        .expect("read the panel");
    serde_json::from_value(v).expect("a list of strings")
}

async fn assert_english(browser: &Client, when: &str) {
    let chinese = chinese_shown(browser).await;
    assert!(
        chinese.is_empty(),
        "{when}: the en-US panel shows Chinese: {chinese:?}"
    );
}

async fn wait_for(browser: &Client, selector: &str) {
    browser
        .wait()
        .at_most(DEADLINE)
        .for_element(Locator::Css(selector))
        .await
        .unwrap_or_else(|e| panic!("{selector} never appeared: {e}"));
}

async fn js(browser: &Client, script: &str) -> Value {
    browser.execute(script, vec![]).await.expect("run script")
}

/// Opens side-nav entry `key` and waits for what it loads (`content`, a selector), then checks it.
async fn visit(browser: &Client, key: &str, content: &str) {
    click(browser, &format!(r#".ccc-nav-item[data-nav="{key}"]"#)).await;
    wait_for(
        browser,
        &format!(r#".ccc-nav-item.active[data-nav="{key}"]"#),
    )
    .await;
    wait_for(browser, content).await;
    assert_english(browser, key).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_standalone_page_in_english_shows_no_chinese_through_a_call_and_every_view() {
    run(ascii_emulator(), |Session { browser, server }| async move {
        browser
            .goto(&format!(
                "{}/?lang=en-US&agent=agent1@ccc-demo",
                server.base
            ))
            .await
            .unwrap();
        wait_status(&browser, 3).await;
        assert_eq!(
            js(
                &browser,
                "return document.querySelector('.ccc-wb').getAttribute('lang')"
            )
            .await,
            json!("en-US")
        );
        eventually("the English status name", || async {
            let v = js(
                &browser,
                "return document.querySelector('.ccc-status').textContent",
            )
            .await;
            (v == json!("Ready")).then_some(())
        })
        .await;
        assert_english(&browser, "ready").await;

        // A customer calls: ringing, talking with the keypad open, after-call work.
        server.ring("13800000001").await;
        wait_status(&browser, 6).await;
        wait_for(&browser, r#"button[data-action="answer"]"#).await;
        assert_english(&browser, "ringing").await;
        click(&browser, r#"button[data-action="answer"]"#).await;
        wait_status(&browser, 9).await;
        click(&browser, r#"button[data-action="sendDtmf"]"#).await;
        wait_for(&browser, ".ccc-dialpad").await;
        assert_english(&browser, "talking").await;
        click(&browser, r#"button[data-action="hangUp"]"#).await;
        wait_status(&browser, 5).await;
        assert_english(&browser, "after-call work").await;

        // A toast of the panel's own.
        js(&browser, "window.workbench.checkNetwork()").await;
        wait_toast(&browser, "Network OK").await;
        assert_english(&browser, "the network toast").await;
        js(&browser, "window.workbench.ready()").await;
        wait_status(&browser, 3).await;

        // Every view, with what it lists loaded (the call above is in the records and the figures).
        visit(&browser, "呼入", r#"[data-action="break"]"#).await;
        visit(&browser, "呼出", r#"input[name="callee"]"#).await;
        visit(&browser, "内部通话", "li[data-agent]").await;
        visit(&browser, "通话记录", "li[data-contact]").await;
        visit(&browser, "转接", ".ccc-transfer").await;
        visit(&browser, "会议", ".ccc-conference").await;
        visit(&browser, "监听", ".ccc-agents").await;
        visit(&browser, "我的工作", ".ccc-tile").await;
        visit(&browser, "设备检测", r#"li[data-check="Browser"]"#).await;
        visit(&browser, "设置", r#"input[name="mobile"]"#).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_english_the_hooks_still_get_the_contracts_chinese() {
    run(ascii_emulator(), |Session { browser, server }| async move {
        let extra = "config.language = 'en-US';";
        let _crm = crm_signed_in(&browser, &server, "agent1@ccc-demo", extra).await;
        // answer() while ready is outside the status table: 9001 with the contract's verbatim tip.
        js(&browser, "window.workbench.answer()").await;
        let report = wait_error(&browser, 9001).await;
        assert_eq!(report["errorMsgTip"], "当前状态不能执行此操作");
        assert_english(&browser, "after a 9001").await;
    })
    .await;
}

/// The demo CRM page's language switch: it starts the panel in Chinese, and choosing English reloads it
/// with `?lang=en-US` and an English panel.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_crm_pages_switch_restarts_the_panel_in_english() {
    run(ascii_emulator(), |Session { browser, server }| async move {
        browser
            .goto(&format!(
                "{}/demo/host.html?agent=agent1@ccc-demo",
                server.base
            ))
            .await
            .unwrap();
        wait_for(&browser, r#".ccc-wb[lang="zh-CN"]"#).await;
        wait_status(&browser, 3).await;
        browser
            .find(Locator::Css("#language"))
            .await
            .expect("the language switch")
            .select_by_value("en-US")
            .await
            .expect("choose English");
        wait_for(&browser, r#".ccc-wb[lang="en-US"]"#).await;
        wait_status(&browser, 3).await;
        let url = browser.current_url().await.unwrap();
        assert!(url.as_str().contains("lang=en-US"), "{url}");
        assert!(url.as_str().contains("agent=agent1"), "{url}");
        assert_eq!(
            js(&browser, "return document.getElementById('language').value").await,
            json!("en-US")
        );
        assert_english(&browser, "the demo CRM in English").await;
    })
    .await;
}
