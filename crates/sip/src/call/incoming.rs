//! The callee: an INVITE received → `180 Ringing` with our To tag and the notice; the user's answer
//! (`200 OK` with the SDP answer, then the ACK awaited for 64·T1) or rejection; the ACK; a CANCEL
//! while ringing (200, then 487 to the INVITE).

use super::{sdp_type, Call, CallAction, CallConfig, CallNotice, CallState, CallTimer, EndReason};
use crate::builders::response_to;
use crate::dialog::Dialog;
use crate::header::{Contact, Header, NameAddr, Via};
use crate::ids::IdGenerator;
use crate::message::{Request, Response};
use crate::method::Method;
use crate::status::StatusCode;
use crate::transaction::cancel_matches;

impl Call {
    /// The callee side: `invite` arrived (through its server transaction, which sent 100 Trying).
    /// Answers `180 Ringing` with a new To tag and our Contact, and announces the call. An INVITE that
    /// cannot create a dialog (no Contact, no From tag) is answered 400 and the call is terminated.
    pub fn incoming(
        config: CallConfig,
        invite: Request,
        ids: &mut dyn IdGenerator,
    ) -> (Call, Vec<CallAction>) {
        let local_tag = ids.tag();
        let mut call = Call {
            call_id: invite.headers.call_id().unwrap_or_default().to_owned(),
            invite_branch: invite
                .headers
                .top_via()
                .and_then(Via::branch)
                .unwrap_or_default()
                .to_owned(),
            config,
            state: CallState::Incoming,
            invite,
            local_tag,
            dialog: None,
            is_caller: false,
            provisional: false,
            cancel_sent: false,
            auth: None,
            hangup_after_ack: false,
            reinvite: None,
            bye_branch: None,
            end_reason: EndReason::Remote,
        };
        let ringing = call.uas_response(&call.invite, StatusCode::RINGING, None);
        match Dialog::uas(&call.invite, &ringing) {
            Ok(d) => call.dialog = Some(d),
            Err(_) => {
                call.state = CallState::Terminated;
                let bad = call.plain_response(&call.invite, 400);
                return (call, vec![CallAction::Respond(bad)]);
            }
        }
        let notice = CallNotice::Incoming {
            caller: call
                .invite
                .headers
                .from()
                .cloned()
                .expect("dialog has From"),
            sdp: call.invite.body.clone(),
        };
        (
            call,
            vec![CallAction::Respond(ringing), CallAction::Notify(notice)],
        )
    }

    /// A response from us as UAS: our To tag; Contact for 1xx/2xx to an INVITE; the SDP when given.
    pub(super) fn uas_response(
        &self,
        req: &Request,
        status: StatusCode,
        sdp: Option<Vec<u8>>,
    ) -> Response {
        let mut r = response_to(req, status, Some(&self.local_tag));
        if req.method == Method::Invite && status.code() < 300 {
            // §12.1.1: the Record-Route of a dialog-creating request is copied into the response.
            for rr in req
                .headers
                .iter()
                .filter(|h| matches!(h, Header::RecordRoute(_)))
            {
                let at = r.headers.len() - 1;
                r.headers.insert(at, rr.clone());
            }
            let at = r.headers.len() - 1;
            r.headers.insert(
                at,
                Header::Contact(Contact::List(vec![NameAddr::new(
                    self.config.contact.clone(),
                )])),
            );
        }
        if let Some(body) = sdp {
            let at = r.headers.len() - 1;
            r.headers.insert(at, Header::ContentType(sdp_type()));
            r.body = body;
        }
        r
    }

    pub(super) fn answer(&mut self, sdp: Vec<u8>) -> Vec<CallAction> {
        if self.state != CallState::Incoming {
            return Vec::new();
        }
        let ok = self.uas_response(&self.invite, StatusCode::OK, Some(sdp));
        if let Ok(d) = Dialog::uas(&self.invite, &ok) {
            self.dialog = Some(d);
        }
        self.state = CallState::WaitingAck;
        vec![
            CallAction::Respond(ok),
            CallAction::ArmTimer {
                timer: CallTimer::AckWait,
                ms: 64 * self.config.t1_ms,
            },
        ]
    }

    pub(super) fn reject(&mut self, status: StatusCode) -> Vec<CallAction> {
        let r = self.uas_response(&self.invite, status, None);
        self.finish(EndReason::Rejected);
        vec![
            CallAction::Respond(r),
            CallAction::Notify(CallNotice::Ended {
                reason: EndReason::Rejected,
            }),
        ]
    }

    pub(super) fn on_ack(&mut self, r: &Request, ids: &mut dyn IdGenerator) -> Vec<CallAction> {
        let invite_seq = self.invite.headers.cseq().map(|c| c.seq);
        if self.state != CallState::WaitingAck || r.headers.cseq().map(|c| c.seq) != invite_seq {
            return Vec::new(); // the ACK of a re-INVITE's 200, or a duplicate
        }
        self.state = CallState::Confirmed;
        let mut out = vec![CallAction::Notify(CallNotice::Confirmed)];
        if self.hangup_after_ack {
            self.end_reason = EndReason::Local;
            out.extend(self.bye(ids));
        }
        out
    }

    pub(super) fn on_cancel(&mut self, r: Request) -> Vec<CallAction> {
        if self.is_caller || !cancel_matches(&self.invite, &r) {
            return vec![CallAction::Respond(self.plain_response(&r, 481))];
        }
        // §9.2: the CANCEL is answered 200 with the same To tag as the INVITE's responses.
        let mut out = vec![CallAction::Respond(self.plain_response(&r, 200))];
        if self.state == CallState::Incoming {
            let t = self.uas_response(&self.invite, StatusCode::REQUEST_TERMINATED, None);
            out.push(CallAction::Respond(t));
            self.finish(EndReason::Remote);
            out.push(CallAction::Notify(CallNotice::Cancelled));
        }
        out
    }
}
