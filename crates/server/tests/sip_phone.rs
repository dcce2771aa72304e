//! The soft phones' SIP over WebSocket (`/emulator/ws/sip`): a test phone built on `ccc-sip` registers, gets
//! the emulator's INVITEs and talks through a second `ccc-media` bridge standing in for the browser (the
//! phone is `common/phone.rs`).

mod common;

use ccc_media::{Bridge, BridgeConfig};
use ccc_sip::call::{CallEvent, CallNotice};
use ccc_sip::Method;
use common::phone::*;
use common::voice::{near, wait_heard, wait_hears, wait_media};
use common::*;
use serde_json::json;

#[tokio::test]
async fn refuses_an_upgrade_without_the_sip_subprotocol() {
    let s = start().await;
    let url = format!("ws://{}/emulator/ws/sip", s.addr);
    let err = tokio_tungstenite::connect_async(url).await.unwrap_err();
    let tokio_tungstenite::tungstenite::Error::Http(resp) = err else {
        panic!("expected an HTTP refusal, got {err:?}")
    };
    assert_eq!(resp.status(), 400);
    let body = String::from_utf8_lossy(resp.body().as_deref().unwrap_or_default()).into_owned();
    assert!(body.contains("subprotocol `sip`"), "{body}");
}

#[tokio::test]
async fn registers_with_digest_and_unregisters() {
    let s = start().await;
    let mut phone = connect(&s, A1).await;
    let pw = phone.password.clone();
    let (chal, ok) = phone.register_with(3600, &pw).await;
    let c = chal.headers.www_authenticate().next().unwrap().to_string();
    assert!(
        c.starts_with(r#"Digest realm="ccc-emulator", nonce=""#)
            && c.ends_with(r#", qop="auth", algorithm=MD5"#),
        "{c}"
    );
    assert_eq!(ok.status.code(), 200);
    assert_eq!(ok.headers.expires(), Some(600));
    let contact = ok.headers.contacts().next().expect("the binding");
    assert_eq!(contact.expires(), Some(600));
    assert!(contact
        .uri
        .to_string()
        .starts_with("sip:ph8001@phone.invalid"));

    // Too short: 423 with Min-Expires.
    let (_, short) = phone.register_with(30, &pw).await;
    assert_eq!(
        (short.status.code(), short.headers.min_expires()),
        (423, Some(60))
    );
    // Expires: 0 removes the binding.
    let (_, gone) = phone.register_with(0, &pw).await;
    assert_eq!(gone.status.code(), 200);
    assert_eq!(gone.headers.contacts().count(), 0);
}

#[tokio::test]
async fn a_wrong_password_is_403_after_the_retry() {
    let s = start().await;
    let mut phone = connect(&s, A1).await;
    let (chal, refused) = phone.register_with(600, "not-the-password").await;
    assert_eq!(chal.status.code(), 401);
    assert_eq!(refused.status.code(), 403);
}

#[tokio::test]
async fn answers_keep_alive_pings_and_options() {
    let s = start().await;
    let mut phone = connect(&s, A1).await;
    phone.send_text("\r\n\r\n".into()).await;
    assert_eq!(phone.recv_text().await, "\r\n");
    let text = format!(
        "OPTIONS sip:{} SIP/2.0\r\nVia: SIP/2.0/WS phone.invalid;branch=z9hG4bKopt1\r\nMax-Forwards: 70\r\n\
         From: <sip:8001@{0}>;tag=o1\r\nTo: <sip:{0}>\r\nCall-ID: opt1\r\nCSeq: 1 OPTIONS\r\n\
         Content-Length: 0\r\n\r\n",
        phone.host
    );
    phone.send_text(text).await;
    let ok = phone.recv_response().await;
    assert_eq!(ok.status.code(), 200);
    assert!(ok.headers.allow().any(|m| *m == Method::Invite));
}

#[tokio::test]
async fn unknown_calls_are_404() {
    let s = start().await;
    let (st, body) = s.get_json("/emulator/v1/calls/job-nope").await;
    assert_eq!(st, 404);
    assert!(
        body["error"].as_str().unwrap().contains("job-nope"),
        "{body}"
    );
}

#[tokio::test]
async fn inbound_call_rings_the_phone_and_carries_voice_both_ways() {
    let s = start().await;
    let (mut phone, mut call, invite, job) = ringing_inbound(&s, "13800000001").await;
    assert_eq!(
        header(&invite, "X-CCC-JobId").as_deref(),
        Some(job.as_str())
    );
    let from = invite.headers.from().unwrap();
    assert_eq!(from.display_name().as_deref(), Some("13800000001"));
    assert_eq!(from.uri.to_string(), "sip:13800000001@ccc-emulator");
    assert_eq!(
        invite.headers.to().unwrap().uri.to_string(),
        format!("sip:8001@{}", phone.host)
    );
    assert!(invite
        .uri
        .to_string()
        .starts_with("sip:ph8001@phone.invalid"));
    assert!(
        header(&invite, "Call-Info").is_none(),
        "an offered call rings"
    );
    assert!(invite
        .headers
        .content_type()
        .is_some_and(|t| t.is("application", "sdp")));
    assert!(String::from_utf8_lossy(&invite.body).contains("m=audio"));
    assert_eq!(s.agent(A1).await["state"], "RINGING");

    // The phone answers (200 with the browser bridge's SDP answer): the call is talking.
    let browser = Bridge::new(BridgeConfig::default());
    let leg = phone.answer(&mut call, &invite, &browser, 660.0).await;
    s.wait_state(A1, "TALKING").await;
    // The panel's AnswerCall arriving second is a no-op failure, not a second answer.
    let (st, _) = s.err(A1, "AnswerCall", json!({"JobId": job})).await;
    assert_ne!(st, 200);

    // The customer hears the phone's 660 Hz; the phone hears the customer's 440 Hz.
    let media = wait_media(&s, &job, "the customer hearing 660 Hz", |m| {
        near(&m["customer"]["dominantHz"], 660.0)
    })
    .await;
    assert_eq!(media["state"], "talking");
    assert_eq!(media["jobId"], job.as_str());
    wait_hears(&browser, leg, 440.0).await;
    wait_media(&s, &job, "the agent leg receiving packets", |m| {
        m["agents"][A1]["packetsReceived"].as_u64() > Some(0)
            && m["agents"][A1]["connected"] == true
    })
    .await;

    // DTMF by SIP INFO is recorded on the call.
    let notices = phone
        .handle(
            &mut call,
            CallEvent::Dtmf {
                signal: '5',
                duration_ms: 160,
            },
        )
        .await;
    assert!(notices.is_empty());
    let ok = phone.recv_response().await;
    assert_eq!(ok.status.code(), 200);
    phone.handle(&mut call, CallEvent::Response(ok)).await;
    s.wait_until("DTMF 5 recorded", |st| {
        call_in(st, &job)["channels"]
            .as_array()
            .is_some_and(|chs| chs.iter().any(|c| c["dtmfReceived"] == "5"))
    })
    .await;

    // The customer hangs up: the phone gets a BYE.
    let (st, _) = s
        .post_json(&format!("/emulator/v1/calls/{job}/hangup"), json!({}))
        .await;
    assert_eq!(st, 200);
    let bye = phone.recv_request(Method::Bye).await;
    let notices = phone.handle(&mut call, CallEvent::Request(bye)).await;
    assert!(
        matches!(notices[..], [CallNotice::Ended { .. }]),
        "{notices:?}"
    );
    s.wait_state(A1, "WORKING").await;
    let (st, _) = s.get_json(&format!("/emulator/v1/calls/{job}")).await;
    assert_eq!(st, 404);
}

#[tokio::test]
async fn a_bye_from_the_phone_releases_the_call() {
    let s = start().await;
    let (mut phone, mut call, invite, job) = ringing_inbound(&s, "13800000002").await;
    let browser = Bridge::new(BridgeConfig::default());
    phone.answer(&mut call, &invite, &browser, 660.0).await;
    s.wait_state(A1, "TALKING").await;
    phone.handle(&mut call, CallEvent::Hangup).await;
    let ok = phone.recv_response().await;
    assert_eq!(ok.status.code(), 200);
    let notices = phone.handle(&mut call, CallEvent::Response(ok)).await;
    assert!(
        matches!(notices[..], [CallNotice::Ended { .. }]),
        "{notices:?}"
    );
    s.wait_state(A1, "WORKING").await;
    assert!(call_in(&s.state().await, &job).is_null());
}

#[tokio::test]
async fn declining_on_the_phone_rejects_and_release_cancels() {
    let s = start().await;
    let (mut phone, mut call, _, job) = ringing_inbound(&s, "13800000003").await;
    // 486 from the phone: the ringing call is rejected (BREAK RejectCall).
    phone
        .handle(
            &mut call,
            CallEvent::Reject {
                status: ccc_sip::StatusCode::BUSY_HERE,
            },
        )
        .await;
    let ack = phone.recv_request(Method::Ack).await;
    assert_eq!(ack.headers.call_id(), Some(call.call_id()));
    let agent = s.wait_state(A1, "BREAK").await;
    assert_eq!(agent["breakCode"], "RejectCall");
    assert!(call_in(&s.state().await, &job).is_null());

    // The caller gives up while the phone rings: CANCEL.
    s.ok(A1, "ReadyForService", json!({})).await;
    let (st, body) = s.inbound(json!({"caller": "13800000004"})).await;
    assert_eq!(st, 200, "{body}");
    let job = body["jobId"].as_str().unwrap().to_owned();
    let (mut call, _) = phone.ring().await;
    s.post_json(&format!("/emulator/v1/calls/{job}/hangup"), json!({}))
        .await;
    let cancel = phone.recv_request(Method::Cancel).await;
    let notices = phone.handle(&mut call, CallEvent::Request(cancel)).await;
    assert_eq!(notices, [CallNotice::Cancelled]);
    let ack = phone.recv_request(Method::Ack).await;
    assert_eq!(ack.headers.cseq().unwrap().method, Method::Ack);
    s.wait_state(A1, "READY").await;
}

#[tokio::test]
async fn make_call_auto_answers_and_hold_plays_music_to_the_customer() {
    let s = start().await;
    s.register(A1).await;
    let mut phone = connect(&s, A1).await;
    phone.register().await;
    let made = s.ok(A1, "MakeCall", json!({"Callee": "13900000001"})).await;
    let job = made["CallContext"]["JobId"].as_str().unwrap().to_owned();
    let (mut call, invite) = phone.ring().await;
    assert_eq!(
        header(&invite, "Call-Info").as_deref(),
        Some("<sip:emulator>;answer-after=0")
    );
    assert_eq!(
        header(&invite, "X-CCC-JobId").as_deref(),
        Some(job.as_str())
    );
    assert_eq!(
        invite.headers.from().unwrap().uri.to_string(),
        "sip:13900000001@ccc-emulator"
    );
    let browser = Bridge::new(BridgeConfig::default());
    let leg = phone.answer(&mut call, &invite, &browser, 1000.0).await;
    s.wait_state(A1, "TALKING").await;
    wait_media(&s, &job, "the customer hearing 1000 Hz", |m| {
        near(&m["customer"]["dominantHz"], 1000.0)
    })
    .await;
    wait_hears(&browser, leg, 440.0).await;

    // Hold: the customer hears the music (its notes: C5 E5 G5), no longer the agent.
    s.ok(A1, "HoldCall", json!({"JobId": job})).await;
    wait_media(&s, &job, "the customer hearing the hold music", |m| {
        [523.25, 659.25, 783.99]
            .iter()
            .any(|hz| near(&m["customer"]["dominantHz"], *hz))
    })
    .await;
    // Retrieve: the agent again.
    s.ok(A1, "RetrieveCall", json!({"JobId": job})).await;
    wait_media(&s, &job, "the customer hearing the agent again", |m| {
        near(&m["customer"]["dominantHz"], 1000.0)
    })
    .await;

    // ReleaseCall: the phone gets a BYE.
    s.ok(A1, "ReleaseCall", json!({"JobId": job})).await;
    let bye = phone.recv_request(Method::Bye).await;
    let notices = phone.handle(&mut call, CallEvent::Request(bye)).await;
    assert!(
        matches!(notices[..], [CallNotice::Ended { .. }]),
        "{notices:?}"
    );
}

#[tokio::test]
async fn internal_calls_ring_the_callee_and_each_agent_hears_the_other() {
    let s = start().await;
    let mut p1 = ready_phone(&s, A1).await;
    let mut p2 = ready_phone(&s, A2).await;
    let made = s.ok(A1, "MakeCall", json!({"Callee": "8002"})).await;
    let job = made["CallContext"]["JobId"].as_str().unwrap().to_owned();

    // The caller's own leg auto-answers; the callee's phone rings.
    let (mut c1, i1) = p1.ring().await;
    assert!(header(&i1, "Call-Info").is_some_and(|c| c.contains("answer-after=0")));
    assert_eq!(
        i1.headers.from().unwrap().uri.to_string(),
        "sip:8002@ccc-emulator"
    );
    let (mut c2, i2) = p2.ring().await;
    assert!(header(&i2, "Call-Info").is_none());
    assert_eq!(
        i2.headers.from().unwrap().uri.to_string(),
        "sip:8001@ccc-emulator"
    );
    assert_eq!(header(&i2, "X-CCC-JobId").as_deref(), Some(job.as_str()));

    let b1 = Bridge::new(BridgeConfig::default());
    let b2 = Bridge::new(BridgeConfig::default());
    let l1 = p1.answer(&mut c1, &i1, &b1, 660.0).await;
    assert_eq!(
        s.agent(A2).await["state"],
        "RINGING",
        "auto-answer is not the callee's answer"
    );
    let l2 = p2.answer(&mut c2, &i2, &b2, 1000.0).await;
    s.wait_state(A1, "TALKING").await;
    s.wait_state(A2, "TALKING").await;
    wait_hears(&b1, l1, 1000.0).await;
    wait_hears(&b2, l2, 660.0).await;
    let media = wait_media(&s, &job, "both agent legs", |m| {
        m["agents"][A1]["connected"] == true && m["agents"][A2]["connected"] == true
    })
    .await;
    assert!(
        media["customer"].is_null(),
        "no customer in an internal call: {media}"
    );

    // A2 hangs up on its phone: the call ends, A1's phone gets a BYE.
    p2.handle(&mut c2, CallEvent::Hangup).await;
    let ok = p2.recv_response().await;
    p2.handle(&mut c2, CallEvent::Response(ok)).await;
    let bye = p1.recv_request(Method::Bye).await;
    let notices = p1.handle(&mut c1, CallEvent::Request(bye)).await;
    assert!(
        matches!(notices[..], [CallNotice::Ended { .. }]),
        "{notices:?}"
    );
    s.wait_state(A1, "WORKING").await;
    s.wait_state(A2, "WORKING").await;
}

#[tokio::test]
async fn a_monitoring_supervisor_auto_answers_and_hears_the_call() {
    let s = start().await;
    let (mut phone, mut call, invite, job) = ringing_inbound(&s, "13800000005").await;
    let browser = Bridge::new(BridgeConfig::default());
    phone.answer(&mut call, &invite, &browser, 660.0).await;
    s.wait_state(A1, "TALKING").await;

    let mut sup = ready_phone(&s, SUP).await;
    s.ok(SUP, "MonitorCall", json!({"MonitoredUserId": A1}))
        .await;
    let (mut sc, si) = sup.ring().await;
    assert!(header(&si, "Call-Info").is_some_and(|c| c.contains("answer-after=0")));
    assert_eq!(header(&si, "X-CCC-JobId").as_deref(), Some(job.as_str()));
    let sup_bridge = Bridge::new(BridgeConfig::default());
    let sl = sup.answer(&mut sc, &si, &sup_bridge, 1000.0).await;
    s.wait_state(SUP, "TALKING").await;
    // The supervisor hears the call (customer 440 Hz and agent 660 Hz mixed) …
    wait_heard(&sup_bridge, sl, "the supervisor to hear the call", |f| {
        (f - 440.0).abs() < 25.0 || (f - 660.0).abs() < 25.0
    })
    .await;
    // … and nobody hears the supervisor: the customer still hears only the agent.
    let media = wait_media(&s, &job, "a second of the supervisor's voice", |m| {
        m["agents"][SUP]["packetsReceived"].as_u64() > Some(50)
    })
    .await;
    assert!(near(&media["customer"]["dominantHz"], 660.0), "{media}");
    // The supervisor stops: its phone gets a BYE, the call goes on.
    s.ok(SUP, "ReleaseCall", json!({"JobId": job})).await;
    let bye = sup.recv_request(Method::Bye).await;
    sup.handle(&mut sc, CallEvent::Request(bye)).await;
    assert_eq!(s.agent(A1).await["state"], "TALKING");
}

#[tokio::test]
async fn a_blind_transfer_hangs_up_the_first_phone_and_rings_the_next() {
    let s = start().await;
    let (mut p1, mut c1, i1, job) = ringing_inbound(&s, "13800000006").await;
    let b1 = Bridge::new(BridgeConfig::default());
    p1.answer(&mut c1, &i1, &b1, 660.0).await;
    s.wait_state(A1, "TALKING").await;
    let mut p2 = ready_phone(&s, A2).await;

    s.ok(
        A1,
        "BlindTransfer",
        json!({"JobId": job, "Transferee": "8002"}),
    )
    .await;
    let bye = p1.recv_request(Method::Bye).await;
    p1.handle(&mut c1, CallEvent::Request(bye)).await;
    let (mut c2, i2) = p2.ring().await;
    assert_eq!(header(&i2, "X-CCC-JobId").as_deref(), Some(job.as_str()));
    assert!(header(&i2, "Call-Info").is_none());
    let b2 = Bridge::new(BridgeConfig::default());
    let l2 = p2.answer(&mut c2, &i2, &b2, 1000.0).await;
    s.wait_state(A2, "TALKING").await;
    wait_media(&s, &job, "the customer hearing the second agent", |m| {
        near(&m["customer"]["dominantHz"], 1000.0) && m["agents"][A1].is_null()
    })
    .await;
    wait_hears(&b2, l2, 440.0).await;
}
