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

use super::encoded::{EncodedItem, OwnedKeys};
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

/// The two forms an item is encoded into: a plain [`Item`] map (for single
/// writes and the DynamoDB store) or an [`EncodedItem`] (keys and JSON text, for
/// bulk writes into the embedded store). Both hold the same attributes in the
/// same order, so they store the same bytes.
pub trait ItemForm: Sized {
    /// The item of `value`'s attributes under `keys`.
    fn build<T: Serialize>(keys: OwnedKeys, value: &T) -> Result<Self, StoreError>;
}

impl ItemForm for Item {
    fn build<T: Serialize>(keys: OwnedKeys, value: &T) -> Result<Self, StoreError> {
        with_attributes(keyed(keys), value)
    }
}

impl ItemForm for EncodedItem {
    fn build<T: Serialize>(keys: OwnedKeys, value: &T) -> Result<Self, StoreError> {
        EncodedItem::with_attributes(keys, value)
    }
}

/// The keys and type of an item.
fn key_set(
    pk: String,
    sk: String,
    gsi1: Option<(String, String)>,
    gsi2: Option<(String, String)>,
    item_type: &str,
) -> OwnedKeys {
    let (gsi1pk, gsi1sk) = gsi1.unzip();
    let (gsi2pk, gsi2sk) = gsi2.unzip();
    OwnedKeys {
        pk,
        sk,
        gsi1pk,
        gsi1sk,
        gsi2pk,
        gsi2sk,
        item_type: Some(item_type.to_owned()),
    }
}

