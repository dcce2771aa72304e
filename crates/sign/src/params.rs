//! A request's JSON as the RPC parameters the OpenAPI takes (`ccc-api-2020-07-01.md` §1), the one
//! conversion both the browser's AK/SK mode and the server's upstream proxy sign: the top-level keys as
//! they are, strings as they are, numbers and booleans as their text, arrays and objects as their compact
//! JSON text (`SignedSkillGroupIdList=["a","b"]`, never flattened into `List.1=a`: CCC declares these
//! parameters as strings holding JSON), nulls left out.

use serde_json::Value;

/// `request`'s parameters; anything but a JSON object has none.
pub fn rpc_params(request: Value) -> Vec<(String, String)> {
    let Value::Object(map) = request else {
        return Vec::new();
    };
    map.into_iter()
        .filter_map(|(key, value)| param_text(value).map(|text| (key, text)))
        .collect()
}

/// One parameter's text; `None` for a null (the parameter is not sent).
pub fn param_text(value: Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sorted(request: Value) -> Vec<(String, String)> {
        let mut params = rpc_params(request);
        params.sort();
        params
    }

    fn pair(k: &str, v: &str) -> (String, String) {
        (k.to_owned(), v.to_owned())
    }

    #[test]
    fn scalars_are_text_and_nulls_are_left_out() {
        assert_eq!(
            sorted(
                json!({"InstanceId": "ccc-demo", "PageSize": 100, "OutboundScenario": true,
                "Ratio": 0.5, "DeviceId": null, "Empty": ""})
            ),
            [
                pair("Empty", ""),
                pair("InstanceId", "ccc-demo"),
                pair("OutboundScenario", "true"),
                pair("PageSize", "100"),
                pair("Ratio", "0.5"),
            ]
        );
    }

    #[test]
    fn arrays_and_objects_stay_json_text_at_the_top_level() {
        assert_eq!(
            sorted(json!({
                "SignedSkillGroupIdList": ["a", "b"],
                "Criteria": {"phoneNumber": "138", "nested": {"list": [1, null, "x"]}},
                "Nothing": [],
            })),
            [
                pair(
                    "Criteria",
                    r#"{"nested":{"list":[1,null,"x"]},"phoneNumber":"138"}"#
                ),
                pair("Nothing", "[]"),
                pair("SignedSkillGroupIdList", r#"["a","b"]"#),
            ]
        );
    }

    #[test]
    fn strings_are_not_quoted_or_escaped() {
        assert_eq!(
            rpc_params(json!({"ContactFlowVariables": r#"{"a":"b"}"#, "Name": "张三 & co"})),
            [
                pair("ContactFlowVariables", r#"{"a":"b"}"#),
                pair("Name", "张三 & co"),
            ]
        );
    }

    #[test]
    fn only_an_object_has_parameters() {
        for v in [json!(null), json!([1, 2]), json!("a"), json!(3)] {
            assert!(rpc_params(v.clone()).is_empty(), "{v}");
        }
        assert_eq!(param_text(json!(null)), None);
        assert_eq!(param_text(json!(false)).as_deref(), Some("false"));
    }
}
