//! str0m talking to str0m over 127.0.0.1 UDP: two bridges, one WebRTC leg each, a virtual customer
//! speaking on one side and a virtual listener measuring on the other.
//!
//! Every wait polls a condition every 50 ms against a deadline; nothing sleeps for a fixed time.

use std::time::{Duration, Instant};

use ccc_media::{Bridge, BridgeConfig, LegId, LegStats, MediaError, Source};

const DEADLINE: Duration = Duration::from_secs(15);
const POLL: Duration = Duration::from_millis(50);

/// Polls `bridge.stats(leg)` until `ok` holds; panics with the last stats at the deadline.
async fn wait_for(
    bridge: &Bridge,
    leg: LegId,
    what: &str,
    ok: impl Fn(&LegStats) -> bool,
) -> LegStats {
    let start = Instant::now();
    loop {
        let stats = bridge.stats(leg).expect("leg exists");
        if ok(&stats) {
            return stats;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "timed out waiting for {what}: {stats:?}"
        );
        tokio::time::sleep(POLL).await;
    }
}

fn near(hz: Option<f32>, want: f32) -> bool {
    hz.is_some_and(|hz| (hz - want).abs() <= 10.0)
}

/// Bridge 1 offers (leg A), bridge 2 answers (leg B).
async fn connected_pair() -> (Bridge, LegId, Bridge, LegId) {
    let b1 = Bridge::new(BridgeConfig::default());
    let b2 = Bridge::new(BridgeConfig::default());
    let (a, offer) = b1.offer().await.expect("offer");
    let (b, answer) = b2.answer(&offer).await.expect("answer");
    b1.accept_answer(a, &answer).await.expect("accept answer");
    wait_for(&b1, a, "A connected", |s| s.connected).await;
    wait_for(&b2, b, "B connected", |s| s.connected).await;
    (b1, a, b2, b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tone_crosses_the_bridge_both_ways() {
    let (b1, a, b2, b) = connected_pair().await;

    // Bridge 1: the customer speaks 440 Hz into leg A. Bridge 2: a listener hears leg B.
    let customer = b1.add_virtual(Source::Tone { hz: 440.0 });
    b1.set_hears(a, &[customer]);
    let agent = b2.add_virtual(Source::Silence);
    b2.set_hears(agent, &[b]);

    let heard = wait_for(&b2, agent, "440 Hz at the far listener", |s| {
        near(s.dominant_hz, 440.0) && s.level_dbfs > -30.0 && s.heard_ms >= 500
    })
    .await;
    assert_eq!(heard.kind, "virtual");
    let b_stats = wait_for(&b2, b, "RTP into B", |s| s.packets_received >= 50).await;
    assert_eq!(b_stats.kind, "webrtc");
    assert!(near(b_stats.dominant_hz, 440.0), "B decoded {b_stats:?}");
    assert!(b1.stats(a).unwrap().packets_sent >= 50);
    // The customer hears nobody yet.
    assert_eq!(b1.stats(customer).unwrap().dominant_hz, None);

    // DTMF from A arrives at B as digits, once each, in order.
    b1.send_dtmf(a, "12#*9D").unwrap();
    wait_for(&b2, b, "digits at B", |s| s.dtmf == "12#*9D").await;
    assert!(matches!(
        b1.send_dtmf(customer, "1"),
        Err(MediaError::WrongState(..))
    ));

    // Reverse: the far side now speaks 660 Hz back through B → A to the customer.
    b2.set_source(agent, Source::Tone { hz: 660.0 });
    b2.set_hears(b, &[agent]);
    b1.set_hears(customer, &[a]);
    wait_for(&b1, customer, "660 Hz back at the customer", |s| {
        near(s.dominant_hz, 660.0) && s.level_dbfs > -30.0
    })
    .await;
    let a_stats = wait_for(&b1, a, "RTP into A", |s| s.packets_received >= 50).await;
    assert!(a_stats.connected);
    // Nobody on bridge 2 speaks 440 any more: the agent hears only what B carries (the customer's
    // 440 Hz), never its own 660 Hz.
    wait_for(&b2, agent, "agent still hears 440, not itself", |s| {
        near(s.dominant_hz, 440.0)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remove_stops_the_packets() {
    let (b1, a, b2, b) = connected_pair().await;
    let music = b1.add_virtual(Source::Music);
    b1.set_hears(a, &[music]);
    wait_for(&b2, b, "packets into B", |s| {
        s.packets_received >= 25 && s.heard_ms > 0
    })
    .await;

    b1.remove(a);
    assert!(b1.stats(a).is_none());

    // The count at B must stop growing: unchanged across 20 consecutive polls (1 s).
    let start = Instant::now();
    let (mut last, mut unchanged) = (b2.stats(b).unwrap().packets_received, 0);
    while unchanged < 20 {
        assert!(start.elapsed() < DEADLINE, "packets still arriving: {last}");
        tokio::time::sleep(POLL).await;
        let now = b2.stats(b).unwrap().packets_received;
        if now == last {
            unchanged += 1;
        } else {
            (last, unchanged) = (now, 0);
        }
    }
    // What B plays out decays to silence within about a second.
    wait_for(&b2, b, "B silent", |s| {
        s.dominant_hz.is_none() && s.level_dbfs == -120.0
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offer_is_audio_only_on_the_bind_address() {
    let bridge = Bridge::new(BridgeConfig::default());
    let (_leg, sdp) = bridge.offer().await.unwrap();
    assert!(sdp.contains("m=audio "), "{sdp}");
    assert!(
        !sdp.contains("m=video") && !sdp.contains("m=application"),
        "{sdp}"
    );
    assert!(sdp.contains("opus/48000/2"), "{sdp}");
    assert!(sdp.contains("telephone-event/"), "{sdp}");
    assert!(sdp.contains("a=sendrecv"), "{sdp}");
    assert!(sdp.contains("a=fingerprint:"), "{sdp}");
    let candidates: Vec<&str> = sdp
        .lines()
        .filter(|l| l.starts_with("a=candidate"))
        .collect();
    assert!(!candidates.is_empty(), "{sdp}");
    for c in candidates {
        assert!(c.contains(" 127.0.0.1 ") && c.contains(" typ host"), "{c}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_typed() {
    let bridge = Bridge::new(BridgeConfig::default());
    assert!(matches!(
        bridge.answer("not sdp").await,
        Err(MediaError::BadSdp(_))
    ));
    assert!(matches!(
        bridge.accept_answer(LegId(999), "v=0").await,
        Err(MediaError::UnknownLeg(LegId(999)))
    ));
    let v = bridge.add_virtual(Source::Silence);
    assert!(matches!(
        bridge.accept_answer(v, "v=0").await,
        Err(MediaError::WrongState(..))
    ));
    let (leg, _) = bridge.offer().await.unwrap();
    assert!(matches!(
        bridge.accept_answer(leg, "garbage").await,
        Err(MediaError::BadSdp(_))
    ));
    assert!(bridge.stats(LegId(999)).is_none());
    let s = bridge.stats(v).unwrap();
    assert_eq!(
        (s.kind, s.connected, s.level_dbfs, s.dominant_hz),
        ("virtual", true, -120.0, None)
    );
}

/// Two browser legs on bridge 1 relayed to each other (an agent-to-agent call), while a third
/// (a supervisor) monitors both: WebRTC → decode → mix → encode → WebRTC.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relays_between_webrtc_legs_and_monitors() {
    let hub = Bridge::new(BridgeConfig::default());
    let phones = Bridge::new(BridgeConfig::default());
    let mut pairs = Vec::new();
    for _ in 0..3 {
        let (hub_leg, offer) = hub.offer().await.unwrap();
        let (phone_leg, answer) = phones.answer(&offer).await.unwrap();
        hub.accept_answer(hub_leg, &answer).await.unwrap();
        pairs.push((hub_leg, phone_leg));
    }
    let [(agent1, phone1), (agent2, phone2), (supervisor, phone3)] = pairs[..] else {
        unreachable!()
    };
    // On the "phones" bridge: agent 1 speaks 660 Hz, agent 2 speaks 1000 Hz, each phone has an ear.
    let voice1 = phones.add_virtual(Source::Tone { hz: 660.0 });
    let voice2 = phones.add_virtual(Source::Tone { hz: 1000.0 });
    phones.set_hears(phone1, &[voice1]);
    phones.set_hears(phone2, &[voice2]);
    let ear1 = phones.add_virtual(Source::Silence);
    let ear2 = phones.add_virtual(Source::Silence);
    let ear3 = phones.add_virtual(Source::Silence);
    phones.set_hears(ear1, &[phone1]);
    phones.set_hears(ear2, &[phone2]);
    phones.set_hears(ear3, &[phone3]);

    // The hub relays agent 1 ↔ agent 2; the supervisor first hears only agent 2.
    hub.set_hears(agent1, &[agent2]);
    hub.set_hears(agent2, &[agent1]);
    hub.set_hears(supervisor, &[agent2]);
    wait_for(&phones, ear1, "agent 1 hears agent 2", |s| {
        near(s.dominant_hz, 1000.0)
    })
    .await;
    wait_for(&phones, ear2, "agent 2 hears agent 1", |s| {
        near(s.dominant_hz, 660.0)
    })
    .await;
    let sup = wait_for(&phones, ear3, "supervisor hears agent 2", |s| {
        near(s.dominant_hz, 1000.0)
    })
    .await;

    // Monitoring both: the supervisor's level rises (two tones summed) — it hears agent 1 too.
    hub.set_hears(supervisor, &[agent1, agent2]);
    wait_for(&phones, ear3, "supervisor hears both agents", |s| {
        s.level_dbfs > sup.level_dbfs + 2.0
    })
    .await;
    // Agent 2 falls silent: the supervisor now hears agent 1 alone.
    phones.set_source(voice2, Source::Silence);
    wait_for(&phones, ear3, "supervisor hears only agent 1", |s| {
        near(s.dominant_hz, 660.0)
    })
    .await;
}

/// The emulator calls the bridge from axum handlers: the handle and its futures must be `Send`.
#[test]
fn handle_and_futures_are_send() {
    fn send_sync<T: Send + Sync + Clone + 'static>(_: &T) {}
    fn send<T: Send>(_: &T) {}
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let _guard = rt.enter();
    let bridge = Bridge::new(BridgeConfig::default());
    send_sync(&bridge);
    send(&bridge.offer());
    send(&bridge.answer(""));
    send(&bridge.accept_answer(LegId(1), ""));
}
