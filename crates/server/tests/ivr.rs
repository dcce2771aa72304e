//! The customer in an IVR flow (LaunchSurvey, LaunchAuthentication, the control API's `ivr-return`) and
//! RedialCall, over real HTTP. The tests whose outcome is an emulator timer (an IVR visit ending, a
//! redialled number answering, a number that must not have failed yet) run on held virtual time.

mod common;

use std::path::PathBuf;

use common::virtual_time::{ms, HeldClock};
use common::*;
use serde_json::{json, Value};

async fn server_with(survey_ms: u64, authentication_ms: u64) -> Server {
    let mut c = fast_config();
    c.timers.survey_duration_ms = survey_ms;
    c.timers.authentication_duration_ms = authentication_ms;
    start_with(c, PathBuf::from("/nonexistent/dist")).await
}

#[tokio::test]
async fn launch_survey_releases_the_agent_and_leaves_the_customer_in_the_survey() {
    let s = server_with(60_000, 60_000).await;
    s.register(A1).await;
    let job = s.talking_inbound(A1, "13800000081").await;
    let data = s
        .ok(
            A1,
            "LaunchSurvey",
            json!({"JobId": job, "ContactFlowId": "my-survey", "ContactFlowVariables": {"score": "5"}}),
        )
        .await;
    assert_eq!(data["UserContext"]["UserState"], "WORKING");
    assert_eq!(status_of(A1, &data), 5);
    assert_eq!(leg_of(&data, A1)["ChannelState"], "RELEASED");

    let view = s.call_view(&job).await;
    assert_eq!(view["surveyLaunched"], true, "{view}");
    assert_eq!(view["contactFlowId"], "my-survey");
    assert_eq!(view["ivr"]["kind"], "survey");
    assert_eq!(view["ivr"]["contactFlowVariables"], json!({"score": "5"}));
    let channels = view["channels"].as_array().unwrap();
    assert_eq!(channels.len(), 1, "only the customer: {view}");
    assert_eq!(channels[0]["originator"], "13800000081");

    // The customer hangs up at the end of the survey.
    let (st, _) = s
        .post_json(&format!("/emulator/v1/calls/{job}/hangup"), json!({}))
        .await;
    assert_eq!(st, 200);
    assert_eq!(s.call_view(&job).await, Value::Null);
    let cdr = s
        .ok(
            A1,
            "ListRecentCallDetailRecords",
            json!({"PageNumber": 1, "PageSize": 10}),
        )
        .await;
    assert_eq!(cdr["List"][0]["ContactId"], job);
    assert_eq!(s.agent(A1).await["state"], "WORKING");
}

#[tokio::test(start_paused = true)]
async fn the_survey_ends_by_itself_after_the_configured_time() {
    let clock = HeldClock::hold();
    let s = server_with(30, 60_000).await;
    s.register(A1).await;
    let job = s.talking_inbound(A1, "13800000082").await;
    let armed = clock.now();
    s.ok(A1, "LaunchSurvey", json!({"JobId": job})).await;
    clock
        .assert_fires_at("the survey ended", armed, ms(30), async || {
            s.call_view(&job).await.is_null()
        })
        .await;
    assert_eq!(s.agent(A1).await["state"], "WORKING");
}

#[tokio::test]
async fn launch_survey_rules() {
    let mut c = fast_config();
    c.survey_contact_flow_id = String::new();
    let s = start_with(c, PathBuf::from("/nonexistent/dist")).await;
    s.register(A1).await;
    s.expect_err(
        A1,
        "LaunchSurvey",
        json!({}),
        (400, "Parameter.Blank", &["JobId"]),
    )
    .await;
    s.expect_err(
        A1,
        "LaunchSurvey",
        json!({"JobId": "job-x"}),
        (404, "NotExists.JobId", &["job-x"]),
    )
    .await;
    let job = s.talking_inbound(A1, "13800000083").await;
    s.expect_err(
        A1,
        "LaunchSurvey",
        json!({"JobId": job}),
        (400, "Parameter.Blank", &["ContactFlowId"]),
    )
    .await;
    s.expect_err(
        A1,
        "LaunchSurvey",
        json!({"JobId": job, "ContactFlowId": "f", "SurveyChannel": "FAX"}),
        (
            400,
            "Parameter.Invalid",
            &["SurveyChannel", "It must be IVR or SMS"],
        ),
    )
    .await;
    assert_eq!(s.agent(A1).await["state"], "TALKING", "nothing changed");
    // SMS: the call simply ends.
    s.ok(
        A1,
        "LaunchSurvey",
        json!({"JobId": job, "SurveyChannel": "SMS"}),
    )
    .await;
    assert_eq!(s.call_view(&job).await, Value::Null);
    assert_eq!(s.agent(A1).await["state"], "WORKING");
    // Not talking any more.
    s.expect_err(
        A1,
        "LaunchSurvey",
        json!({"JobId": job, "ContactFlowId": "f"}),
        (404, "NotExists.JobId", &[job.as_str()]),
    )
    .await;
    // A call without a customer.
    s.ok(A1, "ReadyForService", json!({})).await;
    s.register(A2).await;
    let data = s.ok(A1, "MakeCall", json!({"Callee": "8002"})).await;
    let job = data["CallContext"]["JobId"].as_str().unwrap().to_owned();
    s.expect_err(
        A1,
        "LaunchSurvey",
        json!({"JobId": job, "ContactFlowId": "f"}),
        (400, "InvalidOperation.UserState", &["DIALING", "TALKING"]),
    )
    .await;
    s.ok(A2, "AnswerCall", json!({"JobId": job})).await;
    s.expect_err(
        A1,
        "LaunchSurvey",
        json!({"JobId": job, "ContactFlowId": "f"}),
        (
            400,
            "Parameter.Invalid",
            &["JobId", "Only a call with a customer can go to an IVR flow"],
        ),
    )
    .await;
}

