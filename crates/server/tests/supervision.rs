//! Supervision over real HTTP: monitor, coach, barge-in, intercept; the supervisor's snapshot carries its own
//! `CallType` and the browser's reducer derives 24 / 21 / 26 / 25 from it. The supervisor's leg connects on
//! an emulator timer: every test runs on held virtual time and checks that timer's exact boundary.

mod common;

use common::virtual_time::{ms, HeldClock};
use common::*;
use serde_json::{json, Value};
use tokio::time::Instant;

async fn poll(s: &Server, user: &str) -> Value {
    s.ok(user, "PollUserStatus", json!({})).await
}

/// The supervisor's leg, dialled by a request sent at `armed`, connects (SUP TALKING) exactly
/// `OUTBOUND_ANSWER_DELAY_MS` later.
async fn supervisor_connects(s: &Server, clock: &HeldClock, armed: Instant) {
    clock
        .assert_fires_at(
            "the supervisor's leg connected (SUP TALKING)",
            armed,
            ms(OUTBOUND_ANSWER_DELAY_MS),
            async || s.agent(SUP).await["state"] == "TALKING",
        )
        .await;
}

/// A1 talks with a customer; the supervisor is READY.
async fn setup(s: &Server) -> String {
    s.register(A1).await;
    let job = s.talking_inbound(A1, "13800000021").await;
    s.register(SUP).await;
    job
}

