//! The panel's words: one [`Catalogue`] per [`Language`] (`zh_cn.rs`, `en_us.rs`), and the lookups that turn
//! the contract's keys (status, `sideNavList` and `moreActionList` values, realtime agent states) into the
//! text shown.
//!
//! Every text the panel shows comes from here (checked by `tests/i18n.rs`, which fails on CJK anywhere else in
//! `src/` except contract data). A catalogue is a struct of `&'static str`, so both languages having the
//! same keys is a compile-time fact; texts with values have `{}` holes, filled in order by [`fill`]. No
//! maps at run time: a lookup is a field read.
//!
//! What the host receives is not translated: hook payloads keep the contract's Chinese (`errorMsgTip` in
//! `errors.rs` and `sip_codes.rs`, status names), whatever the panel shows.

mod en_us;
mod zh_cn;

use agent_state::Status;

use crate::config::{nav, Language};

/// Declares [`Catalogue`] with one `&'static str` field per key, and [`Catalogue::entries`] listing them.
macro_rules! catalogue {
    ($($(#[$doc:meta])* $key:ident,)*) => {
        /// Every text the panel shows, in one language.
        pub struct Catalogue {
            $($(#[$doc])* pub $key: &'static str,)*
        }

        impl Catalogue {
            /// `(key, text)` of every entry, in declaration order (for the tests that compare catalogues).
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($key), self.$key),)*]
            }
        }
    };
}

catalogue! {
    // Status names in the header, in `Status::ALL` order (zh: the contract's 描述).
    status_unregistered,
    status_registering,
    status_offline,
    status_break,
    status_ready,
    status_call_only,
    status_after_call,
    status_ringing,
    status_dialing,
    status_inbound_talk,
    status_outbound_talk,
    status_internal_talk,
    status_hold,
    status_consult_initiated,
    status_consulting,
    status_conference,
    status_consulted,
    status_monitoring,
    status_monitor_initiated,
    status_barged_in,
    status_coaching,
    status_conference_changed,
    // Side-nav entries (zh: the `sideNavList` values themselves).
    nav_inbound,
    nav_outbound,
    nav_internal,
    nav_records,
    nav_transfer,
    nav_conference,
    nav_monitor,
    nav_my_work,
    nav_device_check,
    nav_settings,
    // The header's `moreActionList` menu.
    action_online,
    action_ready,
    action_only_call,
    action_break,
    action_offline,
    action_adjust_volume,
    action_change_work_mode,
    more_actions,
    collapse,
    // Before sign-in, and entries this version lacks.
    unavailable,
    not_signed_in,
    sign_in,
    signing_in,
    device_conflict,
    sign_in_here,
    signed_out,
    // 呼入.
    on_break,
    on_break_hint,
    after_call,
    after_call_hint,
    call_only,
    call_only_hint,
    waiting,
    waiting_hint,
    set_ready,
    take_break,
    choose_break_reason,
    // 呼出.
    number_placeholder,
    caller_number,
    caller_auto,
    dial,
    // The call card.
    hold,
    retrieve,
    mute,
    unmute,
    keypad,
    transfer,
    take_back,
    finish_transfer,
    to_conference,
    survey,
    incoming,
    calling,
    /// `{}`: the skill group's name.
    skill_group_of_call,
    answer,
    hang_up,
    // 内部通话 / 监听: realtime agent states and supervision.
    agent_ready,
    agent_break,
    agent_offline,
    agent_talking,
    agent_ringing,
    agent_dialing,
    agent_after_call,
    refresh,
    end_monitoring,
    monitor,
    barge_in,
    intercept,
    coach,
    no_agents,
    // 通话记录.
    record_inbound,
    record_outbound,
    redial,
    no_records,
    // 我的工作.
    today,
    inbound_answered,
    answer_rate,
    outbound_connected,
    internal_calls,
    total_talk_time,
    longest_call,
    no_data,
    // 设置.
    agent,
    account,
    extension,
    skill_groups,
    device,
    work_mode,
    on_site,
    off_site,
    mobile_placeholder,
    volume,
    call_volume,
    ring_volume,
    /// Between the names of a list (skill groups).
    list_separator,
    // 转接.
    transferee_placeholder,
    /// `{}`: the agent's skill groups.
    own_skill_groups,
    blind_transfer,
    attended_transfer,
    transfer_needs_call,
    // 会议.
    conference_hint,
    participant_placeholder,
    start_conference,
    // 设备检测.
    checking,
    check_again,
    browser,
    webrtc_ok,
    webrtc_missing,
    page_protocol,
    secure_ok,
    secure_missing,
    microphone_permission,
    permission_granted,
    permission_prompt,
    permission_denied,
    permission_unknown,
    microphone,
    speaker,
    /// `{}`: how many devices.
    device_count,
    system_default,
    /// `{}`: the device's position in the list.
    unnamed_device,
    test_microphone,
    microphone_level,
    test_speaker,
    playing,
    played,
    // Why a microphone or speaker test could not run (`device_test::TestFailure`).
    no_web_audio,
    meter_failed,
    /// `{}`: the browser's reason.
    microphone_failed,
    cannot_play,
    play_refused,
    /// `{}`: the browser's reason.
    speaker_failed,
    // Toasts and the desktop notification.
    /// `{}`: milliseconds.
    network_ok,
    reconnecting,
    /// `{}.{}`: seconds and tenths.
    reconnected,
    device_fallback,
    autoplay_blocked,
    /// `{}`: the region.
    access_point_switched,
    incoming_notification,
    /// 7005's toast (zh: its contract tip).
    insecure_page,
    /// 7006's toast (zh: its contract tip).
    browser_unsupported,
}

