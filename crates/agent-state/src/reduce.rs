//! [`AgentState`]: folds events into the status and returns the effects of each transition.
//!
//! Ordering rules, all here so they can be tested without a browser:
//! - A poll answer is applied only if nothing newer arrived after its request was sent (the epoch did not move)
//!   and it is not older than the newest applied snapshot: a stale poll never rolls the state back.
//! - "Older" is read from what CCC's answers carry: `ContextId` where the answer has one (PollUserStatus, most
//!   call-control answers), else `UserContext.Heartbeat` (epoch ms); an answer with neither — the flat
//!   SignInGroup/ReadyForService/TakeBreak family — is ordered by request order alone (the epoch).
//! - While register/logIn runs, snapshots are held back, so the intermediate `Warm-up` break never reaches the
//!   host: `register()` goes -1 → 0 → 3 with `onLogIn`, `onReady` (sdk-contract §7.3).
//! - On a status change the state is updated first, then `onHangUp`/`onCallRelease` for a call that ended, then
//!   `onStatusChange`, then the hook of the new state (sdk-contract §5).

use ccc_wire::action::StatusData;
use ccc_wire::keys::to_camel;
use serde_json::{json, Value};

use crate::derive::status_of;
use crate::event::{CallDetail, Effect, Event, HangUpType, Hook, Source};
use crate::rules::{AfterCall, Rules};
use crate::status::Status;

/// The agent's state as the panel knows it.
#[derive(Debug, Clone)]
pub struct AgentState {
    rules: Rules,
    status: Status,
    last_status: Status,
    snapshot: Option<StatusData>,
    held_back: Option<StatusData>,
    in_operation: bool,
    epoch: u64,
    context_id: u64,
    /// `UserContext.Heartbeat` of the newest applied snapshot (epoch ms; 0 when none carried it).
    heartbeat: i64,
    /// The connected status of the current call before hold/consultation, to name the hang-up.
    talk_status: Option<Status>,
    acw_timer: u64,
    acw_armed: bool,
}

impl AgentState {
    /// A fresh, unregistered state.
    pub fn new(rules: Rules) -> Self {
        AgentState {
            rules,
            status: Status::Unregistered,
            last_status: Status::Unregistered,
            snapshot: None,
            held_back: None,
            in_operation: false,
            epoch: 0,
            context_id: 0,
            heartbeat: 0,
            talk_status: None,
            acw_timer: 0,
            acw_armed: false,
        }
    }

    /// Current status.
    pub fn status(&self) -> Status {
        self.status
    }

    /// Status before the last change.
    pub fn last_status(&self) -> Status {
        self.last_status
    }

    /// Tag for a poll request about to be sent (see [`Source::Poll`]).
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// The last applied snapshot.
    pub fn snapshot(&self) -> Option<&StatusData> {
        self.snapshot.as_ref()
    }

    /// Whether the after-call countdown is running.
    pub fn after_call_countdown(&self) -> bool {
        self.acw_armed
    }

