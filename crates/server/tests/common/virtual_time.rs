//! Virtual time for the tests of the emulator's timers (ring timeouts, far ends answering or failing,
//! supervisors connecting, conference parties, IVR visits ending).
//!
//! Such a test is `#[tokio::test(start_paused = true)]` and holds the paused clock with [`HeldClock::hold`]
//! before it starts the server. Tokio auto-advances a paused clock to the next timer whenever the runtime
//! looks idle — and a request to the in-process server over loopback makes it look idle — so without the
//! hold any pending emulator timer could fire in the middle of an HTTP round trip. While held, the clock
//! moves only when the test says so ([`HeldClock::advance_to`]), so a timer armed by a request at virtual
//! instant `t` fires exactly at `t + after`, and [`HeldClock::assert_fires_at`] checks both sides of that
//! boundary: not fired 1 ms before it, fired at it (within tokio's 1 ms tick when the clock was paused in
//! mid-test). No test waits real time for a timer.
//!
//! The hold is tokio's documented way to stop auto-advance: a `spawn_blocking` task is running (here one
//! that waits for the hold to be dropped). Nothing on the paths under test may wait on a tokio timer while
//! the clock is held (it would wait forever): the emulator's own timers are the only ones of the HTTP
//! server, and the tests wait with [`HeldClock::until`] (which yields) instead of `Server::wait_until`.

use std::time::Duration;

use tokio::time::Instant;

/// How long [`HeldClock::until`] lets a condition take in real time before the test fails.
const REAL_PATIENCE: Duration = Duration::from_secs(5);

/// The paused clock, kept from auto-advancing for as long as this lives.
pub struct HeldClock {
    /// Dropping it ends the blocking task that keeps auto-advance off.
    _release: std::sync::mpsc::Sender<()>,
}

impl HeldClock {
    /// Holds the clock of a `start_paused` test. Must run inside the test's (current-thread) runtime.
    pub fn hold() -> Self {
        let (release, released) = std::sync::mpsc::channel::<()>();
        // Auto-advance is inhibited from the moment the task is spawned until it ends.
        drop(tokio::task::spawn_blocking(move || {
            // Returns when the sender is dropped.
            let _ = released.recv();
        }));
        HeldClock { _release: release }
    }

    /// The current virtual instant (mark it just before the request that arms a timer).
    pub fn now(&self) -> Instant {
        Instant::now()
    }

    /// Moves virtual time forward to `at`, then lets the tasks whose timers expired run.
    pub async fn advance_to(&self, at: Instant) {
        let now = Instant::now();
        assert!(
            at >= now,
            "advance_to {at:?}: the clock is already at {now:?}"
        );
        tokio::time::advance(at - now).await;
        assert_eq!(Instant::now(), at, "the clock moved by itself: is it held?");
    }

    /// The both-sides check of an emulator timer armed at `armed` to fire `after` later: at
    /// `armed + after − 1 ms` `fired` is still false; at `armed + after` it becomes true (waited for with
    /// [`HeldClock::until`], the clock staying put). Tokio's timer wheel counts whole milliseconds from the
    /// runtime's start and rounds a deadline up to the next one: a clock paused in mid-test (not
    /// `start_paused`) may sit between two, and then the timer fires up to 1 ms after `armed + after` — the
    /// clock is moved on to that tick only when it did not fire at the deadline itself.
    pub async fn assert_fires_at(
        &self,
        what: &str,
        armed: Instant,
        after: Duration,
        fired: impl AsyncFn() -> bool,
    ) {
        let tick = Duration::from_millis(1);
        let deadline = armed + after;
        self.advance_to(deadline - tick).await;
        assert!(
            !fired().await,
            "{what}: already at {:?}, 1 ms before its {after:?}",
            after - tick
        );
        self.advance_to(deadline).await;
        if !fired().await {
            self.advance_to(deadline + tick).await;
        }
        self.until(what, fired).await;
    }

    /// Waits (up to 5 s of real time) until `cond` holds, yielding to the runtime between checks; the
    /// clock does not move.
    pub async fn until(&self, what: &str, cond: impl AsyncFn() -> bool) {
        let give_up = std::time::Instant::now() + REAL_PATIENCE;
        while !cond().await {
            assert!(
                std::time::Instant::now() < give_up,
                "never {what} (virtual clock held at {:?})",
                Instant::now()
            );
            tokio::task::yield_now().await;
        }
    }
}

/// `ms` milliseconds.
pub fn ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}
