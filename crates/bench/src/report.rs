//! What a bench run found, and its report: `bench/report.md` and the table on stdout (pure formatting).

use crate::markdown::{code, int, table, verdict};
use crate::poll::{Cost, Tput, Window};
use crate::procfs::Machine;
use crate::push::PushRun;
use crate::soak::{rss_drift, SoakResult};
use crate::stats::{ratio, ratio_spread, slope, Spread};

/// One agent count of the poll measurements (one server).
#[derive(Debug, Clone, Default)]
pub(crate) struct PollPoint {
    pub(crate) agents: usize,
    pub(crate) register_secs: f64,
    /// Open-loop PollUserStatus windows, one per run.
    pub(crate) poll: Vec<Window>,
    /// The same schedule against the health endpoint, one per run (interleaved with `poll`).
    pub(crate) health: Vec<Window>,
    /// Closed-loop cost per request, one per round: agent 1, agent N, the health endpoint.
    pub(crate) first: Vec<Cost>,
    pub(crate) last: Vec<Cost>,
    pub(crate) cost_health: Vec<Cost>,
    pub(crate) cost_failed: usize,
    /// Closed-loop requests per second, one per run.
    pub(crate) tput_poll: Vec<Tput>,
    pub(crate) tput_health: Vec<Tput>,
    pub(crate) tput_failed: usize,
    /// Why this point is incomplete, if it is.
    pub(crate) error: Option<String>,
}

/// The settings of the run, as printed in the report.
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    pub(crate) runs: usize,
    pub(crate) window_secs: f64,
    pub(crate) drain_secs: f64,
    pub(crate) cost_secs: f64,
    pub(crate) cost_rounds: usize,
    pub(crate) tput_conns: usize,
    pub(crate) tput_secs: f64,
    pub(crate) push_sockets: usize,
    pub(crate) push_runs: usize,
    pub(crate) push_samples: usize,
    pub(crate) group_size: usize,
    pub(crate) quick: bool,
}

/// Everything one `bench` invocation measured.
#[derive(Debug, Clone, Default)]
pub(crate) struct Results {
    pub(crate) command: String,
    /// Run by make (`make bench`).
    pub(crate) via_make: bool,
    pub(crate) date: String,
    pub(crate) machine: Machine,
    pub(crate) load_end: String,
    pub(crate) git: String,
    pub(crate) server_binary: String,
    pub(crate) nofile: u64,
    pub(crate) settings: Settings,
    pub(crate) poll: Option<Vec<PollPoint>>,
    pub(crate) push: Option<Result<Vec<PushRun>, String>>,
    pub(crate) soak: Option<Result<SoakResult, String>>,
    /// The soak ran smaller than `make bench`'s default: why, and how to run the full one.
    pub(crate) soak_note: Option<String>,
    pub(crate) size: Option<Result<String, String>>,
    /// `bench/browser.json` (the browser bench's results), when there is one.
    pub(crate) browser: Option<Result<serde_json::Value, String>>,
    /// The browser bench ran in this invocation (`--browser-bench`), rather than earlier.
    pub(crate) browser_fresh: bool,
    pub(crate) elapsed_secs: f64,
    /// SVG files written (file name, what it shows).
    pub(crate) plots: Vec<(String, String)>,
}

// ---------------------------------------------------------------------------------------------- formatting

/// A duration given in µs, in a unit that suits it.
pub(crate) fn time(us: f64) -> String {
    let (div, unit, dec) = unit_for(us);
    format!("{:.*} {unit}", dec, us / div)
}

fn unit_for(us: f64) -> (f64, &'static str, usize) {
    let a = us.abs();
    if a < 1_000.0 {
        (1.0, "µs", 0)
    } else if a < 10_000.0 {
        (1_000.0, "ms", 2)
    } else if a < 1_000_000.0 {
        (1_000.0, "ms", 1)
    } else {
        (1_000_000.0, "s", 2)
    }
}

/// `median unit (min–max)` of durations in µs, min and max in the median's unit.
pub(crate) fn time_spread(s: Spread) -> String {
    if s.runs == 0 {
        return "–".into();
    }
    let (div, unit, dec) = unit_for(s.median);
    if s.runs == 1 || s.min == s.max {
        return format!("{:.*} {unit}", dec, s.median / div);
    }
    format!(
        "{:.*} {unit} ({:.*}–{:.*})",
        dec,
        s.median / div,
        dec,
        s.min / div,
        dec,
        s.max / div
    )
}

/// `median (min–max)` with `dec` decimals and a unit suffix.
pub(crate) fn num_spread(s: Spread, dec: usize, unit: &str) -> String {
    if s.runs == 0 {
        return "–".into();
    }
    let sp = if unit.is_empty() { "" } else { " " };
    if s.runs == 1 || s.min == s.max {
        return format!("{:.*}{sp}{unit}", dec, s.median);
    }
    format!(
        "{:.*}{sp}{unit} ({:.*}–{:.*})",
        dec, s.median, dec, s.min, dec, s.max
    )
}

