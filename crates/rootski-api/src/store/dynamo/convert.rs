//! Plain-JSON items ↔ DynamoDB attribute maps.
//!
//! The store keeps [`Item`]s in plain-document form everywhere else; this is the
//! only place that knows DynamoDB's typed values. Writing: strings → `S`, numbers →
//! `N` (their JSON text), booleans → `BOOL`, null → `NULL`, arrays → `L`, objects →
//! `M`. Reading also accepts what the Python backend wrote: `N` values become JSON
//! numbers (or stay numeric strings when JSON cannot hold them exactly, which the
//! codec's lenient readers accept), sets become lists, binary becomes base64 text.
//!
//! Attribute order is made deterministic on read (DynamoDB returns a hash map):
//! keys first as the schema lists them, then `__type`, then the rest sorted.

use super::super::item::KEY_ATTRIBUTES;
use super::super::{Item, StoreError};
use crate::import::dynamo_number_to_plain;
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// A DynamoDB item as the SDK holds it.
pub type AttributeMap = HashMap<String, AttributeValue>;

/// Encodes a plain item for `PutItem` / `BatchWriteItem`.
pub fn to_attributes(item: &Item) -> AttributeMap {
    item.iter()
        .map(|(k, v)| (k.clone(), to_attribute(v)))
        .collect()
}

/// Encodes one plain JSON value.
pub fn to_attribute(value: &Value) -> AttributeValue {
    match value {
        Value::Null => AttributeValue::Null(true),
        Value::Bool(b) => AttributeValue::Bool(*b),
        Value::Number(n) => AttributeValue::N(n.to_string()),
        Value::String(s) => AttributeValue::S(s.clone()),
        Value::Array(items) => AttributeValue::L(items.iter().map(to_attribute).collect()),
        Value::Object(map) => AttributeValue::M(
            map.iter()
                .map(|(k, v)| (k.clone(), to_attribute(v)))
                .collect(),
        ),
    }
}

/// Decodes an item read from DynamoDB into plain form, attributes in the
/// canonical order.
pub fn from_attributes(attributes: &AttributeMap) -> Result<Item, StoreError> {
    let key = |name: &str| match attributes.get(name) {
        Some(AttributeValue::S(s)) => s.clone(),
        _ => String::new(),
    };
    let mut names: Vec<&String> = attributes.keys().collect();
    names.sort_by_key(|name| (rank(name), name.as_str()));
    let mut item = Item::new();
    for name in names {
        let value = from_attribute(&attributes[name]).map_err(|reason| StoreError::Corrupt {
            pk: key("pk"),
            sk: key("sk"),
            kind: "table",
            reason: format!("attribute {name:?}: {reason}"),
        })?;
        item.insert(name.clone(), value);
    }
    Ok(item)
}

/// Position of an attribute name in the canonical order.
fn rank(name: &str) -> usize {
    KEY_ATTRIBUTES
        .iter()
        .position(|k| *k == name)
        .unwrap_or(if name == "__type" {
            KEY_ATTRIBUTES.len()
        } else {
            KEY_ATTRIBUTES.len() + 1
        })
}

/// Decodes one attribute value.
pub fn from_attribute(value: &AttributeValue) -> Result<Value, String> {
    Ok(match value {
        AttributeValue::S(s) => Value::String(s.clone()),
        AttributeValue::N(n) => dynamo_number_to_plain(n)?,
        AttributeValue::Bool(b) => Value::Bool(*b),
        AttributeValue::Null(_) => Value::Null,
        AttributeValue::L(items) => {
            Value::Array(items.iter().map(from_attribute).collect::<Result<_, _>>()?)
        }
        AttributeValue::M(map) => {
            let mut names: Vec<&String> = map.keys().collect();
            names.sort();
            let mut out = Map::new();
            for name in names {
                out.insert(name.clone(), from_attribute(&map[name])?);
            }
            Value::Object(out)
        }
        AttributeValue::Ss(items) => {
            Value::Array(items.iter().cloned().map(Value::String).collect())
        }
        AttributeValue::Ns(items) => Value::Array(
            items
                .iter()
                .map(|n| dynamo_number_to_plain(n))
                .collect::<Result<_, _>>()?,
        ),
        AttributeValue::B(blob) => Value::String(base64(blob)),
        AttributeValue::Bs(blobs) => {
            Value::Array(blobs.iter().map(|b| Value::String(base64(b))).collect())
        }
        _ => return Err("unknown DynamoDB attribute type".to_owned()),
    })
}

/// Standard base64 with padding (as `aws dynamodb scan` prints binary values).
fn base64(blob: &Blob) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = blob.as_ref();
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The string key attribute `name` of `attributes`, for key maps.
pub fn key_map(pk: &str, sk: &str) -> AttributeMap {
    HashMap::from([
        ("pk".to_owned(), AttributeValue::S(pk.to_owned())),
        ("sk".to_owned(), AttributeValue::S(sk.to_owned())),
    ])
}

/// (pk, sk) of an item read back, for matching batch results to requests.
pub fn key_of(attributes: &AttributeMap) -> Option<(String, String)> {
    match (attributes.get("pk"), attributes.get("sk")) {
        (Some(AttributeValue::S(pk)), Some(AttributeValue::S(sk))) => {
            Some((pk.clone(), sk.clone()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn plain_items_round_trip_in_canonical_order() {
        let item: Item = serde_json::from_value(json!({
            "word": "лес", "pk": "WORD#5", "__type": "BREAKDOWN", "sk": "BREAKDOWN",
            "gsi2pk": "WORD#5", "n": 3, "f": 2.5, "none": null, "ok": true,
            "items": [{"z": 1, "a": "x"}]
        }))
        .unwrap();
        let back = from_attributes(&to_attributes(&item)).unwrap();
        assert_eq!(back, item);
        let order: Vec<&str> = back.keys().map(String::as_str).collect();
        assert_eq!(
            order,
            [
                "pk", "sk", "gsi2pk", "__type", "f", "items", "n", "none", "ok", "word"
            ]
        );
    }

    #[test]
    fn reads_python_written_values() {
        let attrs = AttributeMap::from([
            ("pk".into(), AttributeValue::S("P".into())),
            ("sk".into(), AttributeValue::S("S".into())),
            ("id".into(), AttributeValue::N("7.0".into())),
            ("ns".into(), AttributeValue::Ns(vec!["1".into()])),
            ("b".into(), AttributeValue::B(Blob::new(b"hi!?".to_vec()))),
        ]);
        let item = from_attributes(&attrs).unwrap();
        assert_eq!(item["id"], json!(7));
        assert_eq!(item["ns"], json!([1]));
        assert_eq!(item["b"], json!("aGkhPw=="));
        let bad = AttributeMap::from([
            ("pk".into(), AttributeValue::S("P".into())),
            ("x".into(), AttributeValue::N("abc".into())),
        ]);
        let err = from_attributes(&bad).unwrap_err().to_string();
        assert!(err.contains("\"x\"") && err.contains("\"P\""), "{err}");
    }
}
