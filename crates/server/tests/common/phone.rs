//! A soft phone for the tests: a SIP WebSocket to `/emulator/ws/sip` driven by `ccc-sip` (REGISTER with
//! digest, the emulator's INVITEs as `ccc_sip::call::Call::incoming`), answering with a `ccc-media` bridge
//! standing in for the browser's RTCPeerConnection.

use std::time::{Duration, Instant};

use ccc_media::{Bridge, LegId, Source};
use ccc_sip::call::{Call, CallAction, CallConfig, CallEvent, CallNotice};
use ccc_sip::digest::{DigestChallenge, DigestInput};
use ccc_sip::ids::SeqIds;
use ccc_sip::{Header, Message, Method, Request, Response, Scheme, SipUri};
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message as WsMessage;

use super::{Server, Ws, A1};

/// A soft phone: the agent's SIP WebSocket and its `ccc-sip` state.
pub struct Phone {
    pub ws: Ws,
    pub ext: String,
    pub password: String,
    pub host: String,
    /// The user part of the Contact it registers (`ph<extension>` unless [`connect_as`] named another).
    pub contact_user: String,
    pub ids: SeqIds,
    reg_cseq: u32,
}

/// Connects agent `user`'s phone from GetLoginDetails (not registered yet).
pub async fn connect(s: &Server, user: &str) -> Phone {
    connect_as(s, user, None).await
}

/// [`connect`], registering Contact `sip:<contact_user>@phone.invalid` (another tab) when given.
pub async fn connect_as(s: &Server, user: &str, contact_user: Option<&str>) -> Phone {
    let login = s.ok(user, "GetLoginDetails", json!({})).await;
    let url = login["SipServerUrl"].as_str().unwrap().to_owned();
    assert_eq!(url, format!("ws://{}/emulator/ws/sip", s.addr));
    assert_eq!(login["Signature"], login["Signature2"]);
    let ext = login["Extension"].as_str().unwrap().to_owned();
    let user_key2 = login["UserKey2"].as_str().unwrap();
    assert!(user_key2.starts_with(&format!("{ext}:")), "{user_key2}");
    let mut req = url.as_str().into_client_request().unwrap();
    req.headers_mut()
        .insert("Sec-WebSocket-Protocol", "sip".parse().unwrap());
    let (ws, resp) = tokio_tungstenite::connect_async(req).await.unwrap();
    assert_eq!(resp.headers()["sec-websocket-protocol"], "sip");
    let host = url
        .trim_start_matches("ws://")
        .split('/')
        .next()
        .unwrap()
        .split(':')
        .next()
        .unwrap()
        .to_owned();
    let contact_user = contact_user.map_or_else(|| format!("ph{ext}"), str::to_owned);
    Phone {
        ws,
        ext,
        contact_user,
        password: login["Signature2"].as_str().unwrap().to_owned(),
        host,
        ids: SeqIds::new("ph"),
        reg_cseq: 0,
    }
}

pub fn parse(text: &str) -> Message {
    Message::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{e}: {text}"))
}

impl Phone {
    pub async fn send_text(&mut self, text: String) {
        self.ws.send(WsMessage::Text(text.into())).await.unwrap();
    }

    pub async fn send(&mut self, m: impl Into<Message>) {
        let text = m.into().to_string();
        self.send_text(text).await;
    }

