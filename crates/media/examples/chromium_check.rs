//! Manual interop check against a real Chromium (not part of `cargo test`'s assertions; it only
//! builds there). Run inside a loopback-only namespace:
//!
//! ```text
//! python3 -c '…write a 660 Hz wav…'   # optional; Chromium's default fake mic beeps instead
//! scripts/netns-run.sh cargo run -p ccc-media --example chromium_check -- /tmp/tone660.wav
//! ```
//!
//! It serves a page on 127.0.0.1, starts headless Chromium on it, and makes two calls: one where
//! the bridge offers (Chromium answers) and one where Chromium offers (the bridge answers). A 440 Hz
//! virtual customer is heard by both browser legs; a virtual listener per leg measures what the
//! browser sends; the page sends DTMF "123#" on the first call and reports its `getStats()`.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ccc_media::{Bridge, BridgeConfig, LegId, Source};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

const PAGE: &str = r#"<!doctype html><html><body><script>
const post = (path, body) => fetch(path, {method: 'POST', body}).then(r => r.text());
function play(pc) {
  pc.ontrack = e => { const a = new Audio(); a.srcObject = e.streams[0] || new MediaStream([e.track]);
    a.play().catch(() => {}); document.body.appendChild(a); };
}
async function media() {
  return navigator.mediaDevices.getUserMedia({audio: {echoCancellation: false,
    noiseSuppression: false, autoGainControl: false}});
}
async function inbound(pc) {
  const s = await pc.getStats(); let r = null;
  s.forEach(v => { if (v.type === 'inbound-rtp' && v.kind === 'audio') r = v; });
  return r ? {packetsReceived: r.packetsReceived, audioLevel: r.audioLevel,
    totalAudioEnergy: r.totalAudioEnergy, concealedSamples: r.concealedSamples,
    totalSamplesReceived: r.totalSamplesReceived} : null;
}
(async () => {
  try {
    // Call 1: the bridge offers.
    const pc1 = new RTCPeerConnection(); play(pc1);
    const m1 = await media();
    m1.getTracks().forEach(t => pc1.addTrack(t, m1));
    const [leg1, offer] = (await fetch('/offer').then(r => r.text())).split('\n\n');
    await pc1.setRemoteDescription({type: 'offer', sdp: offer});
    const a1 = await pc1.createAnswer(); await pc1.setLocalDescription(a1);
    await new Promise(r => { if (pc1.iceGatheringState === 'complete') r();
      pc1.onicegatheringstatechange = () => pc1.iceGatheringState === 'complete' && r(); });
    await post('/answer?' + leg1, pc1.localDescription.sdp);
    // Call 2: the browser offers.
    const pc2 = new RTCPeerConnection(); play(pc2);
    const m2 = await media();
    m2.getTracks().forEach(t => pc2.addTrack(t, m2));
    await pc2.setLocalDescription(await pc2.createOffer());
    await new Promise(r => { if (pc2.iceGatheringState === 'complete') r();
      pc2.onicegatheringstatechange = () => pc2.iceGatheringState === 'complete' && r(); });
    const answer = await post('/browser-offer', pc2.localDescription.sdp);
    await pc2.setRemoteDescription({type: 'answer', sdp: answer});
    while (pc1.connectionState !== 'connected' || pc2.connectionState !== 'connected')
      await new Promise(r => setTimeout(r, 50));
    pc1.getSenders()[0].dtmf.insertDTMF('123#', 100, 70);
    for (;;) {
      const s1 = await inbound(pc1), s2 = await inbound(pc2);
      if (s1 && s2 && s1.packetsReceived > 150 && s2.packetsReceived > 150) {
        await post('/report', JSON.stringify({call1: s1, call2: s2})); break;
      }
      await new Promise(r => setTimeout(r, 100));
    }
  } catch (e) { await post('/report', 'ERROR ' + e); }
})();
</script></body></html>"#;

