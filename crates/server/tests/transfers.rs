//! Blind and attended transfers over real HTTP: both agents' states and derived statuses after each step.
//! The transfer that times out runs on held virtual time and checks the ring timeout's exact boundary.

mod common;

use common::virtual_time::{ms, HeldClock};
use common::*;
use serde_json::{json, Value};

/// A1 talks with customer `caller` (A1 registered first, so it gets the call); `others` are READY afterwards.
async fn a1_talking_with(s: &Server, caller: &str, others: &[&str]) -> String {
    s.register(A1).await;
    let job = s.talking_inbound(A1, caller).await;
    for o in others {
        s.register(o).await;
    }
    job
}

async fn poll(s: &Server, user: &str) -> Value {
    s.ok(user, "PollUserStatus", json!({})).await
}

#[tokio::test]
async fn blind_transfer_to_an_extension_rings_the_agent_and_releases_the_transferor() {
    let s = start().await;
    let job = a1_talking_with(&s, "13800000001", &[A2]).await;
    let done = s
        .ok(
            A1,
            "BlindTransfer",
            json!({"JobId": job, "Transferee": "8002"}),
        )
        .await;
    assert_eq!(done["UserContext"]["UserState"], "WORKING");
    assert_eq!(leg_of(&done, A1)["ChannelState"], "RELEASED");
    assert_eq!(status_of(A1, &done), 5, "after-call work");

    let ringing = poll(&s, A2).await;
    assert_eq!(ringing["UserContext"]["UserState"], "RINGING");
    assert_eq!(ringing["UserContext"]["JobId"], job);
    assert_eq!(ringing["CallContext"]["CallType"], "INBOUND");
    assert_eq!(leg_of(&ringing, A2)["ChannelState"], "RINGING");
    assert_eq!(leg_of(&ringing, A2)["CallType"], "INBOUND");
    assert_eq!(customer_legs(&ringing)[0]["ChannelState"], "ANSWERED");
    assert_eq!(customer_legs(&ringing)[0]["Originator"], "13800000001");
    assert!(
        ringing["CallContext"]["ChannelContexts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["UserId"] != A1),
        "the transferor left the call"
    );
    assert_eq!(s.status_code(A2).await, 6);

    let talk = s.ok(A2, "AnswerCall", json!({"JobId": job})).await;
    assert_eq!(talk["UserContext"]["UserState"], "TALKING");
    assert_eq!(status_of(A2, &talk), 9);
    // A1's wrap-up still shows the call as it left it.
    assert_eq!(s.agent(A1).await["state"], "WORKING");
    assert_eq!(leg_of(&poll(&s, A1).await, A1)["ChannelState"], "RELEASED");

    s.send_json(
        reqwest::Method::POST,
        &format!("/emulator/v1/calls/{job}/hangup"),
        json!({}),
    )
    .await;
    assert_eq!(s.agent(A2).await["state"], "WORKING");
    let cdr = s
        .ok(
            A1,
            "ListRecentCallDetailRecords",
            json!({"PageNumber": 1, "PageSize": 10}),
        )
        .await;
    assert_eq!(cdr["List"][0]["ContactDisposition"], "OneStepTransfer");
    assert_eq!(cdr["List"][0]["AgentIds"], format!("{A1},{A2}"));
}

#[tokio::test]
async fn blind_transfer_by_user_id_to_a_busy_or_unknown_agent_fails() {
    let s = start().await;
    let job = a1_talking_with(&s, "13800000002", &[]).await;
    s.expect_err(
        A1,
        "BlindTransfer",
        json!({"JobId": job, "Transferee": A2, "TransfereeType": "AGENT"}),
        (400, "UserBusy", &[A2]),
    )
    .await;
    s.expect_err(
        A1,
        "BlindTransfer",
        json!({"JobId": job, "Transferee": "ghost@ccc-demo", "TransfereeType": "AGENT"}),
        (404, "NotExists.UserId", &["ghost@ccc-demo", "ccc-demo"]),
    )
    .await;
    s.expect_err(
        A1,
        "BlindTransfer",
        json!({"JobId": job, "Transferee": "8001"}),
        (
            400,
            "Parameter.Invalid",
            &["Transferee", "An agent cannot transfer a call to itself"],
        ),
    )
    .await;
    s.expect_err(
        A1,
        "BlindTransfer",
        json!({"JobId": job}),
        (400, "Parameter.Blank", &["Transferee"]),
    )
    .await;
    assert_eq!(s.agent(A1).await["state"], "TALKING", "nothing changed");

    s.register(A2).await;
    s.ok(
        A1,
        "BlindTransfer",
        json!({"JobId": job, "Transferee": A2, "TransfereeType": "AGENT"}),
    )
    .await;
    assert_eq!(s.agent(A2).await["state"], "RINGING");
}

#[tokio::test]
async fn blind_transfer_needs_a_talking_agent() {
    let s = start().await;
    s.register(A1).await;
    s.register(A2).await;
    let (_, body) = s.inbound(json!({"caller": "138"})).await;
    let job = body["jobId"].as_str().unwrap().to_owned();
    s.expect_err(
        A1,
        "BlindTransfer",
        json!({"JobId": job, "Transferee": "8002"}),
        (400, "InvalidOperation.UserState", &["RINGING", "TALKING"]),
    )
    .await;
}

#[tokio::test]
async fn blind_transfer_to_a_skill_group_rings_a_ready_member_or_fails() {
    let s = start().await;
    let job = a1_talking_with(&s, "13800000003", &[]).await;
    s.expect_err(
        A1,
        "BlindTransfer",
        json!({"JobId": job, "Transferee": "support@ccc-demo"}),
        (
            400,
            "InvalidOperation.NoAvailableAgent",
            &["support@ccc-demo"],
        ),
    )
    .await;
    s.expect_err(
        A1,
        "BlindTransfer",
        json!({"JobId": job, "Transferee": "nope@ccc-demo", "TransfereeType": "SKILL_GROUP"}),
        (
            404,
            "NotExists.SkillGroupId",
            &["nope@ccc-demo", "ccc-demo"],
        ),
    )
    .await;
    s.register(A3).await;
    let done = s
        .ok(
            A1,
            "BlindTransfer",
            json!({"JobId": job, "Transferee": "support@ccc-demo", "TransfereeType": "SKILL_GROUP"}),
        )
        .await;
    assert_eq!(done["UserContext"]["UserState"], "WORKING");
    let ringing = poll(&s, A3).await;
    assert_eq!(ringing["UserContext"]["UserState"], "RINGING");
    assert_eq!(ringing["CallContext"]["JobId"], job);
    assert_eq!(leg_of(&ringing, A3)["SkillGroupId"], "support@ccc-demo");
}

#[tokio::test]
async fn blind_transfer_to_an_external_number_connects_the_customer() {
    let s = start().await;
    let job = a1_talking_with(&s, "13800000004", &[]).await;
    let done = s
        .ok(
            A1,
            "BlindTransfer",
            json!({"JobId": job, "Transferee": "02112345678", "Transferor": "01080000002"}),
        )
        .await;
    assert_eq!(done["UserContext"]["UserState"], "WORKING");
    let state = s.state().await;
    let call = &state["calls"][0];
    assert_eq!(call["jobId"], job);
    let channels = call["channels"].as_array().unwrap();
    assert_eq!(channels.len(), 2, "{call}");
    assert!(channels
        .iter()
        .all(|c| c["userId"].is_null() && c["state"] == "ANSWERED"));
    assert_eq!(channels[1]["destination"], "02112345678");
    assert_eq!(channels[1]["originator"], "01080000002");
    let (st, _) = s
        .send_json(
            reqwest::Method::POST,
            &format!("/emulator/v1/calls/{job}/hangup"),
            json!({}),
        )
        .await;
    assert_eq!(st, 200);
    assert_eq!(s.state().await["calls"], json!([]));
    assert_eq!(s.agent(A1).await["state"], "WORKING");
}

#[tokio::test]
async fn attended_transfer_consults_then_completes() {
    let s = start().await;
    let job = a1_talking_with(&s, "13800000005", &[A2]).await;
    let init = s
        .ok(
            A1,
            "InitiateAttendedTransfer",
            json!({"JobId": job, "Transferee": "8002"}),
        )
        .await;
    assert_eq!(init["UserContext"]["UserState"], "TALKING");
    assert_eq!(leg_of(&init, A2)["CallType"], "CONSULTANT");
    assert_eq!(leg_of(&init, A2)["ChannelState"], "RINGING");
    assert_eq!(customer_legs(&init)[0]["ChannelFlags"], "HOLD");
    assert_eq!(status_of(A1, &init), 16, "consultation initiated");
    assert_eq!(s.status_code(A2).await, 6, "the consulted agent rings");

    s.expect_err(
        A1,
        "CompleteAttendedTransfer",
        json!({"JobId": job}),
        (
            400,
            "InvalidOperation.ChannelState",
            &["RINGING", "ANSWERED"],
        ),
    )
    .await;
    s.expect_err(
        A1,
        "HoldCall",
        json!({"JobId": job}),
        (
            400,
            "InvalidOperation.ChannelState",
            &["RINGING", "RELEASED"],
        ),
    )
    .await;

    let answered = s.ok(A2, "AnswerCall", json!({"JobId": job})).await;
    assert_eq!(answered["UserContext"]["UserState"], "TALKING");
    assert_eq!(status_of(A2, &answered), 20, "consulted");
    assert_eq!(s.status_code(A1).await, 17, "consulting");
    assert_eq!(customer_legs(&answered)[0]["ChannelFlags"], "HOLD");

    let done = s
        .ok(A1, "CompleteAttendedTransfer", json!({"JobId": job}))
        .await;
    assert_eq!(done["UserContext"]["UserState"], "WORKING");
    assert_eq!(status_of(A1, &done), 5);
    let b = poll(&s, A2).await;
    assert_eq!(b["UserContext"]["UserState"], "TALKING");
    assert_eq!(leg_of(&b, A2)["CallType"], "INBOUND");
    assert_eq!(customer_legs(&b)[0]["ChannelFlags"], "");
    assert_eq!(
        b["CallContext"]["ChannelContexts"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(status_of(A2, &b), 9, "the customer now talks to agent 2");
}

#[tokio::test]
async fn attended_transfer_cancel_returns_to_the_customer() {
    let s = start().await;
    let job = a1_talking_with(&s, "13800000006", &[A2, A3]).await;
    s.expect_err(
        A1,
        "CancelAttendedTransfer",
        json!({"JobId": job}),
        (
            400,
            "InvalidOperation.ChannelState",
            &["NONE", "RINGING,ANSWERED"],
        ),
    )
    .await;

    // Cancelled while ringing: the consulted agent is READY again.
    s.ok(
        A1,
        "InitiateAttendedTransfer",
        json!({"JobId": job, "Transferee": A2}),
    )
    .await;
    let back = s
        .ok(A1, "CancelAttendedTransfer", json!({"JobId": job}))
        .await;
    assert_eq!(status_of(A1, &back), 9);
    assert_eq!(customer_legs(&back)[0]["ChannelFlags"], "");
    assert_eq!(s.agent(A2).await["state"], "READY");

    // Cancelled after answering: the consulted agent goes to after-call work.
    s.ok(
        A1,
        "InitiateAttendedTransfer",
        json!({"JobId": job, "Transferee": "8003"}),
    )
    .await;
    s.expect_err(
        A3,
        "CancelAttendedTransfer",
        json!({"JobId": job}),
        (400, "InvalidOperation.UserState", &["RINGING", "TALKING"]),
    )
    .await;
    s.ok(A3, "AnswerCall", json!({"JobId": job})).await;
    assert_eq!(s.status_code(A1).await, 17);
    let back = s
        .ok(A1, "CancelAttendedTransfer", json!({"JobId": job}))
        .await;
    assert_eq!(back["UserContext"]["UserState"], "TALKING");
    assert_eq!(status_of(A1, &back), 9);
    assert_eq!(
        back["CallContext"]["ChannelContexts"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let c = poll(&s, A3).await;
    assert_eq!(c["UserContext"]["UserState"], "WORKING");
    assert_eq!(leg_of(&c, A3)["ChannelState"], "RELEASED");
}

#[tokio::test]
async fn the_consulted_agent_rejecting_or_the_consultant_hanging_up() {
    let s = start().await;
    let job = a1_talking_with(&s, "13800000007", &[A2]).await;
    s.ok(
        A1,
        "InitiateAttendedTransfer",
        json!({"JobId": job, "Transferee": "8002"}),
    )
    .await;
    s.ok(A2, "ReleaseCall", json!({"JobId": job})).await;
    let b = s.agent(A2).await;
    assert_eq!(
        (b["state"].as_str(), b["breakCode"].as_str()),
        (Some("BREAK"), Some("RejectCall"))
    );
    assert_eq!(s.status_code(A1).await, 9, "back with the customer");

    // The consulting agent hangs up during an answered consultation: the transfer completes.
    s.ok(A2, "ReadyForService", json!({})).await;
    s.ok(
        A1,
        "InitiateAttendedTransfer",
        json!({"JobId": job, "Transferee": "8002"}),
    )
    .await;
    s.ok(A2, "AnswerCall", json!({"JobId": job})).await;
    let gone = s.ok(A1, "ReleaseCall", json!({"JobId": job})).await;
    assert_eq!(gone["UserContext"]["UserState"], "WORKING");
    let b = poll(&s, A2).await;
    assert_eq!(status_of(A2, &b), 9);
    assert_eq!(customer_legs(&b)[0]["ChannelState"], "ANSWERED");
}

#[tokio::test]
async fn attended_transfer_to_an_external_number() {
    let s = start().await;
    let job = a1_talking_with(&s, "13800000008", &[]).await;
    let init = s
        .ok(
            A1,
            "InitiateAttendedTransfer",
            json!({"JobId": job, "Transferee": "057112345678", "TransfereeType": "EXTERNAL_NUMBER"}),
        )
        .await;
    let legs = customer_legs(&init);
    assert_eq!(legs.len(), 2);
    assert_eq!(legs[1]["CallType"], "CONSULTANT");
    assert_eq!(legs[1]["ChannelState"], "ANSWERED");
    assert_eq!(status_of(A1, &init), 17);
    let done = s
        .ok(A1, "CompleteAttendedTransfer", json!({"JobId": job}))
        .await;
    assert_eq!(done["UserContext"]["UserState"], "WORKING");
    let call = &s.state().await["calls"][0];
    assert_eq!(call["channels"].as_array().unwrap().len(), 2);
    assert_eq!(call["channels"][1]["callType"], "INBOUND");
}

#[tokio::test(start_paused = true)]
async fn unanswered_transfers_time_out_after_timeout_seconds() {
    let clock = HeldClock::hold();
    let s = start().await;
    let job = a1_talking_with(&s, "13800000009", &[A2, A3]).await;
    let armed = clock.now();
    s.ok(
        A1,
        "InitiateAttendedTransfer",
        json!({"JobId": job, "Transferee": "8002", "TimeoutSeconds": "1"}),
    )
    .await;
    clock
        .assert_fires_at(
            "the consulted agent's ring timed out (A2 BREAK)",
            armed,
            ms(1000),
            async || s.agent(A2).await["state"] == "BREAK",
        )
        .await;
    let b = s.agent(A2).await;
    assert_eq!(b["breakCode"], "RingingTimeout");
    let a = poll(&s, A1).await;
    assert_eq!(status_of(A1, &a), 9, "back with the customer");
    assert_eq!(customer_legs(&a)[0]["ChannelFlags"], "");

    let armed = clock.now();
    s.ok(
        A1,
        "BlindTransfer",
        json!({"JobId": job, "Transferee": "8003", "TimeoutSeconds": 1}),
    )
    .await;
    clock
        .assert_fires_at(
            "the transferee's ring timed out (A3 BREAK)",
            armed,
            ms(1000),
            async || s.agent(A3).await["state"] == "BREAK",
        )
        .await;
    let c = s.agent(A3).await;
    assert_eq!(c["breakCode"], "RingingTimeout");
    assert_eq!(
        s.state().await["calls"],
        json!([]),
        "nobody took the customer"
    );
}
