//! [`Hub`]: the one shared [`Emulator`] behind a mutex, the per-agent push channels, and the timer runner.
//!
//! Every mutation goes through [`Hub::run`]: the closure runs under the lock, then `Kicked` goes to the agents
//! whose device was replaced and the snapshots of the agents it changed are broadcast (still under the lock, so pushes keep the order of the changes) and the timers it
//! armed are spawned; when the SIP service watches, the calls' [`CallsView`] is republished if it changed. The lock is a `std` mutex and is never held across an `.await`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use ccc_wire::action::StatusData;
use ccc_wire::push::PushMessage;
use tokio::sync::{broadcast, watch};

use crate::emulator::data::EmulatorConfig;
use crate::emulator::timers::Timer;
use crate::emulator::Emulator;
use crate::sip::view::{self, CallsView};

/// Pushes buffered per subscriber before it is considered lagging (it then gets a fresh snapshot).
const PUSH_BUFFER: usize = 64;

/// Cheaply clonable handle to the shared emulator.
#[derive(Clone)]
pub(crate) struct Hub {
    inner: Arc<Inner>,
}

struct Inner {
    emulator: Mutex<Emulator>,
    pushes: HashMap<String, broadcast::Sender<PushMessage>>,
    /// The live calls as the SIP side reads them, updated after every operation once someone watches.
    calls: watch::Sender<CallsView>,
}

impl Hub {
    /// A hub over a fresh emulator seeded with `config`.
    pub(crate) fn new(config: EmulatorConfig) -> Self {
        let pushes = config
            .agents
            .iter()
            .map(|a| (a.user_id.clone(), broadcast::channel(PUSH_BUFFER).0))
            .collect();
        Hub {
            inner: Arc::new(Inner {
                emulator: Mutex::new(Emulator::new(config)),
                pushes,
                calls: watch::Sender::new(CallsView::default()),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Emulator> {
        self.inner
            .emulator
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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
            let calls = view::of(&emulator);
            self.inner.calls.send_if_modified(|current| {
                let changed = *current != calls;
                if changed {
                    *current = calls;
                }
                changed
            });
        }
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

    /// Subscribes to the pushes of the agent whose token is `token`: its current snapshot and every later one.
    pub(crate) fn subscribe(
        &self,
        token: &str,
    ) -> Option<(String, StatusData, broadcast::Receiver<PushMessage>)> {
        let emulator = self.lock();
        let user = emulator.agent_by_token(token)?.user_id.clone();
        let rx = self.inner.pushes.get(&user)?.subscribe();
        let snapshot = emulator.snapshot(&user).ok()?;
        Some((user, snapshot, rx))
    }

    /// Watches the live calls (the SIP side's view of them): the current value, then every change.
    pub(crate) fn watch_calls(&self) -> watch::Receiver<CallsView> {
        let emulator = self.lock();
        self.inner.calls.send_replace(view::of(&emulator));
        self.inner.calls.subscribe()
    }

    /// The current snapshot of `user_id`.
    pub(crate) fn snapshot(&self, user_id: &str) -> Option<StatusData> {
        self.lock().snapshot(user_id).ok()
    }
}
