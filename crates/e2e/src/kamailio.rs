//! Kamailio under test: a real SIP registrar/proxy with SIP over WebSocket (RFC 7118) that nobody on the
//! team wrote, for the interop tests (`tests/interop.rs`).
//!
//! # What it starts
//! [`Kamailio::start`] runs the Debian `kamailio` binary (installed by `scripts/setup-peers.sh`) in the
//! foreground — `-DD` (the creator does not daemonize; it forks its workers and stays the parent) and `-E`
//! (log to stderr, which goes to `kamailio.log` in a fresh temporary directory) — with the template
//! `crates/e2e/kamailio/kamailio.cfg` and, per run, on the command line:
//! - `-l tcp:127.0.0.1:<ws>`: the WebSocket listener (`ws://127.0.0.1:<ws>`, sub-protocol `sip`); an
//!   upgrade is an HTTP GET handed to `ws_handle_handshake()` in the `xhttp:request` event route;
//! - `-l udp:127.0.0.1:<sip>` and `-l tcp:127.0.0.1:<sip>`: plain SIP, for peers without WebSocket;
//! - `-Y <tmp>` (runtime dir), `-w <tmp>` (working dir), `-L <modules>`, small `-m`/`-M` memory: nothing
//!   is written outside the temporary directory, no system service is involved.
//!
//! Both ports are picked free on 127.0.0.1 just before the start. [`Kamailio::start`] returns once the
//! WebSocket port accepts connections (a condition with a deadline; if the process exits first, the test
//! fails with its log).
//!
//! # The config, and why each trick is there
//! - Users `1001`, `1002`, `1003` with passwords `pw1001`… ([`Kamailio::password`]) in an in-memory
//!   `htable` filled at start-up, checked with the `auth` module's `pv_auth_check` / `auth_challenge`
//!   (`auth_db` would need a database). Realm = the From domain. REGISTER is challenged with
//!   `WWW-Authenticate`, other out-of-dialog requests with `Proxy-Authenticate`; qop=auth. A wrong
//!   password is answered `403 Forbidden`, not challenged again, so no client loops.
//! - usrloc `db_mode 0`: the location table lives in memory and dies with the process.
//! - Browser UAs write `*.invalid` hosts in Via and Contact. `nat_uac_test("64")` (= the request came over
//!   a WebSocket) selects the fixes: `force_rport()` so answers go back over the connection,
//!   `fix_nated_register()` so a binding stores the connection's real address (with the registrar's
//!   `received_avp`, used by `lookup("location")`), `add_contact_alias()` on dialog-forming requests and
//!   their replies so the Contact carries `;alias=127.0.0.1~port~proto`, and `handle_ruri_alias()` on
//!   in-dialog requests to route to that alias.
//! - `record_route()` on INVITE keeps the proxy in the dialog (both UAs' Contacts are unreachable names).
//! - `auto_aliases=no` and never a port-less `alias=127.0.0.1`: every UA of the tests lives on 127.0.0.1
//!   as well, and Kamailio would take their Contacts for itself and loop in-dialog requests.
//!
//! # How it is stopped
//! Kamailio is its own process group leader (`process_group(0)`); dropping [`Kamailio`] sends SIGTERM to
//! the whole group (the creator and every worker), waits for the creator with a deadline, then SIGKILLs
//! the group. It is started through `setpriv --pdeathsig TERM`, so a test process that dies without
//! dropping it (a timeout's SIGKILL) does not leave it running. When the test is failing (the thread panics) the log is printed to stderr and the temporary
//! directory is kept; otherwise it is removed.

use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::eventually;

/// The template config.
pub fn config_template() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("kamailio/kamailio.cfg")
}

/// The SIP domain (and digest realm) the tests register in. A name, not `127.0.0.1`, so no UA's URI can
/// be mistaken for the proxy itself; Kamailio routes by user name (usrloc without domains).
pub const DOMAIN: &str = "ccc.test";

/// A running Kamailio, stopped on drop.
pub struct Kamailio {
    /// `ws://127.0.0.1:<port>` — the SIP over WebSocket endpoint.
    pub ws_url: String,
    /// The WebSocket listener's port.
    pub ws_port: u16,
    /// The plain SIP port (UDP and TCP) on 127.0.0.1.
    pub sip_port: u16,
    dir: PathBuf,
    child: Child,
}

