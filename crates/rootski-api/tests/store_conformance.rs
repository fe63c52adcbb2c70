//! One conformance suite for every `Store` implementation.
//!
//! Each check is an `async fn(Arc<dyn Store>)` that starts from an empty store.
//! `conformance_suite!` turns the list of checks into `#[tokio::test]`s for one
//! backend. Backends: SQLite (two read modes) and, with the `dynamodb` feature,
//! DynamoDB on the server named by `ROOTSKI_TEST_DYNAMO_ENDPOINT` (a fresh table
//! per test). The DynamoDB tests are `#[ignore]`d with the reason, so a plain
//! `cargo test` reports them as skipped; `scripts/checks/60-dynamodb.sh` starts
//! moto and runs them with `--ignored`.

use rootski_api::domain::{
    Breakdown, BreakdownItem, BreakdownKind, Declensions, FamilyMember, Morpheme, MorphemeFamily,
    Registration, SearchEntry, StoredDate, User, Word, WordHeader,
};
use rootski_api::store::{Item, ReadMode, SqliteOptions, SqliteStore, Store, codec};
use serde_json::json;
use std::sync::Arc;

fn word(id: i64, text: &str) -> Word {
    Word {
        word: WordHeader {
            word_id: id,
            word: text.into(),
            accent: text.into(),
            pos: "noun".into(),
            frequency: Some(100 + id),
        },
        definitions: vec![],
        sentences: vec![],
        declensions: Some(Declensions {
            gender: Some("m".into()),
            nom: Some(text.into()),
            ..Default::default()
        }),
        conjugations: None,
        aspectual_pairs: None,
        short_forms: None,
    }
}

fn entry(id: i64, text: &str) -> SearchEntry {
    SearchEntry {
        word: text.into(),
        word_id: id,
        frequency: id * 10,
        pos: "noun".into(),
    }
}

fn breakdown(word_id: i64, text: &str, by: &str) -> Breakdown {
    Breakdown {
        word_id,
        word: text.into(),
        submitted_by_user_email: Some(by.into()),
        is_verified: false,
        is_inference: by == "anonymous",
        date_submitted: StoredDate::parse("2024-01-02 03:04:05.000006").unwrap(),
        date_verified: StoredDate(None),
        breakdown_items: vec![
            BreakdownItem {
                position: 0,
                morpheme: text.chars().take(2).collect(),
                morpheme_id: Some(1),
                morpheme_family_id: Some(1),
            },
            BreakdownItem {
                position: 1,
                morpheme: text.chars().skip(2).collect(),
                morpheme_id: None,
                morpheme_family_id: None,
            },
        ],
    }
}

async fn put_search(store: &Arc<dyn Store>, words: &[(i64, &str)]) {
    let items: Vec<Item> = words
        .iter()
        .map(|(id, w)| codec::encode_search_entry(&entry(*id, w)).unwrap())
        .collect();
    store.put_items(items).await.unwrap();
}

async fn check_word_round_trip(store: Arc<dyn Store>) {
    let w = word(42, "дом");
    store
        .put_items(vec![codec::encode_word(&w).unwrap()])
        .await
        .unwrap();
    assert_eq!(store.get_word(42).await.unwrap(), Some(w));
    assert_eq!(store.get_word(43).await.unwrap(), None);
    let raw = store.get_item("WORD#42", "WORD#42").await.unwrap().unwrap();
    assert_eq!(raw["__type"], "WORD");
    assert_eq!(raw["word"]["word_id"], "42", "ids are stored as strings");
}

async fn check_search_orders_by_utf8_bytes_and_limits(store: Arc<dyn Store>) {
    put_search(
        &store,
        &[
            (1, "при"),
            (2, "прийти"),
            (3, "приход"),
            (4, "пра"),
            (5, "прй"),
            (6, "ёж"),
            (7, "яма"),
            (8, "ель"),
            (9, "при́мер"),
            (10, "zebra"),
            (11, "приё"),
        ],
    )
    .await;
    // A word item shares no pk with search entries and must never show up.
    store
        .put_items(vec![codec::encode_word(&word(1, "при")).unwrap()])
        .await
        .unwrap();

    let hits = store.search_words("при", 100).await.unwrap();
    let texts: Vec<&str> = hits.iter().map(|e| e.word.as_str()).collect();
    // U+0301 (bytes CC 81) sorts before every Cyrillic letter (D0/D1 ..).
    assert_eq!(texts, ["при", "при́мер", "прийти", "приход", "приё"]);
    assert_eq!(hits[0], entry(1, "при"));

    let limited = store.search_words("при", 2).await.unwrap();
    assert_eq!(limited.len(), 2);
    assert_eq!(limited[1].word, "при́мер");

    let all = store.search_words("", 100).await.unwrap();
    let all: Vec<&str> = all.iter().map(|e| e.word.as_str()).collect();
    // Byte order: Latin < Cyrillic а..я (U+0430..U+044F) < ё (U+0451).
    assert_eq!(
        all,
        [
            "zebra",
            "ель",
            "пра",
            "при",
            "при́мер",
            "прийти",
            "приход",
            "приё",
            "прй",
            "яма",
            "ёж"
        ]
    );

    assert!(store.search_words("щ", 100).await.unwrap().is_empty());
    assert_eq!(store.search_words("ё", 100).await.unwrap().len(), 1);
    assert_eq!(store.search_words("прийти-", 100).await.unwrap().len(), 0);
    assert_eq!(store.search_words("при", 0).await.unwrap().len(), 0);
}

