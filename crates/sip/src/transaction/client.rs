//! Client transactions (RFC 3261 §17.1) on a reliable transport.

use super::{check_branch, check_request, client_matches, Action, Config, Event, Termination};
use super::{Timer, TransactionError, TransactionKey};
use crate::builders::{ack_for_non_2xx, set_branch};
use crate::message::{Message, Request, Response};
use crate::method::Method;

/// The state of a client transaction (Figures 5 and 6 of RFC 3261).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientState {
    /// INVITE sent, nothing received yet.
    Calling,
    /// Non-INVITE request sent, nothing received yet.
    Trying,
    /// A provisional response arrived.
    Proceeding,
    /// A final response arrived (non-2xx for INVITE); absorbing retransmissions.
    Completed,
    /// Over.
    Terminated,
}

/// An INVITE or non-INVITE client transaction.
#[derive(Debug, Clone)]
pub struct ClientTransaction {
    request: Request,
    config: Config,
    state: ClientState,
    key: TransactionKey,
    ack: Option<Request>,
}

impl ClientTransaction {
    /// Starts a client transaction for `request`: sets `branch` (which must start with `z9hG4bK`) on its
    /// top Via and returns the transaction with its first actions — send the request, arm Timer B
    /// (INVITE) or F (others) for 64·T1. The request needs a Via and a CSeq whose method is its own; an
    /// ACK has no client transaction.
    pub fn start(
        mut request: Request,
        branch: &str,
        config: Config,
    ) -> Result<(ClientTransaction, Vec<Action>), TransactionError> {
        check_branch(branch)?;
        if !set_branch(&mut request, branch) {
            return Err(TransactionError::MissingVia);
        }
        check_request(&request)?;
        let key = TransactionKey::for_sent_request(&request).ok_or(TransactionError::MissingVia)?;
        let invite = request.method == Method::Invite;
        let (state, timer) = if invite {
            (ClientState::Calling, Timer::B)
        } else {
            (ClientState::Trying, Timer::F)
        };
        let actions = vec![
            Action::Send(Message::Request(request.clone())),
            Action::ArmTimer {
                timer,
                ms: config.duration_ms(timer),
            },
        ];
        let tx = ClientTransaction {
            request,
            config,
            state,
            key,
            ack: None,
        };
        Ok((tx, actions))
    }

    /// The current state.
    pub fn state(&self) -> ClientState {
        self.state
    }

    /// Whether the transaction is over.
    pub fn is_terminated(&self) -> bool {
        self.state == ClientState::Terminated
    }

    /// The request as sent (with the branch set).
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// The transaction's key (§17.1.3).
    pub fn key(&self) -> &TransactionKey {
        &self.key
    }

    /// The ACK sent for a non-2xx final response, if any (INVITE only).
    pub fn ack(&self) -> Option<&Request> {
        self.ack.as_ref()
    }

    fn is_invite(&self) -> bool {
        self.request.method == Method::Invite
    }

    fn terminate(&mut self, why: Termination, mut actions: Vec<Action>) -> Vec<Action> {
        self.state = ClientState::Terminated;
        actions.push(Action::Terminated(why));
        actions
    }

    /// Feeds one event; returns what to do. Responses that do not match the transaction (§17.1.3),
    /// requests, [`Event::Respond`] and timers that mean nothing in the current state are ignored; a
    /// transport error ends the transaction in any state.
    pub fn handle(&mut self, event: Event) -> Vec<Action> {
        use ClientState::*;
        if self.state == Terminated {
            return Vec::new();
        }
        match event {
            Event::Received(Message::Response(r)) if client_matches(&self.request, &r) => {
                if self.is_invite() {
                    self.invite_response(r)
                } else {
                    self.non_invite_response(r)
                }
            }
            Event::Received(_) | Event::Respond(_) => Vec::new(),
            Event::Timer(t) => match (t, self.state) {
                (Timer::B, Calling) | (Timer::F, Trying | Proceeding) => {
                    self.terminate(Termination::Timeout(t), Vec::new())
                }
                (Timer::D, Completed) if self.is_invite() => {
                    self.terminate(Termination::Normal, Vec::new())
                }
                (Timer::K, Completed) if !self.is_invite() => {
                    self.terminate(Termination::Normal, Vec::new())
                }
                _ => Vec::new(),
            },
            Event::TransportError => self.terminate(Termination::TransportError, Vec::new()),
        }
    }

    fn invite_response(&mut self, r: Response) -> Vec<Action> {
        use ClientState::*;
        match self.state {
            Calling | Proceeding if r.status.is_provisional() => {
                self.state = Proceeding;
                vec![Action::Deliver(Message::Response(r))]
            }
            Calling | Proceeding if r.status.is_success() => self.terminate(
                Termination::Normal,
                vec![Action::Deliver(Message::Response(r))],
            ),
            Calling | Proceeding => {
                let ack = ack_for_non_2xx(&self.request, &r);
                self.ack = Some(ack.clone());
                self.state = Completed;
                vec![
                    Action::Send(Message::Request(ack)),
                    Action::Deliver(Message::Response(r)),
                    Action::ArmTimer {
                        timer: Timer::D,
                        ms: self.config.duration_ms(Timer::D),
                    },
                ]
            }
            Completed if r.status.is_final() && !r.status.is_success() => match &self.ack {
                Some(ack) => vec![Action::Send(Message::Request(ack.clone()))],
                None => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    fn non_invite_response(&mut self, r: Response) -> Vec<Action> {
        use ClientState::*;
        match self.state {
            Trying | Proceeding if r.status.is_provisional() => {
                self.state = Proceeding;
                vec![Action::Deliver(Message::Response(r))]
            }
            Trying | Proceeding => {
                self.state = Completed;
                vec![
                    Action::Deliver(Message::Response(r)),
                    Action::ArmTimer {
                        timer: Timer::K,
                        ms: self.config.duration_ms(Timer::K),
                    },
                ]
            }
            _ => Vec::new(),
        }
    }
}
