//! Table-driven scenarios for the agent-state reducer: every status of the contract's table is reached from
//! realistic snapshots, and each transition emits the hooks and effects the contract prescribes.

use agent_state::{AfterCall, AgentState, Effect, Event, HangUpType, Hook, Rules, Source, Status};
use ccc_wire::action::StatusData;
use ccc_wire::context::{CallType, ChannelState};
use ccc_wire::{CallContext, ChannelContext, UserContext, UserState};
use serde_json::json;

const ME: &str = "agent1@ccc-demo";

fn user(state: UserState) -> UserContext {
    // Built from the wire form, so a field the wire adds later (always `#[serde(default)]`) needs no edit here.
    serde_json::from_value(json!({
        "UserId": ME,
        "InstanceId": "ccc-demo",
        "Extension": "8001",
        "DeviceId": "dev",
        "UserState": state,
        "BreakCode": "",
        "WorkMode": "ON_SITE",
        "OutboundScenario": false,
        "SignedSkillGroupIdList": ["sales@ccc-demo"],
        "JobId": "",
        "Heartbeat": 0,
        "Mobile": "",
    }))
    .expect("a UserContext")
}

fn leg(
    user_id: &str,
    call_type: CallType,
    state: ChannelState,
    flags: &str,
    index: u32,
) -> ChannelContext {
    let (originator, destination) = if user_id.is_empty() {
        ("13800000001", "4008000000")
    } else {
        ("8001", "13800000001")
    };
    serde_json::from_value(json!({
        "ChannelId": format!("ch:{index}"),
        "JobId": "job-1",
        "CallType": call_type,
        "ChannelState": state,
        "ChannelFlags": flags,
        "Originator": originator,
        "Destination": destination,
        "UserId": user_id,
        "UserExtension": "",
        "SkillGroupId": "",
        "Index": index,
        "Timestamp": 0,
        "ReleaseInitiator": "",
        "ReleaseReason": "",
    }))
    .expect("a ChannelContext")
}

fn call(call_type: CallType, legs: Vec<ChannelContext>) -> CallContext {
    serde_json::from_value(json!({
        "InstanceId": "ccc-demo",
        "JobId": "job-1",
        "CallType": call_type,
        "CallVariables": "",
        "ChannelContexts": legs,
    }))
    .expect("a CallContext")
}

/// A snapshot: agent state, optional call, context id.
fn snap(state: UserState, call: Option<CallContext>, context_id: u64) -> StatusData {
    let mut u = user(state);
    if let Some(c) = &call {
        u.job_id = c.job_id.clone();
    }
    serde_json::from_value(json!({"UserContext": u, "CallContext": call, "ContextId": context_id}))
        .expect("a StatusData")
}

fn push(data: StatusData) -> Event {
    Event::Snapshot {
        source: Source::Push,
        data,
    }
}

/// Applies events, returning the statuses seen after each event and all effects.
fn run(rules: Rules, events: Vec<Event>) -> (Vec<i32>, Vec<Effect>) {
    let mut state = AgentState::new(rules);
    let mut codes = Vec::new();
    let mut effects = Vec::new();
    for e in events {
        effects.extend(state.apply(e));
        codes.push(state.status().code());
    }
    (codes, effects)
}

fn hooks(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Hook(Hook::StatusChange {
                code, last_code, ..
            }) => Some(format!("status {last_code}->{code}")),
            Effect::Hook(Hook::HangUp(t)) => Some(format!("hangUp {}", t.as_str())),
            Effect::Hook(h) => Some(
                format!("{h:?}")
                    .split(['(', ' ', '{'])
                    .next()
                    .unwrap()
                    .to_owned(),
            ),
            _ => None,
        })
        .collect()
}

fn inbound(state: ChannelState, flags: &str) -> Option<CallContext> {
    Some(call(
        CallType::Inbound,
        vec![
            leg("", CallType::Inbound, ChannelState::Answered, "", 0),
            leg(ME, CallType::Inbound, state, flags, 1),
        ],
    ))
}

fn of_type(t: CallType, state: ChannelState) -> Option<CallContext> {
    Some(call(
        t.clone(),
        vec![
            leg("", t.clone(), ChannelState::Answered, "", 0),
            leg(ME, t, state, "", 1),
        ],
    ))
}

