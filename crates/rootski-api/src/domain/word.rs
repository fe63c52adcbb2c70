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
    /// The word as written (no stress mark).
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
    /// Id, text, accent, part of speech and frequency.
    pub word: WordHeader,
    /// Definitions grouped by part of speech.
    #[serde(default, deserialize_with = "lenient::list")]
    pub definitions: Vec<PosDefinitions>,
    /// Example sentences.
    #[serde(default, deserialize_with = "lenient::list")]
    pub sentences: Vec<Sentence>,
    /// Case forms (nouns and pronouns).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declensions: Option<Declensions>,
    /// Verb forms (verbs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conjugations: Option<Conjugations>,
    /// Imperfective/perfective partners (verbs).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_list"
    )]
    pub aspectual_pairs: Option<Vec<AspectualPair>>,
    /// Short forms and comparative (adjectives).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_forms: Option<ShortForms>,
}

/// Definitions of a word grouped by part of speech.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PosDefinitions {
    /// The part of speech these definitions belong to.
    #[serde(default, deserialize_with = "lenient::text")]
    pub pos: String,
    /// The numbered definitions.
    #[serde(default, deserialize_with = "lenient::list")]
    pub definitions: Vec<Definition>,
}

/// One numbered definition with its sub-definitions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Definition {
    /// Order of the definition within its part of speech.
    #[serde(deserialize_with = "lenient::int")]
    pub def_position: i64,
    /// The definition's id.
    #[serde(deserialize_with = "lenient::int")]
    pub definition_id: i64,
    /// The definition's sub-definitions (the English texts).
    #[serde(default, deserialize_with = "lenient::list")]
    pub sub_defs: Vec<SubDefinition>,
}

/// One sub-definition (the actual English text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubDefinition {
    /// The sub-definition's id.
    #[serde(deserialize_with = "lenient::int")]
    pub sub_def_id: i64,
    /// Order of the sub-definition within its definition.
    #[serde(deserialize_with = "lenient::int")]
    pub sub_def_position: i64,
    /// The English text.
    #[serde(default, deserialize_with = "lenient::text")]
    pub definition: String,
    /// Usage notes, when any.
    #[serde(default)]
    pub notes: Option<String>,
}

/// An example sentence with its translation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    /// The Russian sentence.
    #[serde(default, deserialize_with = "lenient::text")]
    pub rus: String,
    /// Its English translation.
    #[serde(default, deserialize_with = "lenient::text")]
    pub eng: String,
    /// Whether the sentence contains the word exactly (not an inflected form).
    #[serde(default, deserialize_with = "lenient::boolish")]
    pub exact_match: bool,
}

/// Noun and pronoun case forms.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Declensions {
    /// "m" | "f" | "n" | null.
    pub gender: Option<String>,
    /// Whether the noun is animate.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub animate: Option<bool>,
    /// Whether the noun does not decline.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub indeclinable: Option<bool>,
    /// Nominative singular.
    pub nom: Option<String>,
    /// Accusative singular.
    pub acc: Option<String>,
    /// Prepositional singular.
    pub prep: Option<String>,
    /// Genitive singular (`gen` in the item).
    #[serde(rename = "gen")]
    pub genitive: Option<String>,
    /// Dative singular.
    pub dat: Option<String>,
    /// Instrumental singular.
    pub inst: Option<String>,
    /// Nominative plural.
    pub nom_pl: Option<String>,
    /// Accusative plural.
    pub acc_pl: Option<String>,
    /// Prepositional plural.
    pub prep_pl: Option<String>,
    /// Genitive plural.
    pub gen_pl: Option<String>,
    /// Dative plural.
    pub dat_pl: Option<String>,
    /// Instrumental plural.
    pub inst_pl: Option<String>,
}

/// Verb forms. Field names starting with a digit are renamed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Conjugations {
    /// "perf" | "impf" | null.
    pub aspect: Option<String>,
    /// First person singular (`1st_per_sing`).
    #[serde(rename = "1st_per_sing")]
    pub first_per_sing: Option<String>,
    /// Second person singular (`2nd_per_sing`).
    #[serde(rename = "2nd_per_sing")]
    pub second_per_sing: Option<String>,
    /// Third person singular (`3rd_per_sing`).
    #[serde(rename = "3rd_per_sing")]
    pub third_per_sing: Option<String>,
    /// First person plural (`1st_per_pl`).
    #[serde(rename = "1st_per_pl")]
    pub first_per_pl: Option<String>,
    /// Second person plural (`2nd_per_pl`).
    #[serde(rename = "2nd_per_pl")]
    pub second_per_pl: Option<String>,
    /// Third person plural (`3rd_per_pl`).
    #[serde(rename = "3rd_per_pl")]
    pub third_per_pl: Option<String>,
    /// Past tense, masculine.
    pub past_m: Option<String>,
    /// Past tense, feminine.
    pub past_f: Option<String>,
    /// Past tense, neuter.
    pub past_n: Option<String>,
    /// Past tense, plural.
    pub past_pl: Option<String>,
    /// Active present participle.
    pub actv_part: Option<String>,
    /// Passive present participle.
    pub pass_part: Option<String>,
    /// Active past participle.
    pub actv_past_part: Option<String>,
    /// Passive past participle.
    pub pass_past_part: Option<String>,
    /// Verbal adverb (gerund).
    pub gerund: Option<String>,
    /// Imperative singular.
    pub impr: Option<String>,
    /// Imperative plural.
    pub impr_pl: Option<String>,
}

/// An imperfective/perfective verb pair.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AspectualPair {
    /// The imperfective verb's word id, when catalogued.
    #[serde(deserialize_with = "lenient::opt_int")]
    pub imp_word_id: Option<WordId>,
    /// The imperfective verb with its stress mark.
    pub imp_accent: Option<String>,
    /// The perfective verb's word id, when catalogued.
    #[serde(deserialize_with = "lenient::opt_int")]
    pub pfv_word_id: Option<WordId>,
    /// The perfective verb with its stress mark.
    pub pfv_accent: Option<String>,
}

/// Adjective short forms and comparative.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ShortForms {
    /// Comparative.
    pub comp: Option<String>,
    /// Feminine short form.
    pub fem_short: Option<String>,
    /// Masculine short form.
    pub masc_short: Option<String>,
    /// Neuter short form.
    pub neut_short: Option<String>,
    /// Plural short form.
    pub plural_short: Option<String>,
}

/// One hit of the prefix search (`WORD_FOR_SEARCH` item, pk `WORD`, sk = word).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchEntry {
    /// The word as written (the sort key of the entry).
    #[serde(default, deserialize_with = "lenient::text")]
    pub word: String,
    /// The word's id (stored as a string).
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