impl Kamailio {
    /// Starts Kamailio on free loopback ports and waits until its WebSocket port accepts connections.
    pub async fn start() -> Kamailio {
        let binary = std::env::var("KAMAILIO").unwrap_or_else(|_| "kamailio".into());
        let dir = std::env::temp_dir().join(format!(
            "ccc-kamailio-{}-{}",
            std::process::id(),
            crate::unique()
        ));
        std::fs::create_dir_all(&dir).expect("Kamailio runtime dir");
        let ws_port = free_tcp_port();
        let sip_port = free_udp_and_tcp_port(ws_port);
        let log = File::create(dir.join("kamailio.log")).expect("Kamailio log file");
        // setpriv (util-linux) execs Kamailio with a parent-death signal: if the test process dies without
        // running Drop (killed, aborted), Kamailio gets SIGTERM and stops its workers itself.
        let mut command = Command::new("setpriv");
        command
            .args(["--pdeathsig", "TERM", "--"])
            .arg(&binary)
            .arg("-DD")
            .arg("-E")
            .arg("-f")
            .arg(config_template())
            .arg("-L")
            .arg(module_dir())
            .arg("-Y")
            .arg(&dir)
            .arg("-w")
            .arg(&dir)
            .args(["-m", "32", "-M", "8"])
            .arg("-l")
            .arg(format!("tcp:127.0.0.1:{ws_port}"))
            .arg("-l")
            .arg(format!("udp:127.0.0.1:{sip_port}"))
            .arg("-l")
            .arg(format!("tcp:127.0.0.1:{sip_port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .process_group(0);
        let child = command.spawn().unwrap_or_else(|e| {
            panic!("cannot start {binary} ({e}); run scripts/setup-peers.sh to install Kamailio")
        });
        let mut kamailio = Kamailio {
            ws_url: format!("ws://127.0.0.1:{ws_port}"),
            ws_port,
            sip_port,
            dir,
            child,
        };
        kamailio.wait_ready().await;
        kamailio
    }

    async fn wait_ready(&mut self) {
        let started = Instant::now();
        let ws_port = self.ws_port;
        let mut exited = None;
        eventually("Kamailio to accept connections", || {
            if let Ok(Some(status)) = self.child.try_wait() {
                exited = Some(status);
            }
            let exited = exited.is_some();
            async move {
                if exited {
                    return Some(());
                }
                tokio::net::TcpStream::connect(("127.0.0.1", ws_port))
                    .await
                    .ok()
                    .map(|_| ())
            }
        })
        .await;
        if let Some(status) = exited {
            panic!(
                "Kamailio exited during start-up ({status}):\n{}",
                self.log()
            );
        }
        eprintln!(
            "kamailio: ready on {} and udp/tcp 127.0.0.1:{} after {:?} (log {})",
            self.ws_url,
            self.sip_port,
            started.elapsed(),
            self.dir.join("kamailio.log").display()
        );
    }

    /// The password of test user `user` (`1001`, `1002`, `1003`).
    pub fn password(user: &str) -> String {
        format!("pw{user}")
    }

    /// `sip:<user>@ccc.test`.
    pub fn aor(user: &str) -> String {
        format!("sip:{user}@{DOMAIN}")
    }

    /// What Kamailio logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("kamailio.log")).unwrap_or_default()
    }

    /// The process id of the creator (the process group id).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Kamailio {
    fn drop(&mut self) {
        let group = self.child.id();
        signal_group(group, "TERM");
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut stopped = false;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                stopped = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // Whatever is left of the group (workers, or a creator that ignored SIGTERM).
        signal_group(group, "KILL");
        if !stopped {
            let _ = self.child.wait();
        }
        if std::thread::panicking() {
            eprintln!(
                "----- Kamailio log ({}) -----\n{}\n----- end of Kamailio log -----",
                self.dir.join("kamailio.log").display(),
                self.log()
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

/// Where Debian puts Kamailio's modules (or `$KAMAILIO_MODULES`).
fn module_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("KAMAILIO_MODULES") {
        return dir.into();
    }
    [
        "/usr/lib/x86_64-linux-gnu/kamailio/modules",
        "/usr/lib/aarch64-linux-gnu/kamailio/modules",
        "/usr/lib/kamailio/modules",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|d| d.join("websocket.so").is_file())
    .expect("Kamailio's websocket module is not installed; run scripts/setup-peers.sh")
}

fn free_tcp_port() -> u16 {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
    probe.local_addr().unwrap().port()
}

/// A port free for both UDP and TCP on 127.0.0.1, other than `not`.
fn free_udp_and_tcp_port(not: u16) -> u16 {
    loop {
        let udp = std::net::UdpSocket::bind("127.0.0.1:0").expect("free UDP port");
        let port = udp.local_addr().unwrap().port();
        if port != not && std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}