/// The catalogue of `language`.
pub fn text(language: Language) -> &'static Catalogue {
    match language {
        Language::ZhCn => &zh_cn::ZH_CN,
        Language::EnUs => &en_us::EN_US,
    }
}

impl Catalogue {
    /// The header's name of a status.
    pub fn status(&self, status: Status) -> &'static str {
        match status {
            Status::Unregistered => self.status_unregistered,
            Status::Registering => self.status_registering,
            Status::Offline => self.status_offline,
            Status::Break => self.status_break,
            Status::Ready => self.status_ready,
            Status::CallOnly => self.status_call_only,
            Status::AfterCall => self.status_after_call,
            Status::Ringing => self.status_ringing,
            Status::Dialing => self.status_dialing,
            Status::InboundTalk => self.status_inbound_talk,
            Status::OutboundTalk => self.status_outbound_talk,
            Status::InternalTalk => self.status_internal_talk,
            Status::Hold => self.status_hold,
            Status::ConsultInitiated => self.status_consult_initiated,
            Status::Consulting => self.status_consulting,
            Status::Conference => self.status_conference,
            Status::Consulted => self.status_consulted,
            Status::Monitoring => self.status_monitoring,
            Status::MonitorInitiated => self.status_monitor_initiated,
            Status::BargedIn => self.status_barged_in,
            Status::Coaching => self.status_coaching,
            Status::ConferenceChanged => self.status_conference_changed,
        }
    }

    /// The shown name of a `sideNavList` value (`config::nav`); anything else as it is.
    pub fn nav<'a>(&self, key: &'a str) -> &'a str {
        match key {
            nav::INBOUND => self.nav_inbound,
            nav::OUTBOUND => self.nav_outbound,
            nav::INTERNAL => self.nav_internal,
            nav::RECORDS => self.nav_records,
            nav::TRANSFER => self.nav_transfer,
            nav::CONFERENCE => self.nav_conference,
            nav::MONITOR => self.nav_monitor,
            nav::MY_WORK => self.nav_my_work,
            nav::DEVICE_CHECK => self.nav_device_check,
            nav::SETTINGS => self.nav_settings,
            other => other,
        }
    }

    /// The menu label of a `moreActionList` value (`changeWorkMode` for anything unknown).
    pub fn action(&self, action: &str) -> &'static str {
        match action {
            "online" => self.action_online,
            "ready" => self.action_ready,
            "onlyCall" => self.action_only_call,
            "break" => self.action_break,
            "offline" => self.action_offline,
            "adjustVolume" => self.action_adjust_volume,
            _ => self.action_change_work_mode,
        }
    }

    /// The label of a realtime agent state, already in one spelling (`READY`, `ACW`, …); `None` for a state
    /// the panel does not know (shown as the backend wrote it).
    pub fn agent_state(&self, upper: &str) -> Option<&'static str> {
        Some(match upper {
            "READY" => self.agent_ready,
            "BREAK" => self.agent_break,
            "OFFLINE" => self.agent_offline,
            "TALKING" => self.agent_talking,
            "RINGING" => self.agent_ringing,
            "DIALING" => self.agent_dialing,
            "WORKING" | "ACW" => self.agent_after_call,
            _ => return None,
        })
    }
}

