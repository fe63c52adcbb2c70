//! A small pool of read-only connections.
//!
//! SQLite connections are not `Sync`; each blocking task borrows one, uses it and
//! gives it back. Keeping them open keeps their prepared-statement caches warm,
//! which is most of the cost of a point read.

use super::SqliteOptions;
use super::schema::open_reader;
use crate::store::StoreResult;
use rusqlite::Connection;
use std::path::PathBuf;
use std::sync::Mutex;

pub(super) struct ReaderPool {
    path: PathBuf,
    options: SqliteOptions,
    idle: Mutex<Vec<Connection>>,
}

impl ReaderPool {
    pub(super) fn new(path: PathBuf, options: SqliteOptions) -> Self {
        Self {
            path,
            options,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Runs `f` on an idle reader (opening one if none is idle) and returns the
    /// reader to the pool unless the pool is full.
    pub(super) fn with<T>(&self, f: impl FnOnce(&Connection) -> StoreResult<T>) -> StoreResult<T> {
        let taken = self.lock().pop();
        let conn = match taken {
            Some(c) => c,
            None => open_reader(&self.path, &self.options)?,
        };
        let out = f(&conn);
        let mut idle = self.lock();
        if idle.len() < self.options.readers.max(1) {
            idle.push(conn);
        }
        out
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        // The guarded Vec is always in a valid state, so poisoning is harmless.
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }
}
