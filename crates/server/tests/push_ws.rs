//! The agent-state WebSocket announced by GetLoginDetails.

mod common;

use std::time::Duration;

use common::*;
use futures_util::StreamExt;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn next_json(ws: &mut Ws) -> Value {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("a push within 5 s");
        match msg.expect("socket open").expect("no error") {
            Message::Text(t) => return serde_json::from_str(t.as_str()).unwrap(),
            Message::Close(f) => panic!("closed: {f:?}"),
            _ => continue,
        }
    }
}

#[tokio::test]
async fn pushes_the_current_state_then_every_change() {
    let s = start().await;
    let login = s.ok(A1, "GetLoginDetails", json!({})).await;
    let url = login["AgentServerUrl"].as_str().unwrap();
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();

    let first = next_json(&mut ws).await;
    assert_eq!(first["Type"], "UserStatus");
    assert_eq!(first["UserContext"]["UserId"], A1);
    assert_eq!(first["UserContext"]["UserState"], "OFFLINE");

    s.ok(
        A1,
        "SignInGroup",
        json!({"DeviceId": "d", "SignedSkillGroupIdList": "[]"}),
    )
    .await;
    let signed = next_json(&mut ws).await;
    assert_eq!(
        (
            signed["UserContext"]["UserState"].as_str(),
            signed["UserContext"]["BreakCode"].as_str()
        ),
        (Some("BREAK"), Some("Warm-up"))
    );
    let ready = s.ok(A1, "ReadyForService", json!({})).await;
    let pushed = next_json(&mut ws).await;
    assert_eq!(pushed["UserContext"]["UserState"], "READY");
    assert_eq!(pushed["UserContext"]["Heartbeat"], ready["Heartbeat"]);
    // The push carries the snapshot's ContextId (the flat answer has none); PollUserStatus agrees.
    let poll = s.ok(A1, "PollUserStatus", json!({})).await;
    assert_eq!(pushed["ContextId"], poll["ContextId"]);
    assert!(pushed["ContextId"].as_u64() > signed["ContextId"].as_u64());

    // A call pushes RINGING with its CallContext; another agent's changes are not pushed here.
    s.register(A2).await;
    s.inbound(json!({"caller": "138", "skillGroupId": "sales@ccc-demo"}))
        .await;
    let ringing = next_json(&mut ws).await;
    assert_eq!(ringing["UserContext"]["UserId"], A1);
    assert_eq!(ringing["UserContext"]["UserState"], "RINGING");
    assert_eq!(ringing["CallContext"]["CallType"], "INBOUND");
}

#[tokio::test]
async fn unknown_token_is_closed_with_a_reason() {
    let s = start().await;
    let url = format!("ws://{}/emulator/ws/agent-events?token=bogus", s.addr);
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let msg = tokio::time::timeout(Duration::from_secs(5), ws.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let Message::Close(Some(frame)) = msg else {
        panic!("expected a close frame, got {msg:?}")
    };
    assert_eq!(u16::from(frame.code), 4401);
    assert!(frame.reason.contains("unknown token"));
}

/// Reads pushes until one satisfies `pred`; returns it.
async fn push_where(ws: &mut Ws, pred: impl Fn(&Value) -> bool) -> Value {
    loop {
        let v = next_json(ws).await;
        if pred(&v) {
            return v;
        }
    }
}

#[tokio::test]
async fn transfers_and_holds_push_to_every_agent_of_the_call() {
    let s = start().await;
    s.register(A1).await;
    let job = s.talking_inbound(A1, "13800000031").await;
    s.register(A2).await;
    let login = s.ok(A2, "GetLoginDetails", json!({})).await;
    let url = login["AgentServerUrl"].as_str().unwrap();
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let first = next_json(&mut ws).await;
    assert_eq!(first["UserContext"]["UserState"], "READY");

    s.ok(
        A1,
        "InitiateAttendedTransfer",
        json!({"JobId": job, "Transferee": "8002"}),
    )
    .await;
    let ringing = next_json(&mut ws).await;
    assert_eq!(ringing["UserContext"]["UserState"], "RINGING");
    assert_eq!(status_of(A2, &ringing), 6);
    s.ok(A2, "AnswerCall", json!({"JobId": job})).await;
    let consulted = push_where(&mut ws, |v| v["UserContext"]["UserState"] == "TALKING").await;
    assert_eq!(status_of(A2, &consulted), 20);

    // Completing changes only the call (agent 2 stays TALKING): still pushed, with a newer ContextId.
    s.ok(A1, "CompleteAttendedTransfer", json!({"JobId": job}))
        .await;
    let owner = push_where(&mut ws, |v| status_of(A2, v) == 9).await;
    assert!(owner["ContextId"].as_u64() > consulted["ContextId"].as_u64());

    s.ok(A2, "HoldCall", json!({"JobId": job})).await;
    let held = push_where(&mut ws, |v| status_of(A2, v) == 12).await;
    assert_eq!(leg_of(&held, A2)["ChannelFlags"], "HOLD");
}
