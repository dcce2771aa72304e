//! The README's embedding snippets (`docs/embedding/`), run as a CRM developer would run them, against the
//! real server, on a CRM site of another origin whose backend path forwards to it ([`HostSite`]):
//! - `plain.html`, served as it is (only the server's address replaced);
//! - React 18: `react/WorkbenchPanel.tsx` and `react/App.tsx` compiled by `tsc --strict` against React's
//!   types and the package's `WorkbenchSdk.d.ts`, run with React's development build in `<StrictMode>`
//!   (which mounts, unmounts and mounts again at once);
//! - Vue 3: `vue/WorkbenchPanel.js` and `vue/App.js`, run with Vue's development ES-module build.
//!
//! Each page must sign the agent in to ready, show the caller of a ringing call through its own state (the
//! hook reached the framework), and, for the components, unmount to no panel and mount again to one panel
//! that signs in and rings. React, Vue and their types come from npm (`scripts/setup.sh test`, outside the
//! clone); the page maps the bare imports to them with an import map, as a bundler would resolve them.

use std::path::Path;
use std::process::Command;

use fantoccini::{Client, Locator};
use serde_json::{json, Value};
use workbench_e2e::temp_dir::TempDir;
use workbench_e2e::{
    click, crm_signed_in, eventually, hook_log, run, tool_file, tools, wait_status, workspace_root,
    HostSite, Server, Session, SiteFile, DEADLINE,
};
use workbench_server::EmulatorConfig;

/// The address the snippets name for the workbench server (`make run`'s), replaced by the test server's.
const SNIPPET_SERVER: &str = "http://127.0.0.1:8080";

