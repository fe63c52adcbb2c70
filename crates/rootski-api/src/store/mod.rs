//! Storage: the [`Store`] trait, the single-table item layout and its codec, and
//! the embedded SQLite implementation.
//!
//! Every method is one access pattern of `DATA_MODEL.md` (one key lookup, one key
//! range, or a batch of key lookups), so a DynamoDB implementation maps each to one
//! `GetItem` / `Query` / `BatchGetItem` call. Both stores hold the same [`Item`]s,
//! built and read by [`codec`], so an item exported from one loads into the other.
//!
//! Not-found is `Ok(None)` / an empty list; [`StoreError`] means the backend failed
//! (the HTTP layer answers 503) or a stored item is unreadable.

pub mod codec;
#[cfg(feature = "dynamodb")]
pub mod dynamo;
pub mod encoded;
mod error;
pub mod item;
pub mod keys;
pub mod sqlite;

pub use encoded::{EncodedItem, OwnedKeys};
pub use error::StoreError;
pub use item::Item;
pub use sqlite::{ReadMode, SqliteOptions, SqliteStore};

use crate::domain::{
    Breakdown, BreakdownKind, FamilyId, Morpheme, MorphemeCatalog, MorphemeFamily, MorphemeId,
    Registration, SearchEntry, User, Word, WordId,
};
use async_trait::async_trait;

/// Result of store operations.
pub type StoreResult<T> = Result<T, StoreError>;

/// Most search results DynamoDB's original query asked for.
pub const SEARCH_LIMIT: usize = 100;

/// The rootski table, whatever holds it. Object-safe: the app keeps an
/// `Arc<dyn Store>`.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// The full word item (word page), by id.
    async fn get_word(&self, word_id: WordId) -> StoreResult<Option<Word>>;

    /// Search entries whose word starts with `prefix` (pk `WORD`, sk begins_with),
    /// ordered by the word's UTF-8 bytes (DynamoDB's sort order), at most `limit`.
    /// An empty prefix matches every word.
    async fn search_words(&self, prefix: &str, limit: usize) -> StoreResult<Vec<SearchEntry>>;

    /// The word's official breakdown (pk `WORD#<id>`, sk `BREAKDOWN`).
    async fn get_official_breakdown(&self, word_id: WordId) -> StoreResult<Option<Breakdown>>;

    /// A user's own submission for a word (pk `USER#<email>`, sk `BREAKDOWN#<id>`).
    async fn get_user_breakdown(
        &self,
        email: &str,
        word_id: WordId,
    ) -> StoreResult<Option<Breakdown>>;

    /// Breakdowns of a word through gsi2 (gsi2pk `WORD#<id>`), ordered by gsi2sk
    /// (`USER#<submitter>`).
    async fn breakdowns_by_submitter(&self, word_id: WordId) -> StoreResult<Vec<Breakdown>>;

    /// A morpheme by id (gsi1pk = gsi1sk = `MORPHEME#<id>`).
    async fn get_morpheme(&self, morpheme_id: MorphemeId) -> StoreResult<Option<Morpheme>>;

    /// Morphemes by ids; unknown ids are left out. Sorted by id, no duplicates.
    async fn get_morphemes(&self, morpheme_ids: &[MorphemeId]) -> StoreResult<Vec<Morpheme>>;

    /// Families by ids (batch get); unknown ids are left out. Sorted by id, no
    /// duplicates.
    async fn get_families(&self, family_ids: &[FamilyId]) -> StoreResult<Vec<MorphemeFamily>>;

    /// A user by email.
    async fn get_user(&self, email: &str) -> StoreResult<Option<User>>;

    /// Writes the user only if no user with that email exists (a conditional put).
    /// Losing a race is [`Registration::AlreadyExisted`], not an error.
    async fn register_user(&self, user: &User) -> StoreResult<Registration>;

    /// Every morpheme and family (for morphemes.json; called once, then cached).
    async fn morpheme_catalog(&self) -> StoreResult<MorphemeCatalog>;

    /// Writes a breakdown as one atomic item put, replacing the item at the same
    /// key (the official one for [`BreakdownKind::Official`], the user's own for
    /// [`BreakdownKind::UserSubmission`], keyed by `submitted_by_user_email`).
    async fn put_breakdown(&self, kind: BreakdownKind, breakdown: &Breakdown) -> StoreResult<()>;

    /// Upserts raw items in one transaction: all are written or none. Each item
    /// needs string `pk` and `sk`. Used by import; batches of up to a few
    /// thousand items are fine.
    async fn put_items(&self, items: Vec<Item>) -> StoreResult<()>;

    /// [`Store::put_items`] of items already encoded (the import's form: no
    /// per-item map). By default each is parsed back into an [`Item`]; the
    /// embedded store writes the keys and text as they are.
    async fn put_encoded(&self, items: Vec<EncodedItem>) -> StoreResult<()> {
        let items = items
            .iter()
            .map(EncodedItem::to_item)
            .collect::<StoreResult<Vec<_>>>()?;
        self.put_items(items).await
    }

    /// The raw item at (pk, sk), exactly as stored (for tests and export).
    async fn get_item(&self, pk: &str, sk: &str) -> StoreResult<Option<Item>>;

    /// Raw items at many (pk, sk) keys (a batch get), in the order asked; `None`
    /// where there is no item.
    async fn get_items(&self, keys: &[(String, String)]) -> StoreResult<Vec<Option<Item>>>;

    /// Every item, ordered by (pk, sk) bytes. For tests and export of small stores.
    async fn all_items(&self) -> StoreResult<Vec<Item>>;

    /// Store metadata outside the item table (import checkpoints, the seeded
    /// dataset's hash). A DynamoDB store keeps these as `META#<key>` items.
    async fn get_meta(&self, key: &str) -> StoreResult<Option<String>>;

    /// Sets a metadata value (see [`Store::get_meta`]).
    async fn put_meta(&self, key: &str, value: &str) -> StoreResult<()>;
}
