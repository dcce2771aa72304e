//! `browser-bench` (run by `make bench`): the panel in headless Chromium over many calls — a measurement,
//! not a test. Against the real server with its emulator, the release `dist/`, and a CRM page on its own
//! origin (the e2e harness's `HostSite`, which embeds the SDK as any host does), one run measures:
//!
//! - **start-up**: navigation → the host's `onInit` hook (`performance.now()` in the hook, i.e. since the
//!   navigation started), against a blank page of the same server: navigation → its load event
//!   (`loadEventEnd` of the navigation timing), the pages alternating, several repetitions after a
//!   discarded warm-up; reported as medians with their range and as the ratio host / blank per repetition;
//! - **push → hook**: for every call, from the bench placing the inbound call through the control API (its
//!   wall clock just before the request) to the host's `onCallComing` running in the page (`Date.now()`
//!   there; same machine, same clock), against two controls taken just before each call: the health
//!   endpoint's HTTP round trip from the bench and from the page (`fetch`);
//! - **memory per call**: `--calls` inbound calls (rung, answered, voice flowing — the customer leg hears
//!   the agent's tone — then hung up by the customer), sampling every `--sample-every` calls, between
//!   calls and after a forced garbage collection, the tab's renderer RSS (`/proc`), the JS heap, the wasm
//!   memory, the DOM counters and the live media objects (`workbench_e2e::census`); the RSS also by kind
//!   (anonymous, file-backed, shared: `renderer_rss::rss_parts`). RSS is judged after the
//!   warm-up (the first 10 % of the calls): every later sample within ±5 % of the first one after it.
//!
//! - **the memory control**: `--control-calls` bare WebRTC call cycles on a blank page of the same site,
//!   no panel (`control.rs`): how much anonymous memory Chromium itself keeps per call.
//!
//! Chromium runs without its back/forward cache ([`NO_BACK_FORWARD_CACHE`]): the start-up phase's
//! navigations would otherwise leave up to six earlier pages (each CRM page with a panel, since the SDK
//! closes its sockets on `pagehide`) frozen in the tab's renderer through the memory phase, and the
//! renderer's numbers would be theirs as much as the calls'.
//!
//! Writes `--out` (default `bench/browser.json`, which `bench`'s report renders as its "Browser" section)
//! and prints a table. The server runs in this process (a debug build, as `make bench-call`); its times
//! are in the controls too. Run inside the loopback-only namespace (`scripts/netns-run.sh`) after
//! `make build` (`scripts/build-web.sh`).
//!
//!     browser-bench [--calls N (500)] [--control-calls N (100)] [--startup-runs N (7)]
//!                   [--sample-every N (calls/10)] [--out FILE]

mod control;

use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use fantoccini::Client;
use serde_json::{json, Value};
use workbench_e2e::census::{media_census, page_memory, MediaCensus, PageMemory};
use workbench_e2e::fake_media::{media_args, write_tone_wav};
use workbench_e2e::renderer_rss::{renderer_rss, RssParts};
use workbench_e2e::temp_dir::TempDir;
use workbench_e2e::{run_with, status_code, wait_status, HostSite, Server, Session};
use workbench_server::EmulatorConfig;

const AGENT: &str = "agent1@ccc-demo";
/// Chromium's flag that turns its back/forward cache off. Measured with `--calls 200 --startup-runs 7
/// --control-calls 0`: with the cache, 7 documents (331 DOM nodes) stayed in the renderer through the calls
/// and its RSS rose 634 KiB per 100 calls; without it, 1 document (76 nodes, the panel's page) and
/// −1.4 MiB per 100 calls. The start-up phase only navigates forward, which the cache never serves.
const NO_BACK_FORWARD_CACHE: &str = "--disable-features=BackForwardCache";

/// How often a condition is sampled.
const SAMPLE: Duration = Duration::from_millis(5);
/// How long any condition may take.
const LIMIT: Duration = Duration::from_secs(30);

/// The CRM page's config for the bench: no after-call work, raw microphone, and the hooks record only
/// what the bench reads (the page's own hook list would grow the DOM by every call).
const HOST_SCRIPT: &str = "config.audioProcessing = false; config.afterCallRule = 0; \
     window.benchHooks = {init: null, coming: []}; \
     log = function (name, payload) { \
       if (name === 'onInit') { window.benchHooks.init = performance.now(); } \
       if (name === 'onCallComing') { \
         window.benchHooks.coming.push({at: Date.now(), jobId: payload && payload.jobId}); \
         if (window.benchHooks.coming.length > 4) { window.benchHooks.coming.shift(); } } };";

