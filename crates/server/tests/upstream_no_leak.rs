//! No secret in any log line or response: a full run through the proxy (V3 and V1, success, business error,
//! forbidden action, bad tokens, wrong key, timeout) with every tracing event captured at TRACE level, and a
//! recording hop between proxy and emulator that collects the signatures the proxy computed.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::IntoResponse;
use common::*;
use serde_json::{json, Value};
use workbench_server::upstream::identity::sign_hs256;
use workbench_server::{UpstreamConfig, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET};

const JWT_KEY: &str = "leak-test-jwt-key-0123456789abcdef-xyz";

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn logs() -> &'static Buffer {
    static LOGS: OnceLock<Buffer> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .init();
        buffer
    })
}

/// A hop that records what the proxy sends (headers and query) and forwards it to the emulator's face.
#[derive(Clone)]
struct Recorder {
    target: String,
    seen: Arc<Mutex<Vec<String>>>,
    http: reqwest::Client,
}

async fn record(
    State(r): State<Recorder>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    let mut line = format!("{method} {uri}\n");
    for (k, v) in &headers {
        line.push_str(&format!("{k}: {}\n", v.to_str().unwrap_or("")));
    }
    r.seen.lock().unwrap().push(line);
    let url = format!(
        "{}{}",
        r.target,
        uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")
    );
    let mut req = r.http.request(method, url).body(body);
    for (k, v) in &headers {
        req = req.header(k, v);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    (status, resp.bytes().await.unwrap())
}

async fn start_recorder(target: String) -> (String, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let app = axum::Router::new().fallback(record).with_state(Recorder {
        target,
        seen: seen.clone(),
        http: reqwest::Client::new(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, seen)
}

/// Signatures in recorded requests: V3 `Signature=<hex>` of Authorization, V1 `Signature=` of the query.
fn signatures(seen: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for req in seen {
        for line in req.lines() {
            if let Some(auth) = line.strip_prefix("authorization: ") {
                out.push(auth.rsplit("Signature=").next().unwrap().to_owned());
            }
            if let Some(q) = line
                .split_once('?')
                .map(|(_, q)| q.split(' ').next().unwrap_or(""))
            {
                for (k, v) in ccc_sign::encode::parse_query(q) {
                    if k == "Signature" {
                        out.push(v.clone());
                        out.push(ccc_sign::encode::percent_encode(&v));
                    }
                }
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_token_or_signature_in_logs_or_responses() {
    let logs = logs();
    let emulator = start().await;
    let (hop, seen) = start_recorder(emulator.base.clone()).await;
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_addr = silent.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = silent.accept().await {
            held.push(s);
        }
    });
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let good = sign_hs256(&json!({"sub": A1, "exp": now + 300}), JWT_KEY);
    let expired = sign_hs256(&json!({"sub": A1, "exp": now - 5}), JWT_KEY);
    let mut responses = String::new();

    let cfg = |secret: &str, sig: &str, endpoint: &str, extra: &str| {
        UpstreamConfig::from_toml_str(&format!(
            "access_key_id = \"{DEMO_ACCESS_KEY_ID}\"\naccess_key_secret = \"{secret}\"\ninstance_id = \"ccc-demo\"\n\
             endpoint = \"{endpoint}\"\nsignature = \"{sig}\"\n{extra}\n[identity]\nmode = \"jwt\"\njwt_secret = \"{JWT_KEY}\"\n"
        ))
        .unwrap()
    };
    let proxies = [
        start_proxy(cfg(
            DEMO_ACCESS_KEY_SECRET,
            "v3",
            &format!("{hop}/openapi/"),
            "",
        ))
        .await,
        start_proxy(cfg(
            DEMO_ACCESS_KEY_SECRET,
            "v1",
            &format!("{hop}/openapi/"),
            "",
        ))
        .await,
        start_proxy(cfg(
            "wrong-secret-for-leak-test",
            "v3",
            &format!("{hop}/openapi/"),
            "",
        ))
        .await,
        start_proxy(cfg(
            DEMO_ACCESS_KEY_SECRET,
            "v3",
            &format!("http://{silent_addr}/"),
            "timeout_ms = 200",
        ))
        .await,
    ];
    let calls: &[(&str, Value, Option<&str>)] = &[
        ("GetLoginDetails", json!({}), Some(&good)),
        (
            "ListSkillLevelsOfUser",
            json!({"pageNumber": 1, "pageSize": 10}),
            Some(&good),
        ),
        ("ReadyForService", json!({}), Some(&good)),
        ("DeleteInstance", json!({}), Some(&good)),
        ("GetLoginDetails", json!({}), Some(&expired)),
        ("GetLoginDetails", json!({}), None),
    ];
    for proxy in &proxies {
        for (action, params, tok) in calls {
            let body = serde_urlencoded::to_string([("request", params.to_string())]).unwrap();
            let mut req = proxy
                .http
                .post(api_url(&proxy.base, action))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body);
            if let Some(t) = tok {
                // A cookie is ambient: the browser's Origin goes with it (the cross-site check).
                req = req
                    .header("cookie", format!("ccc_token={t}"))
                    .header("origin", &proxy.base);
            }
            let resp = req.send().await.unwrap();
            responses.push_str(&format!("{} {:?}\n", resp.status(), resp.headers()));
            responses.push_str(&resp.text().await.unwrap());
            responses.push('\n');
        }
    }
    // The guards' refusals: another site's origin, an oversized body, a throttled agent (limit 1 a minute).
    let throttled = start_proxy(cfg(
        DEMO_ACCESS_KEY_SECRET,
        "v3",
        &format!("{hop}/openapi/"),
        "rate_limit_per_minute = 1\nmax_body_bytes = 4096",
    ))
    .await;
    let guarded: [(&str, String); 3] = [
        ("http://evil.example.test", "{}".into()),
        ("", format!("{{\"x\":\"{}\"}}", "y".repeat(8192))),
        ("", "{}".into()),
    ];
    for (origin, params) in &guarded {
        let body = serde_urlencoded::to_string([("request", params.as_str())]).unwrap();
        let origin = if origin.is_empty() {
            throttled.base.as_str()
        } else {
            origin
        };
        let resp = throttled
            .http
            .post(api_url(&throttled.base, "ReadyForService"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", format!("ccc_token={good}"))
            .header("origin", origin)
            .body(body)
            .send()
            .await
            .unwrap();
        responses.push_str(&format!("{} {:?}\n", resp.status(), resp.headers()));
        responses.push_str(&resp.text().await.unwrap());
        responses.push('\n');
    }
    let sigs = signatures(&seen.lock().unwrap());
    assert!(
        sigs.len() >= 8,
        "the recorder saw the signed requests: {sigs:?}"
    );
    let log_text = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(
        log_text.contains("forwarded")
            && log_text.contains(A1)
            && log_text.contains("GetLoginDetails"),
        "audit lines captured"
    );
    assert!(
        log_text.contains("Gateway.Timeout") && log_text.contains("unauthenticated"),
        "failures audited"
    );
    assert!(responses.contains("\"Code\":\"OK\"") && responses.contains("Forbidden.Action"));
    for code in ["Forbidden.Origin", "RequestTooLarge", "Throttling.User"] {
        assert!(responses.contains(code), "{code}: {responses}");
        assert!(log_text.contains(code), "{code} audited");
    }
    let mut needles: Vec<String> = vec![
        DEMO_ACCESS_KEY_SECRET.into(),
        "wrong-secret-for-leak-test".into(),
        JWT_KEY.into(),
        good.clone(),
        expired.clone(),
        good.rsplit('.').next().unwrap().into(),
    ];
    needles.extend(sigs);
    for needle in &needles {
        assert!(
            !log_text.contains(needle.as_str()),
            "a log line contains {needle:?}"
        );
        assert!(
            !responses.contains(needle.as_str()),
            "a response contains {needle:?}"
        );
    }
    // The logs were really verbose (TRACE from hyper/reqwest/tower-http included) yet clean.
    assert!(log_text.lines().count() > 20, "{log_text}");
    let _ = std::io::stderr().flush();
}