/// A ratio spread as `1.8× (1.7–1.9)`.
pub(crate) fn ratio_text(s: Spread) -> String {
    if s.runs == 0 {
        return "–".into();
    }
    if s.runs == 1 || s.min == s.max {
        return format!("{:.2}×", s.median);
    }
    format!("{:.2}× ({:.2}–{:.2})", s.median, s.min, s.max)
}

/// A ratio spread as percent: `83 % (80–85)`.
pub(crate) fn percent_text(s: Spread) -> String {
    let p = Spread {
        median: s.median * 100.0,
        min: s.min * 100.0,
        max: s.max * 100.0,
        runs: s.runs,
    };
    num_spread(p, 0, "%")
}

fn mib(kib: f64) -> String {
    format!("{:.1} MiB", kib / 1024.0)
}

// ----------------------------------------------------------------------------------------------- sections

fn pairs(a: &[Window], b: &[Window], f: impl Fn(&Window) -> f64) -> Vec<(f64, f64)> {
    a.iter().zip(b).map(|(x, y)| (f(x), f(y))).collect()
}

fn poll_rows(points: &[PollPoint]) -> Vec<Vec<String>> {
    points
        .iter()
        .map(|p| {
            let lat = |f: fn(&Window) -> f64| Spread::over(&p.poll, f);
            let hlat = |f: fn(&Window) -> f64| Spread::over(&p.health, f);
            let failed: usize = p.poll.iter().map(|w| w.failed).sum();
            let unfinished: usize = p.poll.iter().map(|w| w.unfinished).sum();
            let sent: usize = p.poll.iter().map(|w| w.scheduled).sum();
            vec![
                int(p.agents),
                time_spread(lat(|w| w.latency.p50)),
                time_spread(lat(|w| w.latency.p90)),
                time_spread(lat(|w| w.latency.p99)),
                time_spread(lat(|w| w.latency.max)),
                format!(
                    "{} / {}",
                    time_spread(lat(|w| w.service.p50)),
                    time_spread(lat(|w| w.service.p99))
                ),
                format!(
                    "{} / {}",
                    time_spread(hlat(|w| w.latency.p50)),
                    time_spread(hlat(|w| w.latency.p99))
                ),
                format!(
                    "{} / {}",
                    ratio_text(ratio_spread(&pairs(&p.poll, &p.health, |w| w.latency.p50))),
                    ratio_text(ratio_spread(&pairs(&p.poll, &p.health, |w| w.latency.p99)))
                ),
                num_spread(lat(|w| w.server_cpu), 0, "%"),
                mib(Spread::over(&p.poll, |w| w.rss_kib as f64).median),
                format!("{} / {} of {}", int(failed), int(unfinished), int(sent)),
                format!(
                    "{} / {}",
                    num_spread(lat(|w| w.bench_cpu), 0, "%"),
                    time_spread(lat(|w| w.lag.p99))
                ),
            ]
        })
        .collect()
}

fn cost_rows(points: &[PollPoint]) -> Vec<Vec<String>> {
    points
        .iter()
        .filter(|p| !p.first.is_empty())
        .map(|p| {
            let per_round = |a: &[Cost], b: &[Cost], f: fn(&Cost) -> f64| -> Spread {
                ratio_spread(
                    &a.iter()
                        .zip(b)
                        .map(|(x, y)| (f(x), f(y)))
                        .collect::<Vec<_>>(),
                )
            };
            let wall = |c: &Cost| c.mean_us;
            let cpu = |c: &Cost| c.server_us;
            vec![
                int(p.agents),
                time_spread(Spread::over(&p.first, wall)),
                time_spread(Spread::over(&p.last, wall)),
                ratio_text(per_round(&p.last, &p.first, wall)),
                time_spread(Spread::over(&p.cost_health, wall)),
                format!(
                    "{} / {}",
                    ratio_text(per_round(&p.first, &p.cost_health, wall)),
                    ratio_text(per_round(&p.last, &p.cost_health, wall))
                ),
                format!(
                    "{} / {} / {}",
                    time_spread(Spread::over(&p.first, cpu)),
                    time_spread(Spread::over(&p.last, cpu)),
                    time_spread(Spread::over(&p.cost_health, cpu))
                ),
                int(p.cost_failed),
            ]
        })
        .collect()
}

fn tput_ratio(p: &PollPoint) -> Spread {
    let pairs: Vec<(f64, f64)> = p
        .tput_poll
        .iter()
        .zip(&p.tput_health)
        .map(|(a, b)| (a.rps, b.rps))
        .collect();
    ratio_spread(&pairs)
}