async fn check_breakdown_kinds_and_gsi2(store: Arc<dyn Store>) {
    let official = breakdown(7, "приход", "anonymous");
    store
        .put_breakdown(BreakdownKind::Official, &official)
        .await
        .unwrap();
    let mine = breakdown(7, "приход", "me@x.io");
    store
        .put_breakdown(BreakdownKind::UserSubmission, &mine)
        .await
        .unwrap();

    assert_eq!(
        store.get_official_breakdown(7).await.unwrap(),
        Some(official.clone())
    );
    assert_eq!(store.get_official_breakdown(8).await.unwrap(), None);
    assert_eq!(
        store.get_user_breakdown("me@x.io", 7).await.unwrap(),
        Some(mine.clone())
    );
    assert_eq!(store.get_user_breakdown("me@x.io", 8).await.unwrap(), None);
    assert_eq!(store.get_user_breakdown("you@x.io", 7).await.unwrap(), None);

    let by = store.breakdowns_by_submitter(7).await.unwrap();
    assert_eq!(
        by,
        vec![official.clone()],
        "only official items carry gsi2 keys"
    );
    assert!(store.breakdowns_by_submitter(8).await.unwrap().is_empty());

    // An admin submission replaces the official item; gsi2 follows the new submitter.
    let mut verified = breakdown(7, "приход", "admin@x.io");
    verified.is_verified = true;
    verified.date_verified = StoredDate::parse("2024-02-02 00:00:00.000000").unwrap();
    store
        .put_breakdown(BreakdownKind::Official, &verified)
        .await
        .unwrap();
    assert_eq!(
        store.get_official_breakdown(7).await.unwrap(),
        Some(verified.clone())
    );
    assert_eq!(
        store.breakdowns_by_submitter(7).await.unwrap(),
        vec![verified]
    );

    // Resubmitting replaces the user's own item.
    let mut again = mine.clone();
    again.breakdown_items.truncate(1);
    store
        .put_breakdown(BreakdownKind::UserSubmission, &again)
        .await
        .unwrap();
    assert_eq!(
        store.get_user_breakdown("me@x.io", 7).await.unwrap(),
        Some(again)
    );

    let raw = store
        .get_item("USER#me@x.io", "BREAKDOWN#7")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(raw["__type"], "UNOFFICIAL_USER_BREAKDOWN");
    assert_eq!(raw["is_inference"], false);
}

async fn check_gsi2_orders_by_submitter(store: Arc<dyn Store>) {
    // Raw items as another writer could leave them: several items indexed under
    // the same word in gsi2, each with a different submitter.
    let mut items = Vec::new();
    for (n, who) in ["zed@x.io", "amy@x.io", "kim@x.io"].iter().enumerate() {
        let mut item: Item =
            codec::encode_breakdown(BreakdownKind::Official, &breakdown(9, "слово", who)).unwrap();
        item.insert("pk".into(), json!(format!("OTHER#{n}")));
        items.push(item);
    }
    store.put_items(items).await.unwrap();
    let who: Vec<String> = store
        .breakdowns_by_submitter(9)
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.submitted_by_user_email.unwrap())
        .collect();
    assert_eq!(who, ["amy@x.io", "kim@x.io", "zed@x.io"]);
}

fn family(id: i64, members: &[(i64, &str)]) -> MorphemeFamily {
    MorphemeFamily {
        family_id: id,
        morpheme_type: "root".into(),
        word_pos: "any".into(),
        level: Some(2),
        family_meanings: vec!["go".into()],
        morphemes: members
            .iter()
            .map(|(m, t)| FamilyMember {
                morpheme_id: *m,
                morpheme: (*t).into(),
            })
            .collect(),
    }
}

