//! The SIP status codes of a failed outbound call and their Chinese tips (`sdk-contract.md` §8.5), for
//! `onErrorNotify({errorCode: 5001, errorMsg: <SIP code>, errorMsgTip})`.

/// The Chinese tip of SIP status `code`; codes outside the table get the general 5001 tip.
pub fn sip_tip(code: u16) -> &'static str {
    match code {
        100 => "正在处理中",
        180 => "振铃",
        181 => "会话进行",
        182 => "排队",
        200 => "会话成功",
        300 => "多重选择",
        301 => "永久移动",
        302 => "临时移动",
        305 => "用户代理",
        380 => "替代服务",
        400 => "错误请求",
        401 => "未授权",
        402 => "付费要求",
        403 => "禁止",
        404 => "未发现",
        405 => "方法不允许",
        406 => "不可接受",
        407 => "代理需要认证",
        408 => "请求超时",
        410 => "离开",
        413 => "请求实体太大",
        414 => "请求URL太长",
        415 => "不支持的媒体类型",
        416 => "不支持的URL计划",
        420 => "不良扩展",
        421 => "需要扩展",
        423 => "间隔太短",
        480 => "临时失效",
        481 => "呼叫/事务不存在",
        482 => "发现环路",
        483 => "跳数太多",
        484 => "地址不完整",
        485 => "不明朗",
        486 => "这里忙",
        487 => "请求终止",
        488 => "这里请求不可接受",
        491 => "未决请求",
        493 => "不可辨识",
        500 => "服务器内部错误",
        501 => "不可执行",
        502 => "坏网关",
        503 => "服务无效",
        504 => "服务器超时",
        505 => "版本不支持",
        513 => "消息太大",
        600 => "全忙",
        603 => "丢弃",
        604 => "不存在",
        606 => "不可接受",
        _ => "外呼失败",
    }
}

/// The SIP status at the start of a CCC `ReleaseReason` such as `"486 - Busy Here"`.
pub fn sip_code(release_reason: &str) -> Option<u16> {
    let digits: String = release_reason
        .trim()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok().filter(|c| (100..700).contains(c))
}

/// Whether a failed dial with this SIP status is worth a 5001: the far end refused or could not be reached.
/// Not for 487 (the agent cancelled) or success codes.
pub fn is_failure(code: u16) -> bool {
    code >= 300 && code != 487
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tips_match_the_contract_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/contract.json");
        let contract =
            serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(path).unwrap())
                .unwrap();
        let table = contract["sipCodes"].as_object().unwrap();
        assert_eq!(table.len(), 49);
        for (code, entry) in table {
            assert_eq!(
                sip_tip(code.parse().unwrap()),
                entry["zh"].as_str().unwrap(),
                "SIP {code}"
            );
        }
        assert_eq!(sip_tip(499), "外呼失败");
    }

    #[test]
    fn release_reasons() {
        assert_eq!(sip_code("486 - Busy Here"), Some(486));
        assert_eq!(sip_code("480 - Temporarily Unavailable"), Some(480));
        assert_eq!(sip_code("Busy"), None);
        assert!(is_failure(486) && !is_failure(487) && !is_failure(200));
    }
}
