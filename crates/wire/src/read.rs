//! Reading a wire type out of a parsed JSON tree without serde's generic deserialisers.
//!
//! The panel is a wasm download, and serde's derived `Deserialize` costs it twice per type: a visitor over
//! a JSON object *and* one over an array (serde accepts a struct written as a sequence, which no CCC answer
//! ever is), each monomorphised against `serde_json::Value` (issue 12 measured serde_json as the largest
//! crate in the wasm). [`FromJson`] reads the same types through a handful of non-generic lookups instead:
//! one `match` per leaf kind, shared by every type, and per struct only the list of its keys.
//!
//! The rules are serde's for these shapes, so the derived `Deserialize` (which the server and the tests
//! keep using) and `FromJson` accept and refuse the same answers — `tests/from_json.rs` checks both against
//! each other type by type:
//! - a struct marked `#[serde(default)]` starts from its `Default` and takes every key present; a key it
//!   does not know is ignored; a present key of the wrong kind fails the whole read;
//! - a struct is a JSON object: serde also takes one written as an array of its fields, which no CCC answer
//!   is, and that is the one thing `FromJson` refuses where serde would not;
//! - `String` is a JSON string; `bool` a boolean; `u64`/`u32` a non-negative integer that fits; `i64` an
//!   integer that fits; `f64` any number; `Vec<T>` an array; `Option<T>` `null` (or the key absent) or a `T`.
//!
//! Keys are PascalCase, as after [`crate::keys::to_pascal`].

use std::fmt;

use serde_json::{Map, Value};

/// Reads `Self` from a JSON tree (see the module's rules).
pub trait FromJson: Sized {
    /// `value` as `Self`, or where and why it is not one.
    fn from_json(value: &Value) -> Result<Self, ReadError>;
}

/// Why a JSON tree is not the type asked for: the path of the offending value and what was expected there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// Keys and indices from the top, innermost last.
    path: Vec<String>,
    expected: &'static str,
}

impl ReadError {
    /// A value that is not `expected` (e.g. "a string").
    pub fn expected(expected: &'static str) -> ReadError {
        ReadError {
            path: Vec::new(),
            expected,
        }
    }

    /// A required key that is absent.
    pub fn missing() -> ReadError {
        ReadError::expected("a value (the key is missing)")
    }

    /// The same error, one level down from `key`.
    #[must_use]
    pub fn at(mut self, key: impl fmt::Display) -> ReadError {
        self.path.push(key.to_string());
        self
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "expected {}", self.expected)
        } else {
            let path: Vec<&str> = self.path.iter().rev().map(String::as_str).collect();
            write!(f, "{}: expected {}", path.join("."), self.expected)
        }
    }
}

impl std::error::Error for ReadError {}

/// `value` as a JSON object, or the error naming `what` it should have been.
pub fn object<'a>(
    value: &'a Value,
    what: &'static str,
) -> Result<&'a Map<String, Value>, ReadError> {
    value.as_object().ok_or(ReadError::expected(what))
}

/// Overwrites `*field` with `object[key]` when the key is present (a `#[serde(default)]` field).
pub fn field<T: FromJson>(
    object: &Map<String, Value>,
    key: &'static str,
    field: &mut T,
) -> Result<(), ReadError> {
    if let Some(value) = object.get(key) {
        *field = T::from_json(value).map_err(|e| e.at(key))?;
    }
    Ok(())
}

/// `object[key]`, or `default()` when the key is absent (a `#[serde(default)]` field).
pub fn optional_or<T: FromJson>(
    object: &Map<String, Value>,
    key: &'static str,
    default: fn() -> T,
) -> Result<T, ReadError> {
    match object.get(key) {
        Some(value) => T::from_json(value).map_err(|e| e.at(key)),
        None => Ok(default()),
    }
}

/// `object[key]`, which must be present (a field without a default).
pub fn required<T: FromJson>(
    object: &Map<String, Value>,
    key: &'static str,
) -> Result<T, ReadError> {
    match object.get(key) {
        Some(value) => T::from_json(value).map_err(|e| e.at(key)),
        None => Err(ReadError::missing().at(key)),
    }
}

impl FromJson for String {
    fn from_json(value: &Value) -> Result<Self, ReadError> {
        match value {
            Value::String(s) => Ok(s.clone()),
            _ => Err(ReadError::expected("a string")),
        }
    }
}

impl FromJson for bool {
    fn from_json(value: &Value) -> Result<Self, ReadError> {
        value.as_bool().ok_or(ReadError::expected("a boolean"))
    }
}

