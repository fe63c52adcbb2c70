//! Where the parsers put what they read: validated items and bad records, one
//! at a time. The validation pass only counts items ([`Tally`]); the write pass
//! groups them into bounded batches ([`Batches`]); nothing keeps them all.

use super::error::LineError;
use crate::store::EncodedItem;
use std::ops::ControlFlow;
use tokio::sync::mpsc;

/// A consumer of parsed records.
pub(super) trait Records {
    /// A valid item, in write order.
    fn item(&mut self, item: EncodedItem);
    /// A bad record.
    fn bad(&mut self, error: LineError);
    /// Counts one valid item without its encoded form when this consumer only
    /// counts; returns whether it did (then the parser does not encode it).
    /// Encoding a parsed dataset value cannot fail, so counting it unencoded
    /// counts what the write pass will write; the write pass checks that.
    fn counted(&mut self) -> bool {
        false
    }
    /// Whether parsing should go on (`Break` once the consumer is gone).
    fn flow(&self) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
}

/// The validation pass: counts items, keeps the bad records.
#[derive(Debug, Default)]
pub(super) struct Tally {
    /// Valid items seen.
    pub items: u64,
    /// Bad records, in input order.
    pub errors: Vec<LineError>,
}

impl Records for Tally {
    fn item(&mut self, _item: EncodedItem) {
        self.items += 1;
    }

    fn counted(&mut self) -> bool {
        self.items += 1;
        true
    }

    fn bad(&mut self, error: LineError) {
        self.errors.push(error);
    }
}

/// The write pass: skips the first `skip` items (committed by an interrupted
/// run), then sends the rest to the writer in batches of at most `size` items
/// over a bounded channel, so the parser waits while the writer is behind. Bad
/// records were reported by the validation pass and are ignored here.
pub(super) struct Batches {
    skip: u64,
    size: usize,
    batch: Vec<EncodedItem>,
    tx: mpsc::Sender<Vec<EncodedItem>>,
    closed: bool,
    /// Bad records seen (the validation pass saw them too).
    pub bad: Vec<LineError>,
}

impl Batches {
    /// Batches of `size` (at least 1) items sent to `tx`, after `skip` items.
    pub(super) fn new(skip: u64, size: usize, tx: mpsc::Sender<Vec<EncodedItem>>) -> Self {
        let size = size.max(1);
        Self {
            skip,
            size,
            batch: Vec::with_capacity(size),
            tx,
            closed: false,
            bad: Vec::new(),
        }
    }

    fn send(&mut self) {
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(self.size));
        // Blocking: this runs on a blocking worker, never on an async one.
        if self.tx.blocking_send(batch).is_err() {
            // The writer stopped (a store error): parse no further.
            self.closed = true;
        }
    }

    /// Sends the last, partial batch; returns the bad records seen.
    pub(super) fn finish(mut self) -> Vec<LineError> {
        if !self.batch.is_empty() && !self.closed {
            self.send();
        }
        self.bad
    }
}

impl Records for Batches {
    fn item(&mut self, item: EncodedItem) {
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        if self.closed {
            return;
        }
        self.batch.push(item);
        if self.batch.len() >= self.size {
            self.send();
        }
    }

    fn bad(&mut self, error: LineError) {
        self.bad.push(error);
    }

    fn flow(&self) -> ControlFlow<()> {
        if self.closed {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }
}

/// Everything, in memory: for unit tests of the parsers.
#[cfg(test)]
#[derive(Debug, Default)]
pub(super) struct Collected {
    pub items: Vec<crate::store::Item>,
    pub errors: Vec<LineError>,
}

#[cfg(test)]
impl Records for Collected {
    fn item(&mut self, item: EncodedItem) {
        self.items
            .push(item.to_item().expect("an encoded item parses"));
    }

    fn bad(&mut self, error: LineError) {
        self.errors.push(error);
    }
}
