//! The item codec: domain values ↔ single-table items.
//!
//! This is the one place that knows which keys, gsi keys and `__type` each kind
//! of item carries (`DATA_MODEL.md`), so the SQLite store, a DynamoDB store and
//! the importer all produce byte-for-byte the same items. Encoding is
//! deterministic: keys first (pk, sk, gsi keys, `__type`), then attributes in
//! declaration order, ids as strings.
//!
//! Decoding reads the plain-JSON item text (extra attributes are ignored) and is
//! lenient about numbers (number, integral float or numeric string) and dates
//! (`"None"` or null), because production items written by Python vary.

use super::keys::{self, types};
use super::{Item, StoreError};
use crate::domain::{Breakdown, BreakdownKind, Morpheme, MorphemeFamily, SearchEntry, User, Word};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Which kind of item a decode expected (for error messages).
pub trait ItemKind: DeserializeOwned {
    /// Human name of the item kind.
    const KIND: &'static str;
}

impl ItemKind for Word {
    const KIND: &'static str = types::WORD;
}
impl ItemKind for SearchEntry {
    const KIND: &'static str = types::WORD_FOR_SEARCH;
}
impl ItemKind for Breakdown {
    const KIND: &'static str = types::BREAKDOWN;
}
impl ItemKind for Morpheme {
    const KIND: &'static str = types::MORPHEME;
}
impl ItemKind for MorphemeFamily {
    const KIND: &'static str = types::MORPHEME_FAMILY;
}
impl ItemKind for User {
    const KIND: &'static str = types::USER;
}

/// Decodes an item from its stored JSON text.
pub fn decode_json<T: ItemKind>(pk: &str, sk: &str, json: &str) -> Result<T, StoreError> {
    serde_json::from_str(json).map_err(|e| corrupt::<T>(pk, sk, e.to_string()))
}

