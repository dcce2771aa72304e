//! Hold / retrieve, mute / unmute and DTMF over real HTTP: the snapshots, the status the browser's reducer
//! derives from them, and the state-rule errors. The DTMF test waits for the far end to answer (an emulator
//! timer) on held virtual time, at its exact deadline.

mod common;

use common::virtual_time::{ms, HeldClock};
use common::*;
use serde_json::json;

#[tokio::test]
async fn hold_and_retrieve_flag_both_legs_and_derive_status_12() {
    let s = start().await;
    s.register(A1).await;
    let job = s.talking_inbound(A1, "13800000001").await;
    assert_eq!(s.status_code(A1).await, 9, "inbound talk");
    let poll = s.ok(A1, "PollUserStatus", json!({})).await;
    let customer = customer_legs(&poll)[0]["ChannelId"].clone();

    let held = s
        .ok(A1, "HoldCall", json!({"JobId": job, "ChannelId": customer}))
        .await;
    assert_eq!(held["UserContext"]["UserState"], "TALKING");
    assert_eq!(leg_of(&held, A1)["ChannelFlags"], "HOLD");
    assert_eq!(customer_legs(&held)[0]["ChannelFlags"], "HOLD");
    assert_eq!(
        customer_legs(&held)[0]["ChannelState"],
        "ANSWERED",
        "the customer stays"
    );
    assert!(held["ContextId"].as_u64().unwrap() > poll["ContextId"].as_u64().unwrap());
    assert_eq!(status_of(A1, &held), 12);
    assert_eq!(s.status_code(A1).await, 12);

    s.expect_err(
        A1,
        "HoldCall",
        json!({"JobId": job, "ChannelId": customer}),
        (400, "InvalidOperation.ChannelState", &["HOLD", "ANSWERED"]),
    )
    .await;

    // The SDK may name the agent's own leg when retrieving.
    let mine = leg_of(&held, A1)["ChannelId"].clone();
    let back = s
        .ok(A1, "RetrieveCall", json!({"JobId": job, "ChannelId": mine}))
        .await;
    assert_eq!(leg_of(&back, A1)["ChannelFlags"], "");
    assert_eq!(customer_legs(&back)[0]["ChannelFlags"], "");
    assert_eq!(status_of(A1, &back), 9);
    s.expect_err(
        A1,
        "RetrieveCall",
        json!({"JobId": job}),
        (400, "InvalidOperation.ChannelState", &["ANSWERED", "HOLD"]),
    )
    .await;
}

#[tokio::test]
async fn hold_needs_a_talking_agent_and_a_known_channel() {
    let s = start().await;
    s.register(A1).await;
    let (_, body) = s.inbound(json!({"caller": "138"})).await;
    let job = body["jobId"].as_str().unwrap().to_owned();
    s.expect_err(
        A1,
        "HoldCall",
        json!({"JobId": job}),
        (400, "InvalidOperation.UserState", &["RINGING", "TALKING"]),
    )
    .await;
    s.ok(A1, "AnswerCall", json!({"JobId": job})).await;
    s.expect_err(
        A1,
        "HoldCall",
        json!({"JobId": job, "ChannelId": "ch:nope"}),
        (404, "NotExists.ChannelId", &["ch:nope", &job]),
    )
    .await;
    s.expect_err(
        A1,
        "HoldCall",
        json!({"JobId": ""}),
        (400, "Parameter.Blank", &["JobId"]),
    )
    .await;
    s.ok(A1, "ReleaseCall", json!({"JobId": job})).await;
    s.expect_err(
        A1,
        "RetrieveCall",
        json!({"JobId": job}),
        (404, "NotExists.JobId", &[&job]),
    )
    .await;
}

