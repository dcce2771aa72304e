//! The calls the driver holds: creating them (an incoming INVITE, [`super::UaInput::Call`]), feeding
//! them, carrying out their [`CallAction`]s and turning their [`CallNotice`]s into [`UaEvent`]s.
//!
//! Every call the user knows of (announced by [`UaEvent::Incoming`], or placed with
//! [`super::UaInput::Call`]) gets exactly one
//! [`UaEvent::Ended`], and nothing about it after that: a call whose machine is terminated is
//! dropped from the table at once (a late request for it is answered 481 as nobody's), and a server
//! transaction it left without a final response (a re-INVITE not yet answered) is answered 487.

use super::incoming::{auto_answer, uri_user, x_headers};
use super::timers::Target;
use super::transactions::Owner;
use super::{CallRef, EndReason, UaEvent, UaOutput, UserAgent};
use crate::builders::response_to;
use crate::call::{Call, CallAction, CallEvent, CallNotice, CallState, EndReason as CallEnd};
use crate::header::Header;
use crate::ids::IdGenerator;
use crate::message::{Message, Request};
use crate::method::Method;
use crate::status::StatusCode;
use crate::transaction::{ServerState, TransactionKey};
use crate::uri::SipUri;

/// A call and what the user was told about it.
#[derive(Debug)]
pub(super) struct CallEntry {
    pub(super) id: CallRef,
    pub(super) call: Call,
    /// The user knows of the call (placed it, or Incoming was emitted).
    pub(super) announced: bool,
    /// [`UaEvent::Ended`] was emitted.
    pub(super) ended: bool,
}

fn text(body: Vec<u8>) -> Option<String> {
    if body.is_empty() {
        return None;
    }
    Some(crate::scan::lossy(&body))
}

impl UserAgent {
    fn call_index(&self, id: CallRef) -> Option<usize> {
        self.calls.iter().position(|c| c.id == id)
    }

    fn new_call_ref(&mut self) -> CallRef {
        self.next_call += 1;
        CallRef(self.next_call)
    }

    pub(super) fn event(&mut self, event: UaEvent) {
        self.out.push(UaOutput::Event(event));
    }

    /// The callee side: `invite` came through the server transaction `key`.
    pub(super) fn incoming_call(
        &mut self,
        key: &TransactionKey,
        invite: Request,
        ids: &mut dyn IdGenerator,
    ) {
        let id = self.new_call_ref();
        let (call, actions) = Call::incoming(self.call_config.clone(), invite, ids);
        self.calls.push(CallEntry {
            id,
            call,
            announced: false,
            ended: false,
        });
        self.set_server_owner(key, id);
        self.apply(id, actions, ids);
    }

    /// The caller side: [`super::UaInput::Call`]. Extra headers that are not plain ones (Via, From,
    /// Contact… anything this crate types) or do not parse are left out.
    pub(super) fn outgoing_call(
        &mut self,
        target: SipUri,
        sdp: String,
        extra: &[(String, String)],
        ids: &mut dyn IdGenerator,
    ) {
        let extra = extra
            .iter()
            .filter_map(|(n, v)| match Header::parse_value(n, v) {
                Ok(h @ Header::Other { .. }) => Some(h),
                _ => None,
            })
            .collect();
        let id = self.new_call_ref();
        let (call, actions) =
            Call::outgoing_with_headers(self.call_config.clone(), target, sdp.into(), extra, ids);
        self.calls.push(CallEntry {
            id,
            call,
            announced: true,
            ended: false,
        });
        self.apply(id, actions, ids);
    }

    /// Feeds `event` to call `id`, if it is still there.
    pub(super) fn call_event(&mut self, id: CallRef, event: CallEvent, ids: &mut dyn IdGenerator) {
        let Some(i) = self.call_index(id) else {
            return;
        };
        let actions = self.calls[i].call.handle(event, ids);
        self.apply(id, actions, ids);
    }

    /// Carries out a call's actions in order, then drops the call if it is over.
    fn apply(&mut self, id: CallRef, actions: Vec<CallAction>, ids: &mut dyn IdGenerator) {
        // The final status we sent to the INVITE in this batch (the status of a rejection).
        let mut final_sent = None;
        for action in actions {
            match action {
                CallAction::Send { request, branch } => {
                    self.start_client(request, &branch, Owner::Call(id), ids)
                }
                CallAction::SendAck(ack) => self.send(&Message::Request(ack)),
                CallAction::Respond(r) => {
                    if r.status.is_final()
                        && r.headers.cseq().is_some_and(|c| c.method == Method::Invite)
                    {
                        final_sent = Some(r.status.code());
                    }
                    self.respond(r, ids);
                }
                CallAction::ArmTimer { timer, ms } => self.arm(Target::Call(id, timer), ms),
                CallAction::Notify(n) => self.notify(id, n, final_sent),
            }
        }
        self.reap(id, ids);
    }

