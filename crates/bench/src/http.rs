//! A plain HTTP/1.1 keep-alive client, one TCP connection per [`Conn`] (what one browser tab holds), and the
//! panel's own request shape: `POST /data/api.json?action=X&product=CloudCallCenter&version=2020-07-01&
//! region=cn-shanghai` with the form body `request=<json>`.

use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{HeaderValue, CONTENT_TYPE, HOST};
use hyper::{Method, Request, Uri};
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::config::INSTANCE;

/// The API URL path + query of `action`, exactly as the panel sends it.
pub(crate) fn api_path(action: &str) -> String {
    format!(
        "/data/api.json?action={action}&product=CloudCallCenter&version=2020-07-01&region=cn-shanghai"
    )
}

/// The form body `request=<params as JSON>`.
pub(crate) fn form_body(params: &Value) -> String {
    serde_urlencoded::to_string([("request", params.to_string())]).unwrap_or_default()
}

/// `params` with `InstanceId` and `UserId` set, as every panel request carries them.
pub(crate) fn agent_params(user: &str, mut params: Value) -> Value {
    if !params.is_object() {
        params = json!({});
    }
    params["InstanceId"] = json!(INSTANCE);
    params["UserId"] = json!(user);
    params
}

/// A request built once and sent many times.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    method: Method,
    uri: Uri,
    form: bool,
    json: bool,
    body: Bytes,
}

impl Prepared {
    /// The panel's request of `action` for agent `user` with `params`.
    pub(crate) fn api(action: &str, user: &str, params: Value) -> Prepared {
        Prepared {
            method: Method::POST,
            uri: api_path(action).parse().unwrap_or_default(),
            form: true,
            json: false,
            body: Bytes::from(form_body(&agent_params(user, params))),
        }
    }

    /// `GET path` (the control API).
    pub(crate) fn get(path: &str) -> Prepared {
        Prepared {
            method: Method::GET,
            uri: path.parse().unwrap_or_default(),
            form: false,
            json: false,
            body: Bytes::new(),
        }
    }

    /// `POST path` with a JSON body (the control API).
    pub(crate) fn post_json(path: &str, body: &Value) -> Prepared {
        Prepared {
            method: Method::POST,
            uri: path.parse().unwrap_or_default(),
            form: false,
            json: true,
            body: Bytes::from(body.to_string()),
        }
    }

    /// The health endpoint, the control every timing is compared with.
    pub(crate) fn health() -> Prepared {
        Prepared::get("/emulator/v1/health")
    }
}

/// One keep-alive connection to the server, (re)connected when needed.
pub(crate) struct Conn {
    addr: SocketAddr,
    host: HeaderValue,
    send: Option<SendRequest<Full<Bytes>>>,
    /// How often it had to connect again after the first time.
    pub(crate) reconnects: u64,
    connected_once: bool,
}

impl Conn {
    /// A connection to `addr`, opened on first use.
    pub(crate) fn new(addr: SocketAddr) -> Conn {
        Conn {
            addr,
            host: HeaderValue::from_str(&addr.to_string())
                .unwrap_or(HeaderValue::from_static("127.0.0.1")),
            send: None,
            reconnects: 0,
            connected_once: false,
        }
    }

