//! The timer table: every [`TimerId`] handed out with [`super::UaOutput::ArmTimer`] names what it is
//! for. A fired id is looked up once and forgotten, so an id fed twice, an id of a cleared table
//! (after [`super::UaInput::TransportDown`]) or an id never handed out does nothing; and the target
//! itself ignores a timer that means nothing in its state (a transaction or call already gone, a
//! refresh or keep-alive of an older generation). Nothing ever needs cancelling.

use super::{CallRef, TimerId};
use crate::call::CallTimer;
use crate::transaction::{Timer, TransactionKey};

/// What a timer is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    /// A client transaction's timer (B or F; the zero-length ones are fired at once).
    Client(TransactionKey, Timer),
    /// A server transaction's timer (H).
    Server(TransactionKey, Timer),
    /// The registration's refresh, of this generation.
    Refresh(u32),
    /// A call's timer.
    Call(CallRef, CallTimer),
    /// The keep-alive ping, of this generation.
    Keepalive(u64),
}

/// The timers armed and not yet fired.
#[derive(Debug, Default)]
pub(super) struct Timers {
    next: u64,
    /// Armed timers by id, in increasing id order (a `Vec`: there are only ever a handful, and a
    /// `BTreeMap` costs kilobytes of wasm).
    armed: Vec<(u64, Target)>,
}

impl Timers {
    /// Records `target` under a new id.
    pub(super) fn arm(&mut self, target: Target) -> TimerId {
        self.next += 1;
        self.armed.push((self.next, target));
        TimerId(self.next)
    }

    /// The target of a fired timer, forgotten; `None` for an unknown or already fired id.
    pub(super) fn fire(&mut self, id: TimerId) -> Option<Target> {
        let i = self.armed.iter().position(|(n, _)| *n == id.0)?;
        Some(self.armed.remove(i).1)
    }

    /// Forgets every armed timer (ids keep counting, so old ones stay unknown).
    pub(super) fn clear(&mut self) {
        self.armed.clear();
    }

    /// How many timers are armed.
    pub(super) fn len(&self) -> usize {
        self.armed.len()
    }
}
