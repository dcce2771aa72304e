//! Conferences (`ccc-api-2020-07-01.md` StartConference, SwitchToConference; `sdk-contract.md` statuses 19, 30).
//!
//! A conference is a call whose context shows `CallType` `CONFERENCE` and whose legs (supervisors' excepted)
//! all have that type, so every agent in it reads status 19. Nobody in it is on hold.
//!
//! - StartConference invites 1–5 parties (`ParticipantListJson`): agent extensions or user ids (the agent must
//!   be READY, else `UserBusy`; its leg rings and it answers with AnswerCall) and phone numbers (a customer leg
//!   rings and answers or fails as the number's behaviour says, like MakeCall).
//!   - From READY / BREAK / WORKING: a new call with the agent's leg connected; the agent is DIALING until a
//!     first invited party answers.
//!   - In a conference an agent is TALKING as soon as its own leg and one other leg are connected.
//!   - While TALKING on an answered leg with no consultation running: the agent's call becomes the conference
//!     (the customer included) and the invited parties join it.
//! - SwitchToConference (the consulting agent, consultation answered): customer, agent and consulted party
//!   are merged into a conference.
//! - A party leaving (ReleaseCall, hanging up, rejecting or not answering, failing to connect) leaves only
//!   itself: the others stay in the conference with fewer legs. The conference ends when fewer than two legs
//!   or no agent leg remain.
//! - A conference cannot be transferred.

use ccc_wire::call_control::{remove_flag, FLAG_HOLD};
use ccc_wire::context::{CallType, ChannelState};
use ccc_wire::{ApiError, UserState};

use super::call_control::consultation_running;
use super::calls::{leg, Call, Leg};
use super::data::Answer;
use super::history::Joined;
use super::model::RingEnd;
use super::timers::Timer;
use super::transfer::is_phone_number;
use super::Emulator;
use crate::ids::now_ms;

/// Most parties StartConference invites at once.
pub(crate) const MAX_PARTICIPANTS: usize = 5;

const PARTICIPANTS: &str = "ParticipantListJson";

/// An invited party.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Party {
    /// A READY agent: user id and extension.
    Agent(String, String),
    /// A phone number.
    External(String),
}

impl Emulator {
    /// Resolves the invited `raw` parties for `me`, whose current call (if extending one) is `call`.
    fn resolve_parties(
        &self,
        me: &str,
        raw: &[String],
        call: Option<&Call>,
    ) -> Result<Vec<Party>, ApiError> {
        if raw.is_empty() {
            return Err(ApiError::invalid(PARTICIPANTS, "It names no participant"));
        }
        if raw.len() > MAX_PARTICIPANTS {
            return Err(ApiError::invalid(
                PARTICIPANTS,
                &format!("At most {MAX_PARTICIPANTS} participants can be invited"),
            ));
        }
        let mut parties: Vec<Party> = Vec::new();
        for p in raw.iter().map(|p| p.trim()) {
            let party = if let Some(a) = self.agent_by_id_or_extension(p) {
                if a.user_id == me {
                    return Err(ApiError::invalid(
                        PARTICIPANTS,
                        "An agent cannot invite itself",
                    ));
                }
                if call.is_some_and(|c| c.leg_of(&a.user_id).is_some()) {
                    return Err(ApiError::invalid(
                        PARTICIPANTS,
                        &format!("{p} is already in the call"),
                    ));
                }
                if a.state != UserState::Ready {
                    return Err(ApiError::user_busy(&a.user_id));
                }
                Party::Agent(a.user_id.clone(), a.extension.clone())
            } else if is_phone_number(p) {
                let present = call.is_some_and(|c| {
                    c.channels.iter().any(|ch| {
                        ch.user_id.is_empty() && (ch.originator == p || ch.destination == p)
                    })
                });
                if present {
                    return Err(ApiError::invalid(
                        PARTICIPANTS,
                        &format!("{p} is already in the call"),
                    ));
                }
                Party::External(p.to_owned())
            } else {
                return Err(ApiError::invalid(
                    PARTICIPANTS,
                    &format!("{p:?} is neither an agent extension nor a phone number"),
                ));
            };
            if parties.contains(&party) {
                return Err(ApiError::invalid(
                    PARTICIPANTS,
                    &format!("{p} is named twice"),
                ));
            }
            parties.push(party);
        }
        Ok(parties)
    }

