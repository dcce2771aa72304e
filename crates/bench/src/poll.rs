//! Request loops against one server: open-loop windows (every connection sends on a fixed schedule and
//! latency is measured from the *scheduled* send time, so a slow server cannot hide its queue by slowing the
//! sender down: no coordinated omission), closed-loop mean cost on one connection, and closed-loop
//! throughput over a few connections.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::http::{code_is_ok, Conn, Prepared};
use crate::procfs::CpuMeter;
use crate::stats::{mean, Percentiles};

/// What counts as a good answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    /// 200 and the envelope's `Code` "OK" (the API).
    Envelope,
    /// 200 (the health endpoint).
    Status,
}

impl Check {
    fn good(self, status: u16, body: &[u8]) -> bool {
        match self {
            Check::Envelope => status == 200 && code_is_ok(body),
            Check::Status => status == 200,
        }
    }
}

/// One open-loop window.
#[derive(Debug, Clone, Default)]
pub(crate) struct Window {
    /// Scheduled send → answer, µs (requests that did not finish count with their age at the deadline).
    pub(crate) latency: Percentiles,
    /// Actually sent → answered, µs (the service time, without the wait for the send).
    pub(crate) service: Percentiles,
    /// Scheduled send → actually sent, µs: the bench's own lateness (timer, CPU), for judging the numbers.
    pub(crate) lag: Percentiles,
    pub(crate) scheduled: usize,
    pub(crate) ok: usize,
    pub(crate) failed: usize,
    /// Not answered by the end of the drain time.
    pub(crate) unfinished: usize,
    /// The server's CPU over the window, % of one core.
    pub(crate) server_cpu: f64,
    /// The bench's own CPU over the window, % of one core.
    pub(crate) bench_cpu: f64,
    /// The server's RSS at the end of the window.
    pub(crate) rss_kib: u64,
    /// Connections that had to be opened again.
    pub(crate) reconnects: u64,
}

struct Lane {
    conn: Conn,
    latency: Vec<u64>,
    service: Vec<u64>,
    lag: Vec<u64>,
    scheduled: usize,
    ok: usize,
    failed: usize,
    unfinished: usize,
}

fn micros(d: Duration) -> u64 {
    d.as_micros().min(u128::from(u64::MAX)) as u64
}

/// Every connection `k` sends `reqs[k]` once per `period`, starting at phase `k / n` of the period (sends
/// spread uniformly), for `window`; answers are awaited up to `drain` after the window. `conns` are reused
/// (keep-alive) and handed back.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn open_loop(
    conns: &mut Vec<Conn>,
    reqs: &Arc<Vec<Prepared>>,
    check: Check,
    period: Duration,
    window: Duration,
    drain: Duration,
    server_pid: u32,
) -> Window {
    let n = conns.len().max(1);
    let start = Instant::now() + Duration::from_millis(300) + Duration::from_micros(n as u64 * 3);
    let end = start + window;
    let hard = end + drain;
    let meter = tokio::spawn(async move {
        tokio::time::sleep_until(start.into()).await;
        let server = CpuMeter::start(server_pid);
        let bench = CpuMeter::start(std::process::id());
        tokio::time::sleep_until(end.into()).await;
        (
            server.percent(),
            bench.percent(),
            crate::procfs::rss_kib(server_pid).unwrap_or(0),
        )
    });
    let mut tasks = Vec::with_capacity(n);
    for (k, conn) in std::mem::take(conns).into_iter().enumerate() {
        let reqs = reqs.clone();
        let phase = period.mul_f64(k as f64 / n as f64);
        tasks.push(tokio::spawn(async move {
            let req = &reqs[k % reqs.len()];
            let mut lane = Lane {
                conn,
                latency: Vec::new(),
                service: Vec::new(),
                lag: Vec::new(),
                scheduled: 0,
                ok: 0,
                failed: 0,
                unfinished: 0,
            };
            for i in 0u32.. {
                let due = start + phase + period * i;
                if due >= end {
                    break;
                }
                lane.scheduled += 1;
                tokio::time::sleep_until(due.into()).await;
                let sent = Instant::now();
                if sent >= hard {
                    lane.unfinished += 1;
                    lane.latency.push(micros(hard - due));
                    continue;
                }
                match tokio::time::timeout_at(hard.into(), lane.conn.send(req)).await {
                    Ok(result) => {
                        let done = Instant::now();
                        lane.latency.push(micros(done - due));
                        lane.service.push(micros(done - sent));
                        lane.lag.push(micros(sent - due));
                        match result {
                            Ok((status, body)) if check.good(status, &body) => lane.ok += 1,
                            _ => lane.failed += 1,
                        }
                    }
                    Err(_) => {
                        lane.conn.reset();
                        lane.unfinished += 1;
                        lane.latency.push(micros(hard - due));
                    }
                }
            }
            lane
        }));
    }
    let mut w = Window::default();
    let mut latency = Vec::new();
    let mut service = Vec::new();
    let mut lag = Vec::new();
    for t in tasks {
        match t.await {
            Ok(lane) => {
                latency.extend(lane.latency);
                service.extend(lane.service);
                lag.extend(lane.lag);
                w.scheduled += lane.scheduled;
                w.ok += lane.ok;
                w.failed += lane.failed;
                w.unfinished += lane.unfinished;
                w.reconnects += lane.conn.reconnects;
                conns.push(lane.conn);
            }
            Err(_) => {
                w.failed += 1;
            }
        }
    }
    w.latency = Percentiles::of(&mut latency);
    w.service = Percentiles::of(&mut service);
    w.lag = Percentiles::of(&mut lag);
    if let Ok((server, bench, rss)) = meter.await {
        (w.server_cpu, w.bench_cpu, w.rss_kib) = (server, bench, rss);
    }
    w
}

