//! `workbench-server`: the dev/test server of the workbench.
//!
//! It serves the built panel (`--dist`) and emulates the parts of Alibaba Cloud Call Center the workbench
//! talks to, with real state rules: the OpenAPI 2020-07-01 actions at `/data/api.json` (CCC envelope, HTTP
//! status = `HttpStatusCode`), the agent-state push WebSocket announced by GetLoginDetails, and a control API
//! under `/emulator/v1` to place inbound calls, hang up as the customer and script dialled numbers. Every JSON
//! shape the panel reads comes from `ccc-wire`, so panel and emulator cannot drift.
//!
//! # Layout
//! - [`cli`]: command-line options; `error`: the typed errors of setup (configuration, binding); `ids`:
//!   fresh request ids, push tokens and job ids.
//! - `api`: the `/data/api.json` envelope plumbing; `actions`: the emulated actions.
//! - `identity`: who is calling (`X-CCC-User`, cookie `ccc_user`, first agent).
//! - `emulator`: the call center's state and rules (sync, no I/O); `hub`: the shared, locked emulator plus push
//!   channels and timers; `store`: the call records and the agents' state timeline in SQLite (the
//!   emulator config's `data_dir`, in memory without one).
//! - `sip`: the soft phones' SIP registrar and call controller at `/emulator/ws/sip` (RFC 7118), with the
//!   calls' media through `ccc-media` (simulated customers, the hear matrix).
//! - `push`: the agent-state WebSocket; `control`: `/emulator/v1/*`; `static_files`: the dist directory.
//! - `openapi_face`: `/openapi/`, the emulator behind real OpenAPI signatures (V3/V1, verified by `ccc-sign`).
//! - `tls`: HTTPS by the server itself ([`TlsConfig`]: the operator's PEM files or a kept self-signed
//!   certificate); `listen`: [`Bound`], a listener with or without it, and [`Peer`], the connection's
//!   address as handlers see it.
//! - [`upstream`]: upstream mode — `/data/api.json` forwarded, signed and locked down, to the real CCC
//!   OpenAPI (configuration from `CCC_*` variables or `--upstream-config`). In that mode the emulator's own
//!   routes (`/emulator/…`, `/openapi/`) are not mounted.
//!
//! Tests start it in-process: `serve_until(TcpListener::bind("127.0.0.1:0"), options, shutdown)`, or
//! `serve_with(…, Some(upstream), …)` for upstream mode.

mod actions;
mod api;
pub mod cli;
mod control;
mod emulator;
mod error;
mod hub;
mod identity;
mod ids;
mod listen;
mod openapi_face;
mod push;
mod sip;
mod static_files;
mod store;
mod tls;
pub mod upstream;

use std::future::{Future, IntoFuture};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::routing::{any, get};
use axum::Router;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

pub use emulator::data::{
    AccessPointConfig, AgentConfig, Answer, EmulatorConfig, NumberBehaviour, OpenApiCredentials,
    OutboundNumberConfig, SkillGroupConfig, Timers, TurnUser, DEFAULT_AGENT_LEG_GRACE,
    DEFAULT_RECORD_RETENTION_DAYS, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET,
};
pub use error::{ConfigError, ServeError};
pub use identity::{USER_COOKIE, USER_HEADER};
pub use listen::{Bound, Peer};
pub use openapi_face::OPENAPI_PATH;
pub use tls::TlsConfig;
pub use upstream::UpstreamConfig;

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
    sip: sip::Sip,
    dist: Arc<PathBuf>,
    nonces: Arc<openapi_face::NonceCache>,
    upstream: Option<Arc<upstream::Upstream>>,
}

impl AppState {
    /// Validates the emulator configuration and builds a fresh emulator (every agent OFFLINE), its records
    /// kept in the configuration's `data_dir` (in memory without one).
    pub fn new(options: ServerOptions) -> Result<Self, ConfigError> {
        let store = store::Store::open(
            options.emulator.data_dir.as_deref(),
            options.emulator.record_retention_days,
        )?;
        AppState::build(options, store)
    }

