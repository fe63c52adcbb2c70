//! Errors of the importer.

use crate::store::StoreError;
use std::fmt;

/// Where in an input a bad record was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Location {
    /// 1-based line of a JSON Lines file.
    Line(usize),
    /// 1-based element of a JSON array (or of a scan's `Items`).
    Element(usize),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line(n) => write!(f, "line {n}"),
            Location::Element(n) => write!(f, "item {n}"),
        }
    }
}

/// One rejected record: skipped, or (with `strict`) the reason nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// The input's name (usually its path).
    pub source: String,
    /// Where in the input.
    pub location: Location,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.source, self.location, self.message)
    }
}

/// Why an import failed. Nothing is written unless the error says otherwise.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// An input could not be read or decompressed.
    #[error("cannot read {source_name}: {reason}")]
    Read {
        /// The input's name.
        source_name: String,
        /// The I/O or decompression error.
        reason: String,
    },
    /// An input as a whole is not in any supported format.
    #[error("{source_name} is not an importable file: {reason}")]
    Format {
        /// The input's name.
        source_name: String,
        /// What was expected.
        reason: String,
    },
    /// `strict` was set and some records are bad; nothing was written.
    #[error("{} bad record(s); nothing was imported (run without --strict to skip them). First: {}",
        .errors.len(), .errors.first().map(ToString::to_string).unwrap_or_default())]
    Rejected {
        /// Every bad record, in input order.
        errors: Vec<LineError>,
    },
    /// A dataset file needs another one in the same import.
    #[error("{needs} needs {missing} in the same import: pass both files")]
    MissingCompanion {
        /// The file that cannot be mapped alone.
        needs: String,
        /// The file to add.
        missing: &'static str,
    },
    /// The store failed while writing; batches committed before are kept (each
    /// batch is one transaction) and `--resume` continues after them.
    #[error("store failed after {written} item(s) were written: {source}")]
    Store {
        /// Items committed before the failure.
        written: u64,
        /// The store's error.
        #[source]
        source: StoreError,
    },
    /// The parsing worker died.
    #[error("import worker failed: {0}")]
    Worker(String),
}
