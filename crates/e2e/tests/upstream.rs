//! Upstream mode end to end in a real browser: a CRM on its own origin loads the SDK from a second
//! `workbench-server` running as the signing proxy (`ajaxOrigin` + `withCredentials`, the agent's HS256 JWT in
//! a cookie), which forwards every request signed (V3) to the emulator's verifying `/openapi/` face. The panel
//! registers, a customer call rings it, it is answered and hung up — browser → proxy (authenticates, binds,
//! signs) → emulator (verifies) and back. Then a page of an origin the proxy does not know tries the same
//! request with the same cookie (cross-site request forgery): refused, nothing changes, CORS shows nothing.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::response::Html;
use fantoccini::Client;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use workbench_e2e::{click, dist, run, wait_status, HostSite, Session};
use workbench_server::upstream::identity::sign_hs256;
use workbench_server::{
    EmulatorConfig, ServerOptions, UpstreamConfig, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET,
};

const AGENT: &str = "agent2@ccc-demo";
const JWT_KEY: &str = "e2e-upstream-jwt-key-0123456789abcdef";

/// Something served on its own loopback port until dropped.
struct Running {
    base: String,
    _stop: oneshot::Sender<()>,
}

/// The proxy: `workbench-server` in upstream mode on `listener`, serving the same `dist/`.
fn start_proxy(listener: TcpListener, config: UpstreamConfig) -> Running {
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = oneshot::channel::<()>();
    let options = ServerOptions {
        dist: dist(),
        emulator: EmulatorConfig::default(),
    };
    tokio::spawn(async move {
        let until = async {
            let _ = stopped.await;
        };
        if let Err(e) = workbench_server::serve_with(listener, options, Some(config), until).await {
            panic!("proxy failed: {e}");
        }
    });
    Running { base, _stop: stop }
}

/// A page of an origin nobody configured.
async fn start_other_site() -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().route(
        "/",
        axum::routing::get(|| async {
            Html("<!doctype html><html><head><meta charset=\"utf-8\"><title>elsewhere</title></head><body>win a prize</body></html>")
        }),
    );
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
    });
    Running { base, _stop: stop }
}

/// WebDriver "Add Cookie" for the current page's host, without a `domain` (a host-only cookie; fantoccini's
/// `add_cookie` sends `domain: null`, which ChromeDriver refuses, and an IP address cannot be a cookie domain).
fn add_host_cookie(name: &str, value: String) -> workbench_e2e::SessionPost {
    workbench_e2e::SessionPost {
        path: "cookie",
        body: json!({"cookie": {"name": name, "value": value, "path": "/"}}),
    }
}

