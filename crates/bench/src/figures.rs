//! The report's figures: which SVG plots `bench/report.md` shows, drawn with [`crate::plot`].

use std::path::Path;

use crate::report::Results;
use crate::stats::Spread;

/// The SVG plots; returns (file name, what it shows) of those written.
pub(crate) fn write_plots(out: &Path, r: &Results) -> Vec<(String, String)> {
    use crate::plot::{chart, Line, COLORS};
    let mut written = Vec::new();
    let mut save = |file: &str, what: &str, result: Result<(), String>| match result {
        Ok(()) => written.push((file.to_owned(), what.to_owned())),
        Err(e) => eprintln!("bench: plot {file}: {e}"),
    };
    if let Some(points) = &r.poll {
        let med = |f: fn(&crate::poll::Window) -> f64, health: bool| -> Vec<(f64, f64)> {
            points
                .iter()
                .map(|p| {
                    let ws = if health { &p.health } else { &p.poll };
                    (p.agents as f64, Spread::over(ws, f).median / 1000.0)
                })
                .filter(|p| p.1 > 0.0)
                .collect()
        };
        let lines = [
            Line {
                label: "PollUserStatus p50",
                color: COLORS[1],
                points: med(|w| w.latency.p50, false),
            },
            Line {
                label: "PollUserStatus p99",
                color: COLORS[0],
                points: med(|w| w.latency.p99, false),
            },
            Line {
                label: "health p50 (control)",
                color: COLORS[3],
                points: med(|w| w.latency.p50, true),
            },
            Line {
                label: "health p99 (control)",
                color: COLORS[5],
                points: med(|w| w.latency.p99, true),
            },
        ];
        save(
            "poll_latency.svg",
            "Poll latency vs agents (1 Hz each, open loop; medians of runs)",
            chart(
                &out.join("poll_latency.svg"),
                "Poll latency vs agents (each polling at 1 Hz)",
                ("agents (log)", "latency from scheduled send, ms (log)"),
                &lines,
                true,
            ),
        );
    }
    if let Some(Ok(runs)) = &r.push {
        let lines: Vec<Line<'_>> = runs
            .iter()
            .enumerate()
            .map(|(i, run)| Line {
                label: ["run 1", "run 2", "run 3", "run 4", "run 5", "run 6"][i % 6],
                color: COLORS[i % COLORS.len()],
                points: std::iter::once((0.0, run.baseline_kib as f64 / 1024.0))
                    .chain(
                        run.steps
                            .iter()
                            .map(|&(n, kib)| (n as f64, kib as f64 / 1024.0)),
                    )
                    .collect(),
            })
            .collect();
        save(
            "push_rss.svg",
            "Server RSS vs open push sockets",
            chart(
                &out.join("push_rss.svg"),
                "Server RSS vs open push sockets",
                ("open agent-state WebSockets", "server RSS, MiB"),
                &lines,
                false,
            ),
        );
    }
    if let Some(Ok(soak)) = &r.soak {
        let lines = [Line {
            label: "server RSS",
            color: COLORS[1],
            points: soak
                .samples
                .iter()
                .map(|x| (x.t, x.rss_kib as f64 / 1024.0))
                .collect(),
        }];
        save(
            "soak_rss.svg",
            "Server RSS over the soak",
            chart(
                &out.join("soak_rss.svg"),
                "Server RSS during the soak",
                ("seconds since the first call", "server RSS, MiB"),
                &lines,
                false,
            ),
        );
    }
    written
}
