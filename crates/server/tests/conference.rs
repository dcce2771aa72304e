//! Conferences over real HTTP: StartConference (from a call and from READY), parties leaving, SwitchToConference,
//! and their state rules, with the panel status each agent's snapshot produces (19 = conference). The tests
//! whose outcome is an invited number answering or failing (an emulator timer) run on held virtual time.

mod common;

use common::virtual_time::{ms, HeldClock};
use common::*;
use serde_json::{json, Value};

fn legs(data: &Value) -> Vec<Value> {
    data["CallContext"]["ChannelContexts"]
        .as_array()
        .unwrap()
        .clone()
}

async fn poll(s: &Server, user: &str) -> Value {
    s.ok(user, "PollUserStatus", json!({})).await
}

#[tokio::test(start_paused = true)]
async fn a_call_becomes_a_conference_and_parties_leave_one_by_one() {
    let clock = HeldClock::hold();
    let s = start().await;
    s.register(A1).await;
    let job = s.talking_inbound(A1, "13800000071").await;
    s.register(A2).await;

    let armed = clock.now();
    let data = s
        .ok(
            A1,
            "StartConference",
            json!({"ParticipantListJson": "[\"8002\",\"13900000000\"]"}),
        )
        .await;
    assert_eq!(data["CallContext"]["JobId"], job);
    assert_eq!(data["CallContext"]["CallType"], "CONFERENCE");
    assert_eq!(legs(&data).len(), 4, "{data}");
    assert!(legs(&data).iter().all(|l| l["CallType"] == "CONFERENCE"));
    assert_eq!(leg_of(&data, A1)["ChannelState"], "ANSWERED");
    assert_eq!(leg_of(&data, A2)["ChannelState"], "RINGING");
    assert_eq!(data["UserContext"]["UserState"], "TALKING");
    assert_eq!(status_of(A1, &data), 19);
    assert_eq!(s.status_code(A2).await, 6, "the invited agent rings");

    // The number answers (after the fast config's 20 ms), agent 2 answers.
    clock
        .assert_fires_at(
            "the number answered",
            armed,
            ms(OUTBOUND_ANSWER_DELAY_MS),
            async || {
                s.call_view(&job).await["channels"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c["destination"] == "13900000000" && c["state"] == "ANSWERED")
            },
        )
        .await;
    let talk = s.ok(A2, "AnswerCall", json!({"JobId": job})).await;
    assert_eq!(talk["UserContext"]["UserState"], "TALKING");
    assert_eq!(status_of(A2, &talk), 19);
    let view = s.call_view(&job).await;
    assert_eq!(
        (
            view["callType"].as_str(),
            view["conference"].as_bool(),
            view["state"].as_str(),
            view["direction"].as_str()
        ),
        (
            Some("CONFERENCE"),
            Some(true),
            Some("talking"),
            Some("inbound")
        )
    );

    // Agent 2 leaves: the others stay in the conference with fewer legs.
    let left = s.ok(A2, "ReleaseCall", json!({"JobId": job})).await;
    assert_eq!(left["UserContext"]["UserState"], "WORKING");
    assert_eq!(status_of(A2, &left), 5);
    assert_eq!(leg_of(&left, A2)["ChannelState"], "RELEASED");
    let a1 = poll(&s, A1).await;
    assert_eq!(status_of(A1, &a1), 19);
    assert_eq!(legs(&a1).len(), 3);

    // The invited number hangs up; then the customer: agent 1 is alone and the conference ends.
    let (st, _) = s
        .post_json(
            &format!("/emulator/v1/calls/{job}/hangup"),
            json!({"number": "13900000000"}),
        )
        .await;
    assert_eq!(st, 200);
    let a1 = poll(&s, A1).await;
    assert_eq!((status_of(A1, &a1), legs(&a1).len()), (19, 2));
    assert_eq!(customer_legs(&a1)[0]["Originator"], "13800000071");
    let (st, _) = s
        .post_json(
            &format!("/emulator/v1/calls/{job}/hangup"),
            json!({"number": "13900000000"}),
        )
        .await;
    assert_eq!(st, 404, "that party already left");
    let (st, _) = s
        .post_json(&format!("/emulator/v1/calls/{job}/hangup"), json!({}))
        .await;
    assert_eq!(st, 200);
    let a1 = poll(&s, A1).await;
    assert_eq!(a1["UserContext"]["UserState"], "WORKING");
    assert_eq!(a1["CallContext"]["CallType"], "CONFERENCE", "the wrap-up");
    assert_eq!(s.call_view(&job).await, Value::Null);
    let cdr = s
        .ok(
            A2,
            "ListRecentCallDetailRecords",
            json!({"PageNumber": 1, "PageSize": 10}),
        )
        .await;
    assert_eq!(cdr["List"][0]["ContactId"], job);
    assert_eq!(cdr["List"][0]["ContactType"], "Inbound");
}

