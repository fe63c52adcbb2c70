//! The open dataset (`data/SOURCES.md`) mapped onto table items.
//!
//! - `words.jsonl` → a `WORD` item (no definitions or sentences: the dataset has
//!   none) and a `WORD_FOR_SEARCH` item per word.
//! - `morphemes.jsonl` → a `MORPHEME` item per morpheme and a `MORPHEME_FAMILY`
//!   item per `family_id` (`family_meanings` from `meanings`).
//! - `breakdowns.jsonl` → the word's official `BREAKDOWN`: a machine inference
//!   (`is_inference: true`, unverified, submitted by `anonymous`) whose parts are
//!   resolved to morpheme ids by their (text, type) in `morphemes.jsonl`.
//!
//! The API knows four morpheme types (prefix, root, suffix, link); the dataset's
//! `ending` and `postfix` are inflectional/reflexive suffixes and are stored as
//! `suffix`. Ids stay those of the dataset, so a text that was both a suffix and
//! an ending keeps two morphemes, each in its own family.
//!
//! Everything is deterministic (fixed submission date, input order kept), so a
//! re-import writes byte-identical items.

use super::ImportError;
use super::error::{LineError, Location};
use super::records::Records;
use super::source::Loaded;
use crate::domain::{
    AspectualPair, Breakdown, BreakdownItem, Conjugations, Declensions, FamilyMember,
    INFERENCE_SUBMITTER, Morpheme, MorphemeFamily, SearchEntry, ShortForms, StoredDate, Word,
    WordHeader,
};
use crate::store::codec;
use chrono::NaiveDate;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::ControlFlow;

/// `date_submitted` of every inferred breakdown: a fixed date (the dataset's
/// build year) rather than "now", so re-imports change nothing.
pub fn inference_date() -> StoredDate {
    StoredDate(NaiveDate::from_ymd_opt(2026, 1, 1).and_then(|d| d.and_hms_micro_opt(0, 0, 0, 0)))
}

/// Maps a dataset segment type to the API's morpheme type.
pub fn api_morpheme_type(dataset_type: &str) -> Option<&'static str> {
    match dataset_type {
        "prefix" => Some("prefix"),
        "root" => Some("root"),
        "suffix" | "ending" | "postfix" => Some("suffix"),
        "link" => Some("link"),
        _ => None,
    }
}

#[derive(Deserialize)]
struct DatasetWord {
    #[serde(deserialize_with = "crate::domain::lenient::int")]
    word_id: i64,
    word: String,
    #[serde(default)]
    accent: Option<String>,
    #[serde(default)]
    pos: String,
    #[serde(default, deserialize_with = "crate::domain::lenient::opt_int")]
    frequency: Option<i64>,
    #[serde(default)]
    declensions: Option<Declensions>,
    #[serde(default)]
    conjugations: Option<Conjugations>,
    #[serde(default)]
    aspectual_pairs: Option<Vec<AspectualPair>>,
    #[serde(default)]
    short_forms: Option<ShortForms>,
}

#[derive(Deserialize)]
struct DatasetMorpheme {
    #[serde(deserialize_with = "crate::domain::lenient::int")]
    morpheme_id: i64,
    text: String,
    #[serde(rename = "type")]
    morpheme_type: String,
    #[serde(default)]
    word_pos: Option<String>,
    #[serde(deserialize_with = "crate::domain::lenient::int")]
    family_id: i64,
    #[serde(default, deserialize_with = "crate::domain::lenient::opt_int")]
    level: Option<i64>,
    #[serde(default)]
    meanings: Vec<Value>,
}

#[derive(Deserialize)]
struct DatasetBreakdown {
    #[serde(deserialize_with = "crate::domain::lenient::int")]
    word_id: i64,
    word: String,
    parts: Vec<DatasetPart>,
}

#[derive(Deserialize)]
struct DatasetPart {
    text: String,
    #[serde(rename = "type")]
    part_type: String,
}

/// Morphemes by (text, dataset type), for resolving breakdown parts.
#[derive(Debug, Default)]
pub(super) struct MorphemeIndex {
    by_text_type: HashMap<(String, String), (i64, i64)>,
}

