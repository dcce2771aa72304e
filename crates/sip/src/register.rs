//! Registration (RFC 3261 §10.2, with the RFC 5626 / RFC 7118 Contact a browser UA sends) as a sans-I/O
//! machine.
//!
//! A [`Registration`] is fed [`RegEvent`]s — the user asks to register or unregister, the final response
//! of the REGISTER client transaction arrived, that transaction failed (timeout, transport), the refresh
//! timer fired — and answers [`RegAction`]s: start a client transaction for this REGISTER (the branch is
//! already in its top Via), arm the refresh timer, tell the user. Identifiers come from an
//! [`IdGenerator`]; there is no clock (the refresh is a timer the driver arms).
//!
//! - The Call-ID and From tag are drawn once and kept across refreshes and the un-REGISTER; the CSeq
//!   increments with every request (§10.2.4).
//! - The Contact is the configured URI (`;transport=ws`, and `;ob` when the caller puts it there, as
//!   JsSIP does) with `+sip.instance` and `reg-id` (RFC 5626 §4.2) and `expires`; `Expires` is sent too,
//!   and `Supported: path, outbound` when a `reg-id` is used.
//! - 401 / 407: the strongest Digest challenge is answered ([`crate::digest`]); the challenge is kept and
//!   answered pre-emptively on refreshes with the nonce count incremented (reset for a new nonce). A
//!   second challenge carrying the nonce just answered (and not `stale=true`) means the credentials are
//!   wrong: [`RegFailure::AuthFailed`], no loop. At most [`MAX_RETRIES`] automatic retries per attempt.
//! - 423 Interval Too Brief: retried once more with the Min-Expires value (§10.2.8).
//! - 2xx: the granted interval is the `expires` of our Contact in the answer (matched by
//!   `+sip.instance`, else by user and host), else the Expires header, else the requested one; the
//!   refresh fires at `expires − margin` (or half the interval when that is longer).
//! - Un-REGISTER: the same Contact with `expires=0` and `Expires: 0`.
//!
//! ```
//! use ccc_sip::ids::SeqIds;
//! use ccc_sip::register::{RegAction, RegEvent, RegisterConfig, Registration};
//! use ccc_sip::{SipUri, Scheme};
//! let mut ids = SeqIds::new("x");
//! let config = RegisterConfig::new(
//!     SipUri::new(Scheme::Sip, "example.com"),
//!     SipUri::new(Scheme::Sip, "example.com").with_user("alice"),
//!     SipUri::new(Scheme::Sip, "k6p2v.invalid").with_user("k6p2v").with_param("transport", Some("ws")),
//!     "k6p2v.invalid",
//!     "alice",
//!     "secret",
//! );
//! let mut reg = Registration::new(config, &mut ids);
//! let out = reg.handle(RegEvent::Register, &mut ids);
//! let [RegAction::Send { request, branch }] = &out[..] else { panic!("{out:?}") };
//! assert_eq!(request.headers.top_via().unwrap().branch(), Some(branch.as_str()));
//! assert_eq!(request.headers.cseq().unwrap().seq, 1);
//! ```

use crate::builders::DEFAULT_MAX_FORWARDS;
use crate::digest::{pick_challenge, DigestChallenge, DigestError, DigestInput};
use crate::header::{CSeq, Contact, Header, NameAddr, Via};
use crate::ids::IdGenerator;
use crate::message::{Request, Response};
use crate::method::Method;
use crate::status::StatusCode;
use crate::uri::SipUri;

/// Automatic retries (challenge answers, 423) allowed for one attempt before giving up.
pub const MAX_RETRIES: u8 = 3;

/// 423 Interval Too Brief.
const INTERVAL_TOO_BRIEF: u16 = 423;

