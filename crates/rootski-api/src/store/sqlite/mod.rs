//! The embedded store: the rootski table in one SQLite file.
//!
//! One `items` table holds the single-table items (keys in columns, the whole
//! item as a JSON document), with indexes that play the part of gsi1 and gsi2.
//! SQLite compares TEXT with `memcmp`, i.e. by UTF-8 bytes, which is exactly how
//! DynamoDB orders string sort keys, so key-range queries return the same order.
//!
//! Concurrency: WAL mode, one writer connection behind a mutex (every write is
//! one transaction) and a pool of reader connections, so reads never wait for
//! writes. All SQLite work runs on tokio's blocking pool.

mod pool;
mod schema;

use super::codec::{self, ItemKind};
use super::item::item_keys;
use super::keys::{self, types};
use super::{Item, Store, StoreError, StoreResult};
use crate::domain::{
    Breakdown, BreakdownKind, FamilyId, Morpheme, MorphemeCatalog, MorphemeFamily, MorphemeId,
    Registration, SearchEntry, User, Word, WordId,
};
use async_trait::async_trait;
use pool::ReaderPool;
use rusqlite::{Connection, OptionalExtension, params};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Tuning of the embedded store; the defaults suit the API server.
#[derive(Debug, Clone)]
pub struct SqliteOptions {
    /// Reader connections kept open (more are opened on demand and dropped).
    pub readers: usize,
    /// How long a write waits for another process's lock before failing.
    pub busy_timeout_ms: u64,
    /// `synchronous=FULL` (true: a committed submission survives power loss) or
    /// `NORMAL` (survives process crashes only; faster bulk import).
    pub durable: bool,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            readers: 8,
            busy_timeout_ms: 5_000,
            durable: true,
        }
    }
}

/// The embedded SQLite store. Cheap to clone (shared connections).
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: ReaderPool,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (creating if absent) the store at `path` with default options.
    pub fn open(path: impl AsRef<Path>) -> StoreResult<Self> {
        Self::open_with(path, SqliteOptions::default())
    }

    /// Opens (creating if absent) the store at `path`: creates the schema,
    /// switches to WAL and prepares the reader pool. Blocking; call it before
    /// serving or inside `spawn_blocking`.
    pub fn open_with(path: impl AsRef<Path>, options: SqliteOptions) -> StoreResult<Self> {
        let path = path.as_ref().to_path_buf();
        let writer = schema::open_writer(&path, &options)?;
        let readers = ReaderPool::new(path.clone(), options);
        // Open one reader now so a bad path fails here, not on the first request.
        readers.with(|_| Ok(()))?;
        Ok(Self {
            inner: Arc::new(Inner {
                path,
                writer: Mutex::new(writer),
                readers,
            }),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs a read on a pooled reader connection on the blocking pool.
    async fn read<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || inner.readers.with(f))
            .await
            .map_err(|e| StoreError::Worker(e.to_string()))?
    }

    /// Runs `f` inside one write transaction on the blocking pool.
    async fn write<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Transaction<'_>) -> StoreResult<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock cannot leave a half-written
            // transaction (it rolls back on drop), so a poisoned lock is usable.
            let mut conn = inner
                .writer
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let out = f(&tx)?;
            tx.commit()?;
            Ok(out)
        })
        .await
        .map_err(|e| StoreError::Worker(e.to_string()))?
    }
}

const GET_DOC: &str = "SELECT doc FROM items WHERE pk = ?1 AND sk = ?2";
const GET_BY_GSI1: &str =
    "SELECT pk, sk, doc FROM items WHERE gsi1pk = ?1 AND gsi1sk = ?2 ORDER BY pk, sk LIMIT 1";
const BY_GSI2: &str = "SELECT pk, sk, doc FROM items WHERE gsi2pk = ?1 ORDER BY gsi2sk, pk, sk";
const SEARCH: &str =
    "SELECT sk, doc FROM items WHERE pk = ?1 AND sk >= ?2 AND sk < ?3 ORDER BY sk LIMIT ?4";
