//! coturn under test: a real TURN server nobody on the team wrote, for the access-point tests
//! (`tests/access_points.rs`).
//!
//! [`Coturn::start`] runs the Debian `turnserver` (installed by `scripts/setup-peers.sh`) in the
//! foreground (no daemon) with a temporary config file: listening and relaying on 127.0.0.1 only
//! (`listening-ip`, `relay-ip`), a free port for UDP and TCP, the long-term credential mechanism with one
//! static user ([`Coturn::USER`] / [`Coturn::PASSWORD`]), `no-cli`, no TLS/DTLS, and `allow-loopback-peers`
//! (the emulator's media lives on 127.0.0.1 too, and coturn refuses loopback peers by default). It returns
//! once the TCP listener accepts connections (a condition with a deadline; if the process exits first the
//! test fails with its log).
//!
//! It is started through `setpriv --pdeathsig TERM`, so a test process that dies without dropping it does
//! not leave it running; dropping [`Coturn`] sends SIGTERM to its PID, waits with a deadline, then
//! SIGKILLs it. The temporary directory (config, log) is removed unless the test is failing, in which case
//! the log is printed.

use std::fs::File;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::eventually;

/// A running coturn, stopped on drop.
pub struct Coturn {
    /// The TURN port (UDP and TCP) on 127.0.0.1.
    pub port: u16,
    dir: PathBuf,
    child: Child,
}

impl Coturn {
    /// The static TURN user.
    pub const USER: &'static str = "ccc-e2e";
    /// Its password (test credentials).
    pub const PASSWORD: &'static str = "ccc-e2e-turn";

    /// Starts coturn on a free loopback port and waits until it accepts connections.
    pub async fn start() -> Coturn {
        let binary = std::env::var("TURNSERVER").unwrap_or_else(|_| "turnserver".into());
        let dir = std::env::temp_dir().join(format!(
            "ccc-coturn-{}-{}",
            std::process::id(),
            crate::unique()
        ));
        std::fs::create_dir_all(&dir).expect("coturn dir");
        let port = free_udp_and_tcp_port();
        let config = dir.join("turnserver.conf");
        let log_path = dir.join("turnserver.log");
        std::fs::write(
            &config,
            format!(
                "listening-ip=127.0.0.1\nrelay-ip=127.0.0.1\nlistening-port={port}\n\
                 lt-cred-mech\nuser={}:{}\nrealm=ccc.test\nfingerprint\n\
                 no-cli\nno-tls\nno-dtls\nallow-loopback-peers\nno-multicast-peers\n\
                 pidfile={}\nlog-file={}\nsimple-log\nverbose\n",
                Self::USER,
                Self::PASSWORD,
                dir.join("turnserver.pid").display(),
                log_path.display(),
            ),
        )
        .expect("coturn config");
        let out = File::create(dir.join("stdout.log")).expect("coturn stdout");
        let child = Command::new("setpriv")
            .args(["--pdeathsig", "TERM", "--"])
            .arg(&binary)
            .arg("-c")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("stdout"))
            .stderr(out)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {binary} ({e}); run scripts/setup-peers.sh to install coturn")
            });
        let mut coturn = Coturn { port, dir, child };
        coturn.wait_ready().await;
        coturn
    }

    async fn wait_ready(&mut self) {
        let port = self.port;
        let mut exited = None;
        eventually("coturn to accept connections", || {
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
            panic!("coturn exited during start-up ({status}):\n{}", self.log());
        }
    }

    /// `127.0.0.1:<port>`: the access point's `domain`.
    pub fn domain(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// What coturn logged so far.
    pub fn log(&self) -> String {
        let read = |name: &str| std::fs::read_to_string(self.dir.join(name)).unwrap_or_default();
        // coturn may add a date to the log file's name.
        let mut text = read("stdout.log");
        if let Ok(entries) = std::fs::read_dir(&self.dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with("turnserver") && name.ends_with(".log") {
                    text.push_str(&read(&name));
                }
            }
        }
        text
    }
}

impl Drop for Coturn {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill")
            .args(["-s", "TERM", &pid])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut stopped = false;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                stopped = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        if !stopped {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        if std::thread::panicking() {
            eprintln!(
                "----- coturn log ({}) -----\n{}\n----- end of coturn log -----",
                self.dir.display(),
                self.log()
            );
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// A port free for both UDP and TCP on 127.0.0.1.
fn free_udp_and_tcp_port() -> u16 {
    loop {
        let udp = std::net::UdpSocket::bind("127.0.0.1:0").expect("free UDP port");
        let port = udp.local_addr().unwrap().port();
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}
