//! Upstream mode: `/data/api.json` (and the demo path) forwarded, signed, to the real CCC OpenAPI.
//!
//! Per request: CORS preflight answered for configured origins ([`guard`]) → authenticate the agent
//! ([`identity`]: trusted proxy header or HS256 JWT; else 401 `Unauthorized`) → cross-site check of a
//! state-changing request (else 403 `Forbidden.Origin`; before the rate limit, so another site cannot use up
//! an agent's budget) → the agent's rate limit, counting every request it makes (else 429
//! `Throttling.User`) → allow only the workbench's own actions (`ccc_wire::Action::ALL`; else 403
//! `Forbidden.Action`) → the size limit (else 413 `RequestTooLarge`) → read `request` as the emulator does
//! (lowerCamel or PascalCase keys → PascalCase), bind the caller (below), pass objects/arrays as JSON strings
//! (§1) → sign (V3 by default, V1 selectable) → POST to the endpoint → the answer unchanged (body and HTTP
//! status). Gateway failures become a CCC envelope: 504 `Gateway.Timeout`, 502
//! `Gateway.Unreachable`/`Gateway.Error`. Every answer to a configured origin carries its CORS headers.
//!
//! # What is bound and what passes through
//! - **Bound**: `UserId` = the authenticated agent, `InstanceId` = the configured instance. Any spelling of
//!   those two in the browser's request (`userId`, `USERID`, `User_Id`, …) is removed first, so exactly one
//!   of each reaches the call center.
//! - **Removed**: the signature's own parameters (`Action`, `Version`, `AccessKeyId`, `Signature*`,
//!   `Timestamp`, `Format`, `SecurityToken`, in any spelling): the proxy sets them.
//! - **Passed through unchanged**: everything else, including the fields in which supervision and reporting
//!   actions name *other* agents — `MonitoredUserId` (MonitorCall), `BargedUserId` (BargeInCall),
//!   `InterceptedUserId` (InterceptCall), `CoachedUserId` (CoachCall), the agent lists of
//!   `ListRealtimeAgentStates` / `ListAgentStates` / `ListHistoricalAgentReport`, transfer targets. That is
//!   the supervisor exception: whether the acting agent may supervise or see others is decided by the call
//!   center from the bound `UserId`'s role and privileges (the emulator: role supervisor/admin, else 403
//!   `Permission.User`), never by anything the browser says about who it is.
//!
//! One audit line per request on target `workbench_server::audit` (agent, action, upstream status, duration,
//! request ids). Nothing logged or answered carries the AccessKeySecret, a signature or a token.

pub mod config;
pub mod guard;
pub mod identity;

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use ccc_sign::encode::form_string;
use ccc_sign::{v1, v3};
use ccc_wire::{keys, Action, ApiError, Envelope};
use serde_json::Value;

pub use config::{Cidr, IdentityConfig, SignatureVersion, UpstreamConfig};
pub use guard::Clock;

use crate::api::{keep_variables, request_params, ApiQuery};
use crate::error::ConfigError;
use crate::ids::{now_ms, request_id};
use crate::AppState;

/// Default largest request body accepted from the browser (`max_body_bytes`).
pub const MAX_BODY_BYTES: usize = config::DEFAULT_MAX_BODY_BYTES;
/// The audit log's tracing target.
pub const AUDIT_TARGET: &str = "workbench_server::audit";

/// The configured upstream and its HTTP client.
pub(crate) struct Upstream {
    config: UpstreamConfig,
    client: reqwest::Client,
    url: reqwest::Url,
    host: String,
    limiter: guard::RateLimiter,
}

