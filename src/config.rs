//! The SDK's `config` object, typed (`sdk-contract.md` §3).
//!
//! [`Config::from_json`] reads the JSON form of the host's config (functions stripped; the hooks are read by
//! `sdk.rs`). Required options missing are developer errors ([`ConfigError`]); every other wrong type is
//! tolerated with the documented default, as the contract asks (`width: "320px"` works).

use agent_state::{AfterCall, Rules};
use serde_json::{Map, Value};

/// The hook options, in the contract's order. A present, non-function value for any of them (or for
/// `apiAxiosFunc`) is a developer error thrown from the constructor.
pub const HOOKS: [&str; 21] = [
    "onInit",
    "onRegister",
    "onLogIn",
    "onLogOut",
    "onBreak",
    "onReady",
    "onAgentOutboundScenario",
    "onCallComing",
    "onBeforeCallDialing",
    "onCallDialing",
    "onHangUp",
    "onBeforeCallHangup",
    "onCallEstablish",
    "onCallRelease",
    "onErrorNotify",
    "onStatusChange",
    "onWorkModeChange",
    "onDeviceTypeChange",
    "onGetStatsData",
    "onSelectOutboundNumber",
    "onSelectCurrentCallRecord",
];

/// The `moreActionList` values, in the contract's order.
pub const MORE_ACTIONS: [&str; 7] = [
    "online",
    "ready",
    "onlyCall",
    "break",
    "offline",
    "adjustVolume",
    "changeWorkMode",
];

/// The `sideNavList` values: the contract's Chinese names, which hosts pass in `sideNavList` and the panel
/// keeps as the entry's key (`View::nav`, `data-nav`) in every language; `i18n` gives what is shown.
pub mod nav {
    /// 呼入: the incoming call.
    pub const INBOUND: &str = "呼入";
    /// 呼出: dialling.
    pub const OUTBOUND: &str = "呼出";
    /// 内部通话: calling a colleague.
    pub const INTERNAL: &str = "内部通话";
    /// 通话记录: recent calls.
    pub const RECORDS: &str = "通话记录";
    /// 转接: transfers.
    pub const TRANSFER: &str = "转接";
    /// 会议: conferences.
    pub const CONFERENCE: &str = "会议";
    /// 监听: supervision.
    pub const MONITOR: &str = "监听";
    /// 我的工作: today's figures.
    pub const MY_WORK: &str = "我的工作";
    /// 设备检测: browser and audio-device checks.
    pub const DEVICE_CHECK: &str = "设备检测";
    /// 设置: agent facts, work mode, volumes.
    pub const SETTINGS: &str = "设置";
}

/// The `sideNavList` values, in canonical order.
pub const SIDE_NAV: [&str; 10] = [
    nav::INBOUND,
    nav::OUTBOUND,
    nav::INTERNAL,
    nav::RECORDS,
    nav::TRANSFER,
    nav::CONFERENCE,
    nav::MONITOR,
    nav::MY_WORK,
    nav::DEVICE_CHECK,
    nav::SETTINGS,
];

/// The panel's language (`language`, this SDK's own option): `zh-CN` (default, the original's panel) or
/// `en-US`. Only what the panel shows changes; hook payloads (status names, `errorMsgTip`) stay the
/// contract's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    /// 简体中文, the default.
    #[default]
    ZhCn,
    /// English.
    EnUs,
}

impl Language {
    /// `zh-CN` / `en-US` (also `zh` / `en`, any casing); anything else is `None`, which the config reads as
    /// the default, as it does for other values of the wrong kind.
    pub fn parse(value: &str) -> Option<Language> {
        let v = value.trim();
        if v.eq_ignore_ascii_case("zh-CN") || v.eq_ignore_ascii_case("zh") {
            Some(Language::ZhCn)
        } else if v.eq_ignore_ascii_case("en-US") || v.eq_ignore_ascii_case("en") {
            Some(Language::EnUs)
        } else {
            None
        }
    }

    /// The BCP 47 tag: the panel root's `lang` attribute and the locale dates are written in.
    pub fn tag(self) -> &'static str {
        match self {
            Language::ZhCn => "zh-CN",
            Language::EnUs => "en-US",
        }
    }
}

