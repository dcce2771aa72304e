//! `GET|POST /data/api.json?action=<Api>&product=CloudCallCenter&version=2020-07-01&region=<regionId>`: the
//! SDK's request contract (`sdk-contract.md` §4, `ccc-api-2020-07-01.md` §6.3).
//!
//! Parameters are a JSON object in the form field `request` (POST, form-urlencoded body) or the query parameter
//! `request` (GET, or POST without one in the body); a POST with a JSON body is read as the object itself. Keys
//! may be lowerCamel or PascalCase. The answer is the CCC envelope with the HTTP status it names.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use ccc_wire::{keys, Action, ApiError, Envelope};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::actions::{self, invalid_request, is_emulated, not_supported, Answer, CallerInfo, Data};
use crate::identity;
use crate::ids::request_id;
use crate::AppState;

/// The handler of `/data/api.json`.
pub(crate) async fn handle(State(app): State<AppState>, request: Request) -> Response {
    let rid = request_id();
    // The request taken apart, not its headers extracted: that would copy them.
    let (parts, body) = request.into_parts();
    let query = ApiQuery::parse(parts.uri.query());
    let (method, headers) = (parts.method, parts.headers);
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

/// A success on the wire: the envelope around `Data`, then the model's other top-level keys. Serialized
/// straight from the answer, so `Data` is neither copied nor (when the action serialized it) re-encoded.
#[derive(Serialize)]
struct Success<'a> {
    #[serde(flatten)]
    envelope: Envelope<&'a Data>,
    #[serde(flatten)]
    fields: &'a Map<String, Value>,
}

/// The CCC envelope of `result`, with the HTTP status it names. A success carries the [`Answer`]'s `Data` and
/// top-level keys.
pub(crate) fn envelope_response(rid: String, result: Result<Answer, ApiError>) -> Response {
    match result {
        Ok(answer) => {
            let success = Success {
                envelope: Envelope {
                    code: Some(ccc_wire::envelope::OK.into()),
                    http_status_code: Some(200),
                    message: String::new(),
                    request_id: rid,
                    data: answer.data.as_ref(),
                    params: Vec::new(),
                },
                fields: &answer.fields,
            };
            match serde_json::to_vec(&success) {
                Ok(body) => (
                    StatusCode::OK,
                    [(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/json"),
                    )],
                    body,
                )
                    .into_response(),
                Err(e) => envelope_response(
                    success.envelope.request_id,
                    Err(ApiError {
                        http_status: 500,
                        code: "InternalError".into(),
                        message: format!("The answer could not be encoded: {e}."),
                        params: Vec::new(),
                        request_id: String::new(),
                    }),
                ),
            }
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
    query: &ApiQuery,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Answer, ApiError> {
    let action = resolve_action(query.action.trim())?;
    let params = request_params(method, query.request.as_deref(), headers, body)?;
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

/// The query parameters the API reads (the SDK also sends `product`, `version` and `region`, which name
/// nothing the server chooses between).
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct ApiQuery {
    /// `action`, the CCC action name; empty when absent.
    pub(crate) action: String,
    /// `request`, the parameters' JSON (a GET's, or a POST's without one in the body).
    pub(crate) request: Option<String>,
}

impl ApiQuery {
    /// Reads `action` and `request` from a URL's query (the first of each, percent-decoded).
    pub(crate) fn parse(query: Option<&str>) -> ApiQuery {
        let mut parsed = ApiQuery::default();
        let (mut action, mut request) = (None, None);
        for (key, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            match &*key {
                "action" if action.is_none() => action = Some(value.into_owned()),
                "request" if request.is_none() => request = Some(value.into_owned()),
                _ => {}
            }
        }
        parsed.action = action.unwrap_or_default();
        parsed.request = request;
        parsed
    }
}

/// Finds and parses the `request` JSON: the form field (POST, form-urlencoded), the body itself (POST, JSON),
/// else `query_request` (the query's `request`).
pub(crate) fn request_params(
    method: &Method,
    query_request: Option<&str>,
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
            // Decoding is lossy (as a browser's form parser is): a body is never refused for its bytes.
            raw = form_urlencoded::parse(body)
                .find(|(k, _)| k == "request")
                .map(|(_, v)| v.into_owned());
        }
    }
    let raw = raw
        .or_else(|| query_request.map(str::to_owned))
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
    use super::{push_origin, ApiQuery};
    use axum::http::{HeaderMap, HeaderValue};

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn the_query_gives_its_first_action_and_request_decoded() {
        let q = ApiQuery::parse(Some(
            "action=PollUserStatus&product=CloudCallCenter&request=%7B%22UserId%22%3A%22a%40b+c%22%7D&action=Other",
        ));
        assert_eq!(q.action, "PollUserStatus");
        assert_eq!(q.request.as_deref(), Some(r#"{"UserId":"a@b c"}"#));
        assert_eq!(ApiQuery::parse(None), ApiQuery::default());
        assert_eq!(
            ApiQuery::parse(Some("request=")).request.as_deref(),
            Some("")
        );
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
