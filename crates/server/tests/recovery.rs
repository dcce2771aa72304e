//! When an agent's day goes wrong: the control API drops an agent's sockets on demand
//! (`POST /emulator/v1/agents/{userId}/drop`), a phone that registers again during a call gets the call back
//! with its voice, a call whose agent leg is gone is released after `agent_leg_grace`, a BYE still releases
//! at once, a second binding takes the next calls, and a restarted server refuses old tokens with 4401.
//! Media tests: run inside `scripts/netns-run.sh`. The grace is checked at its exact boundary on held
//! virtual time (`common::virtual_time`), real time resuming afterwards.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use ccc_media::{Bridge, BridgeConfig};
use ccc_sip::call::{CallEvent, CallNotice};
use common::phone::*;
use common::virtual_time::HeldClock;
use common::voice::{near, wait_hears, wait_media};
use common::*;
use futures_util::StreamExt;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use workbench_server::EmulatorConfig;

/// The fast test data with a grace of `ms` for lost agent legs.
fn with_grace(ms: u64) -> EmulatorConfig {
    let mut c = fast_config();
    c.agent_leg_grace = Duration::from_millis(ms);
    c
}

fn no_dist() -> PathBuf {
    PathBuf::from("/nonexistent/dist")
}

/// `POST /emulator/v1/agents/{user}/drop` with `body` (`None`: no body at all).
async fn drop_sockets(s: &Server, user: &str, body: Option<&str>) -> (u16, Value) {
    let mut req = s
        .http
        .post(format!("{}/emulator/v1/agents/{user}/drop", s.base));
    if let Some(b) = body {
        req = req
            .header("content-type", "application/json")
            .body(b.to_owned());
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Reads `ws` until the server's close frame (fails after 5 s, or if the socket ends without one).
async fn close_frame(ws: &mut Ws) -> CloseFrame {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let msg = tokio::time::timeout(left, ws.next())
            .await
            .expect("a close frame within 5 s");
        match msg {
            Some(Ok(WsMessage::Close(Some(frame)))) => return frame,
            Some(Ok(WsMessage::Close(None))) => panic!("a close frame without a code"),
            Some(Ok(_)) => continue,
            other => panic!("the socket ended without a close frame: {other:?}"),
        }
    }
}

/// The records of ended calls `user` may see (ListRecentCallDetailRecords).
async fn records(s: &Server, user: &str) -> Vec<Value> {
    let data = s
        .ok(
            user,
            "ListRecentCallDetailRecords",
            json!({"PageNumber": 1, "PageSize": 50}),
        )
        .await;
    data["List"].as_array().cloned().unwrap_or_default()
}

fn sip_contact(state: &Value, user: &str) -> Value {
    agent_in(state, user)["sipContact"].clone()
}

#[tokio::test]
async fn drop_closes_the_agents_push_and_sip_sockets() {
    let s = start().await;
    let mut phone = ready_phone(&s, A1).await;
    let contact = sip_contact(&s.state().await, A1);
    assert!(
        contact
            .as_str()
            .is_some_and(|c| c.starts_with("sip:ph8001@phone.invalid")),
        "{contact}"
    );
    let (mut push1, _) = s.push_socket(A1).await;
    let (mut push2, _) = s.push_socket(A1).await;
    let (mut other, _) = s.push_socket(A2).await;

    // Push only: both of A1's push sockets get 1012 with a reason; the phone keeps its socket and binding.
    let (st, body) = drop_sockets(&s, A1, Some(r#"{"push": true}"#)).await;
    assert_eq!((st, body), (200, json!({"push": 2, "sip": 0})));
    for ws in [&mut push1, &mut push2] {
        let frame = close_frame(ws).await;
        assert_eq!(u16::from(frame.code), 1012, "{frame:?}");
        assert!(frame.reason.contains("dropped"), "{frame:?}");
    }
    phone
        .assert_nothing_queued("the phone kept its socket")
        .await;
    assert_eq!(sip_contact(&s.state().await, A1), contact);

    // An empty body is both: nothing is left on the push side; the phone's socket ends and its binding goes.
    let (st, body) = drop_sockets(&s, A1, None).await;
    assert_eq!((st, body), (200, json!({"push": 0, "sip": 1})));
    phone.wait_closed().await;
    assert!(sip_contact(&s.state().await, A1).is_null());
    let (st, body) = drop_sockets(&s, A1, Some(r#"{"sip": true, "push": true}"#)).await;
    assert_eq!((st, body), (200, json!({"push": 0, "sip": 0})));

    // Another agent's socket is untouched: it still gets its pushes.
    s.register(A2).await;
    let pushed = next_push(&mut other).await;
    assert_eq!(pushed["UserContext"]["UserId"], A2);

    // A fresh push socket and a phone that registers again work as before.
    let (_again, first) = s.push_socket(A1).await;
    assert_eq!(first["UserContext"]["UserId"], A1);
    let mut phone = connect(&s, A1).await;
    phone.register().await;
    assert_eq!(sip_contact(&s.state().await, A1), contact);
}

#[tokio::test]
async fn drop_answers_404_for_an_unknown_agent_and_400_for_a_bad_body() {
    let s = start().await;
    let (st, body) = drop_sockets(&s, "ghost@ccc-demo", None).await;
    assert_eq!(st, 404, "{body}");
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("ghost@ccc-demo")),
        "{body}"
    );
    assert_eq!(keys(&body), ["error"]);
    for bad in [
        "not json",
        r#"{"push": "yes"}"#,
        r#"{"network": true}"#,
        "[true, true]",
    ] {
        let (st, body) = drop_sockets(&s, A1, Some(bad)).await;
        assert_eq!(st, 400, "{bad}: {body}");
        let error = body["error"].as_str().unwrap_or_default();
        assert!(
            error.contains(r#"{"push": true|false, "sip": true|false}"#),
            "{bad}: {body}"
        );
    }
    // A body naming neither flag drops nothing.
    let (st, body) = drop_sockets(&s, A1, Some("{}")).await;
    assert_eq!((st, body), (200, json!({"push": 0, "sip": 0})));
}

#[tokio::test]
async fn a_phone_that_registers_again_mid_call_gets_the_call_back_with_voice() {
    let grace = Duration::from_millis(1500);
    let s = start_with(with_grace(1500), no_dist()).await;
    let (mut phone, mut call, invite, job) = ringing_inbound(&s, "13800000101").await;
    let browser = Bridge::new(BridgeConfig::default());
    phone.answer(&mut call, &invite, &browser, 660.0).await;
    s.wait_state(A1, "TALKING").await;
    wait_media(&s, &job, "the customer hearing the phone's 660 Hz", |m| {
        near(&m["customer"]["dominantHz"], 660.0)
    })
    .await;

    // The network drops the phone's socket mid-call: the call goes on without the agent's leg.
    let lost_at = Instant::now();
    let (st, body) = drop_sockets(&s, A1, Some(r#"{"sip": true}"#)).await;
    assert_eq!((st, body), (200, json!({"push": 0, "sip": 1})));
    phone.wait_closed().await;
    wait_media(&s, &job, "the agent's leg leaving the bridge", |m| {
        m["agents"].get(A1).is_none()
    })
    .await;
    assert_eq!(s.call_view(&job).await["state"], "talking");
    assert_eq!(s.agent(A1).await["state"], "TALKING");

    // The phone reconnects and registers again (a reload): the same job is offered back, auto-answered.
    let mut phone = connect(&s, A1).await;
    phone.register().await;
    let (mut call, invite) = phone.ring().await;
    assert_eq!(
        header(&invite, "X-CCC-JobId").as_deref(),
        Some(job.as_str())
    );
    assert_eq!(
        header(&invite, "Call-Info").as_deref(),
        Some("<sip:emulator>;answer-after=0")
    );
    assert_eq!(
        invite.headers.from().unwrap().uri.to_string(),
        "sip:13800000101@ccc-emulator"
    );
    let browser = Bridge::new(BridgeConfig::default());
    let leg = phone.answer(&mut call, &invite, &browser, 880.0).await;

    // Voice both ways again, on the new leg.
    let media = wait_media(&s, &job, "the customer hearing the new leg's 880 Hz", |m| {
        near(&m["customer"]["dominantHz"], 880.0)
    })
    .await;
    wait_hears(&browser, leg, 440.0).await;
    wait_media(&s, &job, "the new agent leg receiving packets", |m| {
        m["agents"][A1]["connected"] == true
            && m["agents"][A1]["packetsReceived"].as_u64() > Some(0)
    })
    .await;

    // Past the grace the call is still up: the customer keeps hearing the agent for longer than the grace.
    let heard = media["customer"]["heardMs"].as_u64().unwrap_or(0);
    let wanted = heard + grace.as_millis() as u64 + 500;
    wait_media(
        &s,
        &job,
        "the customer hearing the agent past the grace",
        |m| {
            m["customer"]["heardMs"].as_u64() >= Some(wanted)
                && near(&m["customer"]["dominantHz"], 880.0)
        },
    )
    .await;
    assert!(lost_at.elapsed() > grace);
    let state = s.state().await;
    assert_eq!(call_in(&state, &job)["state"], "talking", "{state}");
    assert_eq!(agent_in(&state, A1)["state"], "TALKING");

    // A REGISTER refresh while the leg is up invites nobody again.
    phone.register().await;
    phone
        .assert_nothing_queued("no second INVITE while the leg is up")
        .await;

    // The customer hangs up: the new leg gets the BYE.
    s.post_json(&format!("/emulator/v1/calls/{job}/hangup"), json!({}))
        .await;
    let bye = phone.recv_request(ccc_sip::Method::Bye).await;
    let notices = phone.handle(&mut call, CallEvent::Request(bye)).await;
    assert!(
        matches!(notices[..], [CallNotice::Ended { .. }]),
        "{notices:?}"
    );
    s.wait_state(A1, "WORKING").await;
}

#[tokio::test]
async fn an_agent_leg_gone_for_the_grace_releases_the_call() {
    let grace = Duration::from_millis(1000);
    let s = start_with(with_grace(1000), no_dist()).await;
    // Agent 2 talks with no phone at all (the API only): the grace never ends its call.
    s.register(A2).await;
    let api_only = s.talking_inbound(A2, "13800000201").await;
    let (mut phone, mut call, invite, job) = ringing_inbound(&s, "13800000202").await;
    let browser = Bridge::new(BridgeConfig::default());
    phone.answer(&mut call, &invite, &browser, 660.0).await;
    s.wait_state(A1, "TALKING").await;
    wait_media(&s, &job, "the customer hearing the phone", |m| {
        near(&m["customer"]["dominantHz"], 660.0)
    })
    .await;

    assert!(
        !s.agent(A1).await["sipContact"].is_null(),
        "A1's phone is registered"
    );
    // From the loss on, virtual time stands still and moves only as the test says; the media are frozen
    // meanwhile (no voice is measured in that window).
    let clock = HeldClock::hold();
    tokio::time::pause();
    let lost_at = clock.now();
    let (st, body) = drop_sockets(&s, A1, Some(r#"{"sip": true}"#)).await;
    assert_eq!((st, body), (200, json!({"push": 0, "sip": 1})));
    assert!(
        !s.call_view(&job).await.is_null(),
        "the call waits for the phone"
    );
    // The SIP service forgets the connection's binding in the same step as it reports the lost leg: from
    // then on the grace timer is armed, at `lost_at` (the clock has not moved).
    clock
        .until("A1's binding gone with its socket", async || {
            s.agent(A1).await["sipContact"].is_null()
        })
        .await;

    // The phone does not come back: after the grace the call is released as the agent's hang-up — not
    // 1 ms before it.
    clock
        .assert_fires_at("the abandoned call released", lost_at, grace, async || {
            s.call_view(&job).await.is_null()
        })
        .await;
    let released_after = clock.now() - lost_at;
    assert!(
        released_after >= grace,
        "released after {released_after:?}, before the grace"
    );
    drop(clock);
    tokio::time::resume();
    phone.wait_closed().await;
    let state = s.state().await;
    assert_eq!(agent_in(&state, A1)["state"], "WORKING", "{state}");
    let (st, _) = s.get_json(&format!("/emulator/v1/calls/{job}")).await;
    assert_eq!(st, 404, "the customer leg is gone with the call");
    let data = s.ok(A1, "PollUserStatus", json!({})).await;
    let ended = &data["CallContext"];
    assert_eq!(ended["JobId"], job.as_str(), "{data}");
    assert!(
        ended["ChannelContexts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["ChannelState"] == "RELEASED" && c["ReleaseInitiator"] == "8001"),
        "released by the agent's side: {data}"
    );
    let cdrs = records(&s, A1).await;
    let cdr = cdrs
        .iter()
        .find(|r| r["ContactId"] == job.as_str())
        .unwrap_or_else(|| panic!("no record of {job}: {cdrs:?}"));
    assert_eq!(cdr["CallingNumber"], "13800000202", "{cdr}");

    // The call without a phone is untouched.
    assert_eq!(call_in(&state, &api_only)["state"], "talking", "{state}");
    assert_eq!(agent_in(&state, A2)["state"], "TALKING");

    // A phone registering after the release is offered nothing.
    let mut phone = connect(&s, A1).await;
    phone.register().await;
    phone
        .assert_nothing_queued("no INVITE for a released call")
        .await;
}

#[tokio::test]
async fn an_unregister_mid_call_ends_the_leg_not_the_call_and_a_new_register_gets_it_back() {
    let grace = Duration::from_millis(1500);
    let s = start_with(with_grace(1500), no_dist()).await;
    let (mut phone, mut call, invite, job) = ringing_inbound(&s, "13800000501").await;
    let browser = Bridge::new(BridgeConfig::default());
    phone.answer(&mut call, &invite, &browser, 660.0).await;
    s.wait_state(A1, "TALKING").await;

    // Expires: 0 on the same socket: the binding goes and the emulator ends the leg with a BYE.
    let lost_at = Instant::now();
    let pw = phone.password.clone();
    let (_, gone) = phone.register_with(0, &pw).await;
    assert_eq!(gone.status.code(), 200);
    let bye = phone.recv_request(ccc_sip::Method::Bye).await;
    let notices = phone.handle(&mut call, CallEvent::Request(bye)).await;
    assert!(
        matches!(notices[..], [CallNotice::Ended { .. }]),
        "{notices:?}"
    );
    let state = s.state().await;
    assert!(sip_contact(&state, A1).is_null(), "{state}");
    assert_eq!(
        call_in(&state, &job)["state"],
        "talking",
        "the call goes on"
    );
    assert_eq!(agent_in(&state, A1)["state"], "TALKING");

    // Registering again on the same socket: the call comes back, auto-answered, with voice.
    phone.register().await;
    let (mut call, invite) = phone.ring().await;
    assert_eq!(
        header(&invite, "X-CCC-JobId").as_deref(),
        Some(job.as_str())
    );
    assert!(header(&invite, "Call-Info").is_some_and(|c| c.contains("answer-after=0")));
    let browser = Bridge::new(BridgeConfig::default());
    let leg = phone.answer(&mut call, &invite, &browser, 1000.0).await;
    let media = wait_media(&s, &job, "the customer hearing the new leg", |m| {
        near(&m["customer"]["dominantHz"], 1000.0)
    })
    .await;
    wait_hears(&browser, leg, 440.0).await;
    // The leg is back in time: the grace does not end the call.
    let wanted =
        media["customer"]["heardMs"].as_u64().unwrap_or(0) + grace.as_millis() as u64 + 500;
    wait_media(
        &s,
        &job,
        "the customer hearing the agent past the grace",
        |m| m["customer"]["heardMs"].as_u64() >= Some(wanted),
    )
    .await;
    assert!(lost_at.elapsed() > grace);
    assert_eq!(s.agent(A1).await["state"], "TALKING");
}

#[tokio::test]
async fn a_bye_from_the_phone_still_releases_at_once() {
    // A grace far longer than the test: only the BYE can end the call.
    let s = start_with(with_grace(600_000), no_dist()).await;
    let (mut phone, mut call, invite, job) = ringing_inbound(&s, "13800000301").await;
    let browser = Bridge::new(BridgeConfig::default());
    phone.answer(&mut call, &invite, &browser, 660.0).await;
    s.wait_state(A1, "TALKING").await;
    phone.handle(&mut call, CallEvent::Hangup).await;
    let ok = phone.recv_response().await;
    assert_eq!(ok.status.code(), 200);
    phone.handle(&mut call, CallEvent::Response(ok)).await;
    let state = s
        .wait_until("the call released by the BYE", |st| {
            call_in(st, &job).is_null()
        })
        .await;
    assert_eq!(agent_in(&state, A1)["state"], "WORKING");
    assert!(records(&s, A1)
        .await
        .iter()
        .any(|r| r["ContactId"] == job.as_str()));
    // Registering again gets no INVITE: the agent released that call.
    phone.register().await;
    phone.assert_nothing_queued("no INVITE after the BYE").await;
}

#[tokio::test]
async fn the_newest_binding_gets_the_next_invites_and_takes_over_a_lost_leg() {
    let s = start().await;
    let mut tab1 = ready_phone(&s, A1).await;
    // A second tab registers while the first tab's socket is still open.
    let mut tab2 = connect_as(&s, A1, Some("tab2-8001")).await;
    tab2.register().await;
    let contact = sip_contact(&s.state().await, A1);
    assert!(
        contact
            .as_str()
            .is_some_and(|c| c.starts_with("sip:tab2-8001@phone.invalid")),
        "{contact}"
    );

    let (st, body) = s.inbound(json!({"caller": "13800000401"})).await;
    assert_eq!((st, body["userId"].as_str()), (200, Some(A1)), "{body}");
    let job = body["jobId"].as_str().unwrap().to_owned();
    let (mut c2, i2) = tab2.ring().await;
    assert!(
        i2.uri
            .to_string()
            .starts_with("sip:tab2-8001@phone.invalid"),
        "{}",
        i2.uri
    );
    assert_eq!(header(&i2, "X-CCC-JobId").as_deref(), Some(job.as_str()));
    tab1.assert_nothing_queued("the replaced binding gets no INVITE")
        .await;
    let b2 = Bridge::new(BridgeConfig::default());
    tab2.answer(&mut c2, &i2, &b2, 660.0).await;
    s.wait_state(A1, "TALKING").await;
    wait_media(&s, &job, "the customer hearing the second tab", |m| {
        near(&m["customer"]["dominantHz"], 660.0)
    })
    .await;

    // The first tab registers again (newest binding now) while the second tab's leg is up: no INVITE yet.
    tab1.register().await;
    tab1.assert_nothing_queued("no INVITE while the agent's leg is up")
        .await;
    // The second tab closes: its leg is lost and the call goes at once to the first tab, auto-answered.
    tab2.ws.close(None).await.unwrap();
    let (mut c1, i1) = tab1.ring().await;
    assert_eq!(header(&i1, "X-CCC-JobId").as_deref(), Some(job.as_str()));
    assert_eq!(
        header(&i1, "Call-Info").as_deref(),
        Some("<sip:emulator>;answer-after=0")
    );
    let b1 = Bridge::new(BridgeConfig::default());
    let l1 = tab1.answer(&mut c1, &i1, &b1, 1000.0).await;
    wait_media(&s, &job, "the customer hearing the first tab", |m| {
        near(&m["customer"]["dominantHz"], 1000.0)
    })
    .await;
    wait_hears(&b1, l1, 440.0).await;
    assert_eq!(s.agent(A1).await["state"], "TALKING");
}

#[tokio::test]
async fn after_a_restart_old_tokens_get_4401_and_fresh_ones_connect() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let first = start_on(listener, fast_config(), no_dist());
    let login = first.ok(A1, "GetLoginDetails", json!({})).await;
    let old_url = login["AgentServerUrl"].as_str().unwrap().to_owned();
    let old_password = login["Signature2"].as_str().unwrap().to_owned();
    let (mut ws, snapshot) = first.push_socket(A1).await;
    assert_eq!(snapshot["UserContext"]["UserId"], A1);

    // The server stops: its push sockets are closed as a restart (1012), not left hanging.
    first.stop().await;
    let frame = close_frame(&mut ws).await;
    assert_eq!(u16::from(frame.code), 1012, "{frame:?}");
    assert!(frame.reason.contains("restart"), "{frame:?}");

    // The same port again, a new run: the old token is closed with 4401 and a reason.
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let second = start_on(listener, fast_config(), no_dist());
    let (mut ws, _) = tokio_tungstenite::connect_async(old_url.as_str())
        .await
        .unwrap();
    let frame = close_frame(&mut ws).await;
    assert_eq!(u16::from(frame.code), 4401, "{frame:?}");
    assert!(
        frame.reason.contains("unknown token") && frame.reason.contains("GetLoginDetails"),
        "{frame:?}"
    );

    // GetLoginDetails gives a fresh token for the same address, and it connects.
    let login = second.ok(A1, "GetLoginDetails", json!({})).await;
    let new_url = login["AgentServerUrl"].as_str().unwrap().to_owned();
    assert_ne!(new_url, old_url);
    assert!(new_url.starts_with(&format!("ws://{addr}/")), "{new_url}");
    let (mut ws, _) = tokio_tungstenite::connect_async(new_url.as_str())
        .await
        .unwrap();
    let pushed = next_push(&mut ws).await;
    assert_eq!(pushed["UserContext"]["UserId"], A1);

    // The SIP password is new too: the old one is refused, the new one registers.
    let mut phone = connect(&second, A1).await;
    assert_ne!(phone.password, old_password);
    let (_, refused) = phone.register_with(600, &old_password).await;
    assert_eq!(refused.status.code(), 403);
    phone.register().await;
}