    /// StartConference by `user_id`; returns the conference's job id.
    pub(crate) fn start_conference(
        &mut self,
        user_id: &str,
        job_id: Option<&str>,
        participants: &[String],
        timeout_seconds: Option<u32>,
    ) -> Result<String, ApiError> {
        let me = self.agent(user_id)?;
        me.expect(&[
            UserState::Ready,
            UserState::Break,
            UserState::Working,
            UserState::Talking,
        ])?;
        let talking = me.state == UserState::Talking;
        let (my_ext, my_group, current) = (
            me.extension.clone(),
            me.signed_groups.first().cloned().unwrap_or_default(),
            me.job_id.clone(),
        );
        let existing = if talking {
            let job = job_id
                .map(str::trim)
                .filter(|j| !j.is_empty())
                .unwrap_or(&current)
                .to_owned();
            self.talking_leg(user_id, &job)?;
            let call = self.call_of(user_id, &job)?;
            let my_type = call.leg_of(user_id).map(|c| c.call_type.clone());
            if matches!(&my_type, Some(t) if *t == CallType::Consultant || t.is_supervision()) {
                return Err(ApiError::invalid(
                    "JobId",
                    "Only a party of the call can start a conference",
                ));
            }
            if let Some(consult) = call.consult_leg() {
                return Err(consultation_running(consult));
            }
            Some(job)
        } else {
            None
        };
        let parties = self.resolve_parties(
            user_id,
            participants,
            existing.as_deref().and_then(|j| self.calls.get(j)),
        )?;
        let shown = self
            .config
            .outbound_numbers
            .first()
            .map(|n| n.number.clone())
            .unwrap_or_else(|| self.config.hotline.clone());
        let job_id = match existing {
            Some(job) => job,
            None => {
                let job = self.next_job_id();
                let any_external = parties.iter().any(|p| matches!(p, Party::External(_)));
                let (origin, caller) = if any_external {
                    (CallType::Outbound, shown.clone())
                } else {
                    (CallType::Internal, my_ext.clone())
                };
                let callee = match &parties[0] {
                    Party::Agent(_, ext) => ext.clone(),
                    Party::External(n) => n.clone(),
                };
                let mine = leg(
                    &job,
                    0,
                    Leg {
                        customer: false,
                        call_type: CallType::Conference,
                        state: ChannelState::Answered,
                        // Not to the first party: that party's leg has the same ends (and channel id).
                        from: &my_ext,
                        to: &my_ext,
                        user: Some((user_id, &my_ext)),
                        skill_group: &my_group,
                    },
                );
                self.start_call(Call::new(
                    job.clone(),
                    origin,
                    caller,
                    callee,
                    my_group.clone(),
                    vec![mine],
                    &[(user_id, Joined::Dialled)],
                ));
                self.dial(user_id, &job);
                job
            }
        };
        self.make_conference(&job_id);
        for party in parties {
            let Some(call) = self.calls.get_mut(&job_id) else {
                break;
            };
            let index = call.next_index();
            let group = call.skill_group.clone();
            match party {
                Party::Agent(peer, ext) => {
                    call.channels.push(leg(
                        &job_id,
                        index,
                        Leg {
                            customer: false,
                            call_type: CallType::Conference,
                            state: ChannelState::Ringing,
                            from: &my_ext,
                            to: &ext,
                            user: Some((&peer, &ext)),
                            skill_group: &group,
                        },
                    ));
                    call.join(&peer, Joined::Conference);
                    self.ring_within(&peer, &job_id, timeout_seconds);
                }
                Party::External(number) => {
                    let new = leg(
                        &job_id,
                        index,
                        Leg {
                            customer: true,
                            call_type: CallType::Conference,
                            state: ChannelState::Ringing,
                            from: &shown,
                            to: &number,
                            user: None,
                            skill_group: "",
                        },
                    );
                    let channel_id = new.channel_id.clone();
                    call.channels.push(new);
                    let (answer, after) = self.far_end_plan(&number, timeout_seconds);
                    self.timers.push(Timer::ConferenceParty {
                        job_id: job_id.clone(),
                        channel_id,
                        answer,
                        after,
                    });
                }
            }
        }
        self.touch_call(&job_id);
        Ok(job_id)
    }

    /// SwitchToConference by the consulting agent `user_id`: the consultation becomes a conference.
    pub(crate) fn switch_to_conference(
        &mut self,
        user_id: &str,
        job_id: &str,
    ) -> Result<(), ApiError> {
        self.consultation_of(user_id, job_id, &["ANSWERED"])?;
        self.make_conference(job_id);
        self.touch_call(job_id);
        Ok(())
    }

    /// Marks `job_id` a conference: every non-supervisor leg `CONFERENCE`, no leg on hold.
    fn make_conference(&mut self, job_id: &str) {
        let Some(call) = self.calls.get_mut(job_id) else {
            return;
        };
        call.conference = true;
        let ts = now_ms();
        // No leg stays on hold: every agent's hold ends here.
        for p in call.participants.iter_mut() {
            p.end_hold(ts);
        }
        for c in call.channels.iter_mut() {
            if !c.call_type.is_supervision() && c.call_type != CallType::Conference {
                c.call_type = CallType::Conference;
                c.timestamp = ts;
            }
            remove_flag(&mut c.channel_flags, FLAG_HOLD);
        }
    }

    /// Agent `user_id` leaves conference `job_id` (hung up by `initiator`); the others go on.
    pub(crate) fn leave_conference(
        &mut self,
        user_id: &str,
        job_id: &str,
        initiator: &str,
        ring_end: RingEnd,
    ) {
        self.leave_call(user_id, job_id, initiator, ring_end);
        self.settle_conference(job_id, initiator);
    }

