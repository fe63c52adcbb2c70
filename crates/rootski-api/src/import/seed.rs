//! Seeding a store with the open dataset, once.
//!
//! `rootski serve` and `rootski local` must work on a fresh clone with no set-up
//! step, so they call [`open_seeded_store`] at start: a new (empty) store gets the
//! dataset (a few seconds), every later start sees the marker and returns at
//! once. The marker is the SHA-256 of the three compressed files, written only
//! after the last batch committed, so an interrupted seeding is finished.
//!
//! A store that holds anything else — a user's own `rootski import`, the data of
//! a running site — is never seeded: the dataset's ids would collide with its
//! ids and words would show other words' breakdowns.

use super::{ImportError, ImportOptions, ImportReport, ProgressFn, Source, SourceKind, import};
use crate::store::Store;
use sha2::{Digest, Sha256};
use std::borrow::Cow;

/// Store metadata key holding the hash of the dataset the store was seeded with.
pub const SEEDED_DATASET_META: &str = "seeded_dataset_sha256";

/// The three dataset files (plain JSON Lines or zstd), in memory.
#[derive(Debug, Clone)]
pub struct DatasetFiles {
    /// `words.jsonl[.zst]`.
    pub words: Cow<'static, [u8]>,
    /// `breakdowns.jsonl[.zst]`.
    pub breakdowns: Cow<'static, [u8]>,
    /// `morphemes.jsonl[.zst]`.
    pub morphemes: Cow<'static, [u8]>,
}

impl DatasetFiles {
    /// SHA-256 over the three files: identifies the dataset version.
    pub fn content_hash(&self) -> String {
        let mut h = Sha256::new();
        for part in [&self.words, &self.breakdowns, &self.morphemes] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part);
        }
        super::hex(&h.finalize())
    }

    fn sources(&self) -> Vec<Source> {
        let source = |name: &str, kind, bytes: &Cow<'static, [u8]>| {
            Source::new(name, kind, std::io::Cursor::new(bytes.clone().into_owned()))
        };
        vec![
            source(
                "morphemes.jsonl",
                SourceKind::DatasetMorphemes,
                &self.morphemes,
            ),
            source("words.jsonl", SourceKind::DatasetWords, &self.words),
            source(
                "breakdowns.jsonl",
                SourceKind::DatasetBreakdowns,
                &self.breakdowns,
            ),
        ]
    }
}

/// What seeding did (or why it did nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeedOutcome {
    /// The store already held this dataset; nothing was read or written.
    AlreadySeeded,
    /// The dataset was imported now.
    Seeded(ImportReport),
    /// The store holds items that are not the bundled dataset (a user's own
    /// import, or data written before seeding existed): left as it is, because
    /// mixing the dataset in would collide with its ids.
    NotEmpty {
        /// Items in the store.
        items: u64,
    },
    /// The store was seeded with another version of the bundled dataset; left as
    /// it is (users' submissions live beside it).
    OtherDatasetVersion,
    /// Seeding was turned off by the caller (`--no-seed`).
    Disabled,
}

impl SeedOutcome {
    /// One line saying what happened to the store at `path`, for the console.
    pub fn describe(&self, path: &std::path::Path) -> String {
        let path = path.display();
        match self {
            SeedOutcome::AlreadySeeded => {
                format!("embedded store {path} holds the bundled open dataset")
            }
            SeedOutcome::Seeded(report) => format!(
                "seeded the new embedded store {path} with the bundled open dataset ({} items)",
                report.items
            ),
            SeedOutcome::NotEmpty { items } => format!(
                "embedded store {path} holds {items} items that are not the bundled open dataset: serving them as they are (not seeding)"
            ),
            SeedOutcome::OtherDatasetVersion => format!(
                "embedded store {path} holds another version of the bundled open dataset: serving it as it is (remove the file to seed this version)"
            ),
            SeedOutcome::Disabled => {
                format!(
                    "embedded store {path}: seeding turned off (--no-seed), serving it as it is"
                )
            }
        }
    }
}

/// Imports `dataset` into `store` unless the store's marker says it already
/// holds exactly this dataset, whatever else the store holds (callers that
/// serve a user's store use [`seed_if_new`]). Bad dataset records fail the run (strict): the
/// bundled dataset is known-good, so an error means a corrupted checkout.
/// Official breakdowns made by people are never replaced.
pub async fn ensure_seeded(
    store: &dyn Store,
    dataset: &DatasetFiles,
    progress: ProgressFn<'_>,
) -> Result<SeedOutcome, ImportError> {
    seed_dataset(store, dataset, Target::AnyStore, progress).await
}

/// What a seeding writes into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// A store that may hold anything, including an interrupted seeding and
    /// breakdowns people made: resume, and never replace a person's breakdown.
    AnyStore,
    /// A store that held no items when this seeding started (checked just
    /// before, by [`seed_if_new`]): nothing can be present or made by people,
    /// so no item is looked up before it is written, and validation runs beside
    /// the writing (a rejected dataset is cleared out again).
    Empty,
}