/// What to register, where, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterConfig {
    /// The Request-URI: the registrar's domain (`sip:example.com`).
    pub registrar: SipUri,
    /// The address of record, in From and To (`sip:alice@example.com`).
    pub aor: SipUri,
    /// A display name for From and To.
    pub display_name: Option<String>,
    /// The Contact URI (`sip:k6p2v@k6p2v.invalid;transport=ws`, with `;ob` for RFC 5626 outbound).
    pub contact: SipUri,
    /// The RFC 5626 instance id, `urn:uuid:…` (sent as `+sip.instance="<urn:uuid:…>"`).
    pub instance_id: Option<String>,
    /// The RFC 5626 `reg-id` (1 for the one flow a browser has).
    pub reg_id: Option<u32>,
    /// The Via transport token: `WSS` (or `WS`).
    pub via_transport: String,
    /// The Via sent-by host (the `.invalid` name of RFC 7118 §5).
    pub via_host: String,
    /// The interval asked for, in seconds.
    pub expires: u32,
    /// How many seconds before expiry to refresh.
    pub refresh_margin_s: u32,
    /// The Digest user name.
    pub username: String,
    /// The Digest password.
    pub password: String,
    /// A User-Agent header, if any.
    pub user_agent: Option<String>,
}

impl RegisterConfig {
    /// A configuration with the defaults: Via transport `WSS`, 600 s, a 5 s refresh margin, `reg-id=1`,
    /// no instance id, no display name, no User-Agent.
    pub fn new(
        registrar: SipUri,
        aor: SipUri,
        contact: SipUri,
        via_host: &str,
        username: &str,
        password: &str,
    ) -> Self {
        RegisterConfig {
            registrar,
            aor,
            display_name: None,
            contact,
            instance_id: None,
            reg_id: Some(1),
            via_transport: "WSS".into(),
            via_host: via_host.into(),
            expires: 600,
            refresh_margin_s: 5,
            username: username.into(),
            password: password.into(),
            user_agent: None,
        }
    }
}

/// Where the registration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegState {
    /// No binding (initially, after an un-REGISTER or a failure).
    Unregistered,
    /// A REGISTER (first or refresh) is in flight.
    Registering,
    /// Bound; the refresh timer runs.
    Registered,
    /// The un-REGISTER is in flight.
    Unregistering,
}

/// An input to a [`Registration`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegEvent {
    /// The user wants to be registered.
    Register,
    /// The user wants the binding removed (logout, page unload).
    Unregister,
    /// A response delivered by the REGISTER's client transaction (provisional ones are ignored).
    Response(Response),
    /// The REGISTER's client transaction ended without a final response (Timer F, transport error).
    TransactionFailed,
    /// The refresh timer armed by [`RegAction::ArmRefresh`] with this generation fired.
    RefreshTimer(u32),
}

/// Why registering or unregistering failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegFailure {
    /// A final non-2xx response (the status is in [`RegNotice::Failed`]).
    Rejected,
    /// The credentials were refused: a second challenge for the nonce just answered, or too many.
    AuthFailed,
    /// A challenge this crate cannot answer.
    BadChallenge(DigestError),
    /// 423 without a usable Min-Expires.
    IntervalTooBrief,
    /// A 2xx that left no binding (expires 0) for our Contact.
    NoBinding,
    /// No final response: timeout or transport failure.
    Timeout,
}

/// What the registration tells the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegNotice {
    /// Registered (first time or refreshed) for this many seconds.
    Registered {
        /// The granted interval.
        expires: u32,
    },
    /// The binding was removed.
    Unregistered,
    /// Registering or unregistering failed; the state is now [`RegState::Unregistered`].
    Failed {
        /// The final response's status, if one came.
        status: Option<StatusCode>,
        /// Why.
        cause: RegFailure,
    },
}

/// An output of a [`Registration`], to be carried out in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegAction {
    /// Start a client transaction for `request` with `branch` (already set in its top Via) and feed its
    /// final response back as [`RegEvent::Response`].
    Send {
        /// The REGISTER.
        request: Request,
        /// Its branch.
        branch: String,
    },
    /// Arm the refresh timer for `ms` milliseconds, then feed [`RegEvent::RefreshTimer`] with
    /// `generation`. A timer of an older generation is ignored, so none needs cancelling.
    ArmRefresh {
        /// Identifies this arming.
        generation: u32,
        /// The delay.
        ms: u64,
    },
    /// Tell the user.
    Notify(RegNotice),
}

