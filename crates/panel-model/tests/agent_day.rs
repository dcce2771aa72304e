//! An agent's day, row by row: each row is what the agent or the network does, as a script of events at
//! given times, and the effects the shell must carry out, exactly and in order.

use panel_model::PanelEffect::*;
use panel_model::PanelEvent::*;
use panel_model::{
    Backoff, Channel, ClosedBy, Notice, PanelEffect, PanelEvent, PanelModel, Timing,
};

const WITH_PUSH: u32 = 10_000;
const WITHOUT_PUSH: u32 = 1_000;

fn timing() -> Timing {
    Timing {
        poll_with_push_ms: WITH_PUSH,
        poll_without_push_ms: WITHOUT_PUSH,
        // Exact delays in the tables; the jitter has its own test.
        backoff: Backoff {
            base_ms: 1_000,
            max_ms: 8_000,
            jitter: false,
        },
        stale_after_ms: 30_000,
    }
}

/// A model signed in with its phone, push socket open, phone registered, one poll answered.
fn ready() -> PanelModel {
    let mut m = PanelModel::new(timing());
    m.apply(PhoneStarting, 0);
    m.apply(PhoneRegistered, 0);
    assert_eq!(
        m.apply(SignedIn { phone: true }, 0),
        [
            OpenPush,
            SchedulePoll {
                after_ms: WITHOUT_PUSH
            }
        ]
    );
    assert_eq!(
        m.apply(PushOpened, 10),
        [SchedulePoll {
            after_ms: WITH_PUSH
        }]
    );
    assert_eq!((m.push(), m.phone()), (Channel::Up, Channel::Up));
    m
}

/// Runs `script` on `model`, checking each step's effects.
fn run(model: &mut PanelModel, script: &[(PanelEvent, u64, &[PanelEffect])]) {
    for (i, (event, at, want)) in script.iter().enumerate() {
        let got = model.apply(event.clone(), *at);
        assert_eq!(&got, want, "step {i}: {event:?} at {at}");
    }
}

fn report(code: u32, msg: &str) -> PanelEffect {
    Report {
        code,
        msg: msg.into(),
    }
}

#[test]
fn signing_in_opens_push_polls_and_starts_a_phone_not_yet_started() {
    // forceToPrepareSignIn and logIn do not start the phone themselves: the sign-in does.
    let mut m = PanelModel::new(timing());
    run(
        &mut m,
        &[
            (
                SignedIn { phone: true },
                0,
                &[
                    OpenPush,
                    SchedulePoll {
                        after_ms: WITHOUT_PUSH,
                    },
                    StartPhone,
                ],
            ),
            (PhoneRegistered, 5, &[]),
            (
                PushOpened,
                6,
                &[SchedulePoll {
                    after_ms: WITH_PUSH,
                }],
            ),
            (PollDue, 10_006, &[PollNow]),
            (
                PollAnswered,
                10_020,
                &[SchedulePoll {
                    after_ms: WITH_PUSH,
                }],
            ),
        ],
    );
    assert!(m.active());
}

#[test]
fn row_push_drops_polls_at_once_then_fast_and_reconnects_with_backoff() {
    let mut m = ready();
    run(
        &mut m,
        &[
            (
                PushClosed { code: 1006 },
                20_000,
                &[
                    PollNow,
                    report(
                        5005,
                        "the agent-state socket closed (code 1006); reconnecting",
                    ),
                    Notice(Notice::Reconnecting),
                    RetryPush { after_ms: 1_000 },
                ],
            ),
            (
                PollAnswered,
                20_030,
                &[SchedulePoll {
                    after_ms: WITHOUT_PUSH,
                }],
            ),
            (PushRetryDue, 21_000, &[OpenPush]),
            // Still down: reported once per outage, the delay doubles.
            (
                PushClosed { code: 1006 },
                21_000,
                &[RetryPush { after_ms: 2_000 }],
            ),
            (PollDue, 21_030, &[PollNow]),
            (
                PollAnswered,
                21_040,
                &[SchedulePoll {
                    after_ms: WITHOUT_PUSH,
                }],
            ),
            (PushRetryDue, 23_000, &[OpenPush]),
            (
                PushOpened,
                23_010,
                &[
                    SchedulePoll {
                        after_ms: WITH_PUSH,
                    },
                    Notice(Notice::Reconnected { down_ms: 3_010 }),
                ],
            ),
        ],
    );
    assert_eq!(m.poll_every_ms(), WITH_PUSH);
}

