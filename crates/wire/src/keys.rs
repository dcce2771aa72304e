//! Key-case normalisation for JSON objects.
//!
//! The SDK contract (`sdk-contract.md` §4.4) requires accepting both `Code`/`code`, `UserContext`/`userContext`
//! at every level. Everything is normalised to PascalCase before it is read into typed structs, and turned
//! into lowerCamel where a payload is handed to host JavaScript.

use serde_json::{Map, Value};

/// Returns `value` with the first letter of every object key, at every depth, upper-cased.
/// Idempotent on PascalCase keys.
pub fn to_pascal(value: Value) -> Value {
    map_keys(value, char::to_ascii_uppercase)
}

/// Returns `value` with the first letter of every object key, at every depth, lower-cased.
pub fn to_camel(value: Value) -> Value {
    map_keys(value, char::to_ascii_lowercase)
}

fn recase(key: &str, f: fn(&char) -> char) -> String {
    let mut chars = key.chars();
    match chars.next() {
        Some(first) => std::iter::once(f(&first)).chain(chars).collect(),
        None => String::new(),
    }
}

/// Whether `f` leaves `key` as it is.
fn recased_already(key: &str, f: fn(&char) -> char) -> bool {
    key.chars().next().is_none_or(|first| f(&first) == first)
}

/// The keys re-cased at every depth. An object whose keys are all cased already is kept and only its values
/// are visited (requests mostly come PascalCase: nothing is rebuilt for them).
fn map_keys(value: Value, f: fn(&char) -> char) -> Value {
    match value {
        Value::Object(mut obj) if obj.keys().all(|k| recased_already(k, f)) => {
            for v in obj.values_mut() {
                *v = map_keys(std::mem::take(v), f);
            }
            Value::Object(obj)
        }
        Value::Object(obj) => Value::Object(
            obj.into_iter()
                .map(|(k, v)| (recase(&k, f), map_keys(v, f)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(|v| map_keys(v, f)).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pascal_is_idempotent_and_deep() {
        let v = json!({"code": "OK", "data": {"userContext": {"userState": "READY"}, "list": [{"skillGroupId": "a"}]}});
        let p = to_pascal(v);
        assert_eq!(
            p,
            json!({"Code": "OK", "Data": {"UserContext": {"UserState": "READY"}, "List": [{"SkillGroupId": "a"}]}})
        );
        assert_eq!(to_pascal(p.clone()), p);
    }

    #[test]
    fn camel_round_trips_pascal() {
        let p = json!({"JobId": "job-1", "ChannelContexts": [{"ChannelId": "c"}], "": 1});
        assert_eq!(
            to_camel(p.clone()),
            json!({"jobId": "job-1", "channelContexts": [{"channelId": "c"}], "": 1})
        );
        assert_eq!(to_pascal(to_camel(p.clone())), p);
    }

    #[test]
    fn an_object_cased_already_still_has_its_values_recased() {
        let p = json!({"UserId": "u", "Data": {"jobId": "j", "Legs": [{"userId": "v"}]}, "Mixed": {"A": 1, "b": 2}});
        assert_eq!(
            to_pascal(p),
            json!({"UserId": "u", "Data": {"JobId": "j", "Legs": [{"UserId": "v"}]}, "Mixed": {"A": 1, "B": 2}})
        );
    }

    #[test]
    fn values_are_untouched() {
        assert_eq!(to_pascal(json!(["abc", 1, null])), json!(["abc", 1, null]));
        assert_eq!(to_camel(json!({"A": "Value"})), json!({"a": "Value"}));
    }
}