/// A challenge being answered, with the nonce count used so far for its nonce.
#[derive(Debug, Clone, PartialEq, Eq)]
struct AuthState {
    challenge: DigestChallenge,
    nc: u32,
}

/// The request in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pending {
    seq: u32,
    unregister: bool,
    /// Nonces answered in it (WWW, proxy).
    www_nonce: Option<String>,
    proxy_nonce: Option<String>,
    retries: u8,
}

/// One registration binding, refreshed until un-REGISTERed.
#[derive(Debug, Clone)]
pub struct Registration {
    config: RegisterConfig,
    call_id: String,
    from_tag: String,
    cseq: u32,
    expires: u32,
    state: RegState,
    www: Option<AuthState>,
    proxy: Option<AuthState>,
    pending: Option<Pending>,
    /// What the user asked for while a request was in flight: `Some(true)` un-REGISTER, `Some(false)`
    /// REGISTER.
    queued: Option<bool>,
    generation: u32,
    granted: u32,
}

impl Registration {
    /// A registration, unregistered; draws the Call-ID and From tag from `ids`.
    pub fn new(config: RegisterConfig, ids: &mut dyn IdGenerator) -> Self {
        Registration {
            expires: config.expires,
            config,
            call_id: ids.call_id(),
            from_tag: ids.tag(),
            cseq: 0,
            state: RegState::Unregistered,
            www: None,
            proxy: None,
            pending: None,
            queued: None,
            generation: 0,
            granted: 0,
        }
    }

    /// The current state.
    pub fn state(&self) -> RegState {
        self.state
    }

    /// The Call-ID of every REGISTER of this binding.
    pub fn call_id(&self) -> &str {
        &self.call_id
    }

    /// The interval last granted (0 when unregistered).
    pub fn granted_expires(&self) -> u32 {
        self.granted
    }

    /// The interval the next REGISTER asks for (the configured one, or a 423's Min-Expires).
    pub fn requested_expires(&self) -> u32 {
        self.expires
    }

    /// Feeds one event; returns what to do.
    pub fn handle(&mut self, event: RegEvent, ids: &mut dyn IdGenerator) -> Vec<RegAction> {
        match event {
            RegEvent::Register => {
                if self.pending.is_some() {
                    if self.state == RegState::Unregistering {
                        self.queued = Some(false);
                    } else {
                        self.queued = None;
                    }
                    return Vec::new();
                }
                self.state = RegState::Registering;
                self.generation += 1;
                vec![self.send(false, 0, ids)]
            }
            RegEvent::Unregister => {
                if self.pending.is_some() {
                    if self.state == RegState::Registering {
                        self.queued = Some(true);
                    } else {
                        self.queued = None;
                    }
                    return Vec::new();
                }
                if self.state != RegState::Registered {
                    return Vec::new();
                }
                self.state = RegState::Unregistering;
                self.generation += 1;
                vec![self.send(true, 0, ids)]
            }
            RegEvent::RefreshTimer(g) => {
                if g != self.generation
                    || self.state != RegState::Registered
                    || self.pending.is_some()
                {
                    return Vec::new();
                }
                self.state = RegState::Registering;
                vec![self.send(false, 0, ids)]
            }
            RegEvent::TransactionFailed => match self.pending.take() {
                Some(_) => self.fail(None, RegFailure::Timeout, ids),
                None => Vec::new(),
            },
            RegEvent::Response(r) => self.on_response(r, ids),
        }
    }

