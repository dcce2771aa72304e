//! The agent-state push WebSocket (`GetLoginDetails.AgentServerUrl`, `crates/server/src/push.rs`): many idle
//! sockets (what the server's memory pays for each) and the time from a state change to that agent's
//! `UserStatus` frame.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{json, Value};
use tokio::sync::{mpsc, Semaphore};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

use crate::agents::Registered;
use crate::config::user_id;
use crate::http::{Conn, Prepared};
use crate::procfs::CpuMeter;
use crate::server::Server;
use crate::stats::Percentiles;

/// Handshakes in flight at once while opening sockets.
const OPENING: usize = 64;

/// One push run (a fresh server).
#[derive(Debug, Clone, Default)]
pub(crate) struct PushRun {
    /// The server's RSS with every agent signed in and no socket open (KiB).
    pub(crate) baseline_kib: u64,
    /// (sockets open, server RSS KiB) after each step.
    pub(crate) steps: Vec<(usize, u64)>,
    /// (RSS at the last step − baseline) / sockets, bytes.
    pub(crate) per_socket_bytes: f64,
    /// State change request sent → that agent's frame received, µs.
    pub(crate) frame: Percentiles,
    /// The same request's own HTTP answer, µs.
    pub(crate) http: Percentiles,
    /// The health endpoint on the same connection meanwhile (the control), µs.
    pub(crate) health: Percentiles,
    /// State changes whose frame never came (within 2 s).
    pub(crate) missing_frames: usize,
    /// State-change requests that did not answer "OK".
    pub(crate) failed_requests: usize,
    /// Sockets that could not be opened or got no first snapshot.
    pub(crate) failed_opens: usize,
    /// Sockets that closed while they should have stayed open.
    pub(crate) lost_sockets: usize,
    /// The server's CPU with every socket open and nothing happening, % of one core (2 s).
    pub(crate) idle_cpu: f64,
}

/// A frame a socket received after its first snapshot.
struct Frame {
    k: usize,
    at: Instant,
    state: String,
}

