//! Calls and their legs (`ccc-api-2020-07-01.md` §3.2, §3.3) and the call rules:
//!
//! - Inbound: a READY agent (longest idle, signed into the group) → RINGING; AnswerCall → TALKING.
//! - Outbound (MakeCall to an external number): READY/BREAK/WORKING → DIALING; the far end answers (TALKING) or
//!   fails (busy / no answer) as its [`NumberBehaviour`] says, after a delay.
//! - Internal (MakeCall to an agent extension): the caller DIALING, the callee RINGING; the callee must be READY.
//! - A call ends for every agent in it: TALKING or DIALING → WORKING (after-call work, the released call kept as
//!   the wrap-up context); RINGING → READY (abandoned), or BREAK `RingingTimeout` (not answered in time) /
//!   BREAK `RejectCall` (the ringing agent released it).
//! - ReleaseCall ends the whole call, except: the consulted agent (a `CONSULTANT` leg) ends only the
//!   consultation; a supervisor ends only its own leg; the consulting agent hanging up during an answered
//!   consultation completes the attended transfer (see [`super::transfer`], [`super::supervision`]); a party of
//!   a conference leaves only itself (see [`super::conference`]).
//! - Every agent that has had a leg is a participant; an ended call leaves a [`CallRecord`] (for the record store).

use ccc_wire::context::{CallType, ChannelState, MEDIA_AUDIO};
use ccc_wire::{ApiError, CallContext, ChannelContext, UserState};

use super::data::{Answer, NumberBehaviour};
use super::history::{CallRecord, Joined, Participant};
use super::model::{Ivr, RingEnd};
use super::timers::Timer;
use super::Emulator;
use crate::ids::now_ms;

/// System break code after an unanswered ringing call.
pub(crate) const RINGING_TIMEOUT: &str = "RingingTimeout";
/// System break code after the agent rejected a ringing call.
pub(crate) const REJECT_CALL: &str = "RejectCall";

/// A live call.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub(crate) job_id: String,
    pub(crate) call_type: CallType,
    /// Calling number (customer number, or the agent's extension / caller id).
    pub(crate) caller: String,
    /// Called number (hotline, external number or extension).
    pub(crate) callee: String,
    pub(crate) channels: Vec<ChannelContext>,
    /// Skill group the call was routed through (or the dialling agent's first group).
    pub(crate) skill_group: String,
    /// Epoch ms the call was created.
    pub(crate) started_ms: i64,
    /// Epoch ms every leg was first connected.
    pub(crate) answered_ms: Option<i64>,
    /// Every agent that has had a leg in the call, in order of arrival.
    pub(crate) participants: Vec<Participant>,
    /// DTMF digits received, per leg (channel id → digits), in order of arrival.
    pub(crate) dtmf: Vec<(String, String)>,
    /// Supervisors in the call and the agent each supervises.
    pub(crate) supervision: Vec<(String, String)>,
    /// The call is a conference: its context shows `CallType` `CONFERENCE` (the call keeps [`Call::call_type`],
    /// the type it was created with, for the records).
    pub(crate) conference: bool,
    /// The customer is in an IVR flow (survey or authentication).
    pub(crate) ivr: Option<Ivr>,
    /// LaunchSurvey sent the customer to the survey.
    pub(crate) survey_launched: bool,
    /// The agents who sent the customer a survey, once per survey (the record keeps them).
    pub(crate) surveys: Vec<String>,
}

impl Call {
    /// A new call; `joined` are the agents in it from the start.
    pub(crate) fn new(
        job_id: String,
        call_type: CallType,
        caller: String,
        callee: String,
        skill_group: String,
        channels: Vec<ChannelContext>,
        joined: &[(&str, Joined)],
    ) -> Self {
        Call {
            job_id,
            call_type,
            caller,
            callee,
            channels,
            skill_group,
            started_ms: now_ms(),
            answered_ms: None,
            participants: joined
                .iter()
                .map(|(u, j)| Participant::new(u, *j))
                .collect(),
            dtmf: Vec::new(),
            supervision: Vec::new(),
            conference: false,
            ivr: None,
            survey_launched: false,
            surveys: Vec::new(),
        }
    }

