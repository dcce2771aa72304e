//! The report's "Browser" section and Summary rows, from `bench/browser.json`: what
//! `crates/e2e/src/bin/browser-bench/main.rs` measured of the panel in headless Chromium (start-up against a
//! blank page, push → hook latency against the health round trip, renderer memory and live media objects
//! over many calls). This module only reads and formats that file (pure formatting, like `report.rs`).

use std::path::Path;

use serde_json::Value;

use crate::markdown::{code, int, table, verdict};

/// Reads `path`: `None` when there is no such file, `Err` when it is not the browser bench's JSON.
pub(crate) fn load(path: &Path) -> Option<Result<Value, String>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => return Some(Err(format!("cannot read {}: {e}", path.display()))),
    };
    Some(
        serde_json::from_str::<Value>(&text)
            .map_err(|e| format!("{} is not JSON: {e}", path.display()))
            .and_then(|v| {
                if v["memory"].is_object() && v["startup"].is_object() {
                    Ok(v)
                } else {
                    Err(format!(
                        "{} is not browser-bench's output (no startup/memory)",
                        path.display()
                    ))
                }
            }),
    )
}

fn f(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// `50.2 ms (44.7–76.5)` from a `{median, min, max}` of milliseconds.
fn ms_spread(s: &Value) -> String {
    match (f(&s["median"]), f(&s["min"]), f(&s["max"])) {
        (Some(m), Some(lo), Some(hi)) if lo != hi => format!("{m:.1} ms ({lo:.1}–{hi:.1})"),
        (Some(m), _, _) => format!("{m:.1} ms"),
        _ => "–".into(),
    }
}

/// `1.62× (1.41–2.27)`.
fn ratio_spread(s: &Value) -> String {
    match (f(&s["median"]), f(&s["min"]), f(&s["max"])) {
        (Some(m), Some(lo), Some(hi)) if lo != hi => format!("{m:.2}× ({lo:.2}–{hi:.2})"),
        (Some(m), _, _) => format!("{m:.2}×"),
        _ => "–".into(),
    }
}

fn ms(v: &Value) -> String {
    f(v).map_or_else(|| "–".into(), |x| format!("{x:.1} ms"))
}

fn mib(v: &Value) -> String {
    f(v).map_or_else(|| "–".into(), |x| format!("{:.1} MiB", x / 1_048_576.0))
}

fn count(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

/// What is left between calls, in words.
fn live_text(live: &Value) -> String {
    format!(
        "{} streams, {} live tracks, {} media elements with a source, {} open AudioContexts, {} open peer connections",
        count(&live["streams"]),
        count(&live["liveTracks"]),
        count(&live["mediaElementsWithSource"]),
        count(&live["openAudioContexts"]),
        count(&live["openPeerConnections"])
    )
}

/// The RSS range after the warm-up, and whether it is within ±5 %.
fn rss_range(b: &Value) -> Option<(f64, f64, bool)> {
    let r = &b["memory"]["rssAfterWarmup"];
    let (lo, hi) = (f(&r["minChangePct"])?, f(&r["maxChangePct"])?);
    Some((lo, hi, lo >= -5.0 && hi <= 5.0))
}

/// The Summary's rows for the browser's aims.
pub(crate) fn summary_rows(b: &Value) -> Vec<Vec<String>> {
    let s = &b["startup"];
    let p = &b["pushToHook"];
    let m = &b["memory"];
    let mut rows = vec![
        vec![
            "Browser start-up: navigation → `onInit`".into(),
            ms_spread(&s["hostOnInitMs"]),
            format!(
                "{} a blank page's load ({})",
                ratio_spread(&s["ratio"]),
                ms_spread(&s["blankLoadMs"])
            ),
            "reported".into(),
        ],
        vec![
            "Browser: push → `onCallComing` in the page, p50 / p99".into(),
            format!(
                "{} / {}",
                ms(&p["latencyMs"]["median"]),
                ms(&p["latencyMs"]["p99"])
            ),
            format!(
                "p50 {:.2}× the page's health round trip ({}), {:.2}× the bench's ({})",
                f(&p["ratioToPageHealth"]).unwrap_or(0.0),
                ms(&p["controlPageHealthMs"]["median"]),
                f(&p["ratioToBenchHealth"]).unwrap_or(0.0),
                ms(&p["controlBenchHealthMs"]["median"])
            ),
            "–".into(),
        ],
    ];
    let calls = count(&m["calls"]) as usize;
    match rss_range(b) {
        Some((lo, hi, flat)) => rows.push(vec![
            format!(
                "Browser: renderer RSS over {} calls, after warm-up",
                int(calls)
            ),
            format!("{lo:+.1} % … {hi:+.1} %"),
            format!(
                "aim flat ± 5 %; slope {:.0} KiB per 100 calls",
                f(&m["rssAfterWarmup"]["slopeBytesPer100Calls"]).unwrap_or(0.0) / 1024.0
            ),
            verdict(Some(flat)).into(),
        ]),
        None => rows.push(vec![
            "Browser: renderer RSS after warm-up".into(),
            "–".into(),
            "no samples after the warm-up".into(),
            verdict(None).into(),
        ]),
    }
    let clear = m["nothingLiveBetweenCalls"].as_bool();
    rows.push(vec![
        "Browser: media objects left between calls".into(),
        live_text(&m["liveBetweenCallsMax"]),
        format!(
            "aim 0, once Chromium let go (median {} after the call)",
            ms(&m["settleMs"]["median"])
        ),
        verdict(clear).into(),
    ]);
    if calls < 500 {
        rows.push(vec![
            "Browser: calls in the memory run".into(),
            int(calls),
            "the aim is stated over 500 calls".into(),
            verdict(Some(false)).into(),
        ]);
    }
    rows
}

/// The "Browser" section.
pub(crate) fn section(b: &Value, fresh: bool) -> String {
    let s = &b["startup"];
    let p = &b["pushToHook"];
    let m = &b["memory"];
    let mut out = String::new();
    out.push_str(&format!(
        "The release panel (`dist/`) in headless {} on a CRM page of its own origin (the e2e harness's \
         `HostSite`, embedding the SDK as a host does), against the server with its emulator in the bench's \
         process (a debug build, so its share of each time is in the controls too), inside the loopback-only \
         namespace, by `crates/e2e/src/bin/browser-bench/main.rs` — {} ({}, commit {}, {}). Every wait is for a \
         condition; each timing has a control measured in the same run. {}\n\n",
        b["chromium"].as_str().unwrap_or("Chromium"),
        if fresh {
            "run by this invocation"
        } else {
            "**from an earlier run** (bench/browser.json was not rewritten by this invocation)"
        },
        b["date"].as_str().unwrap_or("?"),
        b["commit"].as_str().unwrap_or("?"),
        code(b["command"].as_str().unwrap_or("browser-bench")),
        if b["backForwardCache"] == false {
            "Chromium's back/forward cache is off, so no page the start-up phase left behind stays in the \
             renderer through the calls."
        } else {
            "Chromium's back/forward cache was on: pages the start-up phase left behind stayed in the renderer \
             through the calls (later runs turn it off)."
        },
    ));
    out.push_str("### Start-up\n\n");
    out.push_str(&format!(
        "Navigation → the host's `onInit` hook (its `performance.now()`), against a blank page from the same \
         server: navigation → its load event (`loadEventEnd`); the two alternate, {} repetitions after a \
         discarded warm-up, each CRM page left only once the panel was ready (3).\n\n",
        count(&s["runs"])
    ));
    out.push_str(&table(
        &["", "median (min–max)"],
        &[
            vec![
                "navigation → `onInit`".into(),
                ms_spread(&s["hostOnInitMs"]),
            ],
            vec![
                "blank page: navigation → load (control)".into(),
                ms_spread(&s["blankLoadMs"]),
            ],
            vec!["ratio, per repetition".into(), ratio_spread(&s["ratio"])],
        ],
    ));
    out.push_str("\n### Push → hook in the page\n\n");
    out.push_str(&format!(
        "For each of the {} calls: from the bench placing the inbound call (`POST /emulator/v1/inbound-calls`; \
         its wall clock just before the request) to the host's `onCallComing` running (`Date.now()` in the \
         hook; same machine, same clock, so ±1 ms). Controls, just before each call: the health endpoint's \
         round trip from the bench and from the page (`fetch`).\n\n",
        int(count(&p["calls"]) as usize)
    ));
    out.push_str(&table(
        &["", "p50", "p99", "min", "max"],
        &[
            ("placed → `onCallComing`", &p["latencyMs"]),
            (
                "health round trip from the page (control)",
                &p["controlPageHealthMs"],
            ),
            (
                "health round trip from the bench (control)",
                &p["controlBenchHealthMs"],
            ),
        ]
        .iter()
        .map(|(name, v)| {
            vec![
                (*name).to_string(),
                ms(&v["median"]),
                ms(&v["p99"]),
                ms(&v["min"]),
                ms(&v["max"]),
            ]
        })
        .collect::<Vec<_>>(),
    ));
    out.push_str(&format!(
        "\np50 ratio: {:.2}× the page's health round trip, {:.2}× the bench's.\n",
        f(&p["ratioToPageHealth"]).unwrap_or(0.0),
        f(&p["ratioToBenchHealth"]).unwrap_or(0.0)
    ));
    out.push_str("\n### Memory and media objects over calls\n\n");
    let r = &m["rssAfterWarmup"];
    out.push_str(&format!(
        "{} inbound calls (rung, answered with `answer()`, voice flowing — the customer leg hears the agent's \
         tone — then hung up by the customer; no after-call work), {:.0} s. Every {} calls, between calls and \
         after a forced garbage collection: the tab's renderer RSS (`/proc`), the JS heap \
         (`Performance.getMetrics`), the wasm memory, the DOM counters, and the media objects still reachable \
         (`Runtime.queryObjects`: `MediaStream`, live `MediaStreamTrack`, media elements with a source, open \
         `AudioContext`s and peer connections). Right after a call Chromium still holds the stopped microphone \
         streams of the last few seconds (ended; a bare `getUserMedia()` + `stop()` page holds them ~9 s \
         too), so each sample waits until they are gone (at most 20 s) and reports how long that took. RSS \
         is judged after the warm-up ({} calls): every later sample against the first one after it ({}).\n\n",
        int(count(&m["calls"]) as usize),
        f(&m["seconds"]).unwrap_or(0.0),
        count(&m["sampleEvery"]),
        count(&m["warmupCalls"]),
        mib(&r["referenceBytes"]),
    ));
    let samples = m["samples"].as_array().cloned().unwrap_or_default();
    let rows: Vec<Vec<String>> = samples
        .iter()
        .map(|x| {
            let mem = &x["memory"];
            vec![
                int(count(&x["afterCalls"]) as usize),
                mib(&x["rendererRss"]),
                format!(
                    "{} / {} / {}",
                    mib(&x["rendererRssAnon"]),
                    mib(&x["rendererRssFile"]),
                    mib(&x["rendererRssShmem"])
                ),
                mib(&mem["jsHeapUsed"]),
                mib(&mem["wasmMemory"]),
                int(count(&mem["domNodes"]) as usize),
                int(count(&mem["jsEventListeners"]) as usize),
                format!(
                    "{} / {} / {} / {} / {}",
                    count(&x["live"]["streams"]),
                    count(&x["live"]["liveTracks"]),
                    count(&x["live"]["mediaElementsWithSource"]),
                    count(&x["live"]["openAudioContexts"]),
                    count(&x["live"]["openPeerConnections"])
                ),
                format!(
                    "{} ({})",
                    count(&x["liveAtOnce"]["streams"]),
                    ms(&x["settleMs"])
                ),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            "after calls",
            "renderer RSS",
            "of it anonymous / file / shared",
            "JS heap",
            "wasm memory",
            "DOM nodes",
            "listeners",
            "streams / live tracks / players / AudioContexts / peers",
            "ended streams at once (gone after)",
        ],
        &rows,
    ));
    match rss_range(b) {
        Some((lo, hi, flat)) => out.push_str(&format!(
            "\nRenderer RSS after the warm-up: {lo:+.2} % … {hi:+.2} % (last {:+.2} %), least-squares slope {:.0} \
             KiB per 100 calls — {} (aim flat ± 5 %). Left between calls, at most: {} — {} (aim 0).\n",
            f(&r["lastChangePct"]).unwrap_or(0.0),
            f(&r["slopeBytesPer100Calls"]).unwrap_or(0.0) / 1024.0,
            if flat { "met" } else { "not met" },
            live_text(&m["liveBetweenCallsMax"]),
            if m["nothingLiveBetweenCalls"] == true {
                "met"
            } else {
                "not met"
            }
        )),
        None => out.push_str("\nNo sample after the warm-up: RSS not judged.\n"),
    }
    let a = &m["anonAfterWarmup"];
    if a.is_object() {
        out.push_str(&format!(
            "Of it, anonymous memory (the renderer's heaps: what the page can hold on to; the file-backed \
             part is Chromium's own binary and libraries, paged in as code first runs and shared with its \
             other processes): {:+.2} % … {:+.2} % (last {:+.2} %), slope {:.0} KiB per 100 calls.\n",
            f(&a["minChangePct"]).unwrap_or(0.0),
            f(&a["maxChangePct"]).unwrap_or(0.0),
            f(&a["lastChangePct"]).unwrap_or(0.0),
            f(&a["slopeBytesPer100Calls"]).unwrap_or(0.0) / 1024.0,
        ));
    }
    let c = &b["control"];
    if c.is_object() {
        out.push_str(&format!(
            "The control, the browser without the panel: {} bare WebRTC call cycles on a blank page of the same \
             site, in the same renderer (the fake microphone opened, a peer connection to a second one on the \
             page, audio flowing until the receiver counted packets, played on a new `<audio>`, everything \
             closed): anonymous memory slope {:.0} KiB per 100 cycles after {} warm-up cycles, against the \
             panel's {:.0} KiB per 100 calls.\n",
            int(count(&c["cycles"]) as usize),
            f(&c["anonSlopeBytesPer100Cycles"]).unwrap_or(0.0) / 1024.0,
            count(&c["warmupCycles"]),
            f(&a["slopeBytesPer100Calls"]).unwrap_or(0.0) / 1024.0,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample(after: u64, rss: u64) -> Value {
        json!({"afterCalls": after, "rendererRss": rss, "rendererPid": 7, "settleMs": 8400.0,
               "memory": {"jsHeapUsed": 3_000_000, "wasmMemory": 1_245_184, "domNodes": 323,
                          "documents": 1, "jsEventListeners": 15},
               "liveAtOnce": {"streams": 3, "liveTracks": 0, "mediaElementsWithSource": 0,
                              "openAudioContexts": 0, "openPeerConnections": 0},
               "live": {"streams": 0, "liveTracks": 0, "mediaElementsWithSource": 0,
                        "openAudioContexts": 0, "openPeerConnections": 0}})
    }

    fn results(calls: u64, max_pct: f64) -> Value {
        json!({
            "date": "2026-12-02 05:30:00 UTC", "commit": "abc1234",
            "chromium": "Chromium 156.0.8078.114", "command": "browser-bench --calls 500",
            "startup": {"runs": 7,
                        "hostOnInitMs": {"n": 7, "median": 70.6, "p99": 76.5, "min": 52.4, "max": 76.5},
                        "blankLoadMs": {"n": 7, "median": 35.4, "p99": 35.9, "min": 33.7, "max": 35.9},
                        "ratio": {"n": 7, "median": 1.97, "p99": 2.27, "min": 1.48, "max": 2.27}},
            "pushToHook": {"calls": calls,
                           "latencyMs": {"n": 500, "median": 3.5, "p99": 8.3, "min": 2.0, "max": 12.0},
                           "controlBenchHealthMs": {"n": 500, "median": 0.6, "p99": 2.4, "min": 0.3, "max": 3.0},
                           "controlPageHealthMs": {"n": 500, "median": 2.3, "p99": 8.2, "min": 1.0, "max": 9.0},
                           "ratioToBenchHealth": 5.42, "ratioToPageHealth": 1.52},
            "memory": {"calls": calls, "sampleEvery": 50, "warmupCalls": 50, "seconds": 330.0,
                       "rssAfterWarmup": {"referenceBytes": 190_000_000u64, "referenceAfterCalls": 50,
                                          "minChangePct": -0.4, "maxChangePct": max_pct,
                                          "lastChangePct": 1.0, "slopeBytesPer100Calls": 102400.0,
                                          "flat": max_pct <= 5.0},
                       "liveBetweenCallsMax": {"streams": 0, "liveTracks": 0, "mediaElementsWithSource": 0,
                                               "openAudioContexts": 0, "openPeerConnections": 0},
                       "nothingLiveBetweenCalls": true,
                       "settleMs": {"n": 10, "median": 8400.0, "min": 7900.0, "max": 9400.0},
                       "samples": [sample(0, 180_000_000), sample(50, 190_000_000), sample(100, 191_000_000)]},
        })
    }

    #[test]
    fn the_browser_section_shows_every_figure_with_its_control() {
        let b = results(500, 1.2);
        let md = section(&b, true);
        assert!(
            md.contains("| navigation → `onInit` | 70.6 ms (52.4–76.5) |"),
            "{md}"
        );
        assert!(
            md.contains("| ratio, per repetition | 1.97× (1.48–2.27) |"),
            "{md}"
        );
        assert!(
            md.contains("| placed → `onCallComing` | 3.5 ms | 8.3 ms |"),
            "{md}"
        );
        assert!(md.contains("1.52× the page's health round trip"), "{md}");
        assert!(md.contains("| 100 | 182.2 MiB |"), "{md}");
        assert!(md.contains("−0.40 %") || md.contains("-0.40 %"), "{md}");
        assert!(md.contains("100 KiB per 100 calls — met"), "{md}");
        assert!(md.contains("run by this invocation"), "{md}");
        assert!(section(&b, false).contains("from an earlier run"));
        // Results that do not say how the cache was are from before it was turned off.
        assert!(md.contains("back/forward cache was on"), "{md}");
        let mut off = b.clone();
        off["backForwardCache"] = false.into();
        assert!(section(&off, true).contains("back/forward cache is off"));
    }

    #[test]
    fn the_summary_judges_the_aims_honestly() {
        let rows = summary_rows(&results(500, 1.2));
        let text = table(&["a", "b", "c", "d"], &rows);
        assert!(
            text.contains(
                "renderer RSS over 500 calls, after warm-up | -0.4 % … +1.2 % | aim flat ± 5 %"
            ),
            "{text}"
        );
        assert!(
            text.contains("| **met** |") || text.contains("| met |"),
            "{text}"
        );
        let rows = summary_rows(&results(40, 7.0));
        let text = table(&["a", "b", "c", "d"], &rows);
        assert!(text.contains("-0.4 % … +7.0 %"), "{text}");
        assert!(text.contains("the aim is stated over 500 calls"), "{text}");
        assert!(text.contains("**not met**"), "{text}");
    }

    #[test]
    fn a_missing_file_is_none_and_a_foreign_one_an_error() {
        let dir = std::env::temp_dir().join(format!("bench-browser-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(load(&dir.join("none.json")).is_none());
        let other = dir.join("other.json");
        std::fs::write(&other, "{\"x\": 1}").unwrap();
        assert!(matches!(load(&other), Some(Err(_))));
        let ours = dir.join("browser.json");
        std::fs::write(&ours, results(500, 1.0).to_string()).unwrap();
        assert!(matches!(load(&ours), Some(Ok(_))));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
