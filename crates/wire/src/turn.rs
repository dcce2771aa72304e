//! GetTurnServerList and GetTurnCredentials: the TURN access points ("接入点") a soft phone may relay its
//! media through, and the credentials for them (`ccc-api-2020-07-01.md`).
//!
//! GetTurnServerList's `Data` is a *string holding a JSON array* of [`AccessPoint`]s with lowercase keys
//! (`[{"region":"shanghai","name":"上海","domain":"turn-sh-ecs.ccc.aliyuncs.com","cidr":"…"}]`);
//! [`parse_access_points`] reads it (an actual array is accepted as well, in either key case).
//! GetTurnCredentials' `Data` is `{UserName, Password}`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::read::{from_json_defaulted, object, FromJson, ReadError};

/// Request of GetTurnServerList.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetTurnServerListRequest {
    /// Instance id.
    pub instance_id: String,
}

/// Request of GetTurnCredentials.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetTurnCredentialsRequest {
    /// Instance id.
    pub instance_id: String,
    /// Agent; defaults to the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

/// One access point of GetTurnServerList (lowercase keys on the wire, inside the `Data` string).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AccessPoint {
    /// Region id, what `register(…, accessPoint)` and `switchAccessPoint` name (`shanghai`, …).
    #[serde(alias = "Region")]
    pub region: String,
    /// Display name (`上海`).
    #[serde(alias = "Name")]
    pub name: String,
    /// The TURN server: a host name or `host:port` (port 3478 when left out).
    #[serde(alias = "Domain")]
    pub domain: String,
    /// The network the relay addresses come from (informational).
    #[serde(alias = "Cidr")]
    pub cidr: String,
}

/// Each field under its lowercase key or its PascalCase alias, as serde reads it: both at once is a
/// duplicate, which serde refuses too.
impl FromJson for AccessPoint {
    fn from_json(value: &Value) -> Result<Self, ReadError> {
        let point = object(value, "an object (an access point)")?;
        let read = |key: &'static str, alias: &'static str| -> Result<String, ReadError> {
            match (point.get(key), point.get(alias)) {
                (Some(_), Some(_)) => Err(ReadError::expected("one of the two spellings").at(key)),
                (Some(v), None) => String::from_json(v).map_err(|e| e.at(key)),
                (None, Some(v)) => String::from_json(v).map_err(|e| e.at(alias)),
                (None, None) => Ok(String::new()),
            }
        };
        Ok(AccessPoint {
            region: read("region", "Region")?,
            name: read("name", "Name")?,
            domain: read("domain", "Domain")?,
            cidr: read("cidr", "Cidr")?,
        })
    }
}

/// Data of GetTurnCredentials.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TurnCredentials {
    /// TURN user name.
    pub user_name: String,
    /// TURN password.
    pub password: String,
}

from_json_defaulted!(TurnCredentials {
    user_name: "UserName",
    password: "Password",
});

impl std::fmt::Debug for TurnCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TurnCredentials")
            .field("user_name", &self.user_name)
            .field("password", &"***")
            .finish()
    }
}

/// GetTurnServerList's `Data` for `points`: the JSON array as a string.
pub fn access_point_list(points: &[AccessPoint]) -> String {
    serde_json::to_string(points).unwrap_or_else(|_| "[]".into())
}

/// Reads GetTurnServerList's `Data`: a string holding a JSON array (an empty string or `null` is no access
/// point), or the array itself. `None` when it is neither.
pub fn parse_access_points(data: &Value) -> Option<Vec<AccessPoint>> {
    match data {
        Value::Null => Some(Vec::new()),
        Value::String(s) if s.trim().is_empty() => Some(Vec::new()),
        Value::String(s) => serde_json::from_str::<Value>(s)
            .ok()
            .and_then(|list| Vec::from_json(&list).ok()),
        Value::Array(_) => Vec::from_json(data).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_list_is_a_string_holding_an_array() {
        let points = vec![AccessPoint {
            region: "shanghai".into(),
            name: "上海".into(),
            domain: "turn-sh-ecs.ccc.aliyuncs.com".into(),
            cidr: "172.31.0.0/28".into(),
        }];
        let data = access_point_list(&points);
        assert_eq!(
            data,
            r#"[{"region":"shanghai","name":"上海","domain":"turn-sh-ecs.ccc.aliyuncs.com","cidr":"172.31.0.0/28"}]"#
        );
        assert_eq!(
            parse_access_points(&Value::String(data)),
            Some(points.clone())
        );
        // An array, also after a backend turned the keys to PascalCase.
        let array = json!([{"Region": "shanghai", "Name": "上海",
                            "Domain": "turn-sh-ecs.ccc.aliyuncs.com", "Cidr": "172.31.0.0/28"}]);
        assert_eq!(parse_access_points(&array), Some(points));
        assert_eq!(parse_access_points(&json!("")), Some(vec![]));
        assert_eq!(parse_access_points(&Value::Null), Some(vec![]));
        assert_eq!(parse_access_points(&json!("not json")), None);
        assert_eq!(parse_access_points(&json!(3)), None);
    }

    #[test]
    fn credentials_are_pascal_case_and_debug_hides_the_password() {
        let c: TurnCredentials =
            serde_json::from_value(json!({"UserName": "u", "Password": "p"})).unwrap();
        assert_eq!((c.user_name.as_str(), c.password.as_str()), ("u", "p"));
        let shown = format!("{c:?}");
        assert!(shown.contains("***") && !shown.contains("\"p\""), "{shown}");
        assert_eq!(
            serde_json::to_value(GetTurnCredentialsRequest {
                instance_id: "i".into(),
                user_id: None
            })
            .unwrap(),
            json!({"InstanceId": "i"})
        );
    }
}
