//! [`PanelModel`]: the channels' states and the rules that move them.
//!
//! Rules, each a row of `tests/agent_day.rs`:
//! - Signed in, the push socket and the poll loop run; the poll runs every `poll_with_push_ms` while the
//!   socket is up and every `poll_without_push_ms` while it is not, switching the moment it changes.
//! - A push socket that closes is polled around at once, reported once per outage (5005), and reopened
//!   with backoff; a close meaning "unknown token" (4401), or three failures in a row, first fetches the
//!   login details again (a restarted call center hands out new tokens and SIP passwords).
//! - A soft phone that loses its registration is reported once per outage (7002) and started again with
//!   backoff; a refusal of its credentials first fetches the login details again.
//! - Kicked by another device: everything stops (7007) until the agent signs in again.
//! - Back from sleep, a freeze, the back/forward cache or the network: poll at once, reopen what is down
//!   without waiting for its backoff, and after a long absence reopen the push socket and refresh the
//!   phone's registration even if they look up (a socket that slept may be dead without knowing).
//! - `pagehide`: the phone un-REGISTERs and the push socket closes, on purpose (no retry); the page coming
//!   back from the back/forward cache resumes them.
//! - A pulled headset: back to the default device, keeping the call; the agent and the host are told.
//! - When everything wanted is up again after an outage, the agent is told how long it lasted.

use crate::backoff::Backoff;
use crate::effect::{Notice, PanelEffect};
use crate::event::{ClosedBy, PanelEvent};
use crate::{
    CLOSE_UNKNOWN_TOKEN, CODE_DEVICE_LOST, CODE_KICKED, CODE_NETWORK, CODE_PHONE_LOST,
    CODE_PUSH_LOST,
};

/// Push failures in a row after which the login details are fetched again before the next attempt.
const STALE_AFTER_FAILURES: u32 = 3;

/// The model's clock-related settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// Poll period while the push socket is up (`pollFrequenceWithWS`).
    pub poll_with_push_ms: u32,
    /// Poll period while it is not (`pollFrequenceWithoutWS`).
    pub poll_without_push_ms: u32,
    /// Reconnect delays.
    pub backoff: Backoff,
    /// Away longer than this, channels that look up are reopened anyway on resume.
    pub stale_after_ms: u64,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            poll_with_push_ms: 10_000,
            poll_without_push_ms: 1_000,
            backoff: Backoff::default(),
            stale_after_ms: 30_000,
        }
    }
}

/// A channel's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Not running (not wanted, or closed on purpose).
    Off,
    /// Opening / registering.
    Connecting,
    /// Open / registered.
    Up,
    /// Down against our will; a retry is armed.
    Retrying,
}

/// The panel's lifecycle.
#[derive(Debug, Clone)]
pub struct PanelModel {
    timing: Timing,
    /// Signed in (register / logIn / forceToPrepareSignIn succeeded) and not kicked.
    active: bool,
    /// The soft phone is part of this sign-in.
    phone_wanted: bool,
    push: Channel,
    push_failures: u32,
    phone: Channel,
    phone_failures: u32,
    /// The login details may be stale: fetch them before the next attempt.
    login_stale: bool,
    refreshing: bool,
    /// A poll request is in flight.
    polling: bool,
    poll_failures: u32,
    /// When the current outage began.
    down_since: Option<u64>,
    push_reported: bool,
    phone_reported: bool,
    offline: bool,
    /// `pagehide`: channels closed on purpose, to come back on resume.
    hidden: bool,
    /// `unloadWorkbench()`: nothing runs again.
    gone: bool,
}

impl PanelModel {
    /// A panel not signed in yet.
    pub fn new(timing: Timing) -> Self {
        PanelModel {
            timing,
            active: false,
            phone_wanted: false,
            push: Channel::Off,
            push_failures: 0,
            phone: Channel::Off,
            phone_failures: 0,
            login_stale: false,
            refreshing: false,
            polling: false,
            poll_failures: 0,
            down_since: None,
            push_reported: false,
            phone_reported: false,
            offline: false,
            hidden: false,
            gone: false,
        }
    }

    /// The push socket's state.
    pub fn push(&self) -> Channel {
        self.push
    }

