//! The panel over HTTPS from a host that is not localhost (`--tls-self-signed` for a LAN trial): the page
//! at `https://ccc.lan:<port>` is a secure context, the agent signs in with push and SIP over WSS, answers
//! an inbound call, and the voice goes both ways — measured, as in `voice.rs`. The browser resolves
//! `ccc.lan` to 127.0.0.1 and trusts only the server's generated certificate (by its public key).
//!
//! Runs inside the loopback-only network namespace of `make test-e2e` (WebRTC candidates on 127.0.0.1).

use workbench_e2e::temp_dir::TempDir;
use workbench_e2e::voice::{audio_arrives, customer_hears_agent_after, microphone};
use workbench_e2e::{click, eventually, https_args, run_browsers, wait_status, Server};
use workbench_server::{EmulatorConfig, TlsConfig};

const NAME: &str = "ccc.lan";

/// What `#call-quality` (the standalone page's `onGetStatsData` readout) shows.
const QUALITY: &str = "const q = document.getElementById('call-quality').dataset; \
     return {packets: +q.packetsReceived, level: +q.audioLevel, energy: +q.totalAudioEnergy};";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_on_a_lan_name_signs_in_and_talks_over_https_and_wss() {
    let data = TempDir::new("ccc-tls");
    let tls = TlsConfig::self_signed(&data.0, &[NAME.to_owned()]).expect("a certificate");
    let spki = tls
        .spki_sha256
        .clone()
        .expect("a generated certificate's key pin");
    let pem = std::fs::read_to_string(&tls.source).expect("the certificate");
    let server = Server::start_tls(EmulatorConfig::default(), tls, NAME, &pem).await;
    let mic = TempDir::new("ccc-tls-voice");
    let mut args = microphone(&mic);
    args.extend(https_args(NAME, &spki));
    run_browsers(vec![args], |browsers| async move {
        let browser = &browsers[0];
        let url = format!("{}/?agent=agent1@ccc-demo&audioProcessing=off", server.base);
        assert!(url.starts_with("https://ccc.lan:"), "{url}");
        browser.goto(&url).await.unwrap();
        let page = browser
            .execute(
                "return {secure: window.isSecureContext, protocol: location.protocol, \
                 host: location.hostname, mic: !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)};",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            page,
            serde_json::json!({"secure": true, "protocol": "https:", "host": NAME, "mic": true}),
            "the page is a secure context with a microphone API"
        );
        // Ready (3) needs the push socket and the SIP registration, both over WSS.
        wait_status(browser, 3).await;
        let login = server.api("agent1@ccc-demo", "GetLoginDetails", serde_json::json!({})).await;
        for key in ["AgentServerUrl", "SipServerUrl"] {
            let socket = login[key].as_str().unwrap_or_default();
            assert!(socket.starts_with(&format!("wss://{NAME}:")), "{key}: {login}");
        }
        let job = server.ring("13800000001").await;
        wait_status(browser, 6).await;
        click(browser, r#"button[data-action="answer"]"#).await;
        wait_status(browser, 9).await;
        let call = customer_hears_agent_after(&server, &job, 0).await;
        assert_eq!(call["agents"]["agent1@ccc-demo"]["connected"], true, "{call}");
        audio_arrives(browser, QUALITY).await;
        // The customer hangs up: the BYE reaches the phone over WSS and the call is gone.
        server.customer_hangs_up(&job).await;
        eventually("the call to be gone from the emulator", || async {
            server.call_media(&job).await.is_null().then_some(())
        })
        .await;
    })
    .await;
}
