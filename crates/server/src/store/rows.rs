//! Records and state spans as rows: the columns a query selects, a call record read back with its
//! `call_participants`, an agent's state span, and the names the enumerations are stored under.

use ccc_wire::context::CallType;
use ccc_wire::UserState;
use rusqlite::{Connection, Row};

use crate::emulator::history::{CallRecord, HandedOver, Joined, Participant, StateSpan};

/// The `call_records` columns [`record_row`] reads (aliased `r`).
pub(super) const RECORD_COLUMNS: &str =
    "r.id, r.job_id, r.call_type, r.caller, r.callee, r.skill_group, r.start_ms, r.end_ms, r.answered_ms, r.surveys";

/// A record without its participants, and its row id.
pub(super) fn record_row(r: &Row<'_>) -> rusqlite::Result<(i64, CallRecord)> {
    let surveys: String = r.get(9)?;
    Ok((
        r.get(0)?,
        CallRecord {
            job_id: r.get(1)?,
            call_type: CallType::from(r.get::<_, String>(2)?),
            caller: r.get(3)?,
            callee: r.get(4)?,
            skill_group: r.get(5)?,
            start_ms: r.get(6)?,
            end_ms: r.get(7)?,
            answered_ms: r.get(8)?,
            participants: Vec::new(),
            surveys: serde_json::from_str(&surveys).unwrap_or_default(),
        },
    ))
}

/// The `agent_states` columns [`span_row`] reads.
pub(super) const SPAN_COLUMNS: &str =
    "state, break_code, work_mode, outbound_scenario, job_id, start_ms, end_ms";

/// An ended state span.
pub(super) fn span_row(r: &Row<'_>) -> rusqlite::Result<StateSpan> {
    Ok(StateSpan {
        state: UserState::from(r.get::<_, String>(0)?),
        break_code: r.get(1)?,
        work_mode: r.get(2)?,
        outbound_scenario: r.get(3)?,
        job_id: r.get(4)?,
        start_ms: r.get(5)?,
        end_ms: Some(r.get(6)?),
    })
}

/// The records of `rows` with their participants, in order.
pub(super) fn with_participants(
    conn: &Connection,
    rows: impl Iterator<Item = rusqlite::Result<(i64, CallRecord)>>,
) -> rusqlite::Result<Vec<CallRecord>> {
    let mut q = conn.prepare_cached(
        "SELECT user_id, joined, talked, talk_ms, holds, hold_ms, max_hold_ms, handed_over, attended_in
         FROM call_participants WHERE record_id = ?1 ORDER BY seq",
    )?;
    let mut out = Vec::new();
    for row in rows {
        let (id, mut record) = row?;
        let people = q.query_map([id], |r| {
            let joined: String = r.get(1)?;
            let handed_over: Option<String> = r.get(7)?;
            let mut p = Participant::new(&r.get::<_, String>(0)?, joined_of(&joined));
            p.talked = r.get(2)?;
            p.talk_ms = r.get(3)?;
            p.holds = r.get(4)?;
            p.hold_ms = r.get(5)?;
            p.max_hold_ms = r.get(6)?;
            p.handed_over = handed_over.as_deref().and_then(handed_over_of);
            p.attended_in = r.get(8)?;
            p.left = true;
            Ok(p)
        })?;
        record.participants = people.collect::<rusqlite::Result<_>>()?;
        out.push(record);
    }
    Ok(out)
}

pub(super) fn joined_name(j: Joined) -> &'static str {
    match j {
        Joined::Offered => "offered",
        Joined::Dialled => "dialled",
        Joined::BlindIn => "blind-in",
        Joined::Consulted => "consulted",
        Joined::Supervisor => "supervisor",
        Joined::Conference => "conference",
    }
}

fn joined_of(name: &str) -> Joined {
    match name {
        "dialled" => Joined::Dialled,
        "blind-in" => Joined::BlindIn,
        "consulted" => Joined::Consulted,
        "supervisor" => Joined::Supervisor,
        "conference" => Joined::Conference,
        _ => Joined::Offered,
    }
}

pub(super) fn handed_over_name(h: HandedOver) -> &'static str {
    match h {
        HandedOver::Blind => "blind",
        HandedOver::Attended => "attended",
    }
}

fn handed_over_of(name: &str) -> Option<HandedOver> {
    match name {
        "blind" => Some(HandedOver::Blind),
        "attended" => Some(HandedOver::Attended),
        _ => None,
    }
}