    /// The soft phone's state.
    pub fn phone(&self) -> Channel {
        self.phone
    }

    /// Whether the channels run (signed in, not kicked, not unloaded).
    pub fn active(&self) -> bool {
        self.active && !self.gone
    }

    /// PollUserStatus failures in a row.
    pub fn poll_failures(&self) -> u32 {
        self.poll_failures
    }

    /// The poll period in force.
    pub fn poll_every_ms(&self) -> u32 {
        if self.push == Channel::Up {
            self.timing.poll_with_push_ms
        } else {
            self.timing.poll_without_push_ms
        }
    }

    /// Folds `event` in at time `now_ms` (epoch ms) and answers what the shell must do, in order.
    pub fn apply(&mut self, event: PanelEvent, now_ms: u64) -> Vec<PanelEffect> {
        let mut out = Vec::new();
        if self.gone {
            return out;
        }
        match event {
            PanelEvent::SignedIn { phone } => self.signed_in(phone, now_ms, &mut out),
            PanelEvent::SignedOut => {
                self.phone_wanted = false;
                self.stop_phone(&mut out);
            }
            PanelEvent::PhoneStarting => {
                self.phone_wanted = true;
                self.phone = Channel::Connecting;
            }
            PanelEvent::PushOpened => {
                if !self.running() {
                    return out;
                }
                self.push = Channel::Up;
                self.push_failures = 0;
                self.push_reported = false;
                self.schedule_poll(&mut out);
                self.maybe_recovered(now_ms, &mut out);
            }
            PanelEvent::PushClosed { code } => self.push_closed(code, now_ms, &mut out),
            PanelEvent::PushRetryDue => {
                if self.running() && self.push == Channel::Retrying {
                    self.reopen_push(&mut out);
                }
            }
            PanelEvent::PollDue => {
                if self.running() {
                    self.poll_now(&mut out);
                }
            }
            PanelEvent::PollAnswered => {
                self.polling = false;
                self.poll_failures = 0;
                self.schedule_poll(&mut out);
            }
            PanelEvent::PollFailed => {
                self.polling = false;
                self.poll_failures = self.poll_failures.saturating_add(1);
                self.schedule_poll(&mut out);
            }
            PanelEvent::LoginRefreshed => {
                self.refreshing = false;
                self.login_stale = false;
                if !self.running() {
                    return out;
                }
                if self.push == Channel::Retrying {
                    self.push = Channel::Connecting;
                    out.push(PanelEffect::OpenPush);
                }
                if self.phone_wanted && self.phone == Channel::Retrying {
                    self.phone = Channel::Connecting;
                    out.push(PanelEffect::StartPhone);
                }
            }
            PanelEvent::LoginRefreshFailed => {
                self.refreshing = false;
                if !self.running() {
                    return out;
                }
                if self.push == Channel::Retrying {
                    self.push_failures = self.push_failures.saturating_add(1);
                    let after_ms = self.timing.backoff.delay_ms(self.push_failures, now_ms);
                    out.push(PanelEffect::RetryPush { after_ms });
                }
                if self.phone_wanted && self.phone == Channel::Retrying {
                    self.phone_failures = self.phone_failures.saturating_add(1);
                    let after_ms = self.timing.backoff.delay_ms(self.phone_failures, now_ms);
                    out.push(PanelEffect::RetryPhone { after_ms });
                }
            }
            PanelEvent::PhoneRegistered => {
                if !self.phone_wanted || self.phone == Channel::Off {
                    return out;
                }
                self.phone = Channel::Up;
                self.phone_failures = 0;
                self.phone_reported = false;
                self.maybe_recovered(now_ms, &mut out);
            }
            PanelEvent::PhoneLost { by } => self.phone_lost(by, now_ms, &mut out),
            PanelEvent::PhoneRetryDue => {
                if self.running() && self.phone_wanted && self.phone == Channel::Retrying {
                    self.restart_phone(&mut out);
                }
            }
            PanelEvent::Kicked => {
                if !self.active {
                    return out;
                }
                self.active = false;
                self.phone_wanted = false;
                self.down_since = None;
                self.close_push(&mut out);
                self.stop_polling(&mut out);
                self.stop_phone(&mut out);
                out.push(PanelEffect::Report {
                    code: CODE_KICKED,
                    msg: "the agent signed in on another device".into(),
                });
            }
            PanelEvent::Resumed { away_ms } => self.resumed(away_ms, &mut out),
            PanelEvent::WentOffline => {
                if !self.running() || self.offline {
                    return out;
                }
                self.offline = true;
                out.push(PanelEffect::Report {
                    code: CODE_NETWORK,
                    msg: "the browser is offline".into(),
                });
                self.outage_began(now_ms, &mut out);
            }
            PanelEvent::DeviceLost { input, output } => {
                if !(input || output) {
                    return out;
                }
                let which = match (input, output) {
                    (true, true) => "microphone and speaker",
                    (true, false) => "microphone",
                    _ => "speaker",
                };
                out.push(PanelEffect::UseDefaultDevice { input, output });
                out.push(PanelEffect::Report {
                    code: CODE_DEVICE_LOST,
                    msg: format!("the chosen {which} is gone; using the default device"),
                });
                out.push(PanelEffect::Notice(Notice::DeviceFallback));
            }
            PanelEvent::PageHidden => {
                if self.hidden {
                    return out;
                }
                self.hidden = true;
                self.stop_phone(&mut out);
                self.close_push(&mut out);
                self.stop_polling(&mut out);
            }
            PanelEvent::Unloaded => {
                self.close_push(&mut out);
                self.stop_polling(&mut out);
                self.stop_phone(&mut out);
                self.gone = true;
                self.active = false;
            }
        }
        out
    }