/// A developer error in the config: the constructor throws it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// A required option is missing or empty.
    Missing(&'static str),
    /// A hook option is not a function.
    NotAFunction(String),
    /// The config is not an object.
    NotAnObject,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::Missing(name) => write!(f, "{name} is required"),
            ConfigError::NotAFunction(name) => write!(f, "{name} must be a function"),
            ConfigError::NotAnObject => f.write_str("config must be an object"),
        }
    }
}

/// HTTP method of the built-in transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AjaxMethod {
    /// `request` in a form-urlencoded body.
    Post,
    /// `request` in the query string.
    Get,
}

/// The typed config.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Id of the mount element (empty when the host passed an element; `sdk.rs` checks presence).
    pub dom: String,
    /// Instance id (domain name).
    pub instance_id: String,
    /// Region, `cn-shanghai` when absent.
    pub region_id: String,
    /// Show the header.
    pub header: bool,
    /// Panel width in px.
    pub width: u32,
    /// Panel height in px.
    pub height: u32,
    /// Panel shown initially.
    pub default_visible: bool,
    /// Panel expanded initially.
    pub default_main_content_visible: bool,
    /// Transition rules for the reducer (`afterCallRule`, `autoAnswerCall`, …).
    pub rules: Rules,
    /// `isLoggedKeepBreak`.
    pub logged_keep_break: bool,
    /// Request origin (empty = the page's origin).
    pub ajax_origin: String,
    /// Request path.
    pub ajax_path: String,
    /// Query parameter naming the action.
    pub ajax_api_param_name: String,
    /// POST or GET.
    pub ajax_method: AjaxMethod,
    /// Send cookies cross-origin.
    pub with_credentials: bool,
    /// Extra parameters beside `request`.
    pub ajax_other_params: Vec<(String, String)>,
    /// Extra headers.
    pub ajax_headers: Vec<(String, String)>,
    /// Toast API errors.
    pub export_error_of_api: bool,
    /// Header actions, in the given order, unknown values dropped.
    pub more_action_list: Vec<String>,
    /// Side-nav entries, canonical order, unknown values dropped.
    pub side_nav_list: Vec<String>,
    /// Multi-tab calling.
    pub use_local_storage_to_call: bool,
    /// Poll interval without a push channel, ms.
    pub poll_without_ws_ms: u32,
    /// Poll interval with a push channel, ms.
    pub poll_with_ws_ms: u32,
    /// Show the minimise icon.
    pub reduce_panel: bool,
    /// Image shown while offline (empty = built-in).
    pub offline_image: String,
    /// Image shown while on break (empty = built-in).
    pub break_image: String,
    /// `true`: the host shows its own incoming-call notification; the SDK shows none.
    pub customized_notification: bool,
    /// SaveWebRtcInfo interval, ms (at least 2000).
    pub poll_save_web_rtc_info_ms: u32,
    /// Do not send call-quality statistics.
    pub disable_save_stats: bool,
    /// Offer access-point switching.
    pub enable_switch_adapter: bool,
    /// The soft phone's echo cancellation, noise suppression and automatic gain (`audioProcessing`, this
    /// SDK's own option; default on — tests turn it off to measure a known tone).
    pub audio_processing: bool,
    /// AK/SK direct mode (`accessKeyId` + `accessKeySecret`): the browser signs and calls `RPCEndPoint`.
    pub direct: Option<DirectMode>,
    /// What the panel shows its texts in (`language`, this SDK's own option; default `zh-CN`).
    pub language: Language,
    /// Move the keyboard focus to 接听 when a call rings even if the panel does not have it (`focusOnRing`,
    /// this SDK's own option; default off: the focus moves only when it is already inside the panel).
    pub focus_on_ring: bool,
    /// Keyboard shortcuts for answer / hang up / mute / hold (`shortcuts`, this SDK's own option; see
    /// [`crate::shortcuts`] for the defaults and the syntax).
    pub shortcuts: crate::shortcuts::Shortcuts,
}

