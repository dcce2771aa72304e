//! `bench` (`make bench`): measures the release `workbench-server` at call-center scale on this machine and
//! writes `bench/report.md` with SVG plots, printing the same report to stdout.
//!
//! Each measurement starts the real server binary as a child process on 127.0.0.1 (a free port) with a
//! generated emulator config, signs its agents in the way the panel does, drives it over loopback with
//! HTTP/1.1 keep-alive connections and WebSockets, and stops it. Every loop is bounded in count and time.
//! See `report.rs` for what each section measures.

mod agents;
mod browser;
mod config;
mod figures;
mod http;
mod markdown;
mod plot;
mod poll;
mod procfs;
mod push;
mod report;
mod server;
mod soak;
mod stats;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use clap::{Parser, ValueEnum};
use serde_json::json;

use crate::http::{Conn, Prepared};
use crate::poll::Check;
use crate::report::{PollPoint, Results, Settings};
use crate::server::Server;
use crate::soak::SoakPlan;
use crate::stats::Spread;

/// The parts of the bench.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Part {
    /// Poll latency, first-vs-last cost and throughput vs agents (sections 1–3).
    Poll,
    /// Push sockets: RSS per socket, state change → frame (section 4).
    Push,
    /// The soak (section 5).
    Soak,
    /// The download size (section 6).
    Size,
}

/// Measures workbench-server at call-center scale over loopback; writes bench/report.md and SVG plots.
#[derive(Debug, Parser)]
#[command(name = "bench")]
struct Cli {
    /// Small sizes and short windows, for trying the bench out (a few minutes). Options given explicitly win.
    #[arg(long)]
    quick: bool,
    /// The server binary (built with `cargo build --locked --release -p workbench-server`).
    #[arg(long, default_value = "target/release/workbench-server")]
    server: PathBuf,
    /// Where report.md and the SVGs go.
    #[arg(long, default_value = "bench")]
    out: PathBuf,
    /// The built panel for the download size (scripts/size-report.sh DIST).
    #[arg(long, default_value = "dist")]
    dist: PathBuf,
    /// Only these parts (comma-separated); all by default.
    #[arg(long, value_enum, value_delimiter = ',')]
    only: Option<Vec<Part>>,
    /// Agent counts of the poll measurements [500,1000,2000,5000,10000].
    #[arg(long, value_delimiter = ',')]
    sizes: Option<Vec<usize>>,
    /// Runs per measurement, for the median and range [3].
    #[arg(long)]
    runs: Option<usize>,
    /// Length of one open-loop poll window, seconds [10].
    #[arg(long)]
    window_secs: Option<f64>,
    /// How long answers are awaited after a window, seconds [10].
    #[arg(long)]
    drain_secs: Option<f64>,
    /// Length of one closed-loop cost measurement, seconds [1].
    #[arg(long)]
    cost_secs: Option<f64>,
    /// Connections of the throughput measurement [4].
    #[arg(long)]
    tput_conns: Option<usize>,
    /// Length of one throughput measurement, seconds [3].
    #[arg(long)]
    tput_secs: Option<f64>,
    /// Push sockets opened, at most [10000].
    #[arg(long)]
    push_sockets: Option<usize>,
    /// Push runs (a fresh server each) [3].
    #[arg(long)]
    push_runs: Option<usize>,
    /// Agents whose state change → frame is timed per push run [250].
    #[arg(long)]
    push_samples: Option<usize>,
    /// Soak: calls [100000].
    #[arg(long)]
    soak_calls: Option<usize>,
    /// Soak: agents [500].
    #[arg(long)]
    soak_agents: Option<usize>,
    /// Soak: calls per second [100].
    #[arg(long)]
    soak_rate: Option<f64>,
    /// Soak: talk time per call, ms [1000].
    #[arg(long)]
    talk_ms: Option<u64>,
    /// Soak: after-call work before ReadyForService, ms [200].
    #[arg(long)]
    acw_ms: Option<u64>,
    /// Soak: PollUserStatus per agent per second, 0 for none [1].
    #[arg(long)]
    soak_poll_hz: Option<f64>,
    /// Where the server binary came from, for the report, instead of this checkout's git state (e.g. when it
    /// was built from another tree).
    #[arg(long)]
    server_note: Option<String>,
    /// The browser bench (`crates/e2e`'s `browser-bench` binary): run after the server's parts, inside the
    /// loopback-only namespace (`scripts/netns-run.sh`), writing OUT/browser.json, which the report's
    /// "Browser" section reads (without this option, an OUT/browser.json of an earlier run is shown as such).
    #[arg(long)]
    browser_bench: Option<PathBuf>,
    /// Options for the browser bench, space-separated (e.g. "--calls 50").
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    browser_args: String,
    /// Agents per skill group in the generated config.
    #[arg(long, default_value_t = 100)]
    group_size: usize,
}

