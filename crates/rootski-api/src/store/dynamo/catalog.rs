//! The morpheme catalog (the input of morphemes.json) without a Scan.
//!
//! DATA_MODEL.md allows only key lookups and key-range queries, and the deployed
//! function's policy grants GetItem, Query, BatchGetItem, PutItem and CreateBackup —
//! no Scan. No key pattern lists every family, but family ids are the original
//! database's serial ids, so the families are read *by id*: rounds of
//! [`WINDOWS_PER_ROUND`] windows of [`WINDOW`] consecutive ids (one batch read, its
//! chunks in parallel), until [`STOP_AFTER_EMPTY`] consecutive windows find nothing
//! (a run of that many missing ids ends the table; shorter gaps are read through).
//! The morphemes are then read by the keys their families list
//! (`MORPHEME_FAMILY#<family>` / `MORPHEME#<id>`).
//!
//! Runs once per process (the API caches the built document); for the open dataset
//! (19,442 families) that is ~200 + ~200 BatchGetItem calls.

use aws_sdk_dynamodb::Client;

use super::super::codec;
use super::super::keys;
use super::super::{Item, StoreError};
use super::ops::{self, BATCH_GET_MAX};
use crate::domain::{FamilyId, Morpheme, MorphemeCatalog, MorphemeFamily};

/// Ids per window (one BatchGetItem chunk).
pub const WINDOW: i64 = BATCH_GET_MAX as i64;
/// Windows read per round.
pub const WINDOWS_PER_ROUND: i64 = 8;
/// Consecutive empty windows that end the id walk: a gap of 800 missing ids. An
/// empty window costs one small BatchGetItem, so the margin is cheap (one extra
/// round of reads).
pub const STOP_AFTER_EMPTY: usize = 8;

type Key = (String, String);

/// Reads every family and the morphemes they list, sorted by id.
pub async fn read_catalog(client: &Client, table: &str) -> Result<MorphemeCatalog, StoreError> {
    let mut families = read_families(client, table).await?;
    families.sort_by_key(|f| f.family_id);
    let member_keys: Vec<Key> = families
        .iter()
        .flat_map(|f| {
            f.morphemes
                .iter()
                .map(|m| (keys::family(f.family_id), keys::morpheme(m.morpheme_id)))
        })
        .collect();
    let found = ops::batch_get(client, table, &member_keys).await?;
    let mut morphemes: Vec<Morpheme> = Vec::with_capacity(found.len());
    for item in found.values() {
        if is_kind(item, keys::types::MORPHEME) {
            morphemes.push(codec::decode_item(item)?);
        }
    }
    morphemes.sort_by_key(|m| m.morpheme_id);
    Ok(MorphemeCatalog {
        morphemes,
        families,
    })
}

fn is_kind(item: &Item, kind: &str) -> bool {
    item.get("__type").and_then(serde_json::Value::as_str) == Some(kind)
}

/// The keys of the family items with ids in window `w`.
fn window_keys(w: i64) -> impl Iterator<Item = Key> {
    (w * WINDOW..(w + 1) * WINDOW).map(|id: FamilyId| (keys::family(id), keys::family(id)))
}

/// Walks family ids from 0 upwards until [`STOP_AFTER_EMPTY`] consecutive
/// windows are empty.
async fn read_families(client: &Client, table: &str) -> Result<Vec<MorphemeFamily>, StoreError> {
    let mut families = Vec::new();
    let mut first: i64 = 0;
    let mut empty_run = 0usize;
    while empty_run < STOP_AFTER_EMPTY {
        let round: Vec<Key> = (first..first + WINDOWS_PER_ROUND)
            .flat_map(window_keys)
            .collect();
        let found = ops::batch_get(client, table, &round).await?;
        let mut filled = [false; WINDOWS_PER_ROUND as usize];
        for item in found.values() {
            if is_kind(item, keys::types::MORPHEME_FAMILY) {
                let family: MorphemeFamily = codec::decode_item(item)?;
                if let Ok(w) = usize::try_from(family.family_id / WINDOW - first)
                    && let Some(slot) = filled.get_mut(w)
                {
                    *slot = true;
                }
                families.push(family);
            }
        }
        for window_filled in filled {
            empty_run = if window_filled { 0 } else { empty_run + 1 };
        }
        first += WINDOWS_PER_ROUND;
    }
    Ok(families)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_cover_consecutive_ids_from_zero() {
        let w0: Vec<Key> = window_keys(0).collect();
        assert_eq!(w0.len(), 100);
        assert_eq!(w0[0].0, "MORPHEME_FAMILY#0");
        assert_eq!(w0[99].1, "MORPHEME_FAMILY#99");
        assert_eq!(window_keys(3).next().unwrap().0, "MORPHEME_FAMILY#300");
    }
}
