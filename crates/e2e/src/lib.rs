//! Harness of the end-to-end tests: the real server in-process on 127.0.0.1, the release build from `dist/`,
//! and headless Chromium driven through ChromeDriver (WebDriver).
//!
//! A test calls [`run`] with the emulator settings it wants and a body that receives a [`Session`]: a
//! browser on a fresh profile plus the server's address and control API. The browser session is closed and
//! ChromeDriver stopped whatever the body does, also when it panics. Every wait is for a condition, with a
//! deadline; nothing sleeps for a fixed time.

pub mod census;
pub mod coturn;
pub mod daemon;
pub mod fake_media;
mod host_site;
pub mod interop;
pub mod kamailio;
pub mod renderer_rss;
pub mod temp_dir;
pub mod voice;

pub use host_site::{HostSite, SiteFile};

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::process::{Child, Command};
use tokio::sync::oneshot;
use workbench_server::{Bound, EmulatorConfig, ServerOptions, TlsConfig};

/// How long any single condition may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// The workspace root (where `dist/` and `test-artifacts/` live).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// Where `scripts/setup.sh test` installs the npm tools the tests run (typescript, axe-core, React, Vue):
/// `$CCC_TOOLS_DIR`, else `~/.cache/ccc-workbench`.
pub fn tools() -> PathBuf {
    std::env::var_os("CCC_TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/ccc-workbench")
        })
}

/// A file under [`tools`], or a failure that says how to get it.
pub fn tool_file(relative: &str) -> PathBuf {
    let path = tools().join(relative);
    assert!(
        path.is_file(),
        "{} is missing: run scripts/setup.sh test (installs the npm tools)",
        path.display()
    );
    path
}

/// The release build the tests load. Built by `make test` (`trunk build --release`).
pub fn dist() -> PathBuf {
    let dist = workspace_root().join("dist");
    assert!(
        dist.join("sdk/workbench_bg.wasm").is_file()
            && dist.join("sdk/workbenchSdk.min.js").is_file(),
        "{} has no SDK build; run `make test` (or `trunk build --release`) first",
        dist.display()
    );
    dist
}

/// The server under test, serving on an ephemeral loopback port.
pub struct Server {
    /// `http://127.0.0.1:<port>` (or `https://<name>:<port>` for [`Server::start_tls`]).
    pub base: String,
    /// The loopback address it listens on.
    pub addr: std::net::SocketAddr,
    http: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    emulator: EmulatorConfig,
    tls: Option<TlsConfig>,
}

