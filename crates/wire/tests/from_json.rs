//! Every wire type the panel reads with `ccc_wire::read::FromJson`, held against its derived `Deserialize`
//! (which the server and these tests keep): the same keys, and the same answer — both read alike, or both
//! refuse — on samples, on samples missing any one key, and on samples with any one key of every other JSON
//! kind. The leaves (strings, numbers, booleans, options, lists) are checked on every JSON kind.

use std::fmt;

use ccc_wire::action::{ConfigItem, LoginDetails, OutboundNumber, Page, SkillLevel, StatusData};
use ccc_wire::context::{
    CallContext, CallType, ChannelContext, ChannelState, ParallelJob, UserContext, UserState,
};
use ccc_wire::devices::Device;
use ccc_wire::envelope::Envelope;
use ccc_wire::read::FromJson;
use ccc_wire::records::*;
use ccc_wire::turn::{AccessPoint, TurnCredentials};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

/// Whether `FromJson` and serde agree on `value`: both refuse it, or both read the same `T`.
fn agree<T>(value: &Value) -> Result<(), String>
where
    T: FromJson + DeserializeOwned + PartialEq + fmt::Debug,
{
    let ours = T::from_json(value);
    let serde = serde_json::from_value::<T>(value.clone());
    match (&ours, &serde) {
        (Ok(a), Ok(b)) if a == b => Ok(()),
        (Err(_), Err(_)) => Ok(()),
        _ => Err(format!("{value}: FromJson {ours:?}, serde {serde:?}")),
    }
}