#[tokio::test]
async fn mute_and_unmute_flag_the_agents_own_leg() {
    let s = start().await;
    s.register(A1).await;
    let job = s.talking_inbound(A1, "13800000002").await;
    let muted = s.ok(A1, "MuteCall", json!({"JobId": job})).await;
    assert_eq!(leg_of(&muted, A1)["ChannelFlags"], "MUTED");
    assert_eq!(customer_legs(&muted)[0]["ChannelFlags"], "");
    assert_eq!(
        status_of(A1, &muted),
        9,
        "muting is not a status of its own"
    );
    s.expect_err(
        A1,
        "MuteCall",
        json!({"JobId": job}),
        (400, "InvalidOperation.ChannelState", &["MUTED", "ANSWERED"]),
    )
    .await;
    let held = s.ok(A1, "HoldCall", json!({"JobId": job})).await;
    assert_eq!(leg_of(&held, A1)["ChannelFlags"], "MUTED,HOLD");
    assert_eq!(status_of(A1, &held), 12);
    s.ok(A1, "RetrieveCall", json!({"JobId": job})).await;
    // UnmuteCall's JobId is optional: the agent's current call.
    let unmuted = s.ok(A1, "UnmuteCall", json!({})).await;
    assert_eq!(leg_of(&unmuted, A1)["ChannelFlags"], "");
    s.expect_err(
        A1,
        "UnmuteCall",
        json!({"JobId": job}),
        (400, "InvalidOperation.ChannelState", &["ANSWERED", "MUTED"]),
    )
    .await;
    s.expect_err(
        A1,
        "MuteCall",
        json!({}),
        (400, "Parameter.Blank", &["JobId"]),
    )
    .await;
    s.ok(A1, "ReleaseCall", json!({"JobId": job})).await;
    s.expect_err(
        A1,
        "UnmuteCall",
        json!({}),
        (400, "InvalidOperation.UserState", &["WORKING", "TALKING"]),
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn dtmf_digits_reach_the_far_end() {
    let clock = HeldClock::hold();
    let s = start().await;
    s.register(A1).await;
    let armed = clock.now();
    let dial = s.ok(A1, "MakeCall", json!({"Callee": "13912345678"})).await;
    let job = dial["CallContext"]["JobId"].as_str().unwrap().to_owned();
    // Allowed while dialling already (IVR menus answer early).
    s.ok(A1, "SendDtmfSignaling", json!({"JobId": job, "Dtmf": "1"}))
        .await;
    clock
        .assert_fires_at(
            "the far end answered (A1 TALKING)",
            armed,
            ms(OUTBOUND_ANSWER_DELAY_MS),
            async || s.agent(A1).await["state"] == "TALKING",
        )
        .await;
    let customer = customer_legs(&dial)[0]["ChannelId"].clone();
    let data = s
        .ok(
            A1,
            "SendDtmfSignaling",
            json!({"JobId": job, "ChannelId": customer, "Dtmf": "23*#"}),
        )
        .await;
    assert_eq!(data["UserContext"]["UserState"], "TALKING");
    let state = s.state().await;
    let channels = state["calls"][0]["channels"].as_array().unwrap();
    let far = channels.iter().find(|c| c["userId"].is_null()).unwrap();
    assert_eq!(far["dtmfReceived"], "123*#");
    let mine = channels.iter().find(|c| c["userId"] == A1).unwrap();
    assert_eq!(mine["dtmfReceived"], "");

    s.expect_err(
        A1,
        "SendDtmfSignaling",
        json!({"JobId": job, "Dtmf": "12a"}),
        (
            400,
            "Parameter.Invalid",
            &["Dtmf", "'a' is not a DTMF digit (0-9, *, #)"],
        ),
    )
    .await;
    s.expect_err(
        A1,
        "SendDtmfSignaling",
        json!({"JobId": job}),
        (400, "Parameter.Blank", &["Dtmf"]),
    )
    .await;
}

#[tokio::test]
async fn dtmf_while_ringing_is_a_user_state_error() {
    let s = start().await;
    s.register(A2).await;
    let (_, body) = s.inbound(json!({"caller": "138"})).await;
    let job = body["jobId"].as_str().unwrap().to_owned();
    s.expect_err(
        A2,
        "SendDtmfSignaling",
        json!({"JobId": job, "Dtmf": "5"}),
        (
            400,
            "InvalidOperation.UserState",
            &["RINGING", "DIALING,TALKING"],
        ),
    )
    .await;
}