const SEARCH_UNBOUNDED: &str =
    "SELECT sk, doc FROM items WHERE pk = ?1 AND sk >= ?2 ORDER BY sk LIMIT ?3";
const PK_RANGE: &str =
    "SELECT pk, sk, type, doc FROM items WHERE pk >= ?1 AND pk < ?2 ORDER BY pk, sk";
const UPSERT: &str = "INSERT INTO items (pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, type, doc) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
     ON CONFLICT (pk, sk) DO UPDATE SET gsi1pk = excluded.gsi1pk, gsi1sk = excluded.gsi1sk, \
     gsi2pk = excluded.gsi2pk, gsi2sk = excluded.gsi2sk, type = excluded.type, doc = excluded.doc";
const INSERT_IF_ABSENT: &str = "INSERT INTO items (pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, type, doc) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (pk, sk) DO NOTHING";

/// Reads and decodes the item at (pk, sk).
fn get_decoded<T: ItemKind>(conn: &Connection, pk: &str, sk: &str) -> StoreResult<Option<T>> {
    let mut stmt = conn.prepare_cached(GET_DOC)?;
    let doc: Option<String> = stmt
        .query_row(params![pk, sk], |row| row.get(0))
        .optional()?;
    doc.map(|d| codec::decode_json(pk, sk, &d)).transpose()
}

/// Writes one item with the given conflict behaviour; returns rows changed.
fn write_item(tx: &rusqlite::Transaction<'_>, sql: &str, item: &Item) -> StoreResult<usize> {
    let k = item_keys(item)?;
    let doc = serde_json::to_string(item).map_err(|e| StoreError::InvalidItem(e.to_string()))?;
    let mut stmt = tx.prepare_cached(sql)?;
    Ok(stmt.execute(params![
        k.pk,
        k.sk,
        k.gsi1pk,
        k.gsi1sk,
        k.gsi2pk,
        k.gsi2sk,
        k.item_type,
        doc
    ])?)
}