fn tput_rows(points: &[PollPoint]) -> Vec<Vec<String>> {
    points
        .iter()
        .filter(|p| !p.tput_poll.is_empty())
        .map(|p| {
            let r = tput_ratio(p);
            let us = |t: &[Tput]| Spread::over(t, Tput::server_us_per_request);
            let cpu = |t: &[Tput]| {
                format!(
                    "{} / {}",
                    num_spread(Spread::over(t, |x| x.server_cpu), 0, "%"),
                    num_spread(Spread::over(t, |x| x.bench_cpu), 0, "%")
                )
            };
            vec![
                int(p.agents),
                num_spread(Spread::over(&p.tput_poll, |t| t.rps), 0, "req/s"),
                num_spread(Spread::over(&p.tput_health, |t| t.rps), 0, "req/s"),
                percent_text(r),
                verdict((r.runs > 0).then_some(r.median >= 0.7)).into(),
                format!(
                    "{} / {}",
                    time_spread(us(&p.tput_poll)),
                    time_spread(us(&p.tput_health))
                ),
                format!("{} · {}", cpu(&p.tput_poll), cpu(&p.tput_health)),
                int(p.tput_failed),
            ]
        })
        .collect()
}

/// The summary: one line per headline number, with the issue's aim where it has one.
pub(crate) fn summary(r: &Results) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    if let Some(points) = &r.poll {
        for p in points {
            let p99 = Spread::over(&p.poll, |w| w.latency.p99);
            let p50 = Spread::over(&p.poll, |w| w.latency.p50);
            rows.push(vec![
                format!("Poll latency p50 / p99, {} agents at 1 Hz", int(p.agents)),
                format!("{} / {}", time_spread(p50), time_spread(p99)),
                format!(
                    "p99 {} of health",
                    ratio_text(ratio_spread(&pairs(&p.poll, &p.health, |w| w.latency.p99)))
                ),
                "–".into(),
            ]);
        }
        for p in points.iter().filter(|p| !p.first.is_empty()) {
            let first = Spread::over(&p.first, |c| c.mean_us).median;
            let last = Spread::over(&p.last, |c| c.mean_us).median;
            rows.push(vec![
                format!("Poll cost first / last agent, {} agents", int(p.agents)),
                format!("{} / {}", time(first), time(last)),
                format!(
                    "last {:.1}× first; health {}",
                    ratio(last, first),
                    time(Spread::over(&p.cost_health, |c| c.mean_us).median)
                ),
                "–".into(),
            ]);
        }
        for p in points.iter().filter(|p| !p.tput_poll.is_empty()) {
            let t = tput_ratio(p);
            rows.push(vec![
                format!("Poll throughput ÷ health, {} agents", int(p.agents)),
                percent_text(t),
                "aim ≥ 70 %".into(),
                verdict((t.runs > 0).then_some(t.median >= 0.7)).into(),
            ]);
        }
    }
    if let Some(Ok(runs)) = &r.push {
        let per = Spread::over(runs, |x| x.per_socket_bytes / 1024.0);
        let sockets = runs
            .iter()
            .filter_map(|x| x.steps.last())
            .map(|s| s.0)
            .max();
        rows.push(vec![
            format!(
                "Server RSS per idle push socket ({} sockets)",
                int(sockets.unwrap_or(0))
            ),
            num_spread(per, 1, "KiB"),
            "aim ≤ 16 KB".into(),
            verdict((per.runs > 0).then_some(per.median <= 16.0)).into(),
        ]);
        let p99 = Spread::over(runs, |x| x.frame.p99);
        rows.push(vec![
            "State change → push frame p50 / p99".into(),
            format!(
                "{} / {}",
                time_spread(Spread::over(runs, |x| x.frame.p50)),
                time_spread(p99)
            ),
            "aim p99 < 5 ms".into(),
            verdict((p99.runs > 0).then_some(p99.median < 5_000.0)).into(),
        ]);
    }
    if let Some(Ok(s)) = &r.soak {
        let made = s.plan.map_or(0, |p| p.calls);
        rows.push(vec![
            "Soak: calls placed / answered / released".into(),
            format!(
                "{} / {} / {}",
                int(s.placed),
                int(s.answered),
                int(s.released)
            ),
            format!("of {} scheduled", int(made)),
            verdict(Some(s.placed == made && s.answered == made)).into(),
        ]);
        let not_ready: usize = s.not_ready.values().sum();
        rows.push(vec![
            "Soak: calls stuck / agents not READY at the end".into(),
            format!("{} / {}", int(s.stuck_calls), int(not_ready)),
            "aim 0 / 0".into(),
            verdict(Some(s.stuck_calls == 0 && not_ready == 0)).into(),
        ]);
        rows.push(vec![
            "Soak: call records listed vs calls answered".into(),
            format!("{} vs {}", int(s.records_of_ours), int(s.answered)),
            "ListRecentCallDetailRecords, paged".into(),
            verdict(Some(s.records_of_ours == s.answered)).into(),
        ]);
        rows.push(vec![
            "Soak: 5xx answers".into(),
            int(s.http_5xx),
            format!("of {} requests", int(s.requests)),
            verdict(Some(s.http_5xx == 0)).into(),
        ]);
        if let Some((lo, hi, _)) = rss_drift(&s.samples, s.warmup_secs) {
            rows.push(vec![
                "Soak: server RSS after warm-up".into(),
                format!("{:+.1} % … {:+.1} %", lo * 100.0, hi * 100.0),
                "aim flat ± 10 %".into(),
                verdict(Some(lo >= -0.10 && hi <= 0.10)).into(),
            ]);
        }
    }
    if let Some(Ok(size)) = &r.size {
        if let Some(total) = size_total_gzip(size) {
            rows.push(vec![
                "Download size (JS + wasm + CSS, gzip -9)".into(),
                format!("{} B ({:.1} KB)", int(total), total as f64 / 1024.0),
                "aim ≤ 180,000 B gzip".into(),
                verdict(Some(total <= 180_000)).into(),
            ]);
        }
    }
    if let Some(Ok(b)) = &r.browser {
        rows.extend(crate::browser::summary_rows(b));
    }
    table(&["Measurement", "Result", "Context", "Aim"], &rows)
}

