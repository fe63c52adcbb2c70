//! Loading data into a [`Store`]: table items (plain or DynamoDB-typed JSON) and
//! the open dataset. Libraries take ready values: the CLI opens files and shows
//! progress; this module only needs [`Source`]s, a store and a callback.
//!
//! An import is never half-done: every input is read and validated first, bad
//! records are collected with their line numbers, and only then are the items
//! written, in batches of one transaction each. With `strict`, any bad record
//! fails the run before anything is written. Items are upserts of deterministic
//! content, so importing the same files again changes nothing; a run cut short
//! by a crash is finished by running it again. `resume` skips the batches a
//! checkpoint says are already committed, then every remaining item whose key is
//! already present in the store (one batch read per write batch), so a resumed run
//! writes only what is missing and never overwrites what is stored.

mod dataset;
mod dynamo_json;
mod error;
mod items;
mod seed;
mod source;

pub use dataset::{api_morpheme_type, inference_date};
pub use dynamo_json::{attribute_to_plain, item_to_plain, number as dynamo_number_to_plain};
pub use error::{ImportError, LineError, Location};
pub use seed::{
    DatasetFiles, SEEDED_DATASET_META, SEEDING_META, SeedOutcome, ensure_seeded, seed_if_new,
};
#[cfg(feature = "bundled-dataset")]
pub use seed::{bundled_dataset, open_seeded_store};
pub use source::{Source, SourceKind};

use crate::store::keys::{OFFICIAL_BREAKDOWN_SK, types};
use crate::store::{Item, Store};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Fail (writing nothing) if any record is bad, instead of skipping it.
    pub strict: bool,
    /// Skip the batches a previous, interrupted run of the same inputs committed,
    /// and every other item whose key is already present.
    pub resume: bool,
    /// Items per write transaction.
    pub batch_size: usize,
    /// Never replace an official breakdown that a person made (not an
    /// inference) with an inferred one from the dataset.
    pub keep_human_breakdowns: bool,
}

impl Default for ImportOptions {
    fn default() -> Self {
        Self {
            strict: false,
            resume: false,
            batch_size: 2_000,
            keep_human_breakdowns: true,
        }
    }
}

/// What an import is doing, for a progress bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Reading and validating an input.
    Reading {
        /// The input's name.
        source: String,
    },
    /// Validation is done; `total` items will be written.
    Validated {
        /// Items to write.
        total: u64,
        /// Records skipped as bad.
        bad: u64,
    },
    /// `written` of `total` items are committed.
    Written {
        /// Items committed so far (including resumed ones).
        written: u64,
        /// Items in this import.
        total: u64,
    },
}

/// A progress callback; `&|_| {}` for none.
pub type ProgressFn<'a> = &'a (dyn Fn(Progress) + Send + Sync);

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Valid items in the inputs.
    pub items: u64,
    /// Items committed by this run.
    pub written: u64,
    /// Items skipped because a checkpoint said they were committed (`resume`).
    pub resumed: u64,
    /// Items skipped because their key was already present (`resume`).
    pub already_present: u64,
    /// Morpheme and morpheme-family items among `written`: when not 0, a cached
    /// morphemes.json is out of date.
    pub catalog_written: u64,
    /// Inferred breakdowns not written because a person's breakdown is official.
    pub kept_human_breakdowns: u64,
    /// Bad records that were skipped.
    pub errors: Vec<LineError>,
    /// SHA-256 of the inputs' content (names the resume checkpoint).
    pub content_hash: String,
}

/// Validated items of all inputs, in write order, and the bad records.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Checked items.
    pub items: Vec<Item>,
    /// Bad records.
    pub errors: Vec<LineError>,
}

/// Reads and validates inputs without writing anything. Dataset morphemes are
/// read before words and breakdowns (breakdowns need them); item inputs keep
/// their order. Blocking: CPU-bound JSON work.
pub fn parse_sources(
    sources: Vec<Source>,
    progress: ProgressFn<'_>,
) -> Result<(Parsed, String), ImportError> {
    let mut texts = Vec::with_capacity(sources.len());
    let mut hasher = Sha256::new();
    for source in sources {
        progress(Progress::Reading {
            source: source.name.clone(),
        });
        let (name, kind) = (source.name.clone(), source.kind);
        let text = source.read_text()?;
        hasher.update(format!("{kind:?}\n{}\n", text.len()));
        hasher.update(text.as_bytes());
        texts.push((name, kind, text));
    }
    let hash = hex(&hasher.finalize());
    // Stable: items inputs first in given order, then dataset files by kind.
    texts.sort_by_key(|(_, kind, _)| *kind);

    let mut out = Parsed::default();
    let mut morphemes: Option<dataset::MorphemeIndex> = None;
    let mut word_ids: Option<std::collections::HashSet<i64>> = None;
    for (name, kind, text) in &texts {
        match kind {
            SourceKind::Items => items::parse(name, text, &mut out)?,
            SourceKind::DatasetMorphemes => {
                let index = dataset::parse_morphemes(name, text, &mut out);
                morphemes.get_or_insert_with(Default::default).extend(index);
            }
            SourceKind::DatasetWords => {
                let ids = dataset::parse_words(name, text, &mut out);
                word_ids.get_or_insert_with(Default::default).extend(ids);
            }
            SourceKind::DatasetBreakdowns => {
                let Some(index) = &morphemes else {
                    return Err(ImportError::MissingCompanion {
                        needs: name.clone(),
                        missing: "morphemes.jsonl (or morphemes.jsonl.zst)",
                    });
                };
                dataset::parse_breakdowns(name, text, index, word_ids.as_ref(), &mut out);
            }
        }
    }
    Ok((out, hash))
}

