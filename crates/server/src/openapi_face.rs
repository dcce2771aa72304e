//! The emulator's "OpenAPI face": `POST|GET /openapi/` — and the root, `POST /` (or a request to `/` that
//! names its action), where the official SDKs send every call — accepts requests signed the way the real
//! CCC endpoint wants them — V3 (`Authorization: ACS3-HMAC-SHA256 …` + `x-acs-*` headers) or V1 (`Signature` and the
//! common parameters in the query, action parameters in query or form body) — verifies them with
//! `ccc-sign` (15-minute timestamp window, nonce reuse, wrong key → `SignatureDoesNotMatch`), then runs the
//! same emulated actions as `/data/api.json`. Credentials: [`crate::EmulatorConfig::openapi`] (demo pair
//! `emulator-demo-key-id` / `emulator-demo-key-secret`).
//!
//! Gateway errors have the gateway's shape (§1.3 b): `{RequestId, HostId, Code, Message, Recommend}`;
//! action answers are the CCC envelope. The caller is the request's `UserId` (a signed request speaks for its
//! AccessKey's owner).

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use ccc_sign::encode::parse_query;
use ccc_sign::verify::{self, Clock, NonceSeen, V3Request, VerifyError};
use ccc_sign::{v1, AccessKeySecret};
use serde_json::{json, Map, Value};

use crate::actions::CallerInfo;
use crate::api::{envelope_response, push_origin, resolve_action, run_action};
use crate::ids::{now_ms, request_id};
use crate::AppState;

/// Where the face is mounted (`/openapi` answers too).
pub const OPENAPI_PATH: &str = "/openapi/";

/// Integer parameters of the 2020-07-01 API (§4 tables): the gateway types them by definition.
const INTEGER_PARAMS: &[&str] = &[
    "CallPriority",
    "Count",
    "DataType",
    "EndTime",
    "PageNumber",
    "PageSize",
    "QueuingOverflowThreshold",
    "QueuingTimeoutSeconds",
    "StartTime",
    "StopTime",
    "TimeoutSeconds",
];
/// Boolean parameters of the 2020-07-01 API (§4 tables).
const BOOLEAN_PARAMS: &[&str] = &[
    "Additivity",
    "ExcludeOfflineUsers",
    "IsMember",
    "OutboundScenario",
    "Invisible",
];

/// Nonces seen within the window, by `AccessKeyId\nnonce`, with their request time.
#[derive(Default)]
pub(crate) struct NonceCache {
    seen: Mutex<HashMap<String, i64>>,
}

struct Locked<'a> {
    map: std::sync::MutexGuard<'a, HashMap<String, i64>>,
    now: i64,
}

impl NonceSeen for Locked<'_> {
    fn first_use(&mut self, access_key_id: &str, nonce: &str, timestamp: i64) -> bool {
        if self.map.len() >= 4096 {
            let horizon = self.now - 2 * verify::DEFAULT_WINDOW_SECONDS;
            self.map.retain(|_, t| *t >= horizon);
        }
        self.map
            .insert(format!("{access_key_id}\n{nonce}"), timestamp)
            .is_none()
    }
}

fn gateway_error(rid: &str, headers: &HeaderMap, err: &VerifyError) -> Response {
    gateway_response(rid, headers, err.http_status(), err.code(), &err.message())
}

fn gateway_response(
    rid: &str,
    headers: &HeaderMap,
    status: u16,
    code: &str,
    message: &str,
) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    let body = json!({
        "RequestId": rid,
        "HostId": host,
        "Code": code,
        "Message": message,
        "Recommend": format!("https://api.alibabacloud.com/troubleshoot?q={code}&product=CCC&requestId={rid}"),
    });
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        Json(body),
    )
        .into_response()
}

/// Largest request body the root accepts for the API (the size axum's `Bytes` extractor allows elsewhere).
const ROOT_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// Whether a request to `/` is an OpenAPI call rather than a page view: what the official SDKs send
/// (they always call the endpoint's root) — any POST, or a request naming its action (`x-acs-action`, or
/// `Action` in the query for V1 GETs).
fn is_api_call(method: &Method, uri: &Uri, headers: &HeaderMap) -> bool {
    method == Method::POST
        || headers.contains_key("x-acs-action")
        || parse_query(uri.query().unwrap_or(""))
            .iter()
            .any(|(k, _)| k == "Action")
}