/// A non-negative JSON integer that fits `T`.
fn unsigned<T: TryFrom<u64>>(value: &Value, expected: &'static str) -> Result<T, ReadError> {
    value
        .as_u64()
        .and_then(|n| T::try_from(n).ok())
        .ok_or(ReadError::expected(expected))
}

impl FromJson for u64 {
    fn from_json(value: &Value) -> Result<Self, ReadError> {
        unsigned(value, "a non-negative integer")
    }
}

impl FromJson for u32 {
    fn from_json(value: &Value) -> Result<Self, ReadError> {
        unsigned(value, "a non-negative 32-bit integer")
    }
}

impl FromJson for u16 {
    fn from_json(value: &Value) -> Result<Self, ReadError> {
        unsigned(value, "a non-negative 16-bit integer")
    }
}

impl FromJson for i64 {
    fn from_json(value: &Value) -> Result<Self, ReadError> {
        value.as_i64().ok_or(ReadError::expected("an integer"))
    }
}

impl FromJson for f64 {
    fn from_json(value: &Value) -> Result<Self, ReadError> {
        value.as_f64().ok_or(ReadError::expected("a number"))
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: &Value) -> Result<Self, ReadError> {
        match value {
            Value::Null => Ok(None),
            other => T::from_json(other).map(Some),
        }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &Value) -> Result<Self, ReadError> {
        let Value::Array(items) = value else {
            return Err(ReadError::expected("an array"));
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| T::from_json(item).map_err(|e| e.at(i)))
            .collect()
    }
}

/// A JSON tree is itself (what the panel keeps as it came, e.g. `ChatContexts`).
impl FromJson for Value {
    fn from_json(value: &Value) -> Result<Self, ReadError> {
        Ok(value.clone())
    }
}

/// `impl FromJson` for a `#[serde(rename_all = "PascalCase", default)]` struct: its fields and their keys.
/// `KEYS` lists the keys, so a test can hold them against serde's.
macro_rules! from_json_defaulted {
    ($ty:ty { $($field:ident: $key:literal),* $(,)? }) => {
        impl $ty {
            /// The keys [`crate::read::FromJson`] reads, in field order (`tests/from_json.rs` holds them
            /// against serde's).
            pub const KEYS: &'static [&'static str] = &[$($key),*];
        }

        impl $crate::read::FromJson for $ty {
            fn from_json(value: &serde_json::Value) -> Result<Self, $crate::read::ReadError> {
                let object = $crate::read::object(value, concat!("an object (", stringify!($ty), ")"))?;
                let mut read = <$ty>::default();
                $($crate::read::field(object, $key, &mut read.$field)?;)*
                Ok(read)
            }
        }
    };
}
pub(crate) use from_json_defaulted;

/// `impl FromJson` for a `#[serde(rename_all = "PascalCase")]` struct, field by field: `field: "Key"` is
/// required; `field: "Key" or F` takes `F()` when the key is absent (`#[serde(default)]` is
/// `or Default::default`, `#[serde(default = "f")]` is `or f`). Each field is one call of [`required`] or
/// [`optional_or`], so a struct costs the wasm little more than its list of keys. `KEYS` as
/// [`from_json_defaulted`]'s.
macro_rules! from_json_struct {
    ($ty:ident { $($field:ident: $key:literal $(or $default:path)?),* $(,)? }) => {
        impl $ty {
            /// The keys [`crate::read::FromJson`] reads, in field order (`tests/from_json.rs` holds them
            /// against serde's).
            pub const KEYS: &'static [&'static str] = &[$($key),*];
        }

        impl $crate::read::FromJson for $ty {
            fn from_json(value: &serde_json::Value) -> Result<Self, $crate::read::ReadError> {
                let object = $crate::read::object(value, concat!("an object (", stringify!($ty), ")"))?;
                Ok($ty {
                    $($field: $crate::read::from_json_struct!(@read object $key $($default)?),)*
                })
            }
        }
    };
    (@read $object:ident $key:literal) => {
        $crate::read::required($object, $key)?
    };
    (@read $object:ident $key:literal $default:path) => {
        $crate::read::optional_or($object, $key, $default)?
    };
}
pub(crate) use from_json_struct;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_error_names_where_it_happened() {
        let err = Vec::<Vec<u64>>::from_json(&json!([[1], [2, "x"]])).unwrap_err();
        assert_eq!(err.to_string(), "1.1: expected a non-negative integer");
        let err = String::from_json(&json!(1)).unwrap_err();
        assert_eq!(err.to_string(), "expected a string");
    }
}
