//! The `workbench-server` binary: parses flags, binds, serves until SIGTERM or Ctrl-C (SIGINT), then shuts
//! down gracefully (see [`workbench_server::serve_with`]) and exits 0.

use clap::Parser;
use tracing_subscriber::EnvFilter;
use workbench_server::cli::Cli;

/// mimalloc, not the system allocator: a request allocates a few dozen small strings and maps, and glibc's
/// malloc/free were a quarter of the server's CPU per PollUserStatus (`make bench`, section 3).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("workbench_server=info,tower_http=warn")),
        )
        .init();
    match run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("workbench-server: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), workbench_server::ServeError> {
    // Listen for the stop signals before anything else: a SIGTERM right after the "listening" line must
    // shut down gracefully too, not kill the process.
    let stop = StopSignals::new()?;
    let options = cli.options()?;
    let upstream = cli.upstream()?;
    let data_dir = options.emulator.data_dir.clone().unwrap_or_default();
    let tls = cli.tls(&data_dir)?;
    let tcp = tokio::net::TcpListener::bind((cli.host, cli.port)).await?;
    let addr = tcp.local_addr()?;
    let shown = match addr.ip() {
        ip if ip.is_unspecified() => "127.0.0.1".to_owned(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    println!("workbench listening on {scheme}://{shown}:{}", addr.port());
    let listener = match tls {
        Some(tls) => {
            println!(
                "TLS certificate {} SHA-256 {}",
                tls.source.display(),
                tls.fingerprint
            );
            if let Some(spki) = &tls.spki_sha256 {
                println!("TLS public key SHA-256 (base64) {spki}");
            }
            workbench_server::Bound::tls(tcp, tls)
        }
        None => tcp.into(),
    };
    match &upstream {
        Some(up) => tracing::info!(
            dist = %options.dist.display(),
            endpoint = %up.endpoint,
            instance = %up.instance_id,
            signature = ?up.signature,
            "serving in upstream mode"
        ),
        None => {
            tracing::info!(dist = %options.dist.display(), instance = %options.emulator.instance_id, "serving")
        }
    }
    let shutdown = async move {
        let signal = stop.recv().await;
        tracing::info!(signal, "shutting down");
    };
    workbench_server::serve_with(listener, options, upstream, shutdown).await
}

/// SIGTERM (a service manager, `kill`, a container stop) and Ctrl-C (SIGINT), listened for from creation.
struct StopSignals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn new() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(StopSignals {
                term: signal(SignalKind::terminate())?,
                int: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        Ok(StopSignals {})
    }

    /// The first signal that arrives: its name.
    async fn recv(mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.term.recv() => "SIGTERM",
                _ = self.int.recv() => "SIGINT",
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
    }
}
