//! What happens to the panel: the agent's sign-in, the channels opening and closing, timers, the page's
//! visibility and the network, audio devices.

/// One fact for [`crate::PanelModel::apply`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PanelEvent {
    /// `register()`, `logIn()` or `forceToPrepareSignIn()` succeeded: the channels run from now on.
    /// `phone`: this agent takes calls on the browser's soft phone (WebRTC device, `ON_SITE`).
    SignedIn {
        /// The soft phone is wanted.
        phone: bool,
    },
    /// `logOut()`: the phone goes off (un-REGISTER); the state channels stay, the agent is known.
    SignedOut,
    /// The soft phone was started by the register flow itself (it waits for the registration).
    PhoneStarting,
    /// The push socket is open.
    PushOpened,
    /// The push socket closed (or failed to open).
    PushClosed {
        /// The WebSocket close code (1006 for a drop without a close frame).
        code: u16,
    },
    /// The push reconnect timer fired.
    PushRetryDue,
    /// The poll timer fired.
    PollDue,
    /// A PollUserStatus answer arrived (applied or not by the reducer).
    PollAnswered,
    /// A PollUserStatus request failed.
    PollFailed,
    /// GetLoginDetails answered again (fresh `AgentServerUrl` token and SIP password are in place).
    LoginRefreshed,
    /// GetLoginDetails failed.
    LoginRefreshFailed,
    /// The soft phone is registered.
    PhoneRegistered,
    /// The soft phone lost its registration.
    PhoneLost {
        /// Why: the socket, or the registrar refusing the credentials.
        by: ClosedBy,
    },
    /// The phone's re-register timer fired.
    PhoneRetryDue,
    /// Another device took this agent over (`Kicked` push).
    Kicked,
    /// The page is usable again after a while away: visible again, thawed from a freeze, back from the
    /// back/forward cache, or the network came back. `away_ms`: how long it was away.
    Resumed {
        /// How long the page was hidden, frozen or offline.
        away_ms: u64,
    },
    /// The browser says the network is gone (`offline`).
    WentOffline,
    /// The chosen microphone and/or speaker is gone (`devicechange`, or the track ended).
    DeviceLost {
        /// The microphone.
        input: bool,
        /// The speaker.
        output: bool,
    },
    /// `pagehide`: the page is being unloaded or put in the back/forward cache.
    PageHidden,
    /// `unloadWorkbench()`.
    Unloaded,
}

/// Why a channel went down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosedBy {
    /// The connection dropped or could not be made.
    Network,
    /// The server refused the credentials (401/403 for SIP, close 4401 for push): they are stale.
    Credentials,
}