impl MorphemeIndex {
    /// Adds another file's morphemes (later files win on equal text and type).
    pub(super) fn extend(&mut self, other: MorphemeIndex) {
        self.by_text_type.extend(other.by_text_type);
    }
}

/// Collects parse errors of one input.
struct Lines<'a> {
    name: &'a str,
    out: &'a mut dyn Records,
}

impl Lines<'_> {
    fn bad(&mut self, line: usize, message: String) {
        self.out.bad(LineError {
            source: self.name.to_owned(),
            location: Location::Line(line),
            message,
        });
    }

    fn parse<T: DeserializeOwned>(&mut self, line: usize, text: &str) -> Option<T> {
        match serde_json::from_str(text) {
            Ok(v) => Some(v),
            Err(e) => {
                self.bad(line, format!("invalid record: {e}"));
                None
            }
        }
    }

    /// The item `encode` makes, or only its count when the consumer counts.
    fn push(
        &mut self,
        line: usize,
        encode: impl FnOnce() -> Result<crate::store::EncodedItem, crate::store::StoreError>,
    ) {
        if self.out.counted() {
            return;
        }
        match encode() {
            Ok(i) => self.out.item(i),
            Err(e) => self.bad(line, e.to_string()),
        }
    }
}

/// `morphemes.jsonl` → morpheme and family items, and the index for breakdowns.
pub(super) fn parse_morphemes(
    src: &Loaded,
    out: &mut dyn Records,
) -> Result<MorphemeIndex, ImportError> {
    let mut lines = Lines {
        name: &src.name,
        out,
    };
    let mut index = MorphemeIndex::default();
    let mut families: BTreeMap<i64, MorphemeFamily> = BTreeMap::new();
    let mut seen_ids = HashSet::new();
    let mut morphemes = Vec::new();
    src.for_each_line(|line, raw| {
        let Some(m) = lines.parse::<DatasetMorpheme>(line, raw) else {
            return ControlFlow::Continue(());
        };
        let Some(api_type) = api_morpheme_type(&m.morpheme_type) else {
            lines.bad(line, format!(
                "unknown morpheme type {:?} (expected prefix, root, suffix, ending, postfix or link)",
                m.morpheme_type
            ));
            return ControlFlow::Continue(());
        };
        if m.text.is_empty() {
            lines.bad(line, "empty morpheme text".into());
            return ControlFlow::Continue(());
        }
        if !seen_ids.insert(m.morpheme_id) {
            lines.bad(line, format!("duplicate morpheme_id {}", m.morpheme_id));
            return ControlFlow::Continue(());
        }
        index.by_text_type.insert(
            (m.text.clone(), m.morpheme_type.clone()),
            (m.morpheme_id, m.family_id),
        );
        let family = families
            .entry(m.family_id)
            .or_insert_with(|| MorphemeFamily {
                family_id: m.family_id,
                morpheme_type: api_type.to_owned(),
                word_pos: m.word_pos.clone().unwrap_or_else(|| "any".into()),
                level: m.level,
                family_meanings: Vec::new(),
                morphemes: Vec::new(),
            });
        add_meanings(family, &m.meanings);
        family.morphemes.push(FamilyMember {
            morpheme_id: m.morpheme_id,
            morpheme: m.text.clone(),
        });
        morphemes.push((
            line,
            Morpheme {
                morpheme_id: m.morpheme_id,
                morpheme: m.text,
                family_id: m.family_id,
            },
        ));
        ControlFlow::Continue(())
    })?;
    for family in families.values_mut() {
        family.morphemes.sort_by_key(|m| m.morpheme_id);
    }
    for (_, family) in families {
        lines.push(0, || codec::encode_family(&family));
    }
    for (line, m) in morphemes {
        lines.push(line, || codec::encode_morpheme(&m));
    }
    Ok(index)
}

/// Adds a morpheme's meanings (strings, or objects with a `meaning`) to its family's,
/// each text once, in first-seen order.
fn add_meanings(family: &mut MorphemeFamily, meanings: &[Value]) {
    for meaning in meanings {
        let text = match meaning {
            Value::String(s) => Some(s.clone()),
            Value::Object(o) => o.get("meaning").and_then(Value::as_str).map(str::to_owned),
            _ => None,
        };
        if let Some(t) = text.filter(|t| !family.family_meanings.contains(t)) {
            family.family_meanings.push(t);
        }
    }
}