#[test]
fn row_server_restart_refetches_login_details_then_reconnects_both_channels() {
    let mut m = ready();
    run(
        &mut m,
        &[
            (
                PushClosed { code: 1006 },
                50_000,
                &[
                    PollNow,
                    report(
                        5005,
                        "the agent-state socket closed (code 1006); reconnecting",
                    ),
                    Notice(Notice::Reconnecting),
                    RetryPush { after_ms: 1_000 },
                ],
            ),
            (
                PhoneLost {
                    by: ClosedBy::Network,
                },
                50_000,
                &[
                    report(7002, "the soft phone lost its connection; re-registering"),
                    RetryPhone { after_ms: 1_000 },
                ],
            ),
            (PollFailed, 50_010, &[SchedulePoll { after_ms: 1_000 }]),
            // The server is back with new tokens: the old one is refused with 4401.
            (PushRetryDue, 51_000, &[OpenPush]),
            (
                PushClosed { code: 4401 },
                51_010,
                &[RetryPush { after_ms: 2_000 }],
            ),
            // The push told us the details are stale: the phone waits for fresh ones too.
            (PhoneRetryDue, 51_000, &[RefreshLogin]),
            // One refresh serves both channels.
            (PushRetryDue, 53_010, &[]),
            (LoginRefreshed, 53_040, &[OpenPush, StartPhone]),
            (PhoneRegistered, 53_100, &[]),
            (
                PushOpened,
                53_200,
                &[
                    SchedulePoll {
                        after_ms: WITH_PUSH,
                    },
                    Notice(Notice::Reconnected { down_ms: 3_200 }),
                ],
            ),
        ],
    );
    assert_eq!((m.push(), m.phone()), (Channel::Up, Channel::Up));
}

#[test]
fn three_failed_reconnects_refresh_the_login_details_even_without_4401() {
    let mut m = ready();
    m.apply(PushClosed { code: 1006 }, 0);
    m.apply(PushRetryDue, 1);
    m.apply(PushClosed { code: 1006 }, 2);
    m.apply(PushRetryDue, 3);
    assert_eq!(
        m.apply(PushClosed { code: 1006 }, 4),
        [RetryPush { after_ms: 4_000 }]
    );
    assert_eq!(m.apply(PushRetryDue, 5), [RefreshLogin]);
    // The refresh fails (server still down): wait longer, then refresh again.
    assert_eq!(
        m.apply(LoginRefreshFailed, 6),
        [RetryPush { after_ms: 8_000 }]
    );
    assert_eq!(m.apply(PushRetryDue, 7), [RefreshLogin]);
}

#[test]
fn row_reload_hides_the_page_unregisters_and_closes_quietly() {
    let mut m = ready();
    run(
        &mut m,
        &[
            (PageHidden, 100, &[StopPhone, ClosePush, StopPolling]),
            // Whatever closes now is on purpose: no report, no retry.
            (PushClosed { code: 1001 }, 101, &[]),
            (
                PhoneLost {
                    by: ClosedBy::Network,
                },
                101,
                &[],
            ),
            (PollAnswered, 102, &[]),
            (PageHidden, 103, &[]),
        ],
    );
    assert_eq!((m.push(), m.phone()), (Channel::Off, Channel::Off));
}

#[test]
fn back_from_the_back_forward_cache_everything_comes_back() {
    let mut m = ready();
    m.apply(PageHidden, 100);
    assert_eq!(
        m.apply(Resumed { away_ms: 5_000 }, 5_100),
        [PollNow, OpenPush, StartPhone]
    );
}

