//! The report's figures: which SVG plots `bench/report.md` shows, drawn with [`crate::plot`].

use std::path::Path;

use crate::plot::{chart, Line, COLORS};
use crate::report::Results;
use crate::stats::Spread;

/// The SVG plots; returns (file name, what it shows) of those written.
pub(crate) fn write_plots(out: &Path, r: &Results) -> Vec<(String, String)> {
    let mut written = Vec::new();
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
        Figure {
            file: "poll_latency.svg",
            what: "Poll latency vs agents (1 Hz each, open loop; medians of runs)",
            title: "Poll latency vs agents (each polling at 1 Hz)",
            axes: ("agents (log)", "latency from scheduled send, ms (log)"),
            log: true,
        }
        .draw(out, &lines, &mut written);
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
        Figure {
            file: "push_rss.svg",
            what: "Server RSS vs open push sockets",
            title: "Server RSS vs open push sockets",
            axes: ("open agent-state WebSockets", "server RSS, MiB"),
            log: false,
        }
        .draw(out, &lines, &mut written);
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
        Figure {
            file: "soak_rss.svg",
            what: "Server RSS over the soak",
            title: "Server RSS during the soak",
            axes: ("seconds since the first call", "server RSS, MiB"),
            log: false,
        }
        .draw(out, &lines, &mut written);
    }
    written
}

/// One SVG plot of the report.
struct Figure {
    /// Its file name in the output directory.
    file: &'static str,
    /// What it shows, as the report lists it.
    what: &'static str,
    /// The title drawn on it.
    title: &'static str,
    /// The x and y axis descriptions.
    axes: (&'static str, &'static str),
    /// Both axes logarithmic.
    log: bool,
}

impl Figure {
    /// Draws `lines` into the output directory `out`, adding (file, what) to `written` when it worked.
    fn draw(&self, out: &Path, lines: &[Line<'_>], written: &mut Vec<(String, String)>) {
        match chart(&out.join(self.file), self.title, self.axes, lines, self.log) {
            Ok(()) => written.push((self.file.to_owned(), self.what.to_owned())),
            Err(e) => eprintln!("bench: plot {}: {e}", self.file),
        }
    }
}