impl Upstream {
    /// The upstream `config`, its rate limiter running on `clock` ([`Clock::system`] unless a test drives
    /// it).
    pub(crate) fn new(config: UpstreamConfig, clock: Clock) -> Result<Arc<Self>, ConfigError> {
        let url = reqwest::Url::parse(&config.endpoint)
            .map_err(|e| ConfigError::Upstream(format!("endpoint: {e}")))?;
        let host = match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            (None, _) => return Err(ConfigError::Upstream("endpoint has no host".into())),
        };
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ConfigError::Upstream(format!("HTTP client: {e}")))?;
        let limiter = guard::RateLimiter::new(config.rate_limit_per_minute, clock);
        Ok(Arc::new(Upstream {
            config,
            client,
            url,
            host,
            limiter,
        }))
    }
}

fn envelope(rid: &str, status: u16, code: &str, message: impl Into<String>) -> Response {
    let err = ApiError {
        http_status: status,
        code: code.into(),
        message: message.into(),
        params: Vec::new(),
        request_id: rid.into(),
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    (status, Json(Envelope::<Value>::error(rid, err))).into_response()
}

/// The OpenAPI's name of a workbench action (`Coach` is `CoachCall` there); `None` if not the workbench's.
pub(crate) fn upstream_action(name: &str) -> Option<&'static str> {
    match name {
        "Coach" | "CoachCall" => Some("CoachCall"),
        _ => Action::from_name(name).map(Action::as_str),
    }
}

/// Whether the proxy forwards action `name` (the workbench's own actions only).
pub fn upstream_action_allowed(name: &str) -> bool {
    upstream_action(name).is_some()
}

/// Parameters the proxy alone sets, compared without case and non-alphanumerics: the bound identity and the
/// signature's common parameters.
const PROXY_PARAMS: &[&str] = &[
    "userid",
    "instanceid",
    "action",
    "version",
    "format",
    "accesskeyid",
    "signature",
    "signaturemethod",
    "signatureversion",
    "signaturenonce",
    "signaturetype",
    "timestamp",
    "securitytoken",
];

/// Whether the browser's parameter `key` names something only the proxy sets.
fn proxy_controlled(key: &str) -> bool {
    let folded: String = key
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    PROXY_PARAMS.contains(&folded.as_str())
}

/// `request` JSON → the RPC parameters: keys PascalCase, every spelling of a proxy-controlled parameter
/// dropped, `UserId`/`InstanceId` bound, objects/arrays as JSON strings, numbers/booleans as text, nulls
/// dropped. Fields naming other agents (`MonitoredUserId`, …) pass unchanged.
pub(crate) fn rpc_params(params: Value, user_id: &str, instance_id: &str) -> Vec<(String, String)> {
    let mut map = match keys::to_pascal(keep_variables(params)) {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    map.retain(|k, _| !proxy_controlled(k));
    map.insert("UserId".into(), Value::String(user_id.into()));
    map.insert("InstanceId".into(), Value::String(instance_id.into()));
    ccc_sign::params::rpc_params(Value::Object(map))
}

/// The handler of `/data/api.json` in upstream mode: the CORS layer around [`answer`].
pub(crate) async fn handle(State(app): State<AppState>, request: Request) -> Response {
    let rid = request_id();
    let Some(up) = app.upstream.clone() else {
        return envelope(
            &rid,
            500,
            "InternalError",
            "Upstream mode is not configured.",
        );
    };
    let cors = guard::cors_origin(request.headers(), &up.config.allowed_origins);
    if request.method() == Method::OPTIONS {
        return preflight(&up, &rid, request.headers(), cors);
    }
    let mut response = answer(&up, rid, request).await;
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = cors {
        guard::add_cors(headers, origin);
    }
    response
}

/// An `OPTIONS` request: a CORS preflight of a configured origin → 204 with the CORS headers; of any other
/// origin → 403 `Forbidden.Origin` without them; without `Origin` (not a preflight) → 204 `Allow`.
fn preflight(
    up: &Upstream,
    rid: &str,
    headers: &axum::http::HeaderMap,
    cors: Option<HeaderValue>,
) -> Response {
    let mut response = match (cors, headers.contains_key(header::ORIGIN)) {
        (Some(origin), _) if guard::preflight_method_ok(headers) => {
            let mut r = StatusCode::NO_CONTENT.into_response();
            guard::add_cors(r.headers_mut(), origin);
            guard::add_preflight(r.headers_mut(), &up.config.identity);
            r
        }
        (_, true) => {
            tracing::warn!(target: AUDIT_TARGET, request_id = %rid, outcome = "Forbidden.Origin", "preflight refused");
            envelope(
                rid,
                403,
                "Forbidden.Origin",
                "This origin may not call the workbench API: add it to allowed_origins (CCC_ALLOWED_ORIGINS).",
            )
        }
        (_, false) => {
            let mut r = StatusCode::NO_CONTENT.into_response();
            r.headers_mut().insert(
                header::ALLOW,
                HeaderValue::from_static("GET, POST, OPTIONS"),
            );
            r
        }
    };
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("Origin"));
    response
}