    /// Adds `user_id` to the participants (once).
    pub(crate) fn join(&mut self, user_id: &str, joined: Joined) {
        if let Some(p) = self.participant_mut(user_id) {
            p.left = false;
        } else {
            self.participants.push(Participant::new(user_id, joined));
        }
    }

    /// The participant `user_id`.
    pub(crate) fn participant_mut(&mut self, user_id: &str) -> Option<&mut Participant> {
        self.participants.iter_mut().find(|p| p.user_id == user_id)
    }

    /// The live leg of agent `user_id`.
    pub(crate) fn leg_of(&self, user_id: &str) -> Option<&ChannelContext> {
        self.channels.iter().find(|c| c.user_id == user_id)
    }

    /// The live leg of agent `user_id`, mutably.
    pub(crate) fn leg_of_mut(&mut self, user_id: &str) -> Option<&mut ChannelContext> {
        self.channels.iter_mut().find(|c| c.user_id == user_id)
    }

    /// The consultation leg (an agent or an external number on a `CONSULTANT` leg), if one is live.
    pub(crate) fn consult_leg(&self) -> Option<&ChannelContext> {
        self.channels.iter().find(|c| {
            c.call_type == CallType::Consultant && c.channel_state != ChannelState::Released
        })
    }

    /// The first customer leg that is not a consultation leg.
    pub(crate) fn customer_leg(&self) -> Option<&ChannelContext> {
        self.channels
            .iter()
            .find(|c| c.user_id.is_empty() && c.call_type != CallType::Consultant)
    }

    /// `Index` of the next leg: after every leg the call has had.
    pub(crate) fn next_index(&self) -> u32 {
        self.channels.iter().map(|c| c.index + 1).max().unwrap_or(0)
    }

    /// Removes leg `channel_id` (the party left the call).
    pub(crate) fn remove_leg(&mut self, channel_id: &str) -> Option<ChannelContext> {
        let at = self
            .channels
            .iter()
            .position(|c| c.channel_id == channel_id)?;
        Some(self.channels.remove(at))
    }

    /// The call as the wire shows it.
    pub(crate) fn context(&self, instance_id: &str) -> CallContext {
        CallContext {
            instance_id: instance_id.to_owned(),
            job_id: self.job_id.clone(),
            call_type: if self.conference {
                CallType::Conference
            } else {
                self.call_type.clone()
            },
            call_variables: String::new(),
            channel_contexts: self.channels.clone(),
        }
    }

    /// `ringing` (an agent leg rings), `dialing` (the far end rings) or `talking`.
    pub(crate) fn phase(&self) -> &'static str {
        let ringing_agent = self
            .channels
            .iter()
            .any(|c| !c.user_id.is_empty() && c.channel_state == ChannelState::Ringing);
        if ringing_agent {
            "ringing"
        } else if self
            .channels
            .iter()
            .all(|c| c.channel_state == ChannelState::Answered)
        {
            "talking"
        } else {
            "dialing"
        }
    }

    /// The agents with a leg in this call.
    pub(crate) fn agents(&self) -> Vec<String> {
        self.channels
            .iter()
            .filter(|c| !c.user_id.is_empty())
            .map(|c| c.user_id.clone())
            .collect()
    }

    fn leg_mut(&mut self, pred: impl Fn(&ChannelContext) -> bool) -> Option<&mut ChannelContext> {
        self.channels.iter_mut().find(|c| pred(c))
    }
}

/// A leg under construction.
pub(crate) struct Leg<'a> {
    pub(crate) customer: bool,
    pub(crate) call_type: CallType,
    pub(crate) state: ChannelState,
    pub(crate) from: &'a str,
    pub(crate) to: &'a str,
    pub(crate) user: Option<(&'a str, &'a str)>,
    pub(crate) skill_group: &'a str,
}

