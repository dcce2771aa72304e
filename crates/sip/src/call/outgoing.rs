//! The caller: the INVITE with the SDP offer (new Call-ID, From tag, CSeq 1) and its responses — a
//! provisional with a To tag makes the early dialog, a 2xx is ACKed through the dialog, one 401 / 407
//! is answered with Digest credentials (a second one is a failure) — and the CANCEL while ringing,
//! sent only after a provisional response (§9.1).

use super::{sdp_type, Call, CallAction, CallConfig, CallNotice, CallState, EndReason, ALLOWED};
use crate::builders::{cancel_for, DEFAULT_MAX_FORWARDS};
use crate::dialog::{set_body, Dialog};
use crate::digest::{pick_challenge, DigestChallenge, DigestInput};
use crate::header::{CSeq, Contact, Header, NameAddr, Via};
use crate::ids::IdGenerator;
use crate::message::{Request, Response};
use crate::method::Method;
use crate::uri::SipUri;

/// A challenge being answered, with the nonce count used so far for its nonce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct AuthState {
    challenge: DigestChallenge,
    nc: u32,
    proxy: bool,
}

impl Call {
    /// The caller side: an INVITE to `target` with the SDP `offer` (a new Call-ID and From tag, CSeq 1).
    pub fn outgoing(
        config: CallConfig,
        target: SipUri,
        offer: Vec<u8>,
        ids: &mut dyn IdGenerator,
    ) -> (Call, Vec<CallAction>) {
        Call::outgoing_with_headers(config, target, offer, Vec::new(), ids)
    }

    /// [`Call::outgoing`] with `extra` header lines (`X-…`, `Subject`, `Call-Info`…) placed after
    /// User-Agent. They stay in the INVITE resent with credentials after a challenge. The caller
    /// passes only headers the call does not manage itself (never Via, From, To, Call-ID, CSeq,
    /// Contact, Content-Type or Content-Length).
    pub fn outgoing_with_headers(
        config: CallConfig,
        target: SipUri,
        offer: Vec<u8>,
        extra: Vec<Header>,
        ids: &mut dyn IdGenerator,
    ) -> (Call, Vec<CallAction>) {
        let call_id = ids.call_id();
        let local_tag = ids.tag();
        let branch = ids.branch();
        let mut from = NameAddr::new(config.local_uri.clone());
        if let Some(d) = &config.display_name {
            from = from.with_display(d);
        }
        let mut req = Request::new(Method::Invite, target.clone());
        let h = &mut req.headers;
        h.push(Header::Via(vec![Via::new(
            &config.via_transport,
            &config.via_host,
            &branch,
        )]));
        h.push(Header::MaxForwards(DEFAULT_MAX_FORWARDS));
        h.push(Header::From(from.with_param("tag", Some(&local_tag))));
        h.push(Header::To(NameAddr::new(target)));
        h.push(Header::CallId(call_id.clone()));
        h.push(Header::CSeq(CSeq {
            seq: 1,
            method: Method::Invite,
        }));
        h.push(Header::Contact(Contact::List(vec![NameAddr::new(
            config.contact.clone(),
        )])));
        h.push(Header::Allow(ALLOWED.to_vec()));
        if let Some(ua) = &config.user_agent {
            h.push(Header::UserAgent(ua.clone()));
        }
        for header in extra {
            h.push(header);
        }
        h.push(Header::ContentLength(0));
        set_body(&mut req, sdp_type(), offer);
        let call = Call {
            config,
            state: CallState::Calling,
            call_id,
            invite: req.clone(),
            invite_branch: branch.clone(),
            local_tag,
            dialog: None,
            is_caller: true,
            provisional: false,
            cancel_sent: false,
            auth: None,
            hangup_after_ack: false,
            reinvite: None,
            bye_branch: None,
            end_reason: EndReason::Local,
        };
        (
            call,
            vec![CallAction::Send {
                request: req,
                branch,
            }],
        )
    }

    pub(super) fn cancel(&mut self) -> Vec<CallAction> {
        self.cancel_sent = true;
        let request = cancel_for(&self.invite);
        vec![CallAction::Send {
            request,
            branch: self.invite_branch.clone(),
        }]
    }

    pub(super) fn ack(&mut self, ids: &mut dyn IdGenerator) -> Option<CallAction> {
        let via = self.via(&ids.branch());
        let ack = self.dialog.as_ref()?.ack(via)?;
        Some(CallAction::SendAck(ack))
    }

