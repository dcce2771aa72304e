//! The contract's public methods (`sdk-contract.md` §5) as a type: the gate, the panel's buttons and the
//! error messages name a [`Method`], so a misspelt method name does not compile. [`Method::as_str`] is the
//! JS name exactly as the contract spells it, misspellings included (`umMuteAgent`, `isAvailBroswer`,
//! `transferStatisfic`); `tests/contract_gate.rs` checks [`Method::ALL`] against `spec/contract.json`.

/// One of the contract's 50 public methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `isAvailBroswer` (sic).
    IsAvailBroswer,
    /// `checkNetwork`.
    CheckNetwork,
    /// `changeVisible`.
    ChangeVisible,
    /// `changeMainPaneVisible`.
    ChangeMainPaneVisible,
    /// `changeWidth`.
    ChangeWidth,
    /// `reRender`.
    ReRender,
    /// `register`.
    Register,
    /// `logIn`.
    LogIn,
    /// `logOut`.
    LogOut,
    /// `ready`.
    Ready,
    /// `applyForBreak`.
    ApplyForBreak,
    /// `applyForCallOnly`.
    ApplyForCallOnly,
    /// `applyForOnSite`.
    ApplyForOnSite,
    /// `applyForOffSite`.
    ApplyForOffSite,
    /// `applyForOffSiteDirectly`.
    ApplyForOffSiteDirectly,
    /// `getStatusCode`.
    GetStatusCode,
    /// `hangUp`.
    HangUp,
    /// `answer`.
    Answer,
    /// `call`.
    Call,
    /// `stayAfterCall`.
    StayAfterCall,
    /// `sendDtmf`.
    SendDtmf,
    /// `callHold`.
    CallHold,
    /// `callRetrieve`.
    CallRetrieve,
    /// `muteAgent`.
    MuteAgent,
    /// `umMuteAgent` (sic).
    UmMuteAgent,
    /// `changeVolumeInCall`.
    ChangeVolumeInCall,
    /// `changeRingToneVolume`.
    ChangeRingToneVolume,
    /// `thirdCallTransfer`.
    ThirdCallTransfer,
    /// `initiateAttendedTransfer`.
    InitiateAttendedTransfer,
    /// `thirdCallRetrieve`.
    ThirdCallRetrieve,
    /// `thirdCallTransferFinished`.
    ThirdCallTransferFinished,
    /// `switchToConference`.
    SwitchToConference,
    /// `startConference`.
    StartConference,
    /// `monitor`.
    Monitor,
    /// `bargeIn`.
    BargeIn,
    /// `intercept`.
    Intercept,
    /// `coach`.
    Coach,
    /// `agentToAgent`.
    AgentToAgent,
    /// `transferStatisfic` (sic).
    TransferStatisfic,
    /// `launchShortMessageAppraise`.
    LaunchShortMessageAppraise,
    /// `launchShortMessageMissedCall`.
    LaunchShortMessageMissedCall,
    /// `launchAuthentication`.
    LaunchAuthentication,
    /// `forceToPrepareSignIn`.
    ForceToPrepareSignIn,
    /// `testTurnServers`.
    TestTurnServers,
    /// `switchAccessPoint`.
    SwitchAccessPoint,
    /// `getSoftPhoneDeviceId`.
    GetSoftPhoneDeviceId,
    /// `getAudioDeviceList`.
    GetAudioDeviceList,
    /// `setAudioInputDevice`.
    SetAudioInputDevice,
    /// `setAudioOutputDevice`.
    SetAudioOutputDevice,
    /// `unloadWorkbench`.
    UnloadWorkbench,
}

