//! A native SIP over WebSocket user agent for the interop tests: `ccc-sip`'s pure machines (transactions,
//! registration) driven over tokio-tungstenite, so Kamailio and JsSIP can be checked against the SIP core
//! without a browser.

use std::time::{Duration, Instant};

use ccc_sip::ids::IdGenerator;
use ccc_sip::register::{RegAction, RegEvent, RegNotice, RegisterConfig, Registration};
use ccc_sip::transaction::{self, Action, ClientTransaction, Event};
use ccc_sip::{Message, Response, Scheme, SipUri};
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message as Frame;
use workbench_e2e::kamailio::DOMAIN;
use workbench_e2e::DEADLINE;

/// A native SIP over WebSocket client made of `ccc-sip`'s pure machines and tokio-tungstenite.
pub(crate) struct NativeUa {
    ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    pub(crate) ids: RandomIds,
    /// Every response the transactions delivered, in order.
    pub(crate) responses: Vec<Response>,
    /// Every request sent, as printed.
    pub(crate) sent: Vec<String>,
}

impl NativeUa {
    /// Connects to `ws_url` asking for the `sip` sub-protocol (RFC 7118 §4), which Kamailio requires.
    pub(crate) async fn connect(ws_url: &str) -> NativeUa {
        let mut request = ws_url.into_client_request().expect("ws request");
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", "sip".parse().unwrap());
        let (ws, answer) =
            tokio::time::timeout(DEADLINE, tokio_tungstenite::connect_async(request))
                .await
                .expect("the WebSocket handshake timed out")
                .expect("WebSocket to Kamailio");
        assert_eq!(
            answer
                .headers()
                .get("Sec-WebSocket-Protocol")
                .and_then(|v| v.to_str().ok()),
            Some("sip"),
            "Kamailio picked the sip sub-protocol"
        );
        NativeUa {
            ws,
            ids: RandomIds::new(),
            responses: Vec::new(),
            sent: Vec::new(),
        }
    }

    /// Runs one client transaction for `request` to its end; returns its final response (or `None` on a
    /// timeout or transport failure). Timer F is honoured as a deadline on the receive.
    pub(crate) async fn transact(
        &mut self,
        request: ccc_sip::Request,
        branch: &str,
    ) -> Option<Response> {
        let config = transaction::Config::default();
        let (mut tx, mut actions) =
            ClientTransaction::start(request, branch, config).expect("a valid request");
        // Armed timers (B/F: 64·T1; D/K: zero on a reliable transport), fired in order of their due time.
        let mut timers: Vec<(Instant, transaction::Timer)> = Vec::new();
        let mut last = None;
        loop {
            let mut terminated = false;
            for action in actions.drain(..) {
                match action {
                    Action::Send(m) => {
                        let text = m.to_string();
                        self.sent.push(text.clone());
                        self.ws.send(Frame::text(text)).await.expect("send");
                    }
                    Action::ArmTimer { timer, ms } => {
                        let ms = Duration::from_millis(ms).min(DEADLINE);
                        timers.push((Instant::now() + ms, timer));
                    }
                    Action::Deliver(Message::Response(r)) => {
                        self.responses.push(r.clone());
                        if !r.status.is_provisional() {
                            last = Some(r);
                        }
                    }
                    Action::Deliver(Message::Request(r)) => panic!("unexpected request {r:?}"),
                    Action::Terminated(_) => terminated = true,
                }
            }
            if terminated || tx.is_terminated() {
                return last;
            }
            timers.sort_by_key(|(due, _)| *due);
            let (due, timer) = *timers
                .first()
                .expect("a live transaction has a timer armed");
            let left = due.saturating_duration_since(Instant::now());
            let event = match tokio::time::timeout(left, self.ws.next()).await {
                Err(_) => {
                    timers.remove(0);
                    Event::Timer(timer)
                }
                Ok(Some(Ok(Frame::Text(t)))) => match Message::parse(t.as_bytes()) {
                    Ok(m) => Event::Received(m),
                    Err(e) => panic!("Kamailio sent what ccc-sip cannot parse ({e}):\n{t}"),
                },
                Ok(Some(Ok(Frame::Binary(b)))) => {
                    Event::Received(Message::parse(&b).expect("a SIP message"))
                }
                Ok(Some(Ok(_))) => continue,
                Ok(Some(Err(_)) | None) => Event::TransportError,
            };
            actions = tx.handle(event);
        }
    }

