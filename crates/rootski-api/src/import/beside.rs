//! The import of a store that held no items (seeding a new store): validation
//! runs beside the write pass instead of before it, so the import takes about
//! one pass's time instead of two.
//!
//! Writing before validation has ended can lose nothing here: there was nothing
//! to overwrite. With `strict`, a bad record stops the writing and the run fails
//! with [`ImportError::Rejected`]; the caller then empties the store again
//! (`SqliteStore::clear_items` with [`super::CHECKPOINT_META_PREFIX`]), which
//! leaves it as it was. Both passes read the same raw bytes with the same
//! parsers, each on its own blocking worker; the write pass keeps its bounded
//! batches, its checkpoint per batch and its check that it met no bad record
//! validation did not.
//!
//! Progress: `Reading` as validation reaches each input, `Validated` when it
//! ends, then `Written` (batches committed before the total was known are
//! counted in the first one).

use super::write::{self, Writer};
use super::{ImportError, ImportOptions, ImportReport, Progress, ProgressFn, Source, pipeline};
use crate::store::Store;
use std::sync::Arc;
use tokio::sync::mpsc;

fn worker_failed(err: tokio::task::JoinError) -> ImportError {
    ImportError::Worker(err.to_string())
}

/// Imports `sources` into `store`, which held no items when the caller
/// checked; `resume` is ignored (there is nothing to resume from).
pub(super) async fn import_into_empty(
    store: &dyn Store,
    sources: Vec<Source>,
    options: &ImportOptions,
    progress: ProgressFn<'_>,
) -> Result<ImportReport, ImportError> {
    let (inputs, content_hash) = tokio::task::spawn_blocking(move || pipeline::load(sources))
        .await
        .map_err(worker_failed)??;
    let inputs = Arc::new(inputs);

    let (events_tx, mut events) = mpsc::unbounded_channel();
    let mut validation = {
        let inputs = Arc::clone(&inputs);
        tokio::task::spawn_blocking(move || {
            pipeline::check(&inputs, &move |event| {
                let _ = events_tx.send(event);
            })
        })
    };
    let (batches_tx, mut batches) = mpsc::channel(1);
    let producer = {
        let inputs = Arc::clone(&inputs);
        let size = options.batch_size;
        tokio::task::spawn_blocking(move || pipeline::produce(&inputs, 0, size, batches_tx))
    };
    let mut writer = Writer {
        store,
        options,
        progress,
        checkpoint_key: write::checkpoint_key(&content_hash),
        total: 0,
        done: 0,
        announce: false,
        report: ImportReport {
            content_hash,
            ..Default::default()
        },
    };

    let mut tally = None;
    let mut writing = true;
    while tally.is_none() || writing {
        tokio::select! {
            Some(event) = events.recv() => progress(event),
            checked = &mut validation, if tally.is_none() => {
                while let Ok(event) = events.try_recv() {
                    progress(event);
                }
                let checked = checked.map_err(worker_failed)??;
                progress(Progress::Validated {
                    total: checked.items,
                    bad: checked.errors.len() as u64,
                });
                if options.strict && !checked.errors.is_empty() {
                    // Closing the channel stops the write pass at its next batch.
                    drop(batches);
                    let _ = producer.await;
                    return Err(ImportError::Rejected {
                        errors: checked.errors,
                    });
                }
                writer.validated(checked.items);
                tally = Some(checked);
            }
            batch = batches.recv(), if writing => match batch {
                Some(batch) => writer.write(batch).await?,
                None => writing = false,
            },
        }
    }
    let tally = tally.unwrap_or_default();
    let found = producer.await.map_err(worker_failed)??;
    pipeline::unexpected_bad(&found, tally.errors.len())?;
    writer.report.errors = tally.errors;
    Ok(writer.report)
}