async fn put_catalog(store: &Arc<dyn Store>) {
    let mut items = vec![
        codec::encode_family(&family(1, &[(1, "ход"), (2, "хож")])).unwrap(),
        codec::encode_family(&family(5, &[(5, "при")])).unwrap(),
    ];
    for (m, f, t) in [(1, 1, "ход"), (2, 1, "хож"), (5, 5, "при")] {
        items.push(
            codec::encode_morpheme(&Morpheme {
                morpheme_id: m,
                morpheme: t.into(),
                family_id: f,
            })
            .unwrap(),
        );
    }
    store.put_items(items).await.unwrap();
}

async fn check_morphemes_and_families(store: Arc<dyn Store>) {
    put_catalog(&store).await;
    let m = store.get_morpheme(2).await.unwrap().unwrap();
    assert_eq!(
        (m.morpheme_id, m.morpheme.as_str(), m.family_id),
        (2, "хож", 1)
    );
    assert_eq!(store.get_morpheme(3).await.unwrap(), None);

    let ms = store.get_morphemes(&[5, 3, 1, 5]).await.unwrap();
    assert_eq!(ms.iter().map(|m| m.morpheme_id).collect::<Vec<_>>(), [1, 5]);

    let fs = store.get_families(&[5, 1, 99, 1]).await.unwrap();
    assert_eq!(
        fs,
        vec![
            family(1, &[(1, "ход"), (2, "хож")]),
            family(5, &[(5, "при")])
        ]
    );
    assert_eq!(fs[0].joined_texts(), "ход,хож");
    assert!(store.get_families(&[]).await.unwrap().is_empty());

    let catalog = store.morpheme_catalog().await.unwrap();
    assert_eq!(
        catalog
            .morphemes
            .iter()
            .map(|m| m.morpheme_id)
            .collect::<Vec<_>>(),
        [1, 2, 5]
    );
    assert_eq!(catalog.families.len(), 2);
}

/// Family ids with gaps, from 0 and across several hundred ids (the DynamoDB store
/// reads families by id windows; gaps shorter than its stop rule are read through).
async fn check_catalog_reads_sparse_family_ids(store: Arc<dyn Store>) {
    let mut items = Vec::new();
    for (f, m) in [(0, 10), (250, 11), (1000, 12), (1001, 13)] {
        items.push(codec::encode_family(&family(f, &[(m, "к")])).unwrap());
        items.push(
            codec::encode_morpheme(&Morpheme {
                morpheme_id: m,
                morpheme: "к".into(),
                family_id: f,
            })
            .unwrap(),
        );
    }
    store.put_items(items).await.unwrap();
    let catalog = store.morpheme_catalog().await.unwrap();
    let families: Vec<i64> = catalog.families.iter().map(|f| f.family_id).collect();
    assert_eq!(families, [0, 250, 1000, 1001]);
    let morphemes: Vec<(i64, i64)> = catalog
        .morphemes
        .iter()
        .map(|m| (m.morpheme_id, m.family_id))
        .collect();
    assert_eq!(morphemes, [(10, 0), (11, 250), (12, 1000), (13, 1001)]);
}

async fn check_catalog_ignores_other_items(store: Arc<dyn Store>) {
    put_search(&store, &[(1, "ход")]).await;
    store
        .put_items(vec![codec::encode_word(&word(1, "ход")).unwrap()])
        .await
        .unwrap();
    assert_eq!(store.morpheme_catalog().await.unwrap(), Default::default());
}

async fn check_users_and_registration(store: Arc<dyn Store>) {
    assert_eq!(store.get_user("a@x.io").await.unwrap(), None);
    let a = User {
        email: "a@x.io".into(),
        is_admin: false,
    };
    assert_eq!(
        store.register_user(&a).await.unwrap(),
        Registration::Created
    );
    assert_eq!(store.get_user("a@x.io").await.unwrap(), Some(a.clone()));
    // A second registration never overwrites (here: would demote an admin).
    let admin = User {
        email: "root@x.io".into(),
        is_admin: true,
    };
    store
        .put_items(vec![codec::encode_user(&admin).unwrap()])
        .await
        .unwrap();
    let demoted = User {
        email: "root@x.io".into(),
        is_admin: false,
    };
    assert_eq!(
        store.register_user(&demoted).await.unwrap(),
        Registration::AlreadyExisted
    );
    assert_eq!(store.get_user("root@x.io").await.unwrap(), Some(admin));
}

