//! Inside the dialog: the requests the far end sends once there is one (BYE, INFO DTMF, OPTIONS, a
//! re-INVITE — with `hold` read from its offer — and our answer to it), our BYE and INFO DTMF, and the
//! responses to them (a BYE answered ends the call; 481 / 408 to an in-dialog request loses the dialog).

use super::{Call, CallAction, CallNotice, CallState, EndReason, ALLOWED};
use crate::dialog::{set_body, DialogState};
use crate::header::{Header, MediaType};
use crate::ids::IdGenerator;
use crate::message::{Request, Response};
use crate::method::Method;
use crate::status::StatusCode;

/// Whether an offer puts us on hold (`a=sendonly` or `a=inactive`).
fn is_hold(sdp: &[u8]) -> bool {
    // `split('\n')` + `trim` sees the same lines as `lines()` (a CR is whitespace) without `Lines`.
    crate::scan::lossy(sdp).split('\n').any(|l| {
        let l = l.trim();
        l == "a=sendonly" || l == "a=inactive"
    })
}

/// Reads an `application/dtmf-relay` body (`Signal=5\r\nDuration=160`); the duration defaults to 250.
pub fn parse_dtmf_relay(body: &[u8]) -> Option<(char, u32)> {
    let text = std::str::from_utf8(body).ok()?;
    let mut signal = None;
    let mut duration = 250;
    for line in text.split('\n') {
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let k = k.trim();
        if k.eq_ignore_ascii_case("signal") {
            signal = v.trim().chars().next();
        } else if k.eq_ignore_ascii_case("duration") {
            duration = v.trim().parse().ok()?;
        }
    }
    signal.map(|s| (s, duration))
}

impl Call {
    /// A request inside the dialog, its CSeq already checked.
    pub(super) fn in_dialog_request(&mut self, r: Request) -> Vec<CallAction> {
        match r.method {
            Method::Bye => {
                let ok = self.plain_response(&r, 200);
                let mut out = vec![CallAction::Respond(ok)];
                if self.state == CallState::Incoming {
                    // A BYE on an early dialog (§15.1.2): the INVITE is answered 487.
                    let t = self.uas_response(&self.invite, StatusCode::REQUEST_TERMINATED, None);
                    out.push(CallAction::Respond(t));
                }
                self.finish(EndReason::Remote);
                out.push(CallAction::Notify(CallNotice::Ended {
                    reason: EndReason::Remote,
                }));
                out
            }
            Method::Info => {
                let mut out = vec![CallAction::Respond(self.plain_response(&r, 200))];
                let dtmf = r
                    .headers
                    .content_type()
                    .is_some_and(|t| t.is("application", "dtmf-relay"));
                if dtmf {
                    if let Some((signal, duration_ms)) = parse_dtmf_relay(&r.body) {
                        out.push(CallAction::Notify(CallNotice::Dtmf {
                            signal,
                            duration_ms,
                        }));
                    }
                }
                out
            }
            Method::Options => {
                let mut ok = self.plain_response(&r, 200);
                let at = ok.headers.len() - 1;
                ok.headers.insert(at, Header::Allow(ALLOWED.to_vec()));
                vec![CallAction::Respond(ok)]
            }
            Method::Invite => {
                if self.state != CallState::Confirmed || self.reinvite.is_some() {
                    // §14.2: an INVITE while one is pending.
                    return vec![CallAction::Respond(self.plain_response(&r, 500))];
                }
                let hold = is_hold(&r.body);
                let sdp = r.body.clone();
                self.reinvite = Some(r);
                vec![CallAction::Notify(CallNotice::Reinvite { sdp, hold })]
            }
            _ => vec![CallAction::Respond(self.plain_response(&r, 501))],
        }
    }

    /// The user's SDP answer to the re-INVITE announced by [`CallNotice::Reinvite`], in a 200.
    pub(super) fn answer_reinvite(&mut self, sdp: Vec<u8>) -> Vec<CallAction> {
        let Some(re) = self.reinvite.take() else {
            return Vec::new();
        };
        let mut ok = self.uas_response(&re, StatusCode::OK, Some(sdp));
        ok.headers
            .insert(ok.headers.len() - 2, Header::Allow(ALLOWED.to_vec()));
        vec![CallAction::Respond(ok)]
    }

    pub(super) fn bye(&mut self, ids: &mut dyn IdGenerator) -> Vec<CallAction> {
        let branch = ids.branch();
        let via = self.via(&branch);
        let Some(d) = &mut self.dialog else {
            return Vec::new();
        };
        let request = d.request(Method::Bye, via);
        self.state = CallState::Terminating;
        self.bye_branch = Some(branch.clone());
        vec![CallAction::Send { request, branch }]
    }

    pub(super) fn send_dtmf(
        &mut self,
        signal: char,
        duration_ms: u32,
        ids: &mut dyn IdGenerator,
    ) -> Vec<CallAction> {
        if self.state != CallState::Confirmed {
            return Vec::new();
        }
        let branch = ids.branch();
        let via = self.via(&branch);
        let Some(d) = &mut self.dialog else {
            return Vec::new();
        };
        let mut request = d.request(Method::Info, via);
        let body = format!("Signal={signal}\r\nDuration={duration_ms}");
        set_body(
            &mut request,
            MediaType::new("application", "dtmf-relay"),
            body.into_bytes(),
        );
        vec![CallAction::Send { request, branch }]
    }

    /// The final response to our BYE: the call is over.
    pub(super) fn on_bye_response(&mut self, r: &Response) -> Vec<CallAction> {
        if self.state != CallState::Terminating || !r.status.is_final() {
            return Vec::new();
        }
        let reason = self.end_reason;
        self.finish(reason);
        vec![CallAction::Notify(CallNotice::Ended { reason })]
    }

    /// A response to another in-dialog request (INFO…): 481 / 408 end the dialog, and the call with it.
    pub(super) fn on_dialog_response(&mut self, method: &Method, r: &Response) -> Vec<CallAction> {
        let Some(d) = &mut self.dialog else {
            return Vec::new();
        };
        d.on_response(method, r);
        if d.state() == DialogState::Terminated
            && matches!(self.state, CallState::Confirmed | CallState::WaitingAck)
        {
            self.finish(EndReason::DialogLost);
            return vec![CallAction::Notify(CallNotice::Ended {
                reason: EndReason::DialogLost,
            })];
        }
        Vec::new()
    }
}
