//! Who took part in a call and how, the record each call leaves when it ends, and each agent's timeline of
//! states: the source of ListRecentCallDetailRecords and ListHistoricalAgentReport, and of RedialCall's
//! number.
//!
//! A participant's talk and hold times are measured as they happen (hold: from HoldCall to RetrieveCall, or
//! to the agent leaving the call or the call becoming a conference). Ringing, dialling and after-call work
//! are states, so they come from the agent's [`StateSpan`]s of the call's job.

use std::collections::VecDeque;

use ccc_wire::context::CallType;
use ccc_wire::{ApiError, UserState};

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
    /// HoldCalls of this agent in the call.
    pub(crate) holds: u32,
    /// Their time so far, ms (the running hold excluded).
    pub(crate) hold_ms: i64,
    /// The longest of them, ms.
    pub(crate) max_hold_ms: i64,
    hold_since: Option<i64>,
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
            holds: 0,
            hold_ms: 0,
            max_hold_ms: 0,
            hold_since: None,
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

    /// The agent puts the call on hold at `now`.
    pub(crate) fn start_hold(&mut self, now: i64) {
        if self.hold_since.is_none() {
            self.hold_since = Some(now);
            self.holds += 1;
        }
    }

    /// The agent's hold (if any) ends at `now`.
    pub(crate) fn end_hold(&mut self, now: i64) {
        if let Some(since) = self.hold_since.take() {
            let held = (now - since).max(0);
            self.hold_ms += held;
            self.max_hold_ms = self.max_hold_ms.max(held);
        }
    }

    /// The agent leaves the call at `now`.
    pub(crate) fn leave(&mut self, now: i64) {
        if let Some(since) = self.talking_since.take() {
            self.talk_ms += (now - since).max(0);
        }
        self.end_hold(now);
        self.left = true;
    }
}

/// A stretch of an agent's time in one state, with the break code, work mode, scenario and job it had.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StateSpan {
    pub(crate) state: UserState,
    pub(crate) break_code: String,
    pub(crate) work_mode: String,
    pub(crate) outbound_scenario: bool,
    /// The call (DIALING, RINGING, TALKING) or the call wrapped up (WORKING); empty otherwise.
    pub(crate) job_id: String,
    pub(crate) start_ms: i64,
    /// `None` while the agent is still in it.
    pub(crate) end_ms: Option<i64>,
}

impl StateSpan {
    /// Its duration within `[from, to]`, ms (a running span lasts until `now`).
    pub(crate) fn ms_within(&self, from: i64, to: i64, now: i64) -> i64 {
        let end = self.end_ms.unwrap_or(now).min(to);
        (end - self.start_ms.max(from)).max(0)
    }

    /// Its whole duration, ms (a running span lasts until `now`).
    pub(crate) fn ms(&self, now: i64) -> i64 {
        (self.end_ms.unwrap_or(now) - self.start_ms).max(0)
    }
}

/// How many spans an agent's timeline keeps (the oldest go first).
const KEEP_SPANS: usize = 10_000;

/// An agent's states over time, oldest first; the last span is the current state.
#[derive(Debug, Clone, Default)]
pub(crate) struct Timeline {
    spans: VecDeque<StateSpan>,
}

impl Timeline {
    /// Records that from `now` the agent is as `next` says (its `start_ms`/`end_ms` are set here); nothing
    /// when that is what the current span already says.
    pub(crate) fn enter(&mut self, mut next: StateSpan, now: i64) {
        if let Some(current) = self.spans.back_mut() {
            let same = current.state == next.state
                && current.break_code == next.break_code
                && current.work_mode == next.work_mode
                && current.outbound_scenario == next.outbound_scenario
                && current.job_id == next.job_id;
            if same {
                return;
            }
            current.end_ms = Some(now);
        }
        if self.spans.len() >= KEEP_SPANS {
            self.spans.pop_front();
        }
        next.start_ms = now;
        next.end_ms = None;
        self.spans.push_back(next);
    }

    /// The spans, oldest first.
    pub(crate) fn spans(&self) -> impl Iterator<Item = &StateSpan> + '_ {
        self.spans.iter()
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
    /// The agents who sent the customer a satisfaction survey (LaunchSurvey), once per survey.
    pub(crate) surveys: Vec<String>,
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