/// The seed's quick-validation mode: the page holds an AccessKey and calls the OpenAPI itself.
#[derive(Clone, PartialEq)]
pub struct DirectMode {
    /// `accessKeyId`.
    pub access_key_id: String,
    /// `accessKeySecret` (never printed).
    pub access_key_secret: String,
    /// `RPCEndPoint`, e.g. `https://ccc.cn-shanghai.aliyuncs.com`.
    pub endpoint: String,
}

impl std::fmt::Debug for DirectMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectMode")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"***")
            .field("endpoint", &self.endpoint)
            .finish()
    }
}

impl Config {
    /// Reads the JSON form of the host's config.
    pub fn from_json(value: &Value) -> Result<Config, ConfigError> {
        let obj = value.as_object().ok_or(ConfigError::NotAnObject)?;
        let str_of = |k: &str| {
            obj.get(k)
                .and_then(Value::as_str)
                .map(str::trim)
                .unwrap_or("")
                .to_owned()
        };
        let bool_of = |k: &str, d: bool| obj.get(k).and_then(Value::as_bool).unwrap_or(d);
        let dom = str_of("dom");
        let instance_id = str_of("instanceId");
        if instance_id.is_empty() {
            return Err(ConfigError::Missing("instanceId"));
        }
        let region_id = Some(str_of("regionId"))
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| "cn-shanghai".into());
        let direct = direct_mode(
            &str_of("accessKeyId"),
            &str_of("accessKeySecret"),
            &str_of("RPCEndPoint"),
            &region_id,
        );
        Ok(Config {
            dom,
            instance_id,
            region_id,
            header: bool_of("header", true),
            width: px(obj.get("width")).unwrap_or(320),
            height: px(obj.get("height")).unwrap_or(580),
            default_visible: bool_of("defaultVisible", true),
            default_main_content_visible: bool_of("defaultMainContentVisible", true),
            rules: Rules {
                after_call: after_call_rule(obj.get("afterCallRule")),
                auto_answer: number(obj.get("autoAnswerCall"))
                    .filter(|s| *s > 0.0)
                    .map(|s| s as u32),
                unanswered_outbound_after_call: bool_of(
                    "isOutboundNotReceivedToBeProcessed",
                    false,
                ),
            },
            logged_keep_break: bool_of("isLoggedKeepBreak", false),
            ajax_origin: str_of("ajaxOrigin"),
            ajax_path: Some(str_of("ajaxPath"))
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| "/data/api.json".into()),
            ajax_api_param_name: Some(str_of("ajaxApiParamName"))
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| "action".into()),
            ajax_method: if str_of("ajaxMethod").eq_ignore_ascii_case("get") {
                AjaxMethod::Get
            } else {
                AjaxMethod::Post
            },
            with_credentials: bool_of("withCredentials", false),
            ajax_other_params: pairs(obj.get("ajaxOtherParams")),
            ajax_headers: pairs(obj.get("ajaxHeaders")),
            export_error_of_api: bool_of("exportErrorOfApi", false),
            more_action_list: listed(obj.get("moreActionList"), &MORE_ACTIONS, false)
                .unwrap_or_else(|| {
                    ["break", "offline", "adjustVolume", "changeWorkMode"]
                        .map(String::from)
                        .to_vec()
                }),
            side_nav_list: listed(obj.get("sideNavList"), &SIDE_NAV, true)
                .unwrap_or_else(|| SIDE_NAV.map(String::from).to_vec()),
            use_local_storage_to_call: bool_of("useLocalStorageToCall", false),
            poll_without_ws_ms: interval(obj.get("pollFrequenceWithoutWS"), 1000),
            poll_with_ws_ms: interval(obj.get("pollFrequenceWithWS"), 10000),
            reduce_panel: bool_of("reducePanel", true),
            offline_image: str_of("offlineImage"),
            break_image: str_of("breakImage"),
            customized_notification: bool_of("customizedNotification", false),
            poll_save_web_rtc_info_ms: number(obj.get("pollSaveWebRtcInfoFrequence"))
                .map_or(10_000, |n| (n.round() as u32).max(2000)),
            disable_save_stats: bool_of("disableSaveStats", false),
            enable_switch_adapter: bool_of("isEnableSwitchAdapter", true),
            audio_processing: bool_of("audioProcessing", true),
            direct,
            language: Language::parse(&str_of("language")).unwrap_or_default(),
            focus_on_ring: bool_of("focusOnRing", false),
            shortcuts: crate::shortcuts::Shortcuts::from_option(obj.get("shortcuts")),
        })
    }
}

fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => decimal(s),
        _ => None,
    }
    .filter(|n| n.is_finite())
}

/// AK/SK direct mode when both halves of the key are given; the endpoint defaults to the region's.
fn direct_mode(id: &str, secret: &str, endpoint: &str, region: &str) -> Option<DirectMode> {
    if id.is_empty() || secret.is_empty() {
        return None;
    }
    let endpoint = if endpoint.is_empty() {
        format!("https://ccc.{region}.aliyuncs.com")
    } else {
        endpoint.to_owned()
    };
    Some(DirectMode {
        access_key_id: id.to_owned(),
        access_key_secret: secret.to_owned(),
        endpoint,
    })
}

/// A px size: a number, or a string such as `"320px"` / `"320"`.
fn px(v: Option<&Value>) -> Option<u32> {
    match v? {
        Value::String(s) => px_text(s),
        other => number(Some(other))
            .filter(|n| *n > 0.0)
            .map(|n| n.round() as u32),
    }
}

/// `"320px"`, `" 320 "`, `"320.4"` → 320; anything else (including 0 and negative sizes) → `None`.
pub fn px_text(s: &str) -> Option<u32> {
    decimal(s.trim().trim_end_matches("px"))
        .filter(|n| *n > 0.0)
        .map(|n| n.round() as u32)
}

/// A non-negative decimal number written as digits with an optional fraction (`"15"`, `"2.5"`).
///
/// Hand-rolled on purpose: `str::parse::<f64>` (with `f64`'s `Display`) adds ~18 KB to the wasm, and config
/// values never need exponents or signs.
pub fn decimal(s: &str) -> Option<f64> {
    let s = s.trim();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() && frac.is_empty() || !digits(int) || !digits(frac) || int.len() > 15 {
        return None;
    }
    let whole = if int.is_empty() {
        0
    } else {
        int.parse::<u64>().ok()?
    };
    let frac = &frac[..frac.len().min(9)];
    let fraction = if frac.is_empty() {
        0.0
    } else {
        frac.parse::<u64>().ok()? as f64 / 10u64.pow(frac.len() as u32) as f64
    };
    Some(whole as f64 + fraction)
}

fn after_call_rule(v: Option<&Value>) -> AfterCall {
    match v {
        Some(Value::String(s)) if s.trim() == "manual" => AfterCall::Manual,
        other => number(other)
            .filter(|n| *n >= 0.0)
            .map_or(AfterCall::Seconds(15), |n| AfterCall::Seconds(n as u32)),
    }
}

fn interval(v: Option<&Value>, default: u32) -> u32 {
    number(v)
        .filter(|n| *n >= 1.0)
        .map_or(default, |n| n as u32)
}

fn pairs(v: Option<&Value>) -> Vec<(String, String)> {
    let Some(Value::Object(map)) = v else {
        return Vec::new();
    };
    map.iter()
        .filter_map(|(k, v)| scalar(v).map(|s| (k.clone(), s)))
        .collect::<Vec<_>>()
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Object(_) | Value::Array(_) | Value::Null => None,
    }
}

/// Known values of a list option: in the given order, or in `allowed`'s order when `canonical`.
fn listed(v: Option<&Value>, allowed: &[&str], canonical: bool) -> Option<Vec<String>> {
    let given: Vec<&str> = v?.as_array()?.iter().filter_map(Value::as_str).collect();
    let mut out: Vec<String> = if canonical {
        allowed
            .iter()
            .filter(|a| given.contains(a))
            .map(|s| s.to_string())
            .collect()
    } else {
        given
            .into_iter()
            .filter(|g| allowed.contains(g))
            .map(String::from)
            .collect()
    };
    out.dedup();
    Some(out)
}

