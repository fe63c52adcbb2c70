//! The write half of an import: batches of validated items, each one store
//! transaction, with the resume checkpoint after each and the human-breakdown
//! rule applied per batch. Batches arrive one at a time over a bounded channel
//! ([`super::records::Batches`]), so only a few are in memory at once.

use super::{ImportError, ImportOptions, ImportReport, Progress, ProgressFn};
use crate::store::keys::{OFFICIAL_BREAKDOWN_SK, types};
use crate::store::{EncodedItem, Store, StoreError};
use serde_json::Value;

/// What every import checkpoint's store key starts with.
pub const CHECKPOINT_META_PREFIX: &str = "import_checkpoint:";

/// The store key of the checkpoint of the import of inputs with this hash.
pub(super) fn checkpoint_key(content_hash: &str) -> String {
    format!("{CHECKPOINT_META_PREFIX}{content_hash}")
}

/// Items a previous run of the same inputs committed (0 unless `resume`).
pub(super) async fn resume_point(
    store: &dyn Store,
    content_hash: &str,
    options: &ImportOptions,
    total: u64,
) -> Result<u64, ImportError> {
    if !options.resume {
        return Ok(0);
    }
    let stored = store
        .get_meta(&checkpoint_key(content_hash))
        .await
        .map_err(|source| ImportError::Store { written: 0, source })?;
    Ok(stored
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0)
        .min(total))
}

/// Writes batches and keeps the report and the checkpoint up to date.
pub(super) struct Writer<'a> {
    pub store: &'a dyn Store,
    pub options: &'a ImportOptions,
    pub progress: ProgressFn<'a>,
    pub checkpoint_key: String,
    /// Items in this import.
    pub total: u64,
    /// Items of the import committed so far (by this run or a resumed one).
    pub done: u64,
    /// Whether `total` is known, so `Written` events can be sent (a write pass
    /// beside validation learns it when validation ends).
    pub announce: bool,
    pub report: ImportReport,
}

impl Writer<'_> {
    fn failed(&self) -> impl FnOnce(StoreError) -> ImportError + use<> {
        let written = self.report.written;
        move |source| ImportError::Store { written, source }
    }

    /// Writes one batch (one transaction), then moves the checkpoint past it.
    pub(super) async fn write(&mut self, batch: Vec<EncodedItem>) -> Result<(), ImportError> {
        let attempted = batch.len() as u64;
        let batch = self.without_present(batch).await?;
        let batch = self.without_human_conflicts(batch).await?;
        let n = batch.len() as u64;
        let catalog = batch.iter().filter(|item| is_catalog_item(item)).count() as u64;
        self.store.put_encoded(batch).await.map_err(self.failed())?;
        self.report.written += n;
        self.report.catalog_written += catalog;
        self.done += attempted;
        self.store
            .put_meta(&self.checkpoint_key, &self.done.to_string())
            .await
            .map_err(self.failed())?;
        if self.announce {
            (self.progress)(Progress::Written {
                written: self.done,
                total: self.total,
            });
        }
        Ok(())
    }

    /// Validation ended: `total` items will have been written, and progress
    /// can be reported.
    pub(super) fn validated(&mut self, total: u64) {
        self.total = total;
        self.report.items = total;
        self.announce = true;
    }

    async fn without_present(
        &mut self,
        batch: Vec<EncodedItem>,
    ) -> Result<Vec<EncodedItem>, ImportError> {
        if !self.options.resume {
            return Ok(batch);
        }
        let (missing, present) = only_missing(self.store, batch)
            .await
            .map_err(self.failed())?;
        self.report.already_present += present;
        Ok(missing)
    }

    async fn without_human_conflicts(
        &mut self,
        batch: Vec<EncodedItem>,
    ) -> Result<Vec<EncodedItem>, ImportError> {
        if !self.options.keep_human_breakdowns {
            return Ok(batch);
        }
        let (kept, skipped) = without_overwriting_people(self.store, batch)
            .await
            .map_err(self.failed())?;
        self.report.kept_human_breakdowns += skipped;
        Ok(kept)
    }
}

/// Whether `item` is part of the morpheme catalog morphemes.json is built from.
fn is_catalog_item(item: &EncodedItem) -> bool {
    matches!(
        item.item_type(),
        Some(types::MORPHEME | types::MORPHEME_FAMILY)
    )
}

/// Drops the items whose key is already in the store (one batch read). Returns
/// the missing items and how many were present.
async fn only_missing(
    store: &dyn Store,
    batch: Vec<EncodedItem>,
) -> Result<(Vec<EncodedItem>, u64), StoreError> {
    let keys: Vec<(String, String)> = batch
        .iter()
        .map(|item| (item.keys.pk.clone(), item.keys.sk.clone()))
        .collect();
    let existing = store.get_items(&keys).await?;
    let before = batch.len();
    let missing: Vec<EncodedItem> = batch
        .into_iter()
        .zip(existing)
        .filter_map(|(item, found)| found.is_none().then_some(item))
        .collect();
    let present = (before - missing.len()) as u64;
    Ok((missing, present))
}

/// Whether the item is an official breakdown that is an inference (its
/// `is_inference` attribute is `true`).
fn is_inferred_official(item: &EncodedItem) -> bool {
    /// The one attribute read; the rest of the text is skipped.
    #[derive(serde::Deserialize)]
    struct Flag {
        #[serde(default)]
        is_inference: Option<Value>,
    }
    item.item_type() == Some(types::BREAKDOWN)
        && item.keys.sk == OFFICIAL_BREAKDOWN_SK
        && serde_json::from_str::<Flag>(&item.doc)
            .is_ok_and(|f| f.is_inference == Some(Value::Bool(true)))
}

/// Drops inferred official breakdowns whose word already has an official
/// breakdown made by a person (verified by an admin): a dataset import must
/// never undo human review. Returns the remaining items and how many were dropped.
async fn without_overwriting_people(
    store: &dyn Store,
    batch: Vec<EncodedItem>,
) -> Result<(Vec<EncodedItem>, u64), StoreError> {
    let inferred: Vec<bool> = batch.iter().map(is_inferred_official).collect();
    let keys: Vec<(String, String)> = batch
        .iter()
        .zip(&inferred)
        .filter(|(_, inferred)| **inferred)
        .map(|(item, _)| (item.keys.pk.clone(), OFFICIAL_BREAKDOWN_SK.to_owned()))
        .collect();
    if keys.is_empty() {
        return Ok((batch, 0));
    }
    let existing = store.get_items(&keys).await?;
    let human: std::collections::HashSet<&str> = keys
        .iter()
        .zip(&existing)
        .filter(|(_, item)| {
            item.as_ref()
                .is_some_and(|i| i.get("is_inference") != Some(&Value::Bool(true)))
        })
        .map(|((pk, _), _)| pk.as_str())
        .collect();
    if human.is_empty() {
        return Ok((batch, 0));
    }
    let before = batch.len();
    let kept: Vec<EncodedItem> = batch
        .into_iter()
        .zip(inferred)
        .filter(|(item, inferred)| !(*inferred && human.contains(item.keys.pk.as_str())))
        .map(|(item, _)| item)
        .collect();
    let dropped = (before - kept.len()) as u64;
    Ok((kept, dropped))
}
