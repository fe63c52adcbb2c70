//! The raw single-table item: a JSON object with `pk`, `sk`, optional gsi keys,
//! `__type` and attributes, exactly as a DynamoDB item read as plain JSON.

use super::StoreError;
use serde_json::{Map, Value};

/// One item of the rootski table in plain-document form.
pub type Item = Map<String, Value>;

/// Names of the key attributes, in the order the table schema lists them.
pub const KEY_ATTRIBUTES: [&str; 6] = ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"];

/// The keys an item is stored and indexed under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemKeys<'a> {
    /// Partition key.
    pub pk: &'a str,
    /// Sort key.
    pub sk: &'a str,
    /// Partition key of the first global secondary index.
    pub gsi1pk: Option<&'a str>,
    /// Sort key of the first global secondary index.
    pub gsi1sk: Option<&'a str>,
    /// Partition key of the second global secondary index.
    pub gsi2pk: Option<&'a str>,
    /// Sort key of the second global secondary index.
    pub gsi2sk: Option<&'a str>,
    /// The item's `__type` attribute.
    pub item_type: Option<&'a str>,
}

/// Reads an item's keys, failing when `pk`/`sk` are missing or not strings, or
/// when a gsi key is present but not a string (DynamoDB would reject both).
pub fn item_keys(item: &Item) -> Result<ItemKeys<'_>, StoreError> {
    fn required<'a>(item: &'a Item, name: &str) -> Result<&'a str, StoreError> {
        match item.get(name) {
            Some(Value::String(s)) if !s.is_empty() => Ok(s),
            Some(Value::String(_)) => Err(StoreError::InvalidItem(format!(
                "key attribute {name:?} is empty"
            ))),
            Some(_) => Err(StoreError::InvalidItem(format!(
                "key attribute {name:?} must be a string"
            ))),
            None => Err(StoreError::InvalidItem(format!(
                "item has no {name:?} attribute (every item needs pk and sk)"
            ))),
        }
    }
    fn optional<'a>(item: &'a Item, name: &str) -> Result<Option<&'a str>, StoreError> {
        match item.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(StoreError::InvalidItem(format!(
                "index key attribute {name:?} must be a string"
            ))),
        }
    }
    Ok(ItemKeys {
        pk: required(item, "pk")?,
        sk: required(item, "sk")?,
        gsi1pk: optional(item, "gsi1pk")?,
        gsi1sk: optional(item, "gsi1sk")?,
        gsi2pk: optional(item, "gsi2pk")?,
        gsi2sk: optional(item, "gsi2sk")?,
        item_type: item.get("__type").and_then(Value::as_str),
    })
}