/// Decodes an item already parsed into a map.
pub fn decode_item<T: ItemKind>(item: &Item) -> Result<T, StoreError> {
    let key = |name: &str| {
        item.get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    T::deserialize(item_as_value_ref(item))
        .map_err(|e| corrupt::<T>(&key("pk"), &key("sk"), e.to_string()))
}

fn item_as_value_ref(item: &Item) -> serde_json::value::Value {
    // serde_json only deserializes from `&Value`, not `&Map`; items are small.
    Value::Object(item.clone())
}

fn corrupt<T: ItemKind>(pk: &str, sk: &str, reason: String) -> StoreError {
    StoreError::Corrupt {
        pk: pk.to_owned(),
        sk: sk.to_owned(),
        kind: T::KIND,
        reason,
    }
}

/// Starts an item with its keys and type, in the canonical attribute order.
fn keyed(
    pk: String,
    sk: String,
    gsi1: Option<(String, String)>,
    gsi2: Option<(String, String)>,
    item_type: &str,
) -> Item {
    let mut item = Item::new();
    item.insert("pk".into(), Value::String(pk));
    item.insert("sk".into(), Value::String(sk));
    if let Some((p, s)) = gsi1 {
        item.insert("gsi1pk".into(), Value::String(p));
        item.insert("gsi1sk".into(), Value::String(s));
    }
    if let Some((p, s)) = gsi2 {
        item.insert("gsi2pk".into(), Value::String(p));
        item.insert("gsi2sk".into(), Value::String(s));
    }
    item.insert("__type".into(), Value::String(item_type.to_owned()));
    item
}

/// Appends the serialized attributes of `value` (a struct) to `item`.
fn with_attributes<T: Serialize>(mut item: Item, value: &T) -> Result<Item, StoreError> {
    match serde_json::to_value(value) {
        Ok(Value::Object(attrs)) => {
            item.extend(attrs);
            Ok(item)
        }
        Ok(_) => Err(StoreError::InvalidItem(
            "value did not serialize to an object".into(),
        )),
        Err(e) => Err(StoreError::InvalidItem(e.to_string())),
    }
}

/// The `WORD` item of a word page.
pub fn encode_word(word: &Word) -> Result<Item, StoreError> {
    let key = keys::word(word.word.word_id);
    with_attributes(keyed(key.clone(), key, None, None, types::WORD), word)
}

/// The `WORD_FOR_SEARCH` item (pk `WORD`, sk = the word text).
pub fn encode_search_entry(entry: &SearchEntry) -> Result<Item, StoreError> {
    let item = keyed(
        keys::SEARCH_PK.to_owned(),
        entry.word.clone(),
        None,
        None,
        types::WORD_FOR_SEARCH,
    );
    with_attributes(item, entry)
}

/// A breakdown item: official (`BREAKDOWN`, with gsi1/gsi2 by submitter) or a
/// user's submission (`UNOFFICIAL_USER_BREAKDOWN`, `is_inference` forced false).
pub fn encode_breakdown(kind: BreakdownKind, breakdown: &Breakdown) -> Result<Item, StoreError> {
    let word_key = keys::word(breakdown.word_id);
    match kind {
        BreakdownKind::Official => {
            let by_user = breakdown.submitted_by_user_email.as_deref().map(keys::user);
            let gsi1 = by_user.clone().map(|u| (u, word_key.clone()));
            let gsi2 = by_user.map(|u| (word_key.clone(), u));
            let item = keyed(
                word_key.clone(),
                keys::OFFICIAL_BREAKDOWN_SK.to_owned(),
                gsi1,
                gsi2,
                types::BREAKDOWN,
            );
            with_attributes(item, breakdown)
        }
        BreakdownKind::UserSubmission => {
            let email = breakdown
                .submitted_by_user_email
                .as_deref()
                .ok_or_else(|| {
                    StoreError::InvalidItem(
                        "a user submission needs submitted_by_user_email (its pk is USER#<email>)"
                            .into(),
                    )
                })?;
            let item = keyed(
                keys::user(email),
                keys::user_breakdown_sk(breakdown.word_id),
                None,
                None,
                types::USER_BREAKDOWN,
            );
            let mut unofficial = breakdown.clone();
            unofficial.is_inference = false;
            with_attributes(item, &unofficial)
        }
    }
}

/// The `MORPHEME` item (pk = its family, gsi1 = itself).
pub fn encode_morpheme(morpheme: &Morpheme) -> Result<Item, StoreError> {
    let own = keys::morpheme(morpheme.morpheme_id);
    let item = keyed(
        keys::family(morpheme.family_id),
        own.clone(),
        Some((own.clone(), own)),
        None,
        types::MORPHEME,
    );
    with_attributes(item, morpheme)
}

/// The `MORPHEME_FAMILY` item.
pub fn encode_family(family: &MorphemeFamily) -> Result<Item, StoreError> {
    let key = keys::family(family.family_id);
    let item = keyed(key.clone(), key, None, None, types::MORPHEME_FAMILY);
    with_attributes(item, family)
}

/// The `USER` item.
pub fn encode_user(user: &User) -> Result<Item, StoreError> {
    let key = keys::user(&user.email);
    with_attributes(keyed(key.clone(), key, None, None, types::USER), user)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{BreakdownItem, StoredDate};
    use serde_json::json;

    fn breakdown() -> Breakdown {
        Breakdown {
            word_id: 7,
            word: "при".into(),
            submitted_by_user_email: Some("a@b.c".into()),
            is_verified: false,
            is_inference: true,
            date_submitted: StoredDate::parse("2023-03-08 14:22:51.305117").unwrap(),
            date_verified: StoredDate(None),
            breakdown_items: vec![BreakdownItem {
                position: 0,
                morpheme: "при".into(),
                morpheme_id: Some(3),
                morpheme_family_id: Some(3),
            }],
        }
    }

    #[test]
    fn official_breakdown_has_the_production_layout() {
        let item = encode_breakdown(BreakdownKind::Official, &breakdown()).unwrap();
        assert_eq!(
            Value::Object(item),
            json!({
                "pk": "WORD#7", "sk": "BREAKDOWN",
                "gsi1pk": "USER#a@b.c", "gsi1sk": "WORD#7",
                "gsi2pk": "WORD#7", "gsi2sk": "USER#a@b.c",
                "__type": "BREAKDOWN",
                "word_id": "7", "word": "при", "submitted_by_user_email": "a@b.c",
                "is_verified": false, "is_inference": true,
                "date_submitted": "2023-03-08 14:22:51.305117", "date_verified": "None",
                "breakdown_items": [{"position": 0, "morpheme": "при", "morpheme_id": "3", "morpheme_family_id": "3"}]
            })
        );
    }

    #[test]
    fn user_submission_is_never_an_inference_and_round_trips() {
        let item = encode_breakdown(BreakdownKind::UserSubmission, &breakdown()).unwrap();
        assert_eq!(item["pk"], "USER#a@b.c");
        assert_eq!(item["sk"], "BREAKDOWN#7");
        assert_eq!(item["__type"], "UNOFFICIAL_USER_BREAKDOWN");
        let back: Breakdown = decode_item(&item).unwrap();
        assert!(!back.is_inference);
        assert_eq!(back.breakdown_items, breakdown().breakdown_items);
    }

    #[test]
    fn decoding_reads_numeric_strings_decimals_and_none_dates() {
        let text = r#"{"pk":"WORD#7","sk":"BREAKDOWN","word_id":7.0,"word":"x",
            "submitted_by_user_email":null,"is_verified":"true","is_inference":false,
            "date_submitted":"None","date_verified":null,
            "breakdown_items":[{"position":"1","morpheme":"x","morpheme_id":null}]}"#;
        let b: Breakdown = decode_json("WORD#7", "BREAKDOWN", text).unwrap();
        assert_eq!(b.word_id, 7);
        assert!(b.is_verified);
        assert_eq!(b.date_submitted, StoredDate(None));
        assert_eq!(b.breakdown_items[0].position, 1);
        assert_eq!(b.breakdown_items[0].morpheme_family_id, None);
    }

    #[test]
    fn a_broken_item_is_reported_with_its_keys() {
        let err = decode_json::<Morpheme>("P", "S", r#"{"morpheme_id":"x"}"#).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("\"P\"") && text.contains("MORPHEME"),
            "{text}"
        );
    }
}