    pub(super) fn on_invite_response(
        &mut self,
        r: Response,
        ids: &mut dyn IdGenerator,
    ) -> Vec<CallAction> {
        let code = r.status.code();
        if r.status.is_provisional() {
            self.provisional = true;
            let mut out = Vec::new();
            if code > 100 && r.headers.to().and_then(NameAddr::tag).is_some() {
                if self.dialog.is_none() {
                    self.dialog = Dialog::uac(&self.invite, &r).ok();
                }
                if self.state == CallState::Calling {
                    self.state = CallState::Ringing;
                }
                let sdp = (!r.body.is_empty()).then(|| r.body.clone());
                out.push(CallAction::Notify(CallNotice::Ringing {
                    status: r.status,
                    sdp,
                }));
            }
            if self.state == CallState::Cancelling && !self.cancel_sent {
                // The CANCEL waited for this first provisional response (§9.1).
                out.extend(self.cancel());
            }
            return out;
        }
        if r.status.is_success() {
            match Dialog::uac(&self.invite, &r) {
                Ok(d) => self.dialog = Some(d),
                Err(_) => {
                    self.finish(EndReason::Local);
                    return vec![CallAction::Notify(CallNotice::Failed {
                        status: Some(r.status),
                    })];
                }
            }
            let mut out: Vec<CallAction> = self.ack(ids).into_iter().collect();
            if self.state == CallState::Cancelling {
                // The 2xx crossed our CANCEL: confirm and hang up at once (§9.1, §15).
                self.end_reason = EndReason::Local;
                out.extend(self.bye(ids));
                return out;
            }
            self.state = CallState::Confirmed;
            out.push(CallAction::Notify(CallNotice::Answered { sdp: r.body }));
            return out;
        }
        if (code == 401 || code == 407)
            && self.auth.is_none()
            && self.state != CallState::Cancelling
        {
            let proxy = code == 407;
            let picked = if proxy {
                pick_challenge(r.headers.proxy_authenticate())
            } else {
                pick_challenge(r.headers.www_authenticate())
            };
            if let Some((_, challenge)) = picked {
                self.auth = Some(AuthState {
                    challenge,
                    nc: 0,
                    proxy,
                });
                return self.resend_invite(ids);
            }
        }
        let cancelled = self.state == CallState::Cancelling;
        self.finish(EndReason::Local);
        if cancelled && code == 487 {
            return vec![CallAction::Notify(CallNotice::Cancelled)];
        }
        vec![CallAction::Notify(CallNotice::Failed {
            status: Some(r.status),
        })]
    }

    /// The INVITE again with a new branch, the next CSeq and our answer to the challenge (§22.2).
    pub(super) fn resend_invite(&mut self, ids: &mut dyn IdGenerator) -> Vec<CallAction> {
        let branch = ids.branch();
        let mut req = self.invite.clone();
        let seq = req.headers.cseq().map_or(1, |c| c.seq + 1);
        let uri = req.uri.to_string();
        let mut cred = None;
        if let Some(a) = &mut self.auth {
            a.nc += 1;
            let cnonce = ids.cnonce();
            cred = Some((
                a.challenge.respond(&DigestInput {
                    username: &self.config.username,
                    password: &self.config.password,
                    method: "INVITE",
                    uri: &uri,
                    body: &req.body,
                    cnonce: &cnonce,
                    nc: a.nc,
                }),
                a.proxy,
            ));
        }
        let via = self.via(&branch);
        let mut headers = crate::header::Headers::new();
        for h in req.headers.iter() {
            match h {
                Header::Via(_) => headers.push(Header::Via(vec![via.clone()])),
                Header::CSeq(_) => headers.push(Header::CSeq(CSeq {
                    seq,
                    method: Method::Invite,
                })),
                Header::Authorization(_) | Header::ProxyAuthorization(_) => {}
                Header::ContentType(_) => {
                    if let Some((c, proxy)) = cred.take() {
                        headers.push(if proxy {
                            Header::ProxyAuthorization(c)
                        } else {
                            Header::Authorization(c)
                        });
                    }
                    headers.push(h.clone());
                }
                _ => headers.push(h.clone()),
            }
        }
        req.headers = headers;
        self.invite = req.clone();
        self.invite_branch = branch.clone();
        self.provisional = false;
        vec![CallAction::Send {
            request: req,
            branch,
        }]
    }
}
