//! ListHistoricalAgentReport: one agent's figures over a period, computed from what the emulator recorded —
//! the records of the calls that started in the period (talk and hold times, transfers, surveys) and the
//! agent's timeline of states (ringing, dialling and after-call work of those calls; ready, break and
//! signed-in time, clipped to the period).
//!
//! Times are whole seconds, instants epoch ms (0: none in the period). Averages and rates over nothing are 0,
//! as CCC's own answers show them. What the emulator has none of is counted as none: it has voice calls only
//! (no chat messages, no back-to-back calls), and its simulated customer never answers a satisfaction survey
//! (surveys are offered, none is responded to).

use std::collections::HashMap;

use ccc_wire::records::{
    AgentReport, Back2BackReport, BreakCodeDetail, ListHistoricalAgentReportRequest,
};
use ccc_wire::{ApiError, UserState};

use super::filters::{in_group, start_of_today, string_list};
use crate::emulator::history::{CallRecord, HandedOver, Joined, Participant, StateSpan};
use crate::emulator::state::Agent;
use crate::emulator::Emulator;
use crate::hub::Hub;
use crate::ids::now_ms;

/// An offered call answered within this many ms of ringing counts for `ServiceLevel15`.
const SERVICE_LEVEL_MS: i64 = 15_000;

/// The report of every agent the request names (the caller when it names none), from the record store
/// (every call of the period, and the agent's state timeline) and the agent's running state.
pub(super) fn report(
    hub: &Hub,
    user: &str,
    req: &ListHistoricalAgentReportRequest,
) -> Result<Vec<AgentReport>, ApiError> {
    let now = now_ms();
    let from = req.start_time.unwrap_or_else(|| start_of_today(now));
    let to = req.stop_time.unwrap_or(now);
    let named = string_list("AgentIdList", req.agent_id_list.as_deref())?
        .unwrap_or_else(|| vec![user.to_owned()]);
    let ids = hub.read(|emu| -> Result<Vec<String>, ApiError> {
        let mut ids = Vec::new();
        for id in named {
            let a = emu.agent(&id)?;
            if in_group(emu, a, req.skill_group_id.as_deref()) {
                ids.push(id);
            }
        }
        Ok(ids)
    })?;
    let period = Period { from, to, now };
    hub.read_with_records(
        |store| -> Result<Vec<Kept>, ApiError> {
            ids.iter()
                .map(|id| {
                    Ok((
                        store.records_of(id, from, to)?,
                        store.spans_of(id, from, to)?,
                    ))
                })
                .collect()
        },
        |emu, found| {
            ids.iter()
                .zip(found?)
                .map(|(id, (records, mut spans))| {
                    let a = emu.agent(id)?;
                    spans.extend(a.timeline.current().cloned());
                    let records: Vec<&CallRecord> = records.iter().collect();
                    Ok(agent_report(emu, a, &spans, &records, period))
                })
                .collect()
        },
    )
}

/// What the record store has of one agent: its call records and its ended state spans.
type Kept = (Vec<CallRecord>, Vec<StateSpan>);

/// The period of a report, and the time it is made (running spans last until then).
#[derive(Debug, Clone, Copy)]
struct Period {
    from: i64,
    to: i64,
    now: i64,
}

/// Seconds, rounded.
fn secs(ms: i64) -> u64 {
    (ms.max(0) as u64 + 500) / 1000
}

/// `a / b` to four decimals; 0 when `b` is 0.
fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        (a as f64 / b as f64 * 10_000.0).round() / 10_000.0
    }
}

/// A sum, a count and a maximum of durations (ms).
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    total_ms: i64,
    count: u64,
    max_ms: i64,
}

impl Tally {
    fn add(&mut self, ms: i64) {
        self.total_ms += ms;
        self.count += 1;
        self.max_ms = self.max_ms.max(ms);
    }

    fn total(&self) -> u64 {
        secs(self.total_ms)
    }

    fn max(&self) -> u64 {
        secs(self.max_ms)
    }

    /// Seconds per item counted.
    fn average(&self) -> f64 {
        ratio(self.total(), self.count)
    }
}

