//! The soak: C inbound calls over A agents at R calls/s. The control API plays the customers (`POST
//! /emulator/v1/inbound-calls`, open loop on a fixed schedule); the bench plays every agent as its panel would
//! (AnswerCall, a short talk, ReleaseCall, after-call work, ReadyForService), each agent also polling
//! PollUserStatus at its own rate. Afterwards: calls still live, agents not READY, and how many of the calls
//! ListRecentCallDetailRecords still knows; the server's RSS is sampled all along.

use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::json;
use tokio::sync::mpsc;

use crate::config::user_id;
use crate::http::{Answer, Conn, Prepared};
use crate::procfs::CpuMeter;
use crate::server::Server;
use crate::stats::Percentiles;

/// What the soak does.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SoakPlan {
    pub(crate) calls: usize,
    pub(crate) agents: usize,
    /// Calls placed per second.
    pub(crate) rate: f64,
    pub(crate) talk: Duration,
    /// After-call work (WORKING) before ReadyForService.
    pub(crate) acw: Duration,
    /// PollUserStatus per agent per second (0: none).
    pub(crate) poll_hz: f64,
    /// Connections placing calls.
    pub(crate) placers: usize,
}

/// One sample of the server over time.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Sample {
    /// Seconds since the first call was due.
    pub(crate) t: f64,
    pub(crate) rss_kib: u64,
    /// % of one core since the previous sample.
    pub(crate) cpu: f64,
    pub(crate) placed: usize,
}

/// What came out.
#[derive(Debug, Clone, Default)]
pub(crate) struct SoakResult {
    pub(crate) plan: Option<SoakPlan>,
    /// Inbound calls the control API accepted.
    pub(crate) placed: usize,
    /// 404 "nobody ready".
    pub(crate) refused: usize,
    /// Any other failure to place a call.
    pub(crate) place_failed: usize,
    pub(crate) answered: usize,
    pub(crate) released: usize,
    pub(crate) readied: usize,
    /// Requests by action that did not answer 200 + "OK" (inbound: not 200).
    pub(crate) failures: BTreeMap<String, usize>,
    /// Every request that answered 5xx, any endpoint.
    pub(crate) http_5xx: usize,
    /// Requests that got no HTTP answer at all.
    pub(crate) transport_errors: usize,
    /// Requests sent in all.
    pub(crate) requests: usize,
    /// Live calls left when everything was done.
    pub(crate) stuck_calls: usize,
    /// Agents not READY at the end, by state.
    pub(crate) not_ready: BTreeMap<String, usize>,
    /// Distinct ContactIds ListRecentCallDetailRecords lists over all agents (paged through).
    pub(crate) records: usize,
    /// Of those, calls this soak placed.
    pub(crate) records_of_ours: usize,
    /// Pages read.
    pub(crate) record_pages: usize,
    /// Placement request latency from its scheduled time, µs.
    pub(crate) place_latency: Percentiles,
    /// AnswerCall round trip, µs.
    pub(crate) answer_latency: Percentiles,
    /// PollUserStatus latency from its scheduled time, µs.
    pub(crate) poll_latency: Percentiles,
    /// The health endpoint (the control), sampled every few seconds, µs.
    pub(crate) health_latency: Percentiles,
    pub(crate) samples: Vec<Sample>,
    /// Seconds from the first call due to the last placed.
    pub(crate) placing_secs: f64,
    /// Seconds in all (sign-in excluded).
    pub(crate) total_secs: f64,
    /// Seconds of the samples counted as warm-up (RSS flatness is judged after it).
    pub(crate) warmup_secs: f64,
    /// Agents' calls still open when the drain ended.
    pub(crate) unfinished_agent_work: usize,
}

#[derive(Default)]
struct Tally {
    failures: BTreeMap<String, usize>,
    http_5xx: usize,
    transport: usize,
    requests: usize,
}