/// The smallest string greater than every string that starts with `prefix`,
/// or `None` if there is none (the prefix is all `char::MAX`).
///
/// UTF-8 byte order equals code point order, so bumping the last character to
/// the next scalar value gives an exclusive upper bound for a key-range scan.
pub(crate) fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = match last {
            '\u{D7FF}' => Some('\u{E000}'),
            c => char::from_u32(c as u32 + 1),
        };
        if let Some(n) = next {
            chars.push(n);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

#[async_trait]
impl Store for SqliteStore {
    async fn get_word(&self, word_id: WordId) -> StoreResult<Option<Word>> {
        self.read(move |c| {
            let key = keys::word(word_id);
            get_decoded(c, &key, &key)
        })
        .await
    }

    async fn search_words(&self, prefix: &str, limit: usize) -> StoreResult<Vec<SearchEntry>> {
        let prefix = prefix.to_owned();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.read(move |c| {
            let mut out = Vec::new();
            let mut push = |row: &rusqlite::Row<'_>| -> StoreResult<()> {
                let sk: String = row.get(0)?;
                let doc: String = row.get(1)?;
                out.push(codec::decode_json(keys::SEARCH_PK, &sk, &doc)?);
                Ok(())
            };
            match prefix_upper_bound(&prefix) {
                Some(upper) => {
                    let mut stmt = c.prepare_cached(SEARCH)?;
                    let mut rows = stmt.query(params![keys::SEARCH_PK, prefix, upper, limit])?;
                    while let Some(row) = rows.next()? {
                        push(row)?;
                    }
                }
                None => {
                    let mut stmt = c.prepare_cached(SEARCH_UNBOUNDED)?;
                    let mut rows = stmt.query(params![keys::SEARCH_PK, prefix, limit])?;
                    while let Some(row) = rows.next()? {
                        push(row)?;
                    }
                }
            }
            Ok(out)
        })
        .await
    }

    async fn get_official_breakdown(&self, word_id: WordId) -> StoreResult<Option<Breakdown>> {
        self.read(move |c| get_decoded(c, &keys::word(word_id), keys::OFFICIAL_BREAKDOWN_SK))
            .await
    }

    async fn get_user_breakdown(
        &self,
        email: &str,
        word_id: WordId,
    ) -> StoreResult<Option<Breakdown>> {
        let pk = keys::user(email);
        self.read(move |c| get_decoded(c, &pk, &keys::user_breakdown_sk(word_id)))
            .await
    }

    async fn breakdowns_by_submitter(&self, word_id: WordId) -> StoreResult<Vec<Breakdown>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(BY_GSI2)?;
            let mut rows = stmt.query(params![keys::word(word_id)])?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                let (pk, sk, doc): (String, String, String) =
                    (row.get(0)?, row.get(1)?, row.get(2)?);
                out.push(codec::decode_json(&pk, &sk, &doc)?);
            }
            Ok(out)
        })
        .await
    }

    async fn get_morpheme(&self, morpheme_id: MorphemeId) -> StoreResult<Option<Morpheme>> {
        Ok(self.get_morphemes(&[morpheme_id]).await?.into_iter().next())
    }

    async fn get_morphemes(&self, morpheme_ids: &[MorphemeId]) -> StoreResult<Vec<Morpheme>> {
        let ids = sorted_unique(morpheme_ids);
        self.read(move |c| {
            let mut stmt = c.prepare_cached(GET_BY_GSI1)?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                let key = keys::morpheme(id);
                let row: Option<(String, String, String)> = stmt
                    .query_row(params![key, key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()?;
                if let Some((pk, sk, doc)) = row {
                    out.push(codec::decode_json(&pk, &sk, &doc)?);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn get_families(&self, family_ids: &[FamilyId]) -> StoreResult<Vec<MorphemeFamily>> {
        let ids = sorted_unique(family_ids);
        self.read(move |c| {
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                let key = keys::family(id);
                if let Some(f) = get_decoded(c, &key, &key)? {
                    out.push(f);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn get_user(&self, email: &str) -> StoreResult<Option<User>> {
        let key = keys::user(email);
        self.read(move |c| get_decoded(c, &key, &key)).await
    }

    async fn register_user(&self, user: &User) -> StoreResult<Registration> {
        let item = codec::encode_user(user)?;
        self.write(move |tx| {
            Ok(match write_item(tx, INSERT_IF_ABSENT, &item)? {
                0 => Registration::AlreadyExisted,
                _ => Registration::Created,
            })
        })
        .await
    }

    async fn morpheme_catalog(&self) -> StoreResult<MorphemeCatalog> {
        self.read(|c| {
            // Morphemes and families all live under pk `MORPHEME_FAMILY#…`: one
            // primary-key range instead of a scan.
            let lower = keys::family_prefix();
            let upper = prefix_upper_bound(lower).unwrap_or_default();
            let mut stmt = c.prepare_cached(PK_RANGE)?;
            let mut rows = stmt.query(params![lower, upper])?;
            let mut catalog = MorphemeCatalog::default();
            while let Some(row) = rows.next()? {
                let (pk, sk): (String, String) = (row.get(0)?, row.get(1)?);
                let item_type: Option<String> = row.get(2)?;
                let doc: String = row.get(3)?;
                match item_type.as_deref() {
                    Some(types::MORPHEME) => {
                        catalog.morphemes.push(codec::decode_json(&pk, &sk, &doc)?)
                    }
                    Some(types::MORPHEME_FAMILY) => {
                        catalog.families.push(codec::decode_json(&pk, &sk, &doc)?)
                    }
                    _ => {}
                }
            }
            catalog.morphemes.sort_by_key(|m| m.morpheme_id);
            catalog.families.sort_by_key(|f| f.family_id);
            Ok(catalog)
        })
        .await
    }

    async fn put_breakdown(&self, kind: BreakdownKind, breakdown: &Breakdown) -> StoreResult<()> {
        let item = codec::encode_breakdown(kind, breakdown)?;
        self.write(move |tx| write_item(tx, UPSERT, &item).map(drop))
            .await
    }

    async fn put_items(&self, items: Vec<Item>) -> StoreResult<()> {
        // Validate every key before starting, so a bad item fails the batch cleanly.
        for item in &items {
            item_keys(item)?;
        }
        self.write(move |tx| {
            for item in &items {
                write_item(tx, UPSERT, item)?;
            }
            Ok(())
        })
        .await
    }

    async fn get_item(&self, pk: &str, sk: &str) -> StoreResult<Option<Item>> {
        let (pk, sk) = (pk.to_owned(), sk.to_owned());
        self.read(move |c| {
            let mut stmt = c.prepare_cached(GET_DOC)?;
            let doc: Option<String> = stmt
                .query_row(params![pk, sk], |row| row.get(0))
                .optional()?;
            doc.map(|d| parse_item(&pk, &sk, &d)).transpose()
        })
        .await
    }

    async fn get_items(&self, keys: &[(String, String)]) -> StoreResult<Vec<Option<Item>>> {
        let keys = keys.to_vec();
        self.read(move |c| {
            let mut stmt = c.prepare_cached(GET_DOC)?;
            let mut out = Vec::with_capacity(keys.len());
            for (pk, sk) in &keys {
                let doc: Option<String> = stmt
                    .query_row(params![pk, sk], |row| row.get(0))
                    .optional()?;
                out.push(doc.map(|d| parse_item(pk, sk, &d)).transpose()?);
            }
            Ok(out)
        })
        .await
    }

    async fn all_items(&self) -> StoreResult<Vec<Item>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached("SELECT pk, sk, doc FROM items ORDER BY pk, sk")?;
            let mut rows = stmt.query([])?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                let (pk, sk, doc): (String, String, String) =
                    (row.get(0)?, row.get(1)?, row.get(2)?);
                out.push(parse_item(&pk, &sk, &doc)?);
            }
            Ok(out)
        })
        .await
    }

    async fn get_meta(&self, key: &str) -> StoreResult<Option<String>> {
        let key = key.to_owned();
        self.read(move |c| {
            let mut stmt = c.prepare_cached("SELECT value FROM meta WHERE key = ?1")?;
            Ok(stmt.query_row(params![key], |r| r.get(0)).optional()?)
        })
        .await
    }

    async fn put_meta(&self, key: &str, value: &str) -> StoreResult<()> {
        let (key, value) = (key.to_owned(), value.to_owned());
        self.write(move |tx| {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?;
            stmt.execute(params![key, value])?;
            Ok(())
        })
        .await
    }
}

fn parse_item(pk: &str, sk: &str, doc: &str) -> StoreResult<Item> {
    serde_json::from_str(doc).map_err(|e| StoreError::Corrupt {
        pk: pk.to_owned(),
        sk: sk.to_owned(),
        kind: "JSON",
        reason: e.to_string(),
    })
}

fn sorted_unique(ids: &[i64]) -> Vec<i64> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[cfg(test)]
mod tests {
    use super::prefix_upper_bound;

    #[test]
    fn upper_bound_bumps_the_last_character() {
        assert_eq!(prefix_upper_bound("при").as_deref(), Some("прй"));
        assert_eq!(prefix_upper_bound("a").as_deref(), Some("b"));
        assert_eq!(prefix_upper_bound("").as_deref(), None);
        assert_eq!(prefix_upper_bound("a\u{10FFFF}").as_deref(), Some("b"));
        assert_eq!(prefix_upper_bound("\u{D7FF}").as_deref(), Some("\u{E000}"));
    }
}
