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
//! Started, awaited and stopped like every server under test ([`crate::daemon`]).

use crate::daemon::{free_udp_and_tcp_port, Daemon};

/// A running coturn, stopped on drop.
pub struct Coturn {
    /// The TURN port (UDP and TCP) on 127.0.0.1.
    pub port: u16,
    daemon: Daemon,
}

impl Coturn {
    /// The static TURN user.
    pub const USER: &'static str = "ccc-e2e";
    /// Its password (test credentials).
    pub const PASSWORD: &'static str = "ccc-e2e-turn";

    /// Starts coturn on a free loopback port and waits until it accepts connections.
    pub async fn start() -> Coturn {
        let binary = std::env::var("TURNSERVER").unwrap_or_else(|_| "turnserver".into());
        let dir = Daemon::temp_dir("coturn");
        let port = free_udp_and_tcp_port(0);
        let config = dir.join("turnserver.conf");
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
                dir.join("turnserver.log").display(),
            ),
        )
        .expect("coturn config");
        let mut daemon = Daemon::spawn(
            "coturn",
            dir,
            &binary,
            vec!["-c".into(), config.into()],
            "stdout.log",
            "run scripts/setup-peers.sh to install coturn",
        );
        daemon.wait_port(port).await;
        Coturn { port, daemon }
    }

    /// `127.0.0.1:<port>`: the access point's `domain`.
    pub fn domain(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// What coturn logged so far (coturn may add a date to its log file's name; every `*.log` is read).
    pub fn log(&self) -> String {
        self.daemon.log()
    }
}
