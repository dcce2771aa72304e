//! Dialogs (RFC 3261 §12): the state shared by the requests of one call, created from an INVITE and a
//! response with a To tag, and the in-dialog requests built from it.
//!
//! - [`Dialog::uac`] from the INVITE we sent and a 1xx (early) or 2xx (confirmed) with a To tag: the
//!   route set is the response's Record-Route **reversed**, the remote target its Contact, the local
//!   CSeq the INVITE's (§12.1.2).
//! - [`Dialog::uas`] from the INVITE we received and the response we send with our tag: the route set
//!   is the request's Record-Route **in order**, the remote target its Contact, the remote CSeq its CSeq,
//!   the local CSeq empty until we send a request (§12.1.1).
//! - [`Dialog::on_response`]: an early dialog becomes confirmed on a 2xx (route set recomputed,
//!   §13.2.2.4) or terminated on a final non-2xx; a 2xx to a target refresh (re-INVITE, UPDATE)
//!   replaces the remote target; 481 and 408 to an in-dialog request end the dialog (§12.2.1.2).
//! - [`Dialog::receive`]: checks an incoming in-dialog request: its CSeq must be above the remote CSeq
//!   (answer 500 otherwise, §12.2.2; ACK and CANCEL carry the INVITE's number and are not counted); a
//!   target refresh with a Contact replaces the remote target; a BYE ends the dialog.
//! - [`Dialog::request`] builds the next request (BYE, re-INVITE, INFO, UPDATE…; §12.2.1.1: loose or
//!   strict routing) and [`Dialog::ack`] the ACK for a 2xx (the INVITE's CSeq number, a new branch).
//!
//! No randomness: the Via (with its branch) is passed in.

use crate::builders::DEFAULT_MAX_FORWARDS;
use crate::header::{CSeq, Contact, Header, MediaType, NameAddr, Via};
use crate::message::{Request, Response};
use crate::method::Method;
use crate::uri::{Scheme, Uri};

/// The §12 dialog states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogState {
    /// Created by a provisional response with a To tag.
    Early,
    /// Created or confirmed by a 2xx.
    Confirmed,
    /// Ended (BYE, a failure of the INVITE, 481 / 408).
    Terminated,
}

/// The identity of a dialog (§12): Call-ID, local tag, remote tag.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DialogId {
    /// The Call-ID.
    pub call_id: String,
    /// Our tag (From for the UAC, To for the UAS).
    pub local_tag: String,
    /// The peer's tag.
    pub remote_tag: String,
}

impl DialogId {
    /// The id of the dialog an incoming request belongs to: Call-ID, To tag as local, From tag as
    /// remote. `None` without a To tag (not an in-dialog request).
    pub fn for_incoming(request: &Request) -> Option<DialogId> {
        Some(DialogId {
            call_id: request.headers.call_id()?.to_owned(),
            local_tag: request.headers.to()?.tag()?.to_owned(),
            remote_tag: request.headers.from()?.tag()?.to_owned(),
        })
    }
}

/// Why a dialog could not be created or a request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DialogError {
    /// The message lacks a header the dialog needs.
    #[error("missing {0}")]
    Missing(&'static str),
    /// The response does not create a dialog (100, or a final non-2xx).
    #[error("this response does not create a dialog")]
    NoDialog,
    /// The request does not belong to this dialog.
    #[error("not in this dialog")]
    Mismatch,
    /// The request's CSeq is not above the remote CSeq: answer 500 (§12.2.2).
    #[error("CSeq {got} is not above {last}")]
    OutOfOrder {
        /// The CSeq received.
        got: u32,
        /// The highest one seen.
        last: u32,
    },
    /// The dialog is over.
    #[error("the dialog is terminated")]
    Terminated,
}

