//! The streaming import: the writer only ever receives bounded batches, strict
//! mode writes nothing even when the only bad record is in the last input, and a
//! store failure stops the import with what was committed. A strict import
//! whose bad record sits between thousands of good ones leaves a store that
//! already held items as it was.

use async_trait::async_trait;
use rootski_api::domain::{
    Breakdown, BreakdownKind, FamilyId, Morpheme, MorphemeCatalog, MorphemeFamily, MorphemeId,
    Registration, SearchEntry, User, Word, WordId,
};
use rootski_api::import::{self, ImportError, ImportOptions, Source, SourceKind};
use rootski_api::store::{Item, SqliteStore, Store, StoreError, StoreResult};
use std::path::Path;
use std::sync::Mutex;

/// A store that records the size of every `put_items` batch, and fails the
/// batch after `fail_after` batches when set.
struct Recording {
    inner: SqliteStore,
    batches: Mutex<Vec<usize>>,
    fail_after: Option<usize>,
    _dir: tempfile::TempDir,
}

impl Recording {
    fn new(fail_after: Option<usize>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        Self {
            inner: SqliteStore::open(dir.path().join("s.sqlite3")).unwrap(),
            batches: Mutex::new(Vec::new()),
            fail_after,
            _dir: dir,
        }
    }

    fn batches(&self) -> Vec<usize> {
        self.batches.lock().unwrap().clone()
    }
}

#[async_trait]
impl Store for Recording {
    async fn put_items(&self, items: Vec<Item>) -> StoreResult<()> {
        let done = {
            let mut batches = self.batches.lock().unwrap();
            batches.push(items.len());
            batches.len() - 1
        };
        if self.fail_after.is_some_and(|n| done >= n) {
            return Err(StoreError::Unavailable("injected failure".into()));
        }
        self.inner.put_items(items).await
    }
    async fn get_word(&self, id: WordId) -> StoreResult<Option<Word>> {
        self.inner.get_word(id).await
    }
    async fn search_words(&self, prefix: &str, limit: usize) -> StoreResult<Vec<SearchEntry>> {
        self.inner.search_words(prefix, limit).await
    }
    async fn get_official_breakdown(&self, id: WordId) -> StoreResult<Option<Breakdown>> {
        self.inner.get_official_breakdown(id).await
    }
    async fn get_user_breakdown(&self, email: &str, id: WordId) -> StoreResult<Option<Breakdown>> {
        self.inner.get_user_breakdown(email, id).await
    }
    async fn breakdowns_by_submitter(&self, id: WordId) -> StoreResult<Vec<Breakdown>> {
        self.inner.breakdowns_by_submitter(id).await
    }
    async fn get_morpheme(&self, id: MorphemeId) -> StoreResult<Option<Morpheme>> {
        self.inner.get_morpheme(id).await
    }
    async fn get_morphemes(&self, ids: &[MorphemeId]) -> StoreResult<Vec<Morpheme>> {
        self.inner.get_morphemes(ids).await
    }
    async fn get_families(&self, ids: &[FamilyId]) -> StoreResult<Vec<MorphemeFamily>> {
        self.inner.get_families(ids).await
    }
    async fn get_user(&self, email: &str) -> StoreResult<Option<User>> {
        self.inner.get_user(email).await
    }
    async fn register_user(&self, user: &User) -> StoreResult<Registration> {
        self.inner.register_user(user).await
    }
    async fn morpheme_catalog(&self) -> StoreResult<MorphemeCatalog> {
        self.inner.morpheme_catalog().await
    }
    async fn put_breakdown(&self, kind: BreakdownKind, b: &Breakdown) -> StoreResult<()> {
        self.inner.put_breakdown(kind, b).await
    }
    async fn get_item(&self, pk: &str, sk: &str) -> StoreResult<Option<Item>> {
        self.inner.get_item(pk, sk).await
    }
    async fn get_items(&self, keys: &[(String, String)]) -> StoreResult<Vec<Option<Item>>> {
        self.inner.get_items(keys).await
    }
    async fn all_items(&self) -> StoreResult<Vec<Item>> {
        self.inner.all_items().await
    }
    async fn get_meta(&self, key: &str) -> StoreResult<Option<String>> {
        self.inner.get_meta(key).await
    }
    async fn put_meta(&self, key: &str, value: &str) -> StoreResult<()> {
        self.inner.put_meta(key, value).await
    }
}

