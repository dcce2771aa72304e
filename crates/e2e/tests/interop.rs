//! Interop with peers nobody on the team wrote: Kamailio (registrar/proxy, SIP over WebSocket) and JsSIP in
//! headless Chromium. Needs `scripts/setup-peers.sh` (Kamailio, the JsSIP bundle); the tests of the
//! project's own browser phone (`/ours.html`, `WorkbenchSdk.createSipPhone`) need the release `dist/` too.
//!
//! Tests that open a peer connection run, under `make test-e2e`, inside a loopback-only network namespace
//! (`scripts/netns-run.sh`: `unshare -n`, only `lo` up); they pass outside one too. By hand:
//! `unshare -n sh -c 'ip link set lo up; cargo test -p workbench-e2e --offline --test interop -- --test-threads=1'`.

mod native_ua;

use std::time::{Duration, Instant};

use ccc_sip::builders::response_to;
use ccc_sip::register::{RegEvent, RegFailure, RegNotice, Registration};
use ccc_sip::transaction::{self, Event, ServerTransaction};
use ccc_sip::{Message, Method, Response, StatusCode};
use serde_json::Value;
use workbench_e2e::fake_media::{fake_media_args, media_args, write_tone_wav};
use workbench_e2e::interop::{Phone, PhoneSite};
use workbench_e2e::kamailio::{Kamailio, DOMAIN};
use workbench_e2e::temp_dir::TempDir;
use workbench_e2e::{eventually, run_browsers, DEADLINE};

use native_ua::{register_config, NativeUa};

/// The tones each tab sends, and how close the far side's measurement must be.
const TONE_A: f64 = 660.0;
const TONE_B: f64 = 880.0;
const TOLERANCE_HZ: f64 = 15.0;

/// Each tab's microphone: [`TONE_A`] and [`TONE_B`] as wav files of `seconds` in a temporary directory.
struct Tones {
    _dir: TempDir,
    a: std::path::PathBuf,
    b: std::path::PathBuf,
}

impl Tones {
    fn write(seconds: u32) -> Tones {
        let dir = TempDir::new("ccc-interop-tones");
        let (a, b) = (dir.0.join("a-660.wav"), dir.0.join("b-880.wav"));
        write_tone_wav(&a, TONE_A, seconds);
        write_tone_wav(&b, TONE_B, seconds);
        Tones { _dir: dir, a, b }
    }

    /// The Chromium flags of tab A and tab B.
    fn args(&self) -> Vec<Vec<String>> {
        vec![media_args(&self.a), media_args(&self.b)]
    }
}

