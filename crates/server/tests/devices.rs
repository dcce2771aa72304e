//! The agent's device (ListDevices, AddAgentDevice, the `Kicked` push, the control API's "another device signed
//! in") and ResetAgentState, over real HTTP and the push WebSocket.

mod common;

use common::*;
use serde_json::{json, Value};

async fn devices(s: &Server, user: &str) -> Vec<Value> {
    s.ok(user, "ListDevices", json!({}))
        .await
        .as_array()
        .unwrap_or_else(|| panic!("ListDevices answers an array"))
        .clone()
}

#[tokio::test]
async fn list_devices_shows_the_signed_in_device_until_sign_out() {
    let s = start().await;
    assert!(devices(&s, A1).await.is_empty(), "nothing registered yet");
    let login = s.ok(A1, "GetLoginDetails", json!({})).await;
    assert_eq!(login["DeviceState"], "OFFLINE");

    s.register(A1).await;
    let listed = devices(&s, A1).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    let d = &listed[0];
    for k in [
        "CallId",
        "Contact",
        "DeviceId",
        "DeviceType",
        "Expires",
        "Extension",
        "InstanceId",
        "UserId",
    ] {
        assert!(keys(d).contains(&k.to_owned()), "{k} missing: {d}");
    }
    assert_eq!(keys(d).len(), 8, "only the official model's keys: {d}");
    assert_eq!(
        (
            d["DeviceId"].as_str(),
            d["Extension"].as_str(),
            d["UserId"].as_str(),
            d["DeviceType"].as_str()
        ),
        (Some("test-device"), Some("8001"), Some(A1), Some("WEBRTC"))
    );
    assert!(d["Expires"].as_i64().unwrap() > 0);
    assert_eq!(
        s.ok(A1, "GetLoginDetails", json!({})).await["DeviceState"],
        "ONLINE"
    );
    assert_eq!(s.agent(A1).await["deviceId"], "test-device");
    assert!(devices(&s, A2).await.is_empty(), "per agent");

    s.ok(A1, "SignOutGroup", json!({})).await;
    assert!(devices(&s, A1).await.is_empty(), "signing out unregisters");
    assert_eq!(
        s.ok(A1, "GetLoginDetails", json!({})).await["DeviceState"],
        "OFFLINE"
    );

    s.expect_err(
        "ghost@ccc-demo",
        "ListDevices",
        json!({}),
        (404, "NotExists.UserId", &["ghost@ccc-demo", "ccc-demo"]),
    )
    .await;
}

#[tokio::test]
async fn add_agent_device_kicks_the_old_device_over_the_push_socket() {
    let s = start().await;
    s.register(A1).await;
    let (mut ws, first) = s.push_socket(A1).await;
    assert_eq!(first["UserContext"]["DeviceId"], "test-device");

    let added = s
        .ok(
            A1,
            "AddAgentDevice",
            json!({"DeviceId": "dev-2", "BrowserVersion": "Chrome 120", "ClientIp": "127.0.0.1"}),
        )
        .await;
    assert_eq!(added["Success"], true);
    assert_eq!(added["DeviceId"], "dev-2");
    assert_eq!(added["KickedDeviceId"], "test-device");
    assert!(added["AgentDeviceId"].as_i64().unwrap() > 0);

    let kicked = next_push(&mut ws).await;
    assert_eq!(kicked, json!({"Type": "Kicked", "DeviceId": "dev-2"}));
    let status = next_push(&mut ws).await;
    assert_eq!(status["Type"], "UserStatus");
    assert_eq!(status["UserContext"]["DeviceId"], "dev-2");
    assert_eq!(
        status["UserContext"]["UserState"], "READY",
        "the state stays"
    );
    assert!(status["ContextId"].as_u64() > first["ContextId"].as_u64());
    let listed = devices(&s, A1).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["DeviceId"], "dev-2");

    // The same device again only renews: no Kicked (the next push is the next state change).
    let again = s
        .ok(A1, "AddAgentDevice", json!({"DeviceId": "dev-2"}))
        .await;
    assert_eq!(again["KickedDeviceId"], "");
    s.ok(A1, "TakeBreak", json!({"Code": "Rest"})).await;
    let next = next_push(&mut ws).await;
    assert_eq!(
        (
            next["Type"].as_str(),
            next["UserContext"]["UserState"].as_str()
        ),
        (Some("UserStatus"), Some("BREAK"))
    );

    // SignInGroup with another DeviceId takes over too (forceToPrepareSignIn's path).
    s.ok(
        A1,
        "SignInGroup",
        json!({"DeviceId": "dev-3", "SignedSkillGroupIdList": "[]"}),
    )
    .await;
    assert_eq!(
        next_push(&mut ws).await,
        json!({"Type": "Kicked", "DeviceId": "dev-3"})
    );
}

