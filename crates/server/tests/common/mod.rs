//! Test harness: the server in-process on 127.0.0.1:0, an HTTP client, and condition waits (no fixed sleeps).
#![allow(dead_code, unreachable_pub)]

pub mod phone;
pub mod virtual_time;
pub mod voice;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::oneshot;
use workbench_server::upstream::Clock;
use workbench_server::{EmulatorConfig, ServerOptions, UpstreamConfig};

pub const A1: &str = "agent1@ccc-demo";
pub const A2: &str = "agent2@ccc-demo";
pub const A3: &str = "agent3@ccc-demo";
pub const SUP: &str = "supervisor@ccc-demo";

pub struct Server {
    pub addr: SocketAddr,
    pub base: String,
    pub http: reqwest::Client,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

/// Starts a server with the default demo data and fast timers.
pub async fn start() -> Server {
    start_with(fast_config(), PathBuf::from("/nonexistent/dist")).await
}

/// [`fast_config`]'s delay before a dialled number (or a supervisor's leg) answers.
pub const OUTBOUND_ANSWER_DELAY_MS: u64 = 20;
/// [`fast_config`]'s time after which a dialled number that does not answer fails.
pub const NO_ANSWER_TIMEOUT_MS: u64 = 100;
/// [`fast_config`]'s time an agent's phone rings before the agent goes to BREAK `RingingTimeout`.
pub const RINGING_TIMEOUT_MS: u64 = 60_000;

/// Default data with timers short enough for tests, its records kept in a fresh temporary directory (never
/// the user's data directory).
pub fn fast_config() -> EmulatorConfig {
    let mut c = EmulatorConfig {
        data_dir: Some(temp_dir("records")),
        ..EmulatorConfig::default()
    };
    c.timers.outbound_answer_delay_ms = OUTBOUND_ANSWER_DELAY_MS;
    c.timers.no_answer_timeout_ms = NO_ANSWER_TIMEOUT_MS;
    c.timers.ringing_timeout_ms = RINGING_TIMEOUT_MS;
    c
}

pub async fn start_with(emulator: EmulatorConfig, dist: PathBuf) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    start_on(listener, emulator, dist)
}

/// Serves on `listener` (e.g. a port a stopped server used: a restart).
pub fn start_on(
    listener: tokio::net::TcpListener,
    emulator: EmulatorConfig,
    dist: PathBuf,
) -> Server {
    let addr = listener.local_addr().unwrap();
    start_bound(
        listener.into(),
        format!("http://{addr}"),
        reqwest::Client::new(),
        emulator,
        dist,
    )
}

/// Serves on `bound` (plain or HTTPS), addressed as `base` by `http`.
pub fn start_bound(
    bound: workbench_server::Bound,
    base: String,
    http: reqwest::Client,
    emulator: EmulatorConfig,
    dist: PathBuf,
) -> Server {
    let addr = bound.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let options = ServerOptions { dist, emulator };
    let task = tokio::spawn(async move {
        workbench_server::serve_until(bound, options, async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    });
    Server {
        addr,
        base,
        http,
        stop,
        task,
    }
}

/// Starts a server in upstream mode, forwarding to `upstream`.
pub async fn start_proxy(upstream: UpstreamConfig) -> Server {
    start_proxy_on(upstream, Clock::system()).await
}

/// The same, its rate limiter running on `clock`.
pub async fn start_proxy_on(upstream: UpstreamConfig, clock: Clock) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let options = ServerOptions {
        dist: PathBuf::from("/nonexistent/dist"),
        emulator: EmulatorConfig::default(),
    };
    let task = tokio::spawn(async move {
        let state = workbench_server::AppState::with_upstream(options, upstream, clock).unwrap();
        workbench_server::serve_state(listener, state, async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    });
    Server {
        addr,
        base: format!("http://{addr}"),
        http: reqwest::Client::new(),
        stop,
        task,
    }
}

/// Agent `user` in a `GET /emulator/v1/state` answer (`Value::Null` when absent).
pub fn agent_in(state: &Value, user: &str) -> Value {
    state["agents"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["userId"] == user).cloned())
        .unwrap_or(Value::Null)
}

pub fn api_url(base: &str, action: &str) -> String {
    format!("{base}/data/api.json?action={action}&product=CloudCallCenter&version=2020-07-01&region=cn-shanghai")
}

impl Server {
    /// On the held virtual clock: `user` dials `callee` (a number answering after the default
    /// [`OUTBOUND_ANSWER_DELAY_MS`]), checked to answer exactly then; returns the call's JobId.
    pub async fn dial_answered(
        &self,
        clock: &virtual_time::HeldClock,
        user: &str,
        callee: &str,
    ) -> String {
        let armed = clock.now();
        self.ok(user, "MakeCall", json!({"Callee": callee})).await;
        clock
            .assert_fires_at(
                "the callee answered (TALKING)",
                armed,
                Duration::from_millis(OUTBOUND_ANSWER_DELAY_MS),
                async || self.agent(user).await["state"] == "TALKING",
            )
            .await;
        self.agent(user).await["jobId"]
            .as_str()
            .expect("the talking agent's call")
            .to_owned()
    }

