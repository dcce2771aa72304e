//! The response envelope every 2020-07-01 action answers with (`ccc-api-2020-07-01.md` §1.2, §1.3).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::read::{self, FromJson, ReadError};

/// The success code of the CCC OpenAPI.
pub const OK: &str = "OK";

/// `{Code, HttpStatusCode, Message, RequestId, Data, Params}`, PascalCase as the OpenAPI sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Envelope<T = Value> {
    /// `"OK"` on success, a dotted error code otherwise. Absent in some hand-written backends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Mirrors the HTTP status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status_code: Option<u16>,
    /// Human-readable message; empty on success.
    #[serde(default)]
    pub message: String,
    /// Request id, for support.
    #[serde(default)]
    pub request_id: String,
    /// Action-specific payload.
    #[serde(default = "Option::default", skip_serializing_if = "Option::is_none")]
    pub data: Option<T>,
    /// The `%s` values of an error message, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<String>,
}

/// Every key may be absent, as serde reads an envelope.
impl<T: FromJson> FromJson for Envelope<T> {
    fn from_json(value: &Value) -> Result<Self, ReadError> {
        let object = read::object(value, "an object (a CCC envelope)")?;
        let mut envelope = Envelope {
            code: None,
            http_status_code: None,
            message: String::new(),
            request_id: String::new(),
            data: None,
            params: Vec::new(),
        };
        read::field(object, "Code", &mut envelope.code)?;
        read::field(object, "HttpStatusCode", &mut envelope.http_status_code)?;
        read::field(object, "Message", &mut envelope.message)?;
        read::field(object, "RequestId", &mut envelope.request_id)?;
        read::field(object, "Data", &mut envelope.data)?;
        read::field(object, "Params", &mut envelope.params)?;
        Ok(envelope)
    }
}

impl<T> Envelope<T> {
    /// A success envelope carrying `data`.
    pub fn ok(request_id: impl Into<String>, data: T) -> Self {
        Envelope {
            code: Some(OK.into()),
            http_status_code: Some(200),
            message: String::new(),
            request_id: request_id.into(),
            data: Some(data),
            params: Vec::new(),
        }
    }

    /// An error envelope (HTTP status and body agree).
    pub fn error(request_id: impl Into<String>, err: ApiError) -> Self {
        Envelope {
            code: Some(err.code),
            http_status_code: Some(err.http_status),
            message: err.message,
            request_id: request_id.into(),
            data: None,
            params: err.params,
        }
    }

    /// Success means `Code == "OK"`, or no code with `HttpStatusCode == 200` (sdk-contract §4.4).
    pub fn is_success(&self) -> bool {
        match &self.code {
            Some(code) => code == OK,
            None => self.http_status_code.unwrap_or(200) == 200,
        }
    }

    /// Splits into the payload or the error it reports.
    pub fn into_result(self) -> Result<Option<T>, ApiError> {
        if self.is_success() {
            Ok(self.data)
        } else {
            Err(ApiError {
                http_status: self.http_status_code.unwrap_or(500),
                code: self.code.unwrap_or_else(|| "Unknown".into()),
                message: self.message,
                params: self.params,
                request_id: self.request_id,
            })
        }
    }
}