#[test]
fn row_kicked_by_a_second_tab_stops_everything_until_signed_in_again() {
    let mut m = ready();
    run(
        &mut m,
        &[
            (
                Kicked,
                0,
                &[
                    ClosePush,
                    StopPolling,
                    StopPhone,
                    report(7007, "the agent signed in on another device"),
                ],
            ),
            (Kicked, 1, &[]),
            (PushClosed { code: 1000 }, 2, &[]),
            (PollDue, 3, &[]),
            (Resumed { away_ms: 60_000 }, 4, &[]),
            (
                PhoneLost {
                    by: ClosedBy::Network,
                },
                5,
                &[],
            ),
        ],
    );
    assert!(!m.active());
    // forceToPrepareSignIn in this tab takes the agent back.
    assert_eq!(
        m.apply(SignedIn { phone: true }, 10),
        [
            OpenPush,
            SchedulePoll {
                after_ms: WITHOUT_PUSH
            },
            StartPhone
        ]
    );
}

#[test]
fn row_sleep_short_absence_polls_long_absence_reopens_and_rechecks() {
    let mut m = ready();
    assert_eq!(m.apply(Resumed { away_ms: 2_000 }, 0), [PollNow]);
    m.apply(PollAnswered, 1);
    // A laptop lid closed for ten minutes: sockets may be dead without knowing.
    assert_eq!(
        m.apply(Resumed { away_ms: 600_000 }, 2),
        [PollNow, OpenPush, CheckPhone]
    );
}

#[test]
fn resuming_retries_at_once_what_is_down_without_waiting_for_the_backoff() {
    let mut m = ready();
    m.apply(PushClosed { code: 1006 }, 0);
    m.apply(
        PhoneLost {
            by: ClosedBy::Network,
        },
        0,
    );
    m.apply(PollAnswered, 1);
    assert_eq!(
        m.apply(Resumed { away_ms: 1_000 }, 2),
        [PollNow, OpenPush, StartPhone]
    );
}

#[test]
fn row_network_offline_is_reported_once_and_online_reconnects() {
    let mut m = ready();
    run(
        &mut m,
        &[
            (
                WentOffline,
                0,
                &[
                    report(9007, "the browser is offline"),
                    Notice(Notice::Reconnecting),
                ],
            ),
            (WentOffline, 1, &[]),
            (
                PushClosed { code: 1006 },
                2,
                &[
                    PollNow,
                    report(
                        5005,
                        "the agent-state socket closed (code 1006); reconnecting",
                    ),
                    RetryPush { after_ms: 1_000 },
                ],
            ),
            (PollFailed, 3, &[SchedulePoll { after_ms: 1_000 }]),
            (Resumed { away_ms: 4_000 }, 4_000, &[PollNow, OpenPush]),
            (
                PushOpened,
                4_100,
                &[Notice(Notice::Reconnected { down_ms: 4_100 })],
            ),
        ],
    );
}

#[test]
fn row_headset_pulled_falls_back_to_the_default_device_and_tells_both() {
    let mut m = ready();
    assert_eq!(
        m.apply(
            DeviceLost {
                input: true,
                output: false
            },
            0
        ),
        [
            UseDefaultDevice {
                input: true,
                output: false
            },
            report(
                8002,
                "the chosen microphone is gone; using the default device"
            ),
            Notice(Notice::DeviceFallback),
        ]
    );
    assert_eq!(
        m.apply(
            DeviceLost {
                input: false,
                output: false
            },
            1
        ),
        []
    );
    // The channels are untouched: the call goes on.
    assert_eq!((m.push(), m.phone()), (Channel::Up, Channel::Up));
}

#[test]
fn log_out_stops_only_the_phone_and_log_in_starts_it_again() {
    let mut m = ready();
    assert_eq!(m.apply(SignedOut, 0), [StopPhone]);
    assert_eq!(
        m.apply(
            PhoneLost {
                by: ClosedBy::Network
            },
            1
        ),
        []
    );
    assert_eq!(m.push(), Channel::Up);
    assert_eq!(
        m.apply(SignedIn { phone: true }, 2),
        [
            SchedulePoll {
                after_ms: WITH_PUSH
            },
            StartPhone
        ]
    );
}

