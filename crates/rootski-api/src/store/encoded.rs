//! An item already encoded for storage: its keys beside the whole item as JSON
//! text. Bulk writes (the import) produce these straight from typed values, so
//! no `serde_json::Value` map is built per item; the embedded store writes the
//! keys and the text as they are.
//!
//! The text is exactly what serializing the equivalent [`Item`] gives (keys
//! first, then the attributes in order), so both forms store the same bytes.

use super::StoreError;
use super::item::{Item, item_keys};
use serde::Serialize;

/// The keys an item is stored and indexed under, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedKeys {
    /// Partition key.
    pub pk: String,
    /// Sort key.
    pub sk: String,
    /// Partition key of the first global secondary index.
    pub gsi1pk: Option<String>,
    /// Sort key of the first global secondary index.
    pub gsi1sk: Option<String>,
    /// Partition key of the second global secondary index.
    pub gsi2pk: Option<String>,
    /// Sort key of the second global secondary index.
    pub gsi2sk: Option<String>,
    /// The `__type` attribute.
    pub item_type: Option<String>,
}

/// An item as the store keeps it: keys and the whole item as JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedItem {
    /// The item's keys (also inside `doc`).
    pub keys: OwnedKeys,
    /// The whole item as compact JSON.
    pub doc: String,
}

impl EncodedItem {
    /// Encodes a plain item, checking its keys as [`item_keys`] does.
    pub fn from_item(item: &Item) -> Result<Self, StoreError> {
        let k = item_keys(item)?;
        let owned = |s: Option<&str>| s.map(str::to_owned);
        let keys = OwnedKeys {
            pk: k.pk.to_owned(),
            sk: k.sk.to_owned(),
            gsi1pk: owned(k.gsi1pk),
            gsi1sk: owned(k.gsi1sk),
            gsi2pk: owned(k.gsi2pk),
            gsi2sk: owned(k.gsi2sk),
            item_type: k.item_type.map(str::to_owned),
        };
        let doc =
            serde_json::to_string(item).map_err(|e| StoreError::InvalidItem(e.to_string()))?;
        Ok(Self { keys, doc })
    }

    /// Encodes `attributes` (a struct, serialized as a JSON object) under `keys`:
    /// `{"pk":…,"sk":…,` the gsi keys present, `"__type":…,` then the attributes.
    pub fn with_attributes<T: Serialize>(
        keys: OwnedKeys,
        attributes: &T,
    ) -> Result<Self, StoreError> {
        let invalid = |e: serde_json::Error| StoreError::InvalidItem(e.to_string());
        let body = serde_json::to_string(attributes).map_err(invalid)?;
        let inner = body
            .strip_prefix('{')
            .and_then(|b| b.strip_suffix('}'))
            .ok_or_else(|| {
                StoreError::InvalidItem("value did not serialize to an object".into())
            })?;
        let mut doc = String::with_capacity(body.len() + 96);
        doc.push('{');
        let mut field = |name: &str, value: &str| -> Result<(), StoreError> {
            if doc.len() > 1 {
                doc.push(',');
            }
            doc.push('"');
            doc.push_str(name);
            doc.push_str("\":");
            doc.push_str(&serde_json::to_string(value).map_err(invalid)?);
            Ok(())
        };
        field("pk", &keys.pk)?;
        field("sk", &keys.sk)?;
        let gsi = [
            ("gsi1pk", &keys.gsi1pk),
            ("gsi1sk", &keys.gsi1sk),
            ("gsi2pk", &keys.gsi2pk),
            ("gsi2sk", &keys.gsi2sk),
        ];
        for (name, value) in gsi {
            if let Some(value) = value {
                field(name, value)?;
            }
        }
        if let Some(t) = &keys.item_type {
            field("__type", t)?;
        }
        if !inner.is_empty() {
            doc.push(',');
            doc.push_str(inner);
        }
        doc.push('}');
        Ok(Self { keys, doc })
    }

    /// The plain item (parses `doc`).
    pub fn to_item(&self) -> Result<Item, StoreError> {
        serde_json::from_str(&self.doc).map_err(|e| StoreError::Corrupt {
            pk: self.keys.pk.clone(),
            sk: self.keys.sk.clone(),
            kind: "item",
            reason: e.to_string(),
        })
    }

    /// The item's `__type`, if any.
    pub fn item_type(&self) -> Option<&str> {
        self.keys.item_type.as_deref()
    }
}
