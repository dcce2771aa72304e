//! Conferences and IVR hand-offs: `startConference`, `switchToConference`, `transferStatisfic` (the
//! satisfaction survey, which ends the agent's leg) and `launchAuthentication` (an IVR flow the customer goes
//! through while the agent stays in the call), and the text-message variants of the survey.

use agent_state::Method;
use ccc_wire::call_control::{
    LaunchAuthenticationRequest, LaunchSurveyRequest, StartConferenceRequest,
};
use ccc_wire::Action;
use serde_json::Value;

use super::{Done, Workbench};

/// The participants of `startConference(participantListJson)`: a JSON array of 1–5 extensions or numbers
/// (the document's example: `JSON.stringify(['1234567', '7654321'])`). Anything else is `Err` with the reason.
pub fn participants(list_json: &str) -> Result<Vec<String>, String> {
    let value = serde_json::from_str::<Value>(list_json)
        .map_err(|_| format!("participantListJson is not JSON: {list_json}"))?;
    let items = value
        .as_array()
        .ok_or("participantListJson must be a JSON array")?;
    let parties: Vec<String> = items
        .iter()
        .filter_map(|v| match v {
            Value::String(s) => Some(s.trim().to_owned()),
            Value::Number(n) => n.as_u64().map(|n| n.to_string()),
            _ => None,
        })
        .filter(|p| !p.is_empty())
        .collect();
    if parties.is_empty() || parties.len() != items.len() || parties.len() > 5 {
        return Err("participantListJson must list 1 to 5 extensions or numbers".into());
    }
    Ok(parties)
}

impl Workbench {
    /// `startConference(participantListJson, otherParams?)`.
    pub fn start_conference(
        &self,
        list_json: &str,
        timeout_seconds: Option<u32>,
        tags: Option<String>,
    ) {
        if !self.allowed(Method::StartConference) {
            return;
        }
        let parties = match participants(list_json) {
            Ok(p) => p,
            Err(reason) => {
                self.report(9002, format!("startConference: {reason}"));
                return;
            }
        };
        let base = self.agent_request();
        let request = StartConferenceRequest {
            instance_id: base.instance_id,
            user_id: base.user_id,
            device_id: base.device_id,
            job_id: None,
            participant_list_json: serde_json::to_string(&parties).unwrap_or_default(),
            tags,
            timeout_seconds,
        };
        self.command(
            Method::StartConference,
            Action::StartConference,
            request,
            None,
        );
    }

    /// `switchToConference(jobId?)`: the customer, this agent and the consulted party in one conference.
    pub fn switch_to_conference(&self, job_id: Option<String>) {
        if !self.allowed(Method::SwitchToConference) {
            return;
        }
        if let Some(request) = self.job_request(job_id, None) {
            self.command(
                Method::SwitchToConference,
                Action::SwitchToConference,
                request,
                None,
            );
        }
    }

    /// `transferStatisfic(contactFlowId?)` (sic): the satisfaction survey (or another IVR flow); the agent's
    /// leg is released.
    pub fn transfer_statisfic(&self, contact_flow_id: Option<String>) {
        let flow = contact_flow_id.filter(|c| !c.trim().is_empty());
        self.launch_survey(Method::TransferStatisfic, flow, None);
    }

    /// `launchShortMessageAppraise()` (after-call work) and `launchShortMessageMissedCall()` (while dialling):
    /// the satisfaction or missed-call text message, LaunchSurvey over `SMS` for the current or last call.
    pub fn launch_short_message(&self, method: Method) {
        self.launch_survey(method, None, Some("SMS".into()));
    }

    /// LaunchSurvey for `method` on the current (or last) call.
    fn launch_survey(
        &self,
        method: Method,
        contact_flow_id: Option<String>,
        channel: Option<String>,
    ) {
        if !self.allowed(method) {
            return;
        }
        let Some(job) = self.job_request(None, None) else {
            return;
        };
        let request = LaunchSurveyRequest {
            instance_id: job.instance_id,
            user_id: job.user_id,
            device_id: job.device_id,
            job_id: job.job_id,
            contact_flow_id,
            survey_channel: channel,
            ..LaunchSurveyRequest::default()
        };
        self.command(method, Action::LaunchSurvey, request, None);
    }

    /// `launchAuthentication(contactFlowId, contactFlowVariables?, callback?)`: the customer goes through the
    /// IVR flow with these variables; the agent stays in the call.
    pub fn launch_authentication(
        &self,
        contact_flow_id: &str,
        variables: Option<Value>,
        done: Option<Done>,
    ) {
        if !self.allowed(Method::LaunchAuthentication) {
            return;
        }
        let contact_flow_id = contact_flow_id.trim();
        if contact_flow_id.is_empty() {
            self.report(5006, "launchAuthentication: contactFlowId is required");
            return;
        }
        let variables = match variables {
            None | Some(Value::Null) => None,
            Some(v @ Value::Object(_)) => Some(v.to_string()),
            Some(_) => {
                self.report(
                    9002,
                    "launchAuthentication: contactFlowVariables must be an object",
                );
                return;
            }
        };
        let Some(job) = self.job_request(None, None) else {
            return;
        };
        let request = LaunchAuthenticationRequest {
            instance_id: job.instance_id,
            user_id: job.user_id,
            device_id: job.device_id,
            job_id: job.job_id,
            contact_flow_id: contact_flow_id.to_owned(),
            contact_flow_variables: variables,
        };
        self.command(
            Method::LaunchAuthentication,
            Action::LaunchAuthentication,
            request,
            done,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::participants;

    #[test]
    fn participant_lists() {
        assert_eq!(
            participants(r#"["8002", "13900000000"]"#).unwrap(),
            ["8002", "13900000000"]
        );
        assert_eq!(participants("[8003]").unwrap(), ["8003"]);
        for bad in [
            "",
            "8002",
            "[]",
            r#"["8002", {}]"#,
            r#"[" "]"#,
            r#"["1","2","3","4","5","6"]"#,
        ] {
            assert!(participants(bad).is_err(), "{bad:?}");
        }
    }
}