    fn on_response(&mut self, r: Response, ids: &mut dyn IdGenerator) -> Vec<RegAction> {
        let Some(p) = &self.pending else {
            return Vec::new();
        };
        let ours = r.headers.call_id() == Some(self.call_id.as_str())
            && r.headers
                .cseq()
                .is_some_and(|c| c.seq == p.seq && c.method == Method::Register);
        if !ours || r.status.is_provisional() {
            return Vec::new();
        }
        let Some(p) = self.pending.take() else {
            return Vec::new();
        };
        let code = r.status.code();
        if r.status.is_success() {
            return if p.unregister {
                self.unregistered(ids)
            } else {
                self.registered(&r, ids)
            };
        }
        if code == 401 || code == 407 {
            if p.retries >= MAX_RETRIES {
                return self.fail(Some(r.status), RegFailure::AuthFailed, ids);
            }
            let proxy = code == 407;
            let picked = if proxy {
                pick_challenge(r.headers.proxy_authenticate())
            } else {
                pick_challenge(r.headers.www_authenticate())
            };
            let Some((_, challenge)) = picked else {
                let first = if proxy {
                    r.headers.proxy_authenticate().next()
                } else {
                    r.headers.www_authenticate().next()
                };
                let err = first
                    .and_then(|c| DigestChallenge::from_challenge(c).err())
                    .unwrap_or(DigestError::NotDigest);
                return self.fail(Some(r.status), RegFailure::BadChallenge(err), ids);
            };
            let answered = if proxy { &p.proxy_nonce } else { &p.www_nonce };
            if answered.as_deref() == Some(challenge.nonce.as_str()) && !challenge.stale {
                if proxy {
                    self.proxy = None;
                } else {
                    self.www = None;
                }
                return self.fail(Some(r.status), RegFailure::AuthFailed, ids);
            }
            let slot = if proxy {
                &mut self.proxy
            } else {
                &mut self.www
            };
            *slot = Some(AuthState { challenge, nc: 0 });
            return vec![self.send(p.unregister, p.retries + 1, ids)];
        }
        if code == INTERVAL_TOO_BRIEF && !p.unregister {
            match r.headers.min_expires() {
                Some(min) if min > self.expires && p.retries < MAX_RETRIES => {
                    self.expires = min;
                    return vec![self.send(false, p.retries + 1, ids)];
                }
                _ => return self.fail(Some(r.status), RegFailure::IntervalTooBrief, ids),
            }
        }
        self.fail(Some(r.status), RegFailure::Rejected, ids)
    }

    fn registered(&mut self, r: &Response, ids: &mut dyn IdGenerator) -> Vec<RegAction> {
        let mine = r.headers.contacts().find(|c| self.is_our_contact(c));
        let granted = mine
            .and_then(NameAddr::expires)
            .or_else(|| r.headers.expires())
            .unwrap_or(self.expires);
        if granted == 0 {
            return self.fail(Some(r.status), RegFailure::NoBinding, ids);
        }
        self.granted = granted;
        self.state = RegState::Registered;
        self.generation += 1;
        let mut out = vec![
            RegAction::ArmRefresh {
                generation: self.generation,
                ms: refresh_delay_ms(granted, self.config.refresh_margin_s),
            },
            RegAction::Notify(RegNotice::Registered { expires: granted }),
        ];
        if self.queued.take() == Some(true) {
            self.state = RegState::Unregistering;
            self.generation += 1;
            out.push(self.send(true, 0, ids));
        }
        out
    }

    fn unregistered(&mut self, ids: &mut dyn IdGenerator) -> Vec<RegAction> {
        self.state = RegState::Unregistered;
        self.granted = 0;
        let mut out = vec![RegAction::Notify(RegNotice::Unregistered)];
        if self.queued.take() == Some(false) {
            self.state = RegState::Registering;
            self.generation += 1;
            out.push(self.send(false, 0, ids));
        }
        out
    }

    fn fail(
        &mut self,
        status: Option<StatusCode>,
        cause: RegFailure,
        ids: &mut dyn IdGenerator,
    ) -> Vec<RegAction> {
        self.state = RegState::Unregistered;
        self.granted = 0;
        self.generation += 1;
        let mut out = vec![RegAction::Notify(RegNotice::Failed { status, cause })];
        if self.queued.take() == Some(false) {
            self.state = RegState::Registering;
            out.push(self.send(false, 0, ids));
        }
        out
    }

