//! Interop with the panel's own SIP user agent (`ccc_sip::ua::UserAgent`, what `src/softphone.rs` drives in
//! the browser), run natively over a real WebSocket: it registers with the emulator from GetLoginDetails,
//! rings for an inbound call, answers with a `ccc-media` bridge standing in for the browser's
//! RTCPeerConnection, carries voice both ways, and hangs up; MakeCall's leg is answered at once.

mod common;

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use ccc_media::{Bridge, BridgeConfig, LegId, Source};
use ccc_sip::ids::SeqIds;
use ccc_sip::ua::{CallRef, EndReason, TimerId, UaConfig, UaEvent, UaInput, UaOutput, UserAgent};
use ccc_sip::{Scheme, SipUri};
use common::voice::{wait_hears, wait_media};
use common::*;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// The panel's user agent on a WebSocket, with its timers.
struct PanelPhone {
    ws: Ws,
    ua: UserAgent,
    ids: SeqIds,
    timers: Vec<(Instant, TimerId)>,
    events: VecDeque<UaEvent>,
}

impl PanelPhone {
    /// Connects as the panel does from GetLoginDetails (`SoftPhone` / `SipAccount::from_login`).
    async fn login(s: &Server, user: &str) -> PanelPhone {
        let login = s.ok(user, "GetLoginDetails", json!({})).await;
        let url = login["SipServerUrl"].as_str().unwrap();
        let ext = login["Extension"].as_str().unwrap();
        let authority = url.split("://").nth(1).unwrap().split('/').next().unwrap();
        let domain = authority.rsplit_once(':').map_or(authority, |(h, _)| h);
        let mut req = url.into_client_request().unwrap();
        req.headers_mut()
            .insert("Sec-WebSocket-Protocol", "sip".parse().unwrap());
        let (ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
        let ua = UserAgent::new(UaConfig {
            aor: SipUri::new(Scheme::Sip, domain).with_user(ext),
            username: ext.into(),
            password: login["Signature2"].as_str().unwrap().into(),
            display_name: Some(login["DisplayName"].as_str().unwrap_or_default().into()),
            registrar: SipUri::new(Scheme::Sip, domain),
            via_host: "k6p2v.invalid".into(),
            via_transport: "WS".into(),
            contact: SipUri::new(Scheme::Sip, "k6p2v.invalid")
                .with_user("k6p2v")
                .with_param("transport", Some("ws")),
            expires: 600,
            user_agent: "ccc-workbench".into(),
            keepalive_ms: 25_000,
        });
        PanelPhone {
            ws,
            ua,
            ids: SeqIds::new("ua"),
            timers: Vec::new(),
            events: VecDeque::new(),
        }
    }

    async fn input(&mut self, input: UaInput) {
        let out = self.ua.handle(input, &mut self.ids);
        for o in out {
            match o {
                UaOutput::Send(bytes) => {
                    let text = String::from_utf8(bytes).unwrap();
                    self.ws.send(WsMessage::Text(text.into())).await.unwrap();
                }
                UaOutput::ArmTimer { id, after_ms } => self
                    .timers
                    .push((Instant::now() + Duration::from_millis(after_ms), id)),
                UaOutput::Event(e) => self.events.push_back(e),
            }
        }
    }

    /// Runs the agent (frames and timers) until an event matching `pred` (10 s deadline); returns it.
    async fn until(&mut self, what: &str, pred: impl Fn(&UaEvent) -> bool) -> UaEvent {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(at) = self.events.iter().position(&pred) {
                return self.events.remove(at).unwrap();
            }
            assert!(
                Instant::now() < deadline,
                "never {what}; events: {:?}",
                self.events
            );
            self.timers.sort();
            if let Some(&(at, id)) = self.timers.first() {
                if at <= Instant::now() {
                    self.timers.remove(0);
                    self.input(UaInput::Timer(id)).await;
                    continue;
                }
            }
            let wait = self
                .timers
                .first()
                .map_or(deadline, |(at, _)| (*at).min(deadline))
                .saturating_duration_since(Instant::now());
            match tokio::time::timeout(wait, self.ws.next()).await {
                Err(_) => {}
                Ok(Some(Ok(WsMessage::Text(t)))) => {
                    self.input(UaInput::Frame(t.as_bytes().to_vec())).await
                }
                Ok(Some(Ok(_))) => {}
                Ok(other) => panic!("the SIP socket ended: {other:?}"),
            }
        }
    }