/// One closed-loop cost measurement.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Cost {
    /// Mean wall time per request (send → whole answer), µs.
    pub(crate) mean_us: f64,
    /// The server's CPU time per request (utime + stime over the measurement ÷ requests), µs. Clock ticks
    /// are 10 ms, so this is coarse for short measurements.
    pub(crate) server_us: f64,
    pub(crate) requests: usize,
    pub(crate) failed: usize,
}

/// Requests `req` one after the other on `conn` (closed loop) for `duration` (at least 100 requests).
pub(crate) async fn cost(
    conn: &mut Conn,
    req: &Prepared,
    check: Check,
    duration: Duration,
    server_pid: u32,
) -> Cost {
    let _ = conn.connect().await;
    let mut failed = 0;
    let mut each = Vec::new();
    let before = crate::procfs::cpu_ticks(server_pid).unwrap_or(0);
    let start = Instant::now();
    while each.len() < 100 || start.elapsed() < duration {
        let t = Instant::now();
        match conn.send(req).await {
            Ok((status, body)) if check.good(status, &body) => {}
            _ => failed += 1,
        }
        each.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let ticks = crate::procfs::cpu_ticks(server_pid)
        .unwrap_or(before)
        .saturating_sub(before);
    Cost {
        mean_us: mean(&each),
        server_us: ticks as f64 / crate::procfs::ticks_per_second() as f64 * 1e6
            / each.len().max(1) as f64,
        requests: each.len(),
        failed,
    }
}

/// One closed-loop throughput measurement.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Tput {
    /// Good answers per second.
    pub(crate) rps: f64,
    pub(crate) failed: usize,
    /// The server's CPU meanwhile, % of one core.
    pub(crate) server_cpu: f64,
    /// The bench's own CPU meanwhile, % of one core (it shares the machine's cores with the server).
    pub(crate) bench_cpu: f64,
}

impl Tput {
    /// Server CPU time per good answer, µs.
    pub(crate) fn server_us_per_request(&self) -> f64 {
        if self.rps > 0.0 {
            self.server_cpu / 100.0 * 1e6 / self.rps
        } else {
            f64::NAN
        }
    }
}

/// Closed-loop throughput: `parallel` connections each send the next request (a pseudo-random one of
/// `reqs`) as soon as the last answered, for `duration`.
pub(crate) async fn throughput(
    addr: std::net::SocketAddr,
    reqs: &Arc<Vec<Prepared>>,
    check: Check,
    parallel: usize,
    duration: Duration,
    server_pid: u32,
) -> Tput {
    let mut conns = Vec::new();
    for _ in 0..parallel.max(1) {
        let mut c = Conn::new(addr);
        let _ = c.connect().await;
        conns.push(c);
    }
    let server = CpuMeter::start(server_pid);
    let bench = CpuMeter::start(std::process::id());
    let start = Instant::now();
    let end = start + duration;
    let mut tasks = Vec::new();
    for (i, mut conn) in conns.into_iter().enumerate() {
        let reqs = reqs.clone();
        tasks.push(tokio::spawn(async move {
            let mut rng = XorShift::new(i as u64 + 1);
            let (mut good, mut bad) = (0usize, 0usize);
            while Instant::now() < end {
                let req = &reqs[rng.below(reqs.len())];
                match conn.send(req).await {
                    Ok((status, body)) if check.good(status, &body) => good += 1,
                    _ => bad += 1,
                }
            }
            (good, bad)
        }));
    }
    let (mut good, mut bad) = (0, 0);
    for t in tasks {
        if let Ok((g, b)) = t.await {
            good += g;
            bad += b;
        }
    }
    Tput {
        rps: good as f64 / start.elapsed().as_secs_f64(),
        failed: bad,
        server_cpu: server.percent(),
        bench_cpu: bench.percent(),
    }
}

/// A tiny deterministic PRNG (xorshift64*): which agent a throughput request polls.
pub(crate) struct XorShift(u64);

impl XorShift {
    pub(crate) fn new(seed: u64) -> XorShift {
        XorShift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform-ish in `0..n` (0 when `n` is 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xorshift_covers_the_range() {
        let mut r = XorShift::new(1);
        let mut seen = [0usize; 10];
        for _ in 0..10_000 {
            seen[r.below(10)] += 1;
        }
        assert!(seen.iter().all(|&c| (800..1200).contains(&c)), "{seen:?}");
        assert_eq!(r.below(0), 0);
    }

    #[test]
    fn checks() {
        assert!(Check::Envelope.good(200, br#"{"Code":"OK"}"#));
        assert!(!Check::Envelope.good(500, br#"{"Code":"OK"}"#));
        assert!(!Check::Envelope.good(200, br#"{"Code":"Throttling"}"#));
        assert!(Check::Status.good(200, b""));
        assert!(!Check::Status.good(503, b""));
    }
}