impl Method {
    /// Every method, in the contract's order.
    pub const ALL: [Method; 50] = [
        Method::IsAvailBroswer,
        Method::CheckNetwork,
        Method::ChangeVisible,
        Method::ChangeMainPaneVisible,
        Method::ChangeWidth,
        Method::ReRender,
        Method::Register,
        Method::LogIn,
        Method::LogOut,
        Method::Ready,
        Method::ApplyForBreak,
        Method::ApplyForCallOnly,
        Method::ApplyForOnSite,
        Method::ApplyForOffSite,
        Method::ApplyForOffSiteDirectly,
        Method::GetStatusCode,
        Method::HangUp,
        Method::Answer,
        Method::Call,
        Method::StayAfterCall,
        Method::SendDtmf,
        Method::CallHold,
        Method::CallRetrieve,
        Method::MuteAgent,
        Method::UmMuteAgent,
        Method::ChangeVolumeInCall,
        Method::ChangeRingToneVolume,
        Method::ThirdCallTransfer,
        Method::InitiateAttendedTransfer,
        Method::ThirdCallRetrieve,
        Method::ThirdCallTransferFinished,
        Method::SwitchToConference,
        Method::StartConference,
        Method::Monitor,
        Method::BargeIn,
        Method::Intercept,
        Method::Coach,
        Method::AgentToAgent,
        Method::TransferStatisfic,
        Method::LaunchShortMessageAppraise,
        Method::LaunchShortMessageMissedCall,
        Method::LaunchAuthentication,
        Method::ForceToPrepareSignIn,
        Method::TestTurnServers,
        Method::SwitchAccessPoint,
        Method::GetSoftPhoneDeviceId,
        Method::GetAudioDeviceList,
        Method::SetAudioInputDevice,
        Method::SetAudioOutputDevice,
        Method::UnloadWorkbench,
    ];

    /// The JS name, as the contract spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::IsAvailBroswer => "isAvailBroswer",
            Method::CheckNetwork => "checkNetwork",
            Method::ChangeVisible => "changeVisible",
            Method::ChangeMainPaneVisible => "changeMainPaneVisible",
            Method::ChangeWidth => "changeWidth",
            Method::ReRender => "reRender",
            Method::Register => "register",
            Method::LogIn => "logIn",
            Method::LogOut => "logOut",
            Method::Ready => "ready",
            Method::ApplyForBreak => "applyForBreak",
            Method::ApplyForCallOnly => "applyForCallOnly",
            Method::ApplyForOnSite => "applyForOnSite",
            Method::ApplyForOffSite => "applyForOffSite",
            Method::ApplyForOffSiteDirectly => "applyForOffSiteDirectly",
            Method::GetStatusCode => "getStatusCode",
            Method::HangUp => "hangUp",
            Method::Answer => "answer",
            Method::Call => "call",
            Method::StayAfterCall => "stayAfterCall",
            Method::SendDtmf => "sendDtmf",
            Method::CallHold => "callHold",
            Method::CallRetrieve => "callRetrieve",
            Method::MuteAgent => "muteAgent",
            Method::UmMuteAgent => "umMuteAgent",
            Method::ChangeVolumeInCall => "changeVolumeInCall",
            Method::ChangeRingToneVolume => "changeRingToneVolume",
            Method::ThirdCallTransfer => "thirdCallTransfer",
            Method::InitiateAttendedTransfer => "initiateAttendedTransfer",
            Method::ThirdCallRetrieve => "thirdCallRetrieve",
            Method::ThirdCallTransferFinished => "thirdCallTransferFinished",
            Method::SwitchToConference => "switchToConference",
            Method::StartConference => "startConference",
            Method::Monitor => "monitor",
            Method::BargeIn => "bargeIn",
            Method::Intercept => "intercept",
            Method::Coach => "coach",
            Method::AgentToAgent => "agentToAgent",
            Method::TransferStatisfic => "transferStatisfic",
            Method::LaunchShortMessageAppraise => "launchShortMessageAppraise",
            Method::LaunchShortMessageMissedCall => "launchShortMessageMissedCall",
            Method::LaunchAuthentication => "launchAuthentication",
            Method::ForceToPrepareSignIn => "forceToPrepareSignIn",
            Method::TestTurnServers => "testTurnServers",
            Method::SwitchAccessPoint => "switchAccessPoint",
            Method::GetSoftPhoneDeviceId => "getSoftPhoneDeviceId",
            Method::GetAudioDeviceList => "getAudioDeviceList",
            Method::SetAudioInputDevice => "setAudioInputDevice",
            Method::SetAudioOutputDevice => "setAudioOutputDevice",
            Method::UnloadWorkbench => "unloadWorkbench",
        }
    }

    /// The method with this JS name (exact spelling), if the contract has one.
    pub fn from_name(name: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == name)
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Method;

    #[test]
    fn names_round_trip_and_are_distinct() {
        for m in Method::ALL {
            assert_eq!(Method::from_name(m.as_str()), Some(m));
        }
        let mut names: Vec<&str> = Method::ALL.iter().map(|m| m.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Method::ALL.len());
        assert_eq!(
            Method::from_name("unMuteAgent"),
            None,
            "only the contract's spelling"
        );
        assert_eq!(Method::UmMuteAgent.to_string(), "umMuteAgent");
    }
}
