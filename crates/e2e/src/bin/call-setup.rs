//! `make bench-call`: how long a call takes to carry voice, measured end to end (a number to read, not a
//! test). For each of N inbound calls against the real server and the release panel in headless Chromium:
//!
//! - **placed → ringing**: from the customer call being placed (the emulator INVITEs the agent's phone at
//!   once) until the panel shows status 6;
//! - **answer → voice**: from `workbench.answer()` until the emulator's customer leg hears the agent's
//!   microphone (a tone file) — getUserMedia, the SDP answer with ICE gathered, ICE and DTLS on loopback,
//!   the first Opus frames through the bridge.
//!
//! Times are sampled every 5 ms, so each is exact to about ±5 ms. Run inside the loopback-only namespace
//! (`scripts/netns-run.sh`), after `make build` (`scripts/build-web.sh`).
//!
//!     call-setup [CALLS]     (default 5)

use std::time::{Duration, Instant};

use workbench_e2e::fake_media::{media_args, write_tone_wav};
use workbench_e2e::temp_dir::TempDir;
use workbench_e2e::{crm_signed_in, run_with, status_code, Server, Session};
use workbench_server::EmulatorConfig;

const SAMPLE: Duration = Duration::from_millis(5);
const LIMIT: Duration = Duration::from_secs(20);

/// Polls `check` every [`SAMPLE`] until it holds; the time it took.
async fn time_until<F, Fut>(what: &str, mut check: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !check().await {
        assert!(start.elapsed() < LIMIT, "gave up waiting for {what}");
        tokio::time::sleep(SAMPLE).await;
    }
    start.elapsed()
}

async fn heard(server: &Server, job: &str) -> bool {
    server.call_media(job).await["customer"]["heardMs"]
        .as_u64()
        .is_some_and(|ms| ms > 0)
}

fn summary(name: &str, times: &[Duration]) {
    let mut ms: Vec<f64> = times.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    let median = ms[ms.len() / 2];
    println!(
        "{name:<18} median {median:6.0} ms   min {:6.0} ms   max {:6.0} ms   ({} calls)",
        ms[0],
        ms[ms.len() - 1],
        ms.len()
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let calls: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(5);
    let dir = TempDir::new("ccc-call-setup");
    let wav = dir.0.join("agent.wav");
    write_tone_wav(&wav, 660.0, 5);
    run_with(
        EmulatorConfig::default(),
        media_args(&wav),
        |Session { browser, server }| async move {
            let _crm = crm_signed_in(
                &browser,
                &server,
                "agent1@ccc-demo",
                "config.audioProcessing = false; config.afterCallRule = 0;",
            )
            .await;
            let (mut ringing, mut voice) = (Vec::new(), Vec::new());
            for n in 0..calls {
                let placed = Instant::now();
                let job = server.ring(&format!("1380000{n:04}")).await;
                time_until("ringing", || async { status_code(&browser).await == 6 }).await;
                ringing.push(placed.elapsed());
                browser
                    .execute("window.workbench.answer();", vec![])
                    .await
                    .expect("answer");
                voice.push(time_until("voice", || heard(&server, &job)).await);
                server.customer_hangs_up(&job).await;
                time_until("ready again", || async { status_code(&browser).await == 3 }).await;
            }
            summary("placed → ringing", &ringing);
            summary("answer → voice", &voice);
        },
    )
    .await;
}