/// A CCC business error (`ccc-api-2020-07-01.md` §1.4): what the emulator raises and what the panel reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status of the answer.
    pub http_status: u16,
    /// Dotted code such as `InvalidOperation.UserState`.
    pub code: String,
    /// The message with its `%s` filled in.
    pub message: String,
    /// The `%s` values, in order.
    pub params: Vec<String>,
    /// Request id of the failing call, when known.
    pub request_id: String,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.http_status, self.message)
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    fn new(http_status: u16, code: &str, message: String, params: Vec<String>) -> Self {
        ApiError {
            http_status,
            code: code.into(),
            message,
            params,
            request_id: String::new(),
        }
    }

    /// 400 `InvalidOperation.UserState`: the agent is in `actual`, the action wants one of `expected`.
    pub fn user_state(actual: &str, expected: &[&str]) -> Self {
        let expected = expected.join(",");
        Self::new(
            400,
            "InvalidOperation.UserState",
            format!("The operation is not allowed. User state ({actual}) does not meet expectations ({expected})."),
            vec![actual.into(), expected],
        )
    }

    /// 400 `InvalidOperation.ChannelState`.
    pub fn channel_state(actual: &str, expected: &[&str]) -> Self {
        let expected = expected.join(",");
        Self::new(
            400,
            "InvalidOperation.ChannelState",
            format!("The operation is not allowed. Channel stats ({actual}) does not meet expectations ({expected})."),
            vec![actual.into(), expected],
        )
    }

    /// 400 `Parameter.Blank`: a required parameter is missing or blank.
    pub fn blank(param: &str) -> Self {
        Self::new(
            400,
            "Parameter.Blank",
            format!("The parameter {param} may not be null or blank."),
            vec![param.into()],
        )
    }

    /// 400 `Parameter.Invalid`.
    pub fn invalid(param: &str, why: &str) -> Self {
        Self::new(
            400,
            "Parameter.Invalid",
            format!("The parameter {param} is invalid. {why}."),
            vec![param.into(), why.into()],
        )
    }

    /// 400 `UserBusy` (MakeCall to a busy agent).
    pub fn user_busy(user: &str) -> Self {
        Self::new(
            400,
            "UserBusy",
            format!("The user {user} you called was busy. Please try again later."),
            vec![user.into()],
        )
    }

    /// 404 `NotExists.InstanceId`.
    pub fn no_instance(instance: &str) -> Self {
        Self::new(
            404,
            "NotExists.InstanceId",
            format!("The specified instance {instance} does not exist."),
            vec![instance.into()],
        )
    }

    /// 404 `NotExists.UserId`.
    pub fn no_user(user: &str, instance: &str) -> Self {
        Self::new(
            404,
            "NotExists.UserId",
            format!("The user {user} does not exist in instance {instance}."),
            vec![user.into(), instance.into()],
        )
    }

    /// 404 `NotExists.JobId`.
    pub fn no_job(job: &str) -> Self {
        Self::new(
            404,
            "NotExists.JobId",
            format!("The call {job} does not exist."),
            vec![job.into()],
        )
    }

    /// 404 `NotExists.ChannelId`.
    pub fn no_channel(channel: &str, job: &str) -> Self {
        Self::new(
            404,
            "NotExists.ChannelId",
            format!("The specified channel {channel} does not exist in call {job}."),
            vec![channel.into(), job.into()],
        )
    }

    /// 404 `NotExists.SkillGroupId`.
    pub fn no_skill_group(group: &str, instance: &str) -> Self {
        Self::new(
            404,
            "NotExists.SkillGroupId",
            format!("The skill group ID {group} does not exist in instance {instance}."),
            vec![group.into(), instance.into()],
        )
    }

    /// 404 `NotExists.Action`: the action is unknown to this server.
    pub fn no_action(action: &str) -> Self {
        Self::new(
            404,
            "NotExists.Action",
            format!("The action {action} is not supported."),
            vec![action.into()],
        )
    }

    /// 403 `Permission.User`.
    pub fn forbidden(what: &str) -> Self {
        Self::new(
            403,
            "Permission.User",
            format!("You have no permission to access {what}."),
            vec![what.into()],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn user_state_error_matches_the_published_example() {
        let env: Envelope = Envelope::error(
            "B7C33B8E",
            ApiError::user_state("OFFLINE", &["BREAK", "READY", "WORKING"]),
        );
        assert_eq!(
            serde_json::to_value(&env).unwrap(),
            json!({
                "Code": "InvalidOperation.UserState",
                "HttpStatusCode": 400,
                "Message": "The operation is not allowed. User state (OFFLINE) does not meet expectations (BREAK,READY,WORKING).",
                "Params": ["OFFLINE", "BREAK,READY,WORKING"],
                "RequestId": "B7C33B8E"
            })
        );
    }

    #[test]
    fn success_rules() {
        let ok: Envelope = serde_json::from_value(json!({"Code": "OK", "Data": 1})).unwrap();
        assert!(ok.is_success());
        let no_code: Envelope = serde_json::from_value(json!({"HttpStatusCode": 200})).unwrap();
        assert!(no_code.is_success());
        let sign_out_quirk: Envelope =
            serde_json::from_value(json!({"Code": "200", "HttpStatusCode": 200})).unwrap();
        assert!(!sign_out_quirk.is_success(), "only OK counts as success");
        let err: Envelope = serde_json::from_value(
            json!({"Code": "UserBusy", "HttpStatusCode": 400, "Message": "m", "RequestId": "r"}),
        )
        .unwrap();
        let e = err.into_result().unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.http_status, e.request_id.as_str()),
            ("UserBusy", 400, "r")
        );
    }

    #[test]
    fn envelope_round_trips() {
        let env = Envelope::ok("r1", json!({"A": [1, 2]}));
        let back: Envelope = serde_json::from_str(&serde_json::to_string(&env).unwrap()).unwrap();
        assert_eq!(back, env);
    }
}
