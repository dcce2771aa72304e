//! `GET|POST /data/api.json?action=<Api>&product=CloudCallCenter&version=2020-07-01&region=<regionId>`: the
//! SDK's request contract (`sdk-contract.md` §4, `ccc-api-2020-07-01.md` §6.3).
//!
//! Parameters are a JSON object in the form field `request` (POST, form-urlencoded body) or the query parameter
//! `request` (GET, or POST without one in the body); a POST with a JSON body is read as the object itself. Keys
//! may be lowerCamel or PascalCase. The answer is the CCC envelope with the HTTP status it names.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use ccc_wire::{keys, Action, ApiError, Envelope};
use serde_json::Value;

use crate::actions::{self, invalid_request, is_emulated, not_supported, Answer, CallerInfo};
use crate::identity;
use crate::ids::request_id;
use crate::AppState;

/// The handler of `/data/api.json`.
pub(crate) async fn handle(
    State(app): State<AppState>,
    method: Method,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    let rid = request_id();
    // Buffered here, not by an extractor, so that an oversized request gets the CCC envelope too.
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        let err = ApiError {
            http_status: 413,
            code: "RequestTooLarge".into(),
            message: format!("The request exceeds {MAX_BODY_BYTES} bytes."),
            params: Vec::new(),
            request_id: String::new(),
        };
        return envelope_response(rid, Err(err));
    };
    envelope_response(rid, answer(&app, &method, &query, &headers, &body))
}

/// Largest request body the emulator's API reads (axum's default limit, which it had before).
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The CCC envelope of `result`, with the HTTP status it names. A success carries the [`Answer`]'s `Data` and
/// top-level keys.
pub(crate) fn envelope_response(rid: String, result: Result<Answer, ApiError>) -> Response {
    match result {
        Ok(answer) => {
            let envelope = Envelope {
                data: answer.data,
                ..Envelope::ok(rid, Value::Null)
            };
            let mut body = serde_json::to_value(envelope).unwrap_or(Value::Null);
            if let Value::Object(map) = &mut body {
                map.extend(answer.fields);
            }
            (StatusCode::OK, Json(body)).into_response()
        }
        Err(err) => {
            let status =
                StatusCode::from_u16(err.http_status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, Json(Envelope::<Value>::error(rid, err))).into_response()
        }
    }
}

fn answer(
    app: &AppState,
    method: &Method,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Answer, ApiError> {
    let name = query.get("action").map(String::as_str).unwrap_or("").trim();
    let action = resolve_action(name)?;
    let params = request_params(method, query, headers, body)?;
    let caller = CallerInfo {
        user: identity::caller(headers),
        push_origin: push_origin(headers),
    };
    run_action(app, action, params, &caller)
}

/// Runs emulated `action` with `params` (any key case).
pub(crate) fn run_action(
    app: &AppState,
    action: Action,
    params: Value,
    caller: &CallerInfo,
) -> Result<Answer, ApiError> {
    actions::answer(
        &app.hub,
        action,
        keys::to_pascal(keep_variables(params)),
        caller,
    )
}

/// The emulated action called `name` (`CoachCall` is `Coach`), or the envelope error for it.
pub(crate) fn resolve_action(name: &str) -> Result<Action, ApiError> {
    if name.is_empty() {
        return Err(invalid_request(
            "The query parameter action is required (the CCC action name, e.g. action=GetLoginDetails).",
        ));
    }
    // `Coach` is the SDK document's name, `CoachCall` the OpenAPI's: both reach the same action.
    let action = match name {
        "CoachCall" => Action::Coach,
        _ => Action::from_name(name).ok_or_else(|| ApiError::no_action(name))?,
    };
    if !is_emulated(action) {
        return Err(not_supported(action));
    }
    Ok(action)
}

/// IVR flow variables (`ContactFlowVariables`, `SurveyTemplateVariables`, …) are the host's data, case and all:
/// an object or array given for one is turned into the JSON string the API defines before the keys are
/// normalised, so its own keys are not re-cased.
pub(crate) fn keep_variables(mut params: Value) -> Value {
    if let Value::Object(map) = &mut params {
        for (key, value) in map.iter_mut() {
            if key.ends_with("Variables") && (value.is_object() || value.is_array()) {
                *value = Value::String(value.to_string());
            }
        }
    }
    params
}

/// Finds and parses the `request` JSON.
pub(crate) fn request_params(
    method: &Method,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut raw: Option<String> = None;
    if *method == Method::POST && !body.is_empty() {
        if content_type.starts_with("application/json") {
            raw = Some(String::from_utf8_lossy(body).into_owned());
        } else {
            let form: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
                .map_err(|e| invalid_request(format!("The body is not form-urlencoded: {e}.")))?;
            raw = form
                .into_iter()
                .find(|(k, _)| k == "request")
                .map(|(_, v)| v);
        }
    }
    let raw = raw
        .or_else(|| query.get("request").cloned())
        .ok_or_else(|| {
            invalid_request(
                "The parameter request is required: a JSON object of the action's parameters, \
             in the form body (POST) or the query (GET).",
            )
        })?;
    let value: Value = serde_json::from_str(&raw)
        .map_err(|e| invalid_request(format!("The parameter request is not valid JSON: {e}.")))?;
    if !value.is_object() {
        return Err(invalid_request(
            "The parameter request must be a JSON object.",
        ));
    }
    Ok(value)
}

/// `ws://<host>` (or `wss://` behind a TLS proxy that says so), where host is what the browser addressed:
/// `X-Forwarded-Host` when a proxy in front says so (`trunk serve` does), else `Host`. The push socket then
/// goes through the same proxy as the API.
pub(crate) fn push_origin(headers: &HeaderMap) -> String {
    let header_value = |name| {
        headers
            .get(name)
            .and_then(|v: &axum::http::HeaderValue| v.to_str().ok())
    };
    let host = header_value("x-forwarded-host")
        .and_then(|v| v.split(',').next())
        .map(str::trim)
        .or_else(|| header_value(header::HOST.as_str()))
        .unwrap_or("127.0.0.1");
    // Only the authority: an SDK configured with `host/openapi` as its endpoint sends that as its Host.
    let host = host.split(['/', '?', '#']).next().unwrap_or(host);
    let tls = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    format!("{}://{host}", if tls { "wss" } else { "ws" })
}

#[cfg(test)]
mod tests {
    use super::push_origin;
    use axum::http::{HeaderMap, HeaderValue};

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn the_push_origin_is_the_hosts_authority_only() {
        assert_eq!(
            push_origin(&headers(&[("host", "127.0.0.1:8080")])),
            "ws://127.0.0.1:8080"
        );
        // An SDK pointed at `host/openapi` sends that as its Host.
        assert_eq!(
            push_origin(&headers(&[("host", "127.0.0.1:8080/openapi")])),
            "ws://127.0.0.1:8080"
        );
        assert_eq!(
            push_origin(&headers(&[
                ("host", "10.0.0.1"),
                ("x-forwarded-host", "crm.example:443, inner"),
                ("x-forwarded-proto", "https"),
            ])),
            "wss://crm.example:443"
        );
    }
}
