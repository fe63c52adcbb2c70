//! Loading data into a [`Store`]: table items (plain or DynamoDB-typed JSON) and
//! the open dataset. Libraries take ready values: the CLI opens files and shows
//! progress; this module only needs [`Source`]s, a store and a callback.
//!
//! An import is never half-done on bad input: every input is validated before
//! anything is written, bad records are collected with their line numbers, and
//! only then are the items written, in batches of one transaction each. With
//! `strict`, any bad record fails the run before anything is written. Items are
//! upserts of deterministic content, so importing the same files again changes
//! nothing; a run cut short by a crash is finished by running it again. `resume`
//! skips the batches a checkpoint says are already committed, then every
//! remaining item whose key is already present in the store (one batch read per
//! write batch), so a resumed run writes only what is missing and never
//! overwrites what is stored.
//!
//! # Streaming, in two passes
//!
//! No import holds all its records: the inputs' raw (still compressed) bytes
//! are read into memory once, then decoded line by line twice.
//!
//! 1. The validation pass ([`pipeline::validate`]) parses and checks every
//!    record, counting the valid items and keeping only the bad records.
//! 2. If that allows writing, the write pass ([`pipeline::produce`]) parses the
//!    same bytes again on a blocking worker and hands the items to the writer in
//!    batches of at most `batch_size`, over a channel holding one batch: at
//!    most about three batches (one being filled, one queued, one being
//!    written) are in memory, and parsing overlaps writing.
//!
//! Why validate first rather than write inside one transaction rolled back on
//! the first bad record: imports write through the [`Store`] trait, whose only
//! transaction is one `put_items` batch. DynamoDB has no transaction spanning a
//! whole import (its `put_items` keeps its own bounded parallel batches), and
//! giving the SQLite store a second, import-wide transaction would make the two
//! stores behave differently, hold the write lock for the whole run and lose
//! the per-batch checkpoints `resume` relies on. The validation pass also gives
//! the totals the progress bar and the report show before writing starts. It
//! costs a second parse, which runs while the store writes.
//!
//! One exception to "validate, then write": seeding a store that held no items
//! ([`seed_if_new`] on a new store) runs the two passes side by side
//! (`beside`), since nothing stored can be lost; with `strict` a bad record
//! stops the writing and the store is emptied again.
//!
//! Dataset morphemes are the one input kept whole while it is parsed: a family
//! item is complete only after its last morpheme (a few thousand small records).
//! Item inputs in JSON Lines are streamed; a JSON array or `aws dynamodb scan`
//! document is parsed whole, as its format requires.

mod beside;
mod dataset;
mod dynamo_json;
mod error;
mod items;
mod pipeline;
mod records;
mod seed;
mod source;
mod write;

pub use dataset::{api_morpheme_type, inference_date};
pub use dynamo_json::{attribute_to_plain, item_to_plain, number as dynamo_number_to_plain};
pub use error::{ImportError, LineError, Location};
pub use seed::{
    DatasetFiles, SEEDED_DATASET_META, SEEDING_META, SeedOutcome, ensure_seeded, seed_if_new,
};
#[cfg(feature = "bundled-dataset")]
pub use seed::{bundled_dataset, open_seeded_store};
pub use source::{Source, SourceKind};
pub use write::CHECKPOINT_META_PREFIX;

use crate::store::Store;
use pipeline::Checked;
use write::Writer;

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Fail (writing nothing) if any record is bad, instead of skipping it.
    pub strict: bool,
    /// Skip the batches a previous, interrupted run of the same inputs committed,
    /// and every other item whose key is already present.
    pub resume: bool,
    /// Items per write transaction, and the most items of one batch in memory
    /// (about three batches are in memory at once).
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

/// Imports `sources` into `store` (see the module docs for the guarantees).
pub async fn import(
    store: &dyn Store,
    sources: Vec<Source>,
    options: &ImportOptions,
    progress: ProgressFn<'_>,
) -> Result<ImportReport, ImportError> {
    let Checked {
        inputs,
        content_hash,
        tally,
    } = validate(sources, progress).await?;
    let total = tally.items;
    progress(Progress::Validated {
        total,
        bad: tally.errors.len() as u64,
    });
    if options.strict && !tally.errors.is_empty() {
        return Err(ImportError::Rejected {
            errors: tally.errors,
        });
    }
    let start = write::resume_point(store, &content_hash, options, total).await?;
    let writer = Writer {
        store,
        options,
        progress,
        checkpoint_key: write::checkpoint_key(&content_hash),
        total,
        done: start,
        announce: true,
        report: ImportReport {
            items: total,
            resumed: start,
            errors: tally.errors,
            content_hash,
            ..Default::default()
        },
    };
    write_all(writer, inputs).await
}

/// Runs the validation pass off the async workers (it is CPU-bound), relaying
/// its progress events as they happen (the callback itself is not 'static).
async fn validate(sources: Vec<Source>, progress: ProgressFn<'_>) -> Result<Checked, ImportError> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let worker = tokio::task::spawn_blocking(move || {
        pipeline::validate(sources, &move |p| {
            let _ = tx.send(p);
        })
    });
    while let Some(event) = rx.recv().await {
        progress(event);
    }
    worker
        .await
        .map_err(|e| ImportError::Worker(e.to_string()))?
}

/// Runs the write pass: a blocking worker parses the inputs again into batches,
/// the writer commits them as they come. If the store fails, the channel closes
/// and the worker stops parsing.
async fn write_all(
    mut writer: Writer<'_>,
    inputs: Vec<source::Loaded>,
) -> Result<ImportReport, ImportError> {
    let (tx, mut rx) = tokio::sync::mpsc::channel(1);
    let (skip, size) = (writer.done, writer.options.batch_size);
    let expected_bad = writer.report.errors.len();
    let worker = tokio::task::spawn_blocking(move || pipeline::produce(&inputs, skip, size, tx));
    while let Some(batch) = rx.recv().await {
        writer.write(batch).await?;
    }
    let found = worker
        .await
        .map_err(|e| ImportError::Worker(e.to_string()))??;
    pipeline::unexpected_bad(&found, expected_bad)?;
    Ok(writer.report)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
