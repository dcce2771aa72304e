//! [`Hub`]: the one shared [`Emulator`] behind a mutex, the per-agent push channels and open push sockets,
//! and the timer runner.
//!
//! Every mutation goes through [`Hub::run`]: the closure runs under the lock, then `Kicked` goes to the agents
//! whose device was replaced and the snapshots of the agents it changed are broadcast (still under the lock, so pushes keep the order of the changes) and the timers it
//! armed are spawned; when the SIP service watches, the calls' [`CallsView`] is republished if it changed. The lock is a `std` mutex and is never held across an `.await`.
//!
//! Every open agent-state push socket holds a [`PushLease`]: [`Hub::drop_push`] (the control API's fault
//! injection) and [`Hub::close_all_push`] (server shutdown) close them through it. The SIP service reports
//! the agents' soft-phone legs lost and back with [`Hub::agent_leg_lost`] / [`Hub::agent_leg_back`] (the
//! grace rule is the emulator's, see `emulator::phone_legs`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use ccc_wire::action::StatusData;
use ccc_wire::push::PushMessage;
use tokio::sync::{broadcast, oneshot, watch, Notify};

use crate::emulator::calls_view::{self, CallsView};
use crate::emulator::data::EmulatorConfig;
use crate::emulator::timers::Timer;
use crate::emulator::Emulator;
use crate::store::Store;

/// Pushes buffered per subscriber before it is considered lagging (it then gets a fresh snapshot).
const PUSH_BUFFER: usize = 64;

/// Cheaply clonable handle to the shared emulator.
#[derive(Clone)]
pub(crate) struct Hub {
    inner: Arc<Inner>,
}

struct Inner {
    emulator: Mutex<Emulator>,
    /// Where ended calls and state spans go (after every operation, under the emulator's lock).
    store: Store,
    pushes: HashMap<String, broadcast::Sender<PushMessage>>,
    /// The live calls as the SIP side reads them, updated after every operation once someone watches.
    calls: watch::Sender<CallsView>,
    /// Open push sockets by lease id: whose, and how to close it.
    sockets: Mutex<HashMap<u64, (String, oneshot::Sender<PushClose>)>>,
    socket_seq: AtomicU64,
    /// WebSocket tasks still running (push and SIP), told when one ends: a shutdown waits for them to send
    /// their close frames.
    live_sockets: AtomicUsize,
    socket_ended: Notify,
}

/// Held by a running WebSocket task (push or SIP) for its whole life; see [`Hub::sockets_ended`].
pub(crate) struct SocketGuard {
    inner: Arc<Inner>,
}

impl Drop for SocketGuard {
    fn drop(&mut self) {
        self.inner.live_sockets.fetch_sub(1, Ordering::AcqRel);
        self.inner.socket_ended.notify_waiters();
    }
}

/// The close frame the server sends when it closes an agent-state push socket itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PushClose {
    pub(crate) code: u16,
    pub(crate) reason: &'static str,
}

/// Close code of a push socket the server closes (the control API's drop, a shutdown): 1012 "service
/// restart" (RFC 6455 §7.4.1 registry), i.e. "reconnect with the same token". An unknown token is 4401
/// instead ("fetch GetLoginDetails again").
pub(crate) const PUSH_CLOSE_CODE: u16 = 1012;

impl PushClose {
    /// `POST /emulator/v1/agents/{userId}/drop`.
    pub(crate) const DROPPED: PushClose = PushClose {
        code: PUSH_CLOSE_CODE,
        reason: "dropped by the emulator (fault injection): reconnect",
    };
    /// The server is shutting down.
    pub(crate) const SHUTDOWN: PushClose = PushClose {
        code: PUSH_CLOSE_CODE,
        reason: "server restart: reconnect",
    };
}

/// An open push socket's registration with the hub. `close` resolves when the server wants the socket
/// closed, with the frame to send; dropping the lease unregisters the socket.
pub(crate) struct PushLease {
    inner: Arc<Inner>,
    id: u64,
    pub(crate) close: oneshot::Receiver<PushClose>,
}