/// `n` valid plain items as JSON Lines.
fn many_items(name: &str, n: usize) -> Source {
    let text: String = (0..n)
        .map(|i| format!("{{\"pk\":\"THING#{i}\",\"sk\":\"THING#{i}\",\"n\":{i}}}\n"))
        .collect();
    Source::new(name, SourceKind::Items, std::io::Cursor::new(text))
}

fn dataset_file(name: &str) -> Source {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/store/dataset");
    Source::open(&dir.join(name)).unwrap()
}

fn options(batch_size: usize) -> ImportOptions {
    ImportOptions {
        batch_size,
        ..Default::default()
    }
}

#[tokio::test]
async fn the_writer_never_receives_more_than_one_batch_size() {
    let store = Recording::new(None);
    let sources = vec![
        many_items("a.jsonl", 1_000),
        dataset_file("morphemes.jsonl"),
        dataset_file("words.jsonl"),
        dataset_file("breakdowns.jsonl"),
    ];
    let report = import::import(&store, sources, &options(7), &|_| {})
        .await
        .unwrap();
    let batches = store.batches();
    assert!(report.items > 1_000, "{report:?}");
    assert!(batches.iter().all(|&n| (1..=7).contains(&n)), "{batches:?}");
    // Full batches, then one partial: the items are cut as they come.
    let full = (report.items / 7) as usize;
    assert!(batches[..full].iter().all(|&n| n == 7), "{batches:?}");
    assert_eq!(batches.len() as u64, report.items.div_ceil(7));
    assert_eq!(batches.iter().sum::<usize>() as u64, report.written);
    assert_eq!(report.written, report.items);
}

#[tokio::test]
async fn strict_writes_nothing_when_the_last_record_of_the_last_input_is_bad() {
    let store = Recording::new(None);
    let mut breakdowns = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/store/dataset/breakdowns.jsonl"),
    )
    .unwrap();
    breakdowns.push_str("{\"word_id\": 4}\n");
    let last_line = breakdowns.lines().count();
    let sources = vec![
        many_items("a.jsonl", 500),
        dataset_file("morphemes.jsonl"),
        dataset_file("words.jsonl"),
        Source::new(
            "breakdowns.jsonl",
            SourceKind::DatasetBreakdowns,
            std::io::Cursor::new(breakdowns),
        ),
    ];
    let strict = ImportOptions {
        strict: true,
        ..options(3)
    };
    let err = import::import(&store, sources, &strict, &|_| {})
        .await
        .unwrap_err();
    match &err {
        ImportError::Rejected { errors } => {
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert_eq!(errors[0].source, "breakdowns.jsonl");
            assert_eq!(errors[0].location, import::Location::Line(last_line));
        }
        other => panic!("expected Rejected, got {other}"),
    }
    assert_eq!(store.batches(), Vec::<usize>::new());
    assert!(store.all_items().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_store_failure_stops_the_import_with_what_was_committed() {
    let store = Recording::new(Some(2));
    let err = import::import(
        &store,
        vec![many_items("a.jsonl", 100)],
        &options(10),
        &|_| {},
    )
    .await
    .unwrap_err();
    match err {
        ImportError::Store { written, .. } => assert_eq!(written, 20),
        other => panic!("expected Store, got {other}"),
    }
    // The failing batch was the last one the writer asked for.
    assert_eq!(store.batches(), vec![10, 10, 10]);
    assert_eq!(store.all_items().await.unwrap().len(), 20);
}

/// Words of the fixture dataset, then `extra` generated ones, then one bad line.
fn words_ending_in_a_bad_record(extra: usize) -> Vec<u8> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/store/dataset");
    let mut words = std::fs::read(fixtures.join("words.jsonl")).unwrap();
    for id in 0..extra {
        let word_id = 100_000 + id;
        words.extend_from_slice(
            format!(
                "{{\"word_id\": {word_id}, \"word\": \"слово{id}\", \"accent\": \"слово{id}\", \
                 \"pos\": \"noun\", \"frequency\": 1}}\n"
            )
            .as_bytes(),
        );
    }
    words.extend_from_slice(b"{\"word_id\": \"not a number\"}\n");
    words
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeding_a_new_store_with_a_bad_record_leaves_it_empty() {
    use rootski_api::import::{DatasetFiles, seed_if_new};
    use std::borrow::Cow;
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/store/dataset");
    // Enough words for several write batches: validation runs beside the writing
    // when the store is new, so batches may be committed before the bad record
    // is found; they must be gone afterwards.
    let dataset = DatasetFiles {
        words: Cow::Owned(words_ending_in_a_bad_record(50_000)),
        breakdowns: Cow::Owned(std::fs::read(fixtures.join("breakdowns.jsonl")).unwrap()),
        morphemes: Cow::Owned(std::fs::read(fixtures.join("morphemes.jsonl")).unwrap()),
    };
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("new.sqlite3")).unwrap();
    let err = seed_if_new(&store, &dataset, true, &|_| {})
        .await
        .expect_err("the dataset has a bad record");
    match &err {
        ImportError::Rejected { errors } => {
            assert_eq!(errors.len(), 1, "{err}");
            assert!(err.to_string().contains("words.jsonl"), "{err}");
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    assert_eq!(store.item_count().await.unwrap(), 0);
    assert_eq!(
        store.get_meta(import::SEEDED_DATASET_META).await.unwrap(),
        None
    );
    // The same store, given the good dataset, is seeded as a new one.
    let good = DatasetFiles {
        words: Cow::Owned(std::fs::read(fixtures.join("words.jsonl")).unwrap()),
        ..dataset
    };
    match seed_if_new(&store, &good, true, &|_| {}).await.unwrap() {
        import::SeedOutcome::Seeded(report) => assert_eq!(report.written, 37),
        other => panic!("expected a seeding, got {other:?}"),
    }
}

#[tokio::test]
async fn clearing_items_keeps_other_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("c.sqlite3")).unwrap();
    let report = import::import(
        &store,
        vec![many_items("m.jsonl", 10)],
        &options(4),
        &|_| {},
    )
    .await
    .unwrap();
    assert_eq!(report.written, 10);
    store.put_meta("import_checkpointX", "kept").await.unwrap();
    store.put_meta("other", "kept").await.unwrap();
    let checkpoint = format!("{}{}", import::CHECKPOINT_META_PREFIX, report.content_hash);
    assert_eq!(
        store.get_meta(&checkpoint).await.unwrap().as_deref(),
        Some("10")
    );

    store
        .clear_items(import::CHECKPOINT_META_PREFIX)
        .await
        .unwrap();
    assert_eq!(store.item_count().await.unwrap(), 0);
    assert_eq!(store.get_meta(&checkpoint).await.unwrap(), None);
    for key in ["import_checkpointX", "other"] {
        assert_eq!(store.get_meta(key).await.unwrap().as_deref(), Some("kept"));
    }
}

