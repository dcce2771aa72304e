//! What the I/O shell must do, in order, after the model took an event.

/// One thing for the shell to carry out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PanelEffect {
    /// Open the push socket at the login details' `AgentServerUrl` (replacing any old one).
    OpenPush,
    /// Close the push socket, quietly (no [`crate::PanelEvent::PushClosed`] follows).
    ClosePush,
    /// Send one PollUserStatus now (cancels the pending poll timer).
    PollNow,
    /// Arm the poll timer.
    SchedulePoll {
        /// Delay, ms.
        after_ms: u32,
    },
    /// Cancel the poll timer.
    StopPolling,
    /// Arm the push reconnect timer ([`crate::PanelEvent::PushRetryDue`]).
    RetryPush {
        /// Delay, ms.
        after_ms: u32,
    },
    /// Fetch GetLoginDetails again, then report [`crate::PanelEvent::LoginRefreshed`] or
    /// [`crate::PanelEvent::LoginRefreshFailed`].
    RefreshLogin,
    /// Start (or restart) the soft phone with the login details in force.
    StartPhone,
    /// Stop the soft phone: un-REGISTER, close its socket and media.
    StopPhone,
    /// Arm the phone's re-register timer ([`crate::PanelEvent::PhoneRetryDue`]).
    RetryPhone {
        /// Delay, ms.
        after_ms: u32,
    },
    /// Refresh the phone's registration now (a dead socket then shows as
    /// [`crate::PanelEvent::PhoneLost`]).
    CheckPhone,
    /// Go back to the default microphone and/or speaker, keeping the call.
    UseDefaultDevice {
        /// The microphone.
        input: bool,
        /// The speaker.
        output: bool,
    },
    /// Report `code` through `onErrorNotify`.
    Report {
        /// The SDK error code.
        code: u32,
        /// `errorMsg`.
        msg: String,
    },
    /// Tell the agent (a toast over the panel).
    Notice(Notice),
}

/// Something the agent is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The connection to the call center is down; the panel keeps trying.
    Reconnecting,
    /// Everything is up again, after `down_ms`.
    Reconnected {
        /// How long the outage lasted, ms.
        down_ms: u64,
    },
    /// The chosen device is gone; the default one is used.
    DeviceFallback,
}
