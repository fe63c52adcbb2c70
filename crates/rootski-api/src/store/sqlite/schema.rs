//! Schema and connection set-up of the embedded store.
//!
//! `items` is the DynamoDB table: (pk, sk) is the primary key, `items_gsi1` and
//! `items_gsi2` are the global secondary indexes (partial: only items that carry
//! the gsi keys are indexed, as in DynamoDB). `doc` is the whole item as JSON.
//! `meta` holds store bookkeeping (seeded dataset hash, import checkpoints) that
//! is not part of the table.

use super::SqliteOptions;
use crate::store::StoreError;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS items (
    id     INTEGER PRIMARY KEY,
    pk     TEXT NOT NULL,
    sk     TEXT NOT NULL,
    gsi1pk TEXT,
    gsi1sk TEXT,
    gsi2pk TEXT,
    gsi2sk TEXT,
    type   TEXT,
    doc    TEXT NOT NULL,
    UNIQUE (pk, sk)
);
CREATE INDEX IF NOT EXISTS items_gsi1 ON items (gsi1pk, gsi1sk) WHERE gsi1pk IS NOT NULL;
CREATE INDEX IF NOT EXISTS items_gsi2 ON items (gsi2pk, gsi2sk) WHERE gsi2pk IS NOT NULL;
CREATE INDEX IF NOT EXISTS items_search ON items (sk, doc) WHERE pk = 'WORD';
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) WITHOUT ROWID;
";

fn open_error(path: &Path, reason: impl std::fmt::Display) -> StoreError {
    StoreError::Open {
        path: path.display().to_string(),
        reason: reason.to_string(),
    }
}

/// Settings every connection needs.
fn configure(conn: &Connection, options: &SqliteOptions) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_millis(options.busy_timeout_ms))?;
    conn.set_prepared_statement_cache_capacity(32);
    set_durability(conn, options.durable)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Let reads come straight from the page cache/mmap: the dataset is ~100 MB.
    conn.pragma_update(None, "mmap_size", MMAP_BYTES)?;
    conn.pragma_update(None, "cache_size", -32_768_i64)?;
    Ok(())
}

/// How much of the file each connection maps (its pages count as the process's
/// memory once touched).
const MMAP_BYTES: i64 = 268_435_456;

/// The writer's map while a bulk load runs: none. A load touches every page of
/// the growing file, which through the map would all count as this process's
/// resident memory (~70 MB for the dataset); through SQLite's own page cache
/// (`cache_size`, 32 MiB) it stays bounded. Readers keep their maps.
pub(super) fn set_bulk_mapping(conn: &Connection, bulk: bool) -> rusqlite::Result<()> {
    conn.pragma_update(None, "mmap_size", if bulk { 0 } else { MMAP_BYTES })
}

/// `synchronous=FULL` and SQLite's default checkpoints when `durable`; else
/// `NORMAL` and, for bulk loads, a checkpoint (copy the WAL into the database and
/// fsync it) every ~64 MB instead of every 4 MB: each checkpoint costs an fsync.
pub(super) fn set_durability(conn: &Connection, durable: bool) -> rusqlite::Result<()> {
    conn.pragma_update(None, "synchronous", if durable { "FULL" } else { "NORMAL" })?;
    let pages: i64 = if durable { 1_000 } else { 16_384 };
    conn.pragma_update(None, "wal_autocheckpoint", pages)
}

/// What probably caused a failure to set up the file, as a suffix for the message:
/// the fix depends on SQLite's error code, not one guess for all.
fn open_hint(err: &rusqlite::Error) -> &'static str {
    use rusqlite::ErrorCode;
    match err.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => {
            " (the file is not an SQLite database: choose another --db (ROOTSKI__DB) path)"
        }
        Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied | ErrorCode::CannotOpen) => {
            " (the file or its directory is not writable by this user: fix the permissions or choose another --db (ROOTSKI__DB) path)"
        }
        Some(ErrorCode::DiskFull) => " (the disk is full: free space and try again)",
        _ => "",
    }
}

/// Opens the writer: creates the file and schema if absent and enables WAL.
pub(super) fn open_writer(path: &Path, options: &SqliteOptions) -> Result<Connection, StoreError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && !parent.is_dir()
    {
        return Err(open_error(
            path,
            format!(
                "directory {} does not exist; create it or choose another --db (ROOTSKI__DB) path",
                parent.display()
            ),
        ));
    }
    let conn = Connection::open(path).map_err(|e| open_error(path, e))?;
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
        .map_err(|e| open_error(path, format!("{e}{}", open_hint(&e))))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(open_error(
            path,
            format!("cannot switch to WAL mode (got {mode})"),
        ));
    }
    configure(&conn, options).map_err(|e| open_error(path, e))?;
    conn.execute_batch(SCHEMA)
        .map_err(|e| open_error(path, format!("{e} (is it a rootski store?)")))?;
    Ok(conn)
}

/// Opens a read-only connection (the schema already exists).
pub(super) fn open_reader(path: &Path, options: &SqliteOptions) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| open_error(path, e))?;
    configure(&conn, options).map_err(|e| open_error(path, e))?;
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_errors_say_what_is_wrong_with_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("junk.sqlite3");
        std::fs::write(&junk, vec![b'x'; 4096]).unwrap();
        let err = open_writer(&junk, &SqliteOptions::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("not an SQLite database"), "{err}");
        assert!(!err.contains("not writable"), "{err}");
    }

    #[test]
    fn hints_follow_the_error_code() {
        let failure = |code| rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None);
        assert!(open_hint(&failure(rusqlite::ffi::SQLITE_READONLY)).contains("not writable"));
        assert!(open_hint(&failure(rusqlite::ffi::SQLITE_FULL)).contains("disk is full"));
        assert!(open_hint(&failure(rusqlite::ffi::SQLITE_NOTADB)).contains("not an SQLite"));
        assert_eq!(open_hint(&failure(rusqlite::ffi::SQLITE_BUSY)), "");
    }

    #[test]
    fn durability_switches_between_full_and_bulk() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open_writer(&dir.path().join("s.sqlite3"), &SqliteOptions::default()).unwrap();
        let read =
            |name: &str| -> i64 { conn.pragma_query_value(None, name, |r| r.get(0)).unwrap() };
        // synchronous: 1 = NORMAL, 2 = FULL.
        assert_eq!(
            (read("synchronous"), read("wal_autocheckpoint")),
            (2, 1_000)
        );
        set_durability(&conn, false).unwrap();
        assert_eq!(
            (read("synchronous"), read("wal_autocheckpoint")),
            (1, 16_384)
        );
        set_durability(&conn, true).unwrap();
        assert_eq!(
            (read("synchronous"), read("wal_autocheckpoint")),
            (2, 1_000)
        );
    }
}