/// The resolved plan: explicit options, else `--quick`'s, else the full defaults.
#[derive(Debug, Clone)]
struct Plan {
    parts: Vec<Part>,
    sizes: Vec<usize>,
    settings: Settings,
    soak: SoakPlan,
}

/// `make bench`'s soak, the one the issue asks for.
const FULL_SOAK: (usize, usize, f64) = (100_000, 500, 100.0);

impl Plan {
    fn of(cli: &Cli) -> Plan {
        let q = cli.quick;
        let pick =
            |v: Option<f64>, quick: f64, full: f64| v.unwrap_or(if q { quick } else { full });
        let pick_n =
            |v: Option<usize>, quick: usize, full: usize| v.unwrap_or(if q { quick } else { full });
        let sizes = cli.sizes.clone().unwrap_or_else(|| {
            if q {
                vec![500, 2_000]
            } else {
                vec![500, 1_000, 2_000, 5_000, 10_000]
            }
        });
        let runs = pick_n(cli.runs, 3, 3).max(1);
        Plan {
            parts: cli
                .only
                .clone()
                .unwrap_or_else(|| vec![Part::Poll, Part::Push, Part::Soak, Part::Size]),
            sizes: sizes.into_iter().filter(|&n| n > 0).collect(),
            settings: Settings {
                runs,
                window_secs: pick(cli.window_secs, 4.0, 10.0),
                drain_secs: pick(cli.drain_secs, 5.0, 10.0),
                cost_secs: pick(cli.cost_secs, 0.5, 1.0),
                cost_rounds: if q { 3 } else { 5 },
                tput_conns: pick_n(cli.tput_conns, 4, 4),
                tput_secs: pick(cli.tput_secs, 2.0, 3.0),
                push_sockets: pick_n(cli.push_sockets, 2_000, 10_000),
                push_runs: pick_n(cli.push_runs, 2, 3).max(1),
                push_samples: pick_n(cli.push_samples, 100, 250),
                group_size: cli.group_size.max(1),
                quick: q,
            },
            soak: SoakPlan {
                calls: pick_n(cli.soak_calls, 2_000, FULL_SOAK.0),
                agents: pick_n(cli.soak_agents, 100, FULL_SOAK.1).max(1),
                rate: pick(cli.soak_rate, 50.0, FULL_SOAK.2).max(0.01),
                talk: Duration::from_millis(cli.talk_ms.unwrap_or(if q { 300 } else { 1_000 })),
                acw: Duration::from_millis(cli.acw_ms.unwrap_or(if q { 100 } else { 200 })),
                poll_hz: pick(cli.soak_poll_hz, 1.0, 1.0).max(0.0),
                placers: 8,
            },
        }
    }