#[tokio::test]
async fn from_ready_the_organiser_dials_until_a_party_answers() {
    let s = start().await;
    s.register(A1).await;
    s.register(A2).await;
    s.register(A3).await;
    // An actual JSON array (not a string) and the brief's `ParticipantList` spelling are accepted too.
    let data = s
        .ok(
            A1,
            "StartConference",
            json!({"ParticipantList": ["8002", A3], "TimeoutSeconds": 20}),
        )
        .await;
    let job = data["CallContext"]["JobId"].as_str().unwrap().to_owned();
    assert_eq!(data["UserContext"]["UserState"], "DIALING");
    assert_eq!(status_of(A1, &data), 8);
    assert_eq!(data["CallContext"]["CallType"], "CONFERENCE");
    assert_eq!(legs(&data).len(), 3);
    assert_eq!(s.agent(A2).await["state"], "RINGING");
    assert_eq!(s.agent(A3).await["state"], "RINGING");

    // Agent 3 rejects: only its invitation ends.
    s.ok(A3, "ReleaseCall", json!({"JobId": job})).await;
    let a3 = s.agent(A3).await;
    assert_eq!(
        (a3["state"].as_str(), a3["breakCode"].as_str()),
        (Some("BREAK"), Some("RejectCall"))
    );
    assert_eq!(s.agent(A1).await["state"], "DIALING");

    let talk = s.ok(A2, "AnswerCall", json!({"JobId": job})).await;
    assert_eq!(status_of(A2, &talk), 19);
    let a1 = poll(&s, A1).await;
    assert_eq!(status_of(A1, &a1), 19);
    assert_eq!(legs(&a1).len(), 2);

    // The organiser leaves: agent 2 would be alone, the conference ends for both.
    s.ok(A1, "ReleaseCall", json!({"JobId": job})).await;
    assert_eq!(s.agent(A1).await["state"], "WORKING");
    assert_eq!(s.agent(A2).await["state"], "WORKING");
    assert_eq!(s.call_view(&job).await, Value::Null);
    let cdr = s
        .ok(
            A1,
            "ListRecentCallDetailRecords",
            json!({"PageNumber": 1, "PageSize": 10}),
        )
        .await;
    assert_eq!(cdr["List"][0]["ContactType"], "Internal");
}

#[tokio::test(start_paused = true)]
async fn an_invited_number_that_is_busy_drops_out() {
    let clock = HeldClock::hold();
    let s = start().await;
    s.put_number("13900000002", json!({"answer": "busy", "delayMs": 5}))
        .await;
    s.register(A1).await;
    let job = s.talking_inbound(A1, "13800000072").await;
    let armed = clock.now();
    let data = s
        .ok(
            A1,
            "StartConference",
            json!({"ParticipantListJson": "[\"13900000002\"]"}),
        )
        .await;
    assert_eq!(legs(&data).len(), 3);
    clock
        .assert_fires_at("the busy number dropped out", armed, ms(5), async || {
            s.call_view(&job).await["channels"]
                .as_array()
                .unwrap()
                .len()
                == 2
        })
        .await;
    let a1 = poll(&s, A1).await;
    assert_eq!(
        status_of(A1, &a1),
        19,
        "still a conference, with the customer"
    );

    // A conference started from READY whose only party fails ends: the organiser goes to after-call work.
    s.ok(A1, "ReleaseCall", json!({"JobId": job})).await;
    s.ok(A1, "ReadyForService", json!({})).await;
    let armed = clock.now();
    let data = s
        .ok(
            A1,
            "StartConference",
            json!({"ParticipantListJson": "[\"13900000002\"]"}),
        )
        .await;
    let job = data["CallContext"]["JobId"].as_str().unwrap().to_owned();
    assert_eq!(
        data["CallContext"]["ChannelContexts"][1]["Destination"],
        "13900000002"
    );
    clock
        .assert_fires_at(
            "the only party failed (A1 WORKING)",
            armed,
            ms(5),
            async || s.agent(A1).await["state"] == "WORKING",
        )
        .await;
    assert_eq!(s.call_view(&job).await, Value::Null);
}

