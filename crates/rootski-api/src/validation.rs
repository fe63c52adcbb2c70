//! FastAPI's 422 validation-error shape, which existing clients parse:
//! `{"detail": [{"loc": ["body", "word_id"], "msg": "...", "type": "..."}]}`.
//!
//! Messages and type codes are pydantic v1's (what the original app ran), so a
//! client that switches on `type` keeps working. `loc` starts with where the value
//! came from (`body`, `path`) and continues with field names and list indexes.

use serde::Serialize;
use serde_json::Value;

use crate::error::ApiError;

/// One entry of a 422 `detail` list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldError {
    /// Path to the offending value: strings for fields, numbers for list indexes.
    pub loc: Vec<Value>,
    /// Human-readable message.
    pub msg: String,
    /// pydantic's error code (`type_error.integer`, `value_error.missing`, ...).
    #[serde(rename = "type")]
    pub kind: String,
    /// Extra values of the error (limits), as pydantic printed them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ctx: Option<Value>,
}

impl FieldError {
    fn new(loc: &[Value], msg: &str, kind: &str) -> Self {
        FieldError {
            loc: loc.to_vec(),
            msg: msg.to_owned(),
            kind: kind.to_owned(),
            ctx: None,
        }
    }

    /// Any other error, with its own message and code.
    pub fn custom(loc: &[Value], msg: &str, kind: &str) -> Self {
        Self::new(loc, msg, kind)
    }

    /// A required field is absent.
    pub fn missing(loc: &[Value]) -> Self {
        Self::new(loc, "field required", "value_error.missing")
    }

    /// A value that is not an integer.
    pub fn not_integer(loc: &[Value]) -> Self {
        Self::new(loc, "value is not a valid integer", "type_error.integer")
    }

    /// A value that is not a string.
    pub fn not_string(loc: &[Value]) -> Self {
        Self::new(loc, "str type expected", "type_error.str")
    }

    /// A value that is not a list.
    pub fn not_list(loc: &[Value]) -> Self {
        Self::new(loc, "value is not a valid list", "type_error.list")
    }

    /// A value that is not an object.
    pub fn not_object(loc: &[Value]) -> Self {
        Self::new(loc, "value is not a valid dict", "type_error.dict")
    }

    /// A string longer than `limit` characters.
    pub fn too_long(loc: &[Value], limit: usize) -> Self {
        FieldError {
            ctx: Some(serde_json::json!({ "limit_value": limit })),
            ..Self::new(
                loc,
                &format!("ensure this value has at most {limit} characters"),
                "value_error.any_str.max_length",
            )
        }
    }

    /// A body that is not JSON; `position` is the byte offset of the problem.
    pub fn json_decode(position: usize, message: &str) -> Self {
        Self::new(
            &[Value::from("body"), Value::from(position)],
            message,
            "value_error.jsondecode",
        )
    }
}

/// Reads an integer the way pydantic v1 did for `int` fields: JSON integers,
/// floats without a fraction, and strings holding an integer. Booleans and other
/// values are rejected.
pub fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_i64().or_else(|| {
            number
                .as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Value::String(text) => text.trim().parse::<i64>().ok(),
        _ => None,
    }
}

/// Parses an integer path parameter, or the 422 FastAPI gives for it
/// (`loc: ["path", name]`).
pub fn path_integer(name: &str, raw: &str) -> Result<i64, ApiError> {
    raw.trim().parse::<i64>().map_err(|_| {
        ApiError::Validation(vec![FieldError::not_integer(&[
            Value::from("path"),
            Value::from(name),
        ])])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shape_matches_fastapi() {
        let error = FieldError::too_long(&[json!("body"), json!("breakdown_items"), json!(0)], 256);
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            json!({"loc": ["body", "breakdown_items", 0],
                   "msg": "ensure this value has at most 256 characters",
                   "type": "value_error.any_str.max_length",
                   "ctx": {"limit_value": 256}})
        );
        assert_eq!(
            serde_json::to_value(FieldError::missing(&[json!("body"), json!("word_id")])).unwrap(),
            json!({"loc": ["body", "word_id"], "msg": "field required", "type": "value_error.missing"})
        );
    }

    #[test]
    fn integers_are_read_like_pydantic_v1() {
        assert_eq!(integer(&json!(5)), Some(5));
        assert_eq!(integer(&json!("12")), Some(12));
        assert_eq!(integer(&json!(3.0)), Some(3));
        assert_eq!(integer(&json!(3.5)), None);
        assert_eq!(integer(&json!(true)), None);
        assert_eq!(integer(&json!(null)), None);
        assert!(path_integer("word_id", "abc").is_err());
        assert_eq!(path_integer("word_id", "42").unwrap(), 42);
    }
}
