//! The morpheme catalog (the input of morphemes.json) without a Scan.
//!
//! DATA_MODEL.md allows only key lookups and key-range queries, and the deployed
//! function's policy grants GetItem, Query, BatchGetItem, PutItem and CreateBackup —
//! no Scan. No key pattern lists every family, but family ids are the original
//! database's serial ids, so the families are read *by id*: windows of
//! [`WINDOW`] consecutive ids, one BatchGetItem each, [`IN_FLIGHT`] windows at a
//! time, until [`STOP_AFTER_EMPTY`] consecutive windows find nothing (a run of
//! that many missing ids ends the table; shorter gaps are read through). The
//! morphemes are then read by the keys their families list
//! (`MORPHEME_FAMILY#<family>` / `MORPHEME#<id>`), again in parallel chunks.
//!
//! Runs once per process (the API caches the built document); for the open dataset
//! (19,442 families) that is ~200 + ~200 batch reads.

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use tokio::task::JoinSet;

use super::super::codec;
use super::super::keys;
use super::super::{Item, StoreError};
use super::ops::{self, BATCH_GET_MAX};
use crate::domain::{FamilyId, Morpheme, MorphemeCatalog, MorphemeFamily};

/// Ids per window (one BatchGetItem: its maximum key count).
pub const WINDOW: i64 = BATCH_GET_MAX as i64;
/// Batch reads in flight at once.
pub const IN_FLIGHT: usize = 8;
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
    let found = parallel_batch_get(client, table, member_keys.chunks(BATCH_GET_MAX)).await?;
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
fn window_keys(w: i64) -> Vec<Key> {
    (w * WINDOW..(w + 1) * WINDOW)
        .map(|id: FamilyId| (keys::family(id), keys::family(id)))
        .collect()
}

/// Walks family ids from 0 upwards, [`IN_FLIGHT`] windows per round, until
/// [`STOP_AFTER_EMPTY`] consecutive windows are empty.
async fn read_families(client: &Client, table: &str) -> Result<Vec<MorphemeFamily>, StoreError> {
    let mut families = Vec::new();
    let mut next_window: i64 = 0;
    let mut empty_run = 0usize;
    while empty_run < STOP_AFTER_EMPTY {
        let round: Vec<Vec<Key>> = (next_window..next_window + IN_FLIGHT as i64)
            .map(window_keys)
            .collect();
        next_window += IN_FLIGHT as i64;
        let mut tasks = JoinSet::new();
        for (i, keys) in round.into_iter().enumerate() {
            let client = client.clone();
            let table = table.to_owned();
            tasks.spawn(async move { (i, ops::batch_get(&client, &table, &keys).await) });
        }
        let mut by_window: Vec<Option<HashMap<Key, Item>>> = vec![None; IN_FLIGHT];
        while let Some(done) = tasks.join_next().await {
            let (i, result) = done.map_err(|e| StoreError::Worker(e.to_string()))?;
            by_window[i] = Some(result?);
        }
        for found in by_window.into_iter().flatten() {
            let mut any = false;
            for item in found.values() {
                if is_kind(item, keys::types::MORPHEME_FAMILY) {
                    families.push(codec::decode_item(item)?);
                    any = true;
                }
            }
            empty_run = if any { 0 } else { empty_run + 1 };
        }
    }
    Ok(families)
}

/// BatchGetItem over `chunks` (each ≤ 100 keys), [`IN_FLIGHT`] at a time.
async fn parallel_batch_get<'a>(
    client: &Client,
    table: &str,
    chunks: impl Iterator<Item = &'a [Key]>,
) -> Result<HashMap<Key, Item>, StoreError> {
    let mut found = HashMap::new();
    let mut tasks = JoinSet::new();
    for chunk in chunks {
        if tasks.len() >= IN_FLIGHT
            && let Some(done) = tasks.join_next().await
        {
            found.extend(done.map_err(|e| StoreError::Worker(e.to_string()))??);
        }
        let client = client.clone();
        let table = table.to_owned();
        let keys = chunk.to_vec();
        tasks.spawn(async move { ops::batch_get(&client, &table, &keys).await });
    }
    while let Some(done) = tasks.join_next().await {
        found.extend(done.map_err(|e| StoreError::Worker(e.to_string()))??);
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_cover_consecutive_ids_from_zero() {
        let w0 = window_keys(0);
        assert_eq!(w0.len(), 100);
        assert_eq!(w0[0].0, "MORPHEME_FAMILY#0");
        assert_eq!(w0[99].1, "MORPHEME_FAMILY#99");
        assert_eq!(window_keys(3)[0].0, "MORPHEME_FAMILY#300");
    }
}
