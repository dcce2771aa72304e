//! What `/proc` says about a process (CPU ticks, RSS) and the machine (CPU model, kernel), and the date —
//! parsers are pure and tested; the readers are thin.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// utime + stime (clock ticks) from the text of `/proc/PID/stat`. The command name (field 2) is in
/// parentheses and may itself hold spaces and parentheses, so fields are counted after the last `)`.
pub(crate) fn parse_stat_ticks(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the name: state(3) ppid(4) … utime(14) stime(15) → indexes 11 and 12 here.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// `VmRSS` in KiB from the text of `/proc/PID/status`.
pub(crate) fn parse_rss_kib(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// The first `model name` of `/proc/cpuinfo` text.
pub(crate) fn parse_cpu_model(cpuinfo: &str) -> Option<String> {
    cpuinfo.lines().find_map(|l| {
        let (key, value) = l.split_once(':')?;
        (key.trim() == "model name").then(|| value.trim().to_owned())
    })
}

/// `MemTotal` in KiB from `/proc/meminfo` text.
pub(crate) fn parse_mem_total_kib(meminfo: &str) -> Option<u64> {
    meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// A process's CPU ticks (utime + stime of all its threads), `None` when it is gone.
pub(crate) fn cpu_ticks(pid: u32) -> Option<u64> {
    parse_stat_ticks(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// A process's resident set size in KiB, `None` when it is gone.
pub(crate) fn rss_kib(pid: u32) -> Option<u64> {
    parse_rss_kib(&std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?)
}

/// Clock ticks per second (`CLK_TCK`).
pub(crate) fn ticks_per_second() -> u64 {
    rustix::param::clock_ticks_per_second().max(1)
}

/// CPU used by a process between two points in time, as % of one core.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CpuMeter {
    pid: u32,
    ticks: u64,
    at: Instant,
}

impl CpuMeter {
    /// Starts measuring `pid` now.
    pub(crate) fn start(pid: u32) -> CpuMeter {
        CpuMeter {
            pid,
            ticks: cpu_ticks(pid).unwrap_or(0),
            at: Instant::now(),
        }
    }

    /// % of one core since [`CpuMeter::start`].
    pub(crate) fn percent(&self) -> f64 {
        let ticks = cpu_ticks(self.pid).unwrap_or(self.ticks);
        cpu_percent(
            ticks.saturating_sub(self.ticks),
            ticks_per_second(),
            self.at.elapsed(),
        )
    }
}

/// `ticks` of CPU over `wall` as % of one core.
pub(crate) fn cpu_percent(ticks: u64, per_second: u64, wall: Duration) -> f64 {
    let secs = wall.as_secs_f64();
    if secs <= 0.0 || per_second == 0 {
        return 0.0;
    }
    ticks as f64 / per_second as f64 / secs * 100.0
}

/// The machine, for the report.
#[derive(Debug, Clone, Default)]
pub(crate) struct Machine {
    pub(crate) nproc: usize,
    pub(crate) cpu_model: String,
    pub(crate) kernel: String,
    pub(crate) mem_total_kib: u64,
    pub(crate) loadavg: String,
}

impl Machine {
    /// Reads it now.
    pub(crate) fn read() -> Machine {
        let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
        Machine {
            nproc: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu_model: parse_cpu_model(&read("/proc/cpuinfo")).unwrap_or_else(|| "unknown".into()),
            kernel: read("/proc/sys/kernel/osrelease").trim().to_owned(),
            mem_total_kib: parse_mem_total_kib(&read("/proc/meminfo")).unwrap_or(0),
            loadavg: loadavg(),
        }
    }
}

/// The 1/5/15-minute load averages (`/proc/loadavg`'s first three fields).
pub(crate) fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `YYYY-MM-DD HH:MM UTC` of `t`.
pub(crate) fn utc_string(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) as i64;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        s / 3600,
        s % 3600 / 60
    )
}

/// (year, month, day) of day `z` since 1970-01-01 (Howard Hinnant's `civil_from_days`).
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_ticks_after_a_tricky_name() {
        let stat =
            "4242 (work (bench) x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 150 37 0 0 20 0 9 0 \
                    5000 100000 2000 18446744073709551615";
        assert_eq!(parse_stat_ticks(stat), Some(187));
        assert_eq!(parse_stat_ticks("1 (x) S 1 2"), None);
        assert_eq!(parse_stat_ticks("garbage"), None);
    }

    #[test]
    fn rss_model_memory() {
        let status =
            "Name:\tworkbench-serv\nVmPeak:\t  99999 kB\nVmRSS:\t   12345 kB\nThreads:\t3\n";
        assert_eq!(parse_rss_kib(status), Some(12345));
        assert_eq!(parse_rss_kib("Name: x\n"), None);
        let cpuinfo = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n\
                       processor\t: 1\nmodel name\t: other\n";
        assert_eq!(
            parse_cpu_model(cpuinfo).as_deref(),
            Some("Intel(R) Xeon(R) CPU @ 2.20GHz")
        );
        assert_eq!(parse_cpu_model("processor : 0\n"), None);
        assert_eq!(
            parse_mem_total_kib("MemTotal:       24567890 kB\nMemFree: 1 kB\n"),
            Some(24_567_890)
        );
    }

    #[test]
    fn cpu_percent_of_one_core() {
        assert_eq!(cpu_percent(100, 100, Duration::from_secs(2)), 50.0);
        assert_eq!(cpu_percent(300, 100, Duration::from_secs(1)), 300.0);
        assert_eq!(cpu_percent(5, 100, Duration::ZERO), 0.0);
    }

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        let t = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(utc_string(t), "2023-11-14 22:13 UTC");
    }

    #[test]
    fn reads_this_process() {
        let me = std::process::id();
        assert!(cpu_ticks(me).is_some());
        assert!(rss_kib(me).unwrap_or(0) > 0);
        assert!(Machine::read().nproc >= 1);
    }
}
