//! Everything that is not an API: files of the `--dist` directory (the built panel, `/sdk/*`, `/demo/*`),
//! served by `tower-http`'s `ServeDir` (`index.html` for directories, `application/wasm` for `.wasm`).
//! While the directory does not exist, a plain-text 503 says how to build it; it is checked per request, so a
//! build made after the server started is picked up.
//!
//! The SDK under `/sdk/` is meant to be loaded by pages of other origins: its loader `import()`s the wasm-bindgen
//! glue and fetches the `.wasm`, which browsers allow across origins only with CORS. Those public, cookie-less
//! files therefore carry `Access-Control-Allow-Origin: *`.

use std::path::PathBuf;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::AppState;

/// The fallback handler.
pub(crate) async fn handle(State(app): State<AppState>, request: Request<Body>) -> Response {
    let dist: PathBuf = app.dist.as_ref().clone();
    if !dist.is_dir() {
        return missing(&dist);
    }
    let is_sdk = request.uri().path().starts_with("/sdk/");
    let mut response = match ServeDir::new(&dist).oneshot(request).await {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    };
    if is_sdk {
        response.headers_mut().insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    }
    response
}

fn missing(dist: &std::path::Path) -> Response {
    let text = format!(
        "503 Service Unavailable: the workbench is not built yet.\n\n\
         The directory {} does not exist. Build it with `make run` (or `trunk build --release`),\n\
         or start the server with --dist pointing at a built dist directory.\n\n\
         The emulator API is up: /data/api.json, /emulator/v1/health.\n",
        dist.display()
    );
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}
