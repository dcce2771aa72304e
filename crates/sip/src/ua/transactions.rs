//! The transaction tables and how their actions are carried out.
//!
//! Each client transaction has an owner (the registration or a call) that gets its responses and,
//! when it ends without a final response (timeout, transport), the failure. Each server
//! transaction has the call it was handed to, if any. Zero-length timers (D, I, J, K on a reliable
//! transport) are fired at once, right after the actions that armed them; the others become
//! [`super::UaOutput::ArmTimer`]. A terminated transaction is dropped from its table, so a
//! late timer or message finds nothing.

use super::timers::Target;
use super::{CallRef, UaOutput, UserAgent};
use crate::call::CallEvent;
use crate::ids::IdGenerator;
use crate::message::{Message, Request, Response};
use crate::register::RegEvent;
use crate::transaction::{
    Action, ClientTransaction, Event, ServerTransaction, Termination, Timer, TransactionKey,
};

/// Who gets a client transaction's responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Owner {
    /// The REGISTER machine.
    Registration,
    /// A call.
    Call(CallRef),
}

/// A client transaction and its owner.
#[derive(Debug)]
pub(super) struct ClientEntry {
    pub(super) tx: ClientTransaction,
    pub(super) owner: Owner,
    /// A final response was delivered (a later termination is no failure).
    pub(super) final_seen: bool,
}

/// A server transaction and the call it belongs to.
#[derive(Debug)]
pub(super) struct ServerEntry {
    pub(super) tx: ServerTransaction,
    pub(super) owner: Option<CallRef>,
}

impl UserAgent {
    pub(super) fn send(&mut self, message: &Message) {
        self.out.push(UaOutput::Send(message.to_bytes()));
    }

    pub(super) fn arm(&mut self, target: Target, after_ms: u64) {
        let id = self.timers.arm(target);
        self.out.push(UaOutput::ArmTimer { id, after_ms });
    }

    fn client_index(&self, key: &TransactionKey) -> Option<usize> {
        self.clients.iter().position(|c| c.tx.key() == key)
    }

    pub(super) fn server_index(&self, key: &TransactionKey) -> Option<usize> {
        self.servers.iter().position(|s| s.tx.key() == key)
    }

    pub(super) fn has_client(&self, key: &TransactionKey) -> bool {
        self.client_index(key).is_some()
    }

    /// Starts a client transaction for `request` on behalf of `owner`.
    pub(super) fn start_client(
        &mut self,
        request: Request,
        branch: &str,
        owner: Owner,
        ids: &mut dyn IdGenerator,
    ) {
        match ClientTransaction::start(request, branch, self.tx_config) {
            Ok((tx, actions)) => {
                let key = tx.key().clone();
                self.clients.push(ClientEntry {
                    tx,
                    owner,
                    final_seen: false,
                });
                self.run_client(&key, actions, ids);
            }
            // Our machines always build valid requests; if one did not, its owner hears of it.
            Err(_) => self.client_failed(owner, branch.to_owned(), ids),
        }
    }

    /// Feeds `event` to the client transaction `key`, if it still exists.
    pub(super) fn client_event(
        &mut self,
        key: &TransactionKey,
        event: Event,
        ids: &mut dyn IdGenerator,
    ) {
        if let Some(i) = self.client_index(key) {
            let actions = self.clients[i].tx.handle(event);
            self.run_client(key, actions, ids);
        }
    }

    fn run_client(
        &mut self,
        key: &TransactionKey,
        actions: Vec<Action>,
        ids: &mut dyn IdGenerator,
    ) {
        let mut now: Vec<Timer> = Vec::new();
        for action in actions {
            match action {
                Action::Send(m) => self.send(&m),
                Action::ArmTimer { timer, ms: 0 } => now.push(timer),
                Action::ArmTimer { timer, ms } => self.arm(Target::Client(key.clone(), timer), ms),
                Action::Deliver(Message::Response(r)) => {
                    let Some(i) = self.client_index(key) else {
                        continue;
                    };
                    let entry = &mut self.clients[i];
                    entry.final_seen |= r.status.is_final();
                    let owner = entry.owner;
                    match owner {
                        Owner::Registration => self.reg_event(RegEvent::Response(r), ids),
                        Owner::Call(c) => self.call_event(c, CallEvent::Response(r), ids),
                    }
                }
                Action::Deliver(Message::Request(_)) => {}
                Action::Terminated(why) => {
                    let Some(i) = self.client_index(key) else {
                        continue;
                    };
                    let entry = self.clients.swap_remove(i);
                    if why != Termination::Normal && !entry.final_seen {
                        self.client_failed(entry.owner, key.branch.clone(), ids);
                    }
                }
            }
        }
        for timer in now {
            self.client_event(key, Event::Timer(timer), ids);
        }
    }

    fn client_failed(&mut self, owner: Owner, branch: String, ids: &mut dyn IdGenerator) {
        match owner {
            Owner::Registration => self.reg_event(RegEvent::TransactionFailed, ids),
            Owner::Call(c) => self.call_event(c, CallEvent::TransactionFailed { branch }, ids),
        }
    }

    /// Creates the server transaction for a new request and carries out its first actions (100
    /// Trying for an INVITE, then the request handed to [`UserAgent::dispatch_request`]).
    pub(super) fn start_server(&mut self, request: Request, ids: &mut dyn IdGenerator) {
        // A request without an RFC 3261 branch or with a bad CSeq gets no transaction: dropped.
        if let Ok((tx, actions)) = ServerTransaction::new(request, self.tx_config) {
            let key = tx.key().clone();
            self.servers.push(ServerEntry { tx, owner: None });
            self.run_server(&key, actions, ids);
        }
    }

    /// Feeds `event` to the server transaction `key`, if it still exists.
    pub(super) fn server_event(
        &mut self,
        key: &TransactionKey,
        event: Event,
        ids: &mut dyn IdGenerator,
    ) {
        if let Some(i) = self.server_index(key) {
            let actions = self.servers[i].tx.handle(event);
            self.run_server(key, actions, ids);
        }
    }

    fn run_server(
        &mut self,
        key: &TransactionKey,
        actions: Vec<Action>,
        ids: &mut dyn IdGenerator,
    ) {
        let mut now: Vec<Timer> = Vec::new();
        for action in actions {
            match action {
                Action::Send(m) => self.send(&m),
                Action::ArmTimer { timer, ms: 0 } => now.push(timer),
                Action::ArmTimer { timer, ms } => self.arm(Target::Server(key.clone(), timer), ms),
                Action::Deliver(Message::Request(r)) => self.dispatch_request(key, r, ids),
                Action::Deliver(Message::Response(_)) => {}
                Action::Terminated(_) => {
                    if let Some(i) = self.server_index(key) {
                        self.servers.swap_remove(i);
                    }
                }
            }
        }
        for timer in now {
            self.server_event(key, Event::Timer(timer), ids);
        }
    }

    /// Sends `response` through the server transaction of the request it answers (found from its
    /// Via and CSeq). Every response the machines build answers a request that came through one; a
    /// response whose transaction is gone (answered already, or cleared) is dropped.
    pub(super) fn respond(&mut self, response: Response, ids: &mut dyn IdGenerator) {
        if let Some(key) = TransactionKey::for_sent_response(&response) {
            self.server_event(&key, Event::Respond(response), ids);
        }
    }

    /// Hands the server transaction `key` to call `owner`.
    pub(super) fn set_server_owner(&mut self, key: &TransactionKey, owner: CallRef) {
        if let Some(i) = self.server_index(key) {
            self.servers[i].owner = Some(owner);
        }
    }
}