    /// Shuts the server down and waits (up to 10 s) until it stopped serving (its port is free again).
    pub async fn stop(self) {
        let Server { stop, task, .. } = self;
        let _ = stop.send(());
        tokio::time::timeout(Duration::from_secs(10), task)
            .await
            .expect("the server to stop within 10 s")
            .expect("the server task to end cleanly");
    }

    /// POSTs `request=<params>` as the SDK does; returns (HTTP status, envelope).
    pub async fn api(&self, action: &str, params: Value) -> (u16, Value) {
        self.api_with(action, params, None).await
    }

    /// Same, as agent `user` (X-CCC-User header).
    pub async fn api_as(&self, user: &str, action: &str, params: Value) -> (u16, Value) {
        self.api_with(action, params, Some(user)).await
    }

    async fn api_with(&self, action: &str, params: Value, user: Option<&str>) -> (u16, Value) {
        let body = serde_urlencoded::to_string([("request", params.to_string())]).unwrap();
        let mut req = self
            .http
            .post(api_url(&self.base, action))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(u) = user {
            req = req.header("X-CCC-User", u);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap())
    }

    /// Calls `action` for `user` (UserId in the request) and asserts success; returns `Data`.
    pub async fn ok(&self, user: &str, action: &str, mut params: Value) -> Value {
        params["InstanceId"] = json!("ccc-demo");
        params["UserId"] = json!(user);
        let (status, env) = self.api(action, params).await;
        assert_eq!(
            (status, env["Code"].as_str()),
            (200, Some("OK")),
            "{action}: {env}"
        );
        env["Data"].clone()
    }

    /// Calls `action` for `user` expecting an error; returns (HTTP status, envelope).
    pub async fn err(&self, user: &str, action: &str, mut params: Value) -> (u16, Value) {
        params["InstanceId"] = json!("ccc-demo");
        params["UserId"] = json!(user);
        let (status, env) = self.api(action, params).await;
        assert_ne!(status, 200, "{action} should fail: {env}");
        (status, env)
    }

    /// Asserts that `action` fails for `user` with `status`, `code` and `params`; returns the envelope.
    pub async fn expect_err(
        &self,
        user: &str,
        action: &str,
        params: Value,
        (status, code, expected): (u16, &str, &[&str]),
    ) -> Value {
        let (st, env) = self.err(user, action, params).await;
        assert_eq!(
            (st, env["Code"].as_str(), env["HttpStatusCode"].as_u64()),
            (status, Some(code), Some(u64::from(status))),
            "{action}: {env}"
        );
        assert_eq!(env["Params"], json!(expected), "{action}: {env}");
        env
    }

    /// The panel status code (`contract.json` `statuses`) the browser's reducer derives from `user`'s poll.
    pub async fn status_code(&self, user: &str) -> i32 {
        let data = self.ok(user, "PollUserStatus", json!({})).await;
        status_of(user, &data)
    }

    /// An inbound call from `caller` routed to (and answered by) `user`, the only READY agent; returns the job.
    pub async fn talking_inbound(&self, user: &str, caller: &str) -> String {
        let (st, body) = self.inbound(json!({"caller": caller})).await;
        assert_eq!((st, body["userId"].as_str()), (200, Some(user)), "{body}");
        let job = body["jobId"].as_str().unwrap().to_owned();
        self.ok(user, "AnswerCall", json!({"JobId": job})).await;
        job
    }