    /// Signed in, not kicked, not hidden, not unloaded.
    fn running(&self) -> bool {
        self.active && !self.hidden && !self.gone
    }

    fn signed_in(&mut self, phone: bool, now_ms: u64, out: &mut Vec<PanelEffect>) {
        self.active = true;
        self.hidden = false;
        self.phone_wanted = phone;
        if self.push == Channel::Off {
            self.push = Channel::Connecting;
            out.push(PanelEffect::OpenPush);
        }
        if !self.polling {
            self.schedule_poll(out);
        }
        match self.phone {
            Channel::Off if phone => {
                self.phone = Channel::Connecting;
                out.push(PanelEffect::StartPhone);
            }
            Channel::Retrying if phone => {
                // It failed while registering (reported then).
                let after_ms = self.timing.backoff.delay_ms(self.phone_failures, now_ms);
                out.push(PanelEffect::RetryPhone { after_ms });
            }
            _ => {}
        }
        if !phone {
            self.stop_phone(out);
        }
    }

    fn push_closed(&mut self, code: u16, now_ms: u64, out: &mut Vec<PanelEffect>) {
        if !self.running() || self.push == Channel::Off {
            self.push = Channel::Off;
            return;
        }
        let was_up = self.push == Channel::Up;
        self.push = Channel::Retrying;
        self.push_failures = self.push_failures.saturating_add(1);
        if code == CLOSE_UNKNOWN_TOKEN || self.push_failures >= STALE_AFTER_FAILURES {
            self.login_stale = true;
        }
        if was_up || self.push_failures == 1 {
            // Polled around at once, and from now on at the faster period.
            self.poll_now(out);
        }
        if !self.push_reported {
            self.push_reported = true;
            out.push(PanelEffect::Report {
                code: CODE_PUSH_LOST,
                msg: format!("the agent-state socket closed (code {code}); reconnecting"),
            });
        }
        self.outage_began(now_ms, out);
        let after_ms = self.timing.backoff.delay_ms(self.push_failures, now_ms);
        out.push(PanelEffect::RetryPush { after_ms });
    }

    fn phone_lost(&mut self, by: ClosedBy, now_ms: u64, out: &mut Vec<PanelEffect>) {
        if self.hidden || !self.phone_wanted || self.phone == Channel::Off {
            return;
        }
        self.phone = Channel::Retrying;
        self.phone_failures = self.phone_failures.saturating_add(1);
        if by == ClosedBy::Credentials {
            self.login_stale = true;
        }
        self.report_phone_lost(by, out);
        if !self.active {
            // Still registering: the retry is armed once the sign-in is done.
            return;
        }
        self.outage_began(now_ms, out);
        let after_ms = self.timing.backoff.delay_ms(self.phone_failures, now_ms);
        out.push(PanelEffect::RetryPhone { after_ms });
    }

