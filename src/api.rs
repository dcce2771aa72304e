//! The SDK → host-backend request contract (`sdk-contract.md` §4), over the browser's `fetch`.
//!
//! URL `${ajaxOrigin}${ajaxPath}?${ajaxApiParamName}=<Action>&product=CloudCallCenter&version=2020-07-01&region=…`,
//! body `request=<JSON>` (POST, form-urlencoded) or `request` in the query (GET), `ajaxOtherParams` beside it.
//! Answers are the CCC envelope in either key casing.
//!
//! In AK/SK direct mode (`accessKeyId` + `accessKeySecret`, the seed's quick-validation mode) the browser signs
//! each request itself (V1 HMAC-SHA1, RPC style: common parameters in the query, the action's parameters in
//! the form body) and posts it to `RPCEndPoint`.
//!
//! With `apiAxiosFunc` the host's own function is the transport instead (`sdk-contract.md` §4.5): it is called
//! as `apiAxiosFunc(apiName, params)` and its promise resolves to the axios-shaped `{data: <envelope>}`; a
//! rejection that carries `error.response.data` (axios on a non-2xx answer) is read the same way. Calling
//! it is `sdk.rs`'s (the one module that calls host functions), behind [`HostTransport`]: this module gets
//! the status and the envelope's text back and reads them as it reads `fetch`'s.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use ccc_wire::read::FromJson;
use ccc_wire::{keys, Action, ApiError, Envelope};
use js_sys::encode_uri_component as enc;
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCredentials, RequestInit, Response};

use crate::config::{AjaxMethod, Config};

/// Why a backend call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiFailure {
    /// No answer, or an answer that is not a CCC envelope (reported as 9007).
    Network(String),
    /// The backend answered with a CCC error.
    Api(ApiError),
}

/// A transport the host supplies instead of `fetch` (`apiAxiosFunc`), implemented by `sdk.rs` over the
/// host's function: the request of `action` (its JSON text) in, the HTTP status and the body text of
/// the answer out.
pub trait HostTransport {
    /// Sends one request.
    fn send(&self, action: Action, request: &str) -> HostAnswer;
}

/// What a [`HostTransport`] answers: the HTTP status and the body text, or why there is none.
pub type HostAnswer = Pin<Box<dyn Future<Output = Result<(u16, String), ApiFailure>>>>;

/// The built-in transport, configured by the `ajax*` options.
#[derive(Debug, Clone)]
pub struct Api {
    /// `${ajaxOrigin}${ajaxPath}?${ajaxApiParamName}=`
    url_prefix: String,
    /// `&product=CloudCallCenter&version=2020-07-01&region=${regionId}`
    url_suffix: String,
    method: AjaxMethod,
    other_params: String,
    headers: Vec<(String, String)>,
    with_credentials: bool,
    /// The host's `apiAxiosFunc`, when configured.
    host_transport: Option<Host>,
    /// AK/SK direct mode: sign and call the OpenAPI endpoint.
    direct: Option<Direct>,
}

/// The host's transport (a trait object, so `Api` stays `Clone` and `Debug`).
#[derive(Clone)]
struct Host(Rc<dyn HostTransport>);

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HostTransport")
    }
}

/// What direct mode signs with.
#[derive(Clone)]
struct Direct {
    credentials: ccc_sign::Credentials,
    endpoint: String,
    region: String,
}

impl std::fmt::Debug for Direct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Direct { .. }")
    }
}

impl Api {
    /// A transport for `config`.
    pub fn new(config: &Config) -> Api {
        let origin = if config.ajax_origin.is_empty() {
            web_sys::window()
                .and_then(|w| w.location().origin().ok())
                .unwrap_or_default()
        } else {
            config.ajax_origin.clone()
        };
        Api {
            url_prefix: format!(
                "{origin}{}?{}=",
                config.ajax_path,
                String::from(enc(&config.ajax_api_param_name))
            ),
            url_suffix: format!(
                "&product={}&version={}&region={}",
                ccc_wire::PRODUCT,
                ccc_wire::API_VERSION,
                String::from(enc(&config.region_id))
            ),
            method: config.ajax_method,
            other_params: config
                .ajax_other_params
                .iter()
                .map(|(k, v)| format!("&{}={}", enc(k), enc(v)))
                .collect(),
            headers: config.ajax_headers.clone(),
            with_credentials: config.with_credentials,
            host_transport: None,
            direct: config.direct.as_ref().map(|d| Direct {
                credentials: ccc_sign::Credentials::new(
                    d.access_key_id.clone(),
                    d.access_key_secret.clone(),
                ),
                endpoint: d.endpoint.clone(),
                region: config.region_id.clone(),
            }),
        }
    }

