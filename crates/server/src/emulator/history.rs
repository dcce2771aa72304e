//! Who took part in a call and how, the record each call leaves when it ends, and each agent's timeline of
//! states: the source of ListRecentCallDetailRecords and ListHistoricalAgentReport, and of RedialCall's
//! number.
//!
//! The emulator keeps none of them: what ended (a call's record, a stretch of an agent's state, a survey
//! sent after a call) goes into [`Finished`], which the hub drains after every operation into the record
//! store (`crate::store`, SQLite). An agent keeps only its current state's span.
//!
//! A participant's talk and hold times are measured as they happen (hold: from HoldCall to RetrieveCall, or
//! to the agent leaving the call or the call becoming a conference). Ringing, dialling and after-call work
//! are states, so they come from the agent's [`StateSpan`]s of the call's job.

use ccc_wire::context::CallType;
use ccc_wire::UserState;

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

/// An agent's current state span; the spans before it are in the record store.
#[derive(Debug, Clone, Default)]
pub(crate) struct Timeline {
    current: Option<StateSpan>,
}

impl Timeline {
    /// Records that from `now` the agent is as `next` says (its `start_ms`/`end_ms` are set here); returns
    /// the span that ended (`end_ms` set). Nothing when that is what the current span already says.
    pub(crate) fn enter(&mut self, mut next: StateSpan, now: i64) -> Option<StateSpan> {
        if let Some(current) = &self.current {
            let same = current.state == next.state
                && current.break_code == next.break_code
                && current.work_mode == next.work_mode
                && current.outbound_scenario == next.outbound_scenario
                && current.job_id == next.job_id;
            if same {
                return None;
            }
        }
        next.start_ms = now;
        next.end_ms = None;
        let mut ended = self.current.replace(next)?;
        ended.end_ms = Some(now);
        Some(ended)
    }

    /// The running span.
    pub(crate) fn current(&self) -> Option<&StateSpan> {
        self.current.as_ref()
    }
}

/// What ended since the last [`Emulator::take_finished`], for the record store.
#[derive(Debug, Default)]
pub(crate) struct Finished {
    /// Records of ended calls, in the order they ended.
    pub(crate) records: Vec<CallRecord>,
    /// Ended state spans (`end_ms` set), by agent, in the order they ended.
    pub(crate) spans: Vec<(String, StateSpan)>,
    /// Satisfaction surveys sent by text message after the call: (job, agent) — the agent's latest record
    /// of that job gets it.
    pub(crate) surveys: Vec<(String, String)>,
    /// The spans that began when those of `spans` ended (`end_ms` unset), by agent: the store keeps each
    /// agent's latest as its running span, so that a server that dies without closing loses none of it.
    pub(crate) running: Vec<(String, StateSpan)>,
}

impl Finished {
    /// Whether there is nothing to keep.
    pub(crate) fn is_empty(&self) -> bool {
        self.records.is_empty()
            && self.spans.is_empty()
            && self.surveys.is_empty()
            && self.running.is_empty()
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
}

/// RedialCall's number for an agent with extension `my_extension`, from the record of the call it redials
/// (its `ContactId`): the customer of an inbound call, the callee of an outbound one, the other agent's
/// extension of an internal one.
pub(crate) fn redial_number(record: &CallRecord, my_extension: &str) -> String {
    match record.call_type {
        CallType::Outbound => record.callee.clone(),
        CallType::Internal if record.caller == my_extension => record.callee.clone(),
        _ => record.caller.clone(),
    }
}

impl Emulator {
    /// What ended since the last call (call records, state spans, surveys after a call).
    pub(crate) fn take_finished(&mut self) -> Finished {
        std::mem::take(&mut self.finished)
    }

    /// Every agent's running state span, as if it ended at `now` (the server stops: the spans are kept).
    pub(crate) fn running_spans(&self, now: i64) -> Vec<(String, StateSpan)> {
        self.agents
            .iter()
            .filter_map(|a| {
                let mut span = a.timeline.current()?.clone();
                span.end_ms = Some(now.max(span.start_ms));
                Some((a.user_id.clone(), span))
            })
            .collect()
    }

    /// Keeps the span agent `user_id` ended (from [`Timeline::enter`]) and the one it began.
    pub(crate) fn keep_span(&mut self, user_id: &str, ended: Option<StateSpan>) {
        let Some(span) = ended else {
            return;
        };
        self.finished.spans.push((user_id.to_owned(), span));
        let began = self
            .agent(user_id)
            .ok()
            .and_then(|a| a.timeline.current().cloned());
        if let Some(began) = began {
            self.finished.running.push((user_id.to_owned(), began));
        }
    }
}