    fn build(options: ServerOptions, store: store::Store) -> Result<Self, ConfigError> {
        options.emulator.validate()?;
        let tone_hz = options.emulator.customer_tone_hz;
        let hub = hub::Hub::new(options.emulator, store);
        Ok(AppState {
            sip: sip::Sip::new(hub.clone(), tone_hz),
            hub,
            dist: Arc::new(options.dist),
            nonces: Arc::default(),
            upstream: None,
        })
    }

    /// The same, forwarding the API to `upstream` (the real CCC OpenAPI) instead of the emulator (whose
    /// records, unused, stay in memory); its rate limiter runs on `clock` ([`upstream::Clock::system`]
    /// unless a test drives it).
    pub fn with_upstream(
        options: ServerOptions,
        upstream: UpstreamConfig,
        clock: upstream::Clock,
    ) -> Result<Self, ConfigError> {
        let mut state = AppState::build(options, store::Store::open(None, 0)?)?;
        state.upstream = Some(upstream::Upstream::new(upstream, clock)?);
        Ok(state)
    }
}

/// The SDK's default API path (`ajaxPath`).
pub const API_PATH: &str = "/data/api.json";
/// The backend path of the seed's example config (`ajaxPath: "/aliyun/ccc/api"`), which `/demo/host.html`
/// uses unchanged: it stands for a host's own backend forwarding to [`API_PATH`], and answers the same.
pub const DEMO_HOST_API_PATH: &str = "/aliyun/ccc/api";

/// The SIP-over-WebSocket endpoint of the soft phones (`GetLoginDetails.SipServerUrl`, subprotocol `sip`).
pub const SIP_WS_PATH: &str = "/emulator/ws/sip";

/// All routes: the API (at [`API_PATH`] and [`DEMO_HOST_API_PATH`]), the push WebSocket, `/emulator/v1/*`,
/// the OpenAPI face ([`OPENAPI_PATH`]) and the dist directory as fallback. In upstream mode: the API (both
/// paths, forwarded) and the dist directory only.
///
/// Upstream mode's trusted-header identity needs the peer address: serve with
/// `into_make_service_with_connect_info::<Peer>()` (as [`serve_with`] does).
pub fn router(state: AppState) -> Router {
    // Spans name the path only: a query may carry a V1 signature (the OpenAPI face) and is never logged.
    let trace = TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
        tracing::debug_span!("request", method = %req.method(), path = %req.uri().path())
    });
    let routes = if state.upstream.is_some() {
        Router::new()
            .route(API_PATH, any(upstream::handle))
            .route(DEMO_HOST_API_PATH, any(upstream::handle))
    } else {
        Router::new()
            .route(API_PATH, any(api::handle))
            .route(DEMO_HOST_API_PATH, any(api::handle))
            .route("/", any(openapi_face::root))
            .route(OPENAPI_PATH, any(openapi_face::handle))
            .route("/openapi", any(openapi_face::handle))
            .route("/emulator/ws/agent-events", get(push::handle))
            .route(SIP_WS_PATH, get(sip::endpoint::handle))
            .merge(control::routes())
    };
    routes
        .fallback(static_files::handle)
        .layer(trace)
        .with_state(state)
}

/// Serves on `listener` until `shutdown` completes.
pub async fn serve_until(
    listener: impl Into<Bound>,
    options: ServerOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    serve_with(listener, options, None, shutdown).await
}