/// One dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialog {
    state: DialogState,
    id: DialogId,
    /// Our address with our tag (From of our requests).
    local: NameAddr,
    /// The peer's address with its tag (To of our requests).
    remote: NameAddr,
    local_seq: Option<u32>,
    remote_seq: Option<u32>,
    remote_target: Uri,
    route_set: Vec<NameAddr>,
    secure: bool,
    local_contact: Option<NameAddr>,
    invite_seq: Option<u32>,
    is_uac: bool,
}

fn first_contact(h: &crate::header::Headers) -> Option<&NameAddr> {
    h.contacts().next()
}

fn reversed_record_route(h: &crate::header::Headers) -> Vec<NameAddr> {
    let mut v: Vec<NameAddr> = h.record_routes().cloned().collect();
    v.reverse();
    v
}

fn is_target_refresh(m: &Method) -> bool {
    matches!(m, Method::Invite | Method::Update)
}

impl Dialog {
    /// The UAC side (§12.1.2), from the INVITE we sent and a 101–299 response carrying a To tag.
    pub fn uac(invite: &Request, response: &Response) -> Result<Dialog, DialogError> {
        let status = response.status.code();
        if !(101..300).contains(&status) {
            return Err(DialogError::NoDialog);
        }
        let rh = &response.headers;
        let remote = rh.to().ok_or(DialogError::Missing("To"))?.clone();
        let remote_tag = remote
            .tag()
            .ok_or(DialogError::Missing("To tag"))?
            .to_owned();
        let local = invite
            .headers
            .from()
            .ok_or(DialogError::Missing("From"))?
            .clone();
        let local_tag = local
            .tag()
            .ok_or(DialogError::Missing("From tag"))?
            .to_owned();
        let call_id = invite
            .headers
            .call_id()
            .ok_or(DialogError::Missing("Call-ID"))?
            .to_owned();
        let seq = invite
            .headers
            .cseq()
            .ok_or(DialogError::Missing("CSeq"))?
            .seq;
        let remote_target = match first_contact(rh) {
            Some(c) => c.uri.clone(),
            None if status < 200 => invite.uri.clone(),
            None => return Err(DialogError::Missing("Contact")),
        };
        Ok(Dialog {
            state: if status < 200 {
                DialogState::Early
            } else {
                DialogState::Confirmed
            },
            id: DialogId {
                call_id,
                local_tag,
                remote_tag,
            },
            local,
            remote,
            local_seq: Some(seq),
            remote_seq: None,
            remote_target,
            route_set: reversed_record_route(rh),
            secure: is_sips(&invite.uri),
            local_contact: first_contact(&invite.headers).cloned(),
            invite_seq: Some(seq),
            is_uac: true,
        })
    }

    /// The UAS side (§12.1.1), from the INVITE we received and the 101–299 response we send (its To
    /// carries our tag, its Contact is ours).
    pub fn uas(invite: &Request, response: &Response) -> Result<Dialog, DialogError> {
        let status = response.status.code();
        if !(101..300).contains(&status) {
            return Err(DialogError::NoDialog);
        }
        let ih = &invite.headers;
        let local = response
            .headers
            .to()
            .ok_or(DialogError::Missing("To"))?
            .clone();
        let local_tag = local
            .tag()
            .ok_or(DialogError::Missing("To tag"))?
            .to_owned();
        let remote = ih.from().ok_or(DialogError::Missing("From"))?.clone();
        let remote_tag = remote
            .tag()
            .ok_or(DialogError::Missing("From tag"))?
            .to_owned();
        let call_id = ih
            .call_id()
            .ok_or(DialogError::Missing("Call-ID"))?
            .to_owned();
        let seq = ih.cseq().ok_or(DialogError::Missing("CSeq"))?.seq;
        let remote_target = first_contact(ih)
            .ok_or(DialogError::Missing("Contact"))?
            .uri
            .clone();
        Ok(Dialog {
            state: if status < 200 {
                DialogState::Early
            } else {
                DialogState::Confirmed
            },
            id: DialogId {
                call_id,
                local_tag,
                remote_tag,
            },
            local,
            remote,
            local_seq: None,
            remote_seq: Some(seq),
            remote_target,
            route_set: ih.record_routes().cloned().collect(),
            secure: is_sips(&invite.uri),
            local_contact: first_contact(&response.headers).cloned(),
            invite_seq: None,
            is_uac: false,
        })
    }

