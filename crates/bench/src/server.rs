//! The server under test: the real `workbench-server` binary as a child process on 127.0.0.1 with a free port
//! (`--port 0`, the port read from its "listening on" line) and a generated `--emulator-config`.
//!
//! It never outlives the bench: [`Server`]'s `Drop` kills and reaps it (also while a panic unwinds); the panic
//! hook kills every server still registered (for a build with `panic = "abort"`); and the child runs under
//! `setpriv --pdeathsig KILL`, so even a SIGKILLed bench takes it along (it is spawned from the main thread,
//! which lives as long as the bench: the death signal follows the spawning thread).

use std::fs::File;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config;
use crate::procfs;

/// Pids of the servers running now (for the panic hook).
static RUNNING: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// Installs the panic hook that kills every running server before the default hook runs.
pub(crate) fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        kill_all();
        default(info);
    }));
}

/// SIGKILLs every registered server (by its own pid; nothing else).
pub(crate) fn kill_all() {
    let pids = RUNNING.lock().map(|p| p.clone()).unwrap_or_default();
    for pid in pids {
        if let Some(pid) = rustix::process::Pid::from_raw(pid as i32) {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
        }
    }
}

/// Raises this process's RLIMIT_NOFILE (soft, and hard when needed and allowed) to at least `want`; children
/// spawned afterwards inherit it. Returns the soft limit in force afterwards.
pub(crate) fn raise_nofile(want: u64) -> u64 {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let now = getrlimit(Resource::Nofile);
    let soft = now.current.unwrap_or(u64::MAX);
    let hard = now.maximum.unwrap_or(u64::MAX);
    if soft >= want {
        return soft;
    }
    if hard < want {
        // Root may raise the hard limit too.
        let _ = setrlimit(
            Resource::Nofile,
            Rlimit {
                current: Some(want),
                maximum: Some(want),
            },
        );
    }
    let now = getrlimit(Resource::Nofile);
    if now.current.unwrap_or(u64::MAX) < want {
        let max = now.maximum.unwrap_or(u64::MAX);
        let _ = setrlimit(
            Resource::Nofile,
            Rlimit {
                current: Some(want.min(max)),
                maximum: now.maximum,
            },
        );
    }
    getrlimit(Resource::Nofile).current.unwrap_or(u64::MAX)
}

/// A running server, killed on drop.
pub(crate) struct Server {
    child: Child,
    /// Where it listens.
    pub(crate) addr: SocketAddr,
    /// Its process id (the server itself: setpriv execs it).
    pub(crate) pid: u32,
    /// Its stderr (the server's log).
    pub(crate) log: PathBuf,
}

impl Server {
    /// Starts `binary` with `agents` generated agents in skill groups of `group_size`; files go to `dir`
    /// (named after `label`). Waits up to 60 s for it to listen.
    pub(crate) fn start(
        binary: &Path,
        agents: usize,
        group_size: usize,
        dir: &Path,
        label: &str,
    ) -> Result<Server, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let config_path = dir.join(format!("{label}.emulator.toml"));
        std::fs::write(&config_path, config::emulator_toml(agents, group_size))
            .map_err(|e| format!("{}: {e}", config_path.display()))?;
        let out_path = dir.join(format!("{label}.stdout"));
        let log = dir.join(format!("{label}.log"));
        let out = File::create(&out_path).map_err(|e| format!("{}: {e}", out_path.display()))?;
        let err = File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
        let server_args: [std::ffi::OsString; 8] = [
            "--host".into(),
            "127.0.0.1".into(),
            "--port".into(),
            "0".into(),
            "--dist".into(),
            dir.join("no-dist").into_os_string(),
            "--emulator-config".into(),
            config_path.clone().into_os_string(),
        ];
        let mut command = if has_setpriv() {
            let mut c = Command::new("setpriv");
            c.args(["--pdeathsig", "KILL", "--"]).arg(binary);
            c
        } else {
            Command::new(binary)
        };
        // A server that keeps call records on disk puts them under $XDG_DATA_HOME by default: give each run
        // its own, so the bench never writes into the operator's data nor reads an earlier run's records.
        let data = dir.join(format!("{label}.data"));
        std::fs::create_dir_all(&data).map_err(|e| format!("{}: {e}", data.display()))?;
        let child = command
            .args(server_args)
            .env("XDG_DATA_HOME", &data)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let pid = child.id();
        if let Ok(mut running) = RUNNING.lock() {
            running.push(pid);
        }
        let mut server = Server {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            pid,
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let text = std::fs::read_to_string(&out_path).unwrap_or_default();
            if let Some(port) = listening_port(&text) {
                server.addr = SocketAddr::from(([127, 0, 0, 1], port));
                return Ok(server);
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!(
                    "the server exited during start-up ({status}): {}",
                    tail(&server.log, 20)
                ));
            }
            if Instant::now() > deadline {
                return Err("the server did not listen within 60 s".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Its resident set size now (KiB).
    pub(crate) fn rss_kib(&self) -> u64 {
        procfs::rss_kib(self.pid).unwrap_or(0)
    }

    /// Whether it still runs.
    pub(crate) fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Waits (up to `max`) until it is idle: under 5 % of a core over 200 ms.
    pub(crate) async fn settle(&self, max: Duration) {
        let deadline = Instant::now() + max;
        while Instant::now() < deadline {
            let meter = procfs::CpuMeter::start(self.pid);
            tokio::time::sleep(Duration::from_millis(200)).await;
            if meter.percent() < 5.0 {
                return;
            }
        }
    }

    /// The last lines of its log.
    pub(crate) fn log_tail(&self, lines: usize) -> String {
        tail(&self.log, lines)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Ok(mut running) = RUNNING.lock() {
            running.retain(|&p| p != self.pid);
        }
    }
}

/// The port of the server's `workbench listening on http://127.0.0.1:PORT` line.
pub(crate) fn listening_port(stdout: &str) -> Option<u16> {
    stdout.lines().find_map(|l| {
        let url = l.split("listening on ").nth(1)?;
        url.trim()
            .rsplit(':')
            .next()?
            .trim_end_matches('/')
            .parse()
            .ok()
    })
}

fn has_setpriv() -> bool {
    Command::new("setpriv")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_port() {
        assert_eq!(
            listening_port("workbench listening on http://127.0.0.1:43121\n"),
            Some(43121)
        );
        assert_eq!(listening_port(""), None);
        assert_eq!(
            listening_port("workbench listening on http://127.0.0.1:"),
            None
        );
    }

    #[test]
    fn nofile_is_at_least_what_it_was() {
        let before = rustix::process::getrlimit(rustix::process::Resource::Nofile)
            .current
            .unwrap_or(u64::MAX);
        assert!(raise_nofile(64) >= before.min(64));
    }
}