/// Each row: a snapshot and the status it must produce, starting from Ready.
#[test]
fn every_backend_derived_status_is_reachable() {
    use ChannelState::{Answered, Created, Ringing as ChRinging};
    use UserState::{Break, Dialing, Offline, Ready, Ringing, Talking, Working};
    let other_consult = |state| {
        Some(call(
            CallType::Inbound,
            vec![
                leg("", CallType::Inbound, Answered, "", 0),
                leg(ME, CallType::Inbound, Answered, "HOLD", 1),
                leg("agent2@ccc-demo", CallType::Consultant, state, "", 2),
            ],
        ))
    };
    let mut call_only = snap(Ready, None, 2);
    call_only.user_context.outbound_scenario = true;
    let rows: Vec<(&str, StatusData, Status)> = vec![
        ("offline", snap(Offline, None, 2), Status::Offline),
        ("break", snap(Break, None, 2), Status::Break),
        ("call-only", call_only, Status::CallOnly),
        ("after-call", snap(Working, None, 2), Status::AfterCall),
        (
            "ringing",
            snap(Ringing, inbound(ChRinging, ""), 2),
            Status::Ringing,
        ),
        (
            "dialing",
            snap(Dialing, of_type(CallType::Outbound, Created), 2),
            Status::Dialing,
        ),
        (
            "inbound talk",
            snap(Talking, inbound(Answered, ""), 2),
            Status::InboundTalk,
        ),
        (
            "outbound talk",
            snap(Talking, of_type(CallType::Outbound, Answered), 2),
            Status::OutboundTalk,
        ),
        (
            "internal talk",
            snap(Talking, of_type(CallType::Internal, Answered), 2),
            Status::InternalTalk,
        ),
        (
            "hold",
            snap(Talking, inbound(Answered, "HOLD"), 2),
            Status::Hold,
        ),
        (
            "consult initiated",
            snap(Talking, other_consult(ChRinging), 2),
            Status::ConsultInitiated,
        ),
        (
            "consulting",
            snap(Talking, other_consult(Answered), 2),
            Status::Consulting,
        ),
        (
            "conference",
            snap(Talking, of_type(CallType::Conference, Answered), 2),
            Status::Conference,
        ),
        (
            "consulted",
            snap(Talking, of_type(CallType::Consultant, Answered), 2),
            Status::Consulted,
        ),
        (
            "monitoring",
            snap(Talking, of_type(CallType::Monitor, Answered), 2),
            Status::Monitoring,
        ),
        (
            "monitor initiated",
            snap(Dialing, of_type(CallType::Monitor, Created), 2),
            Status::MonitorInitiated,
        ),
        (
            "barged in",
            snap(Talking, of_type(CallType::Barge, Answered), 2),
            Status::BargedIn,
        ),
        (
            "coaching",
            snap(Talking, of_type(CallType::Coach, Answered), 2),
            Status::Coaching,
        ),
    ];
    for (name, data, expected) in rows {
        let mut state = AgentState::new(Rules::default());
        state.apply(push(snap(Ready, None, 1)));
        state.apply(push(data));
        assert_eq!(state.status(), expected, "{name}");
    }
}

#[test]
fn registering_and_conference_change_are_reachable() {
    let mut state = AgentState::new(Rules::default());
    assert_eq!(state.status(), Status::Unregistered);
    state.apply(Event::RegisterStarted);
    assert_eq!(state.status(), Status::Registering);

    // Someone joins a running conference: 19 -> 30; the status stays 30 while the membership keeps changing.
    let conference = |extra: usize| {
        let mut legs = vec![
            leg("", CallType::Conference, ChannelState::Answered, "", 0),
            leg(ME, CallType::Conference, ChannelState::Answered, "", 1),
        ];
        for i in 0..extra {
            legs.push(leg(
                "agent2@ccc-demo",
                CallType::Conference,
                ChannelState::Answered,
                "",
                2 + i as u32,
            ));
        }
        Some(call(CallType::Conference, legs))
    };
    let mut state = AgentState::new(Rules::default());
    state.apply(push(snap(UserState::Talking, conference(0), 1)));
    assert_eq!(state.status(), Status::Conference);
    state.apply(push(snap(UserState::Talking, conference(0), 2)));
    assert_eq!(
        state.status(),
        Status::Conference,
        "same members: no change"
    );
    state.apply(push(snap(UserState::Talking, conference(1), 3)));
    assert_eq!(state.status(), Status::ConferenceChanged);
    let effects = state.apply(push(snap(UserState::Working, None, 4)));
    assert!(effects.contains(&Effect::Hook(Hook::HangUp(HangUpType::Meeting))));
}