    fn notify(&mut self, id: CallRef, notice: CallNotice, final_sent: Option<u16>) {
        let Some(i) = self.call_index(id) else {
            return;
        };
        let entry = &mut self.calls[i];
        if entry.ended {
            return;
        }
        let call = id;
        let event = match notice {
            CallNotice::Incoming { caller, sdp } => {
                let invite = entry.call.invite();
                entry.announced = true;
                UaEvent::Incoming {
                    call,
                    from_user: uri_user(&caller.uri),
                    from_display: caller.display_name().map(|d| d.into_owned()),
                    to_user: invite
                        .headers
                        .to()
                        .map(|t| uri_user(&t.uri))
                        .unwrap_or_default(),
                    sdp: text(sdp),
                    auto_answer: auto_answer(&invite.headers),
                    headers: x_headers(&invite.headers),
                }
            }
            CallNotice::Ringing { sdp, .. } => UaEvent::Ringing {
                call,
                sdp: sdp.and_then(text),
            },
            CallNotice::Answered { sdp } => UaEvent::Answered {
                call,
                sdp: text(sdp),
            },
            CallNotice::Confirmed => UaEvent::Confirmed { call },
            CallNotice::Reinvite { sdp, hold } => UaEvent::Reinvite {
                call,
                sdp: text(sdp),
                hold,
            },
            CallNotice::Dtmf { signal, .. } => UaEvent::Dtmf {
                call,
                digit: signal,
            },
            CallNotice::Failed { status } => {
                let reason = match status {
                    Some(s) if !s.is_success() => EndReason::Rejected { status: s.code() },
                    s => EndReason::Failed {
                        status: s.map(StatusCode::code),
                    },
                };
                UaEvent::Ended { call, reason }
            }
            CallNotice::Cancelled => UaEvent::Ended {
                call,
                reason: EndReason::Cancelled,
            },
            CallNotice::Ended { reason } => UaEvent::Ended {
                call,
                reason: match reason {
                    CallEnd::Remote => EndReason::Remote,
                    CallEnd::Local => EndReason::Local,
                    CallEnd::Rejected => EndReason::Rejected {
                        status: final_sent.unwrap_or(603),
                    },
                    CallEnd::NoAck => EndReason::NoAck,
                    CallEnd::DialogLost => EndReason::DialogLost,
                },
            },
        };
        if !entry.announced {
            return;
        }
        entry.ended |= matches!(event, UaEvent::Ended { .. });
        self.event(event);
    }

    /// Drops call `id` if its machine is over: answers what it left open, and makes sure the user
    /// heard it end.
    fn reap(&mut self, id: CallRef, ids: &mut dyn IdGenerator) {
        let Some(i) = self.call_index(id) else {
            return;
        };
        if self.calls[i].call.state() != CallState::Terminated {
            return;
        }
        let entry = self.calls.swap_remove(i);
        if entry.announced && !entry.ended {
            self.event(UaEvent::Ended {
                call: id,
                reason: EndReason::Failed { status: None },
            });
        }
        let tag = entry.call.dialog().map(|d| d.id().local_tag.clone());
        let open: Vec<Request> = self
            .servers
            .iter()
            .filter(|s| {
                s.owner == Some(id)
                    && matches!(s.tx.state(), ServerState::Trying | ServerState::Proceeding)
            })
            .map(|s| s.tx.request().clone())
            .collect();
        for r in open {
            let code = if r.method == Method::Invite { 487 } else { 481 };
            let status = StatusCode::new(code).unwrap_or(StatusCode::REQUEST_TERMINATED);
            self.respond(response_to(&r, status, tag.as_deref()), ids);
        }
    }

    /// Ends every call at once (the transport is gone): [`EndReason::Transport`] for each the user
    /// knows of.
    pub(super) fn end_all_calls(&mut self) {
        for entry in std::mem::take(&mut self.calls) {
            if entry.announced && !entry.ended {
                self.event(UaEvent::Ended {
                    call: entry.id,
                    reason: EndReason::Transport,
                });
            }
        }
    }
}