#[tokio::test]
async fn a_device_cannot_take_over_during_a_call() {
    let s = start().await;
    s.register(A1).await;
    s.expect_err(
        A1,
        "AddAgentDevice",
        json!({"DeviceId": "  "}),
        (400, "Parameter.Blank", &["DeviceId"]),
    )
    .await;
    s.expect_err(
        A1,
        "AddAgentDevice",
        json!({}),
        (400, "Parameter.Blank", &["DeviceId"]),
    )
    .await;
    let job = s.talking_inbound(A1, "13800000061").await;
    let rule = (
        400,
        "InvalidOperation.UserState",
        &["TALKING", "OFFLINE,BREAK,READY,WORKING"][..],
    );
    s.expect_err(A1, "AddAgentDevice", json!({"DeviceId": "dev-2"}), rule)
        .await;
    s.expect_err(
        A1,
        "SignInGroup",
        json!({"DeviceId": "dev-2", "SignedSkillGroupIdList": "[]"}),
        rule,
    )
    .await;
    assert_eq!(devices(&s, A1).await[0]["DeviceId"], "test-device");
    let same = s
        .ok(A1, "AddAgentDevice", json!({"DeviceId": "test-device"}))
        .await;
    assert_eq!(same["KickedDeviceId"], "");
    assert_eq!(devices(&s, A1).await[0]["DeviceId"], "test-device");

    // After the call the takeover is allowed.
    s.ok(A1, "ReleaseCall", json!({"JobId": job})).await;
    let added = s
        .ok(A1, "AddAgentDevice", json!({"DeviceId": "dev-2"}))
        .await;
    assert_eq!(added["KickedDeviceId"], "test-device");
}

#[tokio::test]
async fn the_control_api_plays_another_device_signing_in() {
    let s = start().await;
    s.register(A1).await;
    let job = s.talking_inbound(A1, "13800000062").await;
    let (mut ws, _) = s.push_socket(A1).await;

    let (st, body) = s
        .post_json(
            &format!("/emulator/v1/agents/{A1}/device"),
            json!({"deviceId": "desk-phone", "deviceType": "SIP_PHONE"}),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(
        body,
        json!({"userId": A1, "deviceId": "desk-phone", "kickedDeviceId": "test-device"})
    );
    assert_eq!(
        next_push(&mut ws).await,
        json!({"Type": "Kicked", "DeviceId": "desk-phone"})
    );
    let status = next_push(&mut ws).await;
    assert_eq!(status["UserContext"]["DeviceId"], "desk-phone");
    assert_eq!(
        status["UserContext"]["UserState"], "TALKING",
        "forced, even in a call"
    );
    assert_eq!(status["CallContext"]["JobId"], job);
    let listed = devices(&s, A1).await;
    assert_eq!(listed[0]["DeviceType"], "SIP_PHONE");
    assert_eq!(s.agent(A1).await["deviceId"], "desk-phone");

    // Errors.
    let (st, body) = s
        .post_json(
            "/emulator/v1/agents/ghost@ccc-demo/device",
            json!({"deviceId": "x"}),
        )
        .await;
    assert_eq!(st, 404, "{body}");
    let (st, _) = s
        .post_json(
            &format!("/emulator/v1/agents/{A1}/device"),
            json!({"deviceId": ""}),
        )
        .await;
    assert_eq!(st, 400);
    let (st, body) = s
        .post_json(
            &format!("/emulator/v1/agents/{A1}/device"),
            json!({"device": "x"}),
        )
        .await;
    assert_eq!(st, 400);
    assert!(body["error"]
        .as_str()
        .unwrap()
        .contains("invalid JSON body"));
}

#[tokio::test]
async fn reset_agent_state_forces_an_agent_offline() {
    let s = start().await;
    s.register(A1).await;
    let job = s.talking_inbound(A1, "13800000063").await;
    s.register(A2).await;

    // An agent may not reset another one.
    let (st, env) = s
        .api_as(
            A2,
            "ResetAgentState",
            json!({"InstanceId": "ccc-demo", "UserId": A1}),
        )
        .await;
    assert_eq!(
        (st, env["Code"].as_str(), env["Params"].clone()),
        (403, Some("Permission.User"), json!(["ResetAgentState"])),
        "{env}"
    );
    assert_eq!(s.agent(A1).await["state"], "TALKING");

    // A supervisor may: the agent leaves its call, its groups and device, → OFFLINE.
    let (st, env) = s
        .api_as(
            SUP,
            "ResetAgentState",
            json!({"InstanceId": "ccc-demo", "UserId": A1}),
        )
        .await;
    assert_eq!((st, env["Code"].as_str()), (200, Some("OK")), "{env}");
    let data = &env["Data"];
    assert_eq!(data["UserId"], A1, "the flat UserContext");
    assert_eq!(data["UserState"], "OFFLINE");
    assert_eq!(data["JobId"], "");
    assert_eq!(data["SignedSkillGroupIdList"], json!([]));
    assert_eq!(data["DeviceState"], "OFFLINE", "the device is dropped");
    assert!(data.get("ContextId").is_none(), "{data}");
    let poll = s.ok(A1, "PollUserStatus", json!({})).await;
    assert!(poll["ContextId"].as_u64().unwrap() > 0);
    assert!(poll.get("CallContext").is_none(), "{poll}");
    assert_eq!(status_of(A1, &poll), 1);
    assert_eq!(
        s.call_view(&job).await,
        Value::Null,
        "the two-party call ended"
    );
    assert!(devices(&s, A1).await.is_empty());

    // Anyone may reset themselves (no caller header: the UserId itself).
    let me = s.ok(A2, "ResetAgentState", json!({})).await;
    assert_eq!(me["UserState"], "OFFLINE");
    s.expect_err(
        A1,
        "ReadyForService",
        json!({}),
        (
            400,
            "InvalidOperation.UserState",
            &["OFFLINE", "BREAK,READY,WORKING"],
        ),
    )
    .await;
}

#[tokio::test]
async fn every_action_is_emulated() {
    let s = start().await;
    for action in ccc_wire::Action::ALL {
        let (st, env) = s
            .api(
                action.as_str(),
                json!({"InstanceId": "ccc-demo", "UserId": A1}),
            )
            .await;
        assert_ne!(st, 501, "{}: {env}", action.as_str());
    }
}