#[tokio::test]
async fn launch_authentication_keeps_the_agent_talking_until_the_customer_is_back() {
    let s = server_with(60_000, 60_000).await;
    s.register(A1).await;
    let job = s.talking_inbound(A1, "13800000084").await;
    let before = s.ok(A1, "PollUserStatus", json!({})).await;
    let data = s
        .ok(
            A1,
            "LaunchAuthentication",
            json!({"JobId": job, "ContactFlowId": "verify-id", "ContactFlowVariables": {"orderId": "42", "n": 7}}),
        )
        .await;
    assert_eq!(data["UserContext"]["UserState"], "TALKING");
    assert_eq!(status_of(A1, &data), 9);
    assert!(data["ContextId"].as_u64() > before["ContextId"].as_u64());
    let view = s.call_view(&job).await;
    assert_eq!(view["surveyLaunched"], false);
    assert_eq!(view["contactFlowId"], "verify-id");
    assert_eq!(
        (
            view["ivr"]["kind"].as_str(),
            view["ivr"]["contactFlowVariables"].clone()
        ),
        (Some("authentication"), json!({"orderId": "42", "n": 7}))
    );
    assert_eq!(view["channels"].as_array().unwrap().len(), 2);

    s.expect_err(
        A1,
        "LaunchAuthentication",
        json!({"JobId": job, "ContactFlowId": "verify-id"}),
        (400, "InvalidOperation.ChannelState", &["IVR", "ANSWERED"]),
    )
    .await;

    let path = format!("/emulator/v1/calls/{job}/ivr-return");
    let (st, _) = s.post_json(&path, json!({})).await;
    assert_eq!(st, 200);
    let view = s.call_view(&job).await;
    assert!(
        view.get("ivr").is_none() && view.get("contactFlowId").is_none(),
        "{view}"
    );
    let after = s.ok(A1, "PollUserStatus", json!({})).await;
    assert!(after["ContextId"].as_u64() > data["ContextId"].as_u64());
    assert_eq!(status_of(A1, &after), 9);
    let (st, body) = s.post_json(&path, json!({})).await;
    assert_eq!(st, 400, "{body}");
    let (st, _) = s
        .post_json("/emulator/v1/calls/job-nope/ivr-return", json!({}))
        .await;
    assert_eq!(st, 404);
}

#[tokio::test(start_paused = true)]
async fn the_authenticated_customer_comes_back_by_itself() {
    let clock = HeldClock::hold();
    let s = server_with(60_000, 30).await;
    s.register(A1).await;
    let job = s.talking_inbound(A1, "13800000085").await;
    let armed = clock.now();
    s.ok(
        A1,
        "LaunchAuthentication",
        json!({"JobId": job, "ContactFlowId": "verify-id"}),
    )
    .await;
    clock
        .assert_fires_at("the customer came back", armed, ms(30), async || {
            let call = s.call_view(&job).await;
            !call.is_null() && call.get("ivr").is_none()
        })
        .await;
    assert_eq!(s.agent(A1).await["state"], "TALKING");
}