async fn seed_dataset(
    store: &dyn Store,
    dataset: &DatasetFiles,
    target: Target,
    progress: ProgressFn<'_>,
) -> Result<SeedOutcome, ImportError> {
    let hash = dataset.content_hash();
    let marker = store
        .get_meta(SEEDED_DATASET_META)
        .await
        .map_err(|source| ImportError::Store { written: 0, source })?;
    if marker.as_deref() == Some(hash.as_str()) {
        return Ok(SeedOutcome::AlreadySeeded);
    }
    let any_store = target == Target::AnyStore;
    let options = ImportOptions {
        strict: true,
        resume: any_store,
        keep_human_breakdowns: any_store,
        // About three batches are in memory at once (see the module docs). Each
        // batch is one transaction, and SQLite rewrites the touched index pages on
        // every commit, so small batches are slow (scripts/bench-import.sh, 2 cores:
        // 1,000 → ~8.9 s / 143 MiB, 2,500 → ~7.6 s / 158 MiB, 5,000 → ~6.4 s /
        // 212 MiB, measured before items were written pre-encoded; the whole
        // dataset in memory before writing: ~6.9 s / 910 MiB). Seeding through
        // `seed_if_new` does not sync each commit (bulk writes).
        batch_size: 5_000,
    };
    let report = match target {
        Target::AnyStore => import(store, dataset.sources(), &options, progress).await?,
        Target::Empty => {
            super::beside::import_into_empty(store, dataset.sources(), &options, progress).await?
        }
    };
    store
        .put_meta(SEEDED_DATASET_META, &hash)
        .await
        .map_err(|source| ImportError::Store {
            written: report.written,
            source,
        })?;
    Ok(SeedOutcome::Seeded(report))
}

/// The dataset shipped in the repository's `data/` folder, compiled into the
/// binary (about 3.5 MB) so it works wherever the binary runs.
#[cfg(feature = "bundled-dataset")]
pub fn bundled_dataset() -> DatasetFiles {
    DatasetFiles {
        words: Cow::Borrowed(include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/words.jsonl.zst"
        ))),
        breakdowns: Cow::Borrowed(include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/breakdowns.jsonl.zst"
        ))),
        morphemes: Cow::Borrowed(include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/morphemes.jsonl.zst"
        ))),
    }
}

/// Opens (creating if needed) the embedded store at `path` and seeds it with the
/// bundled dataset when — and only when — it is new or empty (a store that was
/// seeded but interrupted is finished); `seed: false` never seeds. What
/// `rootski serve`/`local` call at start.
#[cfg(feature = "bundled-dataset")]
pub async fn open_seeded_store(
    path: &std::path::Path,
    seed: bool,
    progress: ProgressFn<'_>,
) -> Result<(crate::store::SqliteStore, SeedOutcome), ImportError> {
    let owned = path.to_path_buf();
    let store = tokio::task::spawn_blocking(move || crate::store::SqliteStore::open(owned))
        .await
        .map_err(|e| ImportError::Worker(e.to_string()))?
        .map_err(|source| ImportError::Store { written: 0, source })?;
    let outcome = seed_if_new(&store, &bundled_dataset(), seed, progress).await?;
    Ok((store, outcome))
}

/// The seeding rule of [`open_seeded_store`] for an open embedded store.
pub async fn seed_if_new(
    store: &crate::store::SqliteStore,
    dataset: &DatasetFiles,
    seed: bool,
    progress: ProgressFn<'_>,
) -> Result<SeedOutcome, ImportError> {
    if !seed {
        return Ok(SeedOutcome::Disabled);
    }
    let failed = |source| ImportError::Store { written: 0, source };
    let marker = store.get_meta(SEEDED_DATASET_META).await.map_err(failed)?;
    let started = store.get_meta(SEEDING_META).await.map_err(failed)?;
    let hash = dataset.content_hash();
    match marker {
        Some(done) if done == hash => return Ok(SeedOutcome::AlreadySeeded),
        Some(_) => return Ok(SeedOutcome::OtherDatasetVersion),
        None => {}
    }
    // Only a store with no items, or one whose seeding with this dataset was
    // interrupted, is seeded.
    let mut target = Target::AnyStore;
    if started.as_deref() != Some(hash.as_str()) {
        let items = store.item_count().await.map_err(failed)?;
        if items > 0 {
            return Ok(SeedOutcome::NotEmpty { items });
        }
        store.put_meta(SEEDING_META, &hash).await.map_err(failed)?;
        target = Target::Empty;
    }
    // Seeding is resumable, so it need not sync every commit (see set_bulk_writes).
    store.set_bulk_writes(true).await.map_err(failed)?;
    let mut seeded = seed_dataset(store, dataset, target, progress).await;
    if target == Target::Empty
        && let Err(ImportError::Rejected { .. }) = &seeded
    {
        // Validation ran beside the writing (`beside`): undo what was written,
        // so a rejected dataset leaves the store as empty as it was.
        if let Err(source) = store.clear_items(super::CHECKPOINT_META_PREFIX).await {
            seeded = Err(ImportError::Store { written: 0, source });
        }
    }
    let restored = store.set_bulk_writes(false).await;
    let outcome = seeded?;
    restored.map_err(failed)?;
    Ok(outcome)
}

/// Store metadata key set when seeding starts (the dataset's hash), so an
/// interrupted seeding is recognised and finished instead of refused as "not empty".
pub const SEEDING_META: &str = "seeding_dataset_sha256";