/// Imports `sources` into `store` (see the module docs for the guarantees).
pub async fn import(
    store: &dyn Store,
    sources: Vec<Source>,
    options: &ImportOptions,
    progress: ProgressFn<'_>,
) -> Result<ImportReport, ImportError> {
    // Parsing is CPU-bound: keep it off the async workers, and relay its
    // progress events as they happen (the callback itself is not 'static).
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let worker = tokio::task::spawn_blocking(move || {
        parse_sources(sources, &move |p| {
            let _ = tx.send(p);
        })
    });
    while let Some(event) = rx.recv().await {
        progress(event);
    }
    let parsed = worker
        .await
        .map_err(|e| ImportError::Worker(e.to_string()))?;
    let (parsed, hash) = parsed?;
    write_parsed(store, parsed, hash, options, progress).await
}

/// Writes already validated items (the second half of [`import`]).
pub async fn write_parsed(
    store: &dyn Store,
    parsed: Parsed,
    content_hash: String,
    options: &ImportOptions,
    progress: ProgressFn<'_>,
) -> Result<ImportReport, ImportError> {
    let total = parsed.items.len() as u64;
    progress(Progress::Validated {
        total,
        bad: parsed.errors.len() as u64,
    });
    if options.strict && !parsed.errors.is_empty() {
        return Err(ImportError::Rejected {
            errors: parsed.errors,
        });
    }
    let checkpoint_key = format!("import_checkpoint:{content_hash}");
    let store_err = |written: u64| move |source| ImportError::Store { written, source };
    let start = if options.resume {
        store
            .get_meta(&checkpoint_key)
            .await
            .map_err(store_err(0))?
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
            .min(total)
    } else {
        0
    };
    let mut report = ImportReport {
        items: total,
        resumed: start,
        errors: parsed.errors,
        content_hash,
        ..Default::default()
    };
    let batch_size = options.batch_size.max(1);
    let mut done = start;
    let mut pending = parsed.items.into_iter().skip(start as usize).peekable();
    while pending.peek().is_some() {
        let batch: Vec<Item> = pending.by_ref().take(batch_size).collect();
        let attempted = batch.len() as u64;
        let batch = if options.resume {
            let (missing, present) = only_missing(store, batch)
                .await
                .map_err(store_err(report.written))?;
            report.already_present += present;
            missing
        } else {
            batch
        };
        let batch = if options.keep_human_breakdowns {
            let (kept, skipped) = without_overwriting_people(store, batch)
                .await
                .map_err(store_err(report.written))?;
            report.kept_human_breakdowns += skipped;
            kept
        } else {
            batch
        };
        let n = batch.len() as u64;
        let catalog = batch.iter().filter(|item| is_catalog_item(item)).count() as u64;
        store
            .put_items(batch)
            .await
            .map_err(store_err(report.written))?;
        report.written += n;
        report.catalog_written += catalog;
        done += attempted;
        store
            .put_meta(&checkpoint_key, &done.to_string())
            .await
            .map_err(store_err(report.written))?;
        progress(Progress::Written {
            written: done,
            total,
        });
    }
    Ok(report)
}

/// Whether `item` is part of the morpheme catalog morphemes.json is built from.
fn is_catalog_item(item: &Item) -> bool {
    use crate::store::keys::types;
    matches!(
        item.get("__type").and_then(serde_json::Value::as_str),
        Some(types::MORPHEME | types::MORPHEME_FAMILY)
    )
}

/// Drops the items whose key is already in the store (one batch read). Returns
/// the missing items and how many were present.
async fn only_missing(
    store: &dyn Store,
    batch: Vec<Item>,
) -> Result<(Vec<Item>, u64), crate::store::StoreError> {
    let mut keys = Vec::with_capacity(batch.len());
    for item in &batch {
        let k = crate::store::item::item_keys(item)?;
        keys.push((k.pk.to_owned(), k.sk.to_owned()));
    }
    let existing = store.get_items(&keys).await?;
    let before = batch.len();
    let missing: Vec<Item> = batch
        .into_iter()
        .zip(existing)
        .filter_map(|(item, found)| found.is_none().then_some(item))
        .collect();
    let present = (before - missing.len()) as u64;
    Ok((missing, present))
}

/// Drops inferred official breakdowns whose word already has an official
/// breakdown made by a person (verified by an admin): a dataset import must
/// never undo human review. Returns the remaining items and how many were dropped.
async fn without_overwriting_people(
    store: &dyn Store,
    batch: Vec<Item>,
) -> Result<(Vec<Item>, u64), crate::store::StoreError> {
    let is_inferred_official = |item: &Item| {
        item.get("__type").and_then(Value::as_str) == Some(types::BREAKDOWN)
            && item.get("sk").and_then(Value::as_str) == Some(OFFICIAL_BREAKDOWN_SK)
            && item.get("is_inference") == Some(&Value::Bool(true))
    };
    let keys: Vec<(String, String)> = batch
        .iter()
        .filter(|i| is_inferred_official(i))
        .filter_map(|i| i.get("pk").and_then(Value::as_str))
        .map(|pk| (pk.to_owned(), OFFICIAL_BREAKDOWN_SK.to_owned()))
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
    let kept: Vec<Item> = batch
        .into_iter()
        .filter(|i| {
            !(is_inferred_official(i)
                && i.get("pk")
                    .and_then(Value::as_str)
                    .is_some_and(|pk| human.contains(pk)))
        })
        .collect();
    let dropped = (before - kept.len()) as u64;
    Ok((kept, dropped))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
