//! Upstream mode end to end on 127.0.0.1: browser-style request → proxy (authenticates, binds the agent,
//! signs) → the emulator's OpenAPI face (verifies) → the emulator's answer, for V3 and V1; the allow-list,
//! identity spoofing, gateway error mapping, and the face's own checks.

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use ccc_sign::encode::form_string;
use ccc_sign::{v1, v3, Credentials};
use common::*;
use serde_json::{json, Value};
use workbench_server::upstream::identity::sign_hs256;
use workbench_server::{UpstreamConfig, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET};

const JWT_KEY: &str = "test-jwt-key-0123456789abcdef-0123456789";

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn token(sub: &str, exp_in: i64) -> String {
    sign_hs256(&json!({"sub": sub, "exp": now() + exp_in}), JWT_KEY)
}

fn config(endpoint: &str, signature: &str, identity: &str, extra: &str) -> UpstreamConfig {
    UpstreamConfig::from_toml_str(&format!(
        "access_key_id = \"{DEMO_ACCESS_KEY_ID}\"\naccess_key_secret = \"{DEMO_ACCESS_KEY_SECRET}\"\n\
         instance_id = \"ccc-demo\"\nendpoint = \"{endpoint}\"\nsignature = \"{signature}\"\n{extra}\n[identity]\n{identity}\n"
    ))
    .unwrap()
}

fn jwt_identity() -> String {
    format!("mode = \"jwt\"\njwt_secret = \"{JWT_KEY}\"")
}

/// An emulator and a proxy to its OpenAPI face.
async fn chain(signature: &str) -> (Server, Server) {
    chain_at(signature, "/openapi/").await
}

/// An emulator and a proxy to its OpenAPI face at `path` (`/` is where the official SDKs call).
async fn chain_at(signature: &str, path: &str) -> (Server, Server) {
    let emulator = start().await;
    let proxy = start_proxy(config(
        &format!("{}{path}", emulator.base),
        signature,
        &jwt_identity(),
        "",
    ))
    .await;
    (emulator, proxy)
}

