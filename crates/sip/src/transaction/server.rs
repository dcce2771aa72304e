//! Server transactions (RFC 3261 §17.2) on a reliable transport.

use super::{check_request, server_matches, Action, Config, Event, Termination, Timer};
use super::{TransactionError, TransactionKey};
use crate::builders::response_to;
use crate::message::{Message, Request, Response};
use crate::method::Method;
use crate::status::StatusCode;

/// The state of a server transaction (Figures 7 and 8 of RFC 3261).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerState {
    /// Non-INVITE request received, no response sent yet.
    Trying,
    /// A provisional response was sent (an INVITE transaction starts here).
    Proceeding,
    /// A final response was sent (non-2xx for INVITE).
    Completed,
    /// INVITE only: the ACK for the non-2xx final response arrived.
    Confirmed,
    /// Over.
    Terminated,
}

/// An INVITE or non-INVITE server transaction.
#[derive(Debug, Clone)]
pub struct ServerTransaction {
    request: Request,
    config: Config,
    state: ServerState,
    key: TransactionKey,
    last_response: Option<Response>,
}

impl ServerTransaction {
    /// Creates the server transaction for a received `request` (which matched no existing one) and
    /// returns its first actions: for an INVITE, `100 Trying` when [`Config::send_100_trying`] is set,
    /// then the request delivered to the TU. The request needs a Via with an RFC 3261 branch and a CSeq
    /// whose method is its own; an ACK creates no transaction.
    pub fn new(
        request: Request,
        config: Config,
    ) -> Result<(ServerTransaction, Vec<Action>), TransactionError> {
        check_request(&request)?;
        let key =
            TransactionKey::for_received_request(&request).ok_or(TransactionError::MissingVia)?;
        let mut actions = Vec::new();
        let mut last_response = None;
        let state = if request.method == Method::Invite {
            if config.send_100_trying {
                let trying = response_to(&request, StatusCode::TRYING, None);
                actions.push(Action::Send(Message::Response(trying.clone())));
                last_response = Some(trying);
            }
            ServerState::Proceeding
        } else {
            ServerState::Trying
        };
        actions.push(Action::Deliver(Message::Request(request.clone())));
        let tx = ServerTransaction {
            request,
            config,
            state,
            key,
            last_response,
        };
        Ok((tx, actions))
    }

    /// The current state.
    pub fn state(&self) -> ServerState {
        self.state
    }

    /// Whether the transaction is over.
    pub fn is_terminated(&self) -> bool {
        self.state == ServerState::Terminated
    }

    /// The request that created the transaction.
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// The transaction's key (§17.2.3).
    pub fn key(&self) -> &TransactionKey {
        &self.key
    }

    /// The last response sent, if any (what a retransmitted request is answered with).
    pub fn last_response(&self) -> Option<&Response> {
        self.last_response.as_ref()
    }

    fn is_invite(&self) -> bool {
        self.request.method == Method::Invite
    }

    fn terminate(&mut self, why: Termination, mut actions: Vec<Action>) -> Vec<Action> {
        self.state = ServerState::Terminated;
        actions.push(Action::Terminated(why));
        actions
    }

    fn arm(&self, timer: Timer) -> Action {
        Action::ArmTimer {
            timer,
            ms: self.config.duration_ms(timer),
        }
    }

    fn resend_last(&self) -> Vec<Action> {
        self.last_response
            .iter()
            .map(|r| Action::Send(Message::Response(r.clone())))
            .collect()
    }

    /// Feeds one event; returns what to do. Requests that do not match the transaction (§17.2.3),
    /// responses, TU responses after the final one and timers that mean nothing in the current state
    /// are ignored; a transport error ends the transaction in any state.
    pub fn handle(&mut self, event: Event) -> Vec<Action> {
        use ServerState::*;
        if self.state == Terminated {
            return Vec::new();
        }
        match event {
            Event::Received(Message::Request(r)) if server_matches(&self.request, &r) => {
                match (r.method == Method::Ack, self.state) {
                    // The ACK for our non-2xx final response: absorbed, never delivered.
                    (true, Completed) => {
                        self.state = Confirmed;
                        vec![self.arm(Timer::I)]
                    }
                    (true, _) => Vec::new(),
                    // A retransmitted request: answer with the last response, if any.
                    (false, Proceeding | Completed) => self.resend_last(),
                    (false, _) => Vec::new(),
                }
            }
            Event::Received(_) => Vec::new(),
            Event::Respond(r) => {
                if self.is_invite() {
                    self.invite_respond(r)
                } else {
                    self.non_invite_respond(r)
                }
            }
            Event::Timer(t) => match (t, self.state) {
                (Timer::H, Completed) if self.is_invite() => {
                    self.terminate(Termination::Timeout(Timer::H), Vec::new())
                }
                (Timer::I, Confirmed) => self.terminate(Termination::Normal, Vec::new()),
                (Timer::J, Completed) if !self.is_invite() => {
                    self.terminate(Termination::Normal, Vec::new())
                }
                _ => Vec::new(),
            },
            Event::TransportError => self.terminate(Termination::TransportError, Vec::new()),
        }
    }

    fn invite_respond(&mut self, r: Response) -> Vec<Action> {
        if self.state != ServerState::Proceeding {
            return Vec::new();
        }
        let send = Action::Send(Message::Response(r.clone()));
        if r.status.is_provisional() {
            self.last_response = Some(r);
            vec![send]
        } else if r.status.is_success() {
            // §17.2.1: a 2xx terminates; its retransmission and the ACK are the TU's (dialog's).
            self.last_response = Some(r);
            self.terminate(Termination::Normal, vec![send])
        } else {
            self.last_response = Some(r);
            self.state = ServerState::Completed;
            vec![send, self.arm(Timer::H)]
        }
    }

    fn non_invite_respond(&mut self, r: Response) -> Vec<Action> {
        use ServerState::*;
        if !matches!(self.state, Trying | Proceeding) {
            return Vec::new();
        }
        let send = Action::Send(Message::Response(r.clone()));
        let provisional = r.status.is_provisional();
        self.last_response = Some(r);
        if provisional {
            self.state = Proceeding;
            vec![send]
        } else {
            self.state = Completed;
            vec![send, self.arm(Timer::J)]
        }
    }
}