    fn report_phone_lost(&mut self, by: ClosedBy, out: &mut Vec<PanelEffect>) {
        if !self.phone_reported {
            self.phone_reported = true;
            out.push(PanelEffect::Report {
                code: CODE_PHONE_LOST,
                msg: match by {
                    ClosedBy::Network => "the soft phone lost its connection; re-registering",
                    ClosedBy::Credentials => {
                        "the SIP server refused the soft phone's credentials; fetching new ones"
                    }
                }
                .into(),
            });
        }
    }

    fn resumed(&mut self, away_ms: u64, out: &mut Vec<PanelEffect>) {
        if !self.active {
            return;
        }
        self.hidden = false;
        self.offline = false;
        let long = away_ms >= self.timing.stale_after_ms;
        self.poll_now(out);
        match self.push {
            Channel::Off | Channel::Retrying => self.reopen_push(out),
            Channel::Up if long => {
                self.push = Channel::Connecting;
                out.push(PanelEffect::OpenPush);
            }
            Channel::Up | Channel::Connecting => {}
        }
        if self.phone_wanted {
            match self.phone {
                Channel::Off | Channel::Retrying => self.restart_phone(out),
                Channel::Up if long => out.push(PanelEffect::CheckPhone),
                Channel::Up | Channel::Connecting => {}
            }
        }
    }

    /// Reopens the push socket now, or first fetches fresh login details when they are stale.
    fn reopen_push(&mut self, out: &mut Vec<PanelEffect>) {
        if self.login_stale {
            self.push = Channel::Retrying;
            self.refresh(out);
        } else {
            self.push = Channel::Connecting;
            out.push(PanelEffect::OpenPush);
        }
    }

    /// Starts the phone now, or first fetches fresh login details when they are stale.
    fn restart_phone(&mut self, out: &mut Vec<PanelEffect>) {
        if self.login_stale {
            self.phone = Channel::Retrying;
            self.refresh(out);
        } else {
            self.phone = Channel::Connecting;
            out.push(PanelEffect::StartPhone);
        }
    }

    fn refresh(&mut self, out: &mut Vec<PanelEffect>) {
        if !self.refreshing {
            self.refreshing = true;
            out.push(PanelEffect::RefreshLogin);
        }
    }

    fn poll_now(&mut self, out: &mut Vec<PanelEffect>) {
        if !self.polling {
            self.polling = true;
            out.push(PanelEffect::PollNow);
        }
    }

    fn schedule_poll(&mut self, out: &mut Vec<PanelEffect>) {
        if self.running() && !self.polling {
            out.push(PanelEffect::SchedulePoll {
                after_ms: self.poll_every_ms(),
            });
        }
    }

    fn stop_polling(&mut self, out: &mut Vec<PanelEffect>) {
        self.polling = false;
        out.push(PanelEffect::StopPolling);
    }

    fn close_push(&mut self, out: &mut Vec<PanelEffect>) {
        if self.push != Channel::Off {
            self.push = Channel::Off;
            out.push(PanelEffect::ClosePush);
        }
        self.push_failures = 0;
        self.push_reported = false;
    }

    fn stop_phone(&mut self, out: &mut Vec<PanelEffect>) {
        if self.phone != Channel::Off {
            self.phone = Channel::Off;
            out.push(PanelEffect::StopPhone);
        }
        self.phone_failures = 0;
        self.phone_reported = false;
    }

    fn outage_began(&mut self, now_ms: u64, out: &mut Vec<PanelEffect>) {
        if self.down_since.is_none() {
            self.down_since = Some(now_ms);
            out.push(PanelEffect::Notice(Notice::Reconnecting));
        }
    }

    fn maybe_recovered(&mut self, now_ms: u64, out: &mut Vec<PanelEffect>) {
        let push_up = self.push == Channel::Up;
        let phone_up = !self.phone_wanted || self.phone == Channel::Up;
        if let (Some(since), true, true) = (self.down_since, push_up, phone_up) {
            self.down_since = None;
            self.offline = false;
            out.push(PanelEffect::Notice(Notice::Reconnected {
                down_ms: now_ms.saturating_sub(since),
            }));
        }
    }
}