/// POSTs `request=<params>` to the proxy like the SDK, with extra headers.
async fn call(
    proxy: &Server,
    action: &str,
    params: Value,
    headers: &[(&str, String)],
) -> (u16, Value) {
    let body = serde_urlencoded::to_string([("request", params.to_string())]).unwrap();
    let mut req = proxy
        .http
        .post(api_url(&proxy.base, action))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

fn bearer(sub: &str) -> Vec<(&'static str, String)> {
    vec![("authorization", format!("Bearer {}", token(sub, 300)))]
}

async fn full_flow(signature: &str) {
    full_flow_at(signature, "/openapi/").await;
}

async fn full_flow_at(signature: &str, path: &str) {
    let (emulator, proxy) = chain_at(signature, path).await;
    let me = bearer(A1);
    // lowerCamel keys; UserId/InstanceId from the browser are overwritten.
    let (st, env) = call(
        &proxy,
        "GetLoginDetails",
        json!({"instanceId": "other", "userId": A2}),
        &me,
    )
    .await;
    assert_eq!((st, env["Code"].as_str()), (200, Some("OK")), "{env}");
    assert_eq!(env["Data"]["UserId"], A1, "{env}");
    let push = env["Data"]["AgentServerUrl"].as_str().unwrap_or_default();
    assert!(
        push.starts_with(&format!("ws://{}/emulator/ws/", emulator.addr)),
        "the push socket at the emulator's own origin: {push}"
    );
    // Integers come back typed at the face; the array is passed as a JSON string.
    let (st, env) = call(
        &proxy,
        "ListSkillLevelsOfUser",
        json!({"pageNumber": 1, "pageSize": 100}),
        &me,
    )
    .await;
    assert_eq!(st, 200, "{env}");
    let groups: Vec<Value> = env["Data"]["List"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["SkillGroupId"].clone())
        .collect();
    assert!(!groups.is_empty());
    let (st, env) = call(
        &proxy,
        "SignInGroup",
        json!({"deviceId": "dev", "signedSkillGroupIdList": groups}),
        &me,
    )
    .await;
    assert_eq!(st, 200, "{env}");
    let (st, env) = call(&proxy, "ReadyForService", json!({}), &me).await;
    assert_eq!(
        (st, env["Data"]["UserState"].as_str()),
        (200, Some("READY")),
        "{env}"
    );
    assert_eq!(emulator.agent(A1).await["state"], "READY");
    assert_eq!(emulator.agent(A2).await["state"], "OFFLINE");
    // A CCC business error passes through unchanged, status and all.
    let (st, env) = call(&proxy, "ReadyForService", json!({}), &bearer(A3)).await;
    assert_eq!(
        (st, env["Code"].as_str(), env["HttpStatusCode"].as_u64()),
        (400, Some("InvalidOperation.UserState"), Some(400)),
        "{env}"
    );
    // Coach is CoachCall upstream; the face maps it back.
    let (st, env) = call(&proxy, "Coach", json!({"jobId": "job-none"}), &me).await;
    assert_ne!(env["Code"], "Forbidden.Action", "{st} {env}");
    assert_ne!(env["Code"], "SignatureDoesNotMatch", "{st} {env}");
}

#[tokio::test]
async fn v3_chain_to_the_verifying_emulator() {
    full_flow("v3").await;
}

#[tokio::test]
async fn v3_and_v1_at_the_root_where_the_official_sdks_call() {
    full_flow_at("v3", "/").await;
    full_flow_at("v1", "/").await;
}

#[tokio::test]
async fn the_root_is_still_the_page_for_a_browser() {
    let server = start().await;
    let resp = server
        .http
        .get(format!("{}/", server.base))
        .send()
        .await
        .unwrap();
    let text = resp.text().await.unwrap();
    assert!(
        !text.contains("SignatureDoesNotMatch") && !text.contains("MissingParameter"),
        "GET / is a page view, not an API call: {text}"
    );
}

#[tokio::test]
async fn v1_chain_to_the_verifying_emulator() {
    full_flow("v1").await;
}

#[tokio::test]
async fn demo_path_forwards_too_and_cookie_token_works() {
    let (_emulator, proxy) = chain("v3").await;
    let body = serde_urlencoded::to_string([("request", "{}")]).unwrap();
    let resp = proxy
        .http
        .post(format!(
            "{}/aliyun/ccc/api?action=GetLoginDetails",
            proxy.base
        ))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", format!("x=1; ccc_token={}", token(A2, 60)))
        .header("origin", &proxy.base)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let env: Value = resp.json().await.unwrap();
    assert_eq!(env["Data"]["UserId"], A2, "{env}");
    // The emulator's own routes are not mounted in upstream mode.
    let (st, body) = proxy.get_json("/emulator/v1/state").await;
    assert_ne!(st, 200, "{body}");
}

#[tokio::test]
async fn only_the_workbench_actions_are_forwarded() {
    let (_emulator, proxy) = chain("v3").await;
    for action in ["DeleteInstance", "CreateUser", "ListUsers", ""] {
        let (st, env) = call(&proxy, action, json!({}), &bearer(A1)).await;
        assert_eq!(
            (st, env["Code"].as_str(), env["HttpStatusCode"].as_u64()),
            (403, Some("Forbidden.Action"), Some(403)),
            "{action}: {env}"
        );
        assert!(!env["RequestId"].as_str().unwrap().is_empty());
    }
    // Every API of the contract is allowed (they reach the face, whatever it answers).
    let contract: Value =
        serde_json::from_str(include_str!("../../../spec/contract.json")).unwrap();
    for group in ["business", "callControl"] {
        for name in contract["backendApis"][group].as_array().unwrap() {
            let name = name.as_str().unwrap();
            assert!(
                workbench_server::upstream::upstream_action_allowed(name),
                "{name}"
            );
        }
    }
    // Unauthenticated comes first: no probing of the allow-list.
    let (st, env) = call(&proxy, "DeleteInstance", json!({}), &[]).await;
    assert_eq!(
        (st, env["Code"].as_str()),
        (401, Some("Unauthorized")),
        "{env}"
    );
}

#[tokio::test]
async fn spoofing_attempts_get_401() {
    let (emulator, proxy) = chain("v3").await;
    // The emulator's own identity header means nothing to the proxy.
    let (st, env) = call(
        &proxy,
        "GetLoginDetails",
        json!({"UserId": A1}),
        &[("x-ccc-user", A1.into())],
    )
    .await;
    assert_eq!(
        (st, env["Code"].as_str(), env["HttpStatusCode"].as_u64()),
        (401, Some("Unauthorized"), Some(401)),
        "{env}"
    );
    // Expired, forged, unsigned ("alg":"none") tokens.
    let expired = token(A1, -1);
    let forged = sign_hs256(
        &json!({"sub": A1, "exp": now() + 300}),
        "someone-elses-key-0123456789abcdef",
    );
    let none = format!(
        "eyJhbGciOiJub25lIn0.{}.",
        token(A1, 300).split('.').nth(1).unwrap()
    );
    for t in [expired, forged, none, "garbage".into()] {
        let (st, env) = call(
            &proxy,
            "GetLoginDetails",
            json!({}),
            &[("authorization", format!("Bearer {t}"))],
        )
        .await;
        assert_eq!(st, 401, "{env}");
    }
    // A trusted header from an address that is not the configured proxy is ignored.
    let untrusted = start_proxy(config(
        &format!("{}/openapi/", emulator.base),
        "v3",
        "mode = \"trusted-header\"\nheader = \"X-Forwarded-User\"\ntrusted_proxies = [\"10.0.0.0/8\"]",
        "",
    ))
    .await;
    let (st, env) = call(
        &untrusted,
        "GetLoginDetails",
        json!({}),
        &[("x-forwarded-user", A1.into())],
    )
    .await;
    assert_eq!(
        (st, env["Code"].as_str()),
        (401, Some("Unauthorized")),
        "{env}"
    );
    // From a trusted address it is the identity, and beats the request's UserId.
    let trusted = start_proxy(config(
        &format!("{}/openapi/", emulator.base),
        "v1",
        "mode = \"trusted-header\"\nheader = \"X-Forwarded-User\"\ntrusted_proxies = [\"127.0.0.1\", \"::1\"]",
        "",
    ))
    .await;
    let (st, env) = call(
        &trusted,
        "GetLoginDetails",
        json!({"UserId": A2}),
        &[("x-forwarded-user", A3.into())],
    )
    .await;
    assert_eq!(
        (st, env["Data"]["UserId"].as_str()),
        (200, Some(A3)),
        "{env}"
    );
    let (st, _) = call(&trusted, "GetLoginDetails", json!({}), &[]).await;
    assert_eq!(st, 401);
}

#[tokio::test]
async fn wrong_credentials_are_refused_by_the_face_and_passed_through() {
    let emulator = start().await;
    let endpoint = format!("{}/openapi/", emulator.base);
    let wrong_secret = UpstreamConfig::from_toml_str(&format!(
        "access_key_id = \"{DEMO_ACCESS_KEY_ID}\"\naccess_key_secret = \"not-the-secret\"\ninstance_id = \"ccc-demo\"\n\
         endpoint = \"{endpoint}\"\n[identity]\n{}\n",
        jwt_identity()
    ))
    .unwrap();
    let proxy = start_proxy(wrong_secret).await;
    let (st, env) = call(&proxy, "GetLoginDetails", json!({}), &bearer(A1)).await;
    assert_eq!(
        (st, env["Code"].as_str()),
        (403, Some("SignatureDoesNotMatch")),
        "{env}"
    );
    let unknown = UpstreamConfig::from_toml_str(&format!(
        "access_key_id = \"nobody\"\naccess_key_secret = \"x\"\ninstance_id = \"ccc-demo\"\nsignature = \"v1\"\n\
         endpoint = \"{endpoint}\"\n[identity]\n{}\n",
        jwt_identity()
    ))
    .unwrap();
    let proxy = start_proxy(unknown).await;
    let (st, env) = call(&proxy, "GetLoginDetails", json!({}), &bearer(A1)).await;
    assert_eq!(
        (st, env["Code"].as_str()),
        (400, Some("InvalidAccessKeyId.NotFound")),
        "{env}"
    );
}

#[tokio::test]
async fn gateway_timeouts_and_unreachable_upstreams_become_envelopes() {
    // An upstream that accepts connections and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_addr = silent.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = silent.accept().await {
            held.push(sock);
        }
    });
    let proxy = start_proxy(config(
        &format!("http://{silent_addr}/"),
        "v3",
        &jwt_identity(),
        "timeout_ms = 300",
    ))
    .await;
    let (st, env) = call(&proxy, "GetLoginDetails", json!({}), &bearer(A1)).await;
    assert_eq!(
        (st, env["Code"].as_str(), env["HttpStatusCode"].as_u64()),
        (504, Some("Gateway.Timeout"), Some(504)),
        "{env}"
    );
    assert_eq!(env["RequestId"].as_str().unwrap().len(), 36, "{env}");
    // A port nobody listens on.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let closed_addr = closed.local_addr().unwrap();
    drop(closed);
    let proxy = start_proxy(config(
        &format!("http://{closed_addr}/"),
        "v1",
        &jwt_identity(),
        "",
    ))
    .await;
    let (st, env) = call(&proxy, "GetLoginDetails", json!({}), &bearer(A1)).await;
    assert_eq!(
        (st, env["Code"].as_str()),
        (502, Some("Gateway.Unreachable")),
        "{env}"
    );
}

