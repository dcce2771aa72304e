//! Command-line options of the `workbench-server` binary.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::Parser;

use crate::{ConfigError, EmulatorConfig, ServerOptions};

/// Serves the built workbench and emulates the Alibaba Cloud Call Center (CCC) backend it talks to.
///
/// Open http://127.0.0.1:8080/ after `make run`. The SDK's requests go to /data/api.json; the emulator's
/// control API (place inbound calls, hang up as the customer, script dialled numbers) is under /emulator/v1.
#[derive(Debug, Clone, Parser)]
#[command(name = "workbench-server", version, about, long_about)]
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
}

impl Cli {
    /// The server options these flags describe (reads the emulator config file, if any).
    pub fn options(&self) -> Result<ServerOptions, ConfigError> {
        let emulator = match &self.emulator_config {
            Some(path) => EmulatorConfig::from_toml_file(path)?,
            None => EmulatorConfig::default(),
        };
        Ok(ServerOptions {
            dist: self.dist.clone(),
            emulator,
        })
    }
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
    }
}