    fn is_our_contact(&self, c: &NameAddr) -> bool {
        if let Some(id) = &self.config.instance_id {
            if let Some(theirs) = c.instance() {
                return theirs == format!("<{id}>");
            }
        }
        c.uri.as_sip().is_some_and(|u| {
            u.user == self.config.contact.user
                && u.host.eq_ignore_ascii_case(&self.config.contact.host)
                && u.port == self.config.contact.port
        })
    }

    /// The Contact of our REGISTERs with `expires`.
    fn contact(&self, expires: u32) -> NameAddr {
        let mut c = NameAddr::new(self.config.contact.clone());
        if let Some(id) = &self.config.instance_id {
            c.params.set_quoted("+sip.instance", &format!("<{id}>"));
        }
        if let Some(r) = self.config.reg_id {
            c.params.set("reg-id", Some(&r.to_string()));
        }
        c.params.set("expires", Some(&expires.to_string()));
        c
    }

    fn aor(&self) -> NameAddr {
        let a = NameAddr::new(self.config.aor.clone());
        match &self.config.display_name {
            Some(d) => a.with_display(d),
            None => a,
        }
    }

    /// Builds and "sends" the next REGISTER (a new CSeq, a new branch, answers to the challenges held).
    fn send(&mut self, unregister: bool, retries: u8, ids: &mut dyn IdGenerator) -> RegAction {
        self.cseq += 1;
        let expires = if unregister { 0 } else { self.expires };
        let branch = ids.branch();
        let c = &self.config;
        let mut req = Request::new(Method::Register, c.registrar.clone());
        let h = &mut req.headers;
        h.push(Header::Via(vec![Via::new(
            &c.via_transport,
            &c.via_host,
            &branch,
        )]));
        h.push(Header::MaxForwards(DEFAULT_MAX_FORWARDS));
        h.push(Header::From(
            self.aor().with_param("tag", Some(&self.from_tag)),
        ));
        h.push(Header::To(self.aor()));
        h.push(Header::CallId(self.call_id.clone()));
        h.push(Header::CSeq(CSeq {
            seq: self.cseq,
            method: Method::Register,
        }));
        h.push(Header::Contact(Contact::List(vec![self.contact(expires)])));
        h.push(Header::Expires(expires));
        if c.reg_id.is_some() {
            h.push(Header::Supported(vec!["path".into(), "outbound".into()]));
        }
        if let Some(ua) = &c.user_agent {
            h.push(Header::UserAgent(ua.clone()));
        }
        let uri = c.registrar.to_string();
        let mut answer = |auth: &mut Option<AuthState>| {
            auth.as_mut().map(|a| {
                a.nc += 1;
                let cnonce = ids.cnonce();
                let cred = a.challenge.respond(&DigestInput {
                    username: &c.username,
                    password: &c.password,
                    method: "REGISTER",
                    uri: &uri,
                    body: b"",
                    cnonce: &cnonce,
                    nc: a.nc,
                });
                (cred, a.challenge.nonce.clone())
            })
        };
        let www = answer(&mut self.www);
        let proxy = answer(&mut self.proxy);
        if let Some((cred, _)) = &www {
            h.push(Header::Authorization(cred.clone()));
        }
        if let Some((cred, _)) = &proxy {
            h.push(Header::ProxyAuthorization(cred.clone()));
        }
        h.push(Header::ContentLength(0));
        self.pending = Some(Pending {
            seq: self.cseq,
            unregister,
            www_nonce: www.map(|(_, n)| n),
            proxy_nonce: proxy.map(|(_, n)| n),
            retries,
        });
        RegAction::Send {
            request: req,
            branch,
        }
    }
}

/// The refresh delay for a granted interval: `expires − margin` seconds, or half the interval when that
/// is longer (short intervals).
pub fn refresh_delay_ms(expires: u32, margin_s: u32) -> u64 {
    let secs = expires.saturating_sub(margin_s).max(expires / 2);
    u64::from(secs.max(1)) * 1000
}
