//! Upstream mode's guards over real HTTP on 127.0.0.1: the cross-site (Origin) check, CORS for configured
//! host origins, the size limit, the per-agent rate limit (driven by a manual clock, no sleeping), and the
//! binding of the acting agent with the supervisor exception (fields naming other agents pass unchanged,
//! nothing the proxy controls can be set by the browser).

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::IntoResponse;
use common::*;
use serde_json::{json, Value};
use workbench_server::upstream::identity::sign_hs256;
use workbench_server::upstream::Clock;
use workbench_server::{UpstreamConfig, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET};

const JWT_KEY: &str = "guards-jwt-key-0123456789abcdef-0123456789";
const CRM: &str = "http://crm.example.test:8081";
const EVIL: &str = "http://evil.example.test";

fn token(sub: &str) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    sign_hs256(&json!({"sub": sub, "exp": now + 300}), JWT_KEY)
}

fn config(endpoint: &str, signature: &str, identity: &str, extra: &str) -> UpstreamConfig {
    UpstreamConfig::from_toml_str(&format!(
        "access_key_id = \"{DEMO_ACCESS_KEY_ID}\"\naccess_key_secret = \"{DEMO_ACCESS_KEY_SECRET}\"\n\
         instance_id = \"ccc-demo\"\nendpoint = \"{endpoint}\"\nsignature = \"{signature}\"\n{extra}\n\
         [identity]\n{identity}\n"
    ))
    .unwrap()
}

fn jwt() -> String {
    format!("mode = \"jwt\"\njwt_secret = \"{JWT_KEY}\"")
}

/// An emulator and a proxy (jwt, `CRM` allowed) to its OpenAPI face; `extra` adds top-level keys.
async fn chain(extra: &str) -> (Server, Server) {
    let emulator = start().await;
    let proxy = start_proxy(config(
        &format!("{}/openapi/", emulator.base),
        "v3",
        &jwt(),
        &format!("allowed_origins = [\"{CRM}\"]\n{extra}"),
    ))
    .await;
    (emulator, proxy)
}