/// Authenticates, checks and forwards one API request.
async fn answer(up: &Upstream, rid: String, request: Request) -> Response {
    let rid = rid.as_str();
    let started = Instant::now();
    let peer = request
        .extensions()
        .get::<ConnectInfo<crate::Peer>>()
        .map(|c| c.0 .0.ip());
    let (parts, body) = request.into_parts();
    let query = ApiQuery::parse(parts.uri.query());
    let name = query.action.trim().to_owned();

    let (agent, credential) = match identity::authenticate_with(
        &up.config.identity,
        peer,
        &parts.headers,
        now_ms() / 1000,
        &up.config.instance_id,
    ) {
        Ok(found) => found,
        Err(e) => {
            tracing::warn!(target: AUDIT_TARGET, request_id = %rid, action = %name, peer = ?peer, outcome = "unauthenticated", reason = e.reason(), "denied");
            return envelope(
                rid,
                401,
                "Unauthorized",
                "The request is not authenticated: sign in to the host application again.",
            );
        }
    };
    let action = upstream_action(&name);
    if guard::state_changing(&parts.method, action.unwrap_or(&name)) {
        if let guard::OriginCheck::Refused(origin) =
            guard::check_origin(&parts.headers, &up.config.allowed_origins, credential)
        {
            tracing::warn!(target: AUDIT_TARGET, request_id = %rid, agent = %agent, action = %name, origin = %origin, outcome = "Forbidden.Origin", "denied");
            return envelope(
                rid,
                403,
                "Forbidden.Origin",
                format!(
                    "A state-changing request from {origin} is refused: only this server's own origin and \
                     allowed_origins (CCC_ALLOWED_ORIGINS) may send one."
                ),
            );
        }
    }
    if let Err(retry_after) = up.limiter.take(&agent) {
        tracing::warn!(target: AUDIT_TARGET, request_id = %rid, agent = %agent, action = %name, outcome = "Throttling.User", "denied");
        let mut r = envelope(
            rid,
            429,
            "Throttling.User",
            format!(
                "Too many requests from this agent: at most {} a minute. Try again in {retry_after} s.",
                up.config.rate_limit_per_minute
            ),
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        return r;
    }
    let Some(action) = action else {
        tracing::warn!(target: AUDIT_TARGET, request_id = %rid, agent = %agent, action = %name, outcome = "forbidden", "denied");
        return envelope(
            rid,
            403,
            "Forbidden.Action",
            format!(
                "The action {name:?} is not one of the workbench's actions and is not forwarded."
            ),
        );
    };
    let limit = up.config.max_body_bytes;
    let too_large = || {
        tracing::warn!(target: AUDIT_TARGET, request_id = %rid, agent = %agent, action, outcome = "RequestTooLarge", "denied");
        envelope(
            rid,
            413,
            "RequestTooLarge",
            format!("The request exceeds {limit} bytes."),
        )
    };
    if parts.uri.query().map_or(0, str::len) > limit {
        return too_large();
    }
    let body = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => return too_large(),
    };
    let params = match request_params(
        &parts.method,
        query.request.as_deref(),
        &parts.headers,
        &body,
    ) {
        Ok(p) => p,
        Err(e) => return envelope(rid, e.http_status, &e.code, e.message),
    };
    let params = rpc_params(params, &agent, &up.config.instance_id);
    let result = forward(up, action, &params).await;
    let ms = started.elapsed().as_millis() as u64;
    match result {
        Ok((status, content_type, bytes)) => {
            let upstream_rid = serde_json::from_slice::<Value>(&bytes)
                .ok()
                .and_then(|v| {
                    v.get("RequestId")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                })
                .unwrap_or_default();
            tracing::info!(target: AUDIT_TARGET, request_id = %rid, agent = %agent, action, upstream_status = status.as_u16(), upstream_request_id = %upstream_rid, duration_ms = ms, "forwarded");
            let mut resp = (status, bytes).into_response();
            if let Ok(ct) = header::HeaderValue::from_str(&content_type) {
                resp.headers_mut().insert(header::CONTENT_TYPE, ct);
            }
            resp
        }
        Err(failure) => {
            let (status, code, message) = match failure {
                Failure::Timeout => (
                    504,
                    "Gateway.Timeout",
                    format!(
                        "The call center did not answer within {} ms.",
                        up.config.timeout.as_millis()
                    ),
                ),
                Failure::Unreachable => (
                    502,
                    "Gateway.Unreachable",
                    "The call center could not be reached.".to_owned(),
                ),
                Failure::Other => (
                    502,
                    "Gateway.Error",
                    "The call center's answer could not be read.".to_owned(),
                ),
            };
            tracing::warn!(target: AUDIT_TARGET, request_id = %rid, agent = %agent, action, outcome = code, duration_ms = ms, "upstream failed");
            envelope(rid, status, code, message)
        }
    }
}