struct Options {
    calls: usize,
    /// Bare WebRTC call cycles of the memory control (`control.rs`); 0 for none.
    control_calls: usize,
    startup_runs: usize,
    sample_every: usize,
    out: PathBuf,
}

fn options() -> Options {
    let mut o = Options {
        calls: 500,
        control_calls: 100,
        startup_runs: 7,
        sample_every: 0,
        out: PathBuf::from("bench/browser.json"),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .unwrap_or_else(|| panic!("{name} needs a value"))
        };
        let number = |name: &str, v: String| -> usize {
            v.parse()
                .unwrap_or_else(|_| panic!("{name}: not a number: {v}"))
        };
        match arg.as_str() {
            "--calls" => o.calls = number("--calls", value("--calls")),
            "--control-calls" => {
                o.control_calls = number("--control-calls", value("--control-calls"))
            }
            "--startup-runs" => {
                o.startup_runs = number("--startup-runs", value("--startup-runs")).max(1)
            }
            "--sample-every" => o.sample_every = number("--sample-every", value("--sample-every")),
            "--out" => o.out = PathBuf::from(value("--out")),
            "-h" | "--help" => {
                println!(
                    "browser-bench [--calls N (500)] [--control-calls N (100)] [--startup-runs N (7)] \
                     [--sample-every N (calls/10)] [--out FILE (bench/browser.json)]"
                );
                std::process::exit(0);
            }
            other => panic!("unknown option {other} (--help)"),
        }
    }
    o.calls = o.calls.max(1);
    if o.sample_every == 0 {
        o.sample_every = (o.calls / 10).max(1);
    }
    o
}

/// Polls `check` every [`SAMPLE`] until it answers `Some`.
async fn until<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(start.elapsed() < LIMIT, "gave up waiting for {what}");
        tokio::time::sleep(SAMPLE).await;
    }
}

async fn eval(browser: &Client, script: &str) -> Value {
    browser
        .execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

/// Milliseconds since the Unix epoch, as the page's `Date.now()` counts them.
fn epoch_ms() -> f64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs_f64()
        * 1000.0
}

