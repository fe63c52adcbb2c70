//! The two streaming passes over the inputs. Both run the same parsers over the
//! same raw bytes ([`Loaded`]) in the same order, so they see the same records:
//! the first ([`validate`]) only counts items and keeps the bad records, the
//! second ([`produce`]) sends the items to the writer in bounded batches.

use super::error::LineError;
use super::records::{Batches, Records, Tally};
use super::source::Loaded;
use super::{ImportError, Progress, ProgressFn, Source, SourceKind, dataset, items};
use crate::store::EncodedItem;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use tokio::sync::mpsc;

/// What the validation pass found.
pub(super) struct Checked {
    /// The inputs, in write order, for the write pass.
    pub inputs: Vec<Loaded>,
    /// SHA-256 of the inputs (names the resume checkpoint).
    pub content_hash: String,
    /// Valid items and bad records.
    pub tally: Tally,
}

/// Pass 1: reads every input (raw bytes only) and validates every record,
/// keeping none of them. Blocking: CPU-bound JSON work.
pub(super) fn validate(
    sources: Vec<Source>,
    progress: ProgressFn<'_>,
) -> Result<Checked, ImportError> {
    let (inputs, content_hash) = load(sources)?;
    let tally = check(&inputs, progress)?;
    Ok(Checked {
        inputs,
        content_hash,
        tally,
    })
}

/// Reads every input's raw bytes, in write order: item inputs first in the
/// given order, then dataset files by kind (morphemes before words before
/// breakdowns, which need both). Returns them with the SHA-256 of their content.
pub(super) fn load(sources: Vec<Source>) -> Result<(Vec<Loaded>, String), ImportError> {
    let mut hasher = Sha256::new();
    let mut inputs = Vec::with_capacity(sources.len());
    for source in sources {
        let loaded = source.load()?;
        loaded.hash_into(&mut hasher);
        inputs.push(loaded);
    }
    inputs.sort_by_key(|input| input.kind);
    Ok((inputs, super::hex(&hasher.finalize())))
}

/// Validates every record of `inputs`: counts the valid items, keeps the bad
/// records. Blocking.
pub(super) fn check(inputs: &[Loaded], progress: ProgressFn<'_>) -> Result<Tally, ImportError> {
    let mut tally = Tally::default();
    each_record(inputs, &mut tally, progress)?;
    Ok(tally)
}

/// Pass 2: sends the items after the first `skip` to `tx` in batches of at
/// most `size`. Blocking (it waits while the writer is behind). Returns the bad
/// records it passed over; see [`unexpected_bad`].
pub(super) fn produce(
    inputs: &[Loaded],
    skip: u64,
    size: usize,
    tx: mpsc::Sender<Vec<EncodedItem>>,
) -> Result<Vec<LineError>, ImportError> {
    let mut batches = Batches::new(skip, size, tx);
    each_record(inputs, &mut batches, &|_| {})?;
    Ok(batches.finish())
}

/// Fails if the write pass found a bad record the validation pass did not
/// (`expected` is how many that pass found), rather than silently leave out an
/// item it counted.
pub(super) fn unexpected_bad(found: &[LineError], expected: usize) -> Result<(), ImportError> {
    match found.get(expected) {
        Some(first) => Err(ImportError::Worker(format!(
            "writing found a bad record that validation accepted ({first}); nothing after it was written"
        ))),
        None => Ok(()),
    }
}

/// Runs the parser of each input over it, in order, into `out`.
fn each_record(
    inputs: &[Loaded],
    out: &mut dyn Records,
    progress: ProgressFn<'_>,
) -> Result<(), ImportError> {
    let mut morphemes: Option<dataset::MorphemeIndex> = None;
    let mut word_ids: Option<HashSet<i64>> = None;
    for input in inputs {
        if out.flow().is_break() {
            break;
        }
        progress(Progress::Reading {
            source: input.name.clone(),
        });
        match input.kind {
            SourceKind::Items => items::parse(input, out)?,
            SourceKind::DatasetMorphemes => {
                let index = dataset::parse_morphemes(input, out)?;
                morphemes.get_or_insert_with(Default::default).extend(index);
            }
            SourceKind::DatasetWords => {
                let ids = dataset::parse_words(input, out)?;
                word_ids.get_or_insert_with(Default::default).extend(ids);
            }
            SourceKind::DatasetBreakdowns => {
                let Some(index) = &morphemes else {
                    return Err(ImportError::MissingCompanion {
                        needs: input.name.clone(),
                        missing: "morphemes.jsonl (or morphemes.jsonl.zst)",
                    });
                };
                dataset::parse_breakdowns(input, index, word_ids.as_ref(), out)?;
            }
        }
    }
    Ok(())
}