/// `/`: the standalone page, or a signed OpenAPI request (see [`is_api_call`]), answered as at
/// [`OPENAPI_PATH`].
pub(crate) async fn root(State(app): State<AppState>, request: axum::extract::Request) -> Response {
    if !is_api_call(request.method(), request.uri(), request.headers()) {
        return crate::static_files::handle(State(app), request).await;
    }
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, ROOT_BODY_LIMIT).await {
        Ok(bytes) => handle(State(app), parts.method, parts.uri, parts.headers, bytes).await,
        Err(_) => gateway_response(
            &request_id(),
            &parts.headers,
            413,
            "RequestEntityTooLarge",
            "The request body exceeds 2 MiB.",
        ),
    }
}

/// The handler of [`OPENAPI_PATH`].
pub(crate) async fn handle(
    State(app): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let rid = request_id();
    let query = parse_query(uri.query().unwrap_or(""));
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    let form = if is_form && !body.is_empty() {
        parse_query(&String::from_utf8_lossy(&body))
    } else {
        Vec::new()
    };
    let creds = app.hub.read(|e| e.config().openapi.clone());
    let lookup = |id: &str| {
        (id == creds.access_key_id).then(|| AccessKeySecret::new(creds.access_key_secret.clone()))
    };
    let now = now_ms() / 1000;
    let header_list: Vec<(String, String)> = headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    let all: Vec<(String, String)> = query.iter().chain(form.iter()).cloned().collect();
    let v3 = headers.contains_key(header::AUTHORIZATION);
    let verified = {
        let mut seen = Locked {
            map: app
                .nonces
                .seen
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
            now,
        };
        if v3 {
            verify::verify_v3(
                &V3Request {
                    method: method.as_str(),
                    path: uri.path(),
                    query: &query,
                    headers: &header_list,
                    body: &body,
                },
                lookup,
                Clock::at(now),
                &mut seen,
            )
        } else {
            verify::verify_v1(method.as_str(), &all, lookup, Clock::at(now), &mut seen)
        }
    };
    if let Err(err) = verified {
        tracing::info!(code = err.code(), "openapi face rejected a request");
        return gateway_error(&rid, &headers, &err);
    }
    let header_value = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let param = |name: &str| all.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let (action, version, params): (Option<String>, Option<String>, Vec<(String, String)>) = if v3 {
        (
            header_value("x-acs-action"),
            header_value("x-acs-version"),
            all.clone(),
        )
    } else {
        (
            param("Action"),
            param("Version"),
            all.iter()
                .filter(|(k, _)| !v1::COMMON_PARAMS.contains(&k.as_str()))
                .cloned()
                .collect(),
        )
    };
    let Some(action) = action.filter(|a| !a.is_empty()) else {
        return gateway_error(
            &rid,
            &headers,
            &VerifyError::MissingParameter("Action".into()),
        );
    };
    if version.as_deref() != Some(ccc_wire::API_VERSION) {
        return gateway_response(
            &rid,
            &headers,
            400,
            "NoSuchVersion",
            &format!(
                "Specified api version {:?} is not valid (this emulator speaks {}).",
                version.unwrap_or_default(),
                ccc_wire::API_VERSION
            ),
        );
    }
    let mut map = Map::new();
    for (k, v) in params {
        let value = if INTEGER_PARAMS.contains(&k.as_str()) {
            v.trim()
                .parse::<i64>()
                .map_or(Value::String(v.clone()), Value::from)
        } else if BOOLEAN_PARAMS.contains(&k.as_str()) {
            match v.trim() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => Value::String(v),
            }
        } else {
            Value::String(v)
        };
        map.insert(k, value);
    }
    let caller = CallerInfo {
        user: None,
        push_origin: push_origin(&headers),
    };
    let result =
        resolve_action(&action).and_then(|a| run_action(&app, a, Value::Object(map), &caller));
    envelope_response(rid, result)
}
