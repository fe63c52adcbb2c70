//! Key formats of the single table. These strings are the production layout:
//! existing DynamoDB items use them, so they can never change.

use crate::domain::{FamilyId, MorphemeId, WordId};

/// `__type` values.
pub mod types {
    /// A word page.
    pub const WORD: &str = "WORD";
    /// A prefix-search entry of a word.
    pub const WORD_FOR_SEARCH: &str = "WORD_FOR_SEARCH";
    /// The official breakdown of a word.
    pub const BREAKDOWN: &str = "BREAKDOWN";
    /// A breakdown a user submitted.
    pub const USER_BREAKDOWN: &str = "UNOFFICIAL_USER_BREAKDOWN";
    /// A morpheme.
    pub const MORPHEME: &str = "MORPHEME";
    /// A morpheme family.
    pub const MORPHEME_FAMILY: &str = "MORPHEME_FAMILY";
    /// A registered user.
    pub const USER: &str = "USER";
}

/// pk of every search entry.
pub const SEARCH_PK: &str = "WORD";
/// sk of a word's official breakdown.
pub const OFFICIAL_BREAKDOWN_SK: &str = "BREAKDOWN";

/// `WORD#<id>`: pk and sk of a word, pk of its official breakdown, gsi2pk.
pub fn word(word_id: WordId) -> String {
    format!("WORD#{word_id}")
}

/// `USER#<email>`: pk/sk of a user, pk of their submissions, gsi1pk/gsi2sk.
pub fn user(email: &str) -> String {
    format!("USER#{email}")
}

/// `BREAKDOWN#<word id>`: sk of a user's submission.
pub fn user_breakdown_sk(word_id: WordId) -> String {
    format!("BREAKDOWN#{word_id}")
}

/// `MORPHEME#<id>`: sk and gsi1 keys of a morpheme.
pub fn morpheme(morpheme_id: MorphemeId) -> String {
    format!("MORPHEME#{morpheme_id}")
}

/// `MORPHEME_FAMILY#<id>`: pk/sk of a family, pk of its morphemes.
pub fn family(family_id: FamilyId) -> String {
    format!("MORPHEME_FAMILY#{family_id}")
}

/// The common prefix of every family and morpheme pk.
pub fn family_prefix() -> &'static str {
    "MORPHEME_FAMILY#"
}
