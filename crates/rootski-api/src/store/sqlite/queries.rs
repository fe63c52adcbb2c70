//! The SQL of every access pattern, as blocking functions on one connection.
//!
//! Rows are decoded straight from SQLite's buffers (`get_ref`), without copying
//! the JSON document into a `String` first: at 100 search hits per request the
//! copies were a measurable share of the cost.

use crate::domain::MorphemeCatalog;
use crate::store::codec::{self, ItemKind};
use crate::store::keys::{self, types};
use crate::store::{EncodedItem, Item, StoreError, StoreResult};
use rusqlite::types::Type;
use rusqlite::{Connection, Row, Transaction, params};

const GET_DOC: &str = "SELECT doc FROM items WHERE pk = ?1 AND sk = ?2";
const GET_BY_GSI1: &str =
    "SELECT pk, sk, doc FROM items WHERE gsi1pk = ?1 AND gsi1sk = ?2 ORDER BY pk, sk LIMIT 1";
const BY_GSI2: &str = "SELECT pk, sk, doc FROM items WHERE gsi2pk = ?1 ORDER BY gsi2sk, pk, sk";
// `pk = 'WORD'` is written out (not bound) so SQLite can use the covering
// partial index `items_search`: one index range, no table lookups per hit.
const SEARCH: &str = "SELECT sk, doc FROM items INDEXED BY items_search WHERE pk = 'WORD' AND sk >= ?1 AND sk < ?2 ORDER BY sk LIMIT ?3";
const SEARCH_UNBOUNDED: &str = "SELECT sk, doc FROM items INDEXED BY items_search WHERE pk = 'WORD' AND sk >= ?1 ORDER BY sk LIMIT ?2";
const PK_RANGE: &str =
    "SELECT pk, sk, type, doc FROM items WHERE pk >= ?1 AND pk < ?2 ORDER BY pk, sk";
const ALL: &str = "SELECT pk, sk, doc FROM items ORDER BY pk, sk";
const UPSERT: &str = "INSERT INTO items (pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, type, doc) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
     ON CONFLICT (pk, sk) DO UPDATE SET gsi1pk = excluded.gsi1pk, gsi1sk = excluded.gsi1sk, \
     gsi2pk = excluded.gsi2pk, gsi2sk = excluded.gsi2sk, type = excluded.type, doc = excluded.doc";
const INSERT_IF_ABSENT: &str = "INSERT INTO items (pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, type, doc) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (pk, sk) DO NOTHING";
const GET_META: &str = "SELECT value FROM meta WHERE key = ?1";
const PUT_META: &str = "INSERT INTO meta (key, value) VALUES (?1, ?2) \
     ON CONFLICT (key) DO UPDATE SET value = excluded.value";

/// Borrows column `i` as text.
fn text<'r>(row: &'r Row<'_>, i: usize) -> StoreResult<&'r str> {
    row.get_ref(i)?.as_str().map_err(|e| {
        StoreError::Sqlite(rusqlite::Error::FromSqlConversionFailure(
            i,
            Type::Text,
            Box::new(e),
        ))
    })
}

/// Decodes the item at (pk, sk).
pub(super) fn get<T: ItemKind>(c: &Connection, pk: &str, sk: &str) -> StoreResult<Option<T>> {
    let mut stmt = c.prepare_cached(GET_DOC)?;
    let mut rows = stmt.query(params![pk, sk])?;
    match rows.next()? {
        Some(row) => codec::decode_json(pk, sk, text(row, 0)?).map(Some),
        None => Ok(None),
    }
}

/// Decodes every row of a `pk, sk, doc` query.
fn decode_all<T: ItemKind>(mut rows: rusqlite::Rows<'_>) -> StoreResult<Vec<T>> {
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(codec::decode_json(
            text(row, 0)?,
            text(row, 1)?,
            text(row, 2)?,
        )?);
    }
    Ok(out)
}

/// Search entries under pk `WORD` with sk in [prefix, upper).
pub(super) fn search<T: ItemKind>(c: &Connection, prefix: &str, limit: i64) -> StoreResult<Vec<T>> {
    let mut out = Vec::new();
    let mut push = |row: &Row<'_>| -> StoreResult<()> {
        out.push(codec::decode_json(
            keys::SEARCH_PK,
            text(row, 0)?,
            text(row, 1)?,
        )?);
        Ok(())
    };
    match prefix_upper_bound(prefix) {
        Some(upper) => {
            let mut stmt = c.prepare_cached(SEARCH)?;
            let mut rows = stmt.query(params![prefix, upper, limit])?;
            while let Some(row) = rows.next()? {
                push(row)?;
            }
        }
        None => {
            let mut stmt = c.prepare_cached(SEARCH_UNBOUNDED)?;
            let mut rows = stmt.query(params![prefix, limit])?;
            while let Some(row) = rows.next()? {
                push(row)?;
            }
        }
    }
    Ok(out)
}

/// Items whose gsi2pk is `gsi2pk`, by gsi2sk.
pub(super) fn by_gsi2<T: ItemKind>(c: &Connection, gsi2pk: &str) -> StoreResult<Vec<T>> {
    let mut stmt = c.prepare_cached(BY_GSI2)?;
    decode_all(stmt.query(params![gsi2pk])?)
}