    /// The state.
    pub fn state(&self) -> DialogState {
        self.state
    }

    /// The dialog id.
    pub fn id(&self) -> &DialogId {
        &self.id
    }

    /// Whether we created it as the caller.
    pub fn is_uac(&self) -> bool {
        self.is_uac
    }

    /// The local CSeq (the last number we used; `None` for a UAS that has sent nothing yet).
    pub fn local_seq(&self) -> Option<u32> {
        self.local_seq
    }

    /// The remote CSeq (the highest number received; `None` for a UAC that has received nothing yet).
    pub fn remote_seq(&self) -> Option<u32> {
        self.remote_seq
    }

    /// The remote target: where requests go (the peer's Contact).
    pub fn remote_target(&self) -> &Uri {
        &self.remote_target
    }

    /// The route set, in the order the Route headers are sent.
    pub fn route_set(&self) -> &[NameAddr] {
        &self.route_set
    }

    /// Whether the dialog is `sips:` (§12.1).
    pub fn is_secure(&self) -> bool {
        self.secure
    }

    /// Our Contact, sent in target refreshes.
    pub fn local_contact(&self) -> Option<&NameAddr> {
        self.local_contact.as_ref()
    }

    /// Replaces our Contact (e.g. after a new registration).
    pub fn set_local_contact(&mut self, contact: NameAddr) {
        self.local_contact = Some(contact);
    }

    /// Ends the dialog (after a BYE we sent was answered, or locally).
    pub fn terminate(&mut self) {
        self.state = DialogState::Terminated;
    }

    /// Whether an incoming request belongs here (Call-ID, To tag = ours, From tag = theirs).
    pub fn matches(&self, request: &Request) -> bool {
        DialogId::for_incoming(request).as_ref() == Some(&self.id)
    }

    /// Applies a response to a request we sent in (or that created) this dialog.
    pub fn on_response(&mut self, method: &Method, response: &Response) {
        if self.state == DialogState::Terminated {
            return;
        }
        let code = response.status.code();
        let rh = &response.headers;
        if *method == Method::Invite && self.state == DialogState::Early {
            if response.status.is_success() {
                self.state = DialogState::Confirmed;
                if self.is_uac {
                    self.route_set = reversed_record_route(rh);
                }
            } else if response.status.is_final() {
                self.state = DialogState::Terminated;
                return;
            }
        }
        if code == 481 || code == 408 {
            self.state = DialogState::Terminated;
            return;
        }
        if is_target_refresh(method) && response.status.is_success() {
            if let Some(c) = first_contact(rh) {
                self.remote_target = c.uri.clone();
            }
        }
    }

    /// Checks and records an incoming in-dialog request (§12.2.2). On
    /// [`DialogError::OutOfOrder`] answer 500; on [`DialogError::Mismatch`] 481.
    pub fn receive(&mut self, request: &Request) -> Result<(), DialogError> {
        if !self.matches(request) {
            return Err(DialogError::Mismatch);
        }
        if self.state == DialogState::Terminated {
            return Err(DialogError::Terminated);
        }
        let seq = request
            .headers
            .cseq()
            .ok_or(DialogError::Missing("CSeq"))?
            .seq;
        if matches!(request.method, Method::Ack | Method::Cancel) {
            return Ok(());
        }
        if let Some(last) = self.remote_seq {
            if seq <= last {
                return Err(DialogError::OutOfOrder { got: seq, last });
            }
        }
        self.remote_seq = Some(seq);
        if is_target_refresh(&request.method) {
            if let Some(c) = first_contact(&request.headers) {
                self.remote_target = c.uri.clone();
            }
        }
        if request.method == Method::Bye {
            self.state = DialogState::Terminated;
        }
        Ok(())
    }