fn snippet(relative: &str) -> String {
    let path = workspace_root().join("docs/embedding").join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn file(path: &str, content_type: &'static str, body: impl Into<Vec<u8>>) -> SiteFile {
    SiteFile {
        path: path.into(),
        content_type,
        body: body.into(),
    }
}

fn js_file(path: &str, body: impl Into<Vec<u8>>) -> SiteFile {
    file(path, "text/javascript", body)
}

fn tool_text(relative: &str) -> String {
    std::fs::read_to_string(tool_file(relative)).unwrap()
}

/// A page that includes the SDK the way the snippets say, maps `imports` and runs `/app/App.js`.
fn app_page(server: &Server, head: &str, imports: Value) -> SiteFile {
    let page = format!(
        r#"<!doctype html>
<html><head><meta charset="utf-8"><title>CRM app</title>
<link rel="stylesheet" href="{wb}/sdk/main.min.css">
<script>
  window.pageErrors = [];
  addEventListener('error', (e) => pageErrors.push(String(e.message)));
  addEventListener('unhandledrejection', (e) => pageErrors.push(String(e.reason)));
</script>
{head}
<script type="importmap">{imports}</script>
<script src="{wb}/sdk/workbenchSdk.min.js"></script>
</head><body><div id="root"></div><script type="module" src="/app/App.js"></script></body></html>"#,
        wb = server.base,
    );
    file("/app.html", "text/html; charset=utf-8", page)
}

/// `tsc --strict` over the React snippets, into `out/`: the files it wrote, by name.
fn compile_react(dir: &Path) -> Vec<(String, String)> {
    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    for name in ["WorkbenchPanel.tsx", "App.tsx"] {
        std::fs::write(src.join(name), snippet(&format!("react/{name}"))).unwrap();
    }
    // The project's node_modules, as `npm install react react-dom @types/react @types/react-dom
    // ccc-workbench-sdk` would lay them out.
    let modules = dir.join("node_modules");
    std::fs::create_dir_all(modules.join("@types")).unwrap();
    let link = |from: &Path, to: &str| {
        std::os::unix::fs::symlink(from, modules.join(to))
            .unwrap_or_else(|e| panic!("link {}: {e}", from.display()))
    };
    let react = tools().join("react-dom/node_modules");
    let types = tools().join("@types/react-dom/node_modules/@types");
    link(&react.join("react"), "react");
    link(&react.join("react-dom"), "react-dom");
    link(&types.join("react"), "@types/react");
    link(&types.join("react-dom"), "@types/react-dom");
    link(&workspace_root().join("package"), "ccc-workbench-sdk");
    let out = Command::new(tool_file("typescript/node_modules/.bin/tsc"))
        .current_dir(dir)
        .args([
            "--strict",
            "--pretty",
            "false",
            "--jsx",
            "react",
            "--esModuleInterop",
        ])
        .args([
            "--target",
            "es2020",
            "--module",
            "esnext",
            "--moduleResolution",
            "bundler",
        ])
        .args(["--lib", "es2020,dom", "--outDir", "out"])
        .args(["src/WorkbenchPanel.tsx", "src/App.tsx"])
        .output()
        .expect("run tsc");
    assert!(
        out.status.success(),
        "the React snippets do not compile under tsc --strict:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    ["WorkbenchPanel.js", "App.js"]
        .iter()
        .map(|name| {
            let text = std::fs::read_to_string(dir.join("out").join(name)).unwrap();
            (name.to_string(), text)
        })
        .collect()
}

async fn js(browser: &Client, script: &str) -> Value {
    browser.execute(script, vec![]).await.expect("run script")
}

async fn panels(browser: &Client) -> u64 {
    js(
        browser,
        "return document.querySelectorAll('.ccc-wb').length",
    )
    .await
    .as_u64()
    .unwrap()
}

/// Waits until `#id`'s text (the app's own state) is `want`.
async fn wait_text(browser: &Client, id: &str, want: &str) {
    let script = format!("return document.getElementById('{id}').textContent");
    eventually(&format!("#{id} to read {want:?}"), || async {
        (js(browser, &script).await == json!(want)).then_some(())
    })
    .await;
}

/// A call rings the agent: the app shows its caller from `onCallComing`, then the customer gives up.
async fn a_call_reaches_the_app(browser: &Client, server: &Server, caller: &str) {
    let job = server.ring(caller).await;
    wait_status(browser, 6).await;
    wait_text(browser, "caller", caller).await;
    server.customer_hangs_up(&job).await;
}

/// The component app: ready through its own hooks, one panel, a call shown, hidden to no panel, shown
/// again to one panel that signs in and rings.
async fn the_component_lives_and_dies_with_the_app(browser: &Client, server: &Server) {
    if let Err(e) = browser
        .wait()
        .at_most(DEADLINE)
        .for_element(Locator::Css(".ccc-wb"))
        .await
    {
        let errors = js(browser, "return window.pageErrors").await;
        panic!("no panel ({e}); the page's errors: {errors}");
    }
    wait_status(browser, 3).await;
    wait_text(browser, "status", "3").await;
    assert_eq!(panels(browser).await, 1, "one panel after mounting");
    a_call_reaches_the_app(browser, server, "13800000001").await;
    wait_status(browser, 3).await;

    click(browser, "#toggle").await;
    eventually("the panel to go with its component", || async {
        (panels(browser).await == 0).then_some(())
    })
    .await;
    click(browser, "#toggle").await;
    wait_status(browser, 3).await;
    assert_eq!(panels(browser).await, 1, "one panel after mounting again");
    a_call_reaches_the_app(browser, server, "13800000002").await;
    wait_status(browser, 3).await;
    assert_eq!(js(browser, "return window.pageErrors").await, json!([]));
}

async fn open(browser: &Client, crm: &HostSite, page: &str) {
    browser
        .goto(&format!("{}{page}", crm.base))
        .await
        .expect("open the CRM page");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plain_html_snippet_signs_in_and_shows_the_caller() {
    run(
        EmulatorConfig::default(),
        |Session { browser, server }| async move {
            let page = snippet("plain.html").replace(SNIPPET_SERVER, &server.base);
            assert!(
                page.contains(&server.base),
                "the snippet names {SNIPPET_SERVER}"
            );
            let crm = HostSite::start_serving(
                &server.base,
                "agent1@ccc-demo",
                vec![file("/plain.html", "text/html; charset=utf-8", page)],
            )
            .await;
            open(&browser, &crm, "/plain.html").await;
            wait_status(&browser, 3).await;
            assert_eq!(panels(&browser).await, 1);
            a_call_reaches_the_app(&browser, &server, "13800000001").await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_react_component_compiles_strict_and_survives_strict_mode() {
    let dir = TempDir::new("ccc-embed-react");
    let compiled = compile_react(&dir.0);
    run(EmulatorConfig::default(), |Session { browser, server }| async move {
        let react = "react-dom/node_modules";
        let mut files = vec![
            app_page(
                &server,
                r#"<script src="/vendor/react.js"></script><script src="/vendor/react-dom.js"></script>"#,
                json!({"imports": {"react": "/vendor/react.mjs", "react-dom/client": "/vendor/react-dom-client.mjs"}}),
            ),
            js_file("/vendor/react.js", tool_text(&format!("{react}/react/umd/react.development.js"))),
            js_file(
                "/vendor/react-dom.js",
                tool_text(&format!("{react}/react-dom/umd/react-dom.development.js")),
            ),
            // What a bundler resolves the bare imports to: the UMD globals as modules.
            js_file(
                "/vendor/react.mjs",
                "const R = window.React; export default R;\n\
                 export const { StrictMode, useEffect, useId, useRef, useState, createElement } = R;\n",
            ),
            js_file(
                "/vendor/react-dom-client.mjs",
                "export const { createRoot, hydrateRoot } = window.ReactDOM;\n",
            ),
        ];
        for (name, text) in compiled {
            // tsc keeps `./WorkbenchPanel` without its extension, as a bundler reads it.
            let stem = name.trim_end_matches(".js");
            files.push(js_file(&format!("/app/{stem}"), text.clone()));
            files.push(js_file(&format!("/app/{name}"), text));
        }
        let crm = HostSite::start_serving(&server.base, "agent1@ccc-demo", files).await;
        open(&browser, &crm, "/app.html").await;
        the_component_lives_and_dies_with_the_app(&browser, &server).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_vue_component_mounts_unmounts_and_mounts_again() {
    run(
        EmulatorConfig::default(),
        |Session { browser, server }| async move {
            let files = vec![
                app_page(&server, "", json!({"imports": {"vue": "/vendor/vue.mjs"}})),
                js_file(
                    "/vendor/vue.mjs",
                    tool_text("vue/node_modules/vue/dist/vue.esm-browser.js"),
                ),
                js_file("/app/WorkbenchPanel.js", snippet("vue/WorkbenchPanel.js")),
                js_file("/app/App.js", snippet("vue/App.js")),
            ];
            let crm = HostSite::start_serving(&server.base, "agent1@ccc-demo", files).await;
            open(&browser, &crm, "/app.html").await;
            the_component_lives_and_dies_with_the_app(&browser, &server).await;
        },
    )
    .await;
}

/// `unloadWorkbench()` before the core is ready means it is never made: no `onInit`, no panel, no sign-in
/// that would take the agent's device from the panel mounted after it (a 7001).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sdk_unloaded_before_it_was_ready_never_starts() {
    run(
        EmulatorConfig::default(),
        |Session { browser, server }| async move {
            let extra = r#"
          var early = new WorkbenchSdk(Object.assign({}, config, {
            onInit: function () { log('earlyInit'); early.register(); },
            onErrorNotify: function (e) { log('earlyError', e); }
          }));
          early.unloadWorkbench();
        "#;
            let _crm = crm_signed_in(&browser, &server, "agent1@ccc-demo", extra).await;
            // The live SDK is ready; a call reaches it, so everything the early one would have done is past.
            let job = server.ring("13800000001").await;
            wait_status(&browser, 6).await;
            server.customer_hangs_up(&job).await;
            wait_status(&browser, 3).await;
            let log = hook_log(&browser).await;
            let names: Vec<&str> = log.iter().map(|(name, _)| name.as_str()).collect();
            assert!(
                !names
                    .iter()
                    .any(|n| n.starts_with("early") || *n == "onErrorNotify"),
                "{log:?}"
            );
            assert_eq!(
                names.iter().filter(|n| **n == "onInit").count(),
                1,
                "{log:?}"
            );
            assert_eq!(panels(&browser).await, 1);
        },
    )
    .await;
}

/// The npm package's ES module (`package/index.mjs`, what a bundler imports): `loadWorkbenchSdk(base)` adds
/// the loader from `base` once and resolves with the constructor, which signs the agent in; a base where no
/// SDK is served rejects, saying which URL failed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_packages_es_module_loads_the_sdk_for_a_bundled_app() {
    run(EmulatorConfig::default(), |Session { browser, server }| async move {
        let module = std::fs::read_to_string(workspace_root().join("package/index.mjs")).unwrap();
        let app = format!(
            r#"import {{ loadWorkbenchSdk }} from '/vendor/ccc-workbench-sdk/index.mjs';
window.missing = loadWorkbenchSdk('{wb}/nothing-here/').then(() => 'resolved', (e) => e.message);
window.missing.then(async () => {{
  const Sdk = await loadWorkbenchSdk('{wb}/sdk');
  window.same = (await loadWorkbenchSdk('{wb}/sdk/')) === Sdk && Sdk === window.WorkbenchSdk;
  window.scripts = document.querySelectorAll('script[src$="workbenchSdk.min.js"]').length;
  window.workbench = new Sdk({{ dom: 'root', instanceId: 'ccc-demo', regionId: 'cn-shanghai',
    ajaxPath: '/aliyun/ccc/api', onInit: () => window.workbench.register() }});
}});
"#,
            wb = server.base
        );
        let page = "<!doctype html><html><head><meta charset=\"utf-8\"></head><body><div id=\"root\"></div>\
                    <script type=\"module\" src=\"/app/App.js\"></script></body></html>";
        let files = vec![
            file("/app.html", "text/html; charset=utf-8", page),
            js_file("/vendor/ccc-workbench-sdk/index.mjs", module),
            js_file("/app/App.js", app),
        ];
        let crm = HostSite::start_serving(&server.base, "agent1@ccc-demo", files).await;
        open(&browser, &crm, "/app.html").await;
        wait_status(&browser, 3).await;
        let seen = js(
            &browser,
            "return window.missing.then((m) => [m, window.same, window.scripts])",
        )
        .await;
        assert_eq!(
            seen,
            json!([
                format!("WorkbenchSdk: cannot load {}/nothing-here/workbenchSdk.min.js", server.base),
                true,
                1
            ])
        );
    })
    .await;
}