/// The first item whose gsi1 keys are (key, key), for each key.
pub(super) fn by_gsi1_each<T: ItemKind>(c: &Connection, keys: &[String]) -> StoreResult<Vec<T>> {
    let mut stmt = c.prepare_cached(GET_BY_GSI1)?;
    let mut out = Vec::with_capacity(keys.len());
    for key in keys {
        let mut rows = stmt.query(params![key, key])?;
        if let Some(row) = rows.next()? {
            out.push(codec::decode_json(
                text(row, 0)?,
                text(row, 1)?,
                text(row, 2)?,
            )?);
        }
    }
    Ok(out)
}

/// Every morpheme and family: one primary-key range over `MORPHEME_FAMILY#…`.
pub(super) fn catalog(c: &Connection) -> StoreResult<MorphemeCatalog> {
    let lower = keys::family_prefix();
    let upper = prefix_upper_bound(lower).unwrap_or_default();
    let mut stmt = c.prepare_cached(PK_RANGE)?;
    let mut rows = stmt.query(params![lower, upper])?;
    let mut catalog = MorphemeCatalog::default();
    while let Some(row) = rows.next()? {
        let (pk, sk, doc) = (text(row, 0)?, text(row, 1)?, text(row, 3)?);
        match row.get_ref(2)?.as_str_or_null().ok().flatten() {
            Some(types::MORPHEME) => catalog.morphemes.push(codec::decode_json(pk, sk, doc)?),
            Some(types::MORPHEME_FAMILY) => catalog.families.push(codec::decode_json(pk, sk, doc)?),
            _ => {}
        }
    }
    catalog.morphemes.sort_by_key(|m| m.morpheme_id);
    catalog.families.sort_by_key(|f| f.family_id);
    Ok(catalog)
}

/// Raw items at the given keys.
pub(super) fn raw_items(
    c: &Connection,
    keys: &[(String, String)],
) -> StoreResult<Vec<Option<Item>>> {
    let mut stmt = c.prepare_cached(GET_DOC)?;
    let mut out = Vec::with_capacity(keys.len());
    for (pk, sk) in keys {
        let mut rows = stmt.query(params![pk, sk])?;
        out.push(match rows.next()? {
            Some(row) => Some(parse_item(pk, sk, text(row, 0)?)?),
            None => None,
        });
    }
    Ok(out)
}

/// Every raw item by (pk, sk).
pub(super) fn all_items(c: &Connection) -> StoreResult<Vec<Item>> {
    let mut stmt = c.prepare_cached(ALL)?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(parse_item(text(row, 0)?, text(row, 1)?, text(row, 2)?)?);
    }
    Ok(out)
}

fn parse_item(pk: &str, sk: &str, doc: &str) -> StoreResult<Item> {
    serde_json::from_str(doc).map_err(|e| StoreError::Corrupt {
        pk: pk.to_owned(),
        sk: sk.to_owned(),
        kind: "JSON",
        reason: e.to_string(),
    })
}

/// How a write treats an existing item at the same key.
#[derive(Clone, Copy)]
pub(super) enum OnConflict {
    Replace,
    Keep,
}

/// Writes one item; returns whether a row was written.
pub(super) fn write_item(
    tx: &Transaction<'_>,
    item: &EncodedItem,
    on_conflict: OnConflict,
) -> StoreResult<bool> {
    let k = &item.keys;
    let sql = match on_conflict {
        OnConflict::Replace => UPSERT,
        OnConflict::Keep => INSERT_IF_ABSENT,
    };
    let mut stmt = tx.prepare_cached(sql)?;
    let changed = stmt.execute(params![
        k.pk,
        k.sk,
        k.gsi1pk,
        k.gsi1sk,
        k.gsi2pk,
        k.gsi2sk,
        k.item_type,
        item.doc
    ])?;
    Ok(changed > 0)
}

pub(super) fn get_meta(c: &Connection, key: &str) -> StoreResult<Option<String>> {
    let mut stmt = c.prepare_cached(GET_META)?;
    let mut rows = stmt.query(params![key])?;
    match rows.next()? {
        Some(row) => Ok(Some(text(row, 0)?.to_owned())),
        None => Ok(None),
    }
}

pub(super) fn put_meta(tx: &Transaction<'_>, key: &str, value: &str) -> StoreResult<()> {
    tx.prepare_cached(PUT_META)?.execute(params![key, value])?;
    Ok(())
}

/// The smallest string greater than every string that starts with `prefix`,
/// or `None` if there is none (the prefix is all `char::MAX`).
///
/// UTF-8 byte order equals code point order, so bumping the last character to
/// the next scalar value gives an exclusive upper bound for a key-range scan
/// (an index range, unlike `LIKE`, and exact for any script).
pub(crate) fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = match last {
            '\u{D7FF}' => Some('\u{E000}'),
            c => char::from_u32(c as u32 + 1),
        };
        if let Some(n) = next {
            chars.push(n);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::prefix_upper_bound;

    #[test]
    fn upper_bound_bumps_the_last_character() {
        assert_eq!(prefix_upper_bound("при").as_deref(), Some("прй"));
        assert_eq!(prefix_upper_bound("a").as_deref(), Some("b"));
        assert_eq!(prefix_upper_bound("").as_deref(), None);
        assert_eq!(prefix_upper_bound("a\u{10FFFF}").as_deref(), Some("b"));
        assert_eq!(prefix_upper_bound("\u{D7FF}").as_deref(), Some("\u{E000}"));
    }
}
