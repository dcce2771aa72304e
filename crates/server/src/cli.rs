//! Command-line options of the `workbench-server` binary.

use std::ffi::OsString;
use std::net::IpAddr;
use std::path::PathBuf;

use clap::Parser;

use crate::{ConfigError, EmulatorConfig, ServerOptions, TlsConfig, UpstreamConfig};

const UPSTREAM_HELP: &str = "\
UPSTREAM MODE (the real Alibaba Cloud CCC OpenAPI instead of the emulator):
  On when --upstream-config is given or CCC_ACCESS_KEY_ID / CCC_ACCESS_KEY_SECRET is set. Secrets are read
  only from the environment or that file, never from the command line (other users can see arguments).
  /data/api.json (and /aliyun/ccc/api) then forward the workbench's own actions, signed, to the endpoint;
  UserId and InstanceId are bound to the authenticated agent and the configured instance (fields naming other
  agents, e.g. MonitoredUserId of a supervisor's MonitorCall, pass unchanged: the call center checks the
  bound agent's privileges); any other action is refused (403 Forbidden.Action), an unauthenticated request
  gets 401. A state-changing request (any POST, or a GET of an action other than Get*/List*/PollUserStatus)
  must come from this server's own origin or an allowed origin (Origin, else Referer; 403 Forbidden.Origin);
  with neither header it is accepted only with an Authorization: Bearer token or the trusted proxy's header.
  Allowed origins also get CORS with credentials (for hosts using ajaxOrigin + withCredentials).
  /emulator/* and /openapi/ are off.

  Environment variable    TOML key (file)            Meaning
  CCC_ACCESS_KEY_ID       access_key_id              AccessKeyId (required)
  CCC_ACCESS_KEY_SECRET   access_key_secret          AccessKeySecret (required)
  CCC_REGION              region                     region id (default cn-shanghai)
  CCC_ENDPOINT            endpoint                   host or URL (default ccc.<region>.aliyuncs.com, https;
                                                     http:// is accepted for loopback addresses only)
  CCC_INSTANCE_ID         instance_id                the CCC instance (required)
  CCC_SIGNATURE           signature                  v3 (ACS3-HMAC-SHA256, default) or v1 (HMAC-SHA1)
  CCC_TIMEOUT_MS          timeout_ms                 upstream timeout in ms (default 10000) -> 504 Gateway.Timeout
  CCC_IDENTITY            identity.mode              trusted-header or jwt (required): who the agent is
  CCC_IDENTITY_HEADER     identity.header            trusted-header: header with the UserId (default X-Forwarded-User)
  CCC_TRUSTED_PROXIES     identity.trusted_proxies   trusted-header: IPs/CIDRs of the reverse proxy (comma-separated)
  CCC_JWT_SECRET          identity.jwt_secret        jwt: HS256 key, >= 32 bytes; token sub = UserId, exp required
  CCC_JWT_COOKIE          identity.jwt_cookie        jwt: cookie holding the token (default ccc_token); or
                                                     Authorization: Bearer <token>
  CCC_ALLOWED_ORIGINS     allowed_origins            other origins (https://crm.example.com) allowed to send
                                                     state-changing requests and CORS with credentials
                                                     (comma-separated); the server's own origin always is
  CCC_MAX_BODY_BYTES      max_body_bytes             largest request body/query (default 1048576) -> 413
  CCC_RATE_LIMIT_PER_MINUTE rate_limit_per_minute    requests per agent per minute (default 600; bursts up to
                                                     that many) -> 429 Throttling.User
  A variable that is set overrides the file's key.

EMULATOR OPENAPI FACE (emulator mode): /openapi/ accepts V3- or V1-signed OpenAPI requests with the demo
  AccessKey emulator-demo-key-id / emulator-demo-key-secret (emulator-only test credentials; change them
  with [openapi] in --emulator-config).";

/// Serves the built workbench and emulates the Alibaba Cloud Call Center (CCC) backend it talks to.
///
/// Open http://127.0.0.1:8080/ after `make run`. The SDK's requests go to /data/api.json; the emulator's
/// control API (place inbound calls, hang up as the customer, script dialled numbers) is under /emulator/v1.
#[derive(Debug, Clone, Parser)]
#[command(name = "workbench-server", version, about, long_about, after_long_help = UPSTREAM_HELP)]
pub struct Cli {
    /// Address to bind. Defaults to loopback only; use 0.0.0.0 to expose the server on the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,

    /// TCP port to listen on (0 picks a free port).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,

    /// Directory with the built panel (index.html, sdk/, demo/), as produced by `trunk build --release`.
    #[arg(long, default_value = "dist")]
    pub dist: PathBuf,

    /// TOML file overriding the emulator's data (instance, agents, skill groups, numbers, timers).
    /// See crates/server/emulator.example.toml; keys left out keep their defaults.
    #[arg(long, value_name = "FILE.toml")]
    pub emulator_config: Option<PathBuf>,

    /// Seconds a call waits for an agent whose soft-phone leg was lost without a hang-up (its SIP WebSocket
    /// closed, or the phone un-REGISTERed) to register again and take the call back; then the call is
    /// released as if the agent had hung up. Overrides agent_leg_grace_ms of --emulator-config (default 60).
    #[arg(long, value_name = "SECS")]
    pub agent_leg_grace_secs: Option<u64>,

    /// Directory of the emulator's call records (records.db, SQLite in WAL mode; created if missing):
    /// ListRecentCallDetailRecords and ListHistoricalAgentReport read every call kept there, across restarts
    /// (rows older than record_retention_days of --emulator-config, default 90, are deleted). Overrides the
    /// config's data_dir; the default is $XDG_DATA_HOME/ccc-workbench, else ~/.local/share/ccc-workbench.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// TOML file with the upstream (real CCC OpenAPI) settings and secrets; it must be readable by its owner
    /// only (chmod 600), or the server refuses to start. See UPSTREAM MODE below (`--help`) for the keys.
    #[arg(long, value_name = "FILE.toml")]
    pub upstream_config: Option<PathBuf>,

    /// Serve HTTPS (and WSS for the push and SIP sockets) with this certificate chain (PEM); needs
    /// --tls-key. Browsers give the microphone only to secure contexts: off localhost, agents need HTTPS.
    #[arg(
        long,
        value_name = "CERT.pem",
        requires = "tls_key",
        conflicts_with = "tls_self_signed"
    )]
    pub tls_cert: Option<PathBuf>,

    /// The private key (PEM) of --tls-cert.
    #[arg(long, value_name = "KEY.pem", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Serve HTTPS with a self-signed certificate, for a trial on a LAN: made once and kept in the data
    /// directory (tls/), for localhost, 127.0.0.1, ::1 and every --tls-name; its SHA-256 fingerprint is
    /// printed at start-up so that agents can check it before accepting the browser's warning.
    #[arg(long)]
    pub tls_self_signed: bool,

    /// A name or address the self-signed certificate must also cover (the one agents type, e.g.
    /// ccc.lan or 192.168.1.20); repeat for several.
    #[arg(long, value_name = "NAME", requires = "tls_self_signed")]
    pub tls_name: Vec<String>,
}

impl Cli {
    /// The server options these flags describe (reads the emulator config file, if any).
    pub fn options(&self) -> Result<ServerOptions, ConfigError> {
        let mut emulator = match &self.emulator_config {
            Some(path) => EmulatorConfig::from_toml_file(path)?,
            None => EmulatorConfig::default(),
        };
        if let Some(secs) = self.agent_leg_grace_secs {
            emulator.agent_leg_grace = std::time::Duration::from_secs(secs);
        }
        if let Some(dir) = &self.data_dir {
            emulator.data_dir = Some(dir.clone());
        }
        if emulator.data_dir.is_none() {
            emulator.data_dir = Some(default_data_dir(|name| std::env::var_os(name)).ok_or_else(|| {
                ConfigError::Records(
                    "no per-user data directory (neither XDG_DATA_HOME nor HOME is set): pass --data-dir"
                        .into(),
                )
            })?);
        }
        Ok(ServerOptions {
            dist: self.dist.clone(),
            emulator,
        })
    }

    /// The HTTPS identity these flags ask for, or `None` for plain HTTP. A self-signed certificate is kept
    /// in `data_dir` (see [`TlsConfig::self_signed`]).
    pub fn tls(&self, data_dir: &std::path::Path) -> Result<Option<TlsConfig>, ConfigError> {
        match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => TlsConfig::from_pem_files(cert, key).map(Some),
            _ if self.tls_self_signed => TlsConfig::self_signed(data_dir, &self.tls_name).map(Some),
            _ => Ok(None),
        }
    }

    /// The upstream configuration (from `--upstream-config` and the `CCC_*` environment variables), or `None`
    /// for emulator mode.
    pub fn upstream(&self) -> Result<Option<UpstreamConfig>, ConfigError> {
        UpstreamConfig::load(self.upstream_config.as_deref(), |name| {
            std::env::var(name).ok()
        })
    }
}

/// The per-user data directory of the emulator's records: `$XDG_DATA_HOME/ccc-workbench`, else
/// `$HOME/.local/share/ccc-workbench` (the XDG base directory rules; relative values are ignored).
pub fn default_data_dir(env: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let absolute = |name: &str| {
        env(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    absolute("XDG_DATA_HOME")
        .or_else(|| absolute("HOME").map(|home| home.join(".local/share")))
        .map(|base| base.join("ccc-workbench"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn defaults_and_help() {
        Cli::command().debug_assert();
        let cli = Cli::parse_from(["workbench-server"]);
        assert_eq!((cli.host.to_string(), cli.port), ("127.0.0.1".into(), 8080));
        assert_eq!(cli.dist, PathBuf::from("dist"));
        let cli = Cli::parse_from([
            "workbench-server",
            "--port",
            "0",
            "--dist",
            "x",
            "--host",
            "0.0.0.0",
        ]);
        assert_eq!((cli.port, cli.dist.to_str()), (0, Some("x")));
        assert!(Cli::try_parse_from(["workbench-server", "--emulator-config"]).is_err());
        let grace = |args: &[&str]| {
            Cli::parse_from(args)
                .options()
                .unwrap()
                .emulator
                .agent_leg_grace
        };
        assert_eq!(grace(&["workbench-server"]), crate::DEFAULT_AGENT_LEG_GRACE);
        assert_eq!(
            grace(&["workbench-server", "--agent-leg-grace-secs", "5"]),
            std::time::Duration::from_secs(5)
        );
        let help = Cli::command().render_long_help().to_string();
        assert!(help.contains("--agent-leg-grace-secs"), "{help}");
        assert!(help.contains("--data-dir") && help.contains("record_retention_days"));
    }

    #[test]
    fn tls_flags_come_in_pairs() {
        let parse = |args: &[&str]| Cli::try_parse_from([&["workbench-server"], args].concat());
        assert!(
            parse(&["--tls-cert", "c.pem"]).is_err(),
            "a certificate needs its key"
        );
        assert!(
            parse(&["--tls-key", "k.pem"]).is_err(),
            "a key needs its certificate"
        );
        assert!(parse(&["--tls-cert", "c", "--tls-key", "k", "--tls-self-signed"]).is_err());
        assert!(
            parse(&["--tls-name", "ccc.lan"]).is_err(),
            "names are for the self-signed one"
        );
        let cli = parse(&[
            "--tls-self-signed",
            "--tls-name",
            "a.lan",
            "--tls-name",
            "10.0.0.2",
        ])
        .unwrap();
        assert_eq!(cli.tls_name, ["a.lan", "10.0.0.2"]);
        let plain = parse(&[]).unwrap();
        assert!(plain
            .tls(std::path::Path::new("/nonexistent"))
            .unwrap()
            .is_none());
        let missing = parse(&[
            "--tls-cert",
            "/nonexistent/c.pem",
            "--tls-key",
            "/nonexistent/k.pem",
        ])
        .unwrap()
        .tls(std::path::Path::new("/nonexistent"))
        .unwrap_err()
        .to_string();
        assert!(
            missing.starts_with("TLS: ") && missing.contains("/nonexistent/c.pem"),
            "{missing}"
        );
    }

    #[test]
    fn the_data_dir_is_the_flag_else_the_config_else_per_user() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| OsString::from(v))
            }
        };
        assert_eq!(
            default_data_dir(env(&[("XDG_DATA_HOME", "/x/data"), ("HOME", "/home/a")])),
            Some(PathBuf::from("/x/data/ccc-workbench"))
        );
        assert_eq!(
            default_data_dir(env(&[("XDG_DATA_HOME", "rel"), ("HOME", "/home/a")])),
            Some(PathBuf::from("/home/a/.local/share/ccc-workbench"))
        );
        assert_eq!(default_data_dir(env(&[("HOME", "")])), None);

        let data_dir = |args: &[&str]| Cli::parse_from(args).options().unwrap().emulator.data_dir;
        assert_eq!(
            data_dir(&["workbench-server", "--data-dir", "/tmp/records"]),
            Some(PathBuf::from("/tmp/records"))
        );
        let dir = std::env::temp_dir().join(format!("wbs-cli-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("emulator.toml");
        std::fs::write(
            &file,
            "data_dir = \"/srv/ccc\"\nrecord_retention_days = 7\n",
        )
        .unwrap();
        let config = file.to_str().unwrap();
        let options = Cli::parse_from(["workbench-server", "--emulator-config", config])
            .options()
            .unwrap();
        assert_eq!(options.emulator.data_dir, Some(PathBuf::from("/srv/ccc")));
        assert_eq!(options.emulator.record_retention_days, 7);
        assert_eq!(
            data_dir(&[
                "workbench-server",
                "--emulator-config",
                config,
                "--data-dir",
                "/y"
            ]),
            Some(PathBuf::from("/y"))
        );
        let _ = std::fs::remove_dir_all(&dir);
        // Without either, the per-user directory (when the environment names one).
        if let Some(default) = default_data_dir(|name| std::env::var_os(name)) {
            assert_eq!(data_dir(&["workbench-server"]), Some(default));
        }
    }

    #[test]
    fn secrets_are_never_flags() {
        for flag in [
            "--access-key-secret",
            "--access-key-id",
            "--jwt-secret",
            "--ccc-access-key-secret",
        ] {
            assert!(
                Cli::try_parse_from(["workbench-server", flag, "x"]).is_err(),
                "{flag}"
            );
        }
        let cli = Cli::parse_from(["workbench-server", "--upstream-config", "/etc/ccc.toml"]);
        assert_eq!(cli.upstream_config, Some(PathBuf::from("/etc/ccc.toml")));
        let help = Cli::command().render_long_help().to_string();
        for var in crate::upstream::config::ENV_VARS {
            assert!(help.contains(var), "--help does not explain {var}");
        }
        assert!(help.contains("--upstream-config") && help.contains("chmod 600"));
        assert!(help.contains("emulator-demo-key-id") && help.contains("/openapi/"));
    }
}
