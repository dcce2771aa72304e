//! Which status a backend snapshot means for this agent.
//!
//! CCC reports one `UserState` per agent; hold, consultation, supervision and conferences are read from the
//! call's channels (`CallType`, `ChannelState`, `ChannelFlags`), as `ccc-api-2020-07-01.md` §3.1 describes.

use ccc_wire::action::StatusData;
use ccc_wire::context::{CallType, ChannelState};
use ccc_wire::{CallContext, UserState};

use crate::status::Status;

/// The status `data` puts agent `user_id` in, or `None` for a `UserState` this version does not know
/// (the caller keeps the previous status: the core never fails on new backend values).
pub fn status_of(user_id: &str, data: &StatusData) -> Option<Status> {
    let user = &data.user_context;
    let call = data.call_context.as_ref().filter(|c| !c.job_id.is_empty());
    Some(match &user.user_state {
        UserState::Offline => Status::Offline,
        UserState::Break => Status::Break,
        UserState::Ready if user.outbound_scenario => Status::CallOnly,
        UserState::Ready => Status::Ready,
        UserState::Working => Status::AfterCall,
        UserState::Ringing => Status::Ringing,
        UserState::Dialing => match call.map(|c| &c.call_type) {
            Some(CallType::Monitor) => Status::MonitorInitiated,
            _ => Status::Dialing,
        },
        UserState::Talking => call.map_or(Status::InboundTalk, |c| talking_status(user_id, c)),
        UserState::Other(_) => return None,
    })
}

fn talking_status(user_id: &str, call: &CallContext) -> Status {
    let mine = call.channel_of(user_id);
    let my_type = mine.map_or(&call.call_type, |c| &c.call_type);
    if *my_type == CallType::Consultant {
        return Status::Consulted;
    }
    let consult_leg = call
        .channel_contexts
        .iter()
        .find(|c| c.user_id != user_id && c.call_type == CallType::Consultant);
    if let Some(leg) = consult_leg.filter(|l| l.channel_state != ChannelState::Released) {
        return if leg.channel_state == ChannelState::Answered {
            Status::Consulting
        } else {
            Status::ConsultInitiated
        };
    }
    if mine.is_some_and(|c| c.channel_flags.split(',').any(|f| f.trim() == "HOLD")) {
        return Status::Hold;
    }
    match &call.call_type {
        CallType::Outbound => Status::OutboundTalk,
        CallType::Internal => Status::InternalTalk,
        CallType::Monitor => Status::Monitoring,
        CallType::Barge => Status::BargedIn,
        CallType::Coach => Status::Coaching,
        CallType::Conference => Status::Conference,
        _ => Status::InboundTalk,
    }
}