    pub async fn recv_text(&mut self) -> String {
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(10), self.ws.next())
                .await
                .expect("a SIP frame within 10 s")
                .expect("socket open")
                .expect("no error");
            match msg {
                WsMessage::Text(t) => return t.as_str().to_owned(),
                WsMessage::Close(f) => panic!("closed: {f:?}"),
                _ => continue,
            }
        }
    }

    pub async fn recv(&mut self) -> Message {
        let text = self.recv_text().await;
        parse(&text)
    }

    pub async fn recv_response(&mut self) -> Response {
        match self.recv().await {
            Message::Response(r) => r,
            Message::Request(r) => panic!("expected a response, got {}", Message::Request(r)),
        }
    }

    pub async fn recv_request(&mut self, method: Method) -> Request {
        match self.recv().await {
            Message::Request(r) if r.method == method => r,
            other => panic!("expected {method}, got {other}"),
        }
    }

    pub fn register_request(
        &mut self,
        expires: u32,
        password: &str,
        chal: Option<&Response>,
    ) -> Request {
        self.reg_cseq += 1;
        let (ext, host, n, contact) = (&self.ext, &self.host, self.reg_cseq, &self.contact_user);
        let text = format!(
            "REGISTER sip:{host} SIP/2.0\r\nVia: SIP/2.0/WS phone.invalid;branch=z9hG4bKreg{n}\r\n\
             Max-Forwards: 70\r\nFrom: <sip:{ext}@{host}>;tag=regtag\r\nTo: <sip:{ext}@{host}>\r\n\
             Call-ID: reg-{ext}@phone\r\nCSeq: {n} REGISTER\r\n\
             Contact: <sip:{contact}@phone.invalid;transport=ws>;+sip.instance=\"<urn:uuid:1>\"\r\n\
             Expires: {expires}\r\nContent-Length: 0\r\n\r\n"
        );
        let Message::Request(mut req) = parse(&text) else {
            unreachable!()
        };
        if let Some(r) = chal {
            let c = r.headers.www_authenticate().next().expect("a challenge");
            let d = DigestChallenge::from_challenge(c).unwrap();
            let cred = d.respond(&DigestInput {
                username: &self.ext,
                password,
                method: "REGISTER",
                uri: &format!("sip:{host}"),
                body: b"",
                cnonce: "cn1",
                nc: 1,
            });
            let at = req.headers.len() - 1;
            req.headers.insert(at, Header::Authorization(cred));
        }
        req
    }

    /// REGISTER → 401 → REGISTER with digest; returns (the 401, the final response).
    pub async fn register_with(&mut self, expires: u32, password: &str) -> (Response, Response) {
        let first = self.register_request(expires, password, None);
        self.send(first).await;
        let chal = self.recv_response().await;
        assert_eq!(chal.status.code(), 401);
        let second = self.register_request(expires, password, Some(&chal));
        self.send(second).await;
        let fin = self.recv_response().await;
        (chal, fin)
    }

    pub async fn register(&mut self) {
        let pw = self.password.clone();
        let (_, ok) = self.register_with(600, &pw).await;
        assert_eq!(ok.status.code(), 200, "{}", Message::Response(ok.clone()));
    }

    pub fn config(&self) -> CallConfig {
        let mut c = CallConfig::new(
            SipUri::new(Scheme::Sip, &self.host).with_user(&self.ext),
            SipUri::new(Scheme::Sip, "phone.invalid")
                .with_user(&self.contact_user)
                .with_param("transport", Some("ws")),
            "phone.invalid",
        );
        c.via_transport = "WS".into();
        c
    }

    /// Carries out a call's actions (no client transactions: responses are fed back by the test).
    pub async fn run(&mut self, actions: Vec<CallAction>) -> Vec<CallNotice> {
        let mut notices = Vec::new();
        for a in actions {
            match a {
                CallAction::Send { request, .. } => self.send(request).await,
                CallAction::SendAck(r) => self.send(r).await,
                CallAction::Respond(r) => self.send(r).await,
                CallAction::ArmTimer { .. } => {}
                CallAction::Notify(n) => notices.push(n),
            }
        }
        notices
    }

    /// Waits for the INVITE and rings (180); returns the call and the INVITE.
    pub async fn ring(&mut self) -> (Call, Request) {
        let invite = self.recv_request(Method::Invite).await;
        let (call, actions) = Call::incoming(self.config(), invite.clone(), &mut self.ids);
        self.run(actions).await;
        (call, invite)
    }

    pub async fn handle(&mut self, call: &mut Call, event: CallEvent) -> Vec<CallNotice> {
        let actions = call.handle(event, &mut self.ids);
        self.run(actions).await
    }

    /// Answers with `bridge`'s SDP answer, speaking `hz`; returns the phone's media leg once the ACK came.
    pub async fn answer(
        &mut self,
        call: &mut Call,
        invite: &Request,
        bridge: &Bridge,
        hz: f32,
    ) -> LegId {
        let offer = String::from_utf8(invite.body.clone()).unwrap();
        let (leg, answer) = bridge.answer(&offer).await.expect("an SDP answer");
        let voice = bridge.add_virtual(Source::Tone { hz });
        bridge.set_hears(leg, &[voice]);
        self.handle(
            call,
            CallEvent::Answer {
                sdp: answer.into_bytes(),
            },
        )
        .await;
        let ack = self.recv_request(Method::Ack).await;
        let notices = self.handle(call, CallEvent::Request(ack)).await;
        assert_eq!(notices, [CallNotice::Confirmed]);
        leg
    }
}

pub fn header(r: &Request, name: &str) -> Option<String> {
    r.headers.get(name)
}

impl Phone {
    /// Waits (up to 10 s) until the server ends the socket (a close frame, an error or the end of the
    /// stream); frames before that are skipped.
    pub async fn wait_closed(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let msg = tokio::time::timeout(left, self.ws.next())
                .await
                .expect("the server to close the SIP socket within 10 s");
            match msg {
                None | Some(Err(_)) | Some(Ok(WsMessage::Close(_))) => return,
                Some(Ok(_)) => continue,
            }
        }
    }

    /// Sends an OPTIONS and asserts that the next frame is its 200: nothing else (an INVITE) was queued for
    /// this phone before it (the emulator handles one connection's frames in order).
    pub async fn assert_nothing_queued(&mut self, what: &str) {
        let n = self.reg_cseq + 1000;
        let text = format!(
            "OPTIONS sip:{host} SIP/2.0\r\nVia: SIP/2.0/WS phone.invalid;branch=z9hG4bKq{n}\r\n\
             Max-Forwards: 70\r\nFrom: <sip:{ext}@{host}>;tag=q{n}\r\nTo: <sip:{host}>\r\n\
             Call-ID: q{n}-{contact}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
            host = self.host,
            ext = self.ext,
            contact = self.contact_user,
        );
        self.reg_cseq += 1;
        self.send_text(text).await;
        match self.recv().await {
            Message::Response(r) if r.status.code() == 200 => {}
            other => panic!("{what}: expected only the OPTIONS answer, got {other}"),
        }
    }
}

/// A registered phone of `user` (signed in and READY).
pub async fn ready_phone(s: &Server, user: &str) -> Phone {
    s.register(user).await;
    let mut phone = connect(s, user).await;
    phone.register().await;
    phone
}

/// A registered A1 phone and an inbound call to it from `caller`, ringing: (phone, call, INVITE, job).
pub async fn ringing_inbound(s: &Server, caller: &str) -> (Phone, Call, Request, String) {
    s.register(A1).await;
    let mut phone = connect(s, A1).await;
    phone.register().await;
    let (st, body) = s.inbound(json!({"caller": caller})).await;
    assert_eq!((st, body["userId"].as_str()), (200, Some(A1)), "{body}");
    let job = body["jobId"].as_str().unwrap().to_owned();
    let (call, invite) = phone.ring().await;
    (phone, call, invite, job)
}