/// Starts an item with its keys and type, in the canonical attribute order.
fn keyed(keys: OwnedKeys) -> Item {
    let mut item = Item::new();
    let named = [
        ("pk", Some(keys.pk)),
        ("sk", Some(keys.sk)),
        ("gsi1pk", keys.gsi1pk),
        ("gsi1sk", keys.gsi1sk),
        ("gsi2pk", keys.gsi2pk),
        ("gsi2sk", keys.gsi2sk),
        ("__type", keys.item_type),
    ];
    for (name, value) in named {
        if let Some(value) = value {
            item.insert(name.into(), Value::String(value));
        }
    }
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
pub fn encode_word<F: ItemForm>(word: &Word) -> Result<F, StoreError> {
    let key = keys::word(word.word.word_id);
    F::build(key_set(key.clone(), key, None, None, types::WORD), word)
}

/// The `WORD_FOR_SEARCH` item (pk `WORD`, sk = the word text).
pub fn encode_search_entry<F: ItemForm>(entry: &SearchEntry) -> Result<F, StoreError> {
    let keys = key_set(
        keys::SEARCH_PK.to_owned(),
        entry.word.clone(),
        None,
        None,
        types::WORD_FOR_SEARCH,
    );
    F::build(keys, entry)
}

/// A breakdown item: official (`BREAKDOWN`, with gsi1/gsi2 by submitter) or a
/// user's submission (`UNOFFICIAL_USER_BREAKDOWN`, `is_inference` forced false).
pub fn encode_breakdown<F: ItemForm>(
    kind: BreakdownKind,
    breakdown: &Breakdown,
) -> Result<F, StoreError> {
    let word_key = keys::word(breakdown.word_id);
    match kind {
        BreakdownKind::Official => {
            let by_user = breakdown.submitted_by_user_email.as_deref().map(keys::user);
            let gsi1 = by_user.clone().map(|u| (u, word_key.clone()));
            let gsi2 = by_user.map(|u| (word_key.clone(), u));
            let keys = key_set(
                word_key.clone(),
                keys::OFFICIAL_BREAKDOWN_SK.to_owned(),
                gsi1,
                gsi2,
                types::BREAKDOWN,
            );
            F::build(keys, breakdown)
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
            let keys = key_set(
                keys::user(email),
                keys::user_breakdown_sk(breakdown.word_id),
                None,
                None,
                types::USER_BREAKDOWN,
            );
            let mut unofficial = breakdown.clone();
            unofficial.is_inference = false;
            F::build(keys, &unofficial)
        }
    }
}

/// The `MORPHEME` item (pk = its family, gsi1 = itself).
pub fn encode_morpheme<F: ItemForm>(morpheme: &Morpheme) -> Result<F, StoreError> {
    let own = keys::morpheme(morpheme.morpheme_id);
    let keys = key_set(
        keys::family(morpheme.family_id),
        own.clone(),
        Some((own.clone(), own)),
        None,
        types::MORPHEME,
    );
    F::build(keys, morpheme)
}

/// The `MORPHEME_FAMILY` item.
pub fn encode_family<F: ItemForm>(family: &MorphemeFamily) -> Result<F, StoreError> {
    let key = keys::family(family.family_id);
    F::build(
        key_set(key.clone(), key, None, None, types::MORPHEME_FAMILY),
        family,
    )
}

/// The `USER` item.
pub fn encode_user<F: ItemForm>(user: &User) -> Result<F, StoreError> {
    let key = keys::user(&user.email);
    F::build(key_set(key.clone(), key, None, None, types::USER), user)
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
        let item: Item = encode_breakdown(BreakdownKind::UserSubmission, &breakdown()).unwrap();
        assert_eq!(item["pk"], "USER#a@b.c");
        assert_eq!(item["sk"], "BREAKDOWN#7");
        assert_eq!(item["__type"], "UNOFFICIAL_USER_BREAKDOWN");
        let back: Breakdown = decode_item(&item).unwrap();
        assert!(!back.is_inference);
        assert_eq!(back.breakdown_items, breakdown().breakdown_items);
    }

    /// Every kind of item, encoded both ways.
    fn both_forms() -> Vec<(Item, EncodedItem)> {
        fn pair<T>(
            value: &T,
            encode: impl Fn(&T) -> Result<Item, StoreError>,
            encode_text: impl Fn(&T) -> Result<EncodedItem, StoreError>,
        ) -> (Item, EncodedItem) {
            (encode(value).unwrap(), encode_text(value).unwrap())
        }
        let mut anonymous = breakdown();
        anonymous.submitted_by_user_email = None;
        let family: MorphemeFamily = decode_json(
            "F",
            "F",
            r#"{"family_id":"3","type":"prefix","word_pos":"any","level":"1",
                "family_meanings":["near \"by\"","<&>"],
                "morphemes":[{"morpheme_id":"3","morpheme":"при"}]}"#,
        )
        .unwrap();
        let morpheme: Morpheme = decode_json(
            "M",
            "M",
            r#"{"morpheme_id":3,"morpheme":"при","family_id":3}"#,
        )
        .unwrap();
        let search: SearchEntry = decode_json(
            "W",
            "S",
            r#"{"word":"при","word_id":7,"pos":"preposition","frequency":12}"#,
        )
        .unwrap();
        let word: Word = decode_json(
            "W",
            "W",
            r#"{"word":{"word_id":7,"word":"при","accent":"при́","pos":"preposition","frequency":12},
                "definitions":[],"sentences":[],"short_forms":null}"#,
        )
        .unwrap();
        let user: User = decode_json("U", "U", r#"{"email":"a@b.c","is_admin":false}"#).unwrap();
        vec![
            pair(
                &breakdown(),
                |b| encode_breakdown(BreakdownKind::Official, b),
                |b| encode_breakdown(BreakdownKind::Official, b),
            ),
            pair(
                &anonymous,
                |b| encode_breakdown(BreakdownKind::Official, b),
                |b| encode_breakdown(BreakdownKind::Official, b),
            ),
            pair(
                &breakdown(),
                |b| encode_breakdown(BreakdownKind::UserSubmission, b),
                |b| encode_breakdown(BreakdownKind::UserSubmission, b),
            ),
            pair(&family, encode_family, encode_family),
            pair(&morpheme, encode_morpheme, encode_morpheme),
            pair(&search, encode_search_entry, encode_search_entry),
            pair(&word, encode_word, encode_word),
            pair(&user, encode_user, encode_user),
        ]
    }

    #[test]
    fn both_forms_store_the_same_bytes_and_keys() {
        for (item, encoded) in both_forms() {
            assert_eq!(encoded.doc, serde_json::to_string(&item).unwrap());
            assert_eq!(encoded, EncodedItem::from_item(&item).unwrap());
            assert_eq!(encoded.to_item().unwrap(), item);
        }
    }

    #[test]
    fn the_encoded_official_breakdown_is_the_production_layout() {
        let encoded: EncodedItem = encode_breakdown(BreakdownKind::Official, &breakdown()).unwrap();
        assert_eq!(
            encoded.doc,
            concat!(
                r#"{"pk":"WORD#7","sk":"BREAKDOWN","gsi1pk":"USER#a@b.c","gsi1sk":"WORD#7","#,
                r#""gsi2pk":"WORD#7","gsi2sk":"USER#a@b.c","__type":"BREAKDOWN","word_id":"7","#,
                r#""word":"при","submitted_by_user_email":"a@b.c","is_verified":false,"#,
                r#""is_inference":true,"date_submitted":"2023-03-08 14:22:51.305117","#,
                r#""date_verified":"None","breakdown_items":[{"position":0,"morpheme":"при","#,
                r#""morpheme_id":"3","morpheme_family_id":"3"}]}"#
            )
        );
        assert_eq!(encoded.keys.gsi2sk.as_deref(), Some("USER#a@b.c"));
        assert_eq!(encoded.item_type(), Some("BREAKDOWN"));
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
