//! Status codes (`sdk-contract.md` §7.1) and the state gate.

use crate::method::Method;

/// A status of the contract's table. The numeric code is what hosts see (`getStatusCode`, `onStatusChange`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// -1 未注册.
    Unregistered,
    /// 0 注册中.
    Registering,
    /// 1 离线 (signed out).
    Offline,
    /// 2 小休.
    Break,
    /// 3 空闲.
    Ready,
    /// 4 仅外呼.
    CallOnly,
    /// 5 话后处理.
    AfterCall,
    /// 6 振铃 (incoming).
    Ringing,
    /// 8 拨号 (outgoing, not answered yet).
    Dialing,
    /// 9 呼入通话.
    InboundTalk,
    /// 10 呼出通话.
    OutboundTalk,
    /// 11 内部通话.
    InternalTalk,
    /// 12 通话保持.
    Hold,
    /// 16 发起三方.
    ConsultInitiated,
    /// 17 咨询通话.
    Consulting,
    /// 19 会议.
    Conference,
    /// 20 被动求助.
    Consulted,
    /// 21 监听.
    Monitoring,
    /// 24 发起监听,还未监听成功.
    MonitorInitiated,
    /// 25 强插.
    BargedIn,
    /// 26 耳语坐席.
    Coaching,
    /// 30 会议中坐席状态变化.
    ConferenceChanged,
}

impl Status {
    /// Every status, in table order.
    pub const ALL: [Status; 22] = [
        Status::Unregistered,
        Status::Registering,
        Status::Offline,
        Status::Break,
        Status::Ready,
        Status::CallOnly,
        Status::AfterCall,
        Status::Ringing,
        Status::Dialing,
        Status::InboundTalk,
        Status::OutboundTalk,
        Status::InternalTalk,
        Status::Hold,
        Status::ConsultInitiated,
        Status::Consulting,
        Status::Conference,
        Status::Consulted,
        Status::Monitoring,
        Status::MonitorInitiated,
        Status::BargedIn,
        Status::Coaching,
        Status::ConferenceChanged,
    ];

    /// The numeric code.
    pub fn code(self) -> i32 {
        match self {
            Status::Unregistered => -1,
            Status::Registering => 0,
            Status::Offline => 1,
            Status::Break => 2,
            Status::Ready => 3,
            Status::CallOnly => 4,
            Status::AfterCall => 5,
            Status::Ringing => 6,
            Status::Dialing => 8,
            Status::InboundTalk => 9,
            Status::OutboundTalk => 10,
            Status::InternalTalk => 11,
            Status::Hold => 12,
            Status::ConsultInitiated => 16,
            Status::Consulting => 17,
            Status::Conference => 19,
            Status::Consulted => 20,
            Status::Monitoring => 21,
            Status::MonitorInitiated => 24,
            Status::BargedIn => 25,
            Status::Coaching => 26,
            Status::ConferenceChanged => 30,
        }
    }

