//! The embedded store: the rootski table in one SQLite file.
//!
//! One `items` table holds the single-table items (keys in columns, the whole
//! item as a JSON document), with indexes that play the part of gsi1 and gsi2.
//! SQLite compares TEXT with `memcmp`, i.e. by UTF-8 bytes, which is exactly how
//! DynamoDB orders string sort keys, so key-range queries return the same order.
//!
//! Concurrency: WAL mode, one writer connection behind a mutex (every write is
//! one transaction, run on tokio's blocking pool because a commit may fsync) and
//! a pool of read-only connections, so reads never wait for writes.
//!
//! Reads run on the calling task by default ([`ReadMode::Inline`]): they are
//! index lookups answered from the page cache / mmap in a few microseconds, while
//! a hop to the blocking pool costs tens of microseconds of CPU in thread
//! wake-ups — measured 6 µs vs 51 µs CPU per `get_word` on the full dataset. A
//! store on slow storage can choose [`ReadMode::BlockingPool`].

mod pool;
mod queries;
mod schema;

use super::codec;
use super::keys;
use super::{EncodedItem, Item, Store, StoreError, StoreResult};
use crate::domain::{
    Breakdown, BreakdownKind, FamilyId, Morpheme, MorphemeCatalog, MorphemeFamily, MorphemeId,
    Registration, SearchEntry, User, Word, WordId,
};
use async_trait::async_trait;
use pool::ReaderPool;
use queries::OnConflict;
use rusqlite::{Connection, Transaction};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Where reads run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReadMode {
    /// On the calling task (fast: reads are short and never wait for writers).
    #[default]
    Inline,
    /// On tokio's blocking pool (for storage where a read may wait on I/O).
    BlockingPool,
}

/// Tuning of the embedded store; the defaults suit the API server.
#[derive(Debug, Clone)]
pub struct SqliteOptions {
    /// Reader connections kept open (more are opened on demand and dropped).
    pub readers: usize,
    /// How long a write waits for another process's lock before failing.
    pub busy_timeout_ms: u64,
    /// `synchronous=FULL` (true: a committed submission survives power loss) or
    /// `NORMAL` (survives process crashes only; for re-runnable bulk imports).
    pub durable: bool,
    /// Where reads run.
    pub read_mode: ReadMode,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            readers: 8,
            busy_timeout_ms: 5_000,
            durable: true,
            read_mode: ReadMode::Inline,
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
    /// `SqliteOptions::durable` (restored after bulk writes).
    durable: bool,
    read_mode: ReadMode,
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
        let read_mode = options.read_mode;
        let durable = options.durable;
        let readers = ReaderPool::new(path.clone(), options);
        // Open one reader now so a bad path fails here, not on the first request.
        readers.with(|_| Ok(()))?;
        Ok(Self {
            inner: Arc::new(Inner {
                path,
                durable,
                read_mode,
                writer: Mutex::new(writer),
                readers,
            }),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Bulk writes (seeding) while `on`: the writer commits with `synchronous=NORMAL`
    /// and checkpoints every ~64 MB instead of syncing every commit, and reads the
    /// file through its page cache instead of a memory map; off restores the
    /// store's own durability. In WAL mode a crash or power loss during a bulk load
    /// can lose its last commits (an interrupted seeding is resumed) but never
    /// corrupts the file, and the first durable commit after it syncs the WAL.
    pub async fn set_bulk_writes(&self, on: bool) -> StoreResult<()> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let conn = inner
                .writer
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            schema::set_durability(&conn, inner.durable && !on)?;
            schema::set_bulk_mapping(&conn, on)?;
            Ok(())
        })
        .await
        .map_err(|e| StoreError::Worker(e.to_string()))?
    }

    /// How many items the table holds (metadata aside): decides whether a store
    /// may be seeded.
    pub async fn item_count(&self) -> StoreResult<u64> {
        self.read(|c| {
            let n: i64 = c.query_row("SELECT COUNT(*) FROM items", [], |row| row.get(0))?;
            Ok(u64::try_from(n).unwrap_or(0))
        })
        .await
    }

    /// Deletes every item, and every metadata entry whose key starts with
    /// `meta_prefix`, in one transaction: undoes a seeding of a store that held
    /// no items (with the import checkpoints it wrote, which would otherwise
    /// point a later resume at batches that are not there).
    pub async fn clear_items(&self, meta_prefix: &str) -> StoreResult<()> {
        let prefix = meta_prefix.to_owned();
        self.write(move |tx| {
            tx.execute("DELETE FROM items", [])?;
            tx.execute(
                "DELETE FROM meta WHERE substr(key, 1, length(?1)) = ?1",
                rusqlite::params![prefix],
            )?;
            Ok(())
        })
        .await
    }

    /// Runs a read on a pooled reader connection (see [`ReadMode`]).
    async fn read<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        match self.inner.read_mode {
            ReadMode::Inline => self.inner.readers.with(f),
            ReadMode::BlockingPool => {
                let inner = self.inner.clone();
                tokio::task::spawn_blocking(move || inner.readers.with(f))
                    .await
                    .map_err(|e| StoreError::Worker(e.to_string()))?
            }
        }
    }

    /// Runs `f` inside one write transaction on the blocking pool.
    async fn write<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> StoreResult<T> + Send + 'static,
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