/// The agent's ringing, dialling and after-call work for one call (ms), from its timeline.
#[derive(Debug, Clone, Copy, Default)]
struct CallStates {
    rang: bool,
    ring_ms: i64,
    dial_ms: i64,
    work_ms: i64,
}

/// The agent's states per job.
fn states_by_job(spans: &[StateSpan], now: i64) -> HashMap<&str, CallStates> {
    let mut by_job: HashMap<&str, CallStates> = HashMap::new();
    for span in spans.iter().filter(|s| !s.job_id.is_empty()) {
        let c = by_job.entry(span.job_id.as_str()).or_default();
        match span.state {
            UserState::Ringing => {
                c.rang = true;
                c.ring_ms += span.ms(now);
            }
            UserState::Dialing => c.dial_ms += span.ms(now),
            UserState::Working => c.work_ms += span.ms(now),
            _ => {}
        }
    }
    by_job
}

/// The participant's holds into `tally`.
fn add_holds(tally: &mut Tally, p: &Participant) {
    if p.holds == 0 {
        return;
    }
    tally.total_ms += p.hold_ms;
    tally.count += u64::from(p.holds);
    tally.max_ms = tally.max_ms.max(p.max_hold_ms);
}

/// Agent `a`'s report from its state spans (`spans`, oldest first, the running one last) and the records of
/// its calls that started in the period.
fn agent_report(
    emu: &Emulator,
    a: &Agent,
    spans: &[StateSpan],
    records: &[&CallRecord],
    period: Period,
) -> AgentReport {
    let groups: Vec<_> = emu.groups_of(&a.user_id).collect();
    let mut r = AgentReport {
        agent_id: a.user_id.clone(),
        agent_name: a.display_name.clone(),
        display_id: a.extension.clone(),
        skill_group_ids: groups
            .iter()
            .map(|g| g.id.as_str())
            .collect::<Vec<_>>()
            .join(","),
        skill_group_names: groups
            .iter()
            .map(|g| g.name.as_str())
            .collect::<Vec<_>>()
            .join(","),
        back2_back: Back2BackReport::none(),
        ..Default::default()
    };
    r.inbound.total_messages_sent_by_customer = "0".into();
    let states = states_by_job(spans, period.now);
    let (mut talked, mut in_talked, mut out_talked) = (0u64, 0u64, 0u64);
    let (mut in_ring, mut in_hold, mut in_work) =
        (Tally::default(), Tally::default(), Tally::default());
    let (mut out_ring, mut out_hold, mut out_work, mut out_dial) = (
        Tally::default(),
        Tally::default(),
        Tally::default(),
        Tally::default(),
    );
    let (mut all_hold, mut all_work) = (Tally::default(), Tally::default());
    let mut in_within_service_level = 0u64;
    for rec in records {
        let Some(p) = rec.participants.iter().find(|p| p.user_id == a.user_id) else {
            continue;
        };
        let call = states.get(rec.job_id.as_str()).copied().unwrap_or_default();
        let talk = secs(p.talk_ms);
        let surveys = rec.surveys.iter().filter(|u| **u == a.user_id).count() as u64;
        r.overall.total_calls += 1;
        if p.talked {
            talked += 1;
            r.overall.total_talk_time += talk;
            r.overall.max_talk_time = r.overall.max_talk_time.max(talk);
        }
        add_holds(&mut all_hold, p);
        if call.work_ms > 0 {
            all_work.add(call.work_ms);
        }
        r.overall.satisfaction_surveys_offered += surveys;
        let blind_out = p.handed_over == Some(HandedOver::Blind);
        let attended_out = p.handed_over == Some(HandedOver::Attended);
        match rec.contact_type() {
            "Inbound" => {
                let i = &mut r.inbound;
                let offered =
                    matches!(p.joined, Joined::Offered | Joined::BlindIn) || p.attended_in;
                if offered {
                    i.calls_offered += 1;
                    if p.talked {
                        i.calls_handled += 1;
                        in_talked += 1;
                        i.total_talk_time += talk;
                        i.max_talk_time = i.max_talk_time.max(talk);
                        if call.ring_ms <= SERVICE_LEVEL_MS {
                            in_within_service_level += 1;
                        }
                    }
                }
                if call.rang {
                    in_ring.add(call.ring_ms);
                }
                if call.work_ms > 0 {
                    in_work.add(call.work_ms);
                }
                add_holds(&mut in_hold, p);
                i.calls_blind_transfer_in += u64::from(p.joined == Joined::BlindIn);
                i.calls_attended_transfer_in += u64::from(p.attended_in);
                i.calls_blind_transfer_out += u64::from(blind_out);
                i.calls_attended_transfer_out += u64::from(attended_out);
                i.satisfaction_surveys_offered += surveys;
            }
            "Outbound" => {
                let o = &mut r.outbound;
                if p.joined == Joined::Dialled {
                    o.calls_dialed += 1;
                    out_dial.add(call.dial_ms);
                    if rec.answered_ms.is_some() {
                        o.calls_answered += 1;
                    }
                }
                if p.talked && p.joined != Joined::Supervisor {
                    out_talked += 1;
                    o.total_talk_time += talk;
                    o.max_talk_time = o.max_talk_time.max(talk);
                }
                if call.rang {
                    out_ring.add(call.ring_ms);
                }
                if call.work_ms > 0 {
                    out_work.add(call.work_ms);
                }
                add_holds(&mut out_hold, p);
                o.calls_blind_transfer_in += u64::from(p.joined == Joined::BlindIn);
                o.calls_attended_transfer_in += u64::from(p.attended_in);
                o.calls_blind_transfer_out += u64::from(blind_out);
                o.calls_attended_transfer_out += u64::from(attended_out);
                o.satisfaction_surveys_offered += surveys;
            }
            _ => {
                let n = &mut r.internal;
                match p.joined {
                    Joined::Dialled => {
                        n.calls_dialed += 1;
                        n.calls_answered += u64::from(rec.answered_ms.is_some());
                    }
                    Joined::Offered => {
                        n.calls_offered += 1;
                        n.calls_handled += u64::from(p.talked);
                    }
                    _ => {}
                }
                if p.talked {
                    n.calls_talked += 1;
                    n.total_talk_time += talk;
                    n.max_talk_time = n.max_talk_time.max(talk);
                }
            }
        }
    }

    let i = &mut r.inbound;
    i.handle_rate = ratio(i.calls_handled, i.calls_offered);
    i.average_talk_time = ratio(i.total_talk_time, in_talked);
    i.calls_ringed = in_ring.count;
    (i.total_ring_time, i.max_ring_time, i.average_ring_time) =
        (in_ring.total(), in_ring.max(), in_ring.average());
    i.calls_hold = in_hold.count;
    (i.total_hold_time, i.max_hold_time, i.average_hold_time) =
        (in_hold.total(), in_hold.max(), in_hold.average());
    (i.total_work_time, i.max_work_time) = (in_work.total(), in_work.max());
    i.average_work_time = ratio(i.total_work_time, i.calls_handled);
    i.service_level15 = ratio(in_within_service_level, i.calls_offered);

    let o = &mut r.outbound;
    o.answer_rate = ratio(o.calls_answered, o.calls_dialed);
    o.average_talk_time = ratio(o.total_talk_time, out_talked);
    (
        o.total_dialing_time,
        o.max_dialing_time,
        o.average_dialing_time,
    ) = (out_dial.total(), out_dial.max(), out_dial.average());
    o.calls_ringed = out_ring.count;
    (o.total_ring_time, o.max_ring_time, o.average_ring_time) =
        (out_ring.total(), out_ring.max(), out_ring.average());
    o.calls_hold = out_hold.count;
    (o.total_hold_time, o.max_hold_time, o.average_hold_time) =
        (out_hold.total(), out_hold.max(), out_hold.average());
    (o.total_work_time, o.max_work_time) = (out_work.total(), out_work.max());
    o.average_work_time = ratio(o.total_work_time, o.calls_dialed);

    r.internal.average_talk_time = ratio(r.internal.total_talk_time, r.internal.calls_talked);

    let all = &mut r.overall;
    all.average_talk_time = ratio(all.total_talk_time, talked);
    (
        all.total_hold_time,
        all.max_hold_time,
        all.average_hold_time,
    ) = (all_hold.total(), all_hold.max(), all_hold.average());
    (all.total_work_time, all.max_work_time) = (all_work.total(), all_work.max());
    all.average_work_time = ratio(all.total_work_time, all.total_calls);
    overall_states(spans, period, &mut r);
    r
}