/// The gzip total of `scripts/size-report.sh`'s output (its `total` line's third column).
pub(crate) fn size_total_gzip(output: &str) -> Option<usize> {
    output
        .lines()
        .find(|l| l.starts_with("total"))
        .and_then(|l| l.split_whitespace().nth(2))
        .and_then(|n| n.parse().ok())
}

/// The whole `bench/report.md`.
pub(crate) fn markdown(r: &Results) -> String {
    let s = &r.settings;
    let mut out = String::new();
    out.push_str("# Server benchmark (`make bench`)\n\n");
    out.push_str(
        "The emulator (`workbench-server`, release build) measured at call-center scale on one machine, over \
         loopback, by `crates/bench`. Numbers are medians of several runs with their range (min–max); every \
         timing is also given as a ratio to a control measured in the same run — the health endpoint \
         `GET /emulator/v1/health`, the cheapest request the server answers — so a slower or busier machine \
         moves both. Other builds may have been running on the machine: see the load averages.\n\n",
    );
    let m = &r.machine;
    out.push_str(&table(
        &["", ""],
        &[
            vec!["Date".into(), r.date.clone()],
            vec![
                "Command".into(),
                format!(
                    "{}{}",
                    code(&r.command),
                    if r.via_make {
                        " (run by `make bench`)"
                    } else {
                        ""
                    }
                ),
            ],
            vec![
                "Server".into(),
                format!("`{}` at {}", r.server_binary, r.git),
            ],
            vec![
                "Machine".into(),
                format!(
                    "{} × {}, {:.1} GiB, Linux {}",
                    m.nproc,
                    m.cpu_model,
                    m.mem_total_kib as f64 / 1_048_576.0,
                    m.kernel
                ),
            ],
            vec![
                "Load average (1/5/15 min)".into(),
                format!("{} at the start, {} at the end", m.loadavg, r.load_end),
            ],
            vec![
                "Open-file limit (bench and server)".into(),
                int(r.nofile as usize),
            ],
            vec![
                "Duration".into(),
                format!(
                    "{:.0} s{}",
                    r.elapsed_secs,
                    if s.quick { " (`--quick`)" } else { "" }
                ),
            ],
        ],
    ));
    out.push_str("\n## Summary\n\n");
    out.push_str(&summary(r));

    out.push_str("\n## 1. Poll latency vs number of agents\n\n");
    match &r.poll {
        None => out.push_str("Not run in this invocation (`--only`).\n"),
        Some(points) => {
            out.push_str(&format!(
                "Every agent signed in (GetLoginDetails, ListSkillLevelsOfUser, SignInGroup, ReadyForService) and \
                 READY, each on its own keep-alive connection, polling PollUserStatus once a second, open loop: the \
                 sends are scheduled uniformly over the second and latency runs from the scheduled send time, so \
                 a request that waits behind a slow one counts its wait (no coordinated omission). {runs} runs of \
                 {win:.0} s per agent count, each paired with the same schedule against the health endpoint \
                 (interleaved); answers still missing {drain:.0} s after a window count with their age then \
                 (\"unfinished\"). Server CPU is utime + stime from `/proc/PID/stat` over the window (100 % = one \
                 core), RSS is VmRSS at the window's end. \"Service\" is sent → answered, without the wait for the \
                 send. Send lag (scheduled → sent, p99) is the timer's lateness plus, like a panel that polls again \
                 only after the last answer, the wait for the connection's previous answer: with the bench's own CPU \
                 it tells whether the load generator or the server was the limit. The sends are scheduled with a \
                 1 ms timer, so latencies from the scheduled time carry up to ~1 ms of it (the health control \
                 carries the same).\n\n",
                runs = s.runs,
                win = s.window_secs,
                drain = s.drain_secs
            ));
            out.push_str(&table(
                &[
                    "agents",
                    "p50",
                    "p90",
                    "p99",
                    "max",
                    "service p50 / p99",
                    "health p50 / p99",
                    "÷ health p50 / p99",
                    "server CPU",
                    "server RSS",
                    "failed / unfinished of sent",
                    "bench CPU / send lag p99",
                ],
                &poll_rows(points),
            ));
            for p in points {
                if let Some(e) = &p.error {
                    out.push_str(&format!("\n{} agents: incomplete — {e}\n", int(p.agents)));
                }
            }
            let reg: Vec<String> = points
                .iter()
                .map(|p| format!("{}: {:.1} s", int(p.agents), p.register_secs))
                .collect();
            out.push_str(&format!(
                "\nSigning every agent in took (16 connections): {}.\n",
                reg.join(", ")
            ));

            out.push_str("\n## 2. A poll's cost: first vs last configured agent\n\n");
            out.push_str(&format!(
                "Closed loop on one connection, nothing else running: requests one after the other for {:.1} s per \
                 measurement ({} requests in all), mean time per request; {} rounds, each measuring the health \
                 endpoint, agent 1 (first in the config) and agent N (last). Times are the client's (send → whole answer, loopback and both HTTP stacks included); \
                 the server's own CPU time per request (utime + stime ÷ requests, 10 ms clock ticks) is given too. \
                 The issue reported 45 µs for the first vs 250 µs for the last at 5,000 agents (the server walks \
                 the agent list).\n\n",
                s.cost_secs,
                int(points
                    .iter()
                    .flat_map(|p| p.first.iter().chain(&p.last).chain(&p.cost_health))
                    .map(|c| c.requests)
                    .sum()),
                s.cost_rounds
            ));
            out.push_str(&table(
                &[
                    "agents",
                    "first agent",
                    "last agent",
                    "last ÷ first",
                    "health",
                    "first / last ÷ health",
                    "server CPU per request: first / last / health",
                    "failed",
                ],
                &cost_rows(points),
            ));

            out.push_str("\n## 3. Closed-loop throughput\n\n");
            out.push_str(&format!(
                "{} keep-alive connections, each sending the next request as soon as the last answered, for {:.0} s: \
                 PollUserStatus of pseudo-random agents vs the health endpoint, {} runs each, interleaved. The aim \
                 is ≥ 70 % of the health endpoint's rate. The bench shares the machine's cores with the server, so \
                 the server's CPU time per answer (its CPU over the run ÷ answers) is given too: it does not depend \
                 on how much CPU the load generator took.\n\n",
                s.tput_conns, s.tput_secs, s.runs
            ));
            out.push_str(&table(
                &[
                    "agents",
                    "PollUserStatus",
                    "health",
                    "poll ÷ health",
                    "aim ≥ 70 %",
                    "server CPU per answer, poll / health",
                    "server / bench CPU, poll · health",
                    "failed",
                ],
                &tput_rows(points),
            ));
        }
    }

    out.push_str("\n## 4. Push: idle sockets and state change → frame\n\n");
    match &r.push {
        None => out.push_str("Not run in this invocation (`--only`).\n"),
        Some(Err(e)) => out.push_str(&format!("Failed: {e}\n")),
        Some(Ok(runs)) => {
            out.push_str(&format!(
                "A fresh server per run with {} agents signed in and READY; the agent-state WebSockets \
                 (`AgentServerUrl` of GetLoginDetails) opened step by step, each counted once it got its first \
                 snapshot; the server's RSS read 1 s after each step once it was idle. RSS per socket = (RSS with \
                 all sockets − RSS with none) ÷ sockets. Then, with every socket open, {} sampled agents each \
                 TakeBreak and ReadyForService: the time from sending the request to that agent's socket receiving \
                 the UserStatus frame with the new state (the request's own answer and a health request on the \
                 same connection are the controls). {} runs.\n\n",
                int(s.push_sockets),
                s.push_samples,
                runs.len()
            ));
            let steps: Vec<usize> = runs
                .first()
                .map(|r| r.steps.iter().map(|s| s.0).collect())
                .unwrap_or_default();
            let mut rows = vec![vec![
                "0".to_string(),
                mib(Spread::over(runs, |x| x.baseline_kib as f64).median),
                "–".into(),
            ]];
            for (i, n) in steps.iter().enumerate() {
                let rss = Spread::over(runs, |x| x.steps.get(i).map_or(f64::NAN, |s| s.1 as f64));
                let per = Spread::over(runs, |x| match x.steps.get(i) {
                    Some(&(open, kib)) if open > 0 => {
                        (kib as f64 - x.baseline_kib as f64) / open as f64
                    }
                    _ => f64::NAN,
                });
                rows.push(vec![int(*n), mib(rss.median), num_spread(per, 1, "KiB")]);
            }
            out.push_str(&table(
                &["open sockets", "server RSS", "RSS per socket"],
                &rows,
            ));
            let sp = |f: fn(&PushRun) -> f64| Spread::over(runs, f);
            let p50_pairs: Vec<(f64, f64)> =
                runs.iter().map(|x| (x.frame.p50, x.health.p50)).collect();
            let p99_pairs: Vec<(f64, f64)> =
                runs.iter().map(|x| (x.frame.p99, x.health.p99)).collect();
            out.push('\n');
            out.push_str(&table(
                &["", "result"],
                &[
                    vec!["frame p50".into(), time_spread(sp(|x| x.frame.p50))],
                    vec![
                        "frame p99 (aim < 5 ms)".into(),
                        time_spread(sp(|x| x.frame.p99)),
                    ],
                    vec!["frame max".into(), time_spread(sp(|x| x.frame.max))],
                    vec![
                        "the request's own answer p50 / p99".into(),
                        format!(
                            "{} / {}",
                            time_spread(sp(|x| x.http.p50)),
                            time_spread(sp(|x| x.http.p99))
                        ),
                    ],
                    vec![
                        "health p50 / p99 (control)".into(),
                        format!(
                            "{} / {}",
                            time_spread(sp(|x| x.health.p50)),
                            time_spread(sp(|x| x.health.p99))
                        ),
                    ],
                    vec![
                        "frame ÷ health, p50 / p99".into(),
                        format!(
                            "{} / {}",
                            ratio_text(ratio_spread(&p50_pairs)),
                            ratio_text(ratio_spread(&p99_pairs))
                        ),
                    ],
                    vec![
                        "state changes measured / frames missing / requests failed".into(),
                        format!(
                            "{} / {} / {}",
                            int(runs.iter().map(|x| x.frame.count).sum()),
                            int(runs.iter().map(|x| x.missing_frames).sum()),
                            int(runs.iter().map(|x| x.failed_requests).sum())
                        ),
                    ],
                    vec![
                        "sockets failed to open / lost while open".into(),
                        format!(
                            "{} / {}",
                            int(runs.iter().map(|x| x.failed_opens).sum()),
                            int(runs.iter().map(|x| x.lost_sockets).sum())
                        ),
                    ],
                    vec![
                        "server CPU with every socket open, idle".into(),
                        num_spread(sp(|x| x.idle_cpu), 1, "%"),
                    ],
                ],
            ));
        }
    }

    out.push_str("\n## 5. Soak\n\n");
    if let Some(note) = &r.soak_note {
        out.push_str(&format!("{note}\n\n"));
    }
    match &r.soak {
        None => out.push_str("Not run in this invocation (`--only`).\n"),
        Some(Err(e)) => out.push_str(&format!("Failed: {e}\n")),
        Some(Ok(so)) => out.push_str(&soak_section(so)),
    }

    out.push_str("\n## 6. Download size\n\n");
    match &r.size {
        None => out.push_str("Not run in this invocation (`--only`).\n"),
        Some(Err(e)) => out.push_str(&format!("Not measured: {e}\n")),
        Some(Ok(text)) => {
            out.push_str("`scripts/size-report.sh dist` on the `dist/` present at the time (bytes):\n\n```\n");
            out.push_str(text.trim_end());
            out.push_str("\n```\n");
        }
    }

    out.push_str("\n## 7. Browser\n\n");
    match &r.browser {
        Some(Ok(b)) => out.push_str(&crate::browser::section(b, r.browser_fresh)),
        Some(Err(e)) => out.push_str(&format!("Not measured: {e}\n")),
        None => out.push_str(
            "Not measured: no `bench/browser.json` (`make bench` runs `browser-bench` in headless Chromium: \
             start-up against a blank page, push → hook latency in the page, browser memory per call).\n\n\
             - Browser start-up (navigation to `onInit`): not measured.\n\
             - Push → hook latency in the page: not measured.\n\
             - Browser memory per call: not measured.\n",
        ),
    }

    if !r.plots.is_empty() {
        out.push_str("\n## Plots\n\n");
        for (file, what) in &r.plots {
            out.push_str(&format!("![{what}]({file})\n\n"));
        }
    }
    out
}