impl Server {
    /// Starts the server with `emulator` settings and the `dist/` build.
    pub async fn start(emulator: EmulatorConfig) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        let mut server = Server {
            base: format!("http://{addr}"),
            addr,
            http: reqwest::Client::new(),
            shutdown: None,
            task: None,
            emulator,
            tls: None,
        };
        server.serve(listener);
        server
    }

    /// The same over HTTPS with `tls` (a certificate for `name`), addressed as `https://<name>:<port>`: the
    /// harness's own client trusts `cert_pem` and resolves `name` to the loopback address (give the browser
    /// `--host-resolver-rules` for it, see [`https_args`]).
    pub async fn start_tls(
        emulator: EmulatorConfig,
        tls: TlsConfig,
        name: &str,
        cert_pem: &str,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        let http = reqwest::Client::builder()
            .add_root_certificate(
                reqwest::Certificate::from_pem(cert_pem.as_bytes()).expect("a PEM certificate"),
            )
            .resolve(name, addr)
            .build()
            .expect("an HTTPS client");
        let mut server = Server {
            base: format!("https://{name}:{}", addr.port()),
            addr,
            http,
            shutdown: None,
            task: None,
            emulator,
            tls: Some(tls),
        };
        server.serve(listener);
        server
    }

    fn serve(&mut self, listener: TcpListener) {
        let (tx, rx) = oneshot::channel::<()>();
        let options = ServerOptions {
            dist: dist(),
            emulator: self.emulator.clone(),
        };
        let bound = match &self.tls {
            Some(tls) => Bound::tls(listener, tls.clone()),
            None => listener.into(),
        };
        self.shutdown = Some(tx);
        self.task = Some(tokio::spawn(async move {
            let stop = async {
                let _ = rx.await;
            };
            if let Err(e) = workbench_server::serve_until(bound, options, stop).await {
                panic!("server failed: {e}");
            }
        }));
    }

    /// Restarts the server as an operator would: shuts it down (its WebSockets close as in a restart),
    /// waits until it has stopped, and serves again on the same port with a fresh emulator (every agent
    /// offline, new push tokens and SIP passwords).
    pub async fn restart(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            tokio::time::timeout(DEADLINE, task)
                .await
                .expect("the server to stop")
                .expect("the server task");
        }
        let addr = self.addr;
        let listener = eventually("the port to be free again", || async move {
            TcpListener::bind(addr).await.ok()
        })
        .await;
        self.serve(listener);
    }

    /// `POST /emulator/v1/agents/{user}/drop`: the network drops the agent's push and/or SIP sockets.
    pub async fn drop_sockets(&self, user: &str, push: bool, sip: bool) -> Value {
        let (status, body) = self
            .post(
                &format!("/emulator/v1/agents/{user}/drop"),
                json!({"push": push, "sip": sip}),
            )
            .await;
        assert_eq!(status, 200, "drop refused: {body}");
        body
    }

    /// `POST` a JSON body to a control URL; returns the status and the JSON answer.
    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .expect("POST");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// `PUT` a JSON body to a control URL.
    pub async fn put(&self, path: &str, body: Value) -> u16 {
        let res = self
            .http
            .put(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .expect("PUT");
        res.status().as_u16()
    }

    /// `GET /emulator/v1/state`.
    pub async fn state(&self) -> Value {
        let res = self
            .http
            .get(format!("{}/emulator/v1/state", self.base))
            .send()
            .await
            .expect("GET state");
        res.json().await.expect("state JSON")
    }

    /// `GET /emulator/v1/calls/{job}`: the call's state and what each leg's media received (`Null` when
    /// the job is not live).
    pub async fn call_media(&self, job: &str) -> Value {
        let res = self
            .http
            .get(format!("{}/emulator/v1/calls/{job}", self.base))
            .send()
            .await
            .expect("GET call");
        if !res.status().is_success() {
            return Value::Null;
        }
        res.json().await.expect("call JSON")
    }

    /// The emulator's view of one agent.
    pub async fn agent(&self, user_id: &str) -> Value {
        let state = self.state().await;
        state["agents"]
            .as_array()
            .and_then(|a| a.iter().find(|a| a["userId"] == user_id).cloned())
            .unwrap_or_else(|| panic!("no agent {user_id} in {state}"))
    }

    /// Calls an OpenAPI action as `user`, the way another agent's workbench would; returns `Data`.
    pub async fn api(&self, user: &str, action: &str, mut params: Value) -> Value {
        params["InstanceId"] = json!("ccc-demo");
        let url = format!(
            "{}/data/api.json?action={action}&product=CloudCallCenter&version=2020-07-01&region=cn-shanghai",
            self.base
        );
        let res = self
            .http
            .post(url)
            .header("X-CCC-User", user)
            .form(&[("request", params.to_string())])
            .send()
            .await
            .expect("API request");
        let envelope: Value = res.json().await.expect("CCC envelope");
        assert_eq!(envelope["Code"], "OK", "{action} as {user}: {envelope}");
        envelope["Data"].clone()
    }

    /// Signs `user` in to all its skill groups and makes it ready, without a browser.
    pub async fn sign_in(&self, user: &str) {
        self.api(user, "GetLoginDetails", json!({})).await;
        let groups = self
            .api(
                user,
                "ListSkillLevelsOfUser",
                json!({"PageNumber": 1, "PageSize": 100}),
            )
            .await;
        let ids: Vec<Value> = groups["List"]
            .as_array()
            .map(|l| l.iter().map(|g| g["SkillGroupId"].clone()).collect())
            .unwrap_or_default();
        let list = serde_json::to_string(&ids).unwrap();
        self.api(
            user,
            "SignInGroup",
            json!({"DeviceId": format!("e2e-{user}"), "SignedSkillGroupIdList": list}),
        )
        .await;
        self.api(user, "ReadyForService", json!({})).await;
    }

    /// The emulator's view of the agent's leg of its current call.
    pub async fn leg_of(&self, user_id: &str) -> Value {
        let state = self.state().await;
        state["calls"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|c| c["channels"].as_array().cloned().unwrap_or_default())
            .find(|ch| ch["userId"] == user_id)
            .unwrap_or(Value::Null)
    }

    /// A customer dials the hotline; returns the job id.
    pub async fn ring(&self, caller: &str) -> String {
        let (status, body) = self
            .post("/emulator/v1/inbound-calls", json!({ "caller": caller }))
            .await;
        assert_eq!(status, 200, "inbound call refused: {body}");
        body["jobId"].as_str().expect("jobId").to_string()
    }

    /// `POST /emulator/v1/calls/{job}/hangup`: the customer of call `job` hangs up (asserted accepted).
    pub async fn customer_hangs_up(&self, job: &str) {
        let (status, body) = self
            .post(&format!("/emulator/v1/calls/{job}/hangup"), json!({}))
            .await;
        assert_eq!(status, 200, "hang up {job}: {body}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A running ChromeDriver.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    async fn start() -> Driver {
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
            probe.local_addr().unwrap().port()
        };
        let binary =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let child = Command::new(&binary)
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
        Driver { child, url }
    }
}

/// Chromium flags for a page served over HTTPS as `name` (a LAN-looking host, not localhost): `name`
/// resolves to the loopback address, and the certificate whose public key hashes to `spki_sha256`
/// (base64 SHA-256, [`TlsConfig::spki_sha256`]) is trusted — only that one, as an agent who checked the
/// printed fingerprint would.
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
    let profile = std::env::temp_dir().join(format!(
        "ccc-e2e-profile-{}-{}",
        std::process::id(),
        unique()
    ));
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

fn unique() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

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

/// Waits until `check` returns `Some`, polling every 50 ms up to [`DEADLINE`].
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(started.elapsed() < DEADLINE, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
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

/// A WebDriver command the client has no method for: `POST /session/{id}/<path>` with a JSON body (e.g.
/// `cookie`, or ChromeDriver's `goog/cdp/execute` for Chrome DevTools).
#[derive(Debug)]
pub struct SessionPost {
    /// The path below the session.
    pub path: &'static str,
    /// The JSON body.
    pub body: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for SessionPost {
    fn endpoint(
        &self,
        base_url: &reqwest::Url,
        session_id: Option<&str>,
    ) -> Result<reqwest::Url, <reqwest::Url as std::str::FromStr>::Err> {
        base_url.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _: &reqwest::Url) -> (axum::http::Method, Option<String>) {
        (axum::http::Method::POST, Some(self.body.to_string()))
    }
}

/// A Chrome DevTools command through ChromeDriver.
pub fn cdp(cmd: &str, params: Value) -> SessionPost {
    SessionPost {
        path: "goog/cdp/execute",
        body: json!({ "cmd": cmd, "params": params }),
    }
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