    /// Opens the connection now if it is not open.
    pub(crate) async fn connect(&mut self) -> Result<(), String> {
        if self.send.as_ref().is_some_and(|s| !s.is_closed()) {
            return Ok(());
        }
        self.send = None;
        let stream = tokio::net::TcpStream::connect(self.addr)
            .await
            .map_err(|e| format!("connect: {e}"))?;
        let _ = stream.set_nodelay(true);
        let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| format!("handshake: {e}"))?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        if self.connected_once {
            self.reconnects += 1;
        }
        self.connected_once = true;
        self.send = Some(send);
        Ok(())
    }

    /// Forgets the connection (after a request was abandoned half-way: it cannot be reused).
    pub(crate) fn reset(&mut self) {
        self.send = None;
    }

    /// Sends `req`; returns the HTTP status and the whole body. A transport error closes the connection
    /// (the next request connects again).
    pub(crate) async fn send(&mut self, req: &Prepared) -> Result<(u16, Bytes), String> {
        self.connect().await?;
        let Some(send) = self.send.as_mut() else {
            return Err("not connected".into());
        };
        let mut builder = Request::builder()
            .method(req.method.clone())
            .uri(req.uri.clone())
            .header(HOST, self.host.clone());
        if req.form {
            builder = builder.header(CONTENT_TYPE, "application/x-www-form-urlencoded");
        } else if req.json {
            builder = builder.header(CONTENT_TYPE, "application/json");
        }
        let request = builder
            .body(Full::new(req.body.clone()))
            .map_err(|e| format!("request: {e}"))?;
        let result = async {
            send.ready().await.map_err(|e| format!("ready: {e}"))?;
            let resp = send
                .send_request(request)
                .await
                .map_err(|e| format!("send: {e}"))?;
            let status = resp.status().as_u16();
            let body = resp
                .into_body()
                .collect()
                .await
                .map_err(|e| format!("body: {e}"))?
                .to_bytes();
            Ok((status, body))
        }
        .await;
        if result.is_err() {
            self.send = None;
        }
        result
    }

    /// Sends the panel's request and reads the CCC envelope.
    pub(crate) async fn api(&mut self, req: &Prepared) -> Answer {
        match self.send(req).await {
            Ok((status, body)) => Answer::read(status, &body),
            Err(e) => Answer::transport(e),
        }
    }

    /// Sends a control-API request; returns the status and the JSON body (`Null` when not JSON).
    pub(crate) async fn control(&mut self, req: &Prepared) -> Result<(u16, Value), String> {
        let (status, body) = self.send(req).await?;
        Ok((status, serde_json::from_slice(&body).unwrap_or(Value::Null)))
    }
}

/// An API answer: HTTP status (0 for a transport failure), the envelope's `Code` and `Data`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) code: String,
    pub(crate) data: Value,
}

impl Answer {
    /// Reads the envelope of a response body.
    pub(crate) fn read(status: u16, body: &[u8]) -> Answer {
        let envelope: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        Answer {
            status,
            code: envelope["Code"].as_str().unwrap_or("").to_owned(),
            data: envelope.get("Data").cloned().unwrap_or(Value::Null),
        }
    }

    /// A request that got no HTTP answer.
    pub(crate) fn transport(error: String) -> Answer {
        Answer {
            status: 0,
            code: format!("transport: {error}"),
            data: Value::Null,
        }
    }

    /// 200 and `Code` "OK".
    pub(crate) fn ok(&self) -> bool {
        self.status == 200 && self.code == "OK"
    }
}

/// Whether a response body is an envelope with `Code` "OK", reading nothing else (the hot path of the poll
/// windows: no `Value` tree).
pub(crate) fn code_is_ok(body: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Code<'a> {
        #[serde(rename = "Code", borrow)]
        code: Option<std::borrow::Cow<'a, str>>,
    }
    serde_json::from_slice::<Code<'_>>(body).is_ok_and(|c| c.code.as_deref() == Some("OK"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_panels_request_shape() {
        assert_eq!(
            api_path("PollUserStatus"),
            "/data/api.json?action=PollUserStatus&product=CloudCallCenter&version=2020-07-01&region=cn-shanghai"
        );
        let params = agent_params("agent1@ccc-demo", json!({"Code": "Rest"}));
        assert_eq!(
            params,
            json!({"Code": "Rest", "InstanceId": "ccc-demo", "UserId": "agent1@ccc-demo"})
        );
        let body = form_body(&json!({"UserId": "a@b c"}));
        assert_eq!(body, "request=%7B%22UserId%22%3A%22a%40b+c%22%7D");
        let back: Vec<(String, String)> = serde_urlencoded::from_str(&body).unwrap();
        assert_eq!(back[0].1, r#"{"UserId":"a@b c"}"#);
    }

    #[test]
    fn envelopes() {
        let a = Answer::read(
            200,
            br#"{"Code":"OK","Data":{"UserState":"READY"},"RequestId":"x"}"#,
        );
        assert!(a.ok());
        assert_eq!(a.data["UserState"], "READY");
        let e = Answer::read(400, br#"{"Code":"Parameter.Blank","HttpStatusCode":400}"#);
        assert!(!e.ok());
        assert_eq!(e.code, "Parameter.Blank");
        assert!(!Answer::read(200, b"<html>").ok());
        assert!(!Answer::transport("reset".into()).ok());
        assert!(code_is_ok(
            br#"{"RequestId":"1","Code":"OK","Data":{"a":[1,2]}}"#
        ));
        assert!(!code_is_ok(br#"{"Code":"NotExists.User"}"#));
        assert!(!code_is_ok(b"{}"));
        assert!(!code_is_ok(b"oops"));
    }
}