/// `template` with each `{}` replaced by the next of `values` (a missing value leaves the hole empty).
pub fn fill(template: &str, values: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let (mut rest, mut values) = (template, values.iter());
    while let Some(at) = rest.find("{}") {
        out.push_str(&rest[..at]);
        out.push_str(values.next().copied().unwrap_or_default());
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    out
}

/// Whether `c` is Chinese (ideographs, CJK punctuation, full-width forms): what the English panel never shows
/// except in data.
pub fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{ff00}'..='\u{ffef}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holes(s: &str) -> usize {
        s.matches("{}").count()
    }

    #[test]
    fn both_catalogues_have_the_same_keys_and_holes_and_no_empty_text() {
        let (zh, en) = (
            text(Language::ZhCn).entries(),
            text(Language::EnUs).entries(),
        );
        fn keys(entries: &[(&'static str, &'static str)]) -> Vec<&'static str> {
            entries.iter().map(|(k, _)| *k).collect()
        }
        assert_eq!(keys(&zh), keys(&en));
        for ((key, z), (_, e)) in zh.iter().zip(&en) {
            assert!(
                !z.trim().is_empty() && !e.trim().is_empty(),
                "{key} is empty"
            );
            assert_eq!(
                holes(z),
                holes(e),
                "{key}: {z:?} / {e:?} fill different numbers of values"
            );
        }
    }

    #[test]
    fn english_has_no_chinese_and_chinese_is_chinese() {
        for (key, en) in text(Language::EnUs).entries() {
            assert!(!en.chars().any(is_cjk), "en-US {key}: {en:?}");
        }
        for (key, zh) in text(Language::ZhCn).entries() {
            assert!(
                zh.chars().any(is_cjk),
                "zh-CN {key} is not translated: {zh:?}"
            );
        }
    }

    #[test]
    fn chinese_names_of_contract_keys_are_the_contracts() {
        let zh = text(Language::ZhCn);
        for status in Status::ALL {
            assert_eq!(zh.status(status), status.label(), "{status:?}");
        }
        for key in crate::config::SIDE_NAV {
            assert_eq!(zh.nav(key), key);
        }
        assert_eq!(zh.insecure_page, crate::errors::tip(7005));
        assert_eq!(zh.browser_unsupported, crate::errors::tip(7006));
    }

    #[test]
    fn lookups() {
        let en = text(Language::EnUs);
        assert_eq!(en.status(Status::Ready), en.status_ready);
        assert_eq!(en.nav(nav::SETTINGS), en.nav_settings);
        assert_eq!(
            en.nav("Custom"),
            "Custom",
            "a key the panel does not know is shown as given"
        );
        assert_eq!(en.action("offline"), en.action_offline);
        assert_eq!(en.action("changeWorkMode"), en.action_change_work_mode);
        assert_eq!(en.agent_state("ACW"), Some(en.agent_after_call));
        assert_eq!(en.agent_state("MYSTERY"), None);
    }

    #[test]
    fn fill_puts_values_in_order() {
        assert_eq!(fill("a {} b {}", &["1", "2"]), "a 1 b 2");
        assert_eq!(fill("{}.{} s", &["3", "4"]), "3.4 s");
        assert_eq!(fill("none", &["x"]), "none");
        assert_eq!(fill("{} and {}", &["x"]), "x and ");
    }
}
