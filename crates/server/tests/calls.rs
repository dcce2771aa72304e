//! Call flows through the real HTTP surface: inbound, hang-ups, outbound outcomes, internal calls, timeouts.
//! The tests whose outcome is an emulator timer (a far end answering or failing, a ring timing out) run on
//! held virtual time and check the timer's exact boundary.

mod common;

use common::virtual_time::{ms, HeldClock};
use common::*;
use serde_json::{json, Value};

fn leg<'a>(data: &'a Value, user: &str) -> &'a Value {
    data["CallContext"]["ChannelContexts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["UserId"] == user)
        .unwrap()
}

fn customer(data: &Value) -> &Value {
    data["CallContext"]["ChannelContexts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["UserId"] == "")
        .unwrap()
}

#[tokio::test]
async fn inbound_answer_release_wrap_up_ready() {
    let s = start().await;
    s.register(A1).await;
    let (st, body) = s
        .inbound(json!({"caller": "13800000001", "skillGroupId": "sales@ccc-demo"}))
        .await;
    assert_eq!(st, 200, "{body}");
    let job = body["jobId"].as_str().unwrap().to_owned();
    assert_eq!(body["userId"], A1);

    let before = s.ok(A2, "PollUserStatus", json!({})).await;
    let poll = s.ok(A1, "PollUserStatus", json!({})).await;
    assert_eq!(poll["UserContext"]["UserState"], "RINGING");
    assert_eq!(poll["UserContext"]["JobId"], job);
    assert_eq!(poll["UserContext"]["DeviceState"], "ONLINE");
    assert_eq!(
        poll["UserContext"]["ParallelJobList"],
        json!([]),
        "no chat sessions"
    );
    assert_eq!(poll["ChatContexts"], json!([]));
    // Reserved: when the call was offered to the agent (it rings it).
    let reserved = poll["UserContext"]["Reserved"].as_i64().unwrap();
    assert!(reserved >= before["UserContext"]["Heartbeat"].as_i64().unwrap());
    assert!(reserved <= poll["UserContext"]["Heartbeat"].as_i64().unwrap());
    assert_eq!(before["UserContext"]["Reserved"], 0, "never offered a call");
    assert_eq!(poll["CallContext"]["CallType"], "INBOUND");
    assert_eq!(leg(&poll, A1)["ChannelState"], "RINGING");
    assert_eq!(leg(&poll, A1)["SkillGroupId"], "sales@ccc-demo");
    assert_eq!(customer(&poll)["Originator"], "13800000001");
    for channel in poll["CallContext"]["ChannelContexts"].as_array().unwrap() {
        assert_eq!(
            (
                channel["MediaType"].as_str(),
                channel["ChannelVariables"].as_str()
            ),
            (Some("AUDIO"), Some("")),
            "{channel}"
        );
    }
    let view = s.state().await;
    assert_eq!(view["calls"][0]["direction"], "inbound");
    assert_eq!(view["calls"][0]["state"], "ringing");

    let talk = s.ok(A1, "AnswerCall", json!({"JobId": job})).await;
    assert_eq!(talk["UserContext"]["UserState"], "TALKING");
    assert_eq!(leg(&talk, A1)["ChannelState"], "ANSWERED");
    assert!(talk["ContextId"].as_u64().unwrap() > poll["ContextId"].as_u64().unwrap());

    let released = s.ok(A1, "ReleaseCall", json!({"JobId": job})).await;
    assert_eq!(released["UserContext"]["UserState"], "WORKING");
    assert_eq!(leg(&released, A1)["ChannelState"], "RELEASED");
    assert_eq!(leg(&released, A1)["ReleaseInitiator"], "8001");
    assert_eq!(s.state().await["calls"], json!([]));

    let ready = s.ok(A1, "ReadyForService", json!({})).await;
    assert_eq!(ready["UserState"], "READY");
    assert_eq!(ready["JobId"], "");
}

#[tokio::test]
async fn inbound_with_nobody_ready_or_unknown_group_is_404() {
    let s = start().await;
    let (st, body) = s.inbound(json!({"caller": "138"})).await;
    assert_eq!(st, 404);
    assert!(
        body["error"].as_str().unwrap().contains("no READY agent"),
        "{body}"
    );
    s.register(A3).await;
    let (st, _) = s
        .inbound(json!({"caller": "138", "skillGroupId": "sales@ccc-demo"}))
        .await;
    assert_eq!(st, 404, "agent3 is not in sales");
    let (st, body) = s
        .inbound(json!({"caller": "138", "skillGroupId": "nope@ccc-demo"}))
        .await;
    assert_eq!(st, 404);
    assert!(body["error"]
        .as_str()
        .unwrap()
        .contains("unknown skill group"));
    let (st, _) = s.inbound(json!({"nobody": 1})).await;
    assert_eq!(st, 400);
}

#[tokio::test]
async fn customer_hangs_up_while_ringing_and_while_talking() {
    let s = start().await;
    s.register(A2).await;
    let (_, body) = s.inbound(json!({"caller": "138"})).await;
    let job = body["jobId"].as_str().unwrap().to_owned();
    let hangup = format!("/emulator/v1/calls/{job}/hangup");
    let (st, _) = s.send_json(reqwest::Method::POST, &hangup, json!({})).await;
    assert_eq!(st, 200);
    assert_eq!(
        s.agent(A2).await["state"],
        "READY",
        "abandoned while ringing"
    );
    let (st, _) = s.send_json(reqwest::Method::POST, &hangup, json!({})).await;
    assert_eq!(st, 404, "the call is gone");

    let (_, body) = s.inbound(json!({"caller": "139"})).await;
    let job = body["jobId"].as_str().unwrap().to_owned();
    s.ok(A2, "AnswerCall", json!({"JobId": job})).await;
    s.send_json(
        reqwest::Method::POST,
        &format!("/emulator/v1/calls/{job}/hangup"),
        json!({}),
    )
    .await;
    let poll = s.ok(A2, "PollUserStatus", json!({})).await;
    assert_eq!(poll["UserContext"]["UserState"], "WORKING");
    assert_eq!(customer(&poll)["ReleaseInitiator"], "139");
}

#[tokio::test(start_paused = true)]
async fn outbound_auto_answer_then_talk() {
    let clock = HeldClock::hold();
    let s = start().await;
    s.register(A1).await;
    let armed = clock.now();
    let dial = s
        .ok(
            A1,
            "MakeCall",
            json!({"Callee": "13912345678", "Caller": "01080000002"}),
        )
        .await;
    assert_eq!(dial["UserContext"]["UserState"], "DIALING");
    assert_eq!(dial["CallContext"]["CallType"], "OUTBOUND");
    assert_eq!(customer(&dial)["Destination"], "13912345678");
    assert_eq!(customer(&dial)["Originator"], "01080000002");
    clock
        .assert_fires_at(
            "the callee answered (A1 TALKING)",
            armed,
            ms(OUTBOUND_ANSWER_DELAY_MS),
            async || s.agent(A1).await["state"] == "TALKING",
        )
        .await;
    let poll = s.ok(A1, "PollUserStatus", json!({})).await;
    assert_eq!(customer(&poll)["ChannelState"], "ANSWERED");
    let job = poll["CallContext"]["JobId"].as_str().unwrap();
    let done = s.ok(A1, "ReleaseCall", json!({"JobId": job})).await;
    assert_eq!(done["UserContext"]["UserState"], "WORKING");
}

#[tokio::test(start_paused = true)]
async fn busy_and_unanswered_numbers_fail_into_after_call_work() {
    let clock = HeldClock::hold();
    let s = start().await;
    s.register(A1).await;
    let (st, _) = s
        .send_json(
            reqwest::Method::PUT,
            "/emulator/v1/numbers/13900000002",
            json!({"answer": "busy", "delayMs": 10}),
        )
        .await;
    assert_eq!(st, 200);
    let (st, _) = s
        .send_json(
            reqwest::Method::PUT,
            "/emulator/v1/numbers/1",
            json!({"answer": "maybe"}),
        )
        .await;
    assert_eq!(st, 400);

    let armed = clock.now();
    s.ok(A1, "MakeCall", json!({"Callee": "13900000002"})).await;
    clock
        .assert_fires_at(
            "the busy number failed (A1 WORKING)",
            armed,
            ms(10),
            async || s.agent(A1).await["state"] == "WORKING",
        )
        .await;
    let poll = s.ok(A1, "PollUserStatus", json!({})).await;
    assert_eq!(customer(&poll)["ReleaseReason"], "486 - Busy Here");
    assert_eq!(customer(&poll)["ChannelState"], "RELEASED");

    s.ok(A1, "ReadyForService", json!({})).await;
    s.send_json(
        reqwest::Method::PUT,
        "/emulator/v1/numbers/13900000003",
        json!({"answer": "no-answer"}),
    )
    .await;
    let armed = clock.now();
    s.ok(A1, "MakeCall", json!({"Callee": "13900000003"})).await;
    assert_eq!(s.agent(A1).await["state"], "DIALING");
    clock
        .assert_fires_at(
            "the unanswered number failed (A1 WORKING)",
            armed,
            ms(NO_ANSWER_TIMEOUT_MS),
            async || s.agent(A1).await["state"] == "WORKING",
        )
        .await;
}

#[tokio::test]
async fn call_control_errors() {
    let s = start().await;
    let (st, env) = s
        .api(
            "MakeCall",
            json!({"InstanceId": "ccc-demo", "UserId": A1, "Callee": "139"}),
        )
        .await;
    assert_eq!((st, env["Params"][0].as_str()), (400, Some("OFFLINE")));
    s.register(A1).await;
    let (st, env) = s
        .api(
            "AnswerCall",
            json!({"InstanceId": "ccc-demo", "UserId": A1, "JobId": "job-0"}),
        )
        .await;
    assert_eq!((st, env["Code"].as_str()), (404, Some("NotExists.JobId")));
    let (st, env) = s
        .api(
            "ReleaseCall",
            json!({"InstanceId": "ccc-demo", "UserId": A1, "JobId": ""}),
        )
        .await;
    assert_eq!((st, env["Code"].as_str()), (400, Some("Parameter.Blank")));
}

#[tokio::test]
async fn internal_call_rings_the_other_agent() {
    let s = start().await;
    s.register(A1).await;
    let (st, env) = s
        .api(
            "MakeCall",
            json!({"InstanceId": "ccc-demo", "UserId": A1, "Callee": "8002"}),
        )
        .await;
    assert_eq!(
        (st, env["Code"].as_str()),
        (400, Some("UserBusy")),
        "agent2 is offline"
    );
    s.register(A2).await;
    let dial = s.ok(A1, "MakeCall", json!({"Callee": "8002"})).await;
    assert_eq!(dial["CallContext"]["CallType"], "INTERNAL");
    let job = dial["CallContext"]["JobId"].as_str().unwrap().to_owned();
    assert_eq!(s.agent(A2).await["state"], "RINGING");
    s.ok(A2, "AnswerCall", json!({"JobId": job})).await;
    assert_eq!(s.agent(A1).await["state"], "TALKING");
    s.ok(A1, "ReleaseCall", json!({"JobId": job})).await;
    assert_eq!(s.agent(A2).await["state"], "WORKING");
}

#[tokio::test(start_paused = true)]
async fn unanswered_ringing_times_out_into_break() {
    let clock = HeldClock::hold();
    let mut config = fast_config();
    config.timers.ringing_timeout_ms = 30;
    let s = start_with(config, "/nonexistent".into()).await;
    s.register(A1).await;
    let armed = clock.now();
    s.inbound(json!({"caller": "138"})).await;
    clock
        .assert_fires_at("the ring timed out (A1 BREAK)", armed, ms(30), async || {
            s.agent(A1).await["state"] == "BREAK"
        })
        .await;
    let a = s.agent(A1).await;
    assert_eq!(a["breakCode"], "RingingTimeout");
    assert_eq!(s.state().await["calls"], json!([]));
}
