//! A third-party server under test (Kamailio, coturn): started, awaited and stopped the same way.
//!
//! - **Start**: [`Daemon::spawn`] runs the binary through `setpriv --pdeathsig TERM` (so a test process that
//!   dies without dropping it — a timeout's SIGKILL — does not leave it running) as the leader of its own
//!   process group, stdout and stderr into a log file in a fresh temporary directory that is its only
//!   place to write.
//! - **Ready**: [`Daemon::wait_port`] waits, with a deadline, until a TCP port accepts connections; if the
//!   process exits first the test fails with its log.
//! - **Stop**: dropping it sends SIGTERM to the whole group (a server and its workers), waits for the
//!   leader with a deadline, then SIGKILLs what is left. When the test is failing (the thread panics) every
//!   `*.log` of its directory is printed and the directory kept; otherwise it is removed.

use std::ffi::OsString;
use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::eventually;

/// A running server, stopped on drop.
pub struct Daemon {
    name: &'static str,
    dir: PathBuf,
    child: Child,
}

impl Daemon {
    /// A fresh temporary directory for server `name` (its config, runtime files and logs).
    pub fn temp_dir(name: &str) -> PathBuf {
        crate::temp_dir::fresh(&format!("ccc-{name}"))
    }

    /// Starts `binary args…` with its output in `dir/<output>`. `install` says how to get the binary.
    pub fn spawn(
        name: &'static str,
        dir: PathBuf,
        binary: &str,
        args: Vec<OsString>,
        output: &str,
        install: &str,
    ) -> Daemon {
        let out = File::create(dir.join(output)).expect("daemon log file");
        let child = Command::new("setpriv")
            .args(["--pdeathsig", "TERM", "--"])
            .arg(binary)
            .args(args)
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("log file"))
            .stderr(out)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {binary} ({e}); {install}"));
        Daemon { name, dir, child }
    }

    /// Waits until `port` on 127.0.0.1 accepts TCP connections.
    pub async fn wait_port(&mut self, port: u16) {
        let mut exited = None;
        eventually(&format!("{} to accept connections", self.name), || {
            if let Ok(Some(status)) = self.child.try_wait() {
                exited = Some(status);
            }
            let exited = exited.is_some();
            async move {
                if exited {
                    return Some(());
                }
                tokio::net::TcpStream::connect(("127.0.0.1", port))
                    .await
                    .ok()
                    .map(|_| ())
            }
        })
        .await;
        if let Some(status) = exited {
            panic!(
                "{} exited during start-up ({status}):\n{}",
                self.name,
                self.log()
            );
        }
    }

    /// Its directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The process id of the group leader.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Every `*.log` file of its directory, concatenated (what it logged so far).
    pub fn log(&self) -> String {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "log"))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap_or_default())
            .collect()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let group = self.child.id();
        signal_group(group, "TERM");
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // Whatever is left of the group (workers, or a leader that ignored SIGTERM).
        signal_group(group, "KILL");
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!(
                "----- {} log ({}) -----\n{}\n----- end of {} log -----",
                self.name,
                self.dir.display(),
                self.log(),
                self.name
            );
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Sends `signal` to process group `group` with procps `kill` (the workspace forbids `unsafe`, so no
/// `libc::kill`).
fn signal_group(group: u32, signal: &str) {
    let _ = Command::new("kill")
        .args(["-s", signal, "--", &format!("-{group}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// A free TCP port on 127.0.0.1.
pub fn free_tcp_port() -> u16 {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
    probe.local_addr().unwrap().port()
}

/// A port free for both UDP and TCP on 127.0.0.1, other than `not`.
pub fn free_udp_and_tcp_port(not: u16) -> u16 {
    loop {
        let udp = std::net::UdpSocket::bind("127.0.0.1:0").expect("free UDP port");
        let port = udp.local_addr().unwrap().port();
        if port != not && std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}