    /// Feeds `event` to `reg` and carries out its actions (transactions included) until it has nothing
    /// more to do; returns what it notified.
    pub(crate) async fn drive(
        &mut self,
        reg: &mut Registration,
        event: RegEvent,
    ) -> Vec<RegNotice> {
        let mut notices = Vec::new();
        let mut pending = reg.handle(event, &mut self.ids);
        while !pending.is_empty() {
            let mut next = Vec::new();
            for action in pending {
                match action {
                    RegAction::Send { request, branch } => {
                        let answer = match self.transact(request, &branch).await {
                            Some(r) => RegEvent::Response(r),
                            None => RegEvent::TransactionFailed,
                        };
                        next.extend(reg.handle(answer, &mut self.ids));
                    }
                    RegAction::ArmRefresh { .. } => {}
                    RegAction::Notify(n) => notices.push(n),
                }
            }
            pending = next;
        }
        notices
    }

    /// The next SIP message Kamailio sends (keep-alives and other frames skipped), with its text; `None`
    /// after [`DEADLINE`].
    pub(crate) async fn next_message(&mut self) -> Option<(Message, String)> {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let text = match tokio::time::timeout(left, self.ws.next()).await {
                Err(_) | Ok(None | Some(Err(_))) => return None,
                Ok(Some(Ok(Frame::Text(t)))) => t.as_str().to_owned(),
                Ok(Some(Ok(Frame::Binary(b)))) => String::from_utf8_lossy(&b).into_owned(),
                Ok(Some(Ok(_))) => continue,
            };
            if Message::is_keep_alive(text.as_bytes()) {
                continue;
            }
            let message = Message::parse(text.as_bytes()).unwrap_or_else(|e| {
                panic!("Kamailio sent what ccc-sip cannot parse ({e}):\n{text}")
            });
            return Some((message, text));
        }
    }

    /// Carries out a server transaction's actions: sends what it sends; returns whether it terminated.
    pub(crate) async fn server_actions(&mut self, actions: Vec<Action>) -> bool {
        let mut terminated = false;
        for action in actions {
            match action {
                Action::Send(m) => {
                    let text = m.to_string();
                    self.sent.push(text.clone());
                    self.ws.send(Frame::text(text)).await.expect("send");
                }
                Action::Terminated(_) => terminated = true,
                Action::ArmTimer { .. } | Action::Deliver(_) => {}
            }
        }
        terminated
    }

    pub(crate) fn statuses(&self) -> Vec<u16> {
        self.responses.iter().map(|r| r.status.code()).collect()
    }
}

/// Identifiers from the OS's randomness (a stand-in for the panel's `crypto.getRandomValues`): unique
/// across test runs against the same Kamailio.
pub(crate) struct RandomIds(u64, u64);

impl RandomIds {
    fn new() -> RandomIds {
        use std::hash::{BuildHasher, RandomState};
        RandomIds(RandomState::new().hash_one(std::process::id()), 0)
    }
    fn next(&mut self) -> String {
        self.1 += 1;
        format!("{:x}{}", self.0, self.1)
    }
}

impl IdGenerator for RandomIds {
    fn branch(&mut self) -> String {
        format!("{}{}", transaction::BRANCH_COOKIE, self.next())
    }
    fn tag(&mut self) -> String {
        self.next()
    }
    fn call_id(&mut self) -> String {
        self.next()
    }
    fn cnonce(&mut self) -> String {
        self.next()
    }
}

/// The REGISTER settings of `user` at Kamailio's domain, with a contact on an `.invalid` host as a browser
/// has (RFC 7118 §5), over WS.
pub(crate) fn register_config(user: &str, password: &str) -> RegisterConfig {
    let host = format!("n{user}x7k.invalid");
    let mut config = RegisterConfig::new(
        SipUri::new(Scheme::Sip, DOMAIN),
        SipUri::new(Scheme::Sip, DOMAIN).with_user(user),
        SipUri::new(Scheme::Sip, &host)
            .with_user(&format!("c{user}"))
            .with_param("transport", Some("ws")),
        &host,
        user,
        password,
    );
    config.via_transport = "WS".into();
    config.expires = 300;
    config.instance_id = Some(format!(
        "urn:uuid:00000000-0000-4000-8000-00000000{user:0>4}"
    ));
    config.user_agent = Some("ccc-sip interop test".into());
    config
}