/// Runs `fetch(url, init)` on the current page; `"<status>"`, `"opaque"` or `"error: …"`.
async fn fetch_on_page(browser: &Client, url: &str, init: Value) -> String {
    let script = "const done = arguments[arguments.length - 1];\
        fetch(arguments[0], arguments[1])\
          .then(r => done(r.type === 'opaque' ? 'opaque' : String(r.status)))\
          .catch(e => done('error: ' + e));";
    let out = browser
        .execute_async(script, vec![json!(url), init])
        .await
        .expect("fetch on the page");
    out.as_str().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crm_calls_through_the_signing_proxy_to_the_verifying_emulator() {
    run(
        EmulatorConfig::default(),
        |Session { browser, server }| async move {
            // The proxy's port first: the CRM page needs it, the proxy needs the CRM's origin.
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let proxy_base = format!("http://{}", listener.local_addr().unwrap());
            let crm = HostSite::start_with(
                &proxy_base,
                AGENT,
                &format!(
                    "config.ajaxOrigin = {proxy:?}; config.ajaxPath = '/data/api.json'; \
                     config.withCredentials = true; config.afterCallRule = 'manual';",
                    proxy = proxy_base
                ),
            )
            .await;
            let config = UpstreamConfig::from_toml_str(&format!(
                "access_key_id = \"{DEMO_ACCESS_KEY_ID}\"\naccess_key_secret = \"{DEMO_ACCESS_KEY_SECRET}\"\n\
                 instance_id = \"ccc-demo\"\nendpoint = \"{}/openapi/\"\nsignature = \"v3\"\n\
                 allowed_origins = [\"{}\"]\n\
                 [identity]\nmode = \"jwt\"\njwt_secret = \"{JWT_KEY}\"\njwt_cookie = \"ccc_token\"\n",
                server.base, crm.base
            ))
            .expect("upstream config");
            let proxy = start_proxy(listener, config);
            assert!(
                crm.base != proxy.base && proxy.base != server.base,
                "three origins"
            );

            // The host's backend issued the agent a short-lived token; it lives in a cookie of the proxy's host.
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs();
            let token = sign_hs256(&json!({"sub": AGENT, "exp": now + 600}), JWT_KEY);
            browser
                .goto(&format!("{}/favicon.svg", proxy.base))
                .await
                .unwrap();
            browser
                .issue_cmd(add_host_cookie("ccc_token", token))
                .await
                .expect("add the token cookie");

            browser
                .goto(&format!("{}/crm.html", crm.base))
                .await
                .unwrap();
            wait_status(&browser, 3).await;
            assert_eq!(
                server.agent(AGENT).await["state"],
                "READY",
                "the proxy bound the token's agent; the emulator verified its signature"
            );
            let others: Vec<Value> = server.state().await["agents"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| a["userId"] != AGENT && a["state"] != "OFFLINE")
                .cloned()
                .collect();
            assert!(others.is_empty(), "nobody else signed in: {others:?}");

            server.ring("13800000015").await;
            wait_status(&browser, 6).await;
            click(&browser, r#"button[data-action="answer"]"#).await;
            wait_status(&browser, 9).await;
            assert_eq!(server.agent(AGENT).await["state"], "TALKING");
            click(&browser, r#"button[data-action="hangUp"]"#).await;
            wait_status(&browser, 5).await;
            assert_eq!(server.agent(AGENT).await["state"], "WORKING");

            // A plain form-style request (the kind another site can send) with the cookie: from the CRM's page
            // it is the agent's own and works — the cookie goes along with such requests in this browser…
            let api = |action: &str| {
                format!(
                    "{}/data/api.json?action={action}&product=CloudCallCenter&version=2020-07-01&region=cn-shanghai",
                    proxy.base
                )
            };
            let form_post = |body: &str| {
                json!({
                    "method": "POST",
                    "mode": "no-cors",
                    "credentials": "include",
                    "headers": {"Content-Type": "application/x-www-form-urlencoded"},
                    "body": body
                })
            };
            assert_eq!(
                fetch_on_page(&browser, &api("ReadyForService"), form_post("request=%7B%7D")).await,
                "opaque"
            );
            assert_eq!(server.agent(AGENT).await["state"], "READY");
            wait_status(&browser, 3).await;

            // …but from a site the proxy does not know, the same request is refused and changes nothing.
            let other = start_other_site().await;
            browser.goto(&other.base).await.unwrap();
            let take_break = form_post("request=%7B%22code%22%3A%22Meal%22%7D");
            assert_eq!(
                fetch_on_page(&browser, &api("TakeBreak"), take_break).await,
                "opaque"
            );
            assert_eq!(
                server.agent(AGENT).await["state"],
                "READY",
                "a cross-site request must not change the agent's state"
            );
            // And CORS lets it read nothing: not even a read-only answer.
            let read = format!(
                "{}/data/api.json?action=GetLoginDetails&product=CloudCallCenter&version=2020-07-01&region=cn-shanghai&request=%7B%7D",
                proxy.base
            );
            let seen = fetch_on_page(&browser, &read, json!({"credentials": "include"})).await;
            assert!(seen.starts_with("error: TypeError"), "{seen}");
        },
    )
    .await;
}
