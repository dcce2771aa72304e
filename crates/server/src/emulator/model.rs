//! The emulator's shared vocabulary: the values several rule files speak of (how a ringing agent leaves a
//! call, the customer's visit to an IVR flow, an agent's registered device), kept here so that no rule
//! file imports another for them.

/// How a ringing agent leaves a call that ends before it answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RingEnd {
    /// The caller gave up: back to READY.
    Abandoned,
    /// Not answered in time: BREAK `RingingTimeout`.
    TimedOut,
    /// The agent rejected it: BREAK `RejectCall`.
    Rejected,
}

/// Which flow the customer is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IvrKind {
    /// The satisfaction survey: the customer hangs up at its end.
    Survey,
    /// Identity verification: the customer comes back to the agent.
    Authentication,
}

impl IvrKind {
    /// `survey` or `authentication`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            IvrKind::Survey => "survey",
            IvrKind::Authentication => "authentication",
        }
    }
}

/// The customer's visit to an IVR flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ivr {
    pub(crate) kind: IvrKind,
    pub(crate) contact_flow_id: String,
    /// `ContactFlowVariables` as sent (a JSON object string, or empty).
    pub(crate) variables: String,
    /// Epoch ms the customer entered the flow.
    pub(crate) since_ms: i64,
    /// Tells this visit from later ones (timers of earlier visits do nothing).
    pub(crate) seq: u64,
}

/// A device registered for an agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Registration {
    pub(crate) device_id: String,
    pub(crate) device_type: String,
    /// SIP Call-ID of the REGISTER.
    pub(crate) call_id: String,
    pub(crate) registered_ms: i64,
}
