//! What `register()` does when the call center already knows this agent: a reload of the page (the same
//! device, its id kept in `sessionStorage`) must come back where the agent was, in a call too, instead of
//! signing in again (which the call center refuses during a call).

use ccc_wire::{UserContext, UserState};

/// The last step of `register()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInPlan {
    /// SignInGroup, then ReadyForService (unless `isLoggedKeepBreak`): the agent was offline, ready or on
    /// break, where signing in again is what `register()` always did.
    SignIn,
    /// Take the call center's snapshot as it is: the agent is in a call or wrapping one up on this device,
    /// so the panel comes back in that call (status 9/10 …, `onCallEstablish`) and the phone gets the call
    /// back when it registers.
    Restore,
}

/// The plan for an agent whose PollUserStatus says `current` (`None`: not known), on device `mine`.
pub fn plan_sign_in(current: Option<&UserContext>, mine: &str) -> SignInPlan {
    let Some(user) = current else {
        return SignInPlan::SignIn;
    };
    let this_device = user.device_id.is_empty() || user.device_id == mine;
    let busy = matches!(
        user.user_state,
        UserState::Dialing | UserState::Ringing | UserState::Talking | UserState::Working
    );
    if busy && this_device {
        SignInPlan::Restore
    } else {
        SignInPlan::SignIn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(state: UserState, device: &str) -> UserContext {
        UserContext {
            user_id: "agent@ccc".into(),
            instance_id: "ccc".into(),
            extension: String::new(),
            device_id: device.into(),
            user_state: state,
            break_code: String::new(),
            work_mode: "ON_SITE".into(),
            outbound_scenario: false,
            signed_skill_group_id_list: Vec::new(),
            job_id: String::new(),
            heartbeat: 0,
            mobile: String::new(),
            device_state: String::new(),
            reserved: 0,
            parallel_job_list: Vec::new(),
        }
    }

    #[test]
    fn a_call_on_this_device_is_restored_anything_else_signs_in() {
        use SignInPlan::*;
        let cases = [
            (UserState::Offline, "tab", SignIn),
            (UserState::Ready, "tab", SignIn),
            (UserState::Break, "tab", SignIn),
            (UserState::Talking, "tab", Restore),
            (UserState::Ringing, "tab", Restore),
            (UserState::Dialing, "tab", Restore),
            (UserState::Working, "tab", Restore),
            (UserState::Talking, "", Restore),
            // Another device's call is not ours to take (ListDevices has reported 7001 before this).
            (UserState::Talking, "desk-phone", SignIn),
        ];
        for (state, device, want) in cases {
            let u = user(state.clone(), device);
            assert_eq!(plan_sign_in(Some(&u), "tab"), want, "{state:?} on {device}");
        }
        assert_eq!(plan_sign_in(None, "tab"), SignIn);
    }
}