/// A new leg of call `job_id`.
pub(crate) fn leg(job_id: &str, index: u32, l: Leg<'_>) -> ChannelContext {
    let ts = now_ms();
    let kind = if l.customer { "customer" } else { "user" };
    let (user_id, ext) = l.user.unwrap_or(("", ""));
    ChannelContext {
        channel_id: format!("ch:{kind}:{}->{}:{ts}:{job_id}", l.from, l.to),
        job_id: job_id.to_owned(),
        call_type: l.call_type,
        channel_state: l.state,
        channel_flags: String::new(),
        originator: l.from.to_owned(),
        destination: l.to.to_owned(),
        user_id: user_id.to_owned(),
        user_extension: ext.to_owned(),
        skill_group_id: l.skill_group.to_owned(),
        index,
        timestamp: ts,
        release_initiator: String::new(),
        release_reason: String::new(),
        channel_variables: String::new(),
        media_type: MEDIA_AUDIO.into(),
    }
}

/// Why the control API could not place an inbound call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum InboundError {
    /// No such skill group.
    #[error("unknown skill group {0}")]
    UnknownGroup(String),
    /// Nobody can take the call.
    #[error("no READY agent {0}")]
    NobodyReady(String),
}

impl Emulator {
    pub(crate) fn next_job_id(&mut self) -> String {
        self.job_seq += 1;
        format!("job-{}{:04}", now_ms(), self.job_seq % 10_000)
    }

    /// The live call `job_id` of agent `user_id`, or 404 `NotExists.JobId`.
    pub(crate) fn call_of(&self, user_id: &str, job_id: &str) -> Result<&Call, ApiError> {
        self.calls
            .get(job_id)
            .filter(|c| c.channels.iter().any(|ch| ch.user_id == user_id))
            .ok_or_else(|| ApiError::no_job(job_id))
    }

    /// A customer `caller` dials the hotline and is routed to the longest-idle READY agent (not in the
    /// outbound-only scenario) signed into `group` (any group when `None`). Returns the job id and the agent.
    pub(crate) fn inbound(
        &mut self,
        caller: &str,
        group: Option<&str>,
    ) -> Result<(String, String), InboundError> {
        if let Some(g) = group {
            if self.skill_group(g).is_none() {
                return Err(InboundError::UnknownGroup(g.to_owned()));
            }
        }
        let agent = self
            .agents
            .iter()
            .filter(|a| a.state == UserState::Ready && !a.outbound_scenario)
            .filter(|a| group.is_none_or(|g| a.signed_groups.iter().any(|s| s == g)))
            .min_by_key(|a| a.ready_since)
            .ok_or_else(|| {
                InboundError::NobodyReady(group.map_or_else(
                    || "in any skill group".to_owned(),
                    |g| format!("in skill group {g}"),
                ))
            })?;
        let (user_id, ext) = (agent.user_id.clone(), agent.extension.clone());
        let group = group
            .map(str::to_owned)
            .or_else(|| agent.signed_groups.first().cloned())
            .unwrap_or_default();
        let job_id = self.next_job_id();
        let hotline = self.config.hotline.clone();
        let channels = vec![
            leg(
                &job_id,
                0,
                Leg {
                    customer: true,
                    call_type: CallType::Inbound,
                    state: ChannelState::Answered,
                    from: caller,
                    to: &hotline,
                    user: None,
                    skill_group: &group,
                },
            ),
            leg(
                &job_id,
                1,
                Leg {
                    customer: false,
                    call_type: CallType::Inbound,
                    state: ChannelState::Ringing,
                    from: caller,
                    to: &ext,
                    user: Some((&user_id, &ext)),
                    skill_group: &group,
                },
            ),
        ];
        self.start_call(Call::new(
            job_id.clone(),
            CallType::Inbound,
            caller.to_owned(),
            hotline,
            group.clone(),
            channels,
            &[(&user_id, Joined::Offered)],
        ));
        self.ring(&user_id, &job_id);
        Ok((job_id, user_id))
    }