/// `words.jsonl` → word and search items; returns the ids seen.
pub(super) fn parse_words(
    src: &Loaded,
    out: &mut dyn Records,
) -> Result<HashSet<i64>, ImportError> {
    let mut lines = Lines {
        name: &src.name,
        out,
    };
    let mut ids = HashSet::new();
    src.for_each_line(|line, raw| {
        let Some(w) = lines.parse::<DatasetWord>(line, raw) else {
            return ControlFlow::Continue(());
        };
        if w.word.is_empty() {
            lines.bad(line, "empty word".into());
            return ControlFlow::Continue(());
        }
        if !ids.insert(w.word_id) {
            lines.bad(line, format!("duplicate word_id {}", w.word_id));
            return ControlFlow::Continue(());
        }
        let header = WordHeader {
            word_id: w.word_id,
            accent: w.accent.unwrap_or_else(|| w.word.clone()),
            word: w.word,
            pos: w.pos,
            frequency: w.frequency,
        };
        let search = SearchEntry {
            word: header.word.clone(),
            word_id: header.word_id,
            frequency: header.frequency.unwrap_or(-1),
            pos: header.pos.clone(),
        };
        let word = Word {
            word: header,
            definitions: Vec::new(),
            sentences: Vec::new(),
            declensions: w.declensions,
            conjugations: w.conjugations,
            aspectual_pairs: w.aspectual_pairs,
            short_forms: w.short_forms,
        };
        lines.push(line, || codec::encode_word(&word));
        lines.push(line, || codec::encode_search_entry(&search));
        lines.out.flow()
    })?;
    Ok(ids)
}

/// `breakdowns.jsonl` → official inferred breakdowns. `words` (when the words
/// file is part of the import) rejects breakdowns of unknown words.
pub(super) fn parse_breakdowns(
    src: &Loaded,
    index: &MorphemeIndex,
    words: Option<&HashSet<i64>>,
    out: &mut dyn Records,
) -> Result<(), ImportError> {
    let mut lines = Lines {
        name: &src.name,
        out,
    };
    src.for_each_line(|line, raw| {
        let Some(b) = lines.parse::<DatasetBreakdown>(line, raw) else {
            return ControlFlow::Continue(());
        };
        match to_breakdown(b, index, words) {
            Ok(b) => lines.push(line, || {
                codec::encode_breakdown(crate::domain::BreakdownKind::Official, &b)
            }),
            Err(message) => lines.bad(line, message),
        }
        lines.out.flow()
    })
}

fn to_breakdown(
    b: DatasetBreakdown,
    index: &MorphemeIndex,
    words: Option<&HashSet<i64>>,
) -> Result<Breakdown, String> {
    if words.is_some_and(|w| !w.contains(&b.word_id)) {
        return Err(format!("word_id {} is not in words.jsonl", b.word_id));
    }
    let joined: String = b.parts.iter().map(|p| p.text.as_str()).collect();
    if joined != b.word || b.parts.is_empty() {
        let parts: Vec<&str> = b.parts.iter().map(|p| p.text.as_str()).collect();
        return Err(format!(
            "parts {:?} do not make up the word {:?}",
            parts.join("-"),
            b.word
        ));
    }
    let mut items = Vec::with_capacity(b.parts.len());
    for (position, part) in b.parts.into_iter().enumerate() {
        let key = (part.text, part.part_type);
        let Some(&(morpheme_id, family_id)) = index.by_text_type.get(&key) else {
            return Err(format!(
                "part {:?} of type {:?} is not in morphemes.jsonl",
                key.0, key.1
            ));
        };
        items.push(BreakdownItem {
            position: position as i64,
            morpheme: key.0,
            morpheme_id: Some(morpheme_id),
            morpheme_family_id: Some(family_id),
        });
    }
    Ok(Breakdown {
        word_id: b.word_id,
        word: b.word,
        submitted_by_user_email: Some(INFERENCE_SUBMITTER.to_owned()),
        is_verified: false,
        is_inference: true,
        date_submitted: inference_date(),
        date_verified: StoredDate(None),
        breakdown_items: items,
    })
}