enum Failure {
    Timeout,
    Unreachable,
    Other,
}

impl From<reqwest::Error> for Failure {
    fn from(e: reqwest::Error) -> Self {
        // The error's text (which may name the URL and its signed query) is never logged or answered.
        if e.is_timeout() {
            Failure::Timeout
        } else if e.is_connect() {
            Failure::Unreachable
        } else {
            Failure::Other
        }
    }
}

/// Signs and sends; the upstream's status, content type and body.
async fn forward(
    up: &Upstream,
    action: &str,
    params: &[(String, String)],
) -> Result<(StatusCode, String, Bytes), Failure> {
    let nonce = request_id();
    let now = now_ms() / 1000;
    let body = form_string(params);
    let creds = &up.config.credentials;
    let mut url = up.url.clone();
    let mut req = up.client.request(Method::POST, url.clone());
    match up.config.signature {
        SignatureVersion::V3 => {
            let signed = v3::sign(
                creds,
                &v3::Request {
                    method: "POST",
                    host: &up.host,
                    path: url.path(),
                    action,
                    version: ccc_wire::API_VERSION,
                    query: &[],
                    body: body.as_bytes(),
                    content_type: Some(v3::FORM_CONTENT_TYPE),
                    date: now,
                    nonce: &nonce,
                },
            );
            for (k, v) in signed.headers {
                req = req.header(k, v);
            }
        }
        SignatureVersion::V1 => {
            let signed = v1::sign(
                creds,
                "POST",
                &v1::CommonParams {
                    action,
                    version: ccc_wire::API_VERSION,
                    format: "JSON",
                    nonce: &nonce,
                    timestamp: now,
                },
                params,
            );
            url.set_query(Some(&form_string(&signed.common)));
            req = up
                .client
                .request(Method::POST, url)
                .header(header::HOST, up.host.as_str())
                .header(header::CONTENT_TYPE, v3::FORM_CONTENT_TYPE);
        }
    }
    let resp = req.body(body).send().await?;
    let status = resp.status();
    let content_type = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .to_owned();
    let bytes = resp.bytes().await?;
    Ok((status, content_type, bytes))
}