    pub(crate) fn start_call(&mut self, call: Call) {
        self.calls.insert(call.job_id.clone(), call);
    }

    pub(crate) fn ring(&mut self, user_id: &str, job_id: &str) {
        self.ring_within(user_id, job_id, None);
    }

    /// Rings `user_id` for `job_id`; it times out after `timeout_seconds` or the configured ringing timeout,
    /// whichever is shorter.
    pub(crate) fn ring_within(
        &mut self,
        user_id: &str,
        job_id: &str,
        timeout_seconds: Option<u32>,
    ) {
        if let Ok(agent) = self.agent_mut(user_id) {
            agent.job_id = job_id.to_owned();
            agent.reserved_ms = now_ms();
        }
        self.set_state(user_id, UserState::Ringing, "");
        let configured = self.config.timers.ringing_timeout();
        let after = timeout_seconds.filter(|s| *s > 0).map_or(configured, |s| {
            configured.min(std::time::Duration::from_secs(u64::from(s)))
        });
        self.timers.push(Timer::RingingTimeout {
            job_id: job_id.to_owned(),
            user_id: user_id.to_owned(),
            after,
        });
    }

    /// MakeCall: to an agent extension (internal) or an external number (outbound).
    pub(crate) fn make_call(
        &mut self,
        user_id: &str,
        callee: &str,
        caller: Option<&str>,
        timeout_seconds: Option<u32>,
    ) -> Result<String, ApiError> {
        let me = self.agent(user_id)?;
        me.expect(&[UserState::Ready, UserState::Break, UserState::Working])?;
        let (my_ext, my_group) = (me.extension.clone(), me.signed_groups.first().cloned());
        if callee.trim().is_empty() {
            return Err(ApiError::blank("Callee"));
        }
        if callee == my_ext {
            return Err(ApiError::invalid("Callee", "An agent cannot call itself"));
        }
        let job_id = self.next_job_id();
        let group = my_group.unwrap_or_default();
        if let Some(peer) = self.agent_by_extension(callee) {
            if peer.state != UserState::Ready {
                return Err(ApiError::user_busy(&peer.user_id));
            }
            let peer_id = peer.user_id.clone();
            let channels = vec![
                leg(
                    &job_id,
                    0,
                    Leg {
                        customer: false,
                        call_type: CallType::Internal,
                        state: ChannelState::Answered,
                        from: &my_ext,
                        to: callee,
                        user: Some((user_id, &my_ext)),
                        skill_group: &group,
                    },
                ),
                leg(
                    &job_id,
                    1,
                    Leg {
                        customer: false,
                        call_type: CallType::Internal,
                        state: ChannelState::Ringing,
                        from: &my_ext,
                        to: callee,
                        user: Some((&peer_id, callee)),
                        skill_group: "",
                    },
                ),
            ];
            self.start_call(Call::new(
                job_id.clone(),
                CallType::Internal,
                my_ext.clone(),
                callee.to_owned(),
                group.clone(),
                channels,
                &[(user_id, Joined::Dialled), (&peer_id, Joined::Offered)],
            ));
            self.dial(user_id, &job_id);
            self.ring(&peer_id, &job_id);
            return Ok(job_id);
        }

        let shown = match caller.filter(|c| !c.is_empty()) {
            Some(c) if self.config.outbound_numbers.iter().any(|n| n.number == c) => c.to_owned(),
            Some(c) => {
                return Err(ApiError::invalid(
                    "Caller",
                    &format!("{c} is not an outbound number of this instance"),
                ))
            }
            None => self
                .config
                .outbound_numbers
                .first()
                .map(|n| n.number.clone())
                .unwrap_or_else(|| self.config.hotline.clone()),
        };
        let channels = vec![
            leg(
                &job_id,
                0,
                Leg {
                    customer: false,
                    call_type: CallType::Outbound,
                    state: ChannelState::Answered,
                    from: &my_ext,
                    to: callee,
                    user: Some((user_id, &my_ext)),
                    skill_group: &group,
                },
            ),
            leg(
                &job_id,
                1,
                Leg {
                    customer: true,
                    call_type: CallType::Outbound,
                    state: ChannelState::Ringing,
                    from: &shown,
                    to: callee,
                    user: None,
                    skill_group: "",
                },
            ),
        ];
        self.start_call(Call::new(
            job_id.clone(),
            CallType::Outbound,
            shown,
            callee.to_owned(),
            group.clone(),
            channels,
            &[(user_id, Joined::Dialled)],
        ));
        self.dial(user_id, &job_id);
        let (answer, after) = self.far_end_plan(callee, timeout_seconds);
        self.timers.push(Timer::FarEnd {
            job_id: job_id.clone(),
            answer,
            after,
        });
        Ok(job_id)
    }