/// Waits until `phone` hears `hz` (±[`TOLERANCE_HZ`]) in the remote audio (WebAudio analyser), with RTP
/// packets flowing and a non-silent `audioLevel` (getStats); returns its stats.
async fn hears(phone: &Phone, who: &str, hz: f64) -> Value {
    let started = Instant::now();
    loop {
        let s = phone.stats().await;
        let freq = s["frequency"].as_f64().unwrap_or(0.0);
        let packets = s["packetsReceived"].as_u64().unwrap_or(0);
        let level = s["audioLevel"].as_f64().unwrap_or(0.0);
        if (freq - hz).abs() <= TOLERANCE_HZ && packets >= 50 && level > 0.01 {
            return s;
        }
        assert!(
            started.elapsed() < DEADLINE,
            "timed out waiting for {who} to hear {hz} Hz; last stats: {s}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until `phone`'s analyser first shows `hz` (±[`TOLERANCE_HZ`]) in the remote audio: the first
/// audio heard, whatever the packet count.
async fn first_audio(phone: &Phone, who: &str, hz: f64) -> Value {
    let started = Instant::now();
    loop {
        let s = phone.stats().await;
        if s["frequency"]
            .as_f64()
            .is_some_and(|f| (f - hz).abs() <= TOLERANCE_HZ)
        {
            return s;
        }
        assert!(
            started.elapsed() < DEADLINE,
            "timed out waiting for {who} to hear {hz} Hz at all; last stats: {s}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until the inbound packet count of `phone` has grown by `more` past `from`.
async fn more_packets(phone: &Phone, who: &str, from: &Value, more: u64) {
    let before = from["packetsReceived"].as_u64().unwrap_or(0);
    eventually(&format!("more packets at {who}"), || async {
        let now = phone.stats().await["packetsReceived"].as_u64().unwrap_or(0);
        (now >= before + more).then_some(())
    })
    .await;
}

/// Our phone (`/ours.html`) in `browsers[0]` as `ours_user` and a JsSIP tab in `browsers[1]` as
/// `theirs_user`, both registered with Kamailio.
async fn ours_and_jssip(
    site: &PhoneSite,
    browsers: &[fantoccini::Client],
    ws: &str,
    (ours_user, theirs_user): (&str, &str),
    extra: Value,
) -> (Phone, Phone) {
    let ours = site.open_ours(&browsers[0]).await;
    let theirs = site.open(&browsers[1]).await;
    let aor = Kamailio::aor;
    ours.register_with(&aor(ours_user), &Kamailio::password(ours_user), ws, extra)
        .await;
    theirs
        .register(&aor(theirs_user), &Kamailio::password(theirs_user), ws)
        .await;
    let registered = ours
        .wait_state("registration", "registered", &["failed"])
        .await;
    assert_eq!(registered["events"], serde_json::json!(["registered"]));
    theirs
        .wait_state("registration", "registered", &["failed"])
        .await;
    (ours, theirs)
}

/// A response as printed on the wire.
fn text(r: &Response) -> String {
    Message::Response(r.clone()).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jssip_calls_jssip_through_kamailio_over_websocket_with_audio_both_ways() {
    let started = Instant::now();
    let kamailio = Kamailio::start().await;
    let site = PhoneSite::start().await;
    let tones = Tones::write(4);

    let ws = kamailio.ws_url.clone();
    run_browsers(tones.args(), |browsers| async move {
        let a = site.open(&browsers[0]).await;
        let b = site.open(&browsers[1]).await;
        a.register(&Kamailio::aor("1001"), &Kamailio::password("1001"), &ws)
            .await;
        b.register(&Kamailio::aor("1002"), &Kamailio::password("1002"), &ws)
            .await;
        a.wait_state("registration", "registered", &["failed"])
            .await;
        b.wait_state("registration", "registered", &["failed"])
            .await;

        // A calls B (Kamailio challenges the INVITE with 407; JsSIP answers it), B rings, the test
        // answers on B.
        a.call(&Kamailio::aor("1002")).await;
        b.wait_state("call", "ringing", &["failed", "ended"]).await;
        let ringing = Instant::now();
        b.answer().await;
        a.wait_state("call", "confirmed", &["failed", "ended"])
            .await;
        b.wait_state("call", "confirmed", &["failed", "ended"])
            .await;
        eprintln!("interop: answered to confirmed in {:?}", ringing.elapsed());

        // Audio both ways: each side hears the other's tone, RTP packets flowing.
        let heard_by_a = hears(&a, "tab A (1001)", TONE_B).await;
        let heard_by_b = hears(&b, "tab B (1002)", TONE_A).await;
        eprintln!("interop: A hears {heard_by_a}\ninterop: B hears {heard_by_b}");
        for (who, s) in [("A", &heard_by_a), ("B", &heard_by_b)] {
            assert_eq!(s["codec"], "audio/opus", "{who}: {s}");
        }
        // Packets keep flowing (the count grows).
        let before = heard_by_a["packetsReceived"].as_u64().unwrap();
        eventually("more packets at A", || async {
            let now = a.stats().await["packetsReceived"].as_u64().unwrap_or(0);
            (now >= before + 25).then_some(())
        })
        .await;

        // A hangs up: BYE through Kamailio (in-dialog, routed with the Contact alias); both end.
        a.hangup().await;
        let end_a = a.wait_state("call", "ended", &["failed"]).await;
        let end_b = b.wait_state("call", "ended", &["failed"]).await;
        assert_eq!(end_b["cause"], "Terminated", "B: {end_b}");
        assert_eq!(end_a["cause"], "Terminated", "A: {end_a}");
    })
    .await;
    eprintln!("interop: JsSIP ↔ JsSIP test took {:?}", started.elapsed());
    drop(kamailio);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ccc_sip_registers_with_kamailio_digest_and_unregisters() {
    let started = Instant::now();
    let kamailio = Kamailio::start().await;

    // 1001 with the right password: challenged (401, Digest, qop=auth), then 200 with our binding.
    let mut ua = NativeUa::connect(&kamailio.ws_url).await;
    let mut reg = Registration::new(
        register_config("1001", &Kamailio::password("1001")),
        &mut ua.ids,
    );
    let notices = ua.drive(&mut reg, RegEvent::Register).await;
    assert_eq!(ua.statuses(), [401, 200], "sent:\n{}", ua.sent.join("\n"));
    let challenge = ua.responses[0]
        .headers
        .get("WWW-Authenticate")
        .expect("a WWW-Authenticate challenge");
    assert!(
        challenge.starts_with("Digest")
            && challenge.contains(&format!("realm=\"{DOMAIN}\""))
            && challenge.contains("qop=\"auth\""),
        "{challenge}"
    );
    assert!(
        ua.sent[1].contains("\r\nAuthorization: Digest ") && ua.sent[1].contains("qop=auth"),
        "the second REGISTER answers the challenge:\n{}",
        ua.sent[1]
    );
    assert_eq!(
        notices,
        [RegNotice::Registered { expires: 300 }],
        "{:?}",
        ua.responses
    );
    // Kamailio stored the binding with the WebSocket connection as its real address (fix_nated_register).
    let ok = text(&ua.responses[1]);
    assert!(
        ok.contains("c1001@n1001x7k.invalid") && ok.contains("received=\"sip:127.0.0.1:"),
        "{ok}"
    );

    // 1002 with a wrong password: challenged, then refused (403), no loop.
    let mut wrong = NativeUa::connect(&kamailio.ws_url).await;
    let mut bad = Registration::new(register_config("1002", "not-the-password"), &mut wrong.ids);
    let notices = wrong.drive(&mut bad, RegEvent::Register).await;
    assert_eq!(wrong.statuses(), [401, 403]);
    assert_eq!(
        notices,
        [RegNotice::Failed {
            status: Some(StatusCode::new(403).unwrap()),
            cause: RegFailure::Rejected
        }]
    );

    // Un-REGISTER 1001: Expires 0 (answered pre-emptively with the kept challenge), the binding is gone.
    let before = ua.responses.len();
    let notices = ua.drive(&mut reg, RegEvent::Unregister).await;
    let unregister = ua.sent.last().unwrap().clone();
    assert!(
        unregister.contains("\r\nExpires: 0\r\n") && unregister.contains("expires=0"),
        "{unregister}"
    );
    assert_eq!(notices, [RegNotice::Unregistered]);
    let last = ua.responses.last().unwrap();
    assert_eq!(last.status.code(), 200);
    assert!(
        !text(last).contains("c1001@n1001x7k.invalid"),
        "the binding is removed: {}",
        text(last)
    );
    eprintln!(
        "interop: {} responses for the un-REGISTER; native test took {:?}",
        ua.responses.len() - before,
        started.elapsed()
    );
    drop(kamailio);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jssip_calls_a_ccc_sip_ua_which_parses_the_invite_and_answers_busy() {
    let started = Instant::now();
    let kamailio = Kamailio::start().await;
    let site = PhoneSite::start().await;
    let tones = TempDir::new("ccc-interop-tones");
    let wav = tones.0.join("a-660.wav");
    write_tone_wav(&wav, TONE_A, 4);

    // The native UA registers as 1003 and waits for calls.
    let mut ua = NativeUa::connect(&kamailio.ws_url).await;
    let mut reg = Registration::new(
        register_config("1003", &Kamailio::password("1003")),
        &mut ua.ids,
    );
    let notices = ua.drive(&mut reg, RegEvent::Register).await;
    assert_eq!(notices, [RegNotice::Registered { expires: 300 }]);

    let ws = kamailio.ws_url.clone();
    run_browsers(vec![media_args(&wav)], |browsers| async move {
        let a = site.open(&browsers[0]).await;
        a.register(&Kamailio::aor("1001"), &Kamailio::password("1001"), &ws)
            .await;
        a.wait_state("registration", "registered", &["failed"])
            .await;
        a.call(&Kamailio::aor("1003")).await;

        // JsSIP's INVITE (WebRTC SDP offer), authenticated and forwarded by Kamailio, parsed by ccc-sip.
        let (invite, text) = ua.next_message().await.expect("an INVITE for 1003");
        let Message::Request(invite) = invite else {
            panic!("expected a request:\n{text}")
        };
        assert_eq!(invite.method, Method::Invite, "{text}");
        assert!(
            invite
                .uri
                .to_string()
                .starts_with("sip:c1003@n1003x7k.invalid"),
            "Kamailio sent it to our registered Contact: {text}"
        );
        assert_eq!(
            invite.headers.get("Content-Type").as_deref(),
            Some("application/sdp")
        );
        let sdp = String::from_utf8_lossy(&invite.body);
        assert!(
            sdp.contains("m=audio ") && sdp.contains("a=fingerprint:"),
            "{sdp}"
        );
        assert!(invite.headers.get("Record-Route").is_some(), "{text}");
        let contact = invite.headers.get("Contact").expect("a Contact");
        assert!(
            contact.contains(";alias=127.0.0.1~"),
            "add_contact_alias(): {contact}"
        );
        assert!(
            invite.headers.get("Proxy-Authorization").is_none(),
            "consumed: {text}"
        );

        // Ring, then refuse: 180 and 486 through a server transaction; Kamailio ACKs the 486 hop by hop.
        let (mut tx, actions) =
            ServerTransaction::new(invite.clone(), transaction::Config::default())
                .expect("a server transaction");
        ua.server_actions(actions).await;
        let ringing = response_to(&invite, StatusCode::new(180).unwrap(), Some("n1003tag"));
        let actions = tx.handle(Event::Respond(ringing));
        ua.server_actions(actions).await;
        a.wait_state("call", "progress", &["failed", "ended"]).await;
        let busy = response_to(&invite, StatusCode::new(486).unwrap(), Some("n1003tag"));
        let actions = tx.handle(Event::Respond(busy));
        ua.server_actions(actions).await;
        let (ack, text) = ua.next_message().await.expect("the ACK of the 486");
        assert!(
            matches!(&ack, Message::Request(r) if r.method == Method::Ack),
            "{text}"
        );
        let actions = tx.handle(Event::Received(ack));
        ua.server_actions(actions).await;
        let failed = a
            .wait_state("call", "failed", &["confirmed", "ended"])
            .await;
        assert_eq!(failed["cause"], "Busy", "{failed}");
    })
    .await;
    eprintln!("interop: JsSIP → ccc-sip test took {:?}", started.elapsed());
    drop(kamailio);
}

/// What our phone's WebSocket carried in test (a), checked line by line: every request we sent names
/// the transport of the `ws://` socket in its Via (`WS`, RFC 7118 §5.2); Kamailio challenged the INVITE
/// (407) and our second INVITE answered it; ACK and BYE went to JsSIP's aliased Contact through
/// Kamailio's Record-Route.
fn assert_signalling(trace: &[String]) {
    let all = trace.join("\n");
    let sent: Vec<&String> = trace.iter().filter(|f| f.starts_with(">> ")).collect();
    let requests: Vec<&String> = sent
        .iter()
        .copied()
        .filter(|f| !f.starts_with(">> SIP/2.0 ") && f.trim().len() > 3)
        .collect();
    assert!(requests.len() >= 6, "{all}");
    for r in &requests {
        assert!(r.contains("\r\nVia: SIP/2.0/WS "), "Via transport: {r}");
    }
    let invites: Vec<&&String> = requests
        .iter()
        .filter(|r| r.starts_with(">> INVITE "))
        .collect();
    assert_eq!(invites.len(), 2, "{all}");
    assert!(
        trace
            .iter()
            .any(|f| f.starts_with("<< SIP/2.0 407 ") && f.contains("CSeq: 1 INVITE")),
        "{all}"
    );
    assert!(
        invites[1].contains("\r\nProxy-Authorization: Digest "),
        "{}",
        invites[1]
    );
    for method in ["ACK", "BYE"] {
        let r = requests
            .iter()
            .rev()
            .find(|r| r.starts_with(&format!(">> {method} sip:1002@")))
            .unwrap_or_else(|| panic!("no in-dialog {method}: {all}"));
        let first = r.lines().next().unwrap_or_default();
        assert!(first.contains(";alias=127.0.0.1~"), "{r}");
        assert!(r.contains("\r\nRoute: <sip:127.0.0.1:"), "{r}");
    }
}

/// (a) The project's own browser phone (660 Hz, 1001) calls JsSIP (880 Hz, 1002) through Kamailio:
/// REGISTER and INVITE both Digest-challenged, the dialog routed through Kamailio's Record-Route and
/// Contact aliases, audio both ways measured by each side, and our BYE ends JsSIP's call. Prints the set-up
/// time: `call()` → JsSIP's analyser first hears our tone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_phone_calls_jssip_through_kamailio_with_audio_both_ways() {
    let started = Instant::now();
    let kamailio = Kamailio::start().await;
    let site = PhoneSite::start().await;
    let tones = Tones::write(4);

    let ws = kamailio.ws_url.clone();
    run_browsers(tones.args(), |browsers| async move {
        let (ours, theirs) =
            ours_and_jssip(&site, &browsers, &ws, ("1001", "1002"), Value::Null).await;

        let dialled = Instant::now();
        ours.call(&Kamailio::aor("1002")).await;
        let ringing = theirs
            .wait_state("call", "ringing", &["failed", "ended"])
            .await;
        let rang = dialled.elapsed();
        assert_eq!(ringing["direction"], "incoming", "{ringing}");
        theirs.answer().await;
        let answered = dialled.elapsed();
        first_audio(&theirs, "JsSIP (1002)", TONE_A).await;
        let setup = dialled.elapsed();
        first_audio(&ours, "our phone (1001)", TONE_B).await;
        let setup_back = dialled.elapsed();
        eprintln!(
            "interop: set-up of our call to JsSIP: call() → JsSIP rings {rang:?}, → answer() \
                 {answered:?}, → JsSIP hears us {setup:?} (INVITE → first audio), → we hear JsSIP \
                 {setup_back:?}"
        );
        ours.wait_state("call", "confirmed", &["ended"]).await;
        theirs
            .wait_state("call", "confirmed", &["failed", "ended"])
            .await;

        // Audio both ways: each side hears the other's tone, RTP packets flowing.
        let heard_by_ours = hears(&ours, "our phone (1001)", TONE_B).await;
        let heard_by_theirs = hears(&theirs, "JsSIP (1002)", TONE_A).await;
        eprintln!("interop: we hear {heard_by_ours}\ninterop: JsSIP hears {heard_by_theirs}");
        for (who, s) in [("ours", &heard_by_ours), ("JsSIP", &heard_by_theirs)] {
            assert_eq!(s["codec"], "audio/opus", "{who}: {s}");
        }
        more_packets(&ours, "our phone", &heard_by_ours, 25).await;
        more_packets(&theirs, "JsSIP", &heard_by_theirs, 25).await;

        // We hang up: our BYE goes through Kamailio (Route, the alias of JsSIP's Contact).
        ours.hangup().await;
        let end_theirs = theirs.wait_state("call", "ended", &["failed"]).await;
        assert_signalling(&ours.sip_trace().await);
        assert_eq!(end_theirs["cause"], "Terminated", "JsSIP: {end_theirs}");
        let end_ours = ours.wait_state("call", "ended", &[]).await;
        assert_eq!(end_ours["cause"], "Local", "ours: {end_ours}");
        assert_eq!(
            end_ours["events"],
            serde_json::json!(["registered", "connected", "ended"]),
            "{end_ours}"
        );
    })
    .await;
    eprintln!("interop: ours → JsSIP test took {:?}", started.elapsed());

    drop(kamailio);
}

/// (b) JsSIP (880 Hz, 1002) calls the project's own phone (660 Hz, 1001): our phone reports `ringing`
/// with the caller, answers, audio flows both ways, and JsSIP's BYE (routed to our Contact's alias) ends
/// our call with `ended`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jssip_calls_our_phone_which_rings_answers_and_hears_both_ways() {
    let started = Instant::now();
    let kamailio = Kamailio::start().await;
    let site = PhoneSite::start().await;
    let tones = Tones::write(4);

    let ws = kamailio.ws_url.clone();
    run_browsers(tones.args(), |browsers| async move {
        let (ours, theirs) =
            ours_and_jssip(&site, &browsers, &ws, ("1001", "1002"), Value::Null).await;

        theirs.call(&Kamailio::aor("1001")).await;
        let ringing = ours.wait_state("call", "ringing", &["ended"]).await;
        assert_eq!(ringing["from"], "1002", "{ringing}");
        theirs
            .wait_state("call", "progress", &["failed", "ended"])
            .await;
        ours.answer().await;
        ours.wait_state("call", "confirmed", &["ended"]).await;
        theirs
            .wait_state("call", "confirmed", &["failed", "ended"])
            .await;

        let heard_by_ours = hears(&ours, "our phone (1001)", TONE_B).await;
        let heard_by_theirs = hears(&theirs, "JsSIP (1002)", TONE_A).await;
        eprintln!("interop: we hear {heard_by_ours}\ninterop: JsSIP hears {heard_by_theirs}");
        for (who, s) in [("ours", &heard_by_ours), ("JsSIP", &heard_by_theirs)] {
            assert_eq!(s["codec"], "audio/opus", "{who}: {s}");
        }
        more_packets(&ours, "our phone", &heard_by_ours, 25).await;

        // JsSIP hangs up: its BYE reaches us through Kamailio; we end.
        theirs.hangup().await;
        let end_theirs = theirs.wait_state("call", "ended", &["failed"]).await;
        assert_eq!(end_theirs["cause"], "Terminated", "JsSIP: {end_theirs}");
        let end_ours = ours.wait_state("call", "ended", &[]).await;
        assert_eq!(end_ours["cause"], "Remote", "ours: {end_ours}");
        assert_eq!(
            end_ours["events"],
            serde_json::json!(["registered", "ringing", "connected", "ended"]),
            "{end_ours}"
        );
    })
    .await;
    eprintln!("interop: JsSIP → ours test took {:?}", started.elapsed());

    drop(kamailio);
}

/// The Call-IDs of the REGISTERs Kamailio received, in order, one entry per request.
fn register_call_ids(log: &str) -> Vec<String> {
    log.lines()
        .filter(|l| l.contains("--> REGISTER "))
        .filter_map(|l| {
            let (_, rest) = l.split_once("(Call-ID ")?;
            Some(rest.trim_end().trim_end_matches(')').to_owned())
        })
        .collect()
}

/// (c) The project's own phone with a wrong password: Kamailio challenges, refuses the answer with 403,
/// and the phone reports `registrationFailed` once — no second attempt (the phone's REGISTER Call-ID
/// appears exactly twice in Kamailio's log, also after the same page has registered properly since).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_phone_reports_a_wrong_password_once_without_looping() {
    let kamailio = Kamailio::start().await;
    let site = PhoneSite::start().await;
    let ws = kamailio.ws_url.clone();
    let log = || kamailio.log();
    run_browsers(vec![fake_media_args()], |browsers| async move {
        let ours = site.open_ours(&browsers[0]).await;
        ours.register(&Kamailio::aor("1002"), "not-the-password", &ws)
            .await;
        let failed = ours
            .wait_state("registration", "failed", &["registered"])
            .await;
        assert_eq!(
            failed["events"],
            serde_json::json!(["registrationFailed"]),
            "{failed}"
        );
        assert!(
            failed["error"].as_str().unwrap_or_default().contains("403"),
            "{failed}"
        );
        let refused = register_call_ids(&log());
        assert_eq!(
            refused.len(),
            2,
            "a challenged REGISTER and its answer: {refused:?}"
        );
        assert_eq!(refused[0], refused[1], "{refused:?}");

        // The same page registers properly; the refused phone has sent nothing more meanwhile.
        ours.register(&Kamailio::aor("1002"), &Kamailio::password("1002"), &ws)
            .await;
        let ok = ours
            .wait_state("registration", "registered", &["failed"])
            .await;
        assert_eq!(ok["events"], serde_json::json!(["registered"]), "{ok}");
        let all = register_call_ids(&log());
        let by_refused = all.iter().filter(|c| **c == refused[0]).count();
        assert_eq!(by_refused, 2, "the refused phone tried again: {all:?}");
        assert!(all.len() >= 4, "{all:?}");
    })
    .await;
    drop(kamailio);
}

/// (d) DTMF from the project's own phone (created with `dtmf: 'info'`) reaches JsSIP as SIP INFO
/// (`application/dtmf-relay`) through Kamailio: JsSIP's session reports each digit (`newDTMF`), in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dtmf_from_our_phone_reaches_jssip_by_sip_info() {
    let kamailio = Kamailio::start().await;
    let site = PhoneSite::start().await;
    let tones = Tones::write(2);
    let ws = kamailio.ws_url.clone();
    run_browsers(tones.args(), |browsers| async move {
        let extra = serde_json::json!({ "dtmf": "info" });
        let (ours, theirs) = ours_and_jssip(&site, &browsers, &ws, ("1003", "1002"), extra).await;
        ours.call(&Kamailio::aor("1002")).await;
        theirs
            .wait_state("call", "ringing", &["failed", "ended"])
            .await;
        theirs.answer().await;
        ours.wait_state("call", "confirmed", &["ended"]).await;
        theirs
            .wait_state("call", "confirmed", &["failed", "ended"])
            .await;

        ours.send_dtmf("1*9#").await;
        ours.send_dtmf("0").await;
        let got = theirs.wait_state("dtmf", "1*9#0", &[]).await;
        assert_eq!(got["call"], "confirmed", "{got}");
        ours.hangup().await;
        theirs.wait_state("call", "ended", &["failed"]).await;
    })
    .await;
    drop(kamailio);
}

/// (e) Calls given up while ringing, both ways through Kamailio: our CANCEL (after the 407 round,
/// so it cancels the authenticated INVITE) ends JsSIP's ringing call; JsSIP's CANCEL ends ours
/// (`ringing`, then `ended` with `Cancelled`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_cancelled_while_ringing_end_on_both_sides() {
    let kamailio = Kamailio::start().await;
    let site = PhoneSite::start().await;
    let tones = Tones::write(2);
    let ws = kamailio.ws_url.clone();
    run_browsers(tones.args(), |browsers| async move {
        let (ours, theirs) =
            ours_and_jssip(&site, &browsers, &ws, ("1001", "1002"), Value::Null).await;

        // We call and give up while JsSIP rings.
        ours.call(&Kamailio::aor("1002")).await;
        theirs
            .wait_state("call", "ringing", &["failed", "ended"])
            .await;
        ours.hangup().await;
        let gave_up = theirs
            .wait_state("call", "failed", &["confirmed", "ended"])
            .await;
        assert_eq!(gave_up["cause"], "Canceled", "JsSIP: {gave_up}");
        let end = ours.wait_state("call", "ended", &["confirmed"]).await;
        assert_eq!(end["cause"], "Cancelled", "ours: {end}");

        // JsSIP calls and gives up while we ring (our state still shows the first call's end).
        theirs.call(&Kamailio::aor("1001")).await;
        ours.wait_state("call", "ringing", &[]).await;
        theirs.hangup().await;
        let end = ours.wait_state("call", "ended", &["confirmed"]).await;
        assert_eq!(end["cause"], "Cancelled", "ours: {end}");
        assert_eq!(
            end["events"],
            serde_json::json!(["registered", "ended", "ringing", "ended"]),
            "{end}"
        );
        let failed = theirs.wait_state("call", "failed", &["confirmed"]).await;
        assert_eq!(failed["cause"], "Canceled", "JsSIP: {failed}");
    })
    .await;
    drop(kamailio);
}
