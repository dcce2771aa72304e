//! Headless Chromium through ChromeDriver: the harness's browser flags, one fresh profile per browser, and the
//! `run*` entry points that always close every browser and stop ChromeDriver, also when the body panics.

use std::path::PathBuf;
use std::process::Stdio;

use fantoccini::{Client, ClientBuilder};
use futures_util::FutureExt;
use serde_json::{json, Value};
use tokio::process::{Child, Command};
use workbench_server::EmulatorConfig;

use crate::temp_dir::TempDir;
use crate::{eventually, fake_media, Server};

/// A running ChromeDriver.
struct Driver {
    child: Child,
    url: String,
    /// Its TMPDIR, removed with it: what ChromeDriver and Chromium put in the temp dir besides the profile.
    _tmp: TempDir,
}

impl Driver {
    async fn start() -> Driver {
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
            probe.local_addr().unwrap().port()
        };
        let binary =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let tmp = TempDir::new("ccc-chromedriver");
        let child = Command::new(&binary)
            .env("TMPDIR", &tmp.0)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {binary} ({e}); `make test` installs chromium-driver")
            });
        let url = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        eventually("chromedriver to be ready", || async {
            let res = http.get(format!("{url}/status")).send().await.ok()?;
            let status = res.json::<Value>().await.ok()?;
            (status["value"]["ready"] == true).then_some(())
        })
        .await;
        Driver {
            child,
            url,
            _tmp: tmp,
        }
    }
}

/// Chromium flags for a page served over HTTPS as `name` (a LAN-looking host, not localhost): `name`
/// resolves to the loopback address, and the certificate whose public key hashes to `spki_sha256` (base64
/// SHA-256, [`TlsConfig::spki_sha256`](workbench_server::TlsConfig::spki_sha256)) is trusted — only that
/// one, as an agent who checked the printed fingerprint would.
pub fn https_args(name: &str, spki_sha256: &str) -> Vec<String> {
    vec![
        format!("--host-resolver-rules=MAP {name} 127.0.0.1"),
        format!("--ignore-certificate-errors-spki-list={spki_sha256}"),
    ]
}

/// What a test body works with.
pub struct Session {
    /// The browser.
    pub browser: Client,
    /// The server under test.
    pub server: Server,
}

/// Starts the server and a browser, runs `body`, then always closes the browser and stops both.
pub async fn run<F, Fut>(emulator: EmulatorConfig, body: F)
where
    F: FnOnce(Session) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    run_with(emulator, fake_media::fake_media_args(), body).await
}

/// [`run`] with more Chromium flags, e.g. [`fake_media::media_args`] for a browser whose microphone plays a
/// known tone.
pub async fn run_with<F, Fut>(emulator: EmulatorConfig, extra_args: Vec<String>, body: F)
where
    F: FnOnce(Session) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let server = Server::start(emulator).await;
    let mut driver = Driver::start().await;
    let (browser, profile) = connect_with(&driver.url, &extra_args).await;
    let outcome = std::panic::AssertUnwindSafe(body(Session {
        browser: browser.clone(),
        server,
    }))
    .catch_unwind()
    .await;
    let _ = browser.close().await;
    let _ = driver.child.kill().await;
    let _ = std::fs::remove_dir_all(profile);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Starts the server and one browser per entry of `extra_args` (several agents at once, each with its own
/// microphone), runs `body`, then always closes the browsers and stops everything.
pub async fn run_agents<F, Fut>(emulator: EmulatorConfig, extra_args: Vec<Vec<String>>, body: F)
where
    F: FnOnce(Server, Vec<Client>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let server = Server::start(emulator).await;
    run_browsers(extra_args, |browsers| body(server, browsers)).await
}

/// Starts one ChromeDriver with one browser per entry of `extra_args` (each a fresh profile with the
/// harness's flags plus its own, e.g. [`fake_media::media_args`]), runs `body` with them in that order, then
/// always closes every browser and stops ChromeDriver, also when `body` panics. For tests that need no
/// workbench server (the interop tests).
pub async fn run_browsers<F, Fut>(extra_args: Vec<Vec<String>>, body: F)
where
    F: FnOnce(Vec<Client>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut driver = Driver::start().await;
    let (mut browsers, mut profiles) = (Vec::new(), Vec::new());
    for extra in &extra_args {
        let (browser, profile) = connect_with(&driver.url, extra).await;
        browsers.push(browser);
        profiles.push(profile);
    }
    let outcome = std::panic::AssertUnwindSafe(body(browsers.clone()))
        .catch_unwind()
        .await;
    for browser in browsers {
        let _ = browser.close().await;
    }
    let _ = driver.child.kill().await;
    for profile in profiles {
        let _ = std::fs::remove_dir_all(profile);
    }
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// A WebDriver session on a fresh profile with the harness's Chromium flags followed by `extra`, and the
/// profile's directory (remove it once the browser is closed).
async fn connect_with(driver: &str, extra: &[String]) -> (Client, PathBuf) {
    let profile = crate::temp_dir::fresh("ccc-e2e-profile");
    let args = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1100,900",
        "--lang=zh-CN",
    ];
    let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    args.extend(extra.iter().cloned());
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({ "binary": "/usr/bin/chromium", "args": args }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(driver)
        .await
        .expect("WebDriver session");
    (client, profile)
}
