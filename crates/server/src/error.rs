//! Typed errors of the server's setup (configuration and binding). Per-request errors are CCC envelopes
//! ([`ccc_wire::ApiError`]) or control-API JSON errors, not these.

use std::path::PathBuf;

/// The emulator configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read emulator config {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML of the expected shape.
    #[error("invalid emulator config {path}: {source}")]
    Toml {
        /// The file (or `<text>`).
        path: String,
        /// The parser's complaint.
        #[source]
        source: toml::de::Error,
    },
    /// The data is inconsistent (unknown members, repeated ids, …).
    #[error("invalid emulator config: {0}")]
    Invalid(String),
    /// The record store (the call records' SQLite database in the data directory) cannot be opened.
    #[error("call records: {0}")]
    Records(String),
    /// The upstream (real CCC) configuration is incomplete or unsafe.
    #[error("upstream config: {0}")]
    Upstream(String),
    /// The HTTPS certificate or key cannot be used (`--tls-cert`/`--tls-key`, `--tls-self-signed`).
    #[error("TLS: {0}")]
    Tls(String),
}

/// The server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Bad emulator configuration.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Binding or serving failed.
    #[error("server I/O error: {0}")]
    Io(#[from] std::io::Error),
}