#[tokio::test]
async fn strict_import_with_a_bad_record_in_the_middle_leaves_a_store_unchanged() {
    let store = Recording::new(None);
    let held = vec![
        many_items("held.jsonl", 40),
        dataset_file("morphemes.jsonl"),
        dataset_file("words.jsonl"),
        dataset_file("breakdowns.jsonl"),
    ];
    let held = import::import(&store, held, &options(16), &|_| {})
        .await
        .unwrap();
    let before = store.all_items().await.unwrap();
    let checkpoint = format!("{}{}", import::CHECKPOINT_META_PREFIX, held.content_hash);
    let checkpoint_before = store.get_meta(&checkpoint).await.unwrap();
    assert!(checkpoint_before.is_some());
    let batches_before = store.batches().len();

    // Thousands of records on both sides of the bad one, several batches each,
    // some of them replacing held items with other values.
    let mut text: String = (0..3_000)
        .map(|i| format!("{{\"pk\":\"THING#{i}\",\"sk\":\"THING#{i}\",\"n\":\"new {i}\"}}\n"))
        .collect();
    text.push_str("{\"pk\":\"THING#bad\"}\n");
    let bad_line = 3_001;
    text.extend((3_000..6_000).map(|i| format!("{{\"pk\":\"NEW#{i}\",\"sk\":\"NEW#{i}\"}}\n")));
    let strict = ImportOptions {
        strict: true,
        ..options(100)
    };
    let source = Source::new(
        "middle.jsonl",
        SourceKind::Items,
        std::io::Cursor::new(text),
    );
    let err = import::import(&store, vec![source], &strict, &|_| {})
        .await
        .unwrap_err();
    match &err {
        ImportError::Rejected { errors } => {
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert_eq!(errors[0].location, import::Location::Line(bad_line));
        }
        other => panic!("expected Rejected, got {other}"),
    }
    assert_eq!(store.batches().len(), batches_before, "a batch was written");
    assert_eq!(store.all_items().await.unwrap(), before);
    assert_eq!(
        store.get_meta(&checkpoint).await.unwrap(),
        checkpoint_before
    );
}