async fn check_registration_race_has_one_winner(store: Arc<dyn Store>) {
    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let u = User {
                    email: "race@x.io".into(),
                    is_admin: false,
                };
                store.register_user(&u).await.unwrap()
            })
        })
        .collect();
    let mut created = 0;
    for t in tasks {
        if t.await.unwrap() == Registration::Created {
            created += 1;
        }
    }
    assert_eq!(created, 1);
}

async fn check_concurrent_breakdown_puts_are_all_kept(store: Arc<dyn Store>) {
    let tasks: Vec<_> = (0..200)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                let user = format!("user{}@x.io", n % 20);
                let b = breakdown(1000 + n, "приход", &user);
                store
                    .put_breakdown(BreakdownKind::UserSubmission, &b)
                    .await
                    .unwrap();
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    for n in 0..200 {
        let user = format!("user{}@x.io", n % 20);
        let got = store.get_user_breakdown(&user, 1000 + n).await.unwrap();
        assert_eq!(
            got,
            Some(breakdown(1000 + n, "приход", &user)),
            "submission {n} lost"
        );
    }
}

async fn check_put_items_is_all_or_nothing(store: Arc<dyn Store>) {
    let good: Item = codec::encode_word(&word(1, "дом")).unwrap();
    let bad: Item = serde_json::from_value(json!({"sk": "X", "word": "no pk"})).unwrap();
    assert!(store.put_items(vec![good.clone(), bad]).await.is_err());
    assert_eq!(store.get_word(1).await.unwrap(), None);
    let bad_gsi: Item = serde_json::from_value(json!({"pk": "A", "sk": "B", "gsi1pk": 5})).unwrap();
    assert!(store.put_items(vec![good, bad_gsi]).await.is_err());
    assert!(store.all_items().await.unwrap().is_empty());
}

async fn check_raw_items_round_trip_unchanged(store: Arc<dyn Store>) {
    // A production-style item written by the Python backend: numeric strings,
    // Decimal-ish floats, "None" dates, extra attributes.
    let raw: Item = serde_json::from_value(json!({
        "pk": "WORD#5", "sk": "BREAKDOWN", "gsi1pk": "USER#anonymous", "gsi1sk": "WORD#5",
        "gsi2pk": "WORD#5", "gsi2sk": "USER#anonymous", "__type": "BREAKDOWN",
        "word": "лес", "word_id": "5", "submitted_by_user_email": "anonymous",
        "is_verified": false, "is_inference": true,
        "date_submitted": "2022-09-01 10:00:00.123456", "date_verified": "None",
        "breakdown_items": [{"position": "0", "morpheme": "лес", "morpheme_id": "77", "morpheme_family_id": "70"}],
        "extra": {"nested": [1, 2.5, null]}
    }))
    .unwrap();
    store.put_items(vec![raw.clone()]).await.unwrap();
    assert_eq!(
        store.get_item("WORD#5", "BREAKDOWN").await.unwrap(),
        Some(raw.clone())
    );
    assert_eq!(store.all_items().await.unwrap(), vec![raw]);
    let b = store.get_official_breakdown(5).await.unwrap().unwrap();
    assert_eq!(b.breakdown_items[0].morpheme_id, Some(77));
    assert_eq!(b.date_verified, StoredDate(None));
    assert_eq!(store.breakdowns_by_submitter(5).await.unwrap(), vec![b]);
}

async fn check_upsert_replaces_index_keys(store: Arc<dyn Store>) {
    let item = |gsi: Option<&str>| -> Item {
        let mut v = json!({"pk": "P", "sk": "S", "__type": "MORPHEME", "morpheme": "x", "morpheme_id": "3", "family_id": "3"});
        if let Some(g) = gsi {
            v["gsi1pk"] = json!(g);
            v["gsi1sk"] = json!(g);
        }
        serde_json::from_value(v).unwrap()
    };
    store
        .put_items(vec![item(Some("MORPHEME#3"))])
        .await
        .unwrap();
    assert!(store.get_morpheme(3).await.unwrap().is_some());
    store.put_items(vec![item(None)]).await.unwrap();
    assert_eq!(
        store.get_morpheme(3).await.unwrap(),
        None,
        "gsi1 entry must go with the key"
    );
}

async fn check_meta(store: Arc<dyn Store>) {
    assert_eq!(store.get_meta("k").await.unwrap(), None);
    store.put_meta("k", "v1").await.unwrap();
    store.put_meta("k", "v2").await.unwrap();
    assert_eq!(store.get_meta("k").await.unwrap().as_deref(), Some("v2"));
    assert!(
        store.all_items().await.unwrap().is_empty(),
        "meta is not an item"
    );
}