#[async_trait]
impl Store for SqliteStore {
    async fn get_word(&self, word_id: WordId) -> StoreResult<Option<Word>> {
        self.read(move |c| {
            let key = keys::word(word_id);
            queries::get(c, &key, &key)
        })
        .await
    }

    async fn search_words(&self, prefix: &str, limit: usize) -> StoreResult<Vec<SearchEntry>> {
        let prefix = prefix.to_owned();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.read(move |c| queries::search(c, &prefix, limit)).await
    }

    async fn get_official_breakdown(&self, word_id: WordId) -> StoreResult<Option<Breakdown>> {
        self.read(move |c| queries::get(c, &keys::word(word_id), keys::OFFICIAL_BREAKDOWN_SK))
            .await
    }

    async fn get_user_breakdown(
        &self,
        email: &str,
        word_id: WordId,
    ) -> StoreResult<Option<Breakdown>> {
        let pk = keys::user(email);
        self.read(move |c| queries::get(c, &pk, &keys::user_breakdown_sk(word_id)))
            .await
    }

    async fn breakdowns_by_submitter(&self, word_id: WordId) -> StoreResult<Vec<Breakdown>> {
        self.read(move |c| queries::by_gsi2(c, &keys::word(word_id)))
            .await
    }

    async fn get_morpheme(&self, morpheme_id: MorphemeId) -> StoreResult<Option<Morpheme>> {
        Ok(self.get_morphemes(&[morpheme_id]).await?.into_iter().next())
    }

    async fn get_morphemes(&self, morpheme_ids: &[MorphemeId]) -> StoreResult<Vec<Morpheme>> {
        let keys: Vec<String> = sorted_unique(morpheme_ids)
            .into_iter()
            .map(keys::morpheme)
            .collect();
        self.read(move |c| queries::by_gsi1_each(c, &keys)).await
    }

    async fn get_families(&self, family_ids: &[FamilyId]) -> StoreResult<Vec<MorphemeFamily>> {
        let ids = sorted_unique(family_ids);
        self.read(move |c| {
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                let key = keys::family(id);
                if let Some(f) = queries::get(c, &key, &key)? {
                    out.push(f);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn get_user(&self, email: &str) -> StoreResult<Option<User>> {
        let key = keys::user(email);
        self.read(move |c| queries::get(c, &key, &key)).await
    }

    async fn register_user(&self, user: &User) -> StoreResult<Registration> {
        let item: EncodedItem = codec::encode_user(user)?;
        self.write(move |tx| {
            Ok(match queries::write_item(tx, &item, OnConflict::Keep)? {
                true => Registration::Created,
                false => Registration::AlreadyExisted,
            })
        })
        .await
    }

    async fn morpheme_catalog(&self) -> StoreResult<MorphemeCatalog> {
        self.read(queries::catalog).await
    }

    async fn put_breakdown(&self, kind: BreakdownKind, breakdown: &Breakdown) -> StoreResult<()> {
        let item: EncodedItem = codec::encode_breakdown(kind, breakdown)?;
        self.write(move |tx| queries::write_item(tx, &item, OnConflict::Replace).map(drop))
            .await
    }

    async fn put_items(&self, items: Vec<Item>) -> StoreResult<()> {
        // Encoding checks every key before starting, so a bad item fails the
        // batch cleanly.
        let items = items
            .iter()
            .map(EncodedItem::from_item)
            .collect::<StoreResult<Vec<_>>>()?;
        self.put_encoded(items).await
    }

    async fn put_encoded(&self, items: Vec<EncodedItem>) -> StoreResult<()> {
        self.write(move |tx| {
            for item in &items {
                queries::write_item(tx, item, OnConflict::Replace)?;
            }
            Ok(())
        })
        .await
    }

    async fn get_item(&self, pk: &str, sk: &str) -> StoreResult<Option<Item>> {
        let keys = [(pk.to_owned(), sk.to_owned())];
        let found = self.read(move |c| queries::raw_items(c, &keys)).await?;
        Ok(found.into_iter().next().flatten())
    }

    async fn get_items(&self, keys: &[(String, String)]) -> StoreResult<Vec<Option<Item>>> {
        let keys = keys.to_vec();
        self.read(move |c| queries::raw_items(c, &keys)).await
    }

    async fn all_items(&self) -> StoreResult<Vec<Item>> {
        self.read(queries::all_items).await
    }

    async fn get_meta(&self, key: &str) -> StoreResult<Option<String>> {
        let key = key.to_owned();
        self.read(move |c| queries::get_meta(c, &key)).await
    }

    async fn put_meta(&self, key: &str, value: &str) -> StoreResult<()> {
        let (key, value) = (key.to_owned(), value.to_owned());
        self.write(move |tx| queries::put_meta(tx, &key, &value))
            .await
    }
}

fn sorted_unique(ids: &[i64]) -> Vec<i64> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids
}