    /// How and when dialled number `number` reacts: its [`NumberBehaviour`], failing unanswered after the
    /// no-answer timeout (or `timeout_seconds`, if shorter).
    pub(crate) fn far_end_plan(
        &self,
        number: &str,
        timeout_seconds: Option<u32>,
    ) -> (Answer, std::time::Duration) {
        let NumberBehaviour { answer, delay_ms } = self.config.behaviour_of(number);
        let timers = &self.config.timers;
        let delay = delay_ms.unwrap_or(timers.outbound_answer_delay_ms);
        let no_answer = timeout_seconds
            .map(|s| u64::from(s) * 1000)
            .map_or(timers.no_answer_timeout_ms, |t| {
                t.min(timers.no_answer_timeout_ms)
            });
        let (answer, after) = match answer {
            Answer::NoAnswer => (Answer::NoAnswer, no_answer),
            _ if no_answer < delay => (Answer::NoAnswer, no_answer),
            other => (other, delay),
        };
        (answer, std::time::Duration::from_millis(after))
    }

    pub(crate) fn dial(&mut self, user_id: &str, job_id: &str) {
        if let Ok(agent) = self.agent_mut(user_id) {
            agent.job_id = job_id.to_owned();
            agent.wrap_up = None;
        }
        self.set_state(user_id, UserState::Dialing, "");
    }

    /// AnswerCall: the agent's ringing leg → ANSWERED; everyone in the call → TALKING.
    pub(crate) fn answer(&mut self, user_id: &str, job_id: &str) -> Result<(), ApiError> {
        let call = self.call_of(user_id, job_id)?;
        self.agent(user_id)?.expect(&[UserState::Ringing])?;
        if let Some(mine) = call.channels.iter().find(|c| c.user_id == user_id) {
            if mine.channel_state != ChannelState::Ringing {
                return Err(ApiError::channel_state(
                    mine.channel_state.as_str(),
                    &["RINGING"],
                ));
            }
        }
        self.connect(job_id, |c| c.user_id == user_id);
        Ok(())
    }

    /// Marks the leg matching `pred` ANSWERED; once every leg is, the agents in the call go TALKING (in a
    /// conference: each connected agent once two legs are connected).
    pub(crate) fn connect(&mut self, job_id: &str, pred: impl Fn(&ChannelContext) -> bool) {
        let Some(call) = self.calls.get_mut(job_id) else {
            return;
        };
        let now = now_ms();
        if let Some(leg) = call.leg_mut(pred) {
            leg.channel_state = ChannelState::Answered;
            leg.timestamp = now;
        }
        if call.conference {
            // A conference bridge: an agent talks once its leg and any other leg are connected.
            let answered: Vec<&ChannelContext> = call
                .channels
                .iter()
                .filter(|c| c.channel_state == ChannelState::Answered)
                .collect();
            if answered.len() < 2 {
                return;
            }
            let users: Vec<String> = answered
                .iter()
                .filter(|c| !c.user_id.is_empty())
                .map(|c| c.user_id.clone())
                .collect();
            call.answered_ms.get_or_insert(now);
            for user in &users {
                if let Some(p) = call.participant_mut(user) {
                    p.start_talk(now);
                }
            }
            for user in users {
                if self
                    .agent(&user)
                    .is_ok_and(|a| a.state != UserState::Talking)
                {
                    self.set_state(&user, UserState::Talking, "");
                }
            }
            return;
        }
        if call.phase() != "talking" {
            return;
        }
        call.answered_ms.get_or_insert(now);
        for user in call.agents() {
            if let Some(p) = call.participant_mut(&user) {
                p.start_talk(now);
            }
        }
        for user in call.agents() {
            self.set_state(&user, UserState::Talking, "");
        }
    }