#[test]
fn a_panel_without_a_soft_phone_never_starts_one() {
    let mut m = PanelModel::new(timing());
    assert_eq!(
        m.apply(SignedIn { phone: false }, 0),
        [
            OpenPush,
            SchedulePoll {
                after_ms: WITHOUT_PUSH
            }
        ]
    );
    assert_eq!(
        m.apply(PushOpened, 1),
        [SchedulePoll {
            after_ms: WITH_PUSH
        }]
    );
    m.apply(PushClosed { code: 1006 }, 2);
    assert_eq!(
        m.apply(PushRetryDue, 1_002),
        [OpenPush],
        "a resume or retry brings no phone"
    );
    // The poll sent when the socket closed is still out: its answer schedules the next one.
    assert_eq!(
        m.apply(PushOpened, 1_003),
        [Notice(Notice::Reconnected { down_ms: 1_001 })]
    );
    assert_eq!(
        m.apply(PollAnswered, 1_004),
        [SchedulePoll {
            after_ms: WITH_PUSH
        }]
    );
}

#[test]
fn unloading_stops_everything_for_good() {
    let mut m = ready();
    assert_eq!(m.apply(Unloaded, 0), [ClosePush, StopPolling, StopPhone]);
    for event in [
        SignedIn { phone: true },
        PushClosed { code: 1006 },
        Resumed { away_ms: 99_999 },
        PollDue,
        PhoneRetryDue,
    ] {
        assert_eq!(m.apply(event, 1), []);
    }
    assert!(!m.active());
}

#[test]
fn poll_failures_are_counted_until_one_succeeds() {
    let mut m = ready();
    for n in 1..=3 {
        m.apply(PollDue, 0);
        m.apply(PollFailed, 0);
        assert_eq!(m.poll_failures(), n);
    }
    m.apply(PollDue, 0);
    m.apply(PollAnswered, 0);
    assert_eq!(m.poll_failures(), 0);
}

#[test]
fn a_refused_sip_password_fetches_fresh_login_details_before_registering_again() {
    let mut m = ready();
    run(
        &mut m,
        &[
            (
                PhoneLost {
                    by: ClosedBy::Credentials,
                },
                0,
                &[
                    report(
                        7002,
                        "the SIP server refused the soft phone's credentials; fetching new ones",
                    ),
                    Notice(Notice::Reconnecting),
                    RetryPhone { after_ms: 1_000 },
                ],
            ),
            (PhoneRetryDue, 1_000, &[RefreshLogin]),
            (LoginRefreshed, 1_050, &[StartPhone]),
            (
                PhoneRegistered,
                1_100,
                &[Notice(Notice::Reconnected { down_ms: 1_100 })],
            ),
        ],
    );
}

#[test]
fn a_phone_that_fails_while_registering_is_reported_then_retried_once_signed_in() {
    let mut m = PanelModel::new(timing());
    run(
        &mut m,
        &[
            (PhoneStarting, 0, &[]),
            (
                PhoneLost {
                    by: ClosedBy::Network,
                },
                5,
                &[report(
                    7002,
                    "the soft phone lost its connection; re-registering",
                )],
            ),
            (
                SignedIn { phone: true },
                10,
                &[
                    OpenPush,
                    SchedulePoll {
                        after_ms: WITHOUT_PUSH,
                    },
                    RetryPhone { after_ms: 1_000 },
                ],
            ),
            (PhoneRetryDue, 1_010, &[StartPhone]),
            (PhoneRegistered, 1_020, &[]),
        ],
    );
    assert_eq!(m.phone(), Channel::Up);
}

#[test]
fn a_registration_that_answers_late_still_counts_and_the_armed_retry_does_nothing() {
    let mut m = ready();
    m.apply(
        PhoneLost {
            by: ClosedBy::Network,
        },
        0,
    );
    assert_eq!(
        m.apply(PhoneRegistered, 500),
        [Notice(Notice::Reconnected { down_ms: 500 })]
    );
    assert_eq!(m.apply(PhoneRetryDue, 1_000), []);
    assert_eq!(m.phone(), Channel::Up);
}