#[test]
fn register_goes_straight_to_ready_without_the_warm_up_break() {
    let (codes, effects) = run(
        Rules::default(),
        vec![
            Event::RegisterStarted,
            push(snap(UserState::Break, None, 1)), // SignInGroup's Warm-up break, held back
            Event::Snapshot {
                source: Source::Poll { sent_at: 1 },
                data: snap(UserState::Break, None, 1),
            },
            Event::OperationDone {
                data: Some(snap(UserState::Ready, None, 2)),
            },
        ],
    );
    assert_eq!(codes, vec![0, 0, 0, 3]);
    assert_eq!(
        hooks(&effects),
        vec!["status -1->0", "status 0->3", "LogIn", "Ready"]
    );
}

#[test]
fn failed_register_falls_back_to_unregistered() {
    let (codes, _) = run(
        Rules::default(),
        vec![Event::RegisterStarted, Event::OperationDone { data: None }],
    );
    assert_eq!(codes, vec![0, -1]);
}

#[test]
fn register_keeping_break_ends_in_break() {
    let (codes, effects) = run(
        Rules::default(),
        vec![
            Event::RegisterStarted,
            Event::OperationDone {
                data: Some(snap(UserState::Break, None, 1)),
            },
        ],
    );
    assert_eq!(codes, vec![0, 2]);
    assert_eq!(
        hooks(&effects),
        vec!["status -1->0", "status 0->2", "LogIn", "Break"]
    );
}

#[test]
fn inbound_call_answered_and_released() {
    use ChannelState::{Answered, Released, Ringing};
    let (codes, effects) = run(
        Rules::default(),
        vec![
            push(snap(UserState::Ready, None, 1)),
            push(snap(UserState::Ringing, inbound(Ringing, ""), 2)),
            push(snap(UserState::Talking, inbound(Answered, ""), 3)),
            push(snap(UserState::Working, inbound(Released, ""), 4)),
        ],
    );
    assert_eq!(codes, vec![3, 6, 9, 5]);
    assert_eq!(
        hooks(&effects),
        vec![
            "status -1->3",
            "LogIn",
            "Ready",
            "status 3->6",
            "CallComing",
            "status 6->9",
            "CallEstablish",
            "hangUp inbound",
            "CallRelease",
            "status 9->5",
        ]
    );
    assert!(effects.contains(&Effect::StartAfterCallTimer {
        timer: 1,
        seconds: 15
    }));
    let coming = effects.iter().find_map(|e| match e {
        Effect::Hook(Hook::CallComing(d)) => Some(d.clone()),
        _ => None,
    });
    let coming = coming.unwrap();
    assert_eq!(
        (coming.caller.as_str(), coming.callee.as_str()),
        ("13800000001", "4008000000")
    );
    assert_eq!(
        (coming.call_type.as_str(), coming.job_id.as_str()),
        ("INBOUND", "job-1")
    );
    assert_eq!(
        coming.call_context["jobId"], "job-1",
        "hook payloads are lowerCamel"
    );
}

#[test]
fn after_call_timer_makes_the_agent_ready_once() {
    let mut state = AgentState::new(Rules::default());
    state.apply(push(snap(
        UserState::Talking,
        inbound(ChannelState::Answered, ""),
        1,
    )));
    let effects = state.apply(push(snap(UserState::Working, None, 2)));
    assert!(effects.contains(&Effect::StartAfterCallTimer {
        timer: 1,
        seconds: 15
    }));
    assert_eq!(
        state.apply(Event::AfterCallTimerFired { timer: 7 }),
        vec![],
        "unknown timer"
    );
    assert_eq!(
        state.apply(Event::AfterCallTimerFired { timer: 1 }),
        vec![Effect::BecomeReady]
    );
    assert_eq!(
        state.apply(Event::AfterCallTimerFired { timer: 1 }),
        vec![],
        "fires once"
    );
}

