//! Who took part in a call and how, and the record each call leaves when it ends: the source of
//! ListRecentCallDetailRecords and ListHistoricalAgentReport, and of RedialCall's number.

use ccc_wire::context::CallType;
use ccc_wire::ApiError;

use super::Emulator;

/// How an agent came into a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Joined {
    /// Offered the call (inbound routing, or the callee of an internal call).
    Offered,
    /// Dialled it (MakeCall).
    Dialled,
    /// Received it by a blind transfer.
    BlindIn,
    /// Consulted by an attended transfer (and received it if it completed).
    Consulted,
    /// A supervisor (monitor, barge-in, coach, intercept).
    Supervisor,
    /// Invited into a conference (StartConference).
    Conference,
}

/// How an agent handed the call over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HandedOver {
    /// BlindTransfer.
    Blind,
    /// CompleteAttendedTransfer.
    Attended,
}

/// One agent's part in a call.
#[derive(Debug, Clone)]
pub(crate) struct Participant {
    pub(crate) user_id: String,
    pub(crate) joined: Joined,
    /// Reached talking at least once.
    pub(crate) talked: bool,
    talking_since: Option<i64>,
    pub(crate) talk_ms: i64,
    pub(crate) left: bool,
    pub(crate) held: bool,
    pub(crate) handed_over: Option<HandedOver>,
    /// An attended transfer made this agent the call's owner.
    pub(crate) attended_in: bool,
}

impl Participant {
    pub(crate) fn new(user_id: &str, joined: Joined) -> Self {
        Participant {
            user_id: user_id.to_owned(),
            joined,
            talked: false,
            talking_since: None,
            talk_ms: 0,
            left: false,
            held: false,
            handed_over: None,
            attended_in: false,
        }
    }

    /// The agent's leg is connected from `now` on.
    pub(crate) fn start_talk(&mut self, now: i64) {
        if !self.left && self.talking_since.is_none() {
            self.talking_since = Some(now);
            self.talked = true;
        }
    }

    /// The agent leaves the call at `now`.
    pub(crate) fn leave(&mut self, now: i64) {
        if let Some(since) = self.talking_since.take() {
            self.talk_ms += (now - since).max(0);
        }
        self.left = true;
    }
}

/// A finished call.
#[derive(Debug, Clone)]
pub(crate) struct CallRecord {
    pub(crate) job_id: String,
    pub(crate) call_type: CallType,
    pub(crate) caller: String,
    pub(crate) callee: String,
    pub(crate) skill_group: String,
    pub(crate) start_ms: i64,
    pub(crate) end_ms: i64,
    /// When the call first reached talking (every leg connected).
    pub(crate) answered_ms: Option<i64>,
    pub(crate) participants: Vec<Participant>,
}

impl CallRecord {
    /// `Inbound`, `Outbound`, `Internal`.
    pub(crate) fn contact_type(&self) -> &'static str {
        match self.call_type {
            CallType::Outbound => "Outbound",
            CallType::Internal => "Internal",
            _ => "Inbound",
        }
    }

    /// `OneStepTransfer` (blind-transferred), `Success` (answered), `NoAnswer` (outbound / internal not answered),
    /// `AbandonedRing` (inbound given up while ringing).
    pub(crate) fn disposition(&self) -> &'static str {
        if self
            .participants
            .iter()
            .any(|p| p.handed_over == Some(HandedOver::Blind))
        {
            "OneStepTransfer"
        } else if self.answered_ms.is_some() {
            "Success"
        } else if self.call_type == CallType::Inbound {
            "AbandonedRing"
        } else {
            "NoAnswer"
        }
    }

    /// Seconds from the first connection to the end.
    pub(crate) fn talk_seconds(&self) -> i64 {
        self.answered_ms
            .map_or(0, |a| ((self.end_ms - a).max(0) + 500) / 1000)
    }

    /// Whether `user_id` took part.
    pub(crate) fn has(&self, user_id: &str) -> bool {
        self.participants.iter().any(|p| p.user_id == user_id)
    }
}

impl Emulator {
    /// RedialCall: the far number of the finished call `job_id` (its `ContactId`) for agent `user_id`: the
    /// customer of an inbound call, the callee of an outbound one, the other agent's extension of an internal
    /// one. 404 `NotExists.JobId` when no record has that id.
    pub(crate) fn redial_number(&self, user_id: &str, job_id: &str) -> Result<String, ApiError> {
        let me = self.agent(user_id)?;
        let record = self
            .history
            .iter()
            .rev()
            .find(|r| r.job_id == job_id.trim())
            .ok_or_else(|| ApiError::no_job(job_id))?;
        Ok(match record.call_type {
            CallType::Outbound => record.callee.clone(),
            CallType::Internal if record.caller == me.extension => record.callee.clone(),
            _ => record.caller.clone(),
        })
    }
}