    /// Request-URI and Route lines for the route set (§12.2.1.1): loose routing keeps the remote target
    /// as Request-URI; a strict router in front becomes the Request-URI and the remote target the last
    /// Route.
    fn routing(&self) -> (Uri, Vec<NameAddr>) {
        let Some(first) = self.route_set.first() else {
            return (self.remote_target.clone(), Vec::new());
        };
        let loose = first.uri.as_sip().is_some_and(|u| u.params.contains("lr"));
        if loose {
            return (self.remote_target.clone(), self.route_set.clone());
        }
        let mut uri = first.uri.clone();
        if let Uri::Sip(u) = &mut uri {
            // §12.2.1.1 / §19.1.1: what a Request-URI may not carry is stripped.
            u.params.remove("method");
            u.headers.clear();
        }
        let mut routes: Vec<NameAddr> = self.route_set[1..].to_vec();
        routes.push(NameAddr::new(self.remote_target.clone()));
        (uri, routes)
    }

    /// The headers every in-dialog request carries: Via, Route…, Max-Forwards, From, To, Call-ID, CSeq.
    fn base(&self, method: Method, seq: u32, via: Via) -> Request {
        let (uri, routes) = self.routing();
        let mut req = Request::new(method.clone(), uri);
        let h = &mut req.headers;
        h.push(Header::Via(vec![via]));
        for r in routes {
            h.push(Header::Route(vec![r]));
        }
        h.push(Header::MaxForwards(DEFAULT_MAX_FORWARDS));
        h.push(Header::From(self.local.clone()));
        h.push(Header::To(self.remote.clone()));
        h.push(Header::CallId(self.id.call_id.clone()));
        h.push(Header::CSeq(CSeq { seq, method }));
        req
    }

    /// The next in-dialog request (BYE, INVITE, INFO, UPDATE, OPTIONS…; not ACK or CANCEL): the local
    /// CSeq plus one (1 for a UAS's first request), our Contact in target refreshes, no body
    /// (see [`set_body`]). `via` carries the new transaction's branch.
    pub fn request(&mut self, method: Method, via: Via) -> Request {
        let seq = self.local_seq.map_or(1, |s| s + 1);
        self.local_seq = Some(seq);
        if method == Method::Invite {
            self.invite_seq = Some(seq);
        }
        let refresh = is_target_refresh(&method);
        let mut req = self.base(method, seq, via);
        if refresh {
            if let Some(c) = &self.local_contact {
                req.headers
                    .push(Header::Contact(Contact::List(vec![c.clone()])));
            }
        }
        req.headers.push(Header::ContentLength(0));
        req
    }

    /// The ACK for a 2xx to our last INVITE (§13.2.2.4): the INVITE's CSeq number with method ACK, a
    /// transaction of its own (`via` with a new branch), no body unless given with [`set_body`].
    /// `None` if we never sent an INVITE in this dialog.
    pub fn ack(&self, via: Via) -> Option<Request> {
        let seq = self.invite_seq?;
        let mut req = self.base(Method::Ack, seq, via);
        req.headers.push(Header::ContentLength(0));
        Some(req)
    }
}

fn is_sips(uri: &Uri) -> bool {
    uri.as_sip().is_some_and(|u| u.scheme == Scheme::Sips)
}

/// Gives `request` a body of type `media_type` (Content-Type inserted before Content-Length, which is
/// added if missing and printed with the real length).
pub fn set_body(request: &mut Request, media_type: MediaType, body: Vec<u8>) {
    let h = &mut request.headers;
    h.remove("Content-Type");
    let at = h
        .iter()
        .position(|x| matches!(x, Header::ContentLength(_)))
        .unwrap_or(h.len());
    h.insert(at, Header::ContentType(media_type));
    if !h.iter().any(|x| matches!(x, Header::ContentLength(_))) {
        h.push(Header::ContentLength(0));
    }
    request.body = body;
}