    /// The status with this code, if the table has one.
    pub fn from_code(code: i32) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The Chinese description of the table (描述), verbatim.
    pub fn label(self) -> &'static str {
        match self {
            Status::Unregistered => "未注册",
            Status::Registering => "注册中",
            Status::Offline => "离线",
            Status::Break => "小休",
            Status::Ready => "空闲",
            Status::CallOnly => "仅外呼",
            Status::AfterCall => "话后处理",
            Status::Ringing => "振铃",
            Status::Dialing => "拨号",
            Status::InboundTalk => "呼入通话",
            Status::OutboundTalk => "呼出通话",
            Status::InternalTalk => "内部通话",
            Status::Hold => "通话保持",
            Status::ConsultInitiated => "发起三方",
            Status::Consulting => "咨询通话",
            Status::Conference => "会议",
            Status::Consulted => "被动求助",
            Status::Monitoring => "监听",
            Status::MonitorInitiated => "发起监听,还未监听成功",
            Status::BargedIn => "强插,进入三方通话",
            Status::Coaching => "耳语坐席,进入三方通话",
            Status::ConferenceChanged => "会议中坐席状态变化",
        }
    }

    /// Signed in to the call center (any status from 2 on).
    pub fn is_signed_in(self) -> bool {
        self.code() >= 2
    }

    /// The agent has a call (ringing, dialing, talking, held, supervising…).
    pub fn in_call(self) -> bool {
        self.code() >= 6
    }

    /// The call is connected (talking in some form).
    pub fn is_connected(self) -> bool {
        self.in_call()
            && !matches!(
                self,
                Status::Ringing | Status::Dialing | Status::MonitorInitiated
            )
    }

    /// Whether `method` may run in this status: the contract's table plus the union-rule additions
    /// (`stateGateRecommended` in `contract.json`). `None` means the method is not state-gated: the
    /// match names every [`Method`], so a new one cannot slip through ungated by accident.
    pub fn allows(self, method: Method) -> Option<bool> {
        use Method as M;
        let allowed: &[i32] = match method {
            M::Register => &[-1, 0],
            M::LogIn | M::ForceToPrepareSignIn => &[1],
            M::LogOut => &[2, 3, 4, 5],
            M::Ready => &[2, 4, 5],
            M::ApplyForBreak => &[3, 4, 5],
            M::ApplyForCallOnly => &[3, 5],
            M::ApplyForOffSite => &[1, 3, 5],
            M::Call => &[3, 4, 5],
            M::Answer => &[6],
            M::HangUp => &[8, 9, 10, 11, 12, 19, 20, 21, 24, 25, 26, 30],
            M::SendDtmf => &[8, 9, 10, 11, 17, 19],
            M::CallHold | M::MuteAgent | M::UmMuteAgent => &[9, 10, 11],
            M::CallRetrieve => &[9, 10, 11, 12],
            M::TransferStatisfic => &[9, 10, 30],
            M::LaunchAuthentication | M::ThirdCallTransfer | M::InitiateAttendedTransfer => {
                &[9, 10]
            }
            M::ThirdCallRetrieve => &[16, 17],
            M::ThirdCallTransferFinished | M::SwitchToConference => &[17],
            M::AgentToAgent | M::Monitor | M::StartConference => &[3, 4],
            M::BargeIn | M::Intercept | M::Coach => &[3, 4, 21],
            M::LaunchShortMessageAppraise => &[5],
            M::LaunchShortMessageMissedCall => &[8],
            M::IsAvailBroswer
            | M::CheckNetwork
            | M::ChangeVisible
            | M::ChangeMainPaneVisible
            | M::ChangeWidth
            | M::ReRender
            | M::ApplyForOnSite
            | M::ApplyForOffSiteDirectly
            | M::GetStatusCode
            | M::StayAfterCall
            | M::ChangeVolumeInCall
            | M::ChangeRingToneVolume
            | M::TestTurnServers
            | M::SwitchAccessPoint
            | M::GetSoftPhoneDeviceId
            | M::GetAudioDeviceList
            | M::SetAudioInputDevice
            | M::SetAudioOutputDevice
            | M::UnloadWorkbench => return None,
        };
        Some(allowed.contains(&self.code()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_skip_the_gaps() {
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(s));
        }
        for missing in [7, 13, 14, 15, 18, 22, 23, 27, 28, 29, 31, -2] {
            assert_eq!(Status::from_code(missing), None);
        }
    }

    #[test]
    fn gate_follows_the_table() {
        assert_eq!(Status::Unregistered.allows(Method::Register), Some(true));
        assert_eq!(Status::Ready.allows(Method::Register), Some(false));
        assert_eq!(Status::Ready.allows(Method::Call), Some(true));
        assert_eq!(Status::Ringing.allows(Method::Call), Some(false));
        assert_eq!(
            Status::Hold.allows(Method::HangUp),
            Some(true),
            "union rule: section 九 allows it"
        );
        assert_eq!(Status::Ready.allows(Method::GetStatusCode), None);
    }
}