#[tokio::test]
async fn start_conference_rules() {
    let s = start().await;
    s.expect_err(
        A1,
        "StartConference",
        json!({"ParticipantListJson": "[\"8002\"]"}),
        (
            400,
            "InvalidOperation.UserState",
            &["OFFLINE", "READY,BREAK,WORKING,TALKING"],
        ),
    )
    .await;
    s.register(A1).await;
    s.expect_err(
        A1,
        "StartConference",
        json!({}),
        (400, "Parameter.Blank", &["ParticipantListJson"]),
    )
    .await;
    let not_list = [
        "ParticipantListJson",
        "It must be a JSON array of extensions or phone numbers",
    ];
    s.expect_err(
        A1,
        "StartConference",
        json!({"ParticipantListJson": "8002"}),
        (400, "Parameter.Invalid", &not_list),
    )
    .await;
    s.expect_err(
        A1,
        "StartConference",
        json!({"ParticipantListJson": "[]"}),
        (
            400,
            "Parameter.Invalid",
            &["ParticipantListJson", "It names no participant"],
        ),
    )
    .await;
    s.expect_err(
        A1,
        "StartConference",
        json!({"ParticipantListJson": "[\"8001\"]"}),
        (
            400,
            "Parameter.Invalid",
            &["ParticipantListJson", "An agent cannot invite itself"],
        ),
    )
    .await;
    // Agent 2 is OFFLINE.
    s.expect_err(
        A1,
        "StartConference",
        json!({"ParticipantListJson": "[\"8002\"]"}),
        (400, "UserBusy", &[A2]),
    )
    .await;
    assert_eq!(s.agent(A1).await["state"], "READY", "nothing changed");

    // A ringing agent cannot; a talking one cannot invite its own customer.
    let (_, body) = s.inbound(json!({"caller": "13800000073"})).await;
    let job = body["jobId"].as_str().unwrap().to_owned();
    s.expect_err(
        A1,
        "StartConference",
        json!({"ParticipantListJson": "[\"13900000000\"]"}),
        (
            400,
            "InvalidOperation.UserState",
            &["RINGING", "READY,BREAK,WORKING,TALKING"],
        ),
    )
    .await;
    s.ok(A1, "AnswerCall", json!({"JobId": job})).await;
    s.expect_err(
        A1,
        "StartConference",
        json!({"ParticipantListJson": "[\"13800000073\"]"}),
        (
            400,
            "Parameter.Invalid",
            &["ParticipantListJson", "13800000073 is already in the call"],
        ),
    )
    .await;
    s.expect_err(
        A1,
        "StartConference",
        json!({"JobId": "job-nope", "ParticipantListJson": "[\"13900000000\"]"}),
        (404, "NotExists.JobId", &["job-nope"]),
    )
    .await;
    assert_eq!(
        poll(&s, A1).await["CallContext"]["CallType"],
        "INBOUND",
        "still a plain call"
    );
}

#[tokio::test]
async fn switch_to_conference_merges_customer_agent_and_consulted_agent() {
    let s = start().await;
    s.register(A1).await;
    let job = s.talking_inbound(A1, "13800000074").await;
    s.register(A2).await;

    s.expect_err(
        A1,
        "SwitchToConference",
        json!({"JobId": job}),
        (400, "InvalidOperation.ChannelState", &["NONE", "ANSWERED"]),
    )
    .await;
    s.ok(
        A1,
        "InitiateAttendedTransfer",
        json!({"JobId": job, "Transferee": "8002"}),
    )
    .await;
    s.expect_err(
        A1,
        "SwitchToConference",
        json!({"JobId": job}),
        (
            400,
            "InvalidOperation.ChannelState",
            &["RINGING", "ANSWERED"],
        ),
    )
    .await;
    s.ok(A2, "AnswerCall", json!({"JobId": job})).await;
    assert_eq!(s.status_code(A1).await, 17);
    assert_eq!(s.status_code(A2).await, 20);
    s.expect_err(
        A2,
        "SwitchToConference",
        json!({"JobId": job}),
        (
            400,
            "Parameter.Invalid",
            &[
                "UserId",
                "Only the consulting agent can end the consultation",
            ],
        ),
    )
    .await;

    let data = s.ok(A1, "SwitchToConference", json!({"JobId": job})).await;
    assert_eq!(status_of(A1, &data), 19);
    assert_eq!(data["CallContext"]["CallType"], "CONFERENCE");
    assert_eq!(legs(&data).len(), 3);
    assert!(legs(&data)
        .iter()
        .all(|l| l["CallType"] == "CONFERENCE" && l["ChannelFlags"] == ""));
    assert_eq!(s.status_code(A2).await, 19);

    // A conference is not transferred.
    s.expect_err(
        A1,
        "BlindTransfer",
        json!({"JobId": job, "Transferee": "13900000000"}),
        (
            400,
            "Parameter.Invalid",
            &["JobId", "A conference cannot be transferred"],
        ),
    )
    .await;
    // The consulting agent leaves: agent 2 and the customer go on.
    s.ok(A1, "ReleaseCall", json!({"JobId": job})).await;
    assert_eq!(s.agent(A1).await["state"], "WORKING");
    let a2 = poll(&s, A2).await;
    assert_eq!((status_of(A2, &a2), legs(&a2).len()), (19, 2));
}

#[tokio::test]
async fn conference_changes_are_pushed_to_every_agent_in_it() {
    let s = start().await;
    s.register(A1).await;
    let job = s.talking_inbound(A1, "13800000075").await;
    s.register(A2).await;
    let (mut ws, first) = s.push_socket(A1).await;
    s.ok(
        A1,
        "StartConference",
        json!({"ParticipantListJson": "[\"8002\"]"}),
    )
    .await;
    let pushed = next_push(&mut ws).await;
    assert_eq!(status_of(A1, &pushed), 19);
    assert!(pushed["ContextId"].as_u64() > first["ContextId"].as_u64());
    s.ok(A2, "AnswerCall", json!({"JobId": job})).await;
    s.ok(A2, "ReleaseCall", json!({"JobId": job})).await;
    // A2's departure reaches A1 as a newer snapshot with fewer legs.
    loop {
        let p = next_push(&mut ws).await;
        if legs(&p).len() == 2 {
            assert_eq!(status_of(A1, &p), 19);
            break;
        }
    }
}
