//! Multi-tab calling through `localStorage` (`sdk-contract.md` §9), the pure part: which keys, and what a
//! value written by another tab asks for. `sdk/other_tabs.rs` listens for the browser's `storage` events.

use serde_json::Value;

/// Another tab asks the registered tab to call: `JSON.stringify({callee, caller?, random, …})`.
pub const CALL_KEY: &str = "workbenchSdkCall";
/// Another tab asks the registered tab to hang up: any new value.
pub const HANGUP_KEY: &str = "workbenchSdkHangup";
/// The registered tab's status code, for every tab to read.
pub const STATUS_KEY: &str = "workbenchSdkStatus";

/// What another tab asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum TabRequest {
    /// `call(callee, caller)`.
    Call {
        /// Number to dial.
        callee: String,
        /// Caller number (`''`/`'auto'`/absent = automatic).
        caller: Option<String>,
    },
    /// `hangUp()`.
    HangUp,
}

/// Reads a `storage` event: `None` when it is not for us (another key, or a removal); otherwise the request,
/// or the `onErrorNotify` code and message for a malformed value (9002 not JSON, 9012 no callee).
pub fn read(key: &str, new_value: Option<&str>) -> Option<Result<TabRequest, (u32, String)>> {
    let value = new_value?;
    match key {
        HANGUP_KEY => Some(Ok(TabRequest::HangUp)),
        CALL_KEY => Some(read_call(value)),
        _ => None,
    }
}

fn read_call(value: &str) -> Result<TabRequest, (u32, String)> {
    let parsed = serde_json::from_str::<Value>(value)
        .map_err(|_| (9002, format!("{CALL_KEY} is not JSON: {value}")))?;
    let Value::Object(fields) = parsed else {
        return Err((
            9002,
            format!("{CALL_KEY} must be a JSON object, got {value}"),
        ));
    };
    let text = |name: &str| match fields.get(name) {
        Some(Value::String(s)) => Some(s.trim().to_owned()),
        Some(Value::Number(n)) => n.as_u64().map(|n| n.to_string()),
        _ => None,
    };
    let callee = text("callee")
        .filter(|c| !c.is_empty())
        .ok_or_else(|| (9012, format!("{CALL_KEY} has no callee: {value}")))?;
    Ok(TabRequest::Call {
        callee,
        caller: text("caller"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_from_another_tab() {
        let v = r#"{"callee":"1558888****","caller":"05712823****","publicKey":"","useVirNumCall":true,"random":0.23}"#;
        assert_eq!(
            read(CALL_KEY, Some(v)),
            Some(Ok(TabRequest::Call {
                callee: "1558888****".into(),
                caller: Some("05712823****".into())
            }))
        );
        assert_eq!(
            read(CALL_KEY, Some(r#"{"callee": 13800000001}"#)),
            Some(Ok(TabRequest::Call {
                callee: "13800000001".into(),
                caller: None
            }))
        );
    }

    #[test]
    fn hang_up_removals_and_other_keys() {
        assert_eq!(
            read(HANGUP_KEY, Some("0.123")),
            Some(Ok(TabRequest::HangUp))
        );
        assert_eq!(read(CALL_KEY, None), None, "a removal is not a request");
        assert_eq!(read(STATUS_KEY, Some("3")), None);
        assert_eq!(read("somethingElse", Some("{}")), None);
    }

    #[test]
    fn malformed_values_are_errors_not_calls() {
        // The document's prose writes typographic quotes: not JSON.
        let prose = "{callee: ‘1558888****’}";
        assert_eq!(read(CALL_KEY, Some(prose)).unwrap().unwrap_err().0, 9002);
        assert_eq!(read(CALL_KEY, Some("[1,2]")).unwrap().unwrap_err().0, 9002);
        assert_eq!(
            read(CALL_KEY, Some(r#"{"caller":"1"}"#))
                .unwrap()
                .unwrap_err()
                .0,
            9012
        );
        assert_eq!(
            read(CALL_KEY, Some(r#"{"callee":"  "}"#))
                .unwrap()
                .unwrap_err()
                .0,
            9012
        );
    }
}