    /// Sends every request through the host's `apiAxiosFunc` instead of `fetch`.
    pub fn with_host_transport(mut self, transport: Rc<dyn HostTransport>) -> Api {
        self.host_transport = Some(Host(transport));
        self
    }

    fn url(&self, action: Action) -> String {
        format!("{}{}{}", self.url_prefix, action.as_str(), self.url_suffix)
    }

    /// Calls `action` with `params` and reads `Data` as `T` (by [`FromJson`]: no serde deserialiser per
    /// answer type in the wasm).
    pub async fn call<T: FromJson>(
        &self,
        action: Action,
        params: &impl Serialize,
    ) -> Result<Option<T>, ApiFailure> {
        let data = self.call_value(action, params).await?;
        match data {
            None | Some(Value::Null) => Ok(None),
            Some(v) => T::from_json(&v)
                .map(Some)
                .map_err(|e| ApiFailure::Network(format!("{action}: unexpected answer: {e}"))),
        }
    }

    /// Calls `action` and returns the raw `Data` (PascalCase keys).
    ///
    /// Only the serialisation is generic: the request itself is one non-generic async function, so each
    /// request type does not copy the whole transport into the wasm (measured: several KB per type).
    pub fn call_value(
        &self,
        action: Action,
        params: &impl Serialize,
    ) -> impl std::future::Future<Output = Result<Option<Value>, ApiFailure>> + '_ {
        let request = serde_json::to_string(params).map_err(|e| ApiFailure::Network(e.to_string()));
        self.send(action, request)
    }

    /// Sends an already serialised request (`call_value` without its generic part).
    pub(crate) async fn send(
        &self,
        action: Action,
        request: Result<String, ApiFailure>,
    ) -> Result<Option<Value>, ApiFailure> {
        let request = request?;
        if let Some(Host(host)) = &self.host_transport {
            let (status, text) = host.send(action, &request).await?;
            return read_envelope(status, &text);
        }
        if let Some(direct) = &self.direct {
            return call_direct(direct, action, &request).await;
        }
        let form = format!(
            "request={}{}",
            String::from(enc(&request)),
            self.other_params
        );
        let init = RequestInit::new();
        let headers = web_sys::Headers::new().map_err(js_err)?;
        let mut url = self.url(action);
        match self.method {
            AjaxMethod::Post => {
                init.set_method("POST");
                headers
                    .set("Content-Type", "application/x-www-form-urlencoded")
                    .map_err(js_err)?;
                init.set_body(&JsValue::from_str(&form));
            }
            AjaxMethod::Get => {
                init.set_method("GET");
                url.push('&');
                url.push_str(&form);
            }
        }
        for (k, v) in &self.headers {
            headers.set(k, v).map_err(js_err)?;
        }
        init.set_headers(&headers);
        if self.with_credentials {
            init.set_credentials(RequestCredentials::Include);
        }
        send(&url, &init).await
    }
}

/// `fetch`es a request and reads the CCC envelope it answers with.
async fn send(url: &str, init: &RequestInit) -> Result<Option<Value>, ApiFailure> {
    let window = web_sys::window().ok_or_else(|| ApiFailure::Network("no window".into()))?;
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, init))
        .await
        .map_err(js_err)?
        .unchecked_into();
    let status = response.status();
    let text = JsFuture::from(response.text().map_err(js_err)?)
        .await
        .map_err(js_err)?;
    read_envelope(status, &text.as_string().unwrap_or_default())
}

