//! The `onErrorNotify` codes and their Chinese tips (`sdk-contract.md` §8.3), and the report the hook receives.

use serde::Serialize;
use serde_json::{json, Value};

/// `errorCode` of an `onErrorNotify` payload: a number for the SDK's own codes, a string for the backend's
/// codes and the contract's named events (`PollUserStatusErrorNotify`) — exactly as the payload carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ErrorCode {
    /// One of the SDK's numeric codes (`9001`, `7001`, …), sent as a JSON number.
    Sdk(u32),
    /// A backend error code (`InvalidOperation.UserState`) or a named event, sent as a JSON string.
    Api(String),
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ErrorCode::Sdk(code) => write!(f, "{code}"),
            ErrorCode::Api(code) => f.write_str(code),
        }
    }
}

/// An operational error for `onErrorNotify({errorCode, errorMsg, errorMsgTip, requestId})`.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorReport {
    /// A numeric SDK code, or the backend's code for API errors.
    pub code: ErrorCode,
    /// The response's message, or the detail object (7001), or the SIP code (5001).
    pub msg: Value,
    /// The SDK's Chinese tip.
    pub tip: String,
    /// Request id of the failing backend call.
    pub request_id: Option<String>,
}

impl ErrorReport {
    /// A report for one of the SDK's own codes, with its verbatim tip.
    pub fn sdk(code: u32, msg: impl Into<String>) -> Self {
        ErrorReport {
            code: ErrorCode::Sdk(code),
            msg: Value::String(msg.into()),
            tip: tip(code).to_owned(),
            request_id: None,
        }
    }

    /// The hook payload.
    pub fn to_json(&self) -> Value {
        let mut v = json!({"errorCode": self.code, "errorMsg": self.msg, "errorMsgTip": self.tip});
        if let Some(id) = &self.request_id {
            v["requestId"] = json!(id);
        }
        v
    }
}

/// The `errorMsgTip` of the named event `PollUserStatusErrorNotify` (verbatim).
pub const POLL_USER_STATUS_TIP: &str = "无法获取坐席状态,请重新登录";

/// The verbatim Chinese tip of an SDK error code.
pub fn tip(code: u32) -> &'static str {
    match code {
        5001 => "外呼失败",
        5002 => "您尚未被加入到技能组中,暂时无法使用,请联系呼叫中心管理员添加",
        5003 => "技能组信息异常",
        5004 => "请检查坐席是否在通话中,并且设置了语音满意度流程",
        5005 => "当前WebScoket连接缓慢,请等待或刷新后重新上线",
        5006 => "请检查坐席是否在通话中,并且传入IVR流程ID",
        6001 => "没有通话Channel信息",
        6002 => "没有通话ChannelID",
        7001 => "已有设备注册,软电话未初始化",
        7002 => "已有设备注册,软电话初始化异常, 请刷新页面",
        7003 => "无法获取接入点信息",
        7004 => "接入点测速失败",
        7005 => "请使用http协议",
        7006 => "浏览器不满足要求",
        7007 => "现在有新设备上线,请检查",
        7008 => "SIP话机不在线",
        9001 => "当前状态不能执行此操作",
        9002 => "参数异常",
        9003 => "执行失败",
        9004 => "软电话已初始化好",
        9005 => "请先调用PrepareSignIn方法",
        9006 => "下线失败",
        9007 => "网络连接失败",
        9008 => "缺少登录信息",
        9009 => "主叫为空",
        9010 => "无可用主叫",
        9012 => "被叫为空",
        8001 | 8002 => "请检查声卡权限",
        8003 => "已在通话中",
        _ => "执行失败",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tips_match_the_contract() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/contract.json");
        let contract =
            serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(path).unwrap())
                .unwrap();
        let errors = contract["errors"].as_object().unwrap();
        let mut numeric = 0;
        for (code, entry) in errors {
            if let Ok(n) = code.parse::<u32>() {
                let expected = entry["zh"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{code}: {entry}"));
                assert_eq!(tip(n), expected, "{code}");
                numeric += 1;
            }
        }
        assert!(numeric >= 30, "{numeric}");
        assert_eq!(
            errors["PollUserStatusErrorNotify"]["zh"],
            POLL_USER_STATUS_TIP
        );
    }

    #[test]
    fn payload_shape() {
        let mut r = ErrorReport::sdk(9001, "call");
        assert_eq!(
            r.to_json(),
            json!({"errorCode": 9001, "errorMsg": "call", "errorMsgTip": "当前状态不能执行此操作"})
        );
        r.request_id = Some("rid".into());
        assert_eq!(r.to_json()["requestId"], "rid");
    }

    #[test]
    fn numeric_codes_stay_numbers_and_named_ones_strings() {
        assert_eq!(json!(ErrorCode::Sdk(7001)), json!(7001));
        assert_eq!(
            json!(ErrorCode::Api("PollUserStatusErrorNotify".into())),
            json!("PollUserStatusErrorNotify")
        );
        let api = ErrorReport {
            code: ErrorCode::Api("InvalidOperation.UserState".into()),
            msg: json!("m"),
            tip: tip(9001).to_owned(),
            request_id: None,
        };
        assert_eq!(api.to_json()["errorCode"], "InvalidOperation.UserState");
        assert_eq!(ErrorCode::Sdk(9007).to_string(), "9007");
        assert_eq!(api.code.to_string(), "InvalidOperation.UserState");
    }
}
