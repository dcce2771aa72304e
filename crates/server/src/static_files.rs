//! Everything that is not an API: files of the `--dist` directory (the built panel, `/sdk/*`, `/demo/*`),
//! served by `tower-http`'s `ServeDir` (`index.html` for directories, `application/wasm` for `.wasm`).
//! While the directory does not exist, a plain-text 503 says how to build it; it is checked per request, so a
//! build made after the server started is picked up.
//!
//! The SDK under `/sdk/` is meant to be loaded by pages of other origins: its loader `import()`s the wasm-bindgen
//! glue and fetches the `.wasm`, which browsers allow across origins only with CORS. Those public, cookie-less
//! files therefore carry `Access-Control-Allow-Origin: *`.
//!
//! Compression: the build (`scripts/post-build.sh`) writes `<file>.br` and `<file>.gz` next to every text and
//! wasm file, and `ServeDir` sends the sibling the request's `Accept-Encoding` prefers (by q-value, brotli
//! before gzip at equal q, never an encoding with q=0) with `Content-Encoding`, the original's `Content-Type`
//! and the sibling's length; without a sibling (a dev build) it sends the file itself. Ranges, `HEAD` and
//! `If-Modified-Since` (304) are `ServeDir`'s. Every file answer carries `Vary: Accept-Encoding`.
//!
//! Caching: content-hashed names (`workbench-<16 hex>.js`, `workbench-<16 hex>_bg.wasm`, which the built
//! loader fetches) never change and are `immutable` for a year; everything else — the loader at its stable
//! URL `/sdk/workbenchSdk.min.js`, the stylesheet, the pages — is `no-cache` (revalidated on every use).

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
    let path = request.uri().path();
    let is_sdk = path.starts_with("/sdk/");
    let immutable = is_content_hashed(path);
    let files = ServeDir::new(&dist).precompressed_br().precompressed_gzip();
    let mut response = match files.oneshot(request).await {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    };
    let status = response.status();
    let headers = response.headers_mut();
    if is_sdk {
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    }
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(if immutable {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            }),
        );
    }
    response
}

/// Whether the last segment of `path` carries a content hash: `<name>-<16 lowercase hex>` followed by `.` or
/// `_` (`workbench-38f833c8a61f7be8.js`, `workbench-38f833c8a61f7be8_bg.wasm`), as `scripts/post-build.sh`
/// names them.
fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    name.match_indices('-').any(|(i, _)| {
        let rest = &name.as_bytes()[i + 1..];
        rest.len() > 16
            && rest[..16]
                .iter()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
            && matches!(rest[16], b'.' | b'_')
    })
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