/// AK/SK direct mode: a V1-signed POST to the OpenAPI endpoint.
async fn call_direct(
    direct: &Direct,
    action: Action,
    request: &str,
) -> Result<Option<Value>, ApiFailure> {
    // From the JSON text already made: one non-generic path, not a serializer per request type.
    let value =
        serde_json::from_str::<Value>(request).map_err(|e| ApiFailure::Network(e.to_string()))?;
    let mut action_params = ccc_sign::params::rpc_params(value);
    action_params.push(("RegionId".into(), direct.region.clone()));
    let nonce = format!(
        "{:016x}{:016x}",
        (js_sys::Math::random() * 2f64.powi(53)) as u64,
        js_sys::Date::now() as u64
    );
    let common = ccc_sign::v1::CommonParams {
        action: action.as_str(),
        version: ccc_wire::API_VERSION,
        format: "JSON",
        nonce: &nonce,
        timestamp: (js_sys::Date::now() / 1000.0) as i64,
    };
    let signed = ccc_sign::v1::sign(&direct.credentials, "POST", &common, &action_params);
    let encode = |pairs: &[(String, String)]| {
        pairs
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&")
    };
    let separator = if direct.endpoint.contains('?') {
        '&'
    } else {
        '?'
    };
    let url = format!("{}{separator}{}", direct.endpoint, encode(&signed.common));
    let init = RequestInit::new();
    init.set_method("POST");
    let headers = web_sys::Headers::new().map_err(js_err)?;
    headers
        .set("Content-Type", "application/x-www-form-urlencoded")
        .map_err(js_err)?;
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(&encode(&action_params)));
    send(&url, &init).await
}

/// Reads an answer body: any key casing; not an envelope ⇒ a network-level failure.
pub fn read_envelope(status: u16, text: &str) -> Result<Option<Value>, ApiFailure> {
    let value = serde_json::from_str::<Value>(text)
        .map_err(|_| ApiFailure::Network(format!("HTTP {status}: the answer is not JSON")))?;
    let mut value = keys::to_pascal(value);
    // `Data` is taken out rather than copied by the read; `null` is none, as the envelope reads it.
    let data = value
        .as_object_mut()
        .and_then(|envelope| envelope.remove("Data"))
        .filter(|data| !data.is_null());
    let mut envelope = Envelope::<Value>::from_json(&value)
        .map_err(|e| ApiFailure::Network(format!("HTTP {status}: not a CCC envelope: {e}")))?;
    envelope.data = data;
    if envelope.code.is_none() && status >= 400 {
        return Err(ApiFailure::Network(format!("HTTP {status}")));
    }
    envelope.into_result().map_err(ApiFailure::Api)
}

/// A JS error (or a rejection's reason) as a network-level failure.
pub(crate) fn js_err(e: JsValue) -> ApiFailure {
    let text = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "request failed".into());
    ApiFailure::Network(text)
}

#[cfg(test)]
mod tests {
    #[test]
    fn openapi_parameters_are_text() {
        let request = serde_json::json!({"InstanceId": "ccc-demo", "PageSize": 100, "OutboundScenario": true,
            "SignedSkillGroupIdList": ["a", "b"], "DeviceId": null});
        let mut params = ccc_sign::params::rpc_params(request);
        params.sort();
        assert_eq!(
            params,
            [
                ("InstanceId".to_string(), "ccc-demo".to_string()),
                ("OutboundScenario".into(), "true".into()),
                ("PageSize".into(), "100".into()),
                ("SignedSkillGroupIdList".into(), r#"["a","b"]"#.into()),
            ]
        );
    }

    use super::*;
    use serde_json::json;

    #[test]
    fn envelopes_in_both_casings() {
        let pascal = r#"{"Code":"OK","HttpStatusCode":200,"RequestId":"r","Data":{"UserId":"a"}}"#;
        assert_eq!(
            read_envelope(200, pascal).unwrap(),
            Some(json!({"UserId": "a"}))
        );
        let camel = r#"{"code":"OK","httpStatusCode":200,"requestId":"r","data":{"userId":"a"}}"#;
        assert_eq!(
            read_envelope(200, camel).unwrap(),
            Some(json!({"UserId": "a"}))
        );
    }

    #[test]
    fn errors_and_garbage() {
        let err = r#"{"Code":"InvalidOperation.UserState","HttpStatusCode":400,"Message":"m","RequestId":"r"}"#;
        let ApiFailure::Api(e) = read_envelope(400, err).unwrap_err() else {
            panic!()
        };
        assert_eq!(
            (e.code.as_str(), e.request_id.as_str()),
            ("InvalidOperation.UserState", "r")
        );
        assert!(matches!(
            read_envelope(502, "<html>bad gateway</html>"),
            Err(ApiFailure::Network(_))
        ));
        assert!(matches!(
            read_envelope(500, "{}"),
            Err(ApiFailure::Network(_))
        ));
    }
}
