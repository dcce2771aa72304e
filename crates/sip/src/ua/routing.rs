//! Routing one received frame: to its transaction first, then to the registration or the call it
//! belongs to; a new INVITE starts a call; what belongs to nobody is answered here.
//!
//! - A keep-alive (`CRLF` pong, or a ping) is ignored; a frame that does not parse or lacks a
//!   mandatory header (§8.1.1, §8.2.2) is dropped — there is nothing safe to answer it with.
//! - A response goes to the client transaction with its branch and CSeq method (§17.1.3). A 2xx to
//!   an INVITE whose transaction has ended is the dialog's (§13.2.2.4): it goes to the caller's call
//!   with that Call-ID (which ACKs it again). Any other stray response is dropped.
//! - An ACK goes to the INVITE server transaction it matches (the ACK of a non-2xx, absorbed there),
//!   else to the call whose dialog it matches (the ACK of our 2xx); never answered.
//! - Any other request matching a server transaction is a retransmission, absorbed by it (the last
//!   response is sent again). A new one gets a server transaction, then: a CANCEL goes to the call
//!   whose INVITE it cancels (§9.2); a request with a To tag to the call whose dialog it matches; an
//!   INVITE without a To tag starts a call ([`crate::call::Call::incoming`]) unless a call already has
//!   its Call-ID and From tag (482, a merged request, §8.2.2.2).
//! - Nobody's: 481 for a CANCEL, an in-dialog request or a BYE / INFO / UPDATE / PRACK outside a
//!   dialog; 200 with Allow and Accept for OPTIONS outside a dialog (§11.2); 405 with Allow for a
//!   method we know but do not take (REGISTER, MESSAGE, SUBSCRIBE, NOTIFY, REFER, PUBLISH); 501 for
//!   an unknown method (§8.2.1). A To tag is added when the request had none (§8.2.6.2).

use super::UserAgent;
use crate::builders::response_to;
use crate::call::{CallEvent, ALLOWED};
use crate::header::{Header, NameAddr, Via};
use crate::ids::IdGenerator;
use crate::message::{Message, Request, Response};
use crate::method::Method;
use crate::status::StatusCode;
use crate::transaction::{cancel_matches, Event, TransactionKey};

fn to_tag(r: &Request) -> Option<&str> {
    r.headers.to().and_then(NameAddr::tag)
}

fn branch(r: &Request) -> Option<&str> {
    r.headers.top_via().and_then(Via::branch)
}

impl UserAgent {
    pub(super) fn on_frame(&mut self, frame: &[u8], ids: &mut dyn IdGenerator) {
        if Message::is_keep_alive(frame) {
            return;
        }
        let Ok(message) = Message::parse(frame) else {
            return;
        };
        if message.validate().is_err() {
            return;
        }
        match message {
            Message::Response(r) => self.on_response(r, ids),
            Message::Request(r) => self.on_request(r, ids),
        }
    }

    fn on_response(&mut self, r: Response, ids: &mut dyn IdGenerator) {
        let Some(key) = TransactionKey::for_response(&r) else {
            return;
        };
        if self.has_client(&key) {
            self.client_event(&key, Event::Received(Message::Response(r)), ids);
            return;
        }
        if key.method == Method::Invite && r.status.is_success() {
            let call = self
                .calls
                .iter()
                .find(|c| c.call.is_caller() && r.headers.call_id() == Some(c.call.call_id()))
                .map(|c| c.id);
            if let Some(c) = call {
                self.call_event(c, CallEvent::Response(r), ids);
            }
        }
    }

    fn on_request(&mut self, r: Request, ids: &mut dyn IdGenerator) {
        let key = TransactionKey::for_received_request(&r);
        if r.method == Method::Ack {
            if let Some(key) = key.filter(|k| self.server_index(k).is_some()) {
                self.server_event(&key, Event::Received(Message::Request(r)), ids);
            } else if let Some(c) = self.call_for_dialog(&r) {
                self.call_event(c, CallEvent::Request(r), ids);
            }
            return;
        }
        match key {
            Some(k) if self.server_index(&k).is_some() => {
                self.server_event(&k, Event::Received(Message::Request(r)), ids)
            }
            _ => self.start_server(r, ids),
        }
    }

    fn call_for_dialog(&self, r: &Request) -> Option<super::CallRef> {
        self.calls
            .iter()
            .find(|c| c.call.dialog().is_some_and(|d| d.matches(r)))
            .map(|c| c.id)
    }

    /// A new request, delivered by its new server transaction `key`.
    pub(super) fn dispatch_request(
        &mut self,
        key: &TransactionKey,
        r: Request,
        ids: &mut dyn IdGenerator,
    ) {
        let owner = if r.method == Method::Cancel {
            self.calls
                .iter()
                .find(|c| !c.call.is_caller() && cancel_matches(c.call.invite(), &r))
                .map(|c| c.id)
        } else if to_tag(&r).is_some() {
            self.call_for_dialog(&r)
        } else {
            None
        };
        if let Some(c) = owner {
            self.set_server_owner(key, c);
            self.call_event(c, CallEvent::Request(r), ids);
            return;
        }
        let in_dialog = to_tag(&r).is_some();
        match r.method {
            Method::Invite if !in_dialog => self.new_invite(key, r, ids),
            Method::Options if !in_dialog => {
                let mut ok = self.stray_response(&r, 200, ids);
                let at = ok.headers.len() - 1;
                ok.headers.insert(at, Header::Allow(ALLOWED.to_vec()));
                ok.headers.insert(
                    at + 1,
                    Header::Other {
                        name: "Accept".into(),
                        value: "application/sdp".into(),
                    },
                );
                self.respond(ok, ids);
            }
            Method::Extension(_) => {
                let r = self.stray_response(&r, 501, ids);
                self.respond(r, ids);
            }
            Method::Register
            | Method::Message
            | Method::Subscribe
            | Method::Notify
            | Method::Refer
            | Method::Publish
                if !in_dialog =>
            {
                let mut na = self.stray_response(&r, 405, ids);
                let at = na.headers.len() - 1;
                na.headers.insert(at, Header::Allow(ALLOWED.to_vec()));
                self.respond(na, ids);
            }
            _ => {
                let r = self.stray_response(&r, 481, ids);
                self.respond(r, ids);
            }
        }
    }

    /// A response to a request nobody owns, with a new To tag if it had none.
    fn stray_response(&mut self, r: &Request, code: u16, ids: &mut dyn IdGenerator) -> Response {
        let tag = to_tag(r).is_none().then(|| ids.tag());
        let status = StatusCode::new(code).unwrap_or(StatusCode::OK);
        response_to(r, status, tag.as_deref())
    }

    /// An INVITE outside any dialog: a new incoming call, unless it merges into one we have.
    fn new_invite(&mut self, key: &TransactionKey, r: Request, ids: &mut dyn IdGenerator) {
        let from_tag = r.headers.from().and_then(NameAddr::tag);
        let same = self.calls.iter().find(|c| {
            let i = &c.call.invite().headers;
            !c.call.is_caller()
                && i.call_id() == r.headers.call_id()
                && i.from().and_then(NameAddr::tag) == from_tag
        });
        if let Some(c) = same {
            if branch(c.call.invite()) == branch(&r) {
                // The INVITE again after our 2xx ended its transaction: already handled, dropped
                // with the transaction it just created.
                if let Some(i) = self.server_index(key) {
                    self.servers.swap_remove(i);
                }
                return;
            }
            let merged = self.stray_response(&r, 482, ids);
            self.respond(merged, ids);
            return;
        }
        self.incoming_call(key, r, ids);
    }
}