    /// ReleaseCall by agent `user_id`: ends the call (a two-party call ends when any leg hangs up).
    pub(crate) fn release(
        &mut self,
        user_id: &str,
        job_id: &str,
        channel_id: Option<&str>,
    ) -> Result<(), ApiError> {
        let call = self.call_of(user_id, job_id)?;
        if let Some(ch) = channel_id.filter(|c| !c.is_empty()) {
            if !call.channels.iter().any(|c| c.channel_id == ch) {
                return Err(ApiError::no_channel(ch, job_id));
            }
        }
        let agent = self.agent(user_id)?;
        agent.expect(&[UserState::Dialing, UserState::Ringing, UserState::Talking])?;
        let ext = agent.extension.clone();
        let ring_end = if agent.state == UserState::Ringing {
            RingEnd::Rejected
        } else {
            RingEnd::Abandoned
        };
        let my_type = call.leg_of(user_id).map(|c| c.call_type.clone());
        match my_type {
            // The consulted agent hangs up: only the consultation ends.
            Some(CallType::Consultant) => self.drop_consult(job_id, &ext, ring_end),
            // A supervisor stops listening / coaching / barging: only its leg ends.
            Some(CallType::Monitor | CallType::Coach | CallType::Barge) => {
                self.drop_supervisor(job_id, user_id, &ext)
            }
            // The consulting agent hangs up: an answered consultation completes the transfer.
            _ if call
                .consult_leg()
                .is_some_and(|c| c.channel_state == ChannelState::Answered) =>
            {
                self.complete_attended_transfer(user_id, job_id)?
            }
            // A party of a conference leaves; the others go on.
            _ if call.conference => self.leave_conference(user_id, job_id, &ext, ring_end),
            _ => self.end_call(job_id, &ext, "200 - Okay", ring_end),
        }
        Ok(())
    }

    /// The far end of `job_id` hangs up (the customer; for an internal call, the caller) and the call ends. In a
    /// conference only that party leaves: the customer leg whose number is `number` (the first customer leg
    /// when `None`).
    pub(crate) fn far_end_hangup(&mut self, job_id: &str, number: Option<&str>) -> bool {
        let Some(call) = self.calls.get(job_id) else {
            return false;
        };
        if call.conference {
            let leg = call
                .channels
                .iter()
                .filter(|c| c.user_id.is_empty())
                .find(|c| number.is_none_or(|n| c.originator == n || c.destination == n));
            if let Some(leg) = leg {
                let (channel, who) = (leg.channel_id.clone(), leg.originator.clone());
                self.drop_conference_party(job_id, &channel, &who);
                return true;
            }
            if number.is_some() {
                return false;
            }
        }
        let who = call.caller.clone();
        self.end_call(job_id, &who, "200 - Okay", RingEnd::Abandoned);
        true
    }