/// Checks a struct's `KEYS` against the keys serde writes for `samples[0]` (so every optional field
/// of it should be set: every field, spelt alike), and that both readers agree on `samples`, on each
/// of them with any one key removed, and with any one key holding a value of every other kind.
fn check_struct<T>(keys: &[&str], samples: &[T])
where
    T: FromJson + DeserializeOwned + Serialize + PartialEq + fmt::Debug,
{
    let written = serde_json::to_value(&samples[0]).unwrap();
    let mut serde_keys: Vec<&str> = written
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut ours = keys.to_vec();
    serde_keys.sort_unstable();
    ours.sort_unstable();
    assert_eq!(ours, serde_keys, "FromJson's keys against serde's");
    let kinds = [
        json!(null),
        json!(true),
        json!(7),
        json!(-7),
        json!(2.5),
        json!("7"),
        json!([]),
        json!({}),
    ];
    let mut failures = Vec::new();
    let mut check = |value: &Value| {
        if let Err(e) = agree::<T>(value) {
            failures.push(e);
        }
    };
    check(&json!(null));
    check(&json!({}));
    assert!(
        T::from_json(&json!([])).is_err(),
        "a struct is an object, not an array"
    );
    for sample in samples {
        let value = serde_json::to_value(sample).unwrap();
        assert_eq!(
            &T::from_json(&value).unwrap(),
            sample,
            "a sample reads back as itself"
        );
        for key in keys {
            let mut without = value.clone();
            without.as_object_mut().unwrap().remove(*key);
            check(&without);
            // A nested struct written as an array is the one divergence (the module's rules).
            let nested = written[*key].is_object();
            for kind in kinds.iter().filter(|k| !(nested && k.is_array())) {
                let mut changed = value.clone();
                changed[*key] = kind.clone();
                check(&changed);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A `T` with every field set to something other than its default (as far as serde's written default
/// shows its kind: numbers, strings and booleans, nested objects filled alike; arrays stay empty).
fn filled<T: DeserializeOwned + Serialize + Default>() -> T {
    filled_from(&T::default())
}

/// `template` with every number, string and boolean changed (nested objects alike; arrays and
/// `null`s stay as they are).
fn filled_from<T: DeserializeOwned + Serialize>(template: &T) -> T {
    fn fill(value: &mut Value, next: &mut u64) {
        match value {
            Value::Object(map) => map.values_mut().for_each(|v| fill(v, next)),
            Value::Bool(b) => *b = true,
            Value::String(s) => {
                *next += 1;
                *s = format!("s{next}");
            }
            Value::Number(n) => {
                *next += 1;
                *value = if n.is_f64() {
                    json!(*next as f64 + 0.5)
                } else {
                    json!(*next)
                };
            }
            Value::Null | Value::Array(_) => {}
        }
    }
    let mut value = serde_json::to_value(template).unwrap();
    fill(&mut value, &mut 0);
    serde_json::from_value(value).expect("serde reads the filled value")
}

#[test]
fn leaves_follow_serdes_rules() {
    let values = [
        json!(null),
        json!(true),
        json!(0),
        json!(7),
        json!(-7),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(u64::from(u32::MAX) + 1),
        json!(65_536),
        json!(2.5),
        json!(-0.0),
        json!(""),
        json!("7"),
        json!([]),
        json!(["a", "b"]),
        json!([1, "b"]),
        json!([null]),
        json!({}),
    ];
    for value in &values {
        for result in [
            agree::<String>(value),
            agree::<bool>(value),
            agree::<u64>(value),
            agree::<u32>(value),
            agree::<u16>(value),
            agree::<i64>(value),
            agree::<f64>(value),
            agree::<Option<String>>(value),
            agree::<Option<u64>>(value),
            agree::<Vec<String>>(value),
            agree::<Vec<Option<String>>>(value),
        ] {
            assert_eq!(result, Ok(()));
        }
    }
}

fn channel() -> ChannelContext {
    ChannelContext {
        channel_id: "ch-1".into(),
        job_id: "job-1".into(),
        call_type: CallType::Inbound,
        channel_state: ChannelState::Answered,
        channel_flags: "MUTED".into(),
        originator: "138".into(),
        destination: "8001".into(),
        user_id: "a@x".into(),
        user_extension: "8001".into(),
        skill_group_id: "g@x".into(),
        index: 1,
        timestamp: 1_700_000_000_000,
        release_initiator: "a@x".into(),
        release_reason: "".into(),
        channel_variables: "{}".into(),
        media_type: "AUDIO".into(),
    }
}

fn call() -> CallContext {
    CallContext {
        instance_id: "x".into(),
        job_id: "job-1".into(),
        call_type: CallType::Other("NEWER".into()),
        call_variables: "k=v".into(),
        channel_contexts: vec![
            channel(),
            ChannelContext {
                user_id: String::new(),
                ..channel()
            },
        ],
    }
}

fn user() -> UserContext {
    UserContext {
        user_id: "a@x".into(),
        instance_id: "x".into(),
        extension: "8001".into(),
        device_id: "dev".into(),
        user_state: UserState::Talking,
        break_code: "".into(),
        work_mode: "ON_SITE".into(),
        outbound_scenario: true,
        signed_skill_group_id_list: vec!["g@x".into()],
        job_id: "job-1".into(),
        heartbeat: 1_700_000_000_000,
        mobile: "139".into(),
        device_state: "ONLINE".into(),
        reserved: -1,
        parallel_job_list: vec![filled()],
    }
}

#[test]
fn the_contexts_and_the_status_snapshot() {
    check_struct::<ChannelContext>(ChannelContext::KEYS, &[channel(), filled_from(&channel())]);
    check_struct::<CallContext>(CallContext::KEYS, &[call(), filled_from(&call())]);
    check_struct::<ParallelJob>(ParallelJob::KEYS, &[filled()]);
    check_struct::<UserContext>(UserContext::KEYS, &[user(), filled_from(&user())]);
    let status = StatusData {
        user_context: user(),
        call_context: Some(call()),
        context_id: 7,
        chat_contexts: vec![json!({"Any": ["thing"]})],
    };
    check_struct::<StatusData>(
        StatusData::KEYS,
        &[
            status.clone(),
            StatusData {
                call_context: None,
                ..status
            },
        ],
    );
    for state in ["READY", "ON_MARS", ""] {
        assert_eq!(agree::<UserState>(&json!(state)), Ok(()));
    }
    for kind in [json!(null), json!(1), json!(["READY"])] {
        assert_eq!(agree::<CallType>(&kind), Ok(()));
    }
}

#[test]
fn the_sign_in_answers() {
    check_struct::<LoginDetails>(
        LoginDetails::KEYS,
        &[
            LoginDetails {
                avatar_url: Some("https://a/b.png".into()),
                ..filled()
            },
            filled(),
        ],
    );
    let level = SkillLevel {
        skill_group_id: "g@x".into(),
        skill_group_name: "一组".into(),
        skill_level: "5".into(),
        media_type: "TELEPHONE".into(),
    };
    check_struct::<SkillLevel>(SkillLevel::KEYS, &[level.clone(), filled_from(&level)]);
    let number = OutboundNumber {
        number: "0571".into(),
        province: "浙江".into(),
        city: "杭州".into(),
        provider: "p".into(),
        provider_code: "pc".into(),
        provider_display_name: "pd".into(),
        provider_short_name: "ps".into(),
        provider_type: "SELF_HOSTED".into(),
    };
    check_struct::<OutboundNumber>(
        OutboundNumber::KEYS,
        &[number.clone(), filled_from(&number)],
    );
    let item = ConfigItem {
        instance_id: "x".into(),
        object_id: "a@x".into(),
        object_type: "user".into(),
        name: "CallerNumbers".into(),
        value: "[]".into(),
    };
    check_struct::<ConfigItem>(ConfigItem::KEYS, &[item.clone(), filled_from(&item)]);
    let page = Page::of(vec![level.clone(), filled_from(&level)], 1, 10);
    assert_eq!(
        agree::<Page<SkillLevel>>(&serde_json::to_value(&page).unwrap()),
        Ok(())
    );
    check_struct::<Device>(Device::KEYS, &[filled()]);
    check_struct::<TurnCredentials>(TurnCredentials::KEYS, &[filled()]);
    check_struct::<NumberLocation>(NumberLocation::KEYS, &[filled()]);
    check_struct::<PickedNumber>(PickedNumber::KEYS, &[filled()]);
}

#[test]
fn an_access_point_under_either_spelling() {
    for value in [
        json!({"region": "shanghai", "name": "上海", "domain": "turn.a:3478", "cidr": "10.0.0.0/8"}),
        json!({"Region": "shanghai", "Name": "上海", "Domain": "turn.a", "Cidr": ""}),
        json!({"region": "shanghai", "Name": "上海"}),
        json!({"region": "shanghai", "Region": "beijing"}),
        json!({"region": 1}),
        json!({"Domain": null}),
        json!({}),
        json!("shanghai"),
    ] {
        assert_eq!(agree::<AccessPoint>(&value), Ok(()));
    }
    assert!(
        AccessPoint::from_json(&json!([])).is_err(),
        "an object, not an array"
    );
    let points = json!([{"region": "a"}, {"Region": "b"}]);
    assert_eq!(agree::<Vec<AccessPoint>>(&points), Ok(()));
}

#[test]
fn the_envelope() {
    for value in [
        json!({"Code": "OK", "HttpStatusCode": 200, "Message": "", "RequestId": "r", "Data": {"A": 1}}),
        json!({"Code": "Forbidden.NoPermission", "HttpStatusCode": 403, "Message": "%s", "Params": ["x"]}),
        json!({"Data": null}),
        json!({"Data": "text", "HttpStatusCode": 70000}),
        json!({"HttpStatusCode": -1}),
        json!({"Code": 200}),
        json!({"Params": "x"}),
        json!({"Params": [1]}),
        json!({}),
        json!(null),
        json!("OK"),
    ] {
        assert_eq!(agree::<Envelope<Value>>(&value), Ok(()));
    }
}

#[test]
fn the_lists_and_the_report() {
    check_struct::<CallDetailRecord>(
        CallDetailRecord::KEYS,
        &[CallDetailRecord::default(), filled()],
    );
    check_struct::<RealtimeAgentState>(
        RealtimeAgentState::KEYS,
        &[
            filled(),
            RealtimeAgentState {
                skill_group_id_list: vec!["g1".into(), "g2".into()],
                skill_group_name_list: vec!["一组".into()],
                duration: -1,
                ..filled()
            },
        ],
    );
    check_struct::<InboundReport>(InboundReport::KEYS, &[filled()]);
    check_struct::<OutboundReport>(OutboundReport::KEYS, &[filled()]);
    check_struct::<InternalReport>(InternalReport::KEYS, &[filled()]);
    check_struct::<BreakCodeDetail>(BreakCodeDetail::KEYS, &[filled()]);
    let overall = OverallReport {
        break_code_detail_list: vec![filled(), BreakCodeDetail::default()],
        first_check_in_time: -1,
        ..filled()
    };
    check_struct::<OverallReport>(OverallReport::KEYS, &[filled(), overall.clone()]);
    check_struct::<Back2BackReport>(Back2BackReport::KEYS, &[filled(), Back2BackReport::none()]);
    let report = AgentReport {
        overall,
        back2_back: Back2BackReport::none(),
        ..filled()
    };
    check_struct::<AgentReport>(AgentReport::KEYS, &[filled(), report.clone()]);

    let page = Page::of(vec![report.clone(), AgentReport::default()], 1, 10);
    let value = serde_json::to_value(&page).unwrap();
    assert_eq!(Page::<AgentReport>::from_json(&value).unwrap(), page);
    for key in ["List", "PageNumber", "PageSize", "TotalCount"] {
        let mut without = value.clone();
        without.as_object_mut().unwrap().remove(key);
        assert_eq!(
            agree::<Page<AgentReport>>(&without),
            Ok(()),
            "{key} missing"
        );
        for kind in [json!(null), json!(-1), json!("1"), json!([{}]), json!([1])] {
            let mut changed = value.clone();
            changed[key] = kind;
            assert_eq!(agree::<Page<AgentReport>>(&changed), Ok(()), "{key}");
        }
    }
    // The one divergence (crate::read's rules): an item written as an array.
    let mut arrays = value.clone();
    arrays["List"] = json!([[]]);
    assert!(Page::<AgentReport>::from_json(&arrays).is_err());
    assert!(serde_json::from_value::<Page<AgentReport>>(arrays).is_ok());
}