fn soak_section(s: &SoakResult) -> String {
    let mut out = String::new();
    if let Some(p) = s.plan {
        out.push_str(&format!(
            "{} inbound calls over {} agents at {} calls/s, placed through the control API (`POST \
             /emulator/v1/inbound-calls`, open loop on a fixed schedule, {} connections). The bench plays each \
             agent: AnswerCall as soon as the call is routed to it, {} ms of talk, ReleaseCall, {} ms of \
             after-call work (WORKING), ReadyForService; every agent also polls PollUserStatus at {} Hz. \
             Afterwards: live calls left, agents not READY, and ListRecentCallDetailRecords paged through (100 a \
             page) for every agent since the soak's start. Server RSS and CPU sampled every few seconds; \
             \"after warm-up\" means after the first {:.0} s.\n\n",
            int(p.calls),
            int(p.agents),
            p.rate,
            p.placers,
            p.talk.as_millis(),
            p.acw.as_millis(),
            p.poll_hz,
            s.warmup_secs
        ));
    }
    let not_ready: Vec<String> = s
        .not_ready
        .iter()
        .map(|(k, v)| format!("{k}: {}", int(*v)))
        .collect();
    let failures: Vec<String> = s
        .failures
        .iter()
        .map(|(k, v)| format!("{k}: {}", int(*v)))
        .collect();
    let mut rows = vec![
        vec![
            "calls placed / refused (nobody READY) / failed to place".into(),
            format!(
                "{} / {} / {}",
                int(s.placed),
                int(s.refused),
                int(s.place_failed)
            ),
        ],
        vec![
            "answered / released / agents READY again".into(),
            format!(
                "{} / {} / {}",
                int(s.answered),
                int(s.released),
                int(s.readied)
            ),
        ],
        vec![
            "calls still live at the end (stuck)".into(),
            int(s.stuck_calls),
        ],
        vec![
            "agents not READY at the end".into(),
            if not_ready.is_empty() {
                "0".into()
            } else {
                not_ready.join(", ")
            },
        ],
        vec![
            "ListRecentCallDetailRecords: records of this soak's calls / all listed / pages read"
                .into(),
            format!(
                "{} / {} / {} — vs {} calls answered",
                int(s.records_of_ours),
                int(s.records),
                int(s.record_pages),
                int(s.answered)
            ),
        ],
        vec![
            "requests / 5xx / no HTTP answer".into(),
            format!(
                "{} / {} / {}",
                int(s.requests),
                int(s.http_5xx),
                int(s.transport_errors)
            ),
        ],
        vec![
            "failed answers by action".into(),
            if failures.is_empty() {
                "none".into()
            } else {
                failures.join(", ")
            },
        ],
        vec![
            "placing took / whole soak".into(),
            format!(
                "{:.0} s ({:.1} calls/s) / {:.0} s",
                s.placing_secs,
                s.placed as f64 / s.placing_secs.max(1e-9),
                s.total_secs
            ),
        ],
        vec![
            "placement latency p50 / p99 (from schedule)".into(),
            format!(
                "{} / {}",
                time(s.place_latency.p50),
                time(s.place_latency.p99)
            ),
        ],
        vec![
            "AnswerCall p50 / p99".into(),
            format!(
                "{} / {}",
                time(s.answer_latency.p50),
                time(s.answer_latency.p99)
            ),
        ],
        vec![
            "PollUserStatus p50 / p99 (from schedule)".into(),
            format!(
                "{} / {}",
                time(s.poll_latency.p50),
                time(s.poll_latency.p99)
            ),
        ],
        vec![
            "health p50 / p99 (control)".into(),
            format!(
                "{} / {}",
                time(s.health_latency.p50),
                time(s.health_latency.p99)
            ),
        ],
    ];
    if s.unfinished_agent_work > 0 {
        rows.push(vec![
            "calls the agents had not finished when the drain ended".into(),
            int(s.unfinished_agent_work),
        ]);
    }
    if let (Some(first), Some(last)) = (s.samples.first(), s.samples.last()) {
        let peak = s.samples.iter().map(|x| x.rss_kib).max().unwrap_or(0);
        rows.push(vec![
            "server RSS: first sample / peak / last".into(),
            format!(
                "{} / {} / {}",
                mib(first.rss_kib as f64),
                mib(peak as f64),
                mib(last.rss_kib as f64)
            ),
        ]);
    }
    if let Some((lo, hi, last)) = rss_drift(&s.samples, s.warmup_secs) {
        rows.push(vec![
            "server RSS after warm-up, vs its value at the end of warm-up: low … high (at the end)"
                .into(),
            format!(
                "{:+.1} % … {:+.1} % ({:+.1} %) — aim ± 10 %",
                lo * 100.0,
                hi * 100.0,
                last * 100.0
            ),
        ]);
    }
    let trend: Vec<(f64, f64)> = s
        .samples
        .iter()
        .filter(|x| x.t >= s.warmup_secs)
        .map(|x| (x.placed as f64, x.rss_kib as f64))
        .collect();
    if trend.len() >= 2 {
        rows.push(vec![
            "server RSS trend after warm-up (least squares over calls placed)".into(),
            format!("{:+.1} KiB per 1,000 calls", slope(&trend) * 1000.0),
        ]);
    }
    let cpu: Vec<f64> = s.samples.iter().map(|x| x.cpu).collect();
    if !cpu.is_empty() {
        rows.push(vec![
            "server CPU (median of samples)".into(),
            format!("{:.0} % of one core", Spread::of(&cpu).median),
        ]);
    }
    out.push_str(&table(&["", "result"], &rows));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Percentiles;

    #[test]
    fn times_pick_their_unit() {
        assert_eq!(time(45.4), "45 µs");
        assert_eq!(time(1_234.0), "1.23 ms");
        assert_eq!(time(45_600.0), "45.6 ms");
        assert_eq!(time(2_500_000.0), "2.50 s");
        let s = Spread {
            median: 1_500.0,
            min: 900.0,
            max: 2_100.0,
            runs: 3,
        };
        assert_eq!(time_spread(s), "1.50 ms (0.90–2.10)");
        assert_eq!(time_spread(Spread::default()), "–");
        assert_eq!(time_spread(Spread { runs: 1, ..s }), "1.50 ms");
    }

    #[test]
    fn numbers_and_ratios() {
        let s = Spread::of(&[0.8, 0.75, 0.9]);
        assert_eq!(percent_text(s), "80 % (75–90)");
        assert_eq!(ratio_text(Spread::of(&[2.0, 1.5])), "1.75× (1.50–2.00)");
        assert_eq!(num_spread(Spread::of(&[3.0]), 1, "KiB"), "3.0 KiB");
        assert_eq!(num_spread(Spread::of(&[3.0, 4.0]), 0, ""), "4 (3–4)");
        assert_eq!(int(100_000), "100,000");
        assert_eq!(int(999), "999");
        assert_eq!(int(1_000), "1,000");
    }

    #[test]
    fn size_total() {
        let out = "file raw gzip-9\nsdk/workbench.js 10 5\ntotal 939687 367713  (359.1 KB gzip; aim 180,000 B)\n";
        assert_eq!(size_total_gzip(out), Some(367_713));
        assert_eq!(size_total_gzip("nothing"), None);
    }

    fn cost(mean_us: f64) -> Cost {
        Cost {
            mean_us,
            server_us: mean_us / 2.0,
            requests: 100,
            failed: 0,
        }
    }

    fn window(p50: f64, p99: f64) -> Window {
        Window {
            latency: Percentiles {
                count: 10,
                p50,
                p90: p99,
                p99,
                max: p99,
            },
            scheduled: 10,
            ok: 10,
            ..Window::default()
        }
    }

    #[test]
    fn a_report_names_what_it_did_not_measure() {
        let point = PollPoint {
            agents: 5_000,
            poll: vec![window(400.0, 2_000.0), window(500.0, 3_000.0)],
            health: vec![window(200.0, 1_000.0), window(250.0, 1_000.0)],
            first: vec![cost(45.0), cost(50.0)],
            last: vec![cost(250.0), cost(260.0)],
            cost_health: vec![cost(20.0), cost(22.0)],
            tput_poll: vec![Tput {
                rps: 6_000.0,
                server_cpu: 60.0,
                ..Tput::default()
            }],
            tput_health: vec![Tput {
                rps: 10_000.0,
                server_cpu: 50.0,
                ..Tput::default()
            }],
            ..PollPoint::default()
        };
        let r = Results {
            command: "bench --quick".into(),
            poll: Some(vec![point]),
            size: Some(Err("dist/ is missing".into())),
            ..Results::default()
        };
        let md = markdown(&r);
        assert!(md.contains("| 5,000 | 450 µs (400–500) |"), "{md}");
        assert!(md.contains("2.50× (2.00–3.00)"), "{md}");
        assert!(
            md.contains("Poll throughput ÷ health, 5,000 agents | 60 % | aim ≥ 70 % | **not met**"),
            "{md}"
        );
        assert!(md.contains("last 5.4× first"), "{md}");
        assert!(md.contains("| 100 µs / 50 µs |"), "{md}");
        assert!(md.contains("Browser start-up (navigation to `onInit`): not measured."));
        assert!(md.contains("Not measured: dist/ is missing"));
        assert!(md.contains(
            "## 4. Push: idle sockets and state change → frame\n\nNot run in this invocation"
        ));
        assert!(md.contains("`bench --quick`"));
    }
}