    /// GetLoginDetails → SignInGroup (all groups) → ReadyForService.
    pub async fn register(&self, user: &str) -> Value {
        self.ok(user, "GetLoginDetails", json!({})).await;
        let skills = self
            .ok(
                user,
                "ListSkillLevelsOfUser",
                json!({"PageNumber": 1, "PageSize": 100}),
            )
            .await;
        let ids: Vec<Value> = skills["List"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["SkillGroupId"].clone())
            .collect();
        let list = serde_json::to_string(&ids).unwrap();
        self.ok(
            user,
            "SignInGroup",
            json!({"DeviceId": "test-device", "SignedSkillGroupIdList": list}),
        )
        .await;
        self.ok(user, "ReadyForService", json!({})).await
    }

    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let resp = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    pub async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Value,
    ) -> (u16, Value) {
        let resp = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    pub async fn state(&self) -> Value {
        self.get_json("/emulator/v1/state").await.1
    }

    /// The control-API view of agent `user`.
    pub async fn agent(&self, user: &str) -> Value {
        let state = self.state().await;
        let agent = agent_in(&state, user);
        assert!(!agent.is_null(), "no agent {user} in {state}");
        agent
    }

    /// Waits (up to 5 s) until agent `user` is in `state`; returns its view.
    pub async fn wait_state(&self, user: &str, state: &str) -> Value {
        let agent_in = |s: &Value| {
            s["agents"]
                .as_array()
                .and_then(|a| a.iter().find(|a| a["userId"] == user).cloned())
                .unwrap_or(Value::Null)
        };
        let all = self
            .wait_until(&format!("{user} in {state}"), |s| {
                agent_in(s)["state"] == state
            })
            .await;
        agent_in(&all)
    }

    /// Sets how dialled number `number` behaves (`PUT /emulator/v1/numbers/{number}`).
    pub async fn put_number(&self, number: &str, behaviour: Value) {
        let (st, body) = self
            .send_json(
                reqwest::Method::PUT,
                &format!("/emulator/v1/numbers/{number}"),
                behaviour,
            )
            .await;
        assert_eq!(st, 200, "{body}");
    }

    /// Waits (up to 5 s) until `pred` holds for `GET /emulator/v1/state`; returns that state.
    pub async fn wait_until(&self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let state = self.state().await;
            if pred(&state) {
                return state;
            }
            assert!(Instant::now() < deadline, "never {what}: {state}");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// The control-API view of live call `job` (`Value::Null` once it ended).
    pub async fn call_view(&self, job: &str) -> Value {
        let state = self.state().await;
        call_in(&state, job)
    }

    /// `POST {path}` with a JSON body; returns (HTTP status, body).
    pub async fn post_json(&self, path: &str, body: Value) -> (u16, Value) {
        self.send_json(reqwest::Method::POST, path, body).await
    }

    /// Opens agent `user`'s push WebSocket (the `AgentServerUrl` of GetLoginDetails) and reads its first
    /// snapshot.
    pub async fn push_socket(&self, user: &str) -> (Ws, Value) {
        let login = self.ok(user, "GetLoginDetails", json!({})).await;
        let url = login["AgentServerUrl"].as_str().unwrap().to_owned();
        let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        let first = next_push(&mut ws).await;
        (ws, first)
    }

    /// Places an inbound call through the control API.
    pub async fn inbound(&self, body: Value) -> (u16, Value) {
        self.send_json(reqwest::Method::POST, "/emulator/v1/inbound-calls", body)
            .await
    }
}

/// An agent-state push socket.
pub type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The next JSON message on `ws` (fails after 5 s) — a push socket over plain TCP ([`Ws`]) or TLS.
pub async fn next_push<S>(ws: &mut S) -> Value
where
    S: futures_util::Stream<
            Item = Result<
                tokio_tungstenite::tungstenite::Message,
                tokio_tungstenite::tungstenite::Error,
            >,
        > + Unpin,
{
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("a push within 5 s");
        match msg.expect("socket open").expect("no error") {
            Message::Text(t) => return serde_json::from_str(t.as_str()).unwrap(),
            Message::Close(f) => panic!("closed: {f:?}"),
            _ => continue,
        }
    }
}

/// The view of live call `job` in a `GET /emulator/v1/state` answer (`Value::Null` when absent).
pub fn call_in(state: &Value, job: &str) -> Value {
    state["calls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["jobId"] == job)
        .cloned()
        .unwrap_or(Value::Null)
}

/// The status code the browser's reducer derives for `user` from a `{UserContext, CallContext, ContextId}` answer.
pub fn status_of(user: &str, data: &Value) -> i32 {
    let data: ccc_wire::action::StatusData = serde_json::from_value(data.clone()).unwrap();
    agent_state::derive::status_of(user, &data)
        .expect("a known UserState")
        .code()
}

/// The leg of agent `user` in a call-control answer.
pub fn leg_of<'a>(data: &'a Value, user: &str) -> &'a Value {
    data["CallContext"]["ChannelContexts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["UserId"] == user)
        .unwrap_or_else(|| panic!("no leg of {user}: {data}"))
}

/// The legs without an agent (customer, external numbers) in a call-control answer.
pub fn customer_legs(data: &Value) -> Vec<&Value> {
    data["CallContext"]["ChannelContexts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["UserId"] == "")
        .collect()
}

/// The sorted keys of a JSON object.
pub fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .cloned()
        .collect();
    k.sort();
    k
}

/// A fresh empty temporary directory (`wbs-<tag>-<pid>-<n>`). The first call of a test process removes
/// the ones earlier test processes left (their pid no longer runs), so runs do not pile databases up.
pub fn temp_dir(tag: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    static SWEEP: std::sync::Once = std::sync::Once::new();
    SWEEP.call_once(remove_dead_processes_temp_dirs);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("wbs-{tag}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Removes `wbs-*-<pid>-<n>` directories in the temp dir whose process has ended.
fn remove_dead_processes_temp_dirs() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix("wbs-") else {
            continue;
        };
        // `<tag>-<pid>-<n>`: the pid is the second field from the end.
        let pid = rest.rsplit('-').nth(1).and_then(|p| p.parse::<u32>().ok());
        if let Some(pid) = pid {
            if pid != std::process::id() && !PathBuf::from(format!("/proc/{pid}")).exists() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}