#[tokio::test(start_paused = true)]
async fn monitor_coach_barge_then_leave() {
    let clock = HeldClock::hold();
    let s = start().await;
    let job = setup(&s).await;
    let armed = clock.now();
    let dial = s
        .ok(SUP, "MonitorCall", json!({"MonitoredUserId": A1}))
        .await;
    assert_eq!(dial["UserContext"]["UserState"], "DIALING");
    assert_eq!(dial["UserContext"]["JobId"], job);
    assert_eq!(dial["CallContext"]["CallType"], "MONITOR");
    assert_eq!(leg_of(&dial, SUP)["CallType"], "MONITOR");
    assert_eq!(status_of(SUP, &dial), 24, "monitor initiated");

    supervisor_connects(&s, &clock, armed).await;
    let listening = poll(&s, SUP).await;
    assert_eq!(status_of(SUP, &listening), 21, "monitoring");
    assert_eq!(leg_of(&listening, SUP)["ChannelFlags"], "MONITORING");
    assert_eq!(leg_of(&listening, A1)["ChannelFlags"], "MONITORED");
    let agent = poll(&s, A1).await;
    assert_eq!(
        agent["CallContext"]["CallType"], "INBOUND",
        "the agent's view is unchanged"
    );
    assert_eq!(status_of(A1, &agent), 9);
    let states = s
        .ok(
            SUP,
            "ListRealtimeAgentStates",
            json!({"AgentIdList": format!("[\"{A1}\",\"{SUP}\"]")}),
        )
        .await;
    assert_eq!(states["List"][0]["StateCode"], "Monitored");
    assert_eq!(states["List"][1]["StateCode"], "Monitoring");

    let coaching = s
        .ok(SUP, "Coach", json!({"CoachedUserId": A1, "JobId": job}))
        .await;
    assert_eq!(coaching["CallContext"]["CallType"], "COACH");
    assert_eq!(status_of(SUP, &coaching), 26);
    assert_eq!(leg_of(&coaching, SUP)["ChannelFlags"], "COACHING");
    assert_eq!(leg_of(&coaching, A1)["ChannelFlags"], "COACHED");

    // The OpenAPI's name of the action works too.
    let barged = s
        .ok(
            SUP,
            "BargeInCall",
            json!({"BargedUserId": A1, "JobId": job}),
        )
        .await;
    assert_eq!(barged["CallContext"]["CallType"], "BARGE");
    assert_eq!(status_of(SUP, &barged), 25);
    assert_eq!(leg_of(&barged, SUP)["ChannelFlags"], "");
    assert_eq!(leg_of(&barged, A1)["ChannelFlags"], "");

    let left = s.ok(SUP, "ReleaseCall", json!({"JobId": job})).await;
    assert_eq!(left["UserContext"]["UserState"], "WORKING");
    let agent = poll(&s, A1).await;
    assert_eq!(
        agent["UserContext"]["UserState"], "TALKING",
        "the call goes on"
    );
    assert_eq!(
        agent["CallContext"]["ChannelContexts"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test(start_paused = true)]
async fn coach_call_alias_and_direct_supervision_from_ready() {
    let clock = HeldClock::hold();
    let s = start().await;
    let job = setup(&s).await;
    let armed = clock.now();
    let dial = s
        .ok(SUP, "CoachCall", json!({"CoachedUserId": A1, "JobId": job}))
        .await;
    assert_eq!(dial["UserContext"]["UserState"], "DIALING");
    assert_eq!(dial["CallContext"]["CallType"], "COACH");
    supervisor_connects(&s, &clock, armed).await;
    assert_eq!(s.status_code(SUP).await, 26);
    // The customer hangs up: everyone goes to after-call work.
    s.send_json(
        reqwest::Method::POST,
        &format!("/emulator/v1/calls/{job}/hangup"),
        json!({}),
    )
    .await;
    assert_eq!(s.agent(SUP).await["state"], "WORKING");
    assert_eq!(s.agent(A1).await["state"], "WORKING");
}

#[tokio::test(start_paused = true)]
async fn intercept_takes_the_agent_out() {
    let clock = HeldClock::hold();
    let s = start().await;
    let job = setup(&s).await;
    let armed = clock.now();
    s.ok(SUP, "MonitorCall", json!({"MonitoredUserId": A1}))
        .await;
    supervisor_connects(&s, &clock, armed).await;
    let taken = s
        .ok(
            SUP,
            "InterceptCall",
            json!({"InterceptedUserId": A1, "JobId": job}),
        )
        .await;
    assert_eq!(taken["UserContext"]["UserState"], "TALKING");
    assert_eq!(taken["CallContext"]["CallType"], "INTERCEPT");
    assert_eq!(status_of(SUP, &taken), 9);
    let legs = taken["CallContext"]["ChannelContexts"].as_array().unwrap();
    assert_eq!(legs.len(), 2);
    assert!(legs.iter().all(|l| l["UserId"] != A1));
    let agent = poll(&s, A1).await;
    assert_eq!(agent["UserContext"]["UserState"], "WORKING");
    assert_eq!(leg_of(&agent, A1)["ChannelState"], "RELEASED");
    assert_eq!(leg_of(&agent, A1)["ReleaseInitiator"], "8009");
}

#[tokio::test(start_paused = true)]
async fn supervision_rules() {
    let clock = HeldClock::hold();
    let s = start().await;
    s.register(A2).await;
    s.register(SUP).await;
    s.expect_err(
        SUP,
        "MonitorCall",
        json!({"MonitoredUserId": A2}),
        (400, "InvalidOperation.UserState", &["READY", "TALKING"]),
    )
    .await;
    s.expect_err(
        SUP,
        "MonitorCall",
        json!({}),
        (400, "Parameter.Blank", &["MonitoredUserId"]),
    )
    .await;
    s.talking_inbound(A2, "13800000022").await;
    s.expect_err(
        A1,
        "MonitorCall",
        json!({"MonitoredUserId": A2}),
        (403, "Permission.User", &["MonitorCall"]),
    )
    .await;
    s.expect_err(
        SUP,
        "BargeInCall",
        json!({"BargedUserId": A2, "JobId": "job-nope"}),
        (404, "NotExists.JobId", &["job-nope"]),
    )
    .await;
    s.ok(SUP, "TakeBreak", json!({"Code": "Meal"})).await;
    let armed = clock.now();
    s.ok(SUP, "MonitorCall", json!({"MonitoredUserId": A2}))
        .await;
    supervisor_connects(&s, &clock, armed).await;
    s.register(A1).await;
    s.talking_inbound(A1, "13800000023").await;
    s.expect_err(
        SUP,
        "MonitorCall",
        json!({"MonitoredUserId": A1}),
        (
            400,
            "InvalidOperation.UserState",
            &["TALKING", "READY,BREAK,WORKING"],
        ),
    )
    .await;
}