async fn check_corrupt_items_are_errors_not_panics(store: Arc<dyn Store>) {
    let raw: Item =
        serde_json::from_value(json!({"pk": "WORD#3", "sk": "WORD#3", "word": 17})).unwrap();
    store.put_items(vec![raw]).await.unwrap();
    let err = store.get_word(3).await.unwrap_err();
    assert!(err.to_string().contains("WORD#3"), "{err}");
}

macro_rules! conformance_suite {
    ($(#[$attr:meta])* $backend:ident, $make:expr) => {
        mod $backend {
            use super::*;
            conformance_suite!(@tests [$(#[$attr])*] $make;
                check_word_round_trip,
                check_search_orders_by_utf8_bytes_and_limits,
                check_breakdown_kinds_and_gsi2,
                check_gsi2_orders_by_submitter,
                check_morphemes_and_families,
                check_catalog_reads_sparse_family_ids,
                check_catalog_ignores_other_items,
                check_users_and_registration,
                check_registration_race_has_one_winner,
                check_concurrent_breakdown_puts_are_all_kept,
                check_put_items_is_all_or_nothing,
                check_raw_items_round_trip_unchanged,
                check_upsert_replaces_index_keys,
                check_meta,
                check_corrupt_items_are_errors_not_panics,
            );
        }
    };
    (@tests $attrs:tt $make:expr; $($check:ident),* $(,)?) => {
        $( conformance_suite!(@one $attrs $make; $check); )*
    };
    (@one [$(#[$attr:meta])*] $make:expr; $check:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        $(#[$attr])*
        async fn $check() {
            let Some((store, _guard)) = $make else {
                return;
            };
            super::$check(store).await;
        }
    };
}

/// A fresh SQLite store in a temporary directory (kept alive by the guard).
fn fresh_sqlite() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("t.sqlite3")).unwrap();
    (Arc::new(store), dir)
}

conformance_suite!(sqlite, Some(fresh_sqlite()));

/// The same store with reads on tokio's blocking pool.
fn fresh_sqlite_blocking_reads() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let options = SqliteOptions {
        read_mode: ReadMode::BlockingPool,
        ..Default::default()
    };
    let store = SqliteStore::open_with(dir.path().join("t.sqlite3"), options).unwrap();
    (Arc::new(store), dir)
}

conformance_suite!(sqlite_blocking_reads, Some(fresh_sqlite_blocking_reads()));

#[cfg(feature = "dynamodb")]
mod dynamo_support;

#[cfg(feature = "dynamodb")]
conformance_suite!(
    #[ignore = "needs a DynamoDB-compatible server: run scripts/checks/60-dynamodb.sh"]
    dynamodb,
    Some(dynamo_support::fresh_store().await)
);

#[tokio::test]
async fn sqlite_store_keeps_everything_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reopen.sqlite3");
    {
        let store = SqliteStore::open(&path).unwrap();
        store
            .put_items(vec![codec::encode_word(&word(1, "дом")).unwrap()])
            .await
            .unwrap();
        store
            .put_breakdown(BreakdownKind::Official, &breakdown(1, "дом", "anonymous"))
            .await
            .unwrap();
        store.put_meta("seed", "abc").await.unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.get_word(1).await.unwrap(), Some(word(1, "дом")));
    assert!(store.get_official_breakdown(1).await.unwrap().is_some());
    assert_eq!(
        store.get_meta("seed").await.unwrap().as_deref(),
        Some("abc")
    );
}

#[tokio::test]
async fn sqlite_reads_proceed_while_a_write_transaction_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wal.sqlite3");
    let store = SqliteStore::open(&path).unwrap();
    store
        .put_items(vec![codec::encode_word(&word(1, "дом")).unwrap()])
        .await
        .unwrap();
    // Another connection holds the write lock mid-transaction.
    let other = rusqlite_writer(&path);
    other
        .execute_batch("BEGIN IMMEDIATE; DELETE FROM items;")
        .unwrap();
    let read = tokio::time::timeout(std::time::Duration::from_secs(2), store.get_word(1)).await;
    assert_eq!(
        read.expect("read blocked by a writer").unwrap(),
        Some(word(1, "дом"))
    );
    other.execute_batch("ROLLBACK;").unwrap();
}

fn rusqlite_writer(path: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

#[test]
fn opening_a_path_in_a_missing_directory_names_the_fix() {
    let err = SqliteStore::open("/nonexistent-dir-rootski/x.sqlite3").unwrap_err();
    assert!(err.to_string().contains("does not exist"), "{err}");
}

#[test]
fn opening_a_non_database_file_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junk.sqlite3");
    std::fs::write(&path, vec![b'x'; 4096]).unwrap();
    assert!(SqliteStore::open(&path).is_err());
}
