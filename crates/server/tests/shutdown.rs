//! The built `workbench-server` binary stops gracefully on SIGTERM: it stops accepting, closes its push
//! sockets with 1012, closes idle keep-alive connections, lets the request in flight finish, and exits 0.
//!
//! The server runs as a child process (the binary Cargo built for this package); every wait is for a
//! condition (a line on its stdout, a frame, a refused connection), never a fixed sleep.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

/// The server binary as a child, killed if the test fails before it exits.
struct Daemon {
    child: Child,
    base: String,
    addr: std::net::SocketAddr,
    stderr: Arc<Mutex<String>>,
}

impl Daemon {
    /// Starts the binary on a free loopback port with `args` and waits for its "listening" line.
    fn start(args: &[&str]) -> Daemon {
        let mut child = Command::new(env!("CARGO_BIN_EXE_workbench-server"))
            .args([
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--dist",
                "/nonexistent/dist",
            ])
            .args(args)
            .env("RUST_LOG", "workbench_server=info")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("to start workbench-server");
        let stderr = Arc::new(Mutex::new(String::new()));
        let log = stderr.clone();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let mut log = log.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).expect("a line on stdout");
        let base = line
            .trim()
            .strip_prefix("workbench listening on ")
            .unwrap_or_else(|| panic!("not the listening line: {line:?}"))
            .to_owned();
        // Keep draining stdout so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in out.lines().map_while(Result::ok) {});
        let addr = base.trim_start_matches("http://").parse().unwrap();
        Daemon {
            child,
            base,
            addr,
            stderr,
        }
    }

    fn pid(&self) -> String {
        self.child.id().to_string()
    }

    fn log(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Sends SIGTERM to the child (by its pid).
    fn terminate(&self) {
        let st = Command::new("kill")
            .args(["-TERM", &self.pid()])
            .status()
            .expect("to run kill");
        assert!(st.success());
    }

    /// Waits up to `within` for the child to exit.
    async fn exit(&mut self, within: Duration) -> ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                return st;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not exit within {within:?}:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Reads from `conn` until `done` holds for what arrived (or the peer closes); fails after 5 s.
async fn read_until(conn: &mut TcpStream, got: &mut Vec<u8>, done: impl Fn(&[u8]) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut buf = [0u8; 4096];
    while !done(got) {
        let left = deadline.saturating_duration_since(Instant::now());
        let n = tokio::time::timeout(left, conn.read(&mut buf))
            .await
            .unwrap_or_else(|_| panic!("timed out; got {:?}", String::from_utf8_lossy(got)))
            .unwrap_or(0);
        if n == 0 {
            return;
        }
        got.extend_from_slice(&buf[..n]);
    }
}

fn contains(hay: &[u8], needle: &str) -> bool {
    String::from_utf8_lossy(hay).contains(needle)
}

/// Waits until a new connection to `addr` is refused (the listener is closed).
async fn wait_refused(addr: std::net::SocketAddr) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while TcpStream::connect(addr).await.is_ok() {
        assert!(
            Instant::now() < deadline,
            "{addr} still accepts connections"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn sigterm_drains_in_flight_requests_closes_sockets_and_exits_0() {
    let data = temp_dir("sigterm");
    let mut server = Daemon::start(&["--data-dir", data.to_str().unwrap()]);
    let http = reqwest::Client::new();

    // A push socket of agent 1.
    let body = serde_urlencoded::to_string([(
        "request",
        serde_json::json!({"InstanceId": "ccc-demo", "UserId": A1}).to_string(),
    )])
    .unwrap();
    let login: serde_json::Value = http
        .post(api_url(&server.base, "GetLoginDetails"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.clone())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = login["Data"]["AgentServerUrl"].as_str().unwrap().to_owned();
    // Agent 1 signs in: its BREAK is running when the server stops.
    let sign_in = serde_urlencoded::to_string([(
        "request",
        serde_json::json!({"InstanceId": "ccc-demo", "UserId": A1, "DeviceId": "d",
                           "SignedSkillGroupIdList": "[]"})
        .to_string(),
    )])
    .unwrap();
    let signed: serde_json::Value = http
        .post(api_url(&server.base, "SignInGroup"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(sign_in)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(signed["Data"]["UserState"], "BREAK", "{signed}");
    let (mut push, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let first = next_push(&mut push).await;
    assert_eq!(first["Type"], "UserStatus", "{first}");

    // An idle keep-alive connection: one answered request, then nothing.
    let mut idle = TcpStream::connect(server.addr).await.unwrap();
    idle.write_all(b"GET /emulator/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut got = Vec::new();
    read_until(&mut idle, &mut got, |g| contains(g, "{\"ok\":true}")).await;
    assert!(
        contains(&got, "200 OK"),
        "{}",
        String::from_utf8_lossy(&got)
    );

    // A request in flight: its handler is reading the body (the server answered `100 Continue`), and half
    // of the body is still to come.
    let mut flight = TcpStream::connect(server.addr).await.unwrap();
    let head = format!(
        "POST /data/api.json?action=PollUserStatus&product=CloudCallCenter&version=2020-07-01&region=cn-shanghai HTTP/1.1\r\n\
         Host: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
         Expect: 100-continue\r\n\r\n",
        server.addr,
        body.len()
    );
    flight.write_all(head.as_bytes()).await.unwrap();
    flight
        .write_all(&body.as_bytes()[..body.len() / 2])
        .await
        .unwrap();
    let mut answer = Vec::new();
    read_until(&mut flight, &mut answer, |g| {
        contains(g, "100 Continue\r\n\r\n")
    })
    .await;
    answer.clear();

    server.terminate();

    // It stops accepting…
    wait_refused(server.addr).await;
    // …closes the push socket as a restart (1012)…
    let close = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match push.next().await {
                Some(Ok(Message::Close(frame))) => return frame,
                Some(Ok(_)) => continue,
                other => panic!("the push socket ended without a close frame: {other:?}"),
            }
        }
    })
    .await
    .expect("a close frame within 5 s")
    .expect("a close code");
    assert_eq!(u16::from(close.code), 1012, "{close:?}");
    // …and the idle keep-alive connection.
    let mut rest = Vec::new();
    read_until(&mut idle, &mut rest, |_| false).await;
    assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));

    // The request in flight still completes.
    flight
        .write_all(&body.as_bytes()[body.len() / 2..])
        .await
        .unwrap();
    read_until(&mut flight, &mut answer, |g| contains(g, "\"Code\":\"OK\"")).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 200 OK"), "{text}");
    assert!(text.contains("\"UserContext\""), "{text}");

    let status = server.exit(Duration::from_secs(15)).await;
    let log = server.log();
    assert_eq!(status.code(), Some(0), "{status:?}\n{log}");
    assert!(log.contains("signal=\"SIGTERM\""), "{log}");
    assert!(!log.contains("stopping anyway"), "{log}");

    // What was running is flushed: the database is closed (no WAL left) and holds agent 1's offline time
    // and its break up to the shutdown.
    assert!(data.join("records.db").exists());
    assert!(!data.join("records.db-wal").exists(), "{log}");
    let db = rusqlite::Connection::open(data.join("records.db")).unwrap();
    let states: Vec<(String, i64, i64)> = db
        .prepare(
            "SELECT state, start_ms, end_ms FROM agent_states WHERE user_id = ?1 ORDER BY start_ms",
        )
        .unwrap()
        .query_map([A1], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let names: Vec<&str> = states.iter().map(|(s, _, _)| s.as_str()).collect();
    assert_eq!(names, ["OFFLINE", "BREAK"], "{states:?}");
    assert!(states.iter().all(|(_, start, end)| end >= start));
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test]
async fn sigterm_right_after_the_listening_line_is_graceful_too() {
    let data = temp_dir("sigterm-early");
    let mut server = Daemon::start(&["--data-dir", data.to_str().unwrap()]);
    server.terminate();
    let status = server.exit(Duration::from_secs(15)).await;
    let log = server.log();
    assert_eq!(status.code(), Some(0), "{status:?}\n{log}");
    assert!(log.contains("signal=\"SIGTERM\""), "{log}");
    assert!(!data.join("records.db-wal").exists(), "{log}");
    let _ = std::fs::remove_dir_all(&data);
}

/// Agent `user`'s rows of `table` (`agent_states` or `agent_running`): (state, start_ms, end_ms or -1).
fn state_rows(data: &std::path::Path, table: &str, user: &str) -> Vec<(String, i64, i64)> {
    let db = rusqlite::Connection::open(data.join("records.db")).unwrap();
    let end = if table == "agent_states" {
        "end_ms"
    } else {
        "-1"
    };
    let mut q = db
        .prepare(&format!(
            "SELECT state, start_ms, {end} FROM {table} WHERE user_id = ?1 ORDER BY start_ms"
        ))
        .unwrap();
    let rows = q
        .query_map([user], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows
}

#[tokio::test]
async fn a_killed_server_loses_no_running_state_span() {
    let data = temp_dir("sigkill");
    let dir = data.to_str().unwrap();
    let mut server = Daemon::start(&["--data-dir", dir]);
    let sign_in = serde_urlencoded::to_string([(
        "request",
        serde_json::json!({"InstanceId": "ccc-demo", "UserId": A1, "DeviceId": "d",
                           "SignedSkillGroupIdList": "[]"})
        .to_string(),
    )])
    .unwrap();
    let signed: serde_json::Value = reqwest::Client::new()
        .post(api_url(&server.base, "SignInGroup"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(sign_in)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(signed["Data"]["UserState"], "BREAK", "{signed}");
    // The writer commits the running BREAK within its gathering time.
    let deadline = Instant::now() + Duration::from_secs(10);
    let running = loop {
        let rows = state_rows(&data, "agent_running", A1);
        if !rows.is_empty() {
            break rows;
        }
        assert!(Instant::now() < deadline, "no running span written");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    assert_eq!(running[0].0, "BREAK", "{running:?}");
    let break_began = running[0].1;

    // SIGKILL: no drain, no close.
    server.child.kill().unwrap();
    let status = server.exit(Duration::from_secs(5)).await;
    assert_eq!(status.code(), None, "killed by a signal: {status:?}");
    assert_eq!(state_rows(&data, "agent_running", A1).len(), 1);

    // The next server on the same data directory keeps the break as ending at the last sign of life.
    let mut next = Daemon::start(&["--data-dir", dir]);
    // It prints its address before it opens the store: an answer means the store is open.
    let health = reqwest::get(format!("{}/emulator/v1/health", next.base))
        .await
        .unwrap();
    assert!(health.status().is_success());
    let states = state_rows(&data, "agent_states", A1);
    let names: Vec<&str> = states.iter().map(|(s, _, _)| s.as_str()).collect();
    assert_eq!(names, ["OFFLINE", "BREAK"], "{states:?}");
    assert_eq!(states[1].1, break_began);
    assert!(states[1].2 >= break_began, "{states:?}");
    assert!(state_rows(&data, "agent_running", A1).is_empty());
    next.terminate();
    let status = next.exit(Duration::from_secs(15)).await;
    let log = next.log();
    assert_eq!(status.code(), Some(0), "{status:?}\n{log}");
    assert!(log.contains("stopped without closing the store"), "{log}");
    let _ = std::fs::remove_dir_all(&data);
}
