//! Test harness: the server in-process on 127.0.0.1:0, an HTTP client, and condition waits (no fixed sleeps).
#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::oneshot;
use workbench_server::{EmulatorConfig, ServerOptions};

pub const A1: &str = "agent1@ccc-demo";
pub const A2: &str = "agent2@ccc-demo";
pub const A3: &str = "agent3@ccc-demo";

pub struct Server {
    pub addr: SocketAddr,
    pub base: String,
    pub http: reqwest::Client,
    _stop: oneshot::Sender<()>,
}

/// Starts a server with the default demo data and fast timers.
pub async fn start() -> Server {
    start_with(fast_config(), PathBuf::from("/nonexistent/dist")).await
}

/// Default data with timers short enough for tests.
pub fn fast_config() -> EmulatorConfig {
    let mut c = EmulatorConfig::default();
    c.timers.outbound_answer_delay_ms = 20;
    c.timers.no_answer_timeout_ms = 100;
    c.timers.ringing_timeout_ms = 60_000;
    c
}

pub async fn start_with(emulator: EmulatorConfig, dist: PathBuf) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let options = ServerOptions { dist, emulator };
    tokio::spawn(async move {
        workbench_server::serve_until(listener, options, async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    });
    Server {
        addr,
        base: format!("http://{addr}"),
        http: reqwest::Client::new(),
        _stop: stop,
    }
}

pub fn api_url(base: &str, action: &str) -> String {
    format!("{base}/data/api.json?action={action}&product=CloudCallCenter&version=2020-07-01&region=cn-shanghai")
}

impl Server {
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
        state["agents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["userId"] == user)
            .cloned()
            .unwrap()
    }

    /// Waits (up to 5 s) until agent `user` is in `state`; returns its view.
    pub async fn wait_state(&self, user: &str, state: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let a = self.agent(user).await;
            if a["state"] == state {
                return a;
            }
            assert!(
                Instant::now() < deadline,
                "{user} never became {state}: {a}"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Places an inbound call through the control API.
    pub async fn inbound(&self, body: Value) -> (u16, Value) {
        self.send_json(reqwest::Method::POST, "/emulator/v1/inbound-calls", body)
            .await
    }
}

/// A fresh empty temporary directory.
pub fn temp_dir(tag: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("wbs-{tag}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
