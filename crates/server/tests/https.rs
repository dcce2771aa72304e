//! HTTPS by the server itself (`--tls-self-signed`, `--tls-cert`/`--tls-key`): a client that trusts the
//! generated certificate reaches the API over TLS under a LAN name, GetLoginDetails announces `wss://`
//! sockets under that name, the push socket works over WSS, and a client that does not trust the
//! certificate is refused at the handshake.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use serde_json::json;
use workbench_server::{Bound, TlsConfig};

/// A name that looks like a LAN host, resolved to the loopback address by the clients.
const NAME: &str = "ccc.lan";

/// A server on HTTPS with a self-signed certificate for [`NAME`], and the certificate's PEM.
async fn start_https() -> (Server, String) {
    let data = temp_dir("tls");
    let tls = TlsConfig::self_signed(&data, &[NAME.to_owned()]).expect("a certificate");
    let pem = std::fs::read_to_string(&tls.source).expect("the certificate file");
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = tcp.local_addr().unwrap();
    let http = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes()).unwrap())
        .resolve(NAME, addr)
        .https_only(true)
        .build()
        .unwrap();
    let server = start_bound(
        Bound::tls(tcp, tls),
        format!("https://{NAME}:{}", addr.port()),
        http,
        fast_config(),
        std::path::PathBuf::from("/nonexistent/dist"),
    );
    (server, pem)
}

#[tokio::test]
async fn the_api_answers_over_https_and_announces_wss_sockets() {
    let (s, _) = start_https().await;
    let health = s
        .http
        .get(format!("{}/emulator/v1/health", s.base))
        .send()
        .await
        .expect("an HTTPS answer from a client that trusts the certificate");
    assert_eq!(health.status(), 200);
    let login = s.ok(A1, "GetLoginDetails", json!({})).await;
    let port = s.addr.port();
    for key in ["AgentServerUrl", "SipServerUrl"] {
        let url = login[key].as_str().unwrap_or_default();
        assert!(
            url.starts_with(&format!("wss://{NAME}:{port}/")),
            "{key} over HTTPS: {url}"
        );
    }
    // The SDK's own plain-text endpoint guess is not what makes it wss: a client saying it came through
    // a plain-HTTP proxy still reached us over TLS.
    let (_, env) = s
        .api(
            "GetLoginDetails",
            json!({"InstanceId": "ccc-demo", "UserId": A1}),
        )
        .await;
    assert!(env["Data"]["AgentServerUrl"]
        .as_str()
        .unwrap()
        .starts_with("wss://"));
    s.stop().await;
}

#[tokio::test]
async fn a_client_that_does_not_trust_the_certificate_is_refused() {
    let (s, _) = start_https().await;
    let stranger = reqwest::Client::builder()
        .resolve(NAME, s.addr)
        .build()
        .unwrap();
    let err = stranger
        .get(format!("{}/emulator/v1/health", s.base))
        .send()
        .await
        .expect_err("an unknown self-signed certificate");
    assert!(err.is_connect(), "{err:?}");
    // Plain HTTP on the HTTPS port gets no answer either (the handshake fails, the server serves on).
    let plain = reqwest::Client::new()
        .get(format!("http://{}/emulator/v1/health", s.addr))
        .timeout(Duration::from_secs(5))
        .send()
        .await;
    assert!(plain.is_err(), "plain HTTP on the HTTPS port: {plain:?}");
    let health = s
        .http
        .get(format!("{}/emulator/v1/health", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        health.status(),
        200,
        "still serving after the failed handshakes"
    );
    s.stop().await;
}

#[tokio::test]
async fn the_push_socket_works_over_wss() {
    let (s, pem) = start_https().await;
    let login = s.ok(A1, "GetLoginDetails", json!({})).await;
    let url = login["AgentServerUrl"].as_str().unwrap().to_owned();
    let mut ws = wss_connect(&url, s.addr, &pem).await;
    let first = next_push(&mut ws).await;
    assert_eq!(
        (
            first["Type"].as_str(),
            first["UserContext"]["UserState"].as_str()
        ),
        (Some("UserStatus"), Some("OFFLINE"))
    );
    s.ok(
        A1,
        "SignInGroup",
        json!({"DeviceId": "d", "SignedSkillGroupIdList": "[]"}),
    )
    .await;
    let signed = next_push(&mut ws).await;
    assert_eq!(signed["UserContext"]["UserState"], "BREAK");
    s.stop().await;
}

type Wss =
    tokio_tungstenite::WebSocketStream<tokio_rustls::client::TlsStream<tokio::net::TcpStream>>;

/// A WebSocket to `url` (`wss://ccc.lan:port/…`) over TLS to `addr`, trusting only `pem`.
async fn wss_connect(url: &str, addr: SocketAddr, pem: &str) -> Wss {
    use rustls_pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pki_types::CertificateDer::pem_slice_iter(pem.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let name = rustls_pki_types::ServerName::try_from(NAME).unwrap();
    let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .expect("a TLS handshake the certificate passes");
    let (ws, _) = tokio_tungstenite::client_async(url, tls)
        .await
        .expect("a WebSocket over TLS");
    ws
}
