//! Inputs and outputs of the reducer.

use ccc_wire::action::StatusData;
use serde_json::Value;

/// Where a snapshot came from; decides whether it may still be applied when it arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A PollUserStatus answer to a request sent when the state's epoch was `sent_at`
    /// ([`crate::AgentState::epoch`]). Newer facts that arrived meanwhile make it stale.
    Poll {
        /// The epoch when the request was sent.
        sent_at: u64,
    },
    /// A WebSocket push.
    Push,
    /// The answer of one of the agent's own commands.
    Command,
}

/// Something that happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// `register()` started: -1 → 0. Snapshots are held back until [`Event::OperationDone`].
    RegisterStarted,
    /// A multi-step operation (`logIn`) started: intermediate snapshots (the `Warm-up` break after SignInGroup)
    /// are held back until [`Event::OperationDone`].
    OperationStarted,
    /// The operation finished; `data` is its final answer, if any. On failure the last held-back or known
    /// snapshot decides the status (register falls back to -1 when nothing is known).
    OperationDone {
        /// The final snapshot.
        data: Option<StatusData>,
    },
    /// A snapshot of the agent and its call.
    Snapshot {
        /// The channel it came by.
        source: Source,
        /// The snapshot.
        data: StatusData,
    },
    /// An after-call timer armed by [`Effect::StartAfterCallTimer`] fired.
    AfterCallTimerFired {
        /// The timer's id.
        timer: u64,
    },
    /// The host asked to stay in after-call work (`stayAfterCall`).
    StayAfterCall,
    /// Another device holds the agent (7001 while registering, or a `Kicked` push): this panel is signed out
    /// (1), where `forceToPrepareSignIn` takes the agent back.
    DeviceConflict,
    /// The SDK was unloaded; back to -1.
    Unloaded,
}

/// The `type` argument of `onHangUp` (`sdk-contract.md` §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HangUpType {
    /// Inbound call ended before it was answered.
    Ringing,
    /// Outbound call ended before it was answered.
    Dialing,
    /// Inbound call ended while talking.
    Inbound,
    /// Outbound call ended while talking.
    Outbound,
    /// Consultation call ended.
    AgentHeld,
    /// Conference ended.
    Meeting,
    /// Being-consulted call ended.
    Consulted,
    /// Monitoring ended.
    Monitored,
    /// Monitoring attempt ended before it connected.
    Monitoring,
    /// Barge-in call ended.
    BargedIn,
    /// Coaching call ended.
    Coached,
}

impl HangUpType {
    /// The string hosts receive.
    pub fn as_str(self) -> &'static str {
        match self {
            HangUpType::Ringing => "ringing",
            HangUpType::Dialing => "dialing",
            HangUpType::Inbound => "inbound",
            HangUpType::Outbound => "outbound",
            HangUpType::AgentHeld => "agentHeld",
            HangUpType::Meeting => "meeting",
            HangUpType::Consulted => "consulted",
            HangUpType::Monitored => "monitored",
            HangUpType::Monitoring => "monitoring",
            HangUpType::BargedIn => "bargedIn",
            HangUpType::Coached => "coached",
        }
    }
}

/// The payload of `onCallComing` / `onCallDialing`: `{caller, callee, callType, jobId, callContext}`.
#[derive(Debug, Clone, PartialEq)]
pub struct CallDetail {
    /// Calling number.
    pub caller: String,
    /// Called number.
    pub callee: String,
    /// `CallContext.CallType`.
    pub call_type: String,
    /// The call id.
    pub job_id: String,
    /// The call, lowerCamel keys, as the backend sent it.
    pub call_context: Value,
}

/// A host hook to call, with its payload. Names follow the config keys.
#[derive(Debug, Clone, PartialEq)]
pub enum Hook {
    /// `onStatusChange({code, lastCode, context})`.
    StatusChange {
        /// New code.
        code: i32,
        /// Previous code.
        last_code: i32,
        /// `{userContext, callContext}`, lowerCamel.
        context: Value,
    },
    /// `onLogIn()`.
    LogIn,
    /// `onLogOut()`.
    LogOut,
    /// `onBreak()`.
    Break,
    /// `onReady()`.
    Ready,
    /// `onAgentOutboundScenario()`.
    AgentOutboundScenario,
    /// `onCallComing(callDetail)`.
    CallComing(CallDetail),
    /// `onCallDialing(callDetail)`.
    CallDialing(CallDetail),
    /// `onCallEstablish({callContext})`.
    CallEstablish {
        /// The call, lowerCamel.
        call_context: Value,
    },
    /// `onCallRelease({callContext})`.
    CallRelease {
        /// The call, lowerCamel.
        call_context: Value,
    },
    /// `onHangUp(type)`.
    HangUp(HangUpType),
}

/// What the shell must do after an event.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Call a host hook.
    Hook(Hook),
    /// Arm a one-shot timer; when it fires, send [`Event::AfterCallTimerFired`] with this id.
    StartAfterCallTimer {
        /// Timer id.
        timer: u64,
        /// Delay.
        seconds: u32,
    },
    /// After-call work is over: call ReadyForService.
    BecomeReady,
    /// Answer the ringing call `job_id` after `seconds` (`autoAnswerCall`).
    AutoAnswer {
        /// The call.
        job_id: String,
        /// Delay.
        seconds: u32,
    },
}
