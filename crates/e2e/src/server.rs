//! The server under test, in-process on an ephemeral loopback port, and the client of its control API
//! (`/emulator/v1/…`) the tests drive calls with.

use crate::{dist, eventually, DEADLINE};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use workbench_server::{Bound, EmulatorConfig, ServerOptions, TlsConfig};

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
    /// `--host-resolver-rules` for it, see [`https_args`](crate::https_args)).
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