#[test]
fn stay_after_call_and_manual_rule_keep_after_call_work() {
    let mut state = AgentState::new(Rules::default());
    state.apply(push(snap(
        UserState::Talking,
        inbound(ChannelState::Answered, ""),
        1,
    )));
    state.apply(push(snap(UserState::Working, None, 2)));
    state.apply(Event::StayAfterCall);
    assert_eq!(state.apply(Event::AfterCallTimerFired { timer: 1 }), vec![]);

    let manual = Rules {
        after_call: AfterCall::Manual,
        ..Rules::default()
    };
    let (_, effects) = run(
        manual,
        vec![
            push(snap(
                UserState::Talking,
                inbound(ChannelState::Answered, ""),
                1,
            )),
            push(snap(UserState::Working, None, 2)),
        ],
    );
    assert!(!effects
        .iter()
        .any(|e| matches!(e, Effect::StartAfterCallTimer { .. } | Effect::BecomeReady)));
}

#[test]
fn leaving_after_call_disarms_the_timer() {
    let mut state = AgentState::new(Rules::default());
    state.apply(push(snap(
        UserState::Talking,
        inbound(ChannelState::Answered, ""),
        1,
    )));
    state.apply(push(snap(UserState::Working, None, 2)));
    state.apply(push(snap(UserState::Ready, None, 3)));
    assert!(!state.after_call_countdown());
    assert_eq!(state.apply(Event::AfterCallTimerFired { timer: 1 }), vec![]);
}

#[test]
fn outbound_answered_then_hung_up() {
    use ChannelState::{Answered, Created};
    let (codes, effects) = run(
        Rules::default(),
        vec![
            push(snap(UserState::Ready, None, 1)),
            push(snap(
                UserState::Dialing,
                of_type(CallType::Outbound, Created),
                2,
            )),
            push(snap(
                UserState::Talking,
                of_type(CallType::Outbound, Answered),
                3,
            )),
            push(snap(UserState::Working, None, 4)),
        ],
    );
    assert_eq!(codes, vec![3, 8, 10, 5]);
    let h = hooks(&effects);
    assert!(h.contains(&"CallDialing".to_owned()));
    assert!(h.contains(&"hangUp outbound".to_owned()));
}

#[test]
fn unanswered_outbound_becomes_ready_at_once_unless_configured() {
    let events = || {
        vec![
            push(snap(
                UserState::Dialing,
                of_type(CallType::Outbound, ChannelState::Created),
                1,
            )),
            push(snap(UserState::Working, None, 2)),
        ]
    };
    let (_, effects) = run(Rules::default(), events());
    assert!(hooks(&effects).contains(&"hangUp dialing".to_owned()));
    assert_eq!(effects.last(), Some(&Effect::BecomeReady));

    let keep = Rules {
        unanswered_outbound_after_call: true,
        ..Rules::default()
    };
    let (_, effects) = run(keep, events());
    assert!(matches!(
        effects.last(),
        Some(Effect::StartAfterCallTimer { seconds: 15, .. })
    ));
}

#[test]
fn ringing_timeout_reports_ringing_hang_up_then_break() {
    let (codes, effects) = run(
        Rules::default(),
        vec![
            push(snap(
                UserState::Ringing,
                inbound(ChannelState::Ringing, ""),
                1,
            )),
            push(snap(UserState::Break, None, 2)),
        ],
    );
    assert_eq!(codes, vec![6, 2]);
    let h = hooks(&effects);
    let tail: Vec<_> = h
        .iter()
        .skip_while(|s| *s != "hangUp ringing")
        .cloned()
        .collect();
    assert_eq!(
        tail,
        vec!["hangUp ringing", "CallRelease", "status 6->2", "Break"]
    );
}

#[test]
fn auto_answer_is_requested_when_configured() {
    let rules = Rules {
        auto_answer: Some(8),
        ..Rules::default()
    };
    let (_, effects) = run(
        rules,
        vec![push(snap(
            UserState::Ringing,
            inbound(ChannelState::Ringing, ""),
            1,
        ))],
    );
    assert!(effects.contains(&Effect::AutoAnswer {
        job_id: "job-1".into(),
        seconds: 8
    }));
    let (_, effects) = run(
        Rules {
            auto_answer: Some(0),
            ..Rules::default()
        },
        vec![push(snap(
            UserState::Ringing,
            inbound(ChannelState::Ringing, ""),
            1,
        ))],
    );
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::AutoAnswer { .. })),
        "0 means manual"
    );
}

