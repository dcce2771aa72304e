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
//! # How it is stopped (see [`crate::daemon`])
//! Kamailio is its own process group leader (`process_group(0)`); dropping [`Kamailio`] sends SIGTERM to
//! the whole group (the creator and every worker), waits for the creator with a deadline, then SIGKILLs
//! the group. It is started through `setpriv --pdeathsig TERM`, so a test process that dies without
//! dropping it (a timeout's SIGKILL) does not leave it running. When the test is failing (the thread panics) the log is printed to stderr and the temporary
//! directory is kept; otherwise it is removed.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::daemon::{free_tcp_port, free_udp_and_tcp_port, Daemon};

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
    daemon: Daemon,
}

impl Kamailio {
    /// Starts Kamailio on free loopback ports and waits until its WebSocket port accepts connections.
    pub async fn start() -> Kamailio {
        let binary = std::env::var("KAMAILIO").unwrap_or_else(|_| "kamailio".into());
        let dir = Daemon::temp_dir("kamailio");
        let ws_port = free_tcp_port();
        let sip_port = free_udp_and_tcp_port(ws_port);
        let mut args: Vec<OsString> = vec!["-DD".into(), "-E".into(), "-f".into()];
        args.push(config_template().into());
        args.push("-L".into());
        args.push(module_dir().into());
        for flag in ["-Y", "-w"] {
            args.push(flag.into());
            args.push(dir.clone().into());
        }
        for arg in ["-m", "32", "-M", "8"] {
            args.push(arg.into());
        }
        for listen in [
            format!("tcp:127.0.0.1:{ws_port}"),
            format!("udp:127.0.0.1:{sip_port}"),
            format!("tcp:127.0.0.1:{sip_port}"),
        ] {
            args.push("-l".into());
            args.push(listen.into());
        }
        let started = Instant::now();
        let mut daemon = Daemon::spawn(
            "Kamailio",
            dir,
            &binary,
            args,
            "kamailio.log",
            "run scripts/setup-peers.sh to install Kamailio",
        );
        daemon.wait_port(ws_port).await;
        let kamailio = Kamailio {
            ws_url: format!("ws://127.0.0.1:{ws_port}"),
            ws_port,
            sip_port,
            daemon,
        };
        eprintln!(
            "kamailio: ready on {} and udp/tcp 127.0.0.1:{} after {:?} (log {})",
            kamailio.ws_url,
            sip_port,
            started.elapsed(),
            kamailio.daemon.dir().join("kamailio.log").display()
        );
        kamailio
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
        self.daemon.log()
    }

    /// The process id of the creator (the process group id).
    pub fn pid(&self) -> u32 {
        self.daemon.pid()
    }
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
