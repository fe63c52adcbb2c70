//! Import inputs: a named reader, decompressed if it is zstd, and what kind of
//! records it holds.

use super::ImportError;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// zstd frame magic number (little-endian 0xFD2FB528).
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];

/// What an input holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceKind {
    /// Table items: a JSON array, JSON Lines, `aws dynamodb scan` output or an
    /// S3-export (`{"Item": ...}` lines); plain or DynamoDB-typed, per item.
    Items,
    /// The open dataset's `morphemes.jsonl`.
    DatasetMorphemes,
    /// The open dataset's `words.jsonl`.
    DatasetWords,
    /// The open dataset's `breakdowns.jsonl` (needs the morphemes too).
    DatasetBreakdowns,
}

impl SourceKind {
    /// Guesses the kind from a file name: the dataset's three file names (plain
    /// or `.zst`) are dataset files, anything else holds items.
    pub fn from_name(name: &str) -> Self {
        let file = Path::new(name)
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or(name);
        let stem = file.strip_suffix(".zst").unwrap_or(file);
        match stem {
            "words.jsonl" => Self::DatasetWords,
            "breakdowns.jsonl" => Self::DatasetBreakdowns,
            "morphemes.jsonl" => Self::DatasetMorphemes,
            _ => Self::Items,
        }
    }
}

/// One input of an import.
pub struct Source {
    /// Shown in messages (a path, or a label for in-memory data).
    pub name: String,
    /// What it holds.
    pub kind: SourceKind,
    reader: Box<dyn Read + Send>,
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Source")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl Source {
    /// An input from any reader; zstd data is detected by its magic number.
    pub fn new(
        name: impl Into<String>,
        kind: SourceKind,
        reader: impl Read + Send + 'static,
    ) -> Self {
        Self {
            name: name.into(),
            kind,
            reader: Box::new(reader),
        }
    }

    /// Opens a file; its kind comes from its name ([`SourceKind::from_name`]).
    pub fn open(path: &Path) -> Result<Self, ImportError> {
        let name = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| ImportError::Read {
            source_name: name.clone(),
            reason: e.to_string(),
        })?;
        Ok(Self::new(name.clone(), SourceKind::from_name(&name), file))
    }

    /// Reads the whole input as UTF-8 text, decompressing zstd.
    pub(super) fn read_text(self) -> Result<String, ImportError> {
        let read_err = |reason: String| ImportError::Read {
            source_name: self.name.clone(),
            reason,
        };
        let mut buffered = BufReader::with_capacity(1 << 16, self.reader);
        let head = buffered.fill_buf().map_err(|e| read_err(e.to_string()))?;
        let mut bytes = Vec::new();
        if head.starts_with(&ZSTD_MAGIC) {
            let mut decoder = ruzstd::decoding::StreamingDecoder::new(&mut buffered)
                .map_err(|e| read_err(format!("not a valid zstd stream: {e}")))?;
            decoder
                .read_to_end(&mut bytes)
                .map_err(|e| read_err(format!("zstd decompression failed: {e}")))?;
        } else {
            buffered
                .read_to_end(&mut bytes)
                .map_err(|e| read_err(e.to_string()))?;
        }
        let mut text = String::from_utf8(bytes).map_err(|e| {
            read_err(format!(
                "not UTF-8 text (at byte {})",
                e.utf8_error().valid_up_to()
            ))
        })?;
        if text.starts_with('\u{feff}') {
            text.drain(..3);
        }
        Ok(text)
    }
}

/// Non-blank lines with their 1-based line numbers.
pub(super) fn numbered_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
}
