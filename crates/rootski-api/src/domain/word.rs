//! Words: the word page (`WORD` item) and the search entry (`WORD_FOR_SEARCH`).

use super::{WordId, lenient};
use serde::{Deserialize, Serialize};

/// The `word` attribute of a word item: the head of the word page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordHeader {
    /// Stored and served as a string.
    #[serde(
        serialize_with = "lenient::id_as_string",
        deserialize_with = "lenient::int"
    )]
    pub word_id: WordId,
    #[serde(default, deserialize_with = "lenient::text")]
    pub word: String,
    /// The word with U+0301 after the stressed vowel (or the word itself).
    #[serde(default, deserialize_with = "lenient::text")]
    pub accent: String,
    /// Part of speech: noun, verb, adjective, pronoun, ...
    #[serde(default, deserialize_with = "lenient::text")]
    pub pos: String,
    /// Frequency rank (1 = most frequent); `None` when unknown.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub frequency: Option<i64>,
}

/// Everything the word page shows, as stored in the `WORD` item.
///
/// The pos-specific parts are `None` when the item does not carry them; the HTTP
/// layer decides from `word.pos` which of them to print (and prints `null`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Word {
    pub word: WordHeader,
    #[serde(default, deserialize_with = "lenient::list")]
    pub definitions: Vec<PosDefinitions>,
    #[serde(default, deserialize_with = "lenient::list")]
    pub sentences: Vec<Sentence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declensions: Option<Declensions>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conjugations: Option<Conjugations>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_list"
    )]
    pub aspectual_pairs: Option<Vec<AspectualPair>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_forms: Option<ShortForms>,
}

/// Definitions of a word grouped by part of speech.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PosDefinitions {
    #[serde(default, deserialize_with = "lenient::text")]
    pub pos: String,
    #[serde(default, deserialize_with = "lenient::list")]
    pub definitions: Vec<Definition>,
}

/// One numbered definition with its sub-definitions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Definition {
    #[serde(deserialize_with = "lenient::int")]
    pub def_position: i64,
    #[serde(deserialize_with = "lenient::int")]
    pub definition_id: i64,
    #[serde(default, deserialize_with = "lenient::list")]
    pub sub_defs: Vec<SubDefinition>,
}

/// One sub-definition (the actual English text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubDefinition {
    #[serde(deserialize_with = "lenient::int")]
    pub sub_def_id: i64,
    #[serde(deserialize_with = "lenient::int")]
    pub sub_def_position: i64,
    #[serde(default, deserialize_with = "lenient::text")]
    pub definition: String,
    #[serde(default)]
    pub notes: Option<String>,
}

/// An example sentence with its translation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    #[serde(default, deserialize_with = "lenient::text")]
    pub rus: String,
    #[serde(default, deserialize_with = "lenient::text")]
    pub eng: String,
    #[serde(default, deserialize_with = "lenient::boolish")]
    pub exact_match: bool,
}

/// Noun and pronoun case forms.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Declensions {
    /// "m" | "f" | "n" | null.
    pub gender: Option<String>,
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub animate: Option<bool>,
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub indeclinable: Option<bool>,
    pub nom: Option<String>,
    pub acc: Option<String>,
    pub prep: Option<String>,
    #[serde(rename = "gen")]
    pub genitive: Option<String>,
    pub dat: Option<String>,
    pub inst: Option<String>,
    pub nom_pl: Option<String>,
    pub acc_pl: Option<String>,
    pub prep_pl: Option<String>,
    pub gen_pl: Option<String>,
    pub dat_pl: Option<String>,
    pub inst_pl: Option<String>,
}

/// Verb forms. Field names starting with a digit are renamed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Conjugations {
    /// "perf" | "impf" | null.
    pub aspect: Option<String>,
    #[serde(rename = "1st_per_sing")]
    pub first_per_sing: Option<String>,
    #[serde(rename = "2nd_per_sing")]
    pub second_per_sing: Option<String>,
    #[serde(rename = "3rd_per_sing")]
    pub third_per_sing: Option<String>,
    #[serde(rename = "1st_per_pl")]
    pub first_per_pl: Option<String>,
    #[serde(rename = "2nd_per_pl")]
    pub second_per_pl: Option<String>,
    #[serde(rename = "3rd_per_pl")]
    pub third_per_pl: Option<String>,
    pub past_m: Option<String>,
    pub past_f: Option<String>,
    pub past_n: Option<String>,
    pub past_pl: Option<String>,
    pub actv_part: Option<String>,
    pub pass_part: Option<String>,
    pub actv_past_part: Option<String>,
    pub pass_past_part: Option<String>,
    pub gerund: Option<String>,
    pub impr: Option<String>,
    pub impr_pl: Option<String>,
}

/// An imperfective/perfective verb pair.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AspectualPair {
    #[serde(deserialize_with = "lenient::opt_int")]
    pub imp_word_id: Option<WordId>,
    pub imp_accent: Option<String>,
    #[serde(deserialize_with = "lenient::opt_int")]
    pub pfv_word_id: Option<WordId>,
    pub pfv_accent: Option<String>,
}

/// Adjective short forms and comparative.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ShortForms {
    pub comp: Option<String>,
    pub fem_short: Option<String>,
    pub masc_short: Option<String>,
    pub neut_short: Option<String>,
    pub plural_short: Option<String>,
}

/// One hit of the prefix search (`WORD_FOR_SEARCH` item, pk `WORD`, sk = word).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchEntry {
    #[serde(default, deserialize_with = "lenient::text")]
    pub word: String,
    #[serde(
        serialize_with = "lenient::id_as_string",
        deserialize_with = "lenient::int"
    )]
    pub word_id: WordId,
    /// -1 when unknown.
    #[serde(
        default = "unknown_frequency",
        deserialize_with = "frequency_or_unknown"
    )]
    pub frequency: i64,
    /// The stored pos; the API always prints `"deprecated"` instead.
    #[serde(default, deserialize_with = "lenient::text")]
    pub pos: String,
}

fn unknown_frequency() -> i64 {
    -1
}

fn frequency_or_unknown<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    Ok(lenient::opt_int(d)?.unwrap_or(-1))
}