/// Helper for tests and `sdk.rs`: an empty JSON object.
pub fn empty_object() -> Value {
    Value::Object(Map::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> Config {
        Config::from_json(&v).expect("valid config")
    }

    #[test]
    fn the_documents_example_config_is_accepted() {
        let c = parse(json!({
            "dom": "workbench-container", "regionId": "cn-shanghai", "width": "320px", "height": "552px",
            "instanceId": "XXX", "ajaxPath": "/aliyun/ccc/api", "ajaxMethod": "post", "afterCallRule": 15,
            "header": true, "autoAnswerCall": 8, "exportErrorOfApi": true
        }));
        assert_eq!((c.width, c.height), (320, 552));
        assert_eq!(c.ajax_path, "/aliyun/ccc/api");
        assert_eq!(c.rules.auto_answer, Some(8));
        assert_eq!(c.rules.after_call, AfterCall::Seconds(15));
        assert!(c.export_error_of_api);
    }

    #[test]
    fn defaults() {
        let c = parse(json!({"dom": "d", "instanceId": "i"}));
        assert_eq!(c.region_id, "cn-shanghai");
        assert_eq!((c.width, c.height, c.header), (320, 580, true));
        assert_eq!(c.ajax_path, "/data/api.json");
        assert_eq!(c.ajax_api_param_name, "action");
        assert_eq!(c.ajax_method, AjaxMethod::Post);
        assert_eq!(
            c.more_action_list,
            ["break", "offline", "adjustVolume", "changeWorkMode"]
        );
        assert_eq!(c.side_nav_list.len(), 10);
        assert_eq!((c.poll_without_ws_ms, c.poll_with_ws_ms), (1000, 10000));
        assert_eq!(c.poll_save_web_rtc_info_ms, 10_000);
        assert!(!c.customized_notification && !c.disable_save_stats && c.enable_switch_adapter);
        assert_eq!((c.offline_image.as_str(), c.break_image.as_str()), ("", ""));
        assert_eq!(c.rules.auto_answer, None);
        assert!(!c.logged_keep_break);
        assert_eq!(
            c.language,
            Language::ZhCn,
            "drop-in hosts see the original's Chinese panel"
        );
    }

    #[test]
    fn language_is_zh_cn_or_en_us_and_anything_else_is_the_default() {
        let lang = |v: Value| parse(json!({"dom": "d", "instanceId": "i", "language": v})).language;
        assert_eq!(lang(json!("en-US")), Language::EnUs);
        assert_eq!(lang(json!(" en-us ")), Language::EnUs);
        assert_eq!(lang(json!("en")), Language::EnUs);
        assert_eq!(lang(json!("zh-CN")), Language::ZhCn);
        for other in [
            json!("fr-FR"),
            json!(""),
            json!(1),
            json!(null),
            json!(["en-US"]),
        ] {
            assert_eq!(lang(other.clone()), Language::ZhCn, "{other}");
        }
        assert_eq!(
            (Language::ZhCn.tag(), Language::EnUs.tag()),
            ("zh-CN", "en-US")
        );
    }

    #[test]
    fn decimals_and_px_strings() {
        assert_eq!(decimal("15"), Some(15.0));
        assert_eq!(decimal(" 2.5 "), Some(2.5));
        assert_eq!(decimal(".5"), Some(0.5));
        for bad in ["", ".", "-3", "1e3", "12a", "1.2.3", "NaN"] {
            assert_eq!(decimal(bad), None, "{bad:?}");
        }
        assert_eq!(px_text("320px"), Some(320));
        assert_eq!(
            px_text(" 552 px"),
            Some(552),
            "tolerated, like the document's own strings"
        );
        assert_eq!(px_text("300.6"), Some(301));
        assert_eq!(px_text("0px"), None);
    }

    #[test]
    fn save_stats_interval_has_a_floor_of_two_seconds() {
        let c = parse(json!({"dom": "d", "instanceId": "i", "pollSaveWebRtcInfoFrequence": 500}));
        assert_eq!(c.poll_save_web_rtc_info_ms, 2000);
        let c =
            parse(json!({"dom": "d", "instanceId": "i", "pollSaveWebRtcInfoFrequence": "3000"}));
        assert_eq!(c.poll_save_web_rtc_info_ms, 3000);
        let c = parse(
            json!({"dom": "d", "instanceId": "i", "offlineImage": " /img/off.png ", "customizedNotification": true}),
        );
        assert_eq!(c.offline_image, "/img/off.png");
        assert!(c.customized_notification);
    }

    #[test]
    fn ak_sk_direct_mode_needs_both_halves_and_hides_the_secret() {
        let c = parse(json!({"dom": "d", "instanceId": "i", "accessKeyId": "AK"}));
        assert_eq!(c.direct, None, "half a key is not direct mode");
        let c = parse(
            json!({"dom": "d", "instanceId": "i", "regionId": "cn-beijing",
            "accessKeyId": "AK", "accessKeySecret": "SK-secret", "apiVersion": "aliyunrpc"}),
        );
        let direct = c.direct.expect("direct mode");
        assert_eq!(direct.endpoint, "https://ccc.cn-beijing.aliyuncs.com");
        assert!(!format!("{direct:?}").contains("SK-secret"));
    }

    #[test]
    fn required_options() {
        assert_eq!(
            Config::from_json(&json!({"dom": "d"})),
            Err(ConfigError::Missing("instanceId"))
        );
        assert_eq!(
            Config::from_json(&json!("x")),
            Err(ConfigError::NotAnObject)
        );
        assert_eq!(
            ConfigError::NotAFunction("onInit".into()).to_string(),
            "onInit must be a function"
        );
    }

    #[test]
    fn tolerated_and_odd_values() {
        let c = parse(
            json!({"dom": "d", "instanceId": "i", "afterCallRule": "manual", "autoAnswerCall": 0,
            "ajaxMethod": "GET", "moreActionList": ["offline", "nonsense", "break"],
            "sideNavList": ["呼出", "呼入", "???"], "pollFrequenceWithoutWS": "abc", "width": -3,
            "ajaxHeaders": {"X-CCC-User": "a@b", "n": 1, "obj": {}}}),
        );
        assert_eq!(c.rules.after_call, AfterCall::Manual);
        assert_eq!(c.rules.auto_answer, None);
        assert_eq!(c.ajax_method, AjaxMethod::Get);
        assert_eq!(
            c.more_action_list,
            ["offline", "break"],
            "given order, unknown ignored"
        );
        assert_eq!(c.side_nav_list, ["呼入", "呼出"], "canonical order");
        assert_eq!(c.poll_without_ws_ms, 1000);
        assert_eq!(c.width, 320);
        assert_eq!(
            c.ajax_headers,
            vec![
                ("X-CCC-User".into(), "a@b".into()),
                ("n".into(), "1".into())
            ]
        );
        let zero =
            parse(json!({"dom": "d", "instanceId": "i", "afterCallRule": 0, "afterCallRule2": 1}));
        assert_eq!(zero.rules.after_call, AfterCall::Seconds(0));
    }
}

/// The loader (`js/workbench-sdk.js`) repeats two lists because it must check them before the wasm exists;
/// these tests keep its copies equal to the contract's.
#[cfg(test)]
mod loader_lists {
    use super::HOOKS;

    fn js_array(name: &str) -> Vec<String> {
        let js = include_str!("../js/workbench-sdk.js");
        let start = js
            .find(&format!("var {name} = ["))
            .expect("the list in the loader");
        let body = &js[start..];
        let body = &body[body.find('[').unwrap() + 1..body.find(']').unwrap()];
        body.split(',')
            .map(|s| s.trim().trim_matches('\'').to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    }

    #[test]
    fn the_loader_checks_every_hook_and_api_axios_func() {
        let mut expected: Vec<String> = HOOKS.iter().map(|h| h.to_string()).collect();
        expected.push("apiAxiosFunc".into());
        assert_eq!(js_array("FUNCTION_OPTIONS"), expected);
    }

    #[test]
    fn the_loader_carries_every_contract_method() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/contract.json");
        let contract =
            serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(path).unwrap())
                .unwrap();
        let methods: Vec<String> = contract["methods"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(js_array("METHODS"), methods);
    }
}
