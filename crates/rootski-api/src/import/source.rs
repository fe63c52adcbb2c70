//! Import inputs: a named reader, decompressed if it is zstd, and what kind of
//! records it holds. Inputs are decoded line by line as they are read, so an
//! import holds their raw bytes but never all their records.

use super::ImportError;
use std::io::{BufRead, BufReader, Read};
use std::ops::ControlFlow;
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

    /// Reads the input as it is (still compressed, if it is zstd) into memory,
    /// so that the validation pass and the write pass of an import read exactly
    /// the same bytes, whatever happens to the file in between. Only the raw
    /// bytes are held (3.5 MB for the whole bundled dataset), never its records.
    pub(super) fn load(self) -> Result<Loaded, ImportError> {
        let mut bytes = Vec::new();
        let mut reader = self.reader;
        reader
            .read_to_end(&mut bytes)
            .map_err(|e| ImportError::Read {
                source_name: self.name.clone(),
                reason: e.to_string(),
            })?;
        Ok(Loaded {
            name: self.name,
            kind: self.kind,
            bytes,
        })
    }
}

/// An input's raw bytes in memory, decoded again on every pass.
pub(super) struct Loaded {
    /// Shown in messages.
    pub name: String,
    /// What it holds.
    pub kind: SourceKind,
    bytes: Vec<u8>,
}

impl Loaded {
    fn read_err(&self, reason: String) -> ImportError {
        ImportError::Read {
            source_name: self.name.clone(),
            reason,
        }
    }

    /// Feeds the input's raw bytes to `hasher` (the resume checkpoint's name).
    pub(super) fn hash_into(&self, hasher: &mut sha2::Sha256) {
        use sha2::Digest;
        hasher.update(format!("{:?}\n{}\n", self.kind, self.bytes.len()));
        hasher.update(&self.bytes);
    }

    /// The decompressed content, read as it is needed.
    fn decoded(&self) -> Result<Box<dyn Read + '_>, ImportError> {
        if !self.bytes.starts_with(&ZSTD_MAGIC) {
            return Ok(Box::new(&self.bytes[..]));
        }
        let decoder = ruzstd::decoding::StreamingDecoder::new(&self.bytes[..])
            .map_err(|e| self.read_err(format!("not a valid zstd stream: {e}")))?;
        Ok(Box::new(decoder))
    }

    fn io_err(&self, e: &std::io::Error) -> ImportError {
        if self.bytes.starts_with(&ZSTD_MAGIC) {
            self.read_err(format!("zstd decompression failed: {e}"))
        } else {
            self.read_err(e.to_string())
        }
    }

    /// The whole input as UTF-8 text (for whole-document item layouts: a JSON
    /// array or `aws dynamodb scan` output).
    pub(super) fn read_text(&self) -> Result<String, ImportError> {
        let mut bytes = Vec::new();
        self.decoded()?
            .read_to_end(&mut bytes)
            .map_err(|e| self.io_err(&e))?;
        let mut text = String::from_utf8(bytes).map_err(|e| {
            self.read_err(format!(
                "not UTF-8 text (at byte {})",
                e.utf8_error().valid_up_to()
            ))
        })?;
        if text.starts_with('\u{feff}') {
            text.drain(..3);
        }
        Ok(text)
    }

    /// Calls `each` with every non-blank line (trimmed) and its 1-based number,
    /// decompressing as it goes: one line is in memory at a time. Stops early
    /// when `each` breaks.
    pub(super) fn for_each_line(
        &self,
        mut each: impl FnMut(usize, &str) -> ControlFlow<()>,
    ) -> Result<(), ImportError> {
        let mut reader = BufReader::with_capacity(1 << 16, self.decoded()?);
        let mut buf = Vec::with_capacity(4096);
        let (mut number, mut offset) = (0usize, 0usize);
        loop {
            buf.clear();
            let n = reader
                .read_until(b'\n', &mut buf)
                .map_err(|e| self.io_err(&e))?;
            if n == 0 {
                return Ok(());
            }
            number += 1;
            let line = std::str::from_utf8(&buf).map_err(|e| {
                self.read_err(format!(
                    "not UTF-8 text (at byte {})",
                    offset + e.valid_up_to()
                ))
            })?;
            offset += n;
            let line = if number == 1 {
                line.strip_prefix('\u{feff}').unwrap_or(line)
            } else {
                line
            };
            let line = line.trim();
            if !line.is_empty() && each(number, line).is_break() {
                return Ok(());
            }
        }
    }
}

/// Non-blank lines with their 1-based line numbers.
pub(super) fn numbered_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
}