#[tokio::test]
async fn launch_authentication_rules() {
    let s = start().await;
    s.register(A1).await;
    let job = s.talking_inbound(A1, "13800000086").await;
    s.expect_err(
        A1,
        "LaunchAuthentication",
        json!({"JobId": job}),
        (400, "Parameter.Blank", &["ContactFlowId"]),
    )
    .await;
    s.expect_err(
        A1,
        "LaunchAuthentication",
        json!({"ContactFlowId": "f"}),
        (400, "Parameter.Blank", &["JobId"]),
    )
    .await;
    s.ok(A1, "HoldCall", json!({"JobId": job})).await;
    s.ok(A1, "RetrieveCall", json!({"JobId": job})).await;
    s.ok(A1, "ReleaseCall", json!({"JobId": job})).await;
    s.expect_err(
        A1,
        "LaunchAuthentication",
        json!({"JobId": job, "ContactFlowId": "f"}),
        (404, "NotExists.JobId", &[job.as_str()]),
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn redial_call_dials_the_far_number_of_a_record() {
    let clock = HeldClock::hold();
    let s = start().await;
    s.register(A1).await;
    let job = s.talking_inbound(A1, "13800000087").await;
    s.ok(A1, "ReleaseCall", json!({"JobId": job})).await;
    s.ok(A1, "ReadyForService", json!({})).await;

    let armed = clock.now();
    let data = s.ok(A1, "RedialCall", json!({"JobId": job})).await;
    assert_eq!(data["UserContext"]["UserState"], "DIALING");
    assert_eq!(status_of(A1, &data), 8);
    assert_eq!(data["CallContext"]["CallType"], "OUTBOUND");
    let redial = data["CallContext"]["JobId"].as_str().unwrap().to_owned();
    assert_ne!(redial, job);
    assert_eq!(customer_legs(&data)[0]["Destination"], "13800000087");
    clock
        .assert_fires_at(
            "the redialled number answered (A1 TALKING)",
            armed,
            ms(OUTBOUND_ANSWER_DELAY_MS),
            async || s.agent(A1).await["state"] == "TALKING",
        )
        .await;
    assert_eq!(s.status_code(A1).await, 10);

    s.expect_err(
        A1,
        "RedialCall",
        json!({"JobId": job}),
        (
            400,
            "InvalidOperation.UserState",
            &["TALKING", "READY,BREAK,WORKING"],
        ),
    )
    .await;
    s.ok(A1, "ReleaseCall", json!({"JobId": redial})).await;
    // An outbound record redials its callee; without JobId, Callee is dialled.
    let data = s.ok(A1, "RedialCall", json!({"JobId": redial})).await;
    assert_eq!(customer_legs(&data)[0]["Destination"], "13800000087");
    let again = data["CallContext"]["JobId"].as_str().unwrap().to_owned();
    s.ok(A1, "ReleaseCall", json!({"JobId": again})).await;
    let data = s
        .ok(A1, "RedialCall", json!({"Callee": "13900000011"}))
        .await;
    assert_eq!(customer_legs(&data)[0]["Destination"], "13900000011");
    let last = data["CallContext"]["JobId"].as_str().unwrap().to_owned();
    s.ok(A1, "ReleaseCall", json!({"JobId": last})).await;

    s.expect_err(
        A1,
        "RedialCall",
        json!({}),
        (400, "Parameter.Blank", &["JobId"]),
    )
    .await;
    s.expect_err(
        A1,
        "RedialCall",
        json!({"JobId": "job-unknown"}),
        (404, "NotExists.JobId", &["job-unknown"]),
    )
    .await;
}

// Held virtual time: the number that does not answer cannot fail (NO_ANSWER_TIMEOUT_MS) before the
// missed-call message ends the attempt, however slow the machine.
#[tokio::test(start_paused = true)]
async fn text_message_surveys_need_no_talking_customer() {
    let _clock = HeldClock::hold();
    let s = server_with(60_000, 60_000).await;
    s.register(A1).await;
    // While dialling a number that does not answer, the missed-call message ends the attempt.
    let (st, _) = s
        .send_json(
            reqwest::Method::PUT,
            "/emulator/v1/numbers/13600000001",
            json!({"answer": "no-answer"}),
        )
        .await;
    assert_eq!(st, 200);
    let dialing = s
        .ok(
            A1,
            "MakeCall",
            json!({"Callee": "13600000001", "Caller": "02180000001"}),
        )
        .await;
    let job = dialing["CallContext"]["JobId"]
        .as_str()
        .unwrap()
        .to_string();
    s.ok(
        A1,
        "LaunchSurvey",
        json!({"JobId": job, "SurveyChannel": "SMS"}),
    )
    .await;
    assert!(
        s.state().await["calls"].as_array().unwrap().is_empty(),
        "the attempt ended"
    );

    // After a finished call (after-call work), the satisfaction message is only sent.
    s.ok(A1, "ReadyForService", json!({})).await;
    let job = s.talking_inbound(A1, "13800000082").await;
    s.ok(A1, "ReleaseCall", json!({"JobId": job})).await;
    s.ok(
        A1,
        "LaunchSurvey",
        json!({"JobId": job, "SurveyChannel": "SMS"}),
    )
    .await;
    let (st, env) = s
        .err(
            A1,
            "LaunchSurvey",
            json!({"JobId": "job-unknown", "SurveyChannel": "SMS"}),
        )
        .await;
    assert_eq!(
        (st, env["Code"].as_str()),
        (404, Some("NotExists.JobId")),
        "{env}"
    );
}