    /// The call `job_id` ends: every leg RELEASED, every agent leaves it as the module doc says.
    pub(crate) fn end_call(
        &mut self,
        job_id: &str,
        initiator: &str,
        reason: &str,
        ring_end: RingEnd,
    ) {
        let Some(mut call) = self.calls.remove(job_id) else {
            return;
        };
        let ts = now_ms();
        for ch in &mut call.channels {
            ch.channel_state = ChannelState::Released;
            ch.timestamp = ts;
            ch.release_initiator = initiator.to_owned();
            ch.release_reason = reason.to_owned();
        }
        let ended = call.context(&self.config.instance_id);
        for p in &mut call.participants {
            p.leave(ts);
        }
        self.record(&call, ts);
        for user in call.agents() {
            let Ok(agent) = self.agent(&user) else {
                continue;
            };
            if agent.job_id != job_id || !agent.in_call() {
                continue;
            }
            match (&agent.state, ring_end) {
                (UserState::Ringing, RingEnd::Abandoned) => {
                    self.set_state(&user, UserState::Ready, "")
                }
                (UserState::Ringing, RingEnd::TimedOut) => {
                    self.set_state(&user, UserState::Break, RINGING_TIMEOUT)
                }
                (UserState::Ringing, RingEnd::Rejected) => {
                    self.set_state(&user, UserState::Break, REJECT_CALL)
                }
                _ => {
                    if let Ok(agent) = self.agent_mut(&user) {
                        agent.wrap_up = Some(ended.clone());
                    }
                    self.set_state(&user, UserState::Working, "");
                }
            }
        }
    }

    /// The far end of outbound call `job_id` reacts (timer): answers, or fails busy / unanswered.
    pub(crate) fn far_end(&mut self, job_id: &str, answer: Answer) {
        let Some(call) = self.calls.get(job_id) else {
            return;
        };
        let still_dialing = call
            .channels
            .iter()
            .any(|c| c.user_id.is_empty() && c.channel_state == ChannelState::Ringing);
        if !still_dialing {
            return;
        }
        let callee = call.callee.clone();
        match answer {
            Answer::Auto => self.connect(job_id, |c| c.user_id.is_empty()),
            Answer::Busy => self.end_call(job_id, &callee, "486 - Busy Here", RingEnd::Abandoned),
            Answer::NoAnswer => self.end_call(
                job_id,
                &callee,
                "480 - Temporarily Unavailable",
                RingEnd::Abandoned,
            ),
        }
    }

    /// Agent `user_id` did not answer `job_id` in time (timer).
    pub(crate) fn ringing_timeout(&mut self, job_id: &str, user_id: &str) {
        let ringing = self.calls.get(job_id).and_then(|c| {
            c.channels
                .iter()
                .find(|ch| ch.user_id == user_id && ch.channel_state == ChannelState::Ringing)
        });
        let conference = self.calls.get(job_id).is_some_and(|c| c.conference);
        match ringing.map(|c| c.call_type.clone()) {
            Some(CallType::Consultant) => self.drop_consult(job_id, "", RingEnd::TimedOut),
            Some(_) if conference => self.leave_conference(user_id, job_id, "", RingEnd::TimedOut),
            Some(_) => self.end_call(job_id, "", "408 - Request Timeout", RingEnd::TimedOut),
            None => {}
        }
    }