    async fn register(&mut self) {
        self.input(UaInput::Register).await;
        let e = self
            .until("registered", |e| {
                matches!(
                    e,
                    UaEvent::Registered { .. } | UaEvent::RegistrationFailed { .. }
                )
            })
            .await;
        assert_eq!(e, UaEvent::Registered { expires: 600 });
    }

    /// Answers `call` (its offer `sdp`) through `bridge`, speaking `hz`; returns the browser-side leg.
    async fn answer(&mut self, call: CallRef, offer: &str, bridge: &Bridge, hz: f32) -> LegId {
        let (leg, answer) = bridge.answer(offer).await.unwrap();
        let voice = bridge.add_virtual(Source::Tone { hz });
        bridge.set_hears(leg, &[voice]);
        self.input(UaInput::Answer { call, sdp: answer }).await;
        self.until("confirmed", |e| matches!(e, UaEvent::Confirmed { .. }))
            .await;
        leg
    }
}

fn near(v: &Value, hz: f64) -> bool {
    v.as_f64().is_some_and(|f| (f - hz).abs() < 25.0)
}

#[tokio::test]
async fn the_panel_user_agent_takes_an_inbound_call_with_voice() {
    let s = start().await;
    s.register(A1).await;
    let mut phone = PanelPhone::login(&s, A1).await;
    phone.register().await;
    let (_, body) = s.inbound(json!({"caller": "13800000011"})).await;
    let job = body["jobId"].as_str().unwrap().to_owned();

    let UaEvent::Incoming {
        call,
        from_user,
        from_display,
        to_user,
        sdp,
        auto_answer,
        headers,
    } = phone
        .until("an incoming call", |e| {
            matches!(e, UaEvent::Incoming { .. })
        })
        .await
    else {
        unreachable!()
    };
    assert_eq!(from_user, "13800000011");
    assert_eq!(from_display.as_deref(), Some("13800000011"));
    assert_eq!(to_user, "8001");
    assert!(!auto_answer);
    assert_eq!(ccc_sip::ua::job_id(&headers), Some(job.as_str()));

    let browser = Bridge::new(BridgeConfig::default());
    let leg = phone
        .answer(call, &sdp.expect("an offer"), &browser, 660.0)
        .await;
    s.wait_state(A1, "TALKING").await;
    wait_media(&s, &job, "the customer hearing the agent", |m| {
        near(&m["customer"]["dominantHz"], 660.0)
    })
    .await;
    wait_hears(&browser, leg, 440.0).await;

    // DTMF from the panel is recorded on the call.
    phone
        .input(UaInput::Dtmf {
            call,
            digit: '7',
            duration_ms: 100,
        })
        .await;
    s.wait_until("DTMF 7 recorded", |st| {
        call_in(st, &job)["channels"]
            .as_array()
            .is_some_and(|chs| chs.iter().any(|c| c["dtmfReceived"] == "7"))
    })
    .await;

    // The agent hangs up on the panel: the call is released.
    phone.input(UaInput::Hangup { call }).await;
    let ended = phone
        .until("ended", |e| matches!(e, UaEvent::Ended { .. }))
        .await;
    assert_eq!(
        ended,
        UaEvent::Ended {
            call,
            reason: EndReason::Local
        }
    );
    s.wait_state(A1, "WORKING").await;
}

#[tokio::test]
async fn the_panel_user_agent_auto_answers_make_call_and_hears_the_customer_hang_up() {
    let s = start().await;
    s.register(A1).await;
    let mut phone = PanelPhone::login(&s, A1).await;
    phone.register().await;
    let made = s.ok(A1, "MakeCall", json!({"Callee": "13900000001"})).await;
    let job = made["CallContext"]["JobId"].as_str().unwrap().to_owned();
    let UaEvent::Incoming {
        call,
        sdp,
        auto_answer,
        ..
    } = phone
        .until("the agent's own leg", |e| {
            matches!(e, UaEvent::Incoming { .. })
        })
        .await
    else {
        unreachable!()
    };
    assert!(auto_answer, "MakeCall's first leg is answered at once");
    let browser = Bridge::new(BridgeConfig::default());
    phone.answer(call, &sdp.unwrap(), &browser, 660.0).await;
    s.wait_state(A1, "TALKING").await;

    s.post_json(&format!("/emulator/v1/calls/{job}/hangup"), json!({}))
        .await;
    let ended = phone
        .until("ended", |e| matches!(e, UaEvent::Ended { .. }))
        .await;
    assert_eq!(
        ended,
        UaEvent::Ended {
            call,
            reason: EndReason::Remote
        }
    );
    s.wait_state(A1, "WORKING").await;
}