/// Median, range and percentiles of a sample.
fn spread(values: &[f64]) -> Value {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return json!({"n": 0});
    }
    let at = |q: f64| v[((q * (v.len() - 1) as f64).round() as usize).min(v.len() - 1)];
    json!({
        "n": v.len(),
        "median": at(0.5),
        "p99": at(0.99),
        "min": v[0],
        "max": v[v.len() - 1],
    })
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// (a) Start-up against a blank page, alternating; the first round is a discarded warm-up.
async fn startup(browser: &Client, crm: &HostSite, runs: usize) -> Value {
    let (mut host, mut blank, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..=runs {
        browser
            .goto(&format!("{}/blank.html", crm.base))
            .await
            .expect("open the blank page");
        let load = until("the blank page's load event", || async {
            let v = eval(
                browser,
                "var n = performance.getEntriesByType('navigation')[0]; \
                 return n && n.loadEventEnd > 0 ? n.loadEventEnd : null;",
            )
            .await;
            v.as_f64()
        })
        .await;
        browser
            .goto(&format!("{}/crm.html", crm.base))
            .await
            .expect("open the CRM page");
        let init = until("onInit", || async {
            eval(
                browser,
                "return window.benchHooks && window.benchHooks.init;",
            )
            .await
            .as_f64()
        })
        .await;
        // Signed in and ready before the page is left again (as the agent would be).
        wait_status(browser, 3).await;
        if round > 0 {
            host.push(init);
            blank.push(load);
            ratio.push(init / load);
        }
        eprintln!(
            "  start-up {}{}: onInit {init:.1} ms, blank load {load:.1} ms",
            round,
            if round == 0 { " (warm-up)" } else { "" }
        );
    }
    json!({
        "runs": runs,
        "warmupDiscarded": 1,
        "hostOnInitMs": spread(&host),
        "blankLoadMs": spread(&blank),
        "ratio": spread(&ratio),
        "samples": {"hostOnInitMs": host, "blankLoadMs": blank},
    })
}

/// One memory sample between calls.
struct Sample {
    after_calls: usize,
    /// The renderer's resident memory, in all and by kind.
    rss: RssParts,
    renderer_pid: u32,
    memory: PageMemory,
    /// Right after the call ended (the panel ready again).
    at_once: MediaCensus,
    /// Once nothing of a call is left, or [`SETTLE`] passed.
    census: MediaCensus,
    /// How long that took, ms.
    settle_ms: f64,
}

/// How long a sample waits for the page to let go of the last call's media. Chromium itself keeps a
/// stopped `getUserMedia` stream reachable for ~9 s (a bare `getUserMedia()` + `stop()` page does too).
const SETTLE: Duration = Duration::from_secs(20);

impl Sample {
    fn to_json(&self) -> Value {
        json!({
            "afterCalls": self.after_calls,
            "rendererRss": self.rss.total,
            "rendererRssAnon": self.rss.anon,
            "rendererRssFile": self.rss.file,
            "rendererRssShmem": self.rss.shmem,
            "rendererPid": self.renderer_pid,
            "memory": self.memory.to_json(),
            "liveAtOnce": self.at_once.to_json(),
            "live": self.census.to_json(),
            "settleMs": round(self.settle_ms, 0),
        })
    }
}

async fn sample(browser: &Client, after_calls: usize) -> Sample {
    let at_once = media_census(browser).await;
    let started = Instant::now();
    let mut census = at_once;
    while !census.is_clear() && started.elapsed() < SETTLE {
        tokio::time::sleep(Duration::from_millis(250)).await;
        census = media_census(browser).await;
    }
    let settle_ms = started.elapsed().as_secs_f64() * 1000.0;
    let memory = page_memory(browser).await;
    let (renderer_pid, rss) = renderer_rss().expect("the tab's renderer process");
    Sample {
        after_calls,
        rss,
        renderer_pid,
        memory,
        at_once,
        census,
        settle_ms,
    }
}

/// The health endpoint's round trip from the page (`fetch`, no cache), ms.
async fn page_health_ms(browser: &Client, server: &Server) -> f64 {
    browser
        .execute_async(
            "var done = arguments[arguments.length - 1]; var t = performance.now(); \
             fetch(arguments[0], {mode: 'no-cors', cache: 'no-store'}) \
               .then(function () { done(performance.now() - t); }, function () { done(-1); });",
            vec![json!(format!("{}/emulator/v1/health", server.base))],
        )
        .await
        .ok()
        .and_then(|v| v.as_f64())
        .filter(|ms| *ms >= 0.0)
        .unwrap_or(f64::NAN)
}

/// The health endpoint's round trip from the bench, ms.
async fn bench_health_ms(http: &reqwest::Client, server: &Server) -> f64 {
    let t = Instant::now();
    let ok = http
        .get(format!("{}/emulator/v1/health", server.base))
        .send()
        .await
        .is_ok_and(|r| r.status().is_success());
    if ok {
        t.elapsed().as_secs_f64() * 1000.0
    } else {
        f64::NAN
    }
}

/// One call: returns the push → hook latency, ms.
async fn call(browser: &Client, server: &Server, n: usize) -> f64 {
    let placed = epoch_ms();
    let job = server.ring(&format!("139{n:08}")).await;
    let at = until("onCallComing", || async {
        let v = eval(browser, "return window.benchHooks.coming;").await;
        v.as_array()?
            .iter()
            .find(|c| c["jobId"] == job.as_str())
            .and_then(|c| c["at"].as_f64())
    })
    .await;
    until("ringing", || async {
        (status_code(browser).await == 6).then_some(())
    })
    .await;
    eval(browser, "window.workbench.answer(); return null;").await;
    // A little talk: the customer leg hears the agent's microphone.
    until("voice", || async {
        let heard = server.call_media(&job).await["customer"]["heardMs"].as_u64();
        heard.filter(|ms| *ms > 0)
    })
    .await;
    server.customer_hangs_up(&job).await;
    until("ready again", || async {
        (status_code(browser).await == 3).then_some(())
    })
    .await;
    at - placed
}

/// (b) and (c): the calls, with the latencies, the controls and the memory samples.
async fn calls(browser: &Client, server: &Server, o: &Options) -> (Value, Value) {
    let http = reqwest::Client::new();
    let (mut latency, mut ctl_bench, mut ctl_page) = (Vec::new(), Vec::new(), Vec::new());
    let mut samples = vec![sample(browser, 0).await];
    let started = Instant::now();
    for n in 0..o.calls {
        ctl_bench.push(bench_health_ms(&http, server).await);
        ctl_page.push(page_health_ms(browser, server).await);
        latency.push(call(browser, server, n).await);
        let done = n + 1;
        if done % o.sample_every == 0 || done == o.calls {
            let s = sample(browser, done).await;
            eprintln!(
                "  after {done} calls ({:.0} s): renderer RSS {:.1} MiB (anonymous {:.1}, file {:.1}, \
                 shared {:.1}), JS heap {:.1} MiB, wasm {:.1} MiB, {} nodes, live {:?} (at once {} streams; \
                 settled in {:.0} ms)",
                started.elapsed().as_secs_f64(),
                s.rss.total as f64 / 1048576.0,
                s.rss.anon as f64 / 1048576.0,
                s.rss.file as f64 / 1048576.0,
                s.rss.shmem as f64 / 1048576.0,
                s.memory.js_heap_used as f64 / 1048576.0,
                s.memory.wasm_memory as f64 / 1048576.0,
                s.memory.dom_nodes,
                s.census,
                s.at_once.streams,
                s.settle_ms
            );
            samples.push(s);
        }
    }
    let lat = spread(&latency);
    let cb = spread(&ctl_bench);
    let cp = spread(&ctl_page);
    let ratio = |a: &Value, b: &Value| {
        let (a, b) = (
            a["median"].as_f64().unwrap_or(0.0),
            b["median"].as_f64().unwrap_or(0.0),
        );
        if b > 0.0 {
            round(a / b, 2)
        } else {
            0.0
        }
    };
    let push = json!({
        "calls": o.calls,
        "latencyMs": lat,
        "controlBenchHealthMs": cb,
        "controlPageHealthMs": cp,
        "ratioToBenchHealth": ratio(&lat, &cb),
        "ratioToPageHealth": ratio(&lat, &cp),
    });
    (push, memory_summary(&samples, o, started.elapsed()))
}

fn memory_summary(samples: &[Sample], o: &Options, took: Duration) -> Value {
    let warmup = (o.calls as f64 * 0.1).ceil() as usize;
    let after: Vec<&Sample> = samples.iter().filter(|s| s.after_calls >= warmup).collect();
    let rss = after_warmup(&after, |s| s.rss.total);
    let anon = after_warmup(&after, |s| s.rss.anon);
    let between: Vec<&Sample> = samples.iter().filter(|s| s.after_calls > 0).collect();
    let most = |f: fn(&MediaCensus) -> u64| between.iter().map(|s| f(&s.census)).max().unwrap_or(0);
    let live = json!({
        "streams": most(|c| c.streams),
        "liveTracks": most(|c| c.live_tracks),
        "mediaElementsWithSource": most(|c| c.media_elements_with_source),
        "mediaElements": most(|c| c.media_elements),
        "openAudioContexts": most(|c| c.open_audio_contexts),
        "openPeerConnections": most(|c| c.open_peer_connections),
        "peerConnections": most(|c| c.peer_connections),
    });
    let most_at_once =
        |f: fn(&MediaCensus) -> u64| between.iter().map(|s| f(&s.at_once)).max().unwrap_or(0);
    let at_once = json!({
        "streams": most_at_once(|c| c.streams),
        "liveTracks": most_at_once(|c| c.live_tracks),
        "mediaElementsWithSource": most_at_once(|c| c.media_elements_with_source),
        "openAudioContexts": most_at_once(|c| c.open_audio_contexts),
        "openPeerConnections": most_at_once(|c| c.open_peer_connections),
    });
    let settle: Vec<f64> = between.iter().map(|s| s.settle_ms).collect();
    let nothing_live = between.iter().all(|s| s.census.is_clear());
    let pids: std::collections::BTreeSet<u32> = samples.iter().map(|s| s.renderer_pid).collect();
    json!({
        "calls": o.calls,
        "sampleEvery": o.sample_every,
        "warmupCalls": warmup,
        "seconds": round(took.as_secs_f64(), 1),
        "rendererPids": pids.into_iter().collect::<Vec<_>>(),
        "rssAfterWarmup": rss,
        "anonAfterWarmup": anon,
        "liveBetweenCallsMax": live,
        "liveAtOnceMax": at_once,
        "settleMs": spread(&settle),
        "nothingLiveBetweenCalls": nothing_live,
        "samples": samples.iter().map(Sample::to_json).collect::<Vec<_>>(),
    })
}

/// How `value` moves over the samples after the warm-up: each against the first one (percent), and its
/// least-squares slope (bytes per 100 calls); `flat` is every change within ±5 %.
fn after_warmup(after: &[&Sample], value: fn(&Sample) -> u64) -> Value {
    let reference = after.first().map(|s| value(s) as f64).unwrap_or(0.0);
    let changes: Vec<f64> = after
        .iter()
        .map(|s| (value(s) as f64 / reference - 1.0) * 100.0)
        .collect();
    let min = changes.iter().copied().fold(f64::INFINITY, f64::min);
    let max = changes.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let points: Vec<(f64, f64)> = after
        .iter()
        .map(|s| (s.after_calls as f64, value(s) as f64))
        .collect();
    let slope = slope(&points) * 100.0;
    json!({
        "referenceBytes": reference as u64,
        "referenceAfterCalls": after.first().map(|s| s.after_calls),
        "minChangePct": round(min, 2),
        "maxChangePct": round(max, 2),
        "lastChangePct": round(changes.last().copied().unwrap_or(0.0), 2),
        "slopeBytesPer100Calls": slope.round(),
        "flat": min >= -5.0 && max <= 5.0,
    })
}

/// The least-squares slope of `points` (`(x, y)`): y per unit of x; 0 with fewer than two distinct x.
fn slope(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    let (sx, sy) = points
        .iter()
        .fold((0.0, 0.0), |(x, y), (px, py)| (x + px, y + py));
    let (mx, my) = (sx / n, sy / n);
    let (num, den) = points.iter().fold((0.0, 0.0), |(a, b), (px, py)| {
        let dx = px - mx;
        (a + dx * (py - my), b + dx * dx)
    });
    if den > 0.0 {
        num / den
    } else {
        0.0
    }
}

fn chromium_version() -> String {
    std::process::Command::new("/usr/bin/chromium")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

fn git_head() -> String {
    std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

fn table(report: &Value) {
    let ms = |v: &Value| format!("{:.1} ms", v.as_f64().unwrap_or(f64::NAN));
    let s = &report["startup"];
    let p = &report["pushToHook"];
    let m = &report["memory"];
    let r = &m["rssAfterWarmup"];
    println!(
        "browser-bench ({})",
        report["chromium"].as_str().unwrap_or("")
    );
    println!(
        "start-up: navigation → onInit   median {} [{} – {}]",
        ms(&s["hostOnInitMs"]["median"]),
        ms(&s["hostOnInitMs"]["min"]),
        ms(&s["hostOnInitMs"]["max"])
    );
    println!(
        "          blank page load (ctl) median {} [{} – {}]",
        ms(&s["blankLoadMs"]["median"]),
        ms(&s["blankLoadMs"]["min"]),
        ms(&s["blankLoadMs"]["max"])
    );
    println!(
        "          ratio                 median {:.2} [{:.2} – {:.2}] ({} runs)",
        s["ratio"]["median"].as_f64().unwrap_or(f64::NAN),
        s["ratio"]["min"].as_f64().unwrap_or(f64::NAN),
        s["ratio"]["max"].as_f64().unwrap_or(f64::NAN),
        s["runs"]
    );
    println!(
        "push → onCallComing             p50 {} p99 {} ({} calls)",
        ms(&p["latencyMs"]["median"]),
        ms(&p["latencyMs"]["p99"]),
        p["calls"]
    );
    println!(
        "          health from bench     p50 {} p99 {}   ratio p50 {}",
        ms(&p["controlBenchHealthMs"]["median"]),
        ms(&p["controlBenchHealthMs"]["p99"]),
        p["ratioToBenchHealth"]
    );
    println!(
        "          health from page      p50 {} p99 {}   ratio p50 {}",
        ms(&p["controlPageHealthMs"]["median"]),
        ms(&p["controlPageHealthMs"]["p99"]),
        p["ratioToPageHealth"]
    );
    println!(
        "renderer RSS after warm-up ({} of {} calls): {:+.2} % … {:+.2} % (last {:+.2} %), slope {:.0} KiB/100 calls, flat ±5 %: {}",
        m["warmupCalls"],
        m["calls"],
        r["minChangePct"].as_f64().unwrap_or(f64::NAN),
        r["maxChangePct"].as_f64().unwrap_or(f64::NAN),
        r["lastChangePct"].as_f64().unwrap_or(f64::NAN),
        r["slopeBytesPer100Calls"].as_f64().unwrap_or(0.0) / 1024.0,
        r["flat"]
    );
    let a = &m["anonAfterWarmup"];
    println!(
        "          of it anonymous memory: {:+.2} % … {:+.2} % (last {:+.2} %), slope {:.0} KiB/100 calls",
        a["minChangePct"].as_f64().unwrap_or(f64::NAN),
        a["maxChangePct"].as_f64().unwrap_or(f64::NAN),
        a["lastChangePct"].as_f64().unwrap_or(f64::NAN),
        a["slopeBytesPer100Calls"].as_f64().unwrap_or(0.0) / 1024.0
    );
    let c = &report["control"];
    if c.is_object() {
        println!(
            "          control, {} bare WebRTC call cycles on a blank page: anonymous memory slope {:.0} \
             KiB/100 cycles",
            c["cycles"],
            c["anonSlopeBytesPer100Cycles"].as_f64().unwrap_or(0.0) / 1024.0
        );
    }
    println!(
        "live between calls (max over samples, once settled): {}   nothing left: {}",
        m["liveBetweenCallsMax"], m["nothingLiveBetweenCalls"]
    );
    println!(
        "          right after a call: {}   settled within {} (median) – {} (max)",
        m["liveAtOnceMax"],
        ms(&m["settleMs"]["median"]),
        ms(&m["settleMs"]["max"])
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let o = options();
    let dir = TempDir::new("ccc-browser-bench");
    let wav = dir.0.join("agent.wav");
    write_tone_wav(&wav, 660.0, 5);
    let began = Instant::now();
    let out = o.out.clone();
    let mut chromium_args = media_args(&wav);
    chromium_args.push(NO_BACK_FORWARD_CACHE.to_owned());
    let back_forward_cache = !chromium_args.iter().any(|a| a == NO_BACK_FORWARD_CACHE);
    run_with(
        EmulatorConfig::default(),
        chromium_args,
        |Session { browser, server }| async move {
            let crm = HostSite::start_with(&server.base, AGENT, HOST_SCRIPT).await;
            eprintln!("browser-bench: start-up, {} runs", o.startup_runs);
            let startup = startup(&browser, &crm, o.startup_runs).await;
            eprintln!(
                "browser-bench: {} calls, sampled every {}",
                o.calls, o.sample_every
            );
            let (push, memory) = calls(&browser, &server, &o).await;
            let control = if o.control_calls > 0 {
                eprintln!(
                    "browser-bench: the control, {} bare WebRTC call cycles",
                    o.control_calls
                );
                let every = (o.control_calls / 10).max(1);
                control::webrtc_cycles(&browser, &crm, o.control_calls, every).await
            } else {
                Value::Null
            };
            let report = json!({
                "date": procfs_date(),
                "commit": git_head(),
                "chromium": chromium_version(),
                "backForwardCache": back_forward_cache,
                "command": std::env::args().collect::<Vec<_>>().join(" "),
                "seconds": round(began.elapsed().as_secs_f64(), 1),
                "startup": startup,
                "pushToHook": push,
                "memory": memory,
                "control": control,
            });
            table(&report);
            if let Some(parent) = out.parent() {
                std::fs::create_dir_all(parent).expect("the output directory");
            }
            let text = serde_json::to_string_pretty(&report).expect("JSON");
            std::fs::write(&out, text + "\n").expect("write the results");
            eprintln!("browser-bench: wrote {}", out.display());
        },
    )
    .await;
}

/// Now in UTC, `YYYY-MM-DD HH:MM:SS UTC`.
fn procfs_date() -> String {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}