    /// Keeps the record of ended call `call`.
    fn record(&mut self, call: &Call, end_ms: i64) {
        self.finished.records.push(CallRecord {
            job_id: call.job_id.clone(),
            call_type: call.call_type.clone(),
            caller: call.caller.clone(),
            callee: call.callee.clone(),
            skill_group: call.skill_group.clone(),
            start_ms: call.started_ms,
            end_ms,
            answered_ms: call.answered_ms,
            participants: call.participants.clone(),
            surveys: call.surveys.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::data::EmulatorConfig;

    const A1: &str = "agent1@ccc-demo";
    const A2: &str = "agent2@ccc-demo";

    fn ready_emulator() -> Emulator {
        let mut emu = Emulator::new(EmulatorConfig::default());
        for a in [A1, A2] {
            emu.sign_in(a, "dev", vec![]).unwrap();
            emu.ready(a, false).unwrap();
        }
        emu
    }

    fn state(emu: &Emulator, user: &str) -> String {
        emu.user_context(user).unwrap().user_state.to_string()
    }

    #[test]
    fn inbound_rings_the_longest_idle_agent_of_the_group() {
        let mut emu = ready_emulator();
        let (job, user) = emu.inbound("13800000001", Some("sales@ccc-demo")).unwrap();
        assert_eq!(user, A1);
        assert_eq!(state(&emu, A1), "RINGING");
        let snap = emu.snapshot(A1).unwrap();
        assert_eq!(snap.user_context.job_id, job);
        let call = snap.call_context.unwrap();
        assert_eq!(call.customer_channel().unwrap().originator, "13800000001");
        assert_eq!(
            call.channel_of(A1).unwrap().channel_state,
            ChannelState::Ringing
        );
        assert!(matches!(
            emu.take_timers()[..],
            [Timer::RingingTimeout { .. }]
        ));
        let (_, second) = emu.inbound("13800000002", None).unwrap();
        assert_eq!(second, A2);
        assert_eq!(
            emu.inbound("1", None),
            Err(InboundError::NobodyReady("in any skill group".into()))
        );
    }

    #[test]
    fn answer_release_wrap_up() {
        let mut emu = ready_emulator();
        let (job, _) = emu.inbound("138", None).unwrap();
        emu.answer(A1, &job).unwrap();
        assert_eq!(state(&emu, A1), "TALKING");
        emu.release(A1, &job, None).unwrap();
        assert_eq!(state(&emu, A1), "WORKING");
        let snap = emu.snapshot(A1).unwrap();
        let call = snap.call_context.unwrap();
        assert!(call
            .channel_contexts
            .iter()
            .all(|c| c.channel_state == ChannelState::Released));
        assert_eq!(emu.calls().count(), 0);
        emu.ready(A1, false).unwrap();
        assert!(emu.snapshot(A1).unwrap().call_context.is_none());
    }

    #[test]
    fn timeouts_and_rejections_break_the_agent() {
        let mut emu = ready_emulator();
        let (job, _) = emu.inbound("138", Some("sales@ccc-demo")).unwrap();
        emu.ringing_timeout(&job, A1);
        let u = emu.user_context(A1).unwrap();
        assert_eq!(
            (u.user_state.as_str(), u.break_code.as_str()),
            ("BREAK", RINGING_TIMEOUT)
        );
        let (job, _) = emu.inbound("138", None).unwrap();
        emu.release(A2, &job, None).unwrap();
        assert_eq!(emu.user_context(A2).unwrap().break_code, REJECT_CALL);
    }

    #[test]
    fn internal_call_between_agents() {
        let mut emu = ready_emulator();
        let job = emu.make_call(A1, "8002", None, None).unwrap();
        assert_eq!(
            (state(&emu, A1), state(&emu, A2)),
            ("DIALING".into(), "RINGING".into())
        );
        emu.answer(A2, &job).unwrap();
        assert_eq!(
            (state(&emu, A1), state(&emu, A2)),
            ("TALKING".into(), "TALKING".into())
        );
        emu.release(A2, &job, None).unwrap();
        assert_eq!(
            (state(&emu, A1), state(&emu, A2)),
            ("WORKING".into(), "WORKING".into())
        );
        let err = emu.make_call(A1, "8003", None, None).unwrap_err();
        assert_eq!(err.code, "UserBusy");
    }

    #[test]
    fn outbound_far_end_outcomes() {
        let mut emu = ready_emulator();
        let job = emu.make_call(A1, "13900000001", None, None).unwrap();
        assert_eq!(state(&emu, A1), "DIALING");
        emu.far_end(&job, Answer::Auto);
        assert_eq!(state(&emu, A1), "TALKING");
        emu.far_end_hangup(&job, None);
        assert_eq!(state(&emu, A1), "WORKING");
        let job = emu
            .make_call(A1, "13900000001", Some("01080000002"), None)
            .unwrap();
        emu.far_end(&job, Answer::Busy);
        assert_eq!(state(&emu, A1), "WORKING");
        let ended = emu.snapshot(A1).unwrap().call_context.unwrap();
        assert_eq!(
            ended.customer_channel().unwrap().release_reason,
            "486 - Busy Here"
        );
        assert_eq!(ended.customer_channel().unwrap().originator, "01080000002");
        let err = emu.make_call(A1, "139", Some("999"), None).unwrap_err();
        assert_eq!(err.code, "Parameter.Invalid");
    }
}
