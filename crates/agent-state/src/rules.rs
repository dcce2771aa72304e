//! The host's configuration that changes transitions.

/// What happens after a call ends (`afterCallRule`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterCall {
    /// Become ready automatically after this many seconds (0 = at once).
    Seconds(u32),
    /// Stay in after-call work until the agent or host calls `ready()`.
    Manual,
}

/// Transition rules taken from the SDK config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    /// `afterCallRule` (default 15 s).
    pub after_call: AfterCall,
    /// `autoAnswerCall`: answer a ringing call after this many seconds.
    pub auto_answer: Option<u32>,
    /// `isOutboundNotReceivedToBeProcessed`: an unanswered outbound call also gets the after-call countdown.
    pub unanswered_outbound_after_call: bool,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            after_call: AfterCall::Seconds(15),
            auto_answer: None,
            unanswered_outbound_after_call: false,
        }
    }
}
