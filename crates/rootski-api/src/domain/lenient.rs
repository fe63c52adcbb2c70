//! Serde helpers that read attributes the way the production table holds them.
//!
//! Items written by the original Python backend went through boto3 and `str()`, so
//! every attribute the original read may come back in more than one shape:
//! - a number as a JSON number, an integral float (`7.0`), a numeric string
//!   (`"7"`, `"7.0"`, DynamoDB `N` text) — ids are always strings;
//! - "no value" as JSON null, an absent attribute, or the string `"None"`
//!   (Python's `str(None)`);
//! - a list as null (→ empty) or with null elements (`family_meanings: [null]`
//!   is how the original stores a suffix family without meanings; it served `[]`);
//! - a text as null (→ empty) or a number (→ its decimal text);
//! - a bool as a bool, 0/1, or `"True"`/`"false"`.
//!
//! Reading accepts all of them; writing always uses one canonical form, so an item
//! this backend writes is read back unchanged. The shapes are listed in
//! `tests/fixtures/item_shapes` and checked against every store.

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serializer};
use std::fmt;

/// Texts that mean "no value": Python's `str(None)`, and what JSON tools print.
fn is_none_text(text: &str) -> bool {
    matches!(text.trim(), "" | "None" | "null" | "NULL" | "none")
}

struct IntVisitor;

impl<'de> Visitor<'de> for IntVisitor {
    type Value = Option<i64>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an integer, an integral float or a numeric string")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        i64::try_from(v)
            .map(Some)
            .map_err(|_| E::custom(format!("integer {v} is out of range")))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            Ok(Some(v as i64))
        } else {
            Err(E::custom(format!("{v} is not an integer")))
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let t = v.trim();
        if is_none_text(t) {
            return Ok(None);
        }
        if let Ok(n) = t.parse::<i64>() {
            return Ok(Some(n));
        }
        match t.parse::<f64>() {
            Ok(f) if f.is_finite() => self.visit_f64(f),
            _ => Err(E::custom(format!("{v:?} is not a number"))),
        }
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(IntVisitor)
    }
}

/// Reads a required integer from a number or a numeric string.
pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    d.deserialize_any(IntVisitor)?
        .ok_or_else(|| de::Error::custom("expected an integer, found no value (null or \"None\")"))
}

/// Reads an optional integer (null, absent or `"None"` → `None`).
pub fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    d.deserialize_option(IntVisitor)
}

/// Writes an id the way the table stores ids: as a decimal string.
pub fn id_as_string<S: Serializer>(v: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

/// Writes an optional id as a decimal string or null.
pub fn opt_id_as_string<S: Serializer>(v: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.collect_str(v),
        None => s.serialize_none(),
    }
}

/// Reads a bool stored as a bool, a number (0 = false), `"true"`/`"True"`/`"1"`,
/// or no value (null, `"None"` → false).
pub fn boolish<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(opt_bool(d)?.unwrap_or(false))
}

/// Like [`boolish`], keeping "no value" (null, absent, `"None"`) as `None`.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum B {
        Bool(bool),
        Int(i64),
        Float(f64),
        Str(String),
    }
    match Option::<B>::deserialize(d)? {
        None => Ok(None),
        Some(B::Bool(b)) => Ok(Some(b)),
        Some(B::Int(i)) => Ok(Some(i != 0)),
        Some(B::Float(f)) => Ok(Some(f != 0.0)),
        Some(B::Str(s)) if is_none_text(&s) => Ok(None),
        Some(B::Str(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(Some(true)),
            "false" | "0" => Ok(Some(false)),
            _ => Err(de::Error::custom(format!("{s:?} is not a bool"))),
        },
    }
}

/// Reads a list that may be stored as null (→ empty) or hold null elements (left
/// out: the original's `[null]` meaning list is served as `[]`).
pub fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<Option<T>>>::deserialize(d)?
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect())
}

/// Like [`list`], keeping an absent or null list as `None`.
pub fn opt_list<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(
        Option::<Vec<Option<T>>>::deserialize(d)?
            .map(|items| items.into_iter().flatten().collect()),
    )
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

/// Reads a text that may be stored as null (→ empty) or as a number (→ its text).
/// The string `"None"` is kept as it is: it can be a real text.
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(d.deserialize_option(TextVisitor)?.unwrap_or_default())
}

/// Reads an optional text: null or absent → `None`, a number → its text.
pub fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_option(TextVisitor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    struct Shapes {
        #[serde(default, deserialize_with = "opt_int")]
        n: Option<i64>,
        #[serde(default, deserialize_with = "boolish")]
        b: bool,
        #[serde(default, deserialize_with = "list")]
        l: Vec<String>,
        #[serde(default, deserialize_with = "text")]
        t: String,
    }

    fn read(value: serde_json::Value) -> Shapes {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn numbers_in_every_stored_shape() {
        for (value, want) in [
            (json!(7), Some(7)),
            (json!(7.0), Some(7)),
            (json!("7"), Some(7)),
            (json!(" 7.0 "), Some(7)),
            (json!("None"), None),
            (json!(null), None),
            (json!(""), None),
        ] {
            assert_eq!(read(json!({ "n": value })).n, want, "{value}");
        }
        assert_eq!(read(json!({})).n, None);
        assert!(serde_json::from_value::<Shapes>(json!({"n": "seven"})).is_err());
        assert!(serde_json::from_value::<Shapes>(json!({"n": 7.5})).is_err());
    }

    #[test]
    fn bools_lists_and_texts() {
        for (value, want) in [
            (json!(true), true),
            (json!("True"), true),
            (json!("false"), false),
            (json!(1), true),
            (json!(0.0), false),
            (json!(null), false),
            (json!("None"), false),
        ] {
            assert_eq!(read(json!({ "b": value })).b, want, "{value}");
        }
        assert!(serde_json::from_value::<Shapes>(json!({"b": "maybe"})).is_err());
        assert_eq!(read(json!({"l": [null]})).l, Vec::<String>::new());
        assert_eq!(read(json!({"l": null})).l, Vec::<String>::new());
        assert_eq!(read(json!({"l": ["a", null, "b"]})).l, ["a", "b"]);
        assert_eq!(read(json!({"t": null})).t, "");
        assert_eq!(read(json!({"t": 12})).t, "12");
        assert_eq!(read(json!({"t": "None"})).t, "None");
    }
}
