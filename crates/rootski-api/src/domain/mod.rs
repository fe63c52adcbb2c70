//! Typed domain values shared by the store and the HTTP layer.
//!
//! These are the *meaning* of the single-table items of `DATA_MODEL.md`, without
//! keys: the store's item codec (`crate::store::codec`) turns items into these
//! values and back. Ids are integers here even though items store them as strings,
//! because every route speaks integer ids; the codec does the conversion.
//!
//! Serde derives serialize the *stored* attribute form (ids as strings where the
//! table keeps strings); HTTP responses that differ build their own bodies.

mod breakdown;
pub mod lenient;
mod morpheme;
mod user;
mod word;

pub use breakdown::{Breakdown, BreakdownItem, BreakdownKind, StoredDate};
pub use morpheme::{FamilyMember, Morpheme, MorphemeCatalog, MorphemeFamily};
pub use user::{ANONYMOUS_EMAIL, INFERENCE_SUBMITTER, Registration, User};
pub use word::{
    AspectualPair, Conjugations, Declensions, Definition, PosDefinitions, SearchEntry, Sentence,
    ShortForms, SubDefinition, Word, WordHeader,
};

/// Id of a word (`word_id`), stored as a decimal string.
pub type WordId = i64;
/// Id of a morpheme (`morpheme_id`), stored as a decimal string.
pub type MorphemeId = i64;
/// Id of a morpheme family (`family_id`), stored as a decimal string.
pub type FamilyId = i64;