    /// The transition rules in force.
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// Folds `event` in and returns what the shell must do.
    pub fn apply(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::RegisterStarted => {
                if self.status != Status::Unregistered {
                    return Vec::new();
                }
                self.in_operation = true;
                self.epoch += 1;
                self.transition(Status::Registering)
            }
            Event::OperationStarted => {
                self.in_operation = true;
                self.epoch += 1;
                Vec::new()
            }
            Event::OperationDone { data } => {
                self.in_operation = false;
                self.epoch += 1;
                match data.or_else(|| self.held_back.take()) {
                    Some(data) => {
                        self.held_back = None;
                        self.accept(data)
                    }
                    None if self.status == Status::Registering => {
                        self.transition(Status::Unregistered)
                    }
                    None => Vec::new(),
                }
            }
            Event::DeviceConflict => {
                self.in_operation = false;
                self.held_back = None;
                self.epoch += 1;
                self.transition(Status::Offline)
            }
            Event::Snapshot { source, data } => self.snapshot_event(source, data),
            Event::AfterCallTimerFired { timer } => {
                if self.acw_armed && timer == self.acw_timer && self.status == Status::AfterCall {
                    self.acw_armed = false;
                    vec![Effect::BecomeReady]
                } else {
                    Vec::new()
                }
            }
            Event::StayAfterCall => {
                self.acw_armed = false;
                Vec::new()
            }
            Event::Unloaded => {
                let rules = self.rules.clone();
                *self = AgentState::new(rules);
                Vec::new()
            }
        }
    }

    fn snapshot_event(&mut self, source: Source, data: StatusData) -> Vec<Effect> {
        if let Source::Poll { sent_at } = source {
            if sent_at != self.epoch || self.in_operation {
                return Vec::new();
            }
        } else {
            self.epoch += 1;
        }
        if self.is_older(&data) {
            return Vec::new();
        }
        if self.in_operation {
            self.held_back = Some(data);
            return Vec::new();
        }
        self.accept(data)
    }

    /// Whether `data` is older than the newest applied snapshot, by the first ordering key both carry.
    fn is_older(&self, data: &StatusData) -> bool {
        if data.context_id != 0 && self.context_id != 0 {
            return data.context_id < self.context_id;
        }
        let heartbeat = data.user_context.heartbeat;
        heartbeat != 0 && heartbeat < self.heartbeat
    }

    fn accept(&mut self, data: StatusData) -> Vec<Effect> {
        self.context_id = self.context_id.max(data.context_id);
        self.heartbeat = self.heartbeat.max(data.user_context.heartbeat);
        let user_id = data.user_context.user_id.clone();
        let mut new = status_of(&user_id, &data).unwrap_or(self.status);
        if new == Status::Conference
            && matches!(self.status, Status::Conference | Status::ConferenceChanged)
            && members(self.snapshot.as_ref()) != members(Some(&data))
        {
            new = Status::ConferenceChanged;
        }
        let previous = self.snapshot.replace(data);
        self.transition_with(new, previous)
    }

    fn transition(&mut self, new: Status) -> Vec<Effect> {
        let previous = self.snapshot.clone();
        self.transition_with(new, previous)
    }

    fn transition_with(&mut self, new: Status, previous: Option<StatusData>) -> Vec<Effect> {
        let old = self.status;
        if new == old {
            return Vec::new();
        }
        self.last_status = old;
        self.status = new;
        let mut effects = Vec::new();
        let hook = |effects: &mut Vec<Effect>, h| effects.push(Effect::Hook(h));

        if old.in_call() && !new.in_call() {
            hook(
                &mut effects,
                Hook::HangUp(self.hang_up_type(old, previous.as_ref())),
            );
            hook(
                &mut effects,
                Hook::CallRelease {
                    call_context: self.released_call(previous.as_ref()),
                },
            );
        }
        hook(
            &mut effects,
            Hook::StatusChange {
                code: new.code(),
                last_code: old.code(),
                context: self.context(),
            },
        );

        if new.is_signed_in() && !old.is_signed_in() {
            hook(&mut effects, Hook::LogIn);
        }
        if new == Status::Offline && old.is_signed_in() {
            hook(&mut effects, Hook::LogOut);
        }
        match new {
            Status::Break => hook(&mut effects, Hook::Break),
            Status::Ready => hook(&mut effects, Hook::Ready),
            Status::CallOnly => hook(&mut effects, Hook::AgentOutboundScenario),
            Status::Ringing => {
                hook(&mut effects, Hook::CallComing(self.call_detail()));
                if let (Some(seconds @ 1..), Some(job_id)) = (self.rules.auto_answer, self.job_id())
                {
                    effects.push(Effect::AutoAnswer { job_id, seconds });
                }
            }
            Status::Dialing => hook(&mut effects, Hook::CallDialing(self.call_detail())),
            _ => {}
        }
        if new.is_connected() && !old.is_connected() {
            hook(
                &mut effects,
                Hook::CallEstablish {
                    call_context: self.call_value(),
                },
            );
        }
        if new.is_connected()
            && !matches!(
                new,
                Status::Hold | Status::ConsultInitiated | Status::Consulting
            )
        {
            self.talk_status = Some(new);
        }
        if !new.in_call() {
            self.talk_status = None;
        }

        if old == Status::AfterCall {
            self.acw_armed = false;
        }
        if new == Status::AfterCall {
            effects.extend(self.after_call(old));
        }
        effects
    }

    fn after_call(&mut self, old: Status) -> Option<Effect> {
        let unanswered_outbound = old == Status::Dialing;
        if unanswered_outbound && !self.rules.unanswered_outbound_after_call {
            return Some(Effect::BecomeReady);
        }
        match self.rules.after_call {
            AfterCall::Seconds(0) => Some(Effect::BecomeReady),
            AfterCall::Seconds(seconds) => {
                self.acw_timer += 1;
                self.acw_armed = true;
                Some(Effect::StartAfterCallTimer {
                    timer: self.acw_timer,
                    seconds,
                })
            }
            AfterCall::Manual => None,
        }
    }

    fn hang_up_type(&self, old: Status, previous: Option<&StatusData>) -> HangUpType {
        let by_talk = |s: Option<Status>| match s {
            Some(Status::OutboundTalk) => HangUpType::Outbound,
            Some(Status::InternalTalk) => internal_direction(previous),
            _ => HangUpType::Inbound,
        };
        match old {
            Status::Ringing => HangUpType::Ringing,
            Status::Dialing => HangUpType::Dialing,
            Status::OutboundTalk => HangUpType::Outbound,
            Status::InternalTalk => internal_direction(previous),
            Status::Hold | Status::ConsultInitiated => by_talk(self.talk_status),
            Status::Consulting => HangUpType::AgentHeld,
            Status::Conference | Status::ConferenceChanged => HangUpType::Meeting,
            Status::Consulted => HangUpType::Consulted,
            Status::Monitoring => HangUpType::Monitored,
            Status::MonitorInitiated => HangUpType::Monitoring,
            Status::BargedIn => HangUpType::BargedIn,
            Status::Coaching => HangUpType::Coached,
            _ => HangUpType::Inbound,
        }
    }

    fn job_id(&self) -> Option<String> {
        let call = self.snapshot.as_ref()?.call_context.as_ref()?;
        Some(call.job_id.clone())
    }

    fn call_value(&self) -> Value {
        self.snapshot
            .as_ref()
            .and_then(|s| s.call_context.as_ref())
            .map_or(Value::Null, |c| {
                to_camel(serde_json::to_value(c).unwrap_or_default())
            })
    }

    /// The ended call: the new snapshot's context if it still describes it, else the previous one's.
    fn released_call(&self, previous: Option<&StatusData>) -> Value {
        match self.call_value() {
            Value::Null => previous
                .and_then(|p| p.call_context.as_ref())
                .map_or(Value::Null, |c| {
                    to_camel(serde_json::to_value(c).unwrap_or_default())
                }),
            v => v,
        }
    }

    fn context(&self) -> Value {
        let Some(s) = &self.snapshot else {
            return json!({});
        };
        json!({
            "userContext": to_camel(serde_json::to_value(&s.user_context).unwrap_or_default()),
            "callContext": self.call_value(),
        })
    }

    fn call_detail(&self) -> CallDetail {
        let snapshot = self.snapshot.as_ref();
        let me = snapshot.map_or("", |s| s.user_context.user_id.as_str());
        let call = snapshot.and_then(|s| s.call_context.as_ref());
        let far = call.and_then(|c| {
            c.customer_channel()
                .or_else(|| c.channel_contexts.iter().find(|ch| ch.user_id != me))
                .or_else(|| c.channel_contexts.first())
        });
        CallDetail {
            caller: far.map(|c| c.originator.clone()).unwrap_or_default(),
            callee: far.map(|c| c.destination.clone()).unwrap_or_default(),
            call_type: call.map(|c| c.call_type.to_string()).unwrap_or_default(),
            job_id: call.map(|c| c.job_id.clone()).unwrap_or_default(),
            call_context: self.call_value(),
        }
    }
}

/// The parties still in the call, to notice someone joining or leaving a conference (status 30).
fn members(snapshot: Option<&StatusData>) -> Vec<&str> {
    let mut ids: Vec<&str> = snapshot
        .and_then(|s| s.call_context.as_ref())
        .map(|c| {
            c.channel_contexts
                .iter()
                .filter(|ch| ch.channel_state != ccc_wire::context::ChannelState::Released)
                .map(|ch| ch.channel_id.as_str())
                .collect()
        })
        .unwrap_or_default();
    ids.sort_unstable();
    ids
}

/// An internal call is `outbound` for the agent who placed it (its leg is the first), `inbound` otherwise.
fn internal_direction(snapshot: Option<&StatusData>) -> HangUpType {
    let placed_it = snapshot.and_then(|s| {
        let call = s.call_context.as_ref()?;
        let first = call.channel_contexts.iter().min_by_key(|c| c.index)?;
        Some(first.user_id == s.user_context.user_id)
    });
    if placed_it == Some(true) {
        HangUpType::Outbound
    } else {
        HangUpType::Inbound
    }
}
