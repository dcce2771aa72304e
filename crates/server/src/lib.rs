//! `workbench-server`: the dev/test server of the workbench.
//!
//! It serves the built panel (`--dist`) and emulates the parts of Alibaba Cloud Call Center the workbench
//! talks to, with real state rules: the OpenAPI 2020-07-01 actions at `/data/api.json` (CCC envelope, HTTP
//! status = `HttpStatusCode`), the agent-state push WebSocket announced by GetLoginDetails, and a control API
//! under `/emulator/v1` to place inbound calls, hang up as the customer and script dialled numbers. Every JSON
//! shape the panel reads comes from `ccc-wire`, so panel and emulator cannot drift.
//!
//! # Layout
//! - [`cli`]: command-line options.
//! - `api`: the `/data/api.json` envelope plumbing; `actions`: the emulated actions.
//! - `identity`: who is calling (`X-CCC-User`, cookie `ccc_user`, first agent).
//! - `emulator`: the call center's state and rules (sync, no I/O); `hub`: the shared, locked emulator plus push
//!   channels and timers.
//! - `push`: the agent-state WebSocket; `control`: `/emulator/v1/*`; `static_files`: the dist directory.
//!
//! Tests start it in-process: `serve_until(TcpListener::bind("127.0.0.1:0"), options, shutdown)`.

mod actions;
mod api;
pub mod cli;
mod control;
mod emulator;
mod error;
mod hub;
mod identity;
mod ids;
mod push;
mod static_files;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use axum::routing::{any, get};
use axum::Router;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

pub use emulator::data::{
    AgentConfig, Answer, EmulatorConfig, NumberBehaviour, OutboundNumberConfig, SkillGroupConfig,
    Timers,
};
pub use error::{ConfigError, ServeError};
pub use identity::{USER_COOKIE, USER_HEADER};

/// What the server needs to run.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Directory of the built panel (`index.html`, `sdk/`, `demo/`).
    pub dist: PathBuf,
    /// The emulated call center.
    pub emulator: EmulatorConfig,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            dist: PathBuf::from("dist"),
            emulator: EmulatorConfig::default(),
        }
    }
}

/// Shared state of all handlers: the emulator and the dist directory.
#[derive(Clone)]
pub struct AppState {
    hub: hub::Hub,
    dist: Arc<PathBuf>,
}

impl AppState {
    /// Validates the emulator configuration and builds a fresh emulator (every agent OFFLINE).
    pub fn new(options: ServerOptions) -> Result<Self, ConfigError> {
        options.emulator.validate()?;
        Ok(AppState {
            hub: hub::Hub::new(options.emulator),
            dist: Arc::new(options.dist),
        })
    }
}

/// The SDK's default API path (`ajaxPath`).
pub const API_PATH: &str = "/data/api.json";
/// The backend path of the seed's example config (`ajaxPath: "/aliyun/ccc/api"`), which `/demo/host.html`
/// uses unchanged: it stands for a host's own backend forwarding to [`API_PATH`], and answers the same.
pub const DEMO_HOST_API_PATH: &str = "/aliyun/ccc/api";

/// All routes: the API (at [`API_PATH`] and [`DEMO_HOST_API_PATH`]), the push WebSocket, `/emulator/v1/*`,
/// and the dist directory as fallback.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(API_PATH, any(api::handle))
        .route(DEMO_HOST_API_PATH, any(api::handle))
        .route("/emulator/ws/agent-events", get(push::handle))
        .merge(control::routes())
        .fallback(static_files::handle)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves on `listener` until `shutdown` completes.
pub async fn serve_until(
    listener: TcpListener,
    options: ServerOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let app = router(AppState::new(options)?);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}

/// Serves on `listener` forever.
pub async fn serve(listener: TcpListener, options: ServerOptions) -> Result<(), ServeError> {
    serve_until(listener, options, std::future::pending()).await
}