impl Tally {
    fn api(&mut self, action: &str, a: &Answer) {
        self.requests += 1;
        if a.status == 0 {
            self.transport += 1;
        }
        if a.status >= 500 {
            self.http_5xx += 1;
        }
        if !a.ok() {
            *self.failures.entry(action.to_owned()).or_default() += 1;
        }
    }
}

type Shared = Arc<Mutex<Tally>>;

fn tally(shared: &Shared, f: impl FnOnce(&mut Tally)) {
    if let Ok(mut t) = shared.lock() {
        f(&mut t);
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The agent number K of `agentK@…`.
pub(crate) fn agent_number(user: &str) -> Option<usize> {
    user.strip_prefix("agent")?.split('@').next()?.parse().ok()
}

/// Runs the soak against `server`, whose agents 1..=plan.agents are signed in and READY.
pub(crate) async fn run(server: &Server, plan: SoakPlan) -> SoakResult {
    let addr = server.addr;
    let shared: Shared = Arc::default();
    let outstanding = Arc::new(AtomicUsize::new(0));
    let counts = Arc::new([
        AtomicUsize::new(0),
        AtomicUsize::new(0),
        AtomicUsize::new(0),
    ]);
    let answer_us = Arc::new(Mutex::new(Vec::<u64>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let soak_start_ms = now_ms();
    let t_begin = Instant::now();
    let start = Instant::now() + Duration::from_millis(500);

    // The agents.
    let mut inboxes = Vec::with_capacity(plan.agents);
    let mut agent_tasks = Vec::new();
    for k in 1..=plan.agents {
        let (tx, mut rx) = mpsc::unbounded_channel::<String>();
        inboxes.push(tx);
        let (shared, outstanding, counts, answer_us) = (
            shared.clone(),
            outstanding.clone(),
            counts.clone(),
            answer_us.clone(),
        );
        agent_tasks.push(tokio::spawn(async move {
            let user = user_id(k);
            let mut conn = Conn::new(addr);
            while let Some(job) = rx.recv().await {
                let t = Instant::now();
                let a = conn
                    .api(&Prepared::api("AnswerCall", &user, json!({"JobId": job})))
                    .await;
                if let Ok(mut v) = answer_us.lock() {
                    v.push(t.elapsed().as_micros() as u64);
                }
                tally(&shared, |s| s.api("AnswerCall", &a));
                if a.ok() {
                    counts[0].fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(plan.talk).await;
                    let r = conn
                        .api(&Prepared::api("ReleaseCall", &user, json!({"JobId": job})))
                        .await;
                    tally(&shared, |s| s.api("ReleaseCall", &r));
                    if r.ok() {
                        counts[1].fetch_add(1, Ordering::Relaxed);
                    }
                    tokio::time::sleep(plan.acw).await;
                    let r = conn
                        .api(&Prepared::api("ReadyForService", &user, json!({})))
                        .await;
                    tally(&shared, |s| s.api("ReadyForService", &r));
                    if r.ok() {
                        counts[2].fetch_add(1, Ordering::Relaxed);
                    }
                }
                outstanding.fetch_sub(1, Ordering::SeqCst);
            }
        }));
    }

    // Their polls.
    let mut pollers = Vec::new();
    if plan.poll_hz > 0.0 {
        let period = Duration::from_secs_f64(1.0 / plan.poll_hz);
        for k in 1..=plan.agents {
            let (shared, stop) = (shared.clone(), stop.clone());
            let phase = period.mul_f64(k as f64 / plan.agents as f64);
            pollers.push(tokio::spawn(async move {
                let req = Prepared::api("PollUserStatus", &user_id(k), json!({}));
                let mut conn = Conn::new(addr);
                let mut lat = Vec::new();
                for i in 0u32.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let due = start + phase + period * i;
                    tokio::time::sleep_until(due.into()).await;
                    let a = conn.api(&req).await;
                    lat.push(due.elapsed().as_micros() as u64);
                    tally(&shared, |s| s.api("PollUserStatus", &a));
                }
                lat
            }));
        }
    }

    // The sampler: RSS, CPU, health latency.
    let samples = Arc::new(Mutex::new(Vec::<Sample>::new()));
    let placed_count = Arc::new(AtomicUsize::new(0));
    let sampler = {
        let (samples, stop, placed_count, shared) = (
            samples.clone(),
            stop.clone(),
            placed_count.clone(),
            shared.clone(),
        );
        let pid = server.pid;
        let every = sample_interval(plan);
        tokio::spawn(async move {
            let mut conn = Conn::new(addr);
            let health = Prepared::health();
            let mut health_us = Vec::new();
            let mut meter = CpuMeter::start(pid);
            let mut last_print = Instant::now();
            let mut tick = tokio::time::interval_at(start.into(), every);
            while !stop.load(Ordering::Relaxed) {
                tick.tick().await;
                let t = Instant::now();
                match conn.send(&health).await {
                    Ok((status, _)) => {
                        health_us.push(t.elapsed().as_micros() as u64);
                        tally(&shared, |s| {
                            s.requests += 1;
                            if status >= 500 {
                                s.http_5xx += 1;
                            }
                        });
                    }
                    Err(_) => tally(&shared, |s| {
                        s.requests += 1;
                        s.transport += 1;
                    }),
                }
                let placed = placed_count.load(Ordering::Relaxed);
                let sample = Sample {
                    t: t.saturating_duration_since(start).as_secs_f64(),
                    rss_kib: crate::procfs::rss_kib(pid).unwrap_or(0),
                    cpu: meter.percent(),
                    placed,
                };
                meter = CpuMeter::start(pid);
                if last_print.elapsed() >= Duration::from_secs(30) {
                    last_print = Instant::now();
                    eprintln!(
                        "  soak: {:>6.0} s, {placed} calls placed, server RSS {:.1} MiB, CPU {:.0} %",
                        sample.t,
                        sample.rss_kib as f64 / 1024.0,
                        sample.cpu
                    );
                }
                if let Ok(mut s) = samples.lock() {
                    s.push(sample);
                }
            }
            health_us
        })
    };

    // The customers: slot i is due at start + i / rate; placer w takes slots w, w + P, …
    let jobs = Arc::new(Mutex::new(HashSet::<String>::with_capacity(plan.calls)));
    let inboxes = Arc::new(inboxes);
    let placers = plan.placers.max(1);
    let mut placer_tasks = Vec::new();
    for w in 0..placers {
        let (shared, outstanding, jobs, inboxes, placed_count) = (
            shared.clone(),
            outstanding.clone(),
            jobs.clone(),
            inboxes.clone(),
            placed_count.clone(),
        );
        placer_tasks.push(tokio::spawn(async move {
            let mut conn = Conn::new(addr);
            let mut lat = Vec::new();
            let (mut placed, mut refused, mut failed) = (0usize, 0usize, 0usize);
            let mut i = w;
            while i < plan.calls {
                let due = start + Duration::from_secs_f64(i as f64 / plan.rate);
                tokio::time::sleep_until(due.into()).await;
                let caller = format!("139{:08}", i % 100_000_000);
                let req =
                    Prepared::post_json("/emulator/v1/inbound-calls", &json!({"caller": caller}));
                let result = conn.control(&req).await;
                lat.push(due.elapsed().as_micros() as u64);
                match result {
                    Ok((200, body)) => {
                        let job = body["jobId"].as_str().unwrap_or("").to_owned();
                        let k = body["userId"].as_str().and_then(agent_number);
                        match k.filter(|&k| (1..=inboxes.len()).contains(&k)) {
                            Some(k) if !job.is_empty() => {
                                placed += 1;
                                placed_count.fetch_add(1, Ordering::Relaxed);
                                if let Ok(mut j) = jobs.lock() {
                                    j.insert(job.clone());
                                }
                                outstanding.fetch_add(1, Ordering::SeqCst);
                                if inboxes[k - 1].send(job).is_err() {
                                    outstanding.fetch_sub(1, Ordering::SeqCst);
                                }
                            }
                            _ => failed += 1,
                        }
                        tally(&shared, |s| s.requests += 1);
                    }
                    Ok((status, _)) => {
                        if status == 404 {
                            refused += 1;
                        } else {
                            failed += 1;
                        }
                        tally(&shared, |s| {
                            s.requests += 1;
                            if status >= 500 {
                                s.http_5xx += 1;
                            }
                            *s.failures.entry("inbound-calls".into()).or_default() += 1;
                        });
                    }
                    Err(_) => {
                        failed += 1;
                        tally(&shared, |s| {
                            s.requests += 1;
                            s.transport += 1;
                            *s.failures.entry("inbound-calls".into()).or_default() += 1;
                        });
                    }
                }
                i += placers;
            }
            (lat, placed, refused, failed)
        }));
    }
    let mut result = SoakResult {
        plan: Some(plan),
        ..SoakResult::default()
    };
    let mut place_us = Vec::new();
    for t in placer_tasks {
        if let Ok((lat, placed, refused, failed)) = t.await {
            place_us.extend(lat);
            result.placed += placed;
            result.refused += refused;
            result.place_failed += failed;
        }
    }
    result.placing_secs = start.elapsed().as_secs_f64();

    // Let the agents finish their calls.
    let drain_until = Instant::now() + plan.talk + plan.acw + Duration::from_secs(30);
    while outstanding.load(Ordering::SeqCst) > 0 && Instant::now() < drain_until {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    result.unfinished_agent_work = outstanding.load(Ordering::SeqCst);
    stop.store(true, Ordering::Relaxed);
    let mut poll_us = Vec::new();
    for p in pollers {
        if let Ok(lat) = p.await {
            poll_us.extend(lat);
        }
    }
    let mut health_us = sampler.await.unwrap_or_default();
    drop(inboxes);
    for a in agent_tasks {
        a.abort();
    }

    // The end state.
    let mut conn = Conn::new(addr);
    if let Ok((200, state)) = conn.control(&Prepared::get("/emulator/v1/state")).await {
        result.stuck_calls = state["calls"].as_array().map_or(0, Vec::len);
        for a in state["agents"].as_array().into_iter().flatten() {
            let s = a["state"].as_str().unwrap_or("?");
            if s != "READY" {
                *result.not_ready.entry(s.to_owned()).or_default() += 1;
            }
        }
    } else {
        *result.failures.entry("state".into()).or_default() += 1;
    }
    let ours = jobs.lock().map(|j| j.clone()).unwrap_or_default();
    let (records, pages) = call_records(addr, plan.agents, soak_start_ms, &shared).await;
    result.records = records.len();
    result.records_of_ours = records.iter().filter(|r| ours.contains(*r)).count();
    result.record_pages = pages;

    result.answered = counts[0].load(Ordering::Relaxed);
    result.released = counts[1].load(Ordering::Relaxed);
    result.readied = counts[2].load(Ordering::Relaxed);
    if let Ok(t) = shared.lock() {
        for (k, v) in &t.failures {
            *result.failures.entry(k.clone()).or_default() += v;
        }
        result.http_5xx = t.http_5xx;
        result.transport_errors = t.transport;
        result.requests = t.requests;
    }
    result.place_latency = Percentiles::of(&mut place_us);
    result.poll_latency = Percentiles::of(&mut poll_us);
    result.health_latency = Percentiles::of(&mut health_us);
    result.answer_latency =
        Percentiles::of(&mut answer_us.lock().map(|v| v.clone()).unwrap_or_default());
    result.samples = samples.lock().map(|s| s.clone()).unwrap_or_default();
    result.warmup_secs = warmup_secs(result.placing_secs);
    result.total_secs = t_begin.elapsed().as_secs_f64();
    result
}

/// How often the server is sampled: about 400 samples over the soak, at most every 5 s, at least every 0.5 s.
fn sample_interval(plan: SoakPlan) -> Duration {
    let secs = plan.calls as f64 / plan.rate.max(0.001);
    Duration::from_secs_f64((secs / 400.0).clamp(0.5, 5.0))
}

/// The warm-up the RSS is judged after: the first 10 % of the placing time, at least 5 s.
pub(crate) fn warmup_secs(placing_secs: f64) -> f64 {
    (placing_secs * 0.1).max(5.0).min(placing_secs)
}

/// Every ContactId ListRecentCallDetailRecords lists for agents 1..=agents since `since_ms`, paging through
/// each agent's list 100 at a time; and the pages read.
async fn call_records(
    addr: SocketAddr,
    agents: usize,
    since_ms: i64,
    shared: &Shared,
) -> (HashSet<String>, usize) {
    let parallel = 8usize;
    let mut tasks = Vec::new();
    for w in 0..parallel {
        let shared = shared.clone();
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::new(addr);
            let mut ids = HashSet::new();
            let mut pages = 0usize;
            let mut k = w + 1;
            while k <= agents {
                let user = user_id(k);
                let end_ms = now_ms() + 60_000;
                for page in 1u32.. {
                    let req = Prepared::api(
                        "ListRecentCallDetailRecords",
                        &user,
                        json!({"PageNumber": page, "PageSize": 100, "StartTime": since_ms - 60_000,
                               "EndTime": end_ms}),
                    );
                    let a = conn.api(&req).await;
                    tally(&shared, |s| s.api("ListRecentCallDetailRecords", &a));
                    pages += 1;
                    if !a.ok() {
                        break;
                    }
                    let list = a.data["List"].as_array().cloned().unwrap_or_default();
                    for r in &list {
                        if let Some(id) = r["ContactId"].as_str() {
                            ids.insert(id.to_owned());
                        }
                    }
                    let total = a.data["TotalCount"].as_u64().unwrap_or(0) as usize;
                    if list.is_empty() || (page as usize) * 100 >= total {
                        break;
                    }
                }
                k += parallel;
            }
            (ids, pages)
        }));
    }
    let mut all = HashSet::new();
    let mut pages = 0;
    for t in tasks {
        if let Ok((ids, p)) = t.await {
            all.extend(ids);
            pages += p;
        }
    }
    (all, pages)
}

/// RSS after warm-up relative to the RSS at its end: (lowest − 1, highest − 1, last − 1), as fractions.
pub(crate) fn rss_drift(samples: &[Sample], warmup_secs: f64) -> Option<(f64, f64, f64)> {
    let after: Vec<&Sample> = samples.iter().filter(|s| s.t >= warmup_secs).collect();
    let base = after.first()?.rss_kib as f64;
    if base <= 0.0 {
        return None;
    }
    let rel = |kib: u64| kib as f64 / base - 1.0;
    let lo = after
        .iter()
        .map(|s| rel(s.rss_kib))
        .fold(f64::INFINITY, f64::min);
    let hi = after
        .iter()
        .map(|s| rel(s.rss_kib))
        .fold(f64::NEG_INFINITY, f64::max);
    Some((lo, hi, rel(after.last()?.rss_kib)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_numbers() {
        assert_eq!(agent_number("agent42@ccc-demo"), Some(42));
        assert_eq!(agent_number("supervisor@ccc-demo"), None);
        assert_eq!(agent_number("agentx@ccc-demo"), None);
    }

    #[test]
    fn drift_after_warmup() {
        let s = |t: f64, kib: u64| Sample {
            t,
            rss_kib: kib,
            ..Sample::default()
        };
        let samples = [
            s(0.0, 10),
            s(5.0, 100),
            s(6.0, 95),
            s(7.0, 120),
            s(8.0, 110),
        ];
        let (lo, hi, last) = rss_drift(&samples, 5.0).unwrap();
        assert!((lo + 0.05).abs() < 1e-9 && (hi - 0.2).abs() < 1e-9 && (last - 0.1).abs() < 1e-9);
        assert_eq!(rss_drift(&samples, 100.0), None);
        assert_eq!(warmup_secs(1000.0), 100.0);
        assert_eq!(warmup_secs(20.0), 5.0);
        assert_eq!(warmup_secs(3.0), 3.0);
    }
}