/// A request to the proxy: `method`, `action`, `request` params, extra headers; (status, headers, envelope).
async fn send(
    proxy: &Server,
    method: reqwest::Method,
    action: &str,
    params: Value,
    headers: &[(&str, String)],
) -> (u16, reqwest::header::HeaderMap, Value) {
    let request = params.to_string();
    let mut req = if method == reqwest::Method::GET {
        let q = serde_urlencoded::to_string([("request", request)]).unwrap();
        proxy
            .http
            .get(format!("{}&{q}", api_url(&proxy.base, action)))
    } else {
        proxy
            .http
            .request(method, api_url(&proxy.base, action))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string([("request", request)]).unwrap())
    };
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let h = resp.headers().clone();
    let text = resp.text().await.unwrap();
    (
        status,
        h,
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

fn cookie(sub: &str) -> (&'static str, String) {
    ("cookie", format!("ccc_token={}", token(sub)))
}

fn bearer(sub: &str) -> (&'static str, String) {
    ("authorization", format!("Bearer {}", token(sub)))
}

fn origin(o: &str) -> (&'static str, String) {
    ("origin", o.to_owned())
}

fn assert_forbidden_origin(st: u16, env: &Value) {
    assert_eq!(
        (st, env["Code"].as_str(), env["HttpStatusCode"].as_u64()),
        (403, Some("Forbidden.Origin"), Some(403)),
        "{env}"
    );
    assert_eq!(env["RequestId"].as_str().map(str::len), Some(36), "{env}");
}

#[tokio::test]
async fn state_changing_requests_need_an_allowed_origin() {
    let (emulator, proxy) = chain("").await;
    emulator.register(A1).await;
    emulator.ok(A1, "TakeBreak", json!({"Code": "Meal"})).await;
    let post = reqwest::Method::POST;

    // A cross-site form post with the agent's cookie: refused, and nothing happened.
    let (st, _, env) = send(
        &proxy,
        post.clone(),
        "ReadyForService",
        json!({}),
        &[cookie(A1), origin(EVIL)],
    )
    .await;
    assert_forbidden_origin(st, &env);
    assert!(env["Message"].as_str().unwrap().contains(EVIL), "{env}");
    assert_eq!(emulator.agent(A1).await["state"], "BREAK");
    // Even with a bearer token, and for a read sent as POST.
    let (st, _, env) = send(
        &proxy,
        post.clone(),
        "ReadyForService",
        json!({}),
        &[bearer(A1), origin(EVIL)],
    )
    .await;
    assert_forbidden_origin(st, &env);
    let (st, _, env) = send(
        &proxy,
        post.clone(),
        "PollUserStatus",
        json!({}),
        &[cookie(A1), origin(EVIL)],
    )
    .await;
    assert_forbidden_origin(st, &env);
    // Opaque origins, look-alike hosts, another port of the server's host.
    let own_port_off = format!("http://{}:{}", proxy.addr.ip(), proxy.addr.port() + 1);
    for o in [
        "null",
        "http://crm.example.test:8081.evil.example.test",
        "http://crm.example.test",
        &own_port_off,
    ] {
        let (st, _, env) = send(
            &proxy,
            post.clone(),
            "ReadyForService",
            json!({}),
            &[cookie(A1), origin(o)],
        )
        .await;
        assert_forbidden_origin(st, &env);
    }
    // A state-changing action is checked over GET too; a read over GET is not.
    let (st, _, env) = send(
        &proxy,
        reqwest::Method::GET,
        "ReadyForService",
        json!({}),
        &[cookie(A1), origin(EVIL)],
    )
    .await;
    assert_forbidden_origin(st, &env);
    let (st, _, env) = send(
        &proxy,
        reqwest::Method::GET,
        "GetLoginDetails",
        json!({}),
        &[cookie(A1), origin(EVIL)],
    )
    .await;
    assert_eq!(
        (st, env["Data"]["UserId"].as_str()),
        (200, Some(A1)),
        "{env}"
    );
    assert_eq!(emulator.agent(A1).await["state"], "BREAK");

    // A cookie without Origin or Referer: refused (a browser would have said where it came from).
    let (st, _, env) = send(
        &proxy,
        post.clone(),
        "ReadyForService",
        json!({}),
        &[cookie(A1)],
    )
    .await;
    assert_forbidden_origin(st, &env);
    // Referer stands in for a missing Origin.
    let (st, _, env) = send(
        &proxy,
        post.clone(),
        "ReadyForService",
        json!({}),
        &[cookie(A1), ("referer", format!("{EVIL}/page"))],
    )
    .await;
    assert_forbidden_origin(st, &env);
    assert_eq!(emulator.agent(A1).await["state"], "BREAK");

    // The configured CRM, the server's own origin, the CRM's page as Referer, a bearer token without either.
    let own = proxy.base.clone();
    let allowed: [Vec<(&str, String)>; 4] = [
        vec![cookie(A1), origin(CRM)],
        vec![cookie(A1), origin(&own)],
        vec![
            cookie(A1),
            ("referer", format!("{CRM}/customers/42?tab=calls")),
        ],
        vec![bearer(A1)],
    ];
    for headers in allowed {
        emulator.ok(A1, "TakeBreak", json!({"Code": "Meal"})).await;
        let (st, _, env) = send(&proxy, post.clone(), "ReadyForService", json!({}), &headers).await;
        assert_eq!(
            (st, env["Data"]["UserState"].as_str()),
            (200, Some("READY")),
            "{headers:?}: {env}"
        );
    }

    // Unauthenticated still comes first.
    let (st, _, env) = send(&proxy, post, "ReadyForService", json!({}), &[origin(EVIL)]).await;
    assert_eq!(
        (st, env["Code"].as_str()),
        (401, Some("Unauthorized")),
        "{env}"
    );
}

#[tokio::test]
async fn trusted_proxy_requests_without_origin_are_accepted() {
    let emulator = start().await;
    let proxy = start_proxy(config(
        &format!("{}/openapi/", emulator.base),
        "v1",
        "mode = \"trusted-header\"\nheader = \"X-Auth-Agent\"\ntrusted_proxies = [\"127.0.0.1\", \"::1\"]",
        "",
    ))
    .await;
    let me = ("x-auth-agent", A2.to_owned());
    let (st, _, env) = send(
        &proxy,
        reqwest::Method::POST,
        "GetLoginDetails",
        json!({}),
        std::slice::from_ref(&me),
    )
    .await;
    assert_eq!(
        (st, env["Data"]["UserId"].as_str()),
        (200, Some(A2)),
        "{env}"
    );
    let (st, _, env) = send(
        &proxy,
        reqwest::Method::POST,
        "GetLoginDetails",
        json!({}),
        &[me.clone(), origin(EVIL)],
    )
    .await;
    assert_forbidden_origin(st, &env);
    // CORS for nobody: no origin is configured.
    let (st, h, _) = send(
        &proxy,
        reqwest::Method::OPTIONS,
        "GetLoginDetails",
        json!({}),
        &[
            origin(EVIL),
            ("access-control-request-method", "POST".into()),
        ],
    )
    .await;
    assert_eq!(st, 403);
    assert!(h.get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn cors_only_for_configured_origins() {
    let (_emulator, proxy) = chain("").await;
    let preflight = |o: &str, method: &str| {
        let o = o.to_owned();
        let method = method.to_owned();
        let proxy = &proxy;
        async move {
            let resp = proxy
                .http
                .request(
                    reqwest::Method::OPTIONS,
                    api_url(&proxy.base, "SignInGroup"),
                )
                .header("origin", o)
                .header("access-control-request-method", method)
                .header("access-control-request-headers", "content-type")
                .send()
                .await
                .unwrap();
            (resp.status().as_u16(), resp.headers().clone())
        }
    };
    let (st, h) = preflight(CRM, "POST").await;
    assert_eq!(st, 204);
    let get = |name: &str| h.get(name).map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(get("access-control-allow-origin").as_deref(), Some(CRM));
    assert_eq!(
        get("access-control-allow-credentials").as_deref(),
        Some("true")
    );
    assert_eq!(
        get("access-control-allow-methods").as_deref(),
        Some("GET, POST")
    );
    assert_eq!(
        get("access-control-allow-headers").as_deref(),
        Some("Content-Type, Authorization")
    );
    assert!(get("vary").unwrap().contains("Origin"));
    // Another origin, or a method the API does not answer: no CORS headers at all.
    for (o, m) in [(EVIL, "POST"), ("null", "POST"), (CRM, "DELETE")] {
        let (st, h) = preflight(o, m).await;
        assert_eq!(st, 403, "{o} {m}");
        assert!(
            h.keys().all(|k| !k.as_str().starts_with("access-control-")),
            "{o} {m}: {h:?}"
        );
    }
    // Answers (success and errors) to the CRM carry the CORS headers; to others, none.
    let (st, h, env) = send(
        &proxy,
        reqwest::Method::POST,
        "GetLoginDetails",
        json!({}),
        &[cookie(A1), origin(CRM)],
    )
    .await;
    assert_eq!(
        (st, env["Data"]["UserId"].as_str()),
        (200, Some(A1)),
        "{env}"
    );
    assert_eq!(h["access-control-allow-origin"], CRM);
    assert_eq!(h["access-control-allow-credentials"], "true");
    let (st, h, _) = send(
        &proxy,
        reqwest::Method::POST,
        "GetLoginDetails",
        json!({}),
        &[origin(CRM)],
    )
    .await;
    assert_eq!(
        (st, h["access-control-allow-origin"].to_str().unwrap()),
        (401, CRM)
    );
    let (st, h, _) = send(
        &proxy,
        reqwest::Method::POST,
        "GetLoginDetails",
        json!({}),
        &[cookie(A1), origin(EVIL)],
    )
    .await;
    assert_eq!(st, 403);
    assert!(h.get("access-control-allow-origin").is_none(), "{h:?}");
    // Nor does a read over GET, which passes the Origin check.
    let (_, h, _) = send(
        &proxy,
        reqwest::Method::GET,
        "GetLoginDetails",
        json!({}),
        &[cookie(A1), origin(EVIL)],
    )
    .await;
    assert!(h.get("access-control-allow-origin").is_none(), "{h:?}");
}

#[tokio::test]
async fn request_size_is_limited() {
    let (_emulator, proxy) = chain("max_body_bytes = 2048").await;
    let me = bearer(A1);
    let small = json!({"note": "x".repeat(1000)});
    let (st, _, env) = send(
        &proxy,
        reqwest::Method::POST,
        "GetLoginDetails",
        small,
        std::slice::from_ref(&me),
    )
    .await;
    assert_eq!(st, 200, "{env}");
    let big = json!({"note": "x".repeat(3000)});
    for method in [reqwest::Method::POST, reqwest::Method::GET] {
        let (st, _, env) = send(
            &proxy,
            method.clone(),
            "GetLoginDetails",
            big.clone(),
            std::slice::from_ref(&me),
        )
        .await;
        assert_eq!(
            (st, env["Code"].as_str(), env["HttpStatusCode"].as_u64()),
            (413, Some("RequestTooLarge"), Some(413)),
            "{method}: {env}"
        );
        assert_eq!(env["RequestId"].as_str().map(str::len), Some(36), "{env}");
    }
    // The default is 1 MiB.
    let (_emulator, proxy) = chain("").await;
    let huge = json!({"note": "x".repeat(1 << 20)});
    let (st, _, env) = send(
        &proxy,
        reqwest::Method::POST,
        "GetLoginDetails",
        huge,
        &[me],
    )
    .await;
    assert_eq!(
        (st, env["Code"].as_str()),
        (413, Some("RequestTooLarge")),
        "{env}"
    );
}

#[tokio::test]
async fn each_agent_is_rate_limited_on_an_injected_clock() {
    let emulator = start().await;
    let cfg = config(
        &format!("{}/openapi/", emulator.base),
        "v3",
        &jwt(),
        "rate_limit_per_minute = 5",
    );
    let clock = Clock::manual();
    let proxy = start_proxy_on(cfg, clock.clone()).await;
    let call = |who: &'static str| {
        let proxy = &proxy;
        async move {
            send(
                proxy,
                reqwest::Method::POST,
                "GetLoginDetails",
                json!({}),
                &[bearer(who)],
            )
            .await
        }
    };
    for _ in 0..4 {
        let (st, _, env) = call(A1).await;
        assert_eq!(st, 200, "{env}");
    }
    // Every request counts, forbidden ones too (no free probing of the allow-list).
    let (st, _, env) = send(
        &proxy,
        reqwest::Method::POST,
        "DeleteInstance",
        json!({}),
        &[bearer(A1)],
    )
    .await;
    assert_eq!(
        (st, env["Code"].as_str()),
        (403, Some("Forbidden.Action")),
        "{env}"
    );
    let (st, h, env) = call(A1).await;
    assert_eq!(
        (st, env["Code"].as_str(), env["HttpStatusCode"].as_u64()),
        (429, Some("Throttling.User"), Some(429)),
        "{env}"
    );
    assert_eq!(env["RequestId"].as_str().map(str::len), Some(36), "{env}");
    assert_eq!(h["retry-after"], "12", "5 a minute: one every 12 s");
    // Another agent has its own bucket.
    let (st, _, env) = call(A2).await;
    assert_eq!(st, 200, "{env}");
    // 12 s later exactly one more.
    clock.advance(Duration::from_millis(11_999));
    assert_eq!(call(A1).await.0, 429);
    clock.advance(Duration::from_millis(1));
    assert_eq!(call(A1).await.0, 200);
    assert_eq!(call(A1).await.0, 429);
    // A long pause refills to the burst size, not beyond.
    clock.advance(Duration::from_secs(3600));
    for _ in 0..5 {
        assert_eq!(call(A1).await.0, 200);
    }
    assert_eq!(call(A1).await.0, 429);
}

// ---- binding the acting agent; the supervisor exception ----

/// One request the fake upstream saw: method, query, headers, body.
type Seen = (String, String, HeaderMap, String);

/// A fake upstream that records each request and answers OK.
#[derive(Clone, Default)]
struct Recorded(Arc<Mutex<Vec<Seen>>>);

async fn record(
    State(r): State<Recorded>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    r.0.lock().unwrap().push((
        method.to_string(),
        uri.query().unwrap_or("").to_owned(),
        headers,
        String::from_utf8_lossy(&body).into_owned(),
    ));
    axum::Json(
        json!({"RequestId": "fake", "Code": "OK", "HttpStatusCode": 200, "Message": "", "Data": {}}),
    )
}

async fn start_recorder() -> (String, Recorded) {
    let rec = Recorded::default();
    let app = axum::Router::new().fallback(record).with_state(rec.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, rec)
}

/// Every attempt to name the acting agent, the instance or the signature's parameters from the browser.
fn spoofing_params(extra: Value) -> Value {
    let mut p = json!({
        "UserId": SUP, "userId": SUP, "USERID": SUP, "userid": SUP, "User_Id": SUP, "user-id": SUP,
        "InstanceId": "ccc-other", "instanceId": "ccc-other", "INSTANCEID": "ccc-other",
        "Action": "DeleteInstance", "action": "DeleteInstance", "Version": "2017-07-05",
        "AccessKeyId": "someone-else", "Signature": "forged", "SignatureNonce": "n", "Timestamp": "t",
        "SecurityToken": "sts",
    });
    for (k, v) in extra.as_object().unwrap() {
        p[k] = v.clone();
    }
    p
}

#[tokio::test]
async fn only_the_acting_user_id_is_bound_and_target_fields_pass_through() {
    let (upstream, rec) = start_recorder().await;
    for signature in ["v3", "v1"] {
        let proxy = start_proxy(config(&format!("{upstream}/"), signature, &jwt(), "")).await;
        let cases = [
            (
                "MonitorCall",
                json!({"monitoredUserId": A2, "timeoutSeconds": 30}),
            ),
            ("BargeInCall", json!({"BargedUserId": A2, "JobId": "job-1"})),
            (
                "InterceptCall",
                json!({"InterceptedUserId": A2, "JobId": "job-1"}),
            ),
            ("Coach", json!({"CoachedUserId": A2, "JobId": "job-1"})),
            (
                "ListRealtimeAgentStates",
                json!({"AgentIdList": format!("[\"{A2}\",\"{A3}\"]"), "PageNumber": 1}),
            ),
            (
                "ListHistoricalAgentReport",
                json!({"AgentIdList": [A2, A3], "StartTime": 1, "StopTime": 2}),
            ),
            ("ReadyForService", json!({})),
        ];
        for (action, target) in cases {
            rec.0.lock().unwrap().clear();
            let (st, _, env) = send(
                &proxy,
                reqwest::Method::POST,
                action,
                spoofing_params(target.clone()),
                &[bearer(A1)],
            )
            .await;
            assert_eq!(st, 200, "{signature} {action}: {env}");
            let (method, query, headers, body) = rec.0.lock().unwrap().pop().expect("forwarded");
            assert_eq!(method, "POST");
            let params = ccc_sign::encode::parse_query(&body);
            let query = ccc_sign::encode::parse_query(&query);
            let named = |pred: &dyn Fn(&str) -> bool| -> Vec<(String, String)> {
                params
                    .iter()
                    .chain(query.iter())
                    .filter(|(k, _)| pred(k))
                    .cloned()
                    .collect()
            };
            let fold = |k: &str| {
                k.chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect::<String>()
                    .to_ascii_lowercase()
            };
            assert_eq!(
                named(&|k| fold(k) == "userid"),
                [("UserId".to_owned(), A1.to_owned())],
                "{signature} {action}: exactly one UserId, the authenticated agent's: {body}"
            );
            assert_eq!(
                named(&|k| fold(k) == "instanceid"),
                [("InstanceId".to_owned(), "ccc-demo".to_owned())],
                "{signature} {action}: {body}"
            );
            let upstream_action = if action == "Coach" {
                "CoachCall"
            } else {
                action
            };
            match signature {
                "v3" => {
                    assert_eq!(headers["x-acs-action"], upstream_action);
                    assert_eq!(headers["x-acs-version"], "2020-07-01");
                    assert!(headers["authorization"]
                        .to_str()
                        .unwrap()
                        .contains(&format!("Credential={DEMO_ACCESS_KEY_ID},")));
                    for (k, _) in &params {
                        assert!(
                            ![
                                "action",
                                "version",
                                "accesskeyid",
                                "signature",
                                "signaturenonce",
                                "timestamp",
                                "securitytoken"
                            ]
                            .contains(&fold(k).as_str()),
                            "{action}: the browser's {k} reached the call center: {body}"
                        );
                    }
                }
                _ => {
                    assert_eq!(
                        named(&|k| k == "Action"),
                        [("Action".to_owned(), upstream_action.to_owned())],
                        "{body}"
                    );
                    assert_eq!(
                        named(&|k| k == "AccessKeyId"),
                        [("AccessKeyId".to_owned(), DEMO_ACCESS_KEY_ID.to_owned())]
                    );
                    assert_eq!(
                        named(&|k| k == "Version"),
                        [("Version".to_owned(), "2020-07-01".to_owned())]
                    );
                    assert_eq!(named(&|k| fold(k) == "signature").len(), 1, "{body}");
                    assert!(named(&|k| fold(k) == "securitytoken").is_empty());
                }
            }
            // The fields naming other agents are untouched (PascalCase, value as sent; arrays as JSON text).
            for (k, v) in ccc_wire::keys::to_pascal(target).as_object().unwrap() {
                let expect = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                assert_eq!(
                    named(&|n| n == k),
                    [(k.clone(), expect)],
                    "{signature} {action}: {body}"
                );
            }
        }
    }
}

#[tokio::test]
async fn an_agent_cannot_supervise_by_naming_a_supervisor_but_a_supervisor_can() {
    let (emulator, proxy) = chain("").await;
    emulator.register(A2).await;
    let job = emulator.talking_inbound(A2, "13800000031").await;
    emulator.register(SUP).await;
    emulator.register(A1).await;
    // agent1 claims to be the supervisor in every field the proxy controls: it is still agent1, and the call
    // center refuses agent1's MonitorCall.
    let (st, _, env) = send(
        &proxy,
        reqwest::Method::POST,
        "MonitorCall",
        spoofing_params(json!({"MonitoredUserId": A2})),
        &[bearer(A1)],
    )
    .await;
    assert_eq!(
        (st, env["Code"].as_str(), env["Params"].clone()),
        (403, Some("Permission.User"), json!(["MonitorCall"])),
        "{env}"
    );
    assert_eq!(emulator.agent(SUP).await["state"], "READY");
    // The supervisor (authenticated as such) names the agent it monitors: passed through, it works.
    let (st, _, env) = send(
        &proxy,
        reqwest::Method::POST,
        "MonitorCall",
        json!({"monitoredUserId": A2, "userId": A1}),
        &[bearer(SUP)],
    )
    .await;
    assert_eq!(st, 200, "{env}");
    assert_eq!(env["Data"]["UserContext"]["UserId"], SUP, "{env}");
    assert_eq!(env["Data"]["CallContext"]["CallType"], "MONITOR", "{env}");
    assert_eq!(env["Data"]["UserContext"]["JobId"], job, "{env}");
    emulator.wait_state(SUP, "TALKING").await;
    assert_eq!(
        emulator.agent(A1).await["state"],
        "READY",
        "agent1 untouched"
    );
}