    fn has(&self, p: Part) -> bool {
        self.parts.contains(&p)
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    server::install_panic_hook();
    let cli = Cli::parse();
    let plan = Plan::of(&cli);
    let began = Instant::now();
    if !cli.server.is_file() {
        eprintln!(
            "bench: no server binary at {} (build it: cargo build --locked --release -p workbench-server)",
            cli.server.display()
        );
        return std::process::ExitCode::FAILURE;
    }
    let biggest = plan
        .sizes
        .iter()
        .copied()
        .chain([plan.settings.push_sockets, plan.soak.agents * 3])
        .max()
        .unwrap_or(0);
    let nofile = server::raise_nofile(biggest as u64 + 4_096);
    if nofile < biggest as u64 + 1_024 {
        eprintln!(
            "bench: warning: the open-file limit is {nofile}; {biggest} connections need more (failures will show)"
        );
    }
    let work = std::env::temp_dir().join(format!("workbench-bench-{}", std::process::id()));
    let mut results = Results {
        command: command_line(),
        via_make: std::env::var_os("MAKELEVEL").is_some(),
        date: procfs::utc_string(SystemTime::now()),
        machine: procfs::Machine::read(),
        git: cli.server_note.clone().unwrap_or_else(git_state),
        server_binary: cli.server.display().to_string(),
        nofile,
        settings: plan.settings.clone(),
        ..Results::default()
    };
    let s = &plan.settings;

    if plan.has(Part::Poll) {
        let mut points = Vec::new();
        for &n in &plan.sizes {
            eprintln!("bench: poll, {n} agents");
            points.push(poll_point(&cli.server, &work, n, s).await);
        }
        results.poll = Some(points);
    }
    if plan.has(Part::Push) {
        eprintln!("bench: push, {} sockets", s.push_sockets);
        results.push = Some(push_runs(&cli.server, &work, s).await);
    }
    if plan.has(Part::Soak) {
        let p = plan.soak;
        eprintln!(
            "bench: soak, {} calls over {} agents at {} calls/s (~{:.0} s)",
            p.calls,
            p.agents,
            p.rate,
            p.calls as f64 / p.rate
        );
        if (p.calls, p.agents, p.rate) != FULL_SOAK {
            results.soak_note = Some(format!(
                "This soak is smaller than the issue's ({} calls over {} agents at {} calls/s, what `make bench` \
                 runs by default); the full one: `bench --soak-calls {} --soak-agents {} --soak-rate {}` (about \
                 {:.0} minutes).",
                markdown::int(FULL_SOAK.0),
                FULL_SOAK.1,
                FULL_SOAK.2,
                FULL_SOAK.0,
                FULL_SOAK.1,
                FULL_SOAK.2,
                FULL_SOAK.0 as f64 / FULL_SOAK.2 / 60.0
            ));
        }
        results.soak = Some(soak_run(&cli.server, &work, p, s.group_size).await);
    }
    if plan.has(Part::Size) {
        results.size = Some(size_report(&cli.dist));
    }
    let browser_json = cli.out.join("browser.json");
    let browser_run = cli
        .browser_bench
        .as_ref()
        .map(|bin| browser_bench(bin, &browser_json, &cli.browser_args));
    results.browser = match browser_run {
        Some(Err(e)) => Some(Err(e)),
        Some(Ok(())) => {
            results.browser_fresh = true;
            browser::load(&browser_json)
        }
        None => browser::load(&browser_json),
    };
    results.load_end = procfs::loadavg();
    results.elapsed_secs = began.elapsed().as_secs_f64();

    if let Err(e) = std::fs::create_dir_all(&cli.out) {
        eprintln!("bench: cannot create {}: {e}", cli.out.display());
        return std::process::ExitCode::FAILURE;
    }
    results.plots = figures::write_plots(&cli.out, &results);
    let md = report::markdown(&results);
    println!("{md}");
    let path = cli.out.join("report.md");
    if let Err(e) = std::fs::write(&path, &md) {
        eprintln!("bench: cannot write {}: {e}", path.display());
        return std::process::ExitCode::FAILURE;
    }
    eprintln!(
        "bench: wrote {} ({:.0} s)",
        path.display(),
        results.elapsed_secs
    );
    let _ = std::fs::remove_dir_all(&work);
    std::process::ExitCode::SUCCESS
}

/// Sections 1–3 at `n` agents, on one server.
async fn poll_point(binary: &Path, work: &Path, n: usize, s: &Settings) -> PollPoint {
    let mut point = PollPoint {
        agents: n,
        ..PollPoint::default()
    };
    let server = match Server::start(binary, n, s.group_size, work, &format!("poll-{n}")) {
        Ok(server) => server,
        Err(e) => {
            point.error = Some(e);
            return point;
        }
    };
    let t = Instant::now();
    if let Err(e) = agents::register_all(server.addr, n, 16).await {
        point.error = Some(format!(
            "sign-in failed: {e}; server log: {}",
            server.log_tail(5)
        ));
        return point;
    }
    point.register_secs = t.elapsed().as_secs_f64();
    let polls: Arc<Vec<Prepared>> = Arc::new(
        (1..=n)
            .map(|k| Prepared::api("PollUserStatus", &config::user_id(k), json!({})))
            .collect(),
    );
    let health = Arc::new(vec![Prepared::health()]);
    let period = Duration::from_secs(1);
    let window = Duration::from_secs_f64(s.window_secs);
    let drain = Duration::from_secs_f64(s.drain_secs);
    let settle = Duration::from_secs(20);
    let mut conns: Vec<Conn> = (0..n).map(|_| Conn::new(server.addr)).collect();
    // Warm-up (discarded): every connection opened and used once.
    let _ = poll::open_loop(
        &mut conns,
        &health,
        Check::Status,
        period,
        Duration::from_secs(2),
        drain,
        server.pid,
    )
    .await;
    server.settle(settle).await;
    for run in 0..s.runs {
        for is_poll in interleaved(run) {
            let (reqs, check) = if is_poll {
                (&polls, Check::Envelope)
            } else {
                (&health, Check::Status)
            };
            let w =
                poll::open_loop(&mut conns, reqs, check, period, window, drain, server.pid).await;
            eprintln!(
                "  {} run {}: p50 {} p99 {} server CPU {:.0} % ({} failed, {} unfinished)",
                if is_poll { "poll  " } else { "health" },
                run + 1,
                report::time(w.latency.p50),
                report::time(w.latency.p99),
                w.server_cpu,
                w.failed,
                w.unfinished
            );
            if is_poll {
                point.poll.push(w);
            } else {
                point.health.push(w);
            }
            server.settle(settle).await;
        }
    }

    // Section 2: closed loop, one connection, first vs last agent.
    let first = Prepared::api("PollUserStatus", &config::user_id(1), json!({}));
    let last = Prepared::api("PollUserStatus", &config::user_id(n), json!({}));
    let hreq = Prepared::health();
    let mut conn = Conn::new(server.addr);
    let (pid, count) = (server.pid, Duration::from_secs_f64(s.cost_secs));
    let _ = poll::cost(&mut conn, &hreq, Check::Status, Duration::ZERO, pid).await;
    for _ in 0..s.cost_rounds {
        let h = poll::cost(&mut conn, &hreq, Check::Status, count, pid).await;
        let f = poll::cost(&mut conn, &first, Check::Envelope, count, pid).await;
        let l = poll::cost(&mut conn, &last, Check::Envelope, count, pid).await;
        point.cost_failed += h.failed + f.failed + l.failed;
        point.cost_health.push(h);
        point.first.push(f);
        point.last.push(l);
    }
    eprintln!(
        "  cost: first {} last {} health {}",
        report::time(Spread::over(&point.first, |c| c.mean_us).median),
        report::time(Spread::over(&point.last, |c| c.mean_us).median),
        report::time(Spread::over(&point.cost_health, |c| c.mean_us).median)
    );

    // Section 3: closed-loop throughput.
    let tput = Duration::from_secs_f64(s.tput_secs);
    for run in 0..s.runs {
        for is_poll in interleaved(run) {
            let (reqs, check) = if is_poll {
                (&polls, Check::Envelope)
            } else {
                (&health, Check::Status)
            };
            let t =
                poll::throughput(server.addr, reqs, check, s.tput_conns, tput, server.pid).await;
            point.tput_failed += t.failed;
            if is_poll {
                point.tput_poll.push(t);
            } else {
                point.tput_health.push(t);
            }
            server.settle(settle).await;
        }
    }
    eprintln!(
        "  throughput: poll {:.0}/s health {:.0}/s",
        Spread::over(&point.tput_poll, |t| t.rps).median,
        Spread::over(&point.tput_health, |t| t.rps).median
    );
    drop(conns);
    point
}

/// Section 4: push runs, a fresh server each.
async fn push_runs(binary: &Path, work: &Path, s: &Settings) -> Result<Vec<push::PushRun>, String> {
    let steps = push::steps_up_to(s.push_sockets);
    let mut runs = Vec::new();
    for run in 0..s.push_runs {
        let server = Server::start(
            binary,
            s.push_sockets,
            s.group_size,
            work,
            &format!("push-{run}"),
        )?;
        let registered = agents::register_all(server.addr, s.push_sockets, 16)
            .await
            .map_err(|e| format!("sign-in failed: {e}"))?;
        let r = push::run(&server, &registered, &steps, s.push_samples).await;
        eprintln!(
            "  push run {}: {:.1} KiB per socket, frame p50 {} p99 {} ({} failed opens, {} missing frames)",
            run + 1,
            r.per_socket_bytes / 1024.0,
            report::time(r.frame.p50),
            report::time(r.frame.p99),
            r.failed_opens,
            r.missing_frames
        );
        runs.push(r);
    }
    Ok(runs)
}

/// Section 5.
async fn soak_run(
    binary: &Path,
    work: &Path,
    plan: SoakPlan,
    group_size: usize,
) -> Result<soak::SoakResult, String> {
    let mut server = Server::start(binary, plan.agents, group_size, work, "soak")?;
    agents::register_all(server.addr, plan.agents, 16)
        .await
        .map_err(|e| format!("sign-in failed: {e}"))?;
    let result = soak::run(&server, plan).await;
    if !server.alive() {
        return Err(format!(
            "the server died during the soak: {}",
            server.log_tail(10)
        ));
    }
    Ok(result)
}

/// Section 7: the browser bench `bin` in the loopback-only namespace, writing `out`.
fn browser_bench(bin: &Path, out: &Path, args: &str) -> Result<(), String> {
    eprintln!("bench: browser, {} {args}", bin.display());
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let status = Command::new("scripts/netns-run.sh")
        .arg(bin)
        .arg("--out")
        .arg(out)
        .args(args.split_whitespace())
        .status()
        .map_err(|e| format!("cannot run scripts/netns-run.sh {}: {e}", bin.display()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "browser-bench failed ({status}); see its output above"
        ))
    }
}