/// How long a shutdown waits for in-flight requests (and the WebSockets' close frames) before it stops
/// anyway.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves on `listener` until `shutdown` completes; with `upstream`, in upstream mode.
///
/// A shutdown is graceful: the listener stops accepting, the server closes its WebSockets as a restart
/// would (agent-state push sockets with close code 1012, service restart; SIP WebSockets by ending them),
/// requests in flight finish and idle keep-alive connections are closed — for at most [`DRAIN_TIMEOUT`],
/// after which the server stops regardless. Then the record store is flushed and closed (the agents'
/// running state spans end now), and this returns `Ok`.
pub async fn serve_with(
    listener: impl Into<Bound>,
    options: ServerOptions,
    upstream: Option<UpstreamConfig>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let state = match upstream {
        Some(up) => AppState::with_upstream(options, up, upstream::Clock::system())?,
        None => AppState::new(options)?,
    };
    serve_state(listener, state, shutdown).await
}

/// Serves `state` on `listener` until `shutdown` completes, gracefully (see [`serve_with`]).
pub async fn serve_state(
    listener: impl Into<Bound>,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let Bound { tcp, tls } = listener.into();
    let (hub, sip) = (state.hub.clone(), state.sip.clone());
    let mut routes = router(state);
    if tls.is_some() {
        // Every request reached us over TLS: say so as a TLS proxy in front would, so that the URLs the
        // server hands out (the push and SIP sockets of GetLoginDetails) are wss://, whatever a client sent.
        routes = routes.layer(axum::middleware::map_request(
            |mut req: axum::http::Request<axum::body::Body>| async move {
                req.headers_mut().insert(
                    "x-forwarded-proto",
                    axum::http::HeaderValue::from_static("https"),
                );
                req
            },
        ));
    }
    let app = routes.into_make_service_with_connect_info::<Peer>();
    let began: Arc<OnceLock<Instant>> = Arc::default();
    let (told, shutting_down) = tokio::sync::oneshot::channel::<()>();
    let signal = {
        let (hub, began) = (hub.clone(), began.clone());
        async move {
            shutdown.await;
            let _ = began.set(Instant::now());
            let _ = told.send(());
            // WebSockets live as long as their peers want: close them as a restart would.
            let push = hub.close_all_push();
            sip.close_all();
            tracing::info!(
                push,
                "closed the WebSockets for the shutdown; draining requests"
            );
        }
    };
    type Serving = std::pin::Pin<Box<dyn Future<Output = std::io::Result<()>> + Send>>;
    let serving: Serving = match tls {
        None => Box::pin(
            axum::serve(tcp, app)
                .with_graceful_shutdown(signal)
                .into_future(),
        ),
        Some(tls) => {
            let listener = listen::https(tcp, &tls);
            Box::pin(
                axum::serve(listener, app)
                    .with_graceful_shutdown(signal)
                    .into_future(),
            )
        }
    };
    tokio::pin!(serving);
    // The drain is bounded from the moment the shutdown began.
    let deadline = || {
        began
            .get()
            .map_or_else(Instant::now, |at| *at + DRAIN_TIMEOUT)
    };
    let drained = tokio::select! {
        // Serving ends once the listener is closed and every connection is done.
        served = &mut serving => {
            served?;
            true
        }
        () = async {
            match shutting_down.await {
                Ok(()) => tokio::time::sleep_until(deadline().into()).await,
                // The server stopped on its own (an error): `serving` is ready.
                Err(_) => std::future::pending().await,
            }
        } => false,
    };
    if !drained {
        tracing::warn!(
            secs = DRAIN_TIMEOUT.as_secs(),
            "shutdown: requests still in flight after the drain; stopping anyway"
        );
    } else if tokio::time::timeout_at(deadline().into(), hub.sockets_ended())
        .await
        .is_err()
    {
        // Upgraded connections (the WebSockets) run on after their HTTP connection ended: they had what
        // was left of the drain to send their close frames.
        tracing::warn!("shutdown: WebSockets still open after the drain; stopping anyway");
    }
    // What the emulator has not written yet (the agents' running state spans among it) goes to disk.
    hub.close_records();
    tracing::info!("shut down");
    Ok(())
}

/// Serves on `listener` forever.
pub async fn serve(listener: TcpListener, options: ServerOptions) -> Result<(), ServeError> {
    serve_until(listener, options, std::future::pending()).await
}
