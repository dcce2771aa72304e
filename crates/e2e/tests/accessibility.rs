//! Accessibility of the panel, checked by axe-core (WCAG 2.1 A and AA rules) in headless Chromium in every
//! state an agent sees: ready, each side-nav view, break, ringing, in a call, the keypad open, after-call
//! work and offline — in both languages, each in the default theme and the high-contrast one (`data-ccc-theme`). A serious or
//! critical violation in any of them fails the test, listing each rule with the elements it found. The
//! whole pages around the panel are audited too (`index.html` in both languages, `demo/host.html` signed
//! in). axe-core comes from npm (`scripts/setup.sh test` installs it outside the clone).
//!
//! Runs inside the loopback-only network namespace of `make test-e2e` (the call carries WebRTC audio).

use fantoccini::Client;
use serde_json::Value;
use workbench_e2e::{click, eventually, run, screenshot, wait_status, Server, Session};
use workbench_server::EmulatorConfig;

/// The side-nav views (the contract's `sideNavList` names; `data-nav` of each entry).
const VIEWS: [&str; 10] = [
    "呼入",
    "呼出",
    "内部通话",
    "通话记录",
    "转接",
    "会议",
    "监听",
    "我的工作",
    "设备检测",
    "设置",
];

/// axe-core's script: `$AXE_CORE_JS`, else where `scripts/setup.sh test` puts it.
fn axe_source() -> String {
    let path = std::env::var_os("AXE_CORE_JS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| workbench_e2e::tool_file("axe-core/node_modules/axe-core/axe.min.js"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core at {}: {e} (run `scripts/setup.sh test`)",
            path.display()
        )
    })
}

/// The serious and critical violations axe finds now in the element `within` selects (`None`: the whole
/// document), as `"rule (impact): help — targets"`.
async fn violations(browser: &Client, axe: &str, within: Option<&str>) -> Vec<String> {
    let loaded = browser
        .execute("return typeof window.axe === 'object';", vec![])
        .await
        .unwrap();
    if loaded != Value::Bool(true) {
        browser
            .execute(axe, vec![])
            .await
            .expect("axe-core to load");
    }
    let found = browser
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const within = arguments[0] === null ? document : document.querySelector(arguments[0]);
             axe.run(within,
                     {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                      resultTypes: ['violations']})
               .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                      nodes: v.nodes.map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').split('\\n').slice(1, 2).join(''))}))))
               .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));",
            vec![Value::from(within)],
        )
        .await
        .expect("axe.run");
    found
        .as_array()
        .expect("a list of violations")
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .map(|v| {
            let nodes: Vec<&str> = v["nodes"]
                .as_array()
                .map(|n| n.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            format!(
                "{} ({}): {} — {}",
                v["id"].as_str().unwrap_or("?"),
                v["impact"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or("?"),
                nodes.join("; ")
            )
        })
        .collect()
}

/// Every state's violations, kept to report them all at once.
struct Audit {
    axe: String,
    /// The panel's language now (`?lang=`).
    lang: &'static str,
    found: Vec<(String, Vec<String>)>,
    states: usize,
}

impl Audit {
    /// Checks the panel as it is now, in the high-contrast theme and in the default one (left on).
    async fn check(&mut self, browser: &Client, state: &str) {
        let state = format!("{}: {state}", self.lang);
        for theme in ["high-contrast", "default"] {
            browser
                .execute(
                    "const c = document.getElementById('workbench-container');
                     if (arguments[0] === 'default') { delete c.dataset.cccTheme; }
                     else { c.dataset.cccTheme = arguments[0]; }",
                    vec![Value::from(theme)],
                )
                .await
                .unwrap();
            let v = violations(browser, &self.axe, Some("#workbench-container")).await;
            if !v.is_empty() {
                self.found.push((format!("{state} ({theme} theme)"), v));
            }
        }
        self.states += 1;
    }

    fn assert_clean(self, states: usize) {
        assert_eq!(self.states, states, "every state was checked");
        let report: Vec<String> = self
            .found
            .iter()
            .map(|(state, v)| format!("{state}:\n    {}", v.join("\n    ")))
            .collect();
        assert!(
            report.is_empty(),
            "serious/critical axe violations in {} state(s):\n  {}",
            report.len(),
            report.join("\n  ")
        );
    }
}

async fn js(browser: &Client, script: &str) -> Value {
    browser.execute(script, vec![]).await.expect(script)
}

/// One key pressed and released on the focused element, as a user would (WebDriver key actions).
async fn press(browser: &Client, key: char) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    browser.perform_actions(keys).await.expect("key actions");
}

/// Alt+Shift+`key` pressed and released as a user would (WebDriver key actions, to the focused element).
async fn shortcut(browser: &Client, key: char) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    use fantoccini::key::Key;
    let (alt, shift): (char, char) = (Key::Alt.into(), Key::Shift.into());
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: alt })
        .then(KeyAction::Down { value: shift })
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key })
        .then(KeyAction::Up { value: shift })
        .then(KeyAction::Up { value: alt });
    browser.perform_actions(keys).await.expect("key actions");
}