#[tokio::main]
async fn main() {
    let wav = std::env::args().nth(1);
    let bridge = Bridge::new(BridgeConfig::default());
    let customer = bridge.add_virtual(Source::Tone { hz: 440.0 });
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind http");
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let (done_tx, mut done_rx) = mpsc::channel::<(String, Vec<LegId>)>(1);

    let server_bridge = bridge.clone();
    tokio::spawn(async move {
        let mut legs = Vec::new();
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            if let Some(report) = serve(stream, &server_bridge, customer, &mut legs).await {
                let _ = done_tx.send((report, legs.clone())).await;
            }
        }
    });

    let profile = std::env::temp_dir().join(format!("ccc-media-chromium-{}", std::process::id()));
    let mut cmd = Command::new(std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".into()));
    cmd.args([
        "--headless=new",
        "--no-sandbox",
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        "--allow-loopback-in-peer-connection",
        "--autoplay-policy=no-user-gesture-required",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    if let Some(wav) = &wav {
        cmd.arg(format!("--use-file-for-fake-audio-capture={wav}"));
    }
    let mut chromium = cmd
        .arg(&url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");

    let started = Instant::now();
    let outcome = tokio::time::timeout(Duration::from_secs(30), done_rx.recv()).await;
    let _ = chromium.kill();
    let _ = chromium.wait();
    let _ = std::fs::remove_dir_all(&profile);
    let Ok(Some((report, legs))) = outcome else {
        println!("FAIL: no report from the page within 30 s");
        std::process::exit(1);
    };
    println!("page report after {:?}: {report}", started.elapsed());
    for leg in legs {
        println!("{leg:?}: {:?}", bridge.stats(leg));
    }
}

/// Handles one HTTP request; returns the page's report when it arrives.
async fn serve(
    mut stream: TcpStream,
    bridge: &Bridge,
    customer: LegId,
    legs: &mut Vec<LegId>,
) -> Option<String> {
    let (head, body) = read_request(&mut stream).await;
    let first = head.lines().next().unwrap_or_default().to_owned();
    let path = first.split(' ').nth(1).unwrap_or("/").to_owned();
    let mut report = None;
    let response = match (first.split(' ').next(), path.as_str()) {
        (Some("GET"), "/") => PAGE.to_owned(),
        (Some("GET"), "/offer") => {
            let (leg, sdp) = bridge.offer().await.expect("offer");
            wire(bridge, leg, customer, legs);
            format!("{}\n\n{sdp}", leg.0)
        }
        (Some("POST"), p) if p.starts_with("/answer?") => {
            let leg = LegId(p["/answer?".len()..].parse().expect("leg id"));
            bridge
                .accept_answer(leg, &body)
                .await
                .expect("accept answer");
            "ok".to_owned()
        }
        (Some("POST"), "/browser-offer") => {
            let (leg, sdp) = bridge.answer(&body).await.expect("answer");
            wire(bridge, leg, customer, legs);
            sdp
        }
        (Some("POST"), "/report") => {
            report = Some(body);
            "ok".to_owned()
        }
        _ => String::new(),
    };
    let reply = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{response}",
        response.len()
    );
    let _ = stream.write_all(reply.as_bytes()).await;
    report
}

/// The browser leg hears the customer; a new virtual listener hears the browser leg.
fn wire(bridge: &Bridge, leg: LegId, customer: LegId, legs: &mut Vec<LegId>) {
    bridge.set_hears(leg, &[customer]);
    let ear = bridge.add_virtual(Source::Silence);
    bridge.set_hears(ear, &[leg]);
    legs.push(leg);
    legs.push(ear);
}

async fn read_request(stream: &mut TcpStream) -> (String, String) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await.unwrap_or(0);
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            let length: usize = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .unwrap_or(0);
            while buf.len() < end + 4 + length {
                let n = stream.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            let body = String::from_utf8_lossy(&buf[end + 4..]).into_owned();
            return (head, body);
        }
    }
    (String::from_utf8_lossy(&buf).into_owned(), String::new())
}
