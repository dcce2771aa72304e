//! The `/data/api.json` contract: envelope shape, HTTP statuses, key casing, GET/POST, identity.

mod common;

use common::*;
use serde_json::{json, Value};

fn assert_error(status: u16, env: &Value, want_status: u16, code: &str) {
    assert_eq!(status, want_status, "{env}");
    assert_eq!(env["Code"], code, "{env}");
    assert_eq!(env["HttpStatusCode"], want_status, "{env}");
    assert!(
        env["Message"].as_str().is_some_and(|m| !m.is_empty()),
        "{env}"
    );
    assert!(
        env["RequestId"].as_str().is_some_and(|r| r.len() == 36),
        "{env}"
    );
    assert!(env.get("Data").is_none(), "{env}");
}

#[tokio::test]
async fn unknown_unsupported_and_malformed_requests() {
    let s = start().await;
    let (st, env) = s
        .api("DeleteEverything", json!({"InstanceId": "ccc-demo"}))
        .await;
    assert_error(st, &env, 404, "NotExists.Action");
    assert_eq!(env["Params"], json!(["DeleteEverything"]));

    // Every action the workbench calls is emulated now (501 `NotSupported.Action` is kept for CCC actions
    // added to the wire list before the emulator learns them); the last one to arrive answers normally.
    let (st, env) = s
        .api("GetTurnServerList", json!({"InstanceId": "ccc-demo"}))
        .await;
    assert_eq!((st, &env["Code"]), (200, &json!("OK")), "{env}");

    // Not JSON.
    let resp = s
        .http
        .post(api_url(&s.base, "PollUserStatus"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("request=%7Bnot-json")
        .send()
        .await
        .unwrap();
    let st = resp.status().as_u16();
    let env: Value = resp.json().await.unwrap();
    assert_error(st, &env, 400, "InvalidParameter");
    assert!(env["Message"].as_str().unwrap().contains("not valid JSON"));

    // No request at all.
    let resp = s
        .http
        .post(api_url(&s.base, "PollUserStatus"))
        .send()
        .await
        .unwrap();
    let st = resp.status().as_u16();
    let env: Value = resp.json().await.unwrap();
    assert_error(st, &env, 400, "InvalidParameter");

    // Too large (3 MB): the CCC envelope, as every other refusal.
    let resp = s
        .http
        .post(api_url(&s.base, "PollUserStatus"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("request={}", "x".repeat(3_000_000)))
        .send()
        .await
        .unwrap();
    let st = resp.status().as_u16();
    let env: Value = resp.json().await.unwrap();
    assert_error(st, &env, 413, "RequestTooLarge");

    // Wrong instance; missing instance; missing required field.
    let (st, env) = s
        .api("PollUserStatus", json!({"InstanceId": "other"}))
        .await;
    assert_error(st, &env, 404, "NotExists.InstanceId");
    let (st, env) = s.api("PollUserStatus", json!({})).await;
    assert_error(st, &env, 400, "Parameter.Blank");
    assert_eq!(env["Params"], json!(["InstanceId"]));
    let (st, env) = s.api("MakeCall", json!({"InstanceId": "ccc-demo"})).await;
    assert_error(st, &env, 400, "Parameter.Blank");
    assert_eq!(env["Params"], json!(["Callee"]));
}

#[tokio::test]
async fn success_envelope_and_unique_request_ids() {
    let s = start().await;
    let (st, a) = s
        .api("PollUserStatus", json!({"InstanceId": "ccc-demo"}))
        .await;
    let (_, b) = s
        .api("PollUserStatus", json!({"InstanceId": "ccc-demo"}))
        .await;
    assert_eq!(st, 200);
    assert_eq!(
        (a["Code"].as_str(), a["HttpStatusCode"].as_u64()),
        (Some("OK"), Some(200))
    );
    assert_ne!(a["RequestId"], b["RequestId"]);
    assert_eq!(a["Data"]["UserContext"]["UserState"], "OFFLINE");
    assert_eq!(
        a["Params"],
        json!([]),
        "a success has no message parameters"
    );
}

#[tokio::test]
async fn each_answer_has_the_top_level_keys_of_its_official_model() {
    let s = start().await;
    let base = ["Code", "HttpStatusCode", "Message", "RequestId"];
    let top = |env: &Value| -> Vec<String> {
        let mut k = keys(env);
        k.retain(|k| !base.contains(&k.as_str()));
        k
    };
    let (_, env) = s
        .api_as(A1, "GetLoginDetails", json!({"InstanceId": "ccc-demo"}))
        .await;
    assert_eq!(top(&env), ["Data", "Params"]);
    // The list and report models have no Params; ListAgentStates has Success.
    let page = json!({"InstanceId": "ccc-demo", "PageNumber": 1, "PageSize": 10});
    let (_, env) = s.api_as(A1, "ListSkillLevelsOfUser", page.clone()).await;
    assert_eq!(top(&env), ["Data"]);
    let (_, env) = s.api_as(SUP, "ListAgentStates", page).await;
    assert_eq!(top(&env), ["Data", "Success"]);
    assert_eq!(env["Success"], true);

    // The uploads answer without Data; the emulator keeps what was uploaded.
    let (st, env) = s
        .api_as(
            A1,
            "SaveTerminalLog",
            json!({"InstanceId": "ccc-demo", "Content": "register ok", "DataType": 1}),
        )
        .await;
    assert_eq!(st, 200, "{env}");
    assert_eq!(top(&env), ["Success", "TimeStamp"]);
    assert_eq!(env["Success"], true);
    let (_, env) = s
        .api_as(
            A1,
            "SaveWebRtcInfo",
            json!({"InstanceId": "ccc-demo", "CallId": "c1", "Content": "{\"rtt\":1}", "ContentType": "4"}),
        )
        .await;
    assert_eq!(top(&env), ["RowCount", "Success", "TimeStamp"]);
    assert_eq!(
        (env["RowCount"].as_u64(), env["Success"].as_bool()),
        (Some(1), Some(true))
    );
    let (st, uploads) = s.get_json("/emulator/v1/uploads").await;
    assert_eq!(st, 200);
    let uploads = uploads.as_array().unwrap();
    assert_eq!(uploads.len(), 2, "{uploads:?}");
    assert_eq!(
        (
            uploads[0]["action"].as_str(),
            uploads[0]["params"]["Content"].as_str()
        ),
        (Some("SaveTerminalLog"), Some("register ok"))
    );
    assert_eq!(
        (uploads[1]["action"].as_str(), uploads[1]["userId"].as_str()),
        (Some("SaveWebRtcInfo"), Some(A1))
    );
    assert_eq!(uploads[1]["atMs"], env["TimeStamp"]);
}

#[tokio::test]
async fn lower_camel_and_pascal_keys_are_both_accepted() {
    let s = start().await;
    let (st, env) = s
        .api(
            "SignInGroup",
            json!({"instanceId": "ccc-demo", "userId": A2, "deviceId": "d",
            "signedSkillGroupIdList": "[\"support@ccc-demo\"]"}),
        )
        .await;
    assert_eq!(st, 200, "{env}");
    assert_eq!(env["Data"]["UserState"], "BREAK");
    assert_eq!(
        env["Data"]["SignedSkillGroupIdList"],
        json!(["support@ccc-demo"])
    );
    let (st, env) = s
        .api(
            "ReadyForService",
            json!({"InstanceId": "ccc-demo", "UserId": A2}),
        )
        .await;
    assert_eq!(
        (st, env["Data"]["UserState"].as_str()),
        (200, Some("READY"))
    );
    // Numbers and booleans sent as strings (2021-docs style) are read too.
    let (st, env) = s
        .api(
            "ListSkillLevelsOfUser",
            json!({"instanceId": "ccc-demo", "userId": A2, "pageNumber": "1", "pageSize": "1"}),
        )
        .await;
    assert_eq!(st, 200, "{env}");
    assert_eq!(
        (
            env["Data"]["TotalCount"].as_u64(),
            env["Data"]["List"].as_array().map(Vec::len)
        ),
        (Some(2), Some(1))
    );
}

#[tokio::test]
async fn get_with_request_in_the_query() {
    let s = start().await;
    let request = serde_urlencoded::to_string([(
        "request",
        json!({"instanceId": "ccc-demo", "userId": A3}).to_string(),
    )])
    .unwrap();
    let url = format!("{}&{request}", api_url(&s.base, "GetLoginDetails"));
    let resp = s.http.get(url).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let env: Value = resp.json().await.unwrap();
    assert_eq!(env["Data"]["UserId"], A3);
    assert_eq!(env["Data"]["Extension"], "8003");
}

#[tokio::test]
async fn identity_from_header_cookie_and_default() {
    let s = start().await;
    let who = |env: &Value| env["Data"]["UserId"].as_str().unwrap().to_owned();
    let params = json!({"InstanceId": "ccc-demo"});

    let (_, env) = s.api("GetLoginDetails", params.clone()).await;
    assert_eq!(who(&env), A1, "default: the first agent");

    let (_, env) = s.api_as(A2, "GetLoginDetails", params.clone()).await;
    assert_eq!(who(&env), A2, "X-CCC-User header");

    let body = serde_urlencoded::to_string([("request", params.to_string())]).unwrap();
    let resp = s
        .http
        .post(api_url(&s.base, "GetLoginDetails"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", "theme=dark; ccc_user=agent3%40ccc-demo")
        .body(body)
        .send()
        .await
        .unwrap();
    let env: Value = resp.json().await.unwrap();
    assert_eq!(who(&env), A3, "ccc_user cookie");

    let (st, env) = s
        .api_as("ghost@ccc-demo", "GetLoginDetails", params.clone())
        .await;
    assert_eq!((st, env["Code"].as_str()), (404, Some("NotExists.UserId")));
    assert_eq!(env["Params"], json!(["ghost@ccc-demo", "ccc-demo"]));
}

#[tokio::test]
async fn login_details_and_lists() {
    let s = start().await;
    let login = s.ok(A1, "GetLoginDetails", json!({})).await;
    let push = login["AgentServerUrl"].as_str().unwrap();
    assert!(
        push.starts_with(&format!("ws://{}/emulator/ws/agent-events?token=", s.addr)),
        "{push}"
    );
    assert_eq!(
        (login["Extension"].as_str(), login["WorkMode"].as_str()),
        (Some("8001"), Some("ON_SITE"))
    );
    assert!(!login["SipServerUrl"].as_str().unwrap().is_empty());
    assert!(login["DisplayName"].as_str().unwrap().contains("Agent 1"));
    assert_eq!(
        login["Nickname"], login["DisplayName"],
        "no nickname configured"
    );
    assert!(login.get("AvatarUrl").is_none(), "no avatar configured");
    assert_eq!(login["DeviceState"], "OFFLINE");

    let skills = s
        .ok(
            A1,
            "ListSkillLevelsOfUser",
            json!({"PageNumber": 1, "PageSize": 10}),
        )
        .await;
    assert_eq!(skills["List"][0]["SkillGroupId"], "sales@ccc-demo");
    assert_eq!(skills["TotalCount"], 1);
    let others = s
        .ok(
            A1,
            "ListSkillLevelsOfUser",
            json!({"PageNumber": 1, "PageSize": 10, "IsMember": false}),
        )
        .await;
    assert_eq!(others["List"][0]["SkillGroupId"], "support@ccc-demo");

    let numbers = s
        .ok(
            A1,
            "ListOutboundNumbersOfUser",
            json!({"PageNumber": 1, "PageSize": 2}),
        )
        .await;
    assert_eq!(numbers["TotalCount"], 3);
    assert_eq!(numbers["List"].as_array().unwrap().len(), 2);
    assert_eq!(numbers["List"][0]["Number"], "02180000001");
    // The emulator connects its numbers' calls itself: their provider, the call center's own.
    assert_eq!(numbers["List"][0]["ProviderType"], "SELF_HOSTED");
    assert_eq!(numbers["List"][0]["Provider"], "CCC Workbench emulator");

    let items = s
        .ok(
            A1,
            "ListConfigItems",
            json!({"ObjectId": "ccc-demo", "ObjectType": "INSTANCE"}),
        )
        .await;
    let names: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["Name"].as_str())
        .collect();
    assert!(names.contains(&"BreakCodes"), "{items}");
}

#[tokio::test]
async fn the_push_url_follows_a_proxy_in_front_and_the_demo_host_path_answers_too() {
    let s = start().await;
    // `trunk serve` (and any reverse proxy) says which host the browser addressed.
    let resp = s
        .http
        .post(api_url(&s.base, "GetLoginDetails"))
        .header("X-CCC-User", A2)
        .header("X-Forwarded-Host", "127.0.0.1:8081")
        .form(&[("request", json!({"InstanceId": "ccc-demo"}).to_string())])
        .send()
        .await
        .unwrap();
    let env: Value = resp.json().await.unwrap();
    let push = env["Data"]["AgentServerUrl"].as_str().unwrap();
    assert!(
        push.starts_with("ws://127.0.0.1:8081/emulator/ws/agent-events?token="),
        "{push}"
    );

    // The seed's example config posts to /aliyun/ccc/api; the demo host page relies on it.
    let url = api_url(&s.base, "GetLoginDetails").replace("/data/api.json", "/aliyun/ccc/api");
    let resp = s
        .http
        .post(url)
        .header("X-CCC-User", A3)
        .form(&[("request", json!({"instanceId": "ccc-demo"}).to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let env: Value = resp.json().await.unwrap();
    assert_eq!(env["Data"]["UserId"], A3);
}