// ---- the face, called directly ----

fn demo() -> Credentials {
    Credentials::new(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET)
}

async fn v3_direct(server: &Server, nonce: &str, date: i64, secret: &str) -> (u16, Value) {
    let host = server.addr.to_string();
    let body = form_string(&[
        ("UserId".to_owned(), A1.to_owned()),
        ("InstanceId".into(), "ccc-demo".into()),
    ]);
    let signed = v3::sign(
        &Credentials::new(DEMO_ACCESS_KEY_ID, secret),
        &v3::Request {
            method: "POST",
            host: &host,
            path: "/openapi/",
            action: "GetLoginDetails",
            version: "2020-07-01",
            query: &[],
            body: body.as_bytes(),
            content_type: Some(v3::FORM_CONTENT_TYPE),
            date,
            nonce,
        },
    );
    let mut req = server
        .http
        .post(format!("{}/openapi/", server.base))
        .body(body);
    for (k, v) in signed.headers {
        req = req.header(k, v);
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

#[tokio::test]
async fn face_checks_like_the_gateway() {
    let server = start().await;
    let (st, env) = v3_direct(&server, "face-1", now(), DEMO_ACCESS_KEY_SECRET).await;
    assert_eq!(
        (st, env["Data"]["UserId"].as_str()),
        (200, Some(A1)),
        "{env}"
    );
    let (st, env) = v3_direct(&server, "face-1", now(), DEMO_ACCESS_KEY_SECRET).await;
    assert_eq!(
        (st, env["Code"].as_str()),
        (400, Some("SignatureNonceUsed")),
        "{env}"
    );
    let (st, env) = v3_direct(&server, "face-2", now() - 3600, DEMO_ACCESS_KEY_SECRET).await;
    assert_eq!(
        (st, env["Code"].as_str()),
        (400, Some("IllegalTimestamp")),
        "{env}"
    );
    let (st, env) = v3_direct(&server, "face-3", now(), "wrong").await;
    assert_eq!(
        (st, env["Code"].as_str()),
        (403, Some("SignatureDoesNotMatch")),
        "{env}"
    );
    assert!(
        env["HostId"].is_string() && env["Recommend"].is_string(),
        "{env}"
    );

    // V1, all parameters in the query (GET), then the same nonce again.
    let action = vec![
        ("UserId".to_owned(), A2.to_owned()),
        ("InstanceId".into(), "ccc-demo".into()),
    ];
    let common = v1::CommonParams {
        action: "GetLoginDetails",
        version: "2020-07-01",
        format: "JSON",
        nonce: "face-v1",
        timestamp: now(),
    };
    let signed = v1::sign(&demo(), "GET", &common, &action);
    let query = form_string(
        &signed
            .common
            .iter()
            .chain(action.iter())
            .cloned()
            .collect::<Vec<_>>(),
    );
    let url = format!("{}/openapi/?{query}", server.base);
    let (st, env) = server.get_json(&url[server.base.len()..]).await;
    assert_eq!(
        (st, env["Data"]["UserId"].as_str()),
        (200, Some(A2)),
        "{env}"
    );
    let (st, env) = server.get_json(&url[server.base.len()..]).await;
    assert_eq!(
        (st, env["Code"].as_str()),
        (400, Some("SignatureNonceUsed")),
        "{env}"
    );
    // Signed for GET, sent as POST.
    let resp = server.http.post(&url).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    // Unsigned.
    let (st, env) = server
        .get_json("/openapi/?Action=GetLoginDetails&UserId=x")
        .await;
    assert_eq!(
        (st, env["Code"].as_str()),
        (400, Some("MissingParameter")),
        "{env}"
    );
    // Another API version.
    let common = v1::CommonParams {
        version: "2017-07-05",
        nonce: "face-v1-old",
        ..common
    };
    let signed = v1::sign(&demo(), "GET", &common, &action);
    let query = form_string(
        &signed
            .common
            .iter()
            .chain(action.iter())
            .cloned()
            .collect::<Vec<_>>(),
    );
    let (st, env) = server.get_json(&format!("/openapi/?{query}")).await;
    assert_eq!(
        (st, env["Code"].as_str()),
        (400, Some("NoSuchVersion")),
        "{env}"
    );
}