#[test]
fn stale_polls_never_roll_back() {
    let mut state = AgentState::new(Rules::default());
    state.apply(push(snap(UserState::Ready, None, 5)));
    let sent_at = state.epoch();
    // A push arrives while the poll is in flight: the poll answer is stale even with a newer-looking id.
    state.apply(push(snap(
        UserState::Ringing,
        inbound(ChannelState::Ringing, ""),
        6,
    )));
    state.apply(Event::Snapshot {
        source: Source::Poll { sent_at },
        data: snap(UserState::Ready, None, 6),
    });
    assert_eq!(state.status(), Status::Ringing);
    // A poll sent after the push, but answered with an older ContextId, is ignored too.
    let sent_at = state.epoch();
    state.apply(Event::Snapshot {
        source: Source::Poll { sent_at },
        data: snap(UserState::Ready, None, 4),
    });
    assert_eq!(state.status(), Status::Ringing);
    // A current poll applies.
    state.apply(Event::Snapshot {
        source: Source::Poll { sent_at },
        data: snap(UserState::Break, None, 7),
    });
    assert_eq!(state.status(), Status::Break);
}

#[test]
fn out_of_order_pushes_are_ignored() {
    let mut state = AgentState::new(Rules::default());
    state.apply(push(snap(UserState::Break, None, 9)));
    state.apply(push(snap(UserState::Ready, None, 8)));
    assert_eq!(state.status(), Status::Break);
}

#[test]
fn unknown_user_state_keeps_the_status() {
    let mut state = AgentState::new(Rules::default());
    state.apply(push(snap(UserState::Ready, None, 1)));
    let effects = state.apply(push(snap(UserState::Other("SLEEPING".into()), None, 2)));
    assert_eq!(state.status(), Status::Ready);
    assert!(effects.is_empty());
}

#[test]
fn hang_up_types_follow_the_status_before() {
    use ChannelState::{Answered, Created};
    let cases: Vec<(Option<CallContext>, UserState, HangUpType)> = vec![
        (
            of_type(CallType::Conference, Answered),
            UserState::Talking,
            HangUpType::Meeting,
        ),
        (
            of_type(CallType::Consultant, Answered),
            UserState::Talking,
            HangUpType::Consulted,
        ),
        (
            of_type(CallType::Monitor, Answered),
            UserState::Talking,
            HangUpType::Monitored,
        ),
        (
            of_type(CallType::Monitor, Created),
            UserState::Dialing,
            HangUpType::Monitoring,
        ),
        (
            of_type(CallType::Barge, Answered),
            UserState::Talking,
            HangUpType::BargedIn,
        ),
        (
            of_type(CallType::Coach, Answered),
            UserState::Talking,
            HangUpType::Coached,
        ),
        (
            inbound(Answered, "HOLD"),
            UserState::Talking,
            HangUpType::Inbound,
        ),
    ];
    for (c, us, expected) in cases {
        let (_, effects) = run(
            Rules::default(),
            vec![
                push(snap(us, c, 1)),
                push(snap(UserState::Working, None, 2)),
            ],
        );
        assert!(
            effects.contains(&Effect::Hook(Hook::HangUp(expected))),
            "{expected:?}: {:?}",
            hooks(&effects)
        );
    }
}

#[test]
fn internal_call_direction_names_the_hang_up() {
    use ChannelState::Answered;
    // I placed it: my leg has the lower index.
    let placed = call(
        CallType::Internal,
        vec![
            leg(ME, CallType::Internal, Answered, "", 0),
            leg("agent2@ccc-demo", CallType::Internal, Answered, "", 1),
        ],
    );
    let received = call(
        CallType::Internal,
        vec![
            leg("agent2@ccc-demo", CallType::Internal, Answered, "", 0),
            leg(ME, CallType::Internal, Answered, "", 1),
        ],
    );
    for (c, expected) in [
        (placed, HangUpType::Outbound),
        (received, HangUpType::Inbound),
    ] {
        let (_, effects) = run(
            Rules::default(),
            vec![
                push(snap(UserState::Talking, Some(c), 1)),
                push(snap(UserState::Working, None, 2)),
            ],
        );
        assert!(effects.contains(&Effect::Hook(Hook::HangUp(expected))));
    }
}

#[test]
fn log_out_and_log_in_hooks() {
    let (codes, effects) = run(
        Rules::default(),
        vec![
            push(snap(UserState::Ready, None, 1)),
            push(snap(UserState::Offline, None, 2)),
            Event::OperationStarted,
            push(snap(UserState::Break, None, 3)),
            Event::OperationDone {
                data: Some(snap(UserState::Ready, None, 4)),
            },
        ],
    );
    assert_eq!(codes, vec![3, 1, 1, 1, 3]);
    assert_eq!(
        hooks(&effects)[3..],
        ["status 3->1", "LogOut", "status 1->3", "LogIn", "Ready"]
    );
}

