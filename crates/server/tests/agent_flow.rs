//! Agent-only actions: the register path, ready/break/sign-out rules and their errors.

mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn register_path_ends_ready() {
    let s = start().await;
    s.ok(A1, "GetLoginDetails", json!({})).await;
    let signed = s
        .ok(
            A1,
            "SignInGroup",
            json!({"DeviceId": "dev-1", "SignedSkillGroupIdList": "[\"sales@ccc-demo\"]"}),
        )
        .await;
    assert_eq!(
        (signed["UserState"].as_str(), signed["BreakCode"].as_str()),
        (Some("BREAK"), Some("Warm-up"))
    );
    assert_eq!(signed["DeviceId"], "dev-1");
    assert_eq!(
        signed["DeviceState"], "ONLINE",
        "SignInGroup registered dev-1"
    );
    assert!(
        signed.get("ContextId").is_none(),
        "the flat UserContext has no ContextId: {signed}"
    );
    let first_id = s.ok(A1, "PollUserStatus", json!({})).await["ContextId"]
        .as_u64()
        .unwrap();
    let ready = s.ok(A1, "ReadyForService", json!({})).await;
    assert_eq!(ready["UserState"], "READY");
    let poll = s.ok(A1, "PollUserStatus", json!({})).await;
    assert_eq!(poll["UserContext"]["UserState"], "READY");
    assert_eq!(
        poll["UserContext"]["SignedSkillGroupIdList"],
        json!(["sales@ccc-demo"])
    );
    assert!(
        poll["ContextId"].as_u64().unwrap() > first_id,
        "ContextId grows"
    );
    assert_eq!(poll["UserContext"]["Heartbeat"], ready["Heartbeat"]);
    assert!(poll.get("CallContext").is_none());
    assert_eq!(s.agent(A1).await["state"], "READY");
}

#[tokio::test]
async fn ready_while_offline_is_invalid_operation_with_params() {
    let s = start().await;
    let (st, env) = s
        .api(
            "ReadyForService",
            json!({"InstanceId": "ccc-demo", "UserId": A1}),
        )
        .await;
    assert_eq!(st, 400);
    assert_eq!(env["Code"], "InvalidOperation.UserState");
    assert_eq!(env["HttpStatusCode"], 400);
    assert_eq!(env["Params"], json!(["OFFLINE", "BREAK,READY,WORKING"]));
    assert_eq!(
        env["Message"],
        "The operation is not allowed. User state (OFFLINE) does not meet expectations (BREAK,READY,WORKING)."
    );
}

#[tokio::test]
async fn break_outbound_scenario_and_sign_out() {
    let s = start().await;
    s.register(A1).await;
    let (st, env) = s
        .api("TakeBreak", json!({"InstanceId": "ccc-demo", "UserId": A1}))
        .await;
    assert_eq!((st, env["Code"].as_str()), (400, Some("Parameter.Blank")));
    let b = s.ok(A1, "TakeBreak", json!({"Code": "Meal"})).await;
    assert_eq!(
        (b["UserState"].as_str(), b["BreakCode"].as_str()),
        (Some("BREAK"), Some("Meal"))
    );
    let r = s
        .ok(A1, "ReadyForService", json!({"OutboundScenario": true}))
        .await;
    assert_eq!(
        (r["UserState"].as_str(), r["OutboundScenario"].as_bool()),
        (Some("READY"), Some(true))
    );
    let out = s.ok(A1, "SignOutGroup", json!({})).await;
    assert_eq!(out["UserState"], "OFFLINE");
    assert_eq!(out["SignedSkillGroupIdList"], json!([]));
    let (st, env) = s
        .api(
            "TakeBreak",
            json!({"InstanceId": "ccc-demo", "UserId": A1, "Code": "x"}),
        )
        .await;
    assert_eq!((st, env["Params"][0].as_str()), (400, Some("OFFLINE")));
}

#[tokio::test]
async fn sign_in_rejects_foreign_and_unknown_groups() {
    let s = start().await;
    let (st, env) = s
        .api(
            "SignInGroup",
            json!({"InstanceId": "ccc-demo", "UserId": A1, "DeviceId": "d",
            "SignedSkillGroupIdList": "[\"nope@ccc-demo\"]"}),
        )
        .await;
    assert_eq!(
        (st, env["Code"].as_str()),
        (404, Some("NotExists.SkillGroupId"))
    );
    let (st, env) = s
        .api(
            "SignInGroup",
            json!({"InstanceId": "ccc-demo", "UserId": A1, "DeviceId": "d",
            "SignedSkillGroupIdList": "not a list"}),
        )
        .await;
    assert_eq!((st, env["Code"].as_str()), (400, Some("Parameter.Invalid")));
    assert_eq!(s.agent(A1).await["state"], "OFFLINE");
}
