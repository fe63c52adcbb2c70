//! Morphemes and their families.

use super::{FamilyId, MorphemeId, lenient};
use serde::{Deserialize, Serialize};

/// A morpheme item (`MORPHEME`): found by id through gsi1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Morpheme {
    /// The morpheme's id (stored as a string).
    #[serde(
        serialize_with = "lenient::id_as_string",
        deserialize_with = "lenient::int"
    )]
    pub morpheme_id: MorphemeId,
    /// The morpheme's text.
    #[serde(default, deserialize_with = "lenient::text")]
    pub morpheme: String,
    /// The family the morpheme belongs to.
    #[serde(
        serialize_with = "lenient::id_as_string",
        deserialize_with = "lenient::int"
    )]
    pub family_id: FamilyId,
}

/// A morpheme family item (`MORPHEME_FAMILY`): what a breakdown item is
/// enriched with, and one entry group of morphemes.json.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MorphemeFamily {
    /// The family's id (stored as a string).
    #[serde(
        serialize_with = "lenient::id_as_string",
        deserialize_with = "lenient::int"
    )]
    pub family_id: FamilyId,
    /// `prefix` | `root` | `suffix` | `link`. Kept as text so an item with a value
    /// this code does not know still reads.
    #[serde(rename = "type", default, deserialize_with = "lenient::text")]
    pub morpheme_type: String,
    /// `any` | `noun` | `verb` | `adjective`.
    #[serde(default = "any_pos", deserialize_with = "word_pos_or_any")]
    pub word_pos: String,
    /// Difficulty level of the family, when known.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub level: Option<i64>,
    /// Absent or null reads as empty.
    #[serde(default, deserialize_with = "lenient::list")]
    pub family_meanings: Vec<String>,
    /// All morphemes of the family, in stored order.
    #[serde(default, deserialize_with = "lenient::list")]
    pub morphemes: Vec<FamilyMember>,
}

fn any_pos() -> String {
    "any".to_owned()
}

/// `word_pos` stored as null, empty or `"None"` reads as `any`.
fn word_pos_or_any<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let text = lenient::text(d)?;
    Ok(match text.trim() {
        "" | "None" | "null" => any_pos(),
        _ => text,
    })
}

impl MorphemeFamily {
    /// The API's `family` field: the member texts joined with commas.
    pub fn joined_texts(&self) -> String {
        let texts: Vec<&str> = self.morphemes.iter().map(|m| m.morpheme.as_str()).collect();
        texts.join(",")
    }
}

/// One entry of a family's `morphemes` list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyMember {
    /// The member morpheme's id.
    #[serde(
        serialize_with = "lenient::id_as_string",
        deserialize_with = "lenient::int"
    )]
    pub morpheme_id: MorphemeId,
    /// The member morpheme's text.
    #[serde(default, deserialize_with = "lenient::text")]
    pub morpheme: String,
}

/// Every morpheme and family in the store, sorted by id: the input of
/// morpheme.json.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MorphemeCatalog {
    /// Every morpheme, sorted by id.
    pub morphemes: Vec<Morpheme>,
    /// Every morpheme family, sorted by id.
    pub families: Vec<MorphemeFamily>,
}