#[test]
fn status_change_carries_camel_context() {
    let (_, effects) = run(
        Rules::default(),
        vec![push(snap(UserState::Ready, None, 1))],
    );
    let Some(Effect::Hook(Hook::StatusChange { context, .. })) = effects.first() else {
        panic!()
    };
    assert_eq!(context["userContext"]["userState"], "READY");
    assert_eq!(context["userContext"]["userId"], ME);
}

#[test]
fn another_device_leaves_this_panel_signed_out_and_a_stale_snapshot_does_not_undo_it() {
    // register() finds another device (7001): 0 → 1, the held-back Warm-up snapshot is dropped.
    let (codes, effects) = run(
        Rules::default(),
        vec![
            Event::RegisterStarted,
            push(snap(UserState::Break, None, 1)),
            Event::DeviceConflict,
        ],
    );
    assert_eq!(codes, [0, 0, 1]);
    assert_eq!(
        hooks(&effects),
        ["status -1->0", "status 0->1"],
        "never signed in: no onLogOut"
    );

    // A Kicked push while ready: 3 → 1; a poll answer sent before it is stale.
    let mut state = AgentState::new(Rules::default());
    state.apply(push(snap(UserState::Ready, None, 5)));
    let sent_at = state.epoch();
    let effects = state.apply(Event::DeviceConflict);
    assert_eq!(state.status(), Status::Offline);
    assert_eq!(hooks(&effects), ["status 3->1", "LogOut"]);
    state.apply(Event::Snapshot {
        source: Source::Poll { sent_at },
        data: snap(UserState::Ready, None, 6),
    });
    assert_eq!(
        state.status(),
        Status::Offline,
        "a poll sent before the conflict does not roll it back"
    );
}

/// A snapshot as the official models describe the flat and the heartbeat-only answers: no `ContextId`, only
/// `UserContext.Heartbeat` (epoch ms).
fn beat(state: UserState, heartbeat: i64) -> StatusData {
    let mut data = snap(state, None, 0);
    data.user_context.heartbeat = heartbeat;
    data
}

#[test]
fn without_context_ids_snapshots_are_ordered_by_heartbeat() {
    let mut state = AgentState::new(Rules::default());
    state.apply(push(beat(UserState::Break, 2_000)));
    state.apply(push(beat(UserState::Ready, 1_000)));
    assert_eq!(state.status(), Status::Break, "an older heartbeat is stale");
    let sent_at = state.epoch();
    state.apply(Event::Snapshot {
        source: Source::Poll { sent_at },
        data: beat(UserState::Ready, 1_500),
    });
    assert_eq!(
        state.status(),
        Status::Break,
        "a poll with an older heartbeat too"
    );
    state.apply(Event::Snapshot {
        source: Source::Poll { sent_at },
        data: beat(UserState::Ready, 2_000),
    });
    assert_eq!(
        state.status(),
        Status::Ready,
        "the same heartbeat is not older"
    );
}

#[test]
fn answers_without_any_ordering_key_apply_in_request_order() {
    // The flat answers (SignInGroup, ReadyForService, TakeBreak, …) carry neither ContextId nor Heartbeat.
    let mut state = AgentState::new(Rules::default());
    state.apply(push(snap(UserState::Ready, None, 40)));
    let poll_sent = state.epoch();
    state.apply(Event::OperationStarted);
    // TakeBreak's answer: applied, although it has no ContextId to compare with 40.
    state.apply(Event::OperationDone {
        data: Some(beat(UserState::Break, 0)),
    });
    assert_eq!(state.status(), Status::Break);
    // The poll sent before the operation answers late, with an older snapshot: ignored by request order.
    state.apply(Event::Snapshot {
        source: Source::Poll { sent_at: poll_sent },
        data: snap(UserState::Ready, None, 41),
    });
    assert_eq!(state.status(), Status::Break);
    // A poll sent after it applies.
    let sent_at = state.epoch();
    state.apply(Event::Snapshot {
        source: Source::Poll { sent_at },
        data: snap(UserState::Ready, None, 42),
    });
    assert_eq!(state.status(), Status::Ready);
}