/// Opens sockets for `registered` agents up to each of `steps` (cumulative), reading the server's RSS after
/// each, then measures `samples` state changes (TakeBreak then ReadyForService, each of an agent spread over
/// the list) with every socket open.
pub(crate) async fn run(
    server: &Server,
    registered: &[Registered],
    steps: &[usize],
    samples: usize,
) -> PushRun {
    let mut run = PushRun::default();
    tokio::time::sleep(Duration::from_secs(1)).await;
    server.settle(Duration::from_secs(10)).await;
    run.baseline_kib = server.rss_kib();
    let (frames_tx, mut frames) = mpsc::unbounded_channel::<Frame>();
    let alive = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(Semaphore::new(OPENING));
    let mut sockets = Vec::new();
    let mut opened = 0usize;
    let config = WebSocketConfig::default().read_buffer_size(4096);
    for &step in steps {
        let step = step.min(registered.len());
        let (done_tx, mut done) = mpsc::unbounded_channel::<bool>();
        let batch = step.saturating_sub(opened);
        for r in &registered[opened..step] {
            let (url, k) = (r.push_url.clone(), r.k);
            let (gate, frames_tx, alive, done_tx) = (
                gate.clone(),
                frames_tx.clone(),
                alive.clone(),
                done_tx.clone(),
            );
            sockets.push(tokio::spawn(async move {
                let permit = gate.acquire_owned().await;
                let opened = async {
                    let (mut ws, _) = tokio_tungstenite::connect_async_with_config(
                        url.as_str(),
                        Some(config),
                        true,
                    )
                    .await
                    .ok()?;
                    match ws.next().await {
                        Some(Ok(Message::Text(_))) => Some(ws),
                        _ => None,
                    }
                };
                let ws = tokio::time::timeout(Duration::from_secs(20), opened)
                    .await
                    .ok()
                    .flatten();
                drop(permit);
                let Some(mut ws) = ws else {
                    let _ = done_tx.send(false);
                    return;
                };
                alive.fetch_add(1, Ordering::SeqCst);
                let _ = done_tx.send(true);
                while let Some(Ok(message)) = ws.next().await {
                    match message {
                        Message::Text(text) => {
                            let at = Instant::now();
                            let v: Value = serde_json::from_str(text.as_str()).unwrap_or_default();
                            let state = v["UserContext"]["UserState"]
                                .as_str()
                                .unwrap_or("")
                                .to_owned();
                            let _ = frames_tx.send(Frame { k, at, state });
                        }
                        Message::Close(_) => break,
                        _ => {}
                    }
                }
                alive.fetch_sub(1, Ordering::SeqCst);
            }));
        }
        drop(done_tx);
        for _ in 0..batch {
            match done.recv().await {
                Some(true) => {}
                Some(false) => run.failed_opens += 1,
                None => break,
            }
        }
        opened = step;
        tokio::time::sleep(Duration::from_secs(1)).await;
        server.settle(Duration::from_secs(10)).await;
        run.steps
            .push((alive.load(Ordering::SeqCst), server.rss_kib()));
    }
    if let Some(&(n, rss)) = run.steps.last() {
        if n > 0 {
            run.per_socket_bytes = (rss as f64 - run.baseline_kib as f64) * 1024.0 / n as f64;
        }
    }
    let open_before = alive.load(Ordering::SeqCst);
    let meter = CpuMeter::start(server.pid);
    tokio::time::sleep(Duration::from_secs(2)).await;
    run.idle_cpu = meter.percent();

    // State change → frame, for agents spread over the ones with a socket.
    let mut conn = Conn::new(server.addr);
    let _ = conn.connect().await;
    let health = Prepared::health();
    let (mut frame_us, mut http_us, mut health_us) = (Vec::new(), Vec::new(), Vec::new());
    let with_socket = &registered[..opened.min(registered.len())];
    let picks = samples.min(with_socket.len());
    for i in 0..picks {
        let k = with_socket[i * with_socket.len() / picks].k;
        let user = user_id(k);
        for (action, params, want) in [
            ("TakeBreak", json!({"Code": "Rest"}), "BREAK"),
            ("ReadyForService", json!({}), "READY"),
        ] {
            while frames.try_recv().is_ok() {}
            let req = Prepared::api(action, &user, params);
            let t0 = Instant::now();
            let answer = conn.api(&req).await;
            http_us.push(t0.elapsed().as_micros() as u64);
            if !answer.ok() {
                run.failed_requests += 1;
                continue;
            }
            let deadline = t0 + Duration::from_secs(2);
            let mut got = None;
            while let Ok(Some(f)) = tokio::time::timeout_at(deadline.into(), frames.recv()).await {
                if f.k == k && f.state == want {
                    got = Some(f.at);
                    break;
                }
            }
            match got {
                Some(at) => frame_us.push(at.saturating_duration_since(t0).as_micros() as u64),
                None => run.missing_frames += 1,
            }
        }
        let t = Instant::now();
        if matches!(conn.send(&health).await, Ok((200, _))) {
            health_us.push(t.elapsed().as_micros() as u64);
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    run.frame = Percentiles::of(&mut frame_us);
    run.http = Percentiles::of(&mut http_us);
    run.health = Percentiles::of(&mut health_us);
    run.lost_sockets = open_before.saturating_sub(alive.load(Ordering::SeqCst));
    for s in sockets {
        s.abort();
    }
    run
}

/// The socket counts to step through up to `max`: 1,000, 2,000, 5,000, 10,000, … and `max` itself.
pub(crate) fn steps_up_to(max: usize) -> Vec<usize> {
    let mut steps: Vec<usize> = [1_000, 2_000, 5_000, 10_000, 20_000, 50_000]
        .into_iter()
        .filter(|&s| s < max)
        .collect();
    if max > 0 {
        steps.push(max);
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps() {
        assert_eq!(steps_up_to(10_000), vec![1_000, 2_000, 5_000, 10_000]);
        assert_eq!(steps_up_to(3_000), vec![1_000, 2_000, 3_000]);
        assert_eq!(steps_up_to(500), vec![500]);
        assert!(steps_up_to(0).is_empty());
    }
}