impl Drop for PushLease {
    fn drop(&mut self) {
        self.inner.sockets().remove(&self.id);
    }
}

/// A push subscription: the agent, its current snapshot, every later push, and the socket's lease.
pub(crate) struct Subscription {
    pub(crate) user: String,
    pub(crate) snapshot: StatusData,
    pub(crate) pushes: broadcast::Receiver<PushMessage>,
    pub(crate) lease: PushLease,
}

impl Inner {
    fn sockets(&self) -> MutexGuard<'_, HashMap<u64, (String, oneshot::Sender<PushClose>)>> {
        self.sockets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Hub {
    /// A hub over a fresh emulator seeded with `config`, keeping its records in `store`.
    pub(crate) fn new(config: EmulatorConfig, store: Store) -> Self {
        let pushes = config
            .agents
            .iter()
            .map(|a| (a.user_id.clone(), broadcast::channel(PUSH_BUFFER).0))
            .collect();
        Hub {
            inner: Arc::new(Inner {
                emulator: Mutex::new(Emulator::new(config)),
                store,
                pushes,
                calls: watch::Sender::new(CallsView::default()),
                sockets: Mutex::new(HashMap::new()),
                socket_seq: AtomicU64::new(1),
                live_sockets: AtomicUsize::new(0),
                socket_ended: Notify::new(),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Emulator> {
        self.inner
            .emulator
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The record store (call records, the agents' state timeline).
    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Reads the emulator together with what the record store returns for `query`, consistently: no state
    /// span or record ends between the two (else the query is made again, a few times at most).
    pub(crate) fn read_with_records<Q, R>(
        &self,
        query: impl Fn(&Store) -> Q,
        f: impl FnOnce(&Emulator, Q) -> R,
    ) -> R {
        let mut attempt = 0;
        loop {
            let covered = self.inner.store.written_through();
            let found = query(&self.inner.store);
            let emulator = self.lock();
            if self.inner.store.queued() == covered || attempt >= 3 {
                return f(&emulator, found);
            }
            attempt += 1;
        }
    }

    /// The server stops: every agent's running state span is kept as ending now, what is queued is
    /// written, and the record store is closed.
    pub(crate) fn close_records(&self) {
        let mut emulator = self.lock();
        let mut finished = emulator.take_finished();
        finished
            .spans
            .extend(emulator.running_spans(crate::ids::now_ms()));
        self.inner.store.keep(finished);
        self.inner.store.close();
    }

    /// Reads the emulator without changing it.
    pub(crate) fn read<R>(&self, f: impl FnOnce(&Emulator) -> R) -> R {
        f(&self.lock())
    }

    /// Runs `f` on the emulator, then pushes the changed agents' snapshots and arms the new timers.
    /// Must be called inside a Tokio runtime (timers are spawned on it).
    pub(crate) fn run<R>(&self, f: impl FnOnce(&mut Emulator) -> R) -> R {
        let mut emulator = self.lock();
        let result = f(&mut emulator);
        for (user, device_id) in emulator.take_kicks() {
            if let Some(tx) = self.inner.pushes.get(&user) {
                let _ = tx.send(PushMessage::Kicked { device_id });
            }
        }
        for user in emulator.take_changes() {
            if let (Some(tx), Ok(snapshot)) =
                (self.inner.pushes.get(&user), emulator.snapshot(&user))
            {
                // No subscriber is fine: the state is also available by polling.
                let _ = tx.send(PushMessage::UserStatus(Box::new(snapshot)));
            }
        }
        if self.inner.calls.receiver_count() > 0 {
            let calls = calls_view::of(&emulator);
            self.inner.calls.send_if_modified(|current| {
                let changed = *current != calls;
                if changed {
                    *current = calls;
                }
                changed
            });
        }
        self.inner.store.keep(emulator.take_finished());
        let timers = emulator.take_timers();
        drop(emulator);
        for timer in timers {
            self.spawn_timer(timer);
        }
        result
    }

    fn spawn_timer(&self, timer: Timer) {
        let hub = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(timer.after()).await;
            hub.run(|emulator| emulator.fire(&timer));
        });
    }

    /// Subscribes a push socket to the pushes of the agent whose token is `token`: its current snapshot and
    /// every later one, and the socket's lease (see [`Hub::drop_push`]).
    pub(crate) fn subscribe(&self, token: &str) -> Option<Subscription> {
        let emulator = self.lock();
        let user = emulator.agent_by_token(token)?.user_id.clone();
        let pushes = self.inner.pushes.get(&user)?.subscribe();
        let snapshot = emulator.snapshot(&user).ok()?;
        drop(emulator);
        let (tx, close) = oneshot::channel();
        let id = self.inner.socket_seq.fetch_add(1, Ordering::Relaxed);
        self.inner.sockets().insert(id, (user.clone(), tx));
        Some(Subscription {
            user,
            snapshot,
            pushes,
            lease: PushLease {
                inner: self.inner.clone(),
                id,
                close,
            },
        })
    }

    /// Closes every open push socket of agent `user_id` (close frame [`PushClose::DROPPED`]); returns how
    /// many were open.
    pub(crate) fn drop_push(&self, user_id: &str) -> usize {
        self.close_push(Some(user_id), PushClose::DROPPED)
    }

    /// Closes every open push socket (close frame [`PushClose::SHUTDOWN`]); returns how many were open.
    pub(crate) fn close_all_push(&self) -> usize {
        self.close_push(None, PushClose::SHUTDOWN)
    }

    fn close_push(&self, user_id: Option<&str>, frame: PushClose) -> usize {
        let closing: Vec<oneshot::Sender<PushClose>> = {
            let mut sockets = self.inner.sockets();
            let ids: Vec<u64> = sockets
                .iter()
                .filter(|(_, (u, _))| user_id.is_none_or(|want| u == want))
                .map(|(id, _)| *id)
                .collect();
            ids.iter()
                .filter_map(|id| sockets.remove(id))
                .map(|(_, tx)| tx)
                .collect()
        };
        closing
            .into_iter()
            .map(|tx| tx.send(frame))
            .filter(Result::is_ok)
            .count()
    }

    /// Registers a running WebSocket task until the guard is dropped.
    pub(crate) fn socket_guard(&self) -> SocketGuard {
        self.inner.live_sockets.fetch_add(1, Ordering::AcqRel);
        SocketGuard {
            inner: self.inner.clone(),
        }
    }

    /// Resolves once no WebSocket task is running (at once when none is).
    pub(crate) async fn sockets_ended(&self) {
        loop {
            let ended = self.inner.socket_ended.notified();
            tokio::pin!(ended);
            ended.as_mut().enable();
            if self.inner.live_sockets.load(Ordering::Acquire) == 0 {
                return;
            }
            ended.await;
        }
    }

    /// The SIP side lost agent `user_id`'s answered soft-phone leg in `job_id` without a hang-up (its
    /// WebSocket closed, or the phone un-REGISTERed): the call waits for it, see `emulator::phone_legs`.
    pub(crate) fn agent_leg_lost(&self, user_id: &str, job_id: &str) {
        self.run(|emu| emu.agent_leg_lost(user_id, job_id));
    }

    /// Agent `user_id` has an answered soft-phone leg in `job_id` again (a no-op unless it was lost).
    pub(crate) fn agent_leg_back(&self, user_id: &str, job_id: &str) {
        self.run(|emu| emu.agent_leg_back(user_id, job_id));
    }

    /// Watches the live calls (the SIP side's view of them): the current value, then every change.
    pub(crate) fn watch_calls(&self) -> watch::Receiver<CallsView> {
        let emulator = self.lock();
        self.inner.calls.send_replace(calls_view::of(&emulator));
        self.inner.calls.subscribe()
    }

    /// The current snapshot of `user_id`.
    pub(crate) fn snapshot(&self, user_id: &str) -> Option<StatusData> {
        self.lock().snapshot(user_id).ok()
    }
}