/// The overall figures that come from the agent's timeline, clipped to the period. A READY stretch or a
/// break is counted once even when a work-mode change splits it into spans.
fn overall_states(spans: &[StateSpan], period: Period, r: &mut AgentReport) {
    let Period { from, to, now } = period;
    let (mut ready, mut breaks) = (Tally::default(), Tally::default());
    let mut by_code: Vec<(String, Tally)> = Vec::new();
    // ms signed in per work mode, and of that not on break
    let mut logged_in: HashMap<&str, (i64, i64)> = HashMap::new();
    let (mut scenario_logged_in, mut scenario_online, mut scenario_ready) = (0i64, 0i64, 0i64);
    // The READY stretch or break being measured: its state, break code and ms so far.
    let mut stretch: Option<(UserState, String, i64)> = None;
    let mut flush = |stretch: Option<(UserState, String, i64)>| {
        let Some((state, code, ms)) = stretch else {
            return;
        };
        if state == UserState::Ready {
            ready.add(ms);
            return;
        }
        breaks.add(ms);
        match by_code.iter_mut().find(|(c, _)| *c == code) {
            Some((_, t)) => t.add(ms),
            None => {
                let mut t = Tally::default();
                t.add(ms);
                by_code.push((code, t));
            }
        }
    };
    let mut previous: Option<&UserState> = None;
    for span in spans {
        let signed_in = span.state != UserState::Offline;
        let was_signed_in = previous.is_some_and(|p| *p != UserState::Offline);
        previous = Some(&span.state);
        let starts_within = (from..=to).contains(&span.start_ms);
        if starts_within && signed_in && !was_signed_in && r.overall.first_check_in_time == 0 {
            r.overall.first_check_in_time = span.start_ms;
        }
        if starts_within && !signed_in && was_signed_in {
            r.overall.last_check_out_time = span.start_ms;
        }
        let overlaps = span.start_ms <= to && span.end_ms.unwrap_or(now) >= from;
        let measured = overlaps && matches!(span.state, UserState::Ready | UserState::Break);
        let continues = stretch
            .as_ref()
            .is_some_and(|(st, code, _)| measured && *st == span.state && *code == span.break_code);
        if !continues {
            flush(stretch.take());
        }
        let ms = span.ms_within(from, to, now);
        if measured {
            let (_, _, so_far) =
                stretch.get_or_insert_with(|| (span.state.clone(), span.break_code.clone(), 0));
            *so_far += ms;
        }
        if !signed_in || !overlaps {
            continue;
        }
        let on_break = span.state == UserState::Break;
        let mode = logged_in.entry(span.work_mode.as_str()).or_default();
        mode.0 += ms;
        if !on_break {
            mode.1 += ms;
        }
        if span.outbound_scenario {
            scenario_logged_in += ms;
            if !on_break {
                scenario_online += ms;
            }
            if span.state == UserState::Ready {
                scenario_ready += ms;
            }
        }
    }
    flush(stretch.take());
    let all = &mut r.overall;
    (
        all.total_ready_time,
        all.max_ready_time,
        all.average_ready_time,
    ) = (ready.total(), ready.max(), ready.average());
    (
        all.total_break_time,
        all.max_break_time,
        all.average_break_time,
    ) = (breaks.total(), breaks.max(), breaks.average());
    all.break_code_detail_list = by_code
        .into_iter()
        .map(|(break_code, t)| BreakCodeDetail {
            break_code,
            count: t.count,
            duration: t.total(),
        })
        .collect();
    let mode = |m: &str| logged_in.get(m).copied().unwrap_or_default();
    (
        all.total_on_site_logged_in_time,
        all.total_on_site_online_time,
    ) = (secs(mode("ON_SITE").0), secs(mode("ON_SITE").1));
    (
        all.total_off_site_logged_in_time,
        all.total_off_site_online_time,
    ) = (secs(mode("OFF_SITE").0), secs(mode("OFF_SITE").1));
    (
        all.total_office_phone_logged_in_time,
        all.total_office_phone_online_time,
    ) = (secs(mode("OFFICE_PHONE").0), secs(mode("OFFICE_PHONE").1));
    // CCC's TotalLoggedInTime leaves breaks out.
    all.total_logged_in_time = secs(logged_in.values().map(|m| m.1).sum());
    all.total_outbound_scenario_logged_in_time = secs(scenario_logged_in);
    all.total_outbound_scenario_time = secs(scenario_online);
    all.total_outbound_scenario_ready_time = secs(scenario_ready);
    all.occupancy_rate = ratio(
        all.total_work_time + all.total_talk_time,
        all.total_logged_in_time,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::data::EmulatorConfig;
    use crate::emulator::history::{StateSpan, Timeline};
    use ccc_wire::context::CallType;

    const A1: &str = "agent1@ccc-demo";

    /// The spans of a timeline of `(at_ms, state, break code, work mode, job)`, the last one running.
    fn timeline(steps: &[(i64, UserState, &str, &str, &str)]) -> Vec<StateSpan> {
        let mut t = Timeline::default();
        let mut spans = Vec::new();
        for (at, state, code, mode, job) in steps {
            let span = StateSpan {
                state: state.clone(),
                break_code: (*code).into(),
                work_mode: (*mode).into(),
                outbound_scenario: false,
                job_id: (*job).into(),
                start_ms: 0,
                end_ms: None,
            };
            spans.extend(t.enter(span, *at));
        }
        spans.extend(t.current().cloned());
        spans
    }

    fn record(job: &str, call_type: CallType, start_ms: i64, p: Participant) -> CallRecord {
        CallRecord {
            job_id: job.into(),
            call_type,
            caller: "13800000001".into(),
            callee: "4008000000".into(),
            skill_group: "sales@ccc-demo".into(),
            start_ms,
            end_ms: start_ms + 10_000,
            answered_ms: Some(start_ms + 2_000),
            participants: vec![p],
            surveys: Vec::new(),
        }
    }

    #[test]
    fn state_figures_come_from_the_timeline_clipped_to_the_period() {
        use UserState::*;
        let a = timeline(&[
            (0, Offline, "", "ON_SITE", ""),
            (1_000, Break, "Warm-up", "ON_SITE", ""),
            (3_000, Ready, "", "ON_SITE", ""),
            // A work-mode change splits the READY stretch in two spans: still one stretch.
            (5_000, Ready, "", "OFF_SITE", ""),
            (8_000, Break, "Rest", "OFF_SITE", ""),
            (9_000, Offline, "", "OFF_SITE", ""),
        ]);
        let mut r = AgentReport::default();
        let whole = Period {
            from: 0,
            to: 10_000,
            now: 10_000,
        };
        overall_states(&a, whole, &mut r);
        let o = &r.overall;
        assert_eq!(
            (o.first_check_in_time, o.last_check_out_time),
            (1_000, 9_000)
        );
        assert_eq!(
            (o.total_ready_time, o.max_ready_time, o.average_ready_time),
            (5, 5, 5.0)
        );
        assert_eq!(
            (o.total_break_time, o.max_break_time, o.average_break_time),
            (3, 2, 1.5)
        );
        let codes: Vec<_> = o
            .break_code_detail_list
            .iter()
            .map(|d| (d.break_code.as_str(), d.count, d.duration))
            .collect();
        assert_eq!(codes, [("Warm-up", 1, 2), ("Rest", 1, 1)]);
        assert_eq!(
            (o.total_on_site_logged_in_time, o.total_on_site_online_time),
            (4, 2)
        );
        assert_eq!(
            (
                o.total_off_site_logged_in_time,
                o.total_off_site_online_time
            ),
            (4, 3)
        );
        assert_eq!(o.total_logged_in_time, 5, "breaks left out");

        // From 4 s on: the READY stretch is cut, the check-in is before the period.
        let mut r = AgentReport::default();
        overall_states(
            &a,
            Period {
                from: 4_000,
                ..whole
            },
            &mut r,
        );
        let o = &r.overall;
        assert_eq!((o.first_check_in_time, o.last_check_out_time), (0, 9_000));
        assert_eq!((o.total_ready_time, o.total_break_time), (4, 1));
        assert_eq!(o.break_code_detail_list.len(), 1);

        // A running state lasts until now.
        let b = timeline(&[
            (0, Offline, "", "ON_SITE", ""),
            (2_000, Ready, "", "ON_SITE", ""),
        ]);
        let mut r = AgentReport::default();
        overall_states(&b, whole, &mut r);
        assert_eq!(
            (r.overall.total_ready_time, r.overall.last_check_out_time),
            (8, 0)
        );
    }

    #[test]
    fn call_figures_come_from_the_records_and_the_calls_states() {
        use UserState::*;
        let emu = Emulator::new(EmulatorConfig::default());
        let a = timeline(&[
            (0, Ready, "", "ON_SITE", ""),
            (10_000, Ringing, "", "ON_SITE", "in"),
            (12_000, Talking, "", "ON_SITE", "in"),
            (20_000, Working, "", "ON_SITE", "in"),
            (25_000, Ready, "", "ON_SITE", ""),
            (30_000, Dialing, "", "ON_SITE", "out"),
            (33_000, Talking, "", "ON_SITE", "out"),
            (40_000, Working, "", "ON_SITE", "out"),
            (41_000, Ready, "", "ON_SITE", ""),
        ]);
        let mut taken = Participant::new(A1, Joined::Offered);
        taken.start_talk(12_000);
        taken.start_hold(13_000);
        taken.end_hold(15_000);
        taken.start_hold(16_000);
        taken.leave(20_000);
        let mut inbound = record("in", CallType::Inbound, 10_000, taken);
        inbound.surveys.push(A1.into());
        let mut dialled = Participant::new(A1, Joined::Dialled);
        dialled.start_talk(33_000);
        dialled.leave(40_000);
        let outbound = record("out", CallType::Outbound, 30_000, dialled);
        let period = Period {
            from: 0,
            to: 50_000,
            now: 50_000,
        };
        let r = agent_report(
            &emu,
            emu.agent(A1).unwrap(),
            &a,
            &[&inbound, &outbound],
            period,
        );

        let i = &r.inbound;
        assert_eq!(
            (i.calls_offered, i.calls_ringed, i.calls_handled),
            (1, 1, 1)
        );
        assert_eq!((i.total_talk_time, i.total_ring_time), (8, 2));
        assert_eq!(
            (i.calls_hold, i.total_hold_time, i.max_hold_time),
            (2, 6, 4)
        );
        assert_eq!(i.average_hold_time, 3.0);
        assert_eq!((i.total_work_time, i.average_work_time), (5, 5.0));
        assert_eq!(i.service_level15, 1.0);
        assert_eq!(
            (
                i.satisfaction_surveys_offered,
                i.satisfaction_surveys_responded
            ),
            (1, 0)
        );

        let o = &r.outbound;
        assert_eq!((o.calls_dialed, o.calls_answered), (1, 1));
        assert_eq!((o.total_dialing_time, o.average_dialing_time), (3, 3.0));
        assert_eq!(
            (o.total_talk_time, o.total_work_time, o.calls_ringed),
            (7, 1, 0)
        );

        let all = &r.overall;
        assert_eq!((all.total_calls, all.total_talk_time), (2, 15));
        assert_eq!((all.total_hold_time, all.average_hold_time), (6, 3.0));
        assert_eq!(
            (
                all.total_work_time,
                all.max_work_time,
                all.average_work_time
            ),
            (6, 5, 3.0)
        );
        assert_eq!(all.satisfaction_surveys_offered, 1);
        // Signed in (never on break) for the whole 50 s.
        assert_eq!((all.total_logged_in_time, all.occupancy_rate), (50, 0.42));
        assert_eq!(r.back2_back.calls_dialed, "0");
        assert_eq!(r.inbound.total_messages_sent_by_customer, "0");
    }
}