async fn open_view(browser: &Client, view: &str) -> bool {
    let selector = format!(r#".ccc-nav-item[data-nav="{view}"]"#);
    if browser
        .find(fantoccini::Locator::Css(&selector))
        .await
        .is_err()
    {
        return false;
    }
    click(browser, &selector).await;
    true
}

async fn every_state(browser: &Client, server: &Server, audit: &mut Audit, lang: &str) -> usize {
    let mut states = 0;
    browser
        .goto(&format!(
            "{}/?agent=agent1@ccc-demo&lang={lang}",
            server.base
        ))
        .await
        .unwrap();
    wait_status(browser, 3).await;
    // The page asks for nothing that is not there (trunk's injected preloads once did, at the site root).
    let failed = js(
        browser,
        "return performance.getEntriesByType('resource')
                  .filter(e => e.responseStatus >= 400).map(e => e.name + ' ' + e.responseStatus);",
    )
    .await;
    assert_eq!(failed, serde_json::json!([]), "requests that failed");
    audit.check(browser, "ready").await;
    states += 1;
    // The header menu says whether it is open.
    let expanded =
        "return document.querySelector('.ccc-menu-toggle').getAttribute('aria-expanded');";
    assert_eq!(js(browser, expanded).await, "false");
    click(browser, ".ccc-menu-toggle").await;
    assert_eq!(js(browser, expanded).await, "true");
    audit.check(browser, "ready, menu open").await;
    screenshot(browser, ".ccc-wb", &format!("panel-{lang}-menu")).await;
    js(
        browser,
        "document.getElementById('workbench-container').dataset.cccTheme = 'high-contrast';",
    )
    .await;
    screenshot(
        browser,
        ".ccc-wb",
        &format!("panel-{lang}-menu-high-contrast"),
    )
    .await;
    js(
        browser,
        "delete document.getElementById('workbench-container').dataset.cccTheme;",
    )
    .await;
    states += 1;
    click(browser, ".ccc-menu-toggle").await;
    assert_eq!(js(browser, expanded).await, "false");
    for view in VIEWS {
        if open_view(browser, view).await {
            if view == "通话记录" {
                // Call records are reached with Tab: each row is a button. The second pass has the first
                // pass's call among them, once the view's ListRecentCallDetailRecords has answered.
                let rows_script =
                    "return [...document.querySelectorAll('.ccc-records li .ccc-list-main')]
                              .map(e => e.tabIndex >= 0 && e.tagName);";
                let rows = if lang == "zh-CN" {
                    js(browser, rows_script).await
                } else {
                    eventually("the first pass's call record to be listed", || async {
                        let rows = js(browser, rows_script).await;
                        rows.as_array()
                            .is_some_and(|r| !r.is_empty())
                            .then_some(rows)
                    })
                    .await
                };
                assert!(
                    rows.as_array()
                        .is_some_and(|r| r.iter().all(|x| x == "BUTTON")),
                    "call record rows are focusable buttons: {rows}"
                );
            }
            audit.check(browser, &format!("ready, {view}")).await;
            states += 1;
        } else {
            panic!("no side-nav entry {view} for agent1");
        }
    }
    open_view(browser, "呼入").await;
    click(browser, r#".ccc-inbound button[data-action="break"]"#).await;
    // 小休 offers the call center's break reasons first.
    eventually("the break reasons", || async {
        browser
            .find(fantoccini::Locator::Css("button[data-reason]"))
            .await
            .ok()
    })
    .await;
    audit.check(browser, "choosing a break reason").await;
    click(browser, "button[data-reason]").await;
    wait_status(browser, 2).await;
    audit.check(browser, "break").await;
    click(browser, r#".ccc-inbound button[data-action="ready"]"#).await;
    wait_status(browser, 3).await;

    // The first pass works in the panel (the focus on a nav entry), the second in the host page (the
    // standalone page's caller box): a ring takes the focus to 接听 only in the first.
    let focus_inside = lang == "zh-CN";
    let focus = if focus_inside {
        "document.querySelector('#workbench-container .ccc-nav-item').focus();"
    } else {
        "document.getElementById('caller').focus();"
    };
    js(browser, focus).await;
    let job = server.ring("13800000001").await;
    wait_status(browser, 6).await;
    let said = eventually("the live region to announce the caller", || async {
        let text = js(
            browser,
            "return document.querySelector('.ccc-wb [aria-live]').textContent;",
        )
        .await;
        text.as_str()
            .filter(|t| t.contains("13800000001"))
            .map(str::to_owned)
    })
    .await;
    assert!(!said.contains("undefined"), "{said}");
    if focus_inside {
        eventually("the focus to move to 接听", || async {
            let on = js(
                browser,
                "return document.activeElement && document.activeElement.dataset.action;",
            )
            .await;
            (on == "answer").then_some(())
        })
        .await;
    } else {
        let on = js(browser, "return document.activeElement.id;").await;
        assert_eq!(
            on, "caller",
            "a ring does not take the focus from the host page"
        );
    }
    audit.check(browser, "ringing").await;
    if focus_inside {
        // Keyboard alone: Enter on the focused 接听 answers.
        press(browser, fantoccini::key::Key::Enter.into()).await;
        wait_status(browser, 9).await;
    } else {
        // From the host page's input, by the default shortcuts: answer, mute and unmute, hold and retrieve.
        shortcut(browser, 'a').await;
        wait_status(browser, 9).await;
        let muted = || async {
            browser
                .find(fantoccini::Locator::Css(
                    r#"button[data-action="umMuteAgent"]"#,
                ))
                .await
                .ok()
                .map(|_| ())
        };
        shortcut(browser, 'm').await;
        eventually("Alt+Shift+M to mute", muted).await;
        shortcut(browser, 'm').await;
        eventually("Alt+Shift+M again to unmute", || async {
            browser
                .find(fantoccini::Locator::Css(
                    r#"button[data-action="muteAgent"]"#,
                ))
                .await
                .ok()
                .map(|_| ())
        })
        .await;
        shortcut(browser, 'h').await;
        wait_status(browser, 12).await;
        shortcut(browser, 'h').await;
        wait_status(browser, 9).await;
        let typed = js(browser, "return document.getElementById('caller').value;").await;
        assert!(
            !typed
                .as_str()
                .unwrap_or_default()
                .to_lowercase()
                .contains(['a', 'm', 'h']),
            "a shortcut that did something types nothing into the host's input: {typed}"
        );
    }
    audit.check(browser, "in a call").await;
    screenshot(browser, ".ccc-wb", &format!("panel-{lang}-in-call")).await;
    click(browser, r#"button[data-action="sendDtmf"]"#).await;
    eventually("the keypad to open", || async {
        browser
            .find(fantoccini::Locator::Css(".ccc-call .ccc-key"))
            .await
            .ok()
    })
    .await;
    assert_eq!(
        js(browser, "return document.querySelector('.ccc-call button[data-action=\"sendDtmf\"]').getAttribute('aria-pressed');").await,
        "true",
        "the keypad toggle says it is pressed"
    );
    audit.check(browser, "in a call, keypad open").await;
    server.customer_hangs_up(&job).await;
    wait_status(browser, 5).await;
    audit.check(browser, "after-call work").await;
    browser
        .execute("window.workbench.logOut();", vec![])
        .await
        .unwrap();
    wait_status(browser, 1).await;
    audit.check(browser, "offline").await;
    states + 7
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_serious_or_critical_axe_violation_in_any_state() {
    run(
        EmulatorConfig::default(),
        |Session { browser, server }| async move {
            let mut audit = Audit {
                axe: axe_source(),
                lang: "zh-CN",
                found: Vec::new(),
                states: 0,
            };
            let mut states = 0;
            for lang in ["zh-CN", "en-US"] {
                audit.lang = lang;
                let n = every_state(&browser, &server, &mut audit, lang).await;
                assert!(
                    n >= 12,
                    "ready, the views, break, ringing, call, keypad, ACW, offline: {n}"
                );
                states += n;
            }
            audit.assert_clean(states);
        },
    )
    .await;
}

/// The pages around the panel pass too: the standalone workbench page (its bar: agent, language, the link to
/// the demo) and the demo CRM page (customer card, hook log), each audited whole with the panel signed in —
/// what Lighthouse's accessibility audit also reads (it found the bar's link and the card's labels too pale).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_around_the_panel_have_no_serious_or_critical_axe_violation() {
    run(
        EmulatorConfig::default(),
        |Session { browser, server }| async move {
            let axe = axe_source();
            let mut found = Vec::new();
            for page in [
                "/?agent=agent1@ccc-demo",
                "/?agent=agent1@ccc-demo&lang=en-US",
                "/demo/host.html?agent=agent1@ccc-demo",
            ] {
                browser
                    .goto(&format!("{}{page}", server.base))
                    .await
                    .unwrap();
                wait_status(&browser, 3).await;
                if page.starts_with("/demo/") {
                    // The hook log has entries (its coloured names are part of what is checked).
                    eventually("the demo page's hook log to fill", || async {
                        let n = js(
                            &browser,
                            "return document.querySelectorAll('#hooks li').length;",
                        )
                        .await;
                        (n.as_u64().unwrap_or(0) > 0).then_some(())
                    })
                    .await;
                }
                let v = violations(&browser, &axe, None).await;
                if !v.is_empty() {
                    found.push(format!("{page}:\n    {}", v.join("\n    ")));
                }
            }
            assert!(
                found.is_empty(),
                "serious/critical axe violations:\n  {}",
                found.join("\n  ")
            );
        },
    )
    .await;
}