    /// The party without an agent on leg `channel_id` leaves conference `job_id`.
    pub(crate) fn drop_conference_party(
        &mut self,
        job_id: &str,
        channel_id: &str,
        initiator: &str,
    ) {
        if let Some(call) = self.calls.get_mut(job_id) {
            call.remove_leg(channel_id);
        }
        self.settle_conference(job_id, initiator);
    }

    /// After a party left: ends the conference when fewer than two legs or no agent remain; otherwise, once every
    /// remaining leg is connected, everyone is TALKING.
    fn settle_conference(&mut self, job_id: &str, initiator: &str) {
        let Some(call) = self.calls.get(job_id) else {
            return;
        };
        if call.channels.len() < 2 || call.agents().is_empty() {
            self.end_call(job_id, initiator, "200 - Okay", RingEnd::Abandoned);
            return;
        }
        self.connect(job_id, |_| false);
        self.touch_call(job_id);
    }

    /// An invited number reacts (timer): connects, or drops out (busy, no answer).
    pub(crate) fn conference_party(&mut self, job_id: &str, channel_id: &str, answer: Answer) {
        let Some(call) = self.calls.get(job_id) else {
            return;
        };
        let Some(leg) = call
            .channels
            .iter()
            .find(|c| c.channel_id == channel_id && c.channel_state == ChannelState::Ringing)
        else {
            return;
        };
        let number = leg.destination.clone();
        match answer {
            Answer::Auto => {
                self.connect(job_id, |c| c.channel_id == channel_id);
                self.touch_call(job_id);
            }
            Answer::Busy | Answer::NoAnswer => {
                self.drop_conference_party(job_id, channel_id, &number)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::data::{EmulatorConfig, NumberBehaviour};

    const A1: &str = "agent1@ccc-demo";
    const A2: &str = "agent2@ccc-demo";
    const A3: &str = "agent3@ccc-demo";

    fn ready() -> Emulator {
        let mut emu = Emulator::new(EmulatorConfig::default());
        for a in [A1, A2, A3] {
            emu.sign_in(a, "d", vec![]).unwrap();
            emu.ready(a, false).unwrap();
        }
        emu
    }

    fn state(emu: &Emulator, user: &str) -> String {
        emu.user_context(user).unwrap().user_state.to_string()
    }

    #[test]
    fn from_ready_the_organiser_dials_until_everyone_answered() {
        let mut emu = ready();
        emu.set_number(
            "13900000000".into(),
            NumberBehaviour {
                answer: Answer::Auto,
                delay_ms: Some(5),
            },
        );
        let job = emu
            .start_conference(A1, None, &["8002".into(), "13900000000".into()], None)
            .unwrap();
        assert_eq!(
            (state(&emu, A1), state(&emu, A2)),
            ("DIALING".into(), "RINGING".into())
        );
        let c = emu.snapshot(A1).unwrap().call_context.unwrap();
        assert_eq!(c.call_type, CallType::Conference);
        assert_eq!(c.channel_contexts.len(), 3);
        let timers = emu.take_timers();
        let party = timers
            .iter()
            .find(|t| matches!(t, Timer::ConferenceParty { .. }))
            .unwrap();
        emu.fire(party);
        assert_eq!(
            (state(&emu, A1), state(&emu, A2)),
            ("TALKING".into(), "RINGING".into()),
            "the number is connected, agent 2 still rings"
        );
        emu.answer(A2, &job).unwrap();
        assert_eq!(
            (state(&emu, A1), state(&emu, A2)),
            ("TALKING".into(), "TALKING".into())
        );
        // Agent 2 leaves: agent 1 and the number go on.
        emu.release(A2, &job, None).unwrap();
        assert_eq!(
            (state(&emu, A1), state(&emu, A2)),
            ("TALKING".into(), "WORKING".into())
        );
        let c = emu.snapshot(A1).unwrap().call_context.unwrap();
        assert_eq!(
            (c.call_type, c.channel_contexts.len()),
            (CallType::Conference, 2)
        );
        // The number hangs up: agent 1 is alone, the conference ends.
        assert!(emu.far_end_hangup(&job, Some("13900000000")));
        assert_eq!(state(&emu, A1), "WORKING");
        assert_eq!(emu.calls().count(), 0);
    }

    #[test]
    fn invitations_are_checked() {
        let mut emu = ready();
        let err = |emu: &mut Emulator, list: &[&str]| {
            let list: Vec<String> = list.iter().map(|s| s.to_string()).collect();
            emu.start_conference(A1, None, &list, None).unwrap_err()
        };
        assert_eq!(err(&mut emu, &[]).code, "Parameter.Invalid");
        assert_eq!(
            err(&mut emu, &["8001"]).params[1],
            "An agent cannot invite itself"
        );
        assert_eq!(
            err(&mut emu, &["8002", A2]).params[1],
            format!("{A2} is named twice")
        );
        assert_eq!(err(&mut emu, &["x y"]).code, "Parameter.Invalid");
        emu.take_break(A3, "Rest").unwrap();
        assert_eq!(err(&mut emu, &["8003"]).code, "UserBusy");
        assert_eq!(emu.calls().count(), 0, "nothing was created");
    }
}