/// Section 6: `scripts/size-report.sh DIST`, when DIST holds a build.
fn size_report(dist: &Path) -> Result<String, String> {
    if !dist.join("sdk/workbench_bg.wasm").is_file() {
        return Err(format!(
            "{} has no build (no sdk/workbench_bg.wasm): run `make build` first",
            dist.display()
        ));
    }
    // SIZE_CHECK=0: the table even when the total is over the aim (the report says so itself).
    let out = Command::new("scripts/size-report.sh")
        .arg(dist)
        .env("SIZE_CHECK", "0")
        .output()
        .map_err(|e| format!("cannot run scripts/size-report.sh: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "scripts/size-report.sh failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// This invocation, for the report.
fn command_line() -> String {
    let args: Vec<String> = std::env::args()
        .map(|a| {
            if a.is_empty() || a.contains(|c: char| c.is_whitespace() || "\"'$`\\".contains(c)) {
                format!("'{}'", a.replace('\'', "'\\''"))
            } else {
                a
            }
        })
        .collect();
    args.join(" ")
}

/// The commit the server was built from, and whether its sources had local changes.
fn git_state() -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let Some(head) = git(&["rev-parse", "--short", "HEAD"]) else {
        return "an unknown commit (not a git checkout)".into();
    };
    let dirty = git(&[
        "status",
        "--porcelain",
        "--",
        "crates/server",
        "crates/wire",
        "crates/media",
        "crates/sip",
        "crates/sign",
    ])
    .is_some_and(|s| !s.is_empty());
    if dirty {
        format!("commit {head}, with uncommitted changes in the server's sources")
    } else {
        format!("commit {head}")
    }
}

/// Which goes first in run `run` — the polls (`true`) or the health control — alternating, so neither
/// always runs on a warmer or a busier machine.
fn interleaved(run: usize) -> [bool; 2] {
    if run.is_multiple_of(2) {
        [true, false]
    } else {
        [false, true]
    }
}
