//! Import: every input format, bad records (skip vs strict), idempotency,
//! resume, seeding, and the dataset mapping, on the embedded store.

use rootski_api::domain::{BreakdownKind, Registration, StoredDate, User};
use rootski_api::import::{
    self, DatasetFiles, ImportError, ImportOptions, Location, SeedOutcome, Source, SourceKind,
    ensure_seeded,
};
use rootski_api::store::{SqliteStore, Store};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/store")
        .join(name)
}

fn fresh() -> (SqliteStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("import.sqlite3")).unwrap();
    (store, dir)
}

fn sources(names: &[&str]) -> Vec<Source> {
    names
        .iter()
        .map(|n| Source::open(&fixture(n)).unwrap())
        .collect()
}

async fn run(
    store: &SqliteStore,
    names: &[&str],
    options: ImportOptions,
) -> Result<import::ImportReport, ImportError> {
    import::import(store, sources(names), &options, &|_| {}).await
}

const DATASET: [&str; 3] = [
    "dataset/words.jsonl",
    "dataset/breakdowns.jsonl",
    "dataset/morphemes.jsonl",
];

#[tokio::test]
async fn every_items_layout_imports_the_same_items() {
    let mut contents = Vec::new();
    for file in [
        "items_plain.jsonl",
        "items_array.json",
        "scan.json",
        "s3_export.jsonl",
    ] {
        let (store, _dir) = fresh();
        let report = run(&store, &[file], ImportOptions::default())
            .await
            .unwrap();
        assert_eq!(report.errors, vec![], "{file}");
        assert_eq!((report.items, report.written), (3, 3), "{file}");
        let hits = store.search_words("ле", 10).await.unwrap();
        assert_eq!((hits[0].word_id, hits[0].frequency), (10, 77), "{file}");
        let eric = store.get_user("eric@rootski.io").await.unwrap().unwrap();
        assert!(eric.is_admin, "{file}");
        assert_eq!(
            store.get_morpheme(41).await.unwrap().unwrap().family_id,
            40,
            "{file}"
        );
        contents.push(store.all_items().await.unwrap());
    }
    assert!(
        contents.windows(2).all(|w| w[0] == w[1]),
        "plain and DynamoDB JSON must give identical items"
    );
}

#[tokio::test]
async fn bad_lines_are_reported_with_numbers_and_skipped() {
    let (store, _dir) = fresh();
    let report = run(
        &store,
        &["items_with_bad_lines.jsonl"],
        ImportOptions::default(),
    )
    .await
    .unwrap();
    let lines: Vec<Location> = report.errors.iter().map(|e| e.location).collect();
    assert_eq!(
        lines,
        [
            Location::Line(2),
            Location::Line(3),
            Location::Line(4),
            Location::Line(5)
        ]
    );
    assert!(
        report.errors[0]
            .to_string()
            .starts_with(&fixture("items_with_bad_lines.jsonl").display().to_string())
    );
    assert!(
        report.errors[3].message.contains("nope"),
        "{}",
        report.errors[3].message
    );
    assert_eq!(report.written, 2);
    assert_eq!(store.all_items().await.unwrap().len(), 2);
}

#[tokio::test]
async fn strict_mode_writes_nothing_when_any_line_is_bad() {
    let (store, _dir) = fresh();
    let strict = ImportOptions {
        strict: true,
        ..Default::default()
    };
    // The good file comes first: it must not be written either.
    let err = run(
        &store,
        &["items_plain.jsonl", "items_with_bad_lines.jsonl"],
        strict,
    )
    .await
    .unwrap_err();
    match &err {
        ImportError::Rejected { errors } => assert_eq!(errors.len(), 4),
        other => panic!("expected Rejected, got {other}"),
    }
    assert!(err.to_string().contains("line 2"), "{err}");
    assert!(store.all_items().await.unwrap().is_empty());
}

#[tokio::test]
async fn unreadable_files_fail_before_writing() {
    let (store, dir) = fresh();
    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, "[{\"pk\": \"A\", \"sk\": \"B\"}, oops]").unwrap();
    let good = Source::open(&fixture("items_plain.jsonl")).unwrap();
    let bad = Source::open(&junk).unwrap();
    let err = import::import(&store, vec![good, bad], &ImportOptions::default(), &|_| {})
        .await
        .unwrap_err();
    assert!(matches!(err, ImportError::Format { .. }), "{err}");
    assert!(store.all_items().await.unwrap().is_empty());
    assert!(Source::open(&dir.path().join("missing.jsonl")).is_err());
    let not_zstd = Source::new(
        "x.zst",
        SourceKind::Items,
        &[0x28, 0xB5, 0x2F, 0xFD, 0, 0][..],
    );
    let err = import::import(&store, vec![not_zstd], &ImportOptions::default(), &|_| {})
        .await
        .unwrap_err();
    assert!(matches!(err, ImportError::Read { .. }), "{err}");
}

#[tokio::test]
async fn dataset_maps_to_words_search_breakdowns_morphemes_and_families() {
    let (store, _dir) = fresh();
    let report = run(
        &store,
        &DATASET,
        ImportOptions {
            strict: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // 5 words ×2 (word + search) + 5 breakdowns + 11 morphemes + 11 families.
    assert_eq!(report.written, 10 + 5 + 22);

    let word = store.get_word(1).await.unwrap().unwrap();
    assert_eq!(word.word.accent, "приходи́ть");
    assert_eq!(
        word.conjugations.unwrap().first_per_sing.as_deref(),
        Some("прихожу")
    );
    assert_eq!(word.aspectual_pairs, Some(vec![]));
    assert!(word.definitions.is_empty() && word.sentences.is_empty());
    assert_eq!(
        store
            .get_word(2)
            .await
            .unwrap()
            .unwrap()
            .declensions
            .unwrap()
            .genitive
            .as_deref(),
        Some("дома")
    );

    let hits = store.search_words("при", 100).await.unwrap();
    assert_eq!(
        (hits.len(), hits[0].word_id, hits[0].frequency),
        (1, 1, 5000)
    );

    let b = store.get_official_breakdown(5).await.unwrap().unwrap();
    assert!(b.is_inference && !b.is_verified);
    assert_eq!(b.submitted_by_user_email.as_deref(), Some("anonymous"));
    assert_eq!(b.date_submitted, import::inference_date());
    assert_eq!(b.date_verified, StoredDate(None));
    let parts: Vec<(i64, &str, Option<i64>)> = b
        .breakdown_items
        .iter()
        .map(|i| (i.position, i.morpheme.as_str(), i.morpheme_id))
        .collect();
    assert_eq!(
        parts,
        [
            (0, "уч", Some(9)),
            (1, "и", Some(4)),
            (2, "ть", Some(1)),
            (3, "ся", Some(10))
        ]
    );
    assert_eq!(store.breakdowns_by_submitter(5).await.unwrap(), vec![b]);

    // ending/postfix are stored as suffix; the "и" ending keeps its own id.
    let families = store.get_families(&[3, 7, 10, 11]).await.unwrap();
    let kinds: Vec<(&str, &str)> = families
        .iter()
        .map(|f| (f.morphemes[0].morpheme.as_str(), f.morpheme_type.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("ход", "root"),
            ("ый", "suffix"),
            ("ся", "suffix"),
            ("и", "suffix")
        ]
    );
    assert_eq!(families[0].family_meanings, ["walk", "go"]);
    assert_eq!(families[1].word_pos, "adjective");
    assert_eq!(families[1].level, Some(1));

    let catalog = store.morpheme_catalog().await.unwrap();
    assert_eq!((catalog.morphemes.len(), catalog.families.len()), (11, 11));
    assert!(
        catalog
            .families
            .iter()
            .all(|f| ["prefix", "root", "suffix", "link"].contains(&f.morpheme_type.as_str()))
    );
}

#[tokio::test]
async fn zstd_dataset_equals_plain_dataset() {
    let (plain, _a) = fresh();
    run(&plain, &DATASET, ImportOptions::default())
        .await
        .unwrap();
    let (zst, _b) = fresh();
    let files = [
        "dataset_zst/words.jsonl.zst",
        "dataset_zst/breakdowns.jsonl.zst",
        "dataset_zst/morphemes.jsonl.zst",
    ];
    run(&zst, &files, ImportOptions::default()).await.unwrap();
    assert_eq!(
        plain.all_items().await.unwrap(),
        zst.all_items().await.unwrap()
    );
}

#[tokio::test]
async fn importing_twice_changes_nothing() {
    let (store, _dir) = fresh();
    run(&store, &DATASET, ImportOptions::default())
        .await
        .unwrap();
    run(&store, &["scan.json"], ImportOptions::default())
        .await
        .unwrap();
    let first = store.all_items().await.unwrap();
    run(&store, &DATASET, ImportOptions::default())
        .await
        .unwrap();
    run(&store, &["scan.json"], ImportOptions::default())
        .await
        .unwrap();
    assert_eq!(store.all_items().await.unwrap(), first);
}

#[tokio::test]
async fn breakdowns_need_their_morphemes() {
    let (store, _dir) = fresh();
    let err = run(
        &store,
        &["dataset/breakdowns.jsonl"],
        ImportOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("morphemes.jsonl"), "{err}");
}

#[tokio::test]
async fn bad_dataset_lines_are_reported() {
    let (store, dir) = fresh();
    let broken = dir.path().join("breakdowns.jsonl");
    std::fs::write(
        &broken,
        concat!(
            "{\"word_id\": 2, \"word\": \"дом\", \"parts\": [{\"text\": \"дом\", \"type\": \"root\"}]}\n",
            "{\"word_id\": 3, \"word\": \"новый\", \"parts\": [{\"text\": \"нов\", \"type\": \"root\"}]}\n",
            "{\"word_id\": 99, \"word\": \"дом\", \"parts\": [{\"text\": \"дом\", \"type\": \"root\"}]}\n",
            "{\"word_id\": 1, \"word\": \"приходить\", \"parts\": [{\"text\": \"приходить\", \"type\": \"root\"}]}\n",
            "{\"word_id\": 4}\n",
        ),
    )
    .unwrap();
    let mut srcs = sources(&["dataset/words.jsonl", "dataset/morphemes.jsonl"]);
    srcs.push(Source::open(&broken).unwrap());
    let report = import::import(&store, srcs, &ImportOptions::default(), &|_| {})
        .await
        .unwrap();
    let found: Vec<(Location, bool)> = report
        .errors
        .iter()
        .map(|e| (e.location, e.source.ends_with("breakdowns.jsonl")))
        .collect();
    assert_eq!(
        found,
        [
            (Location::Line(2), true),
            (Location::Line(3), true),
            (Location::Line(4), true),
            (Location::Line(5), true)
        ]
    );
    assert!(
        report.errors[0].message.contains("do not make up"),
        "{}",
        report.errors[0].message
    );
    assert!(
        report.errors[1].message.contains("99"),
        "{}",
        report.errors[1].message
    );
    assert!(
        report.errors[2].message.contains("not in morphemes"),
        "{}",
        report.errors[2].message
    );
    assert!(store.get_official_breakdown(2).await.unwrap().is_some());
    assert!(store.get_official_breakdown(3).await.unwrap().is_none());
}

#[tokio::test]
async fn resume_skips_committed_batches_and_present_items() {
    let options = ImportOptions {
        batch_size: 4,
        ..Default::default()
    };
    // The complete import, for the content hash and the stored form of word 5.
    let (scratch, _scratch_dir) = fresh();
    let full = run(&scratch, &DATASET, options.clone()).await.unwrap();
    let key = ("WORD#5".to_owned(), "WORD#5".to_owned());
    let mut word5 = scratch.get_items(std::slice::from_ref(&key)).await.unwrap()[0]
        .clone()
        .expect("word 5 is in the dataset");

    // A run that died after committing 20 items, while word 5 (later in the
    // order) had been written — and edited since.
    let (store, _dir) = fresh();
    store
        .put_meta(&format!("import_checkpoint:{}", full.content_hash), "20")
        .await
        .unwrap();
    word5.insert("edited".into(), serde_json::json!(true));
    store.put_items(vec![word5]).await.unwrap();

    let resume = ImportOptions {
        resume: true,
        ..options.clone()
    };
    let resumed = run(&store, &DATASET, resume.clone()).await.unwrap();
    assert_eq!(
        (resumed.resumed, resumed.already_present, resumed.written),
        (20, 1, full.items - 21)
    );
    let stored = store.get_items(std::slice::from_ref(&key)).await.unwrap()[0]
        .clone()
        .unwrap();
    assert_eq!(stored.get("edited"), Some(&serde_json::json!(true)));

    // Resuming a finished import writes nothing.
    let done = run(&store, &DATASET, resume).await.unwrap();
    assert_eq!((done.resumed, done.written), (full.items, 0));

    // Without --resume everything is (idempotently) written again.
    let again = run(&store, &DATASET, options).await.unwrap();
    assert_eq!(
        (again.resumed, again.already_present, again.written),
        (0, 0, full.items)
    );
    let stored = store.get_items(&[key]).await.unwrap()[0].clone().unwrap();
    assert_eq!(stored.get("edited"), None);
}

#[tokio::test]
async fn a_dataset_import_never_replaces_a_human_official_breakdown() {
    let (store, _dir) = fresh();
    run(&store, &DATASET, ImportOptions::default())
        .await
        .unwrap();
    let mut reviewed = store.get_official_breakdown(2).await.unwrap().unwrap();
    reviewed.is_inference = false;
    reviewed.is_verified = true;
    reviewed.submitted_by_user_email = Some("admin@rootski.io".into());
    store
        .put_breakdown(BreakdownKind::Official, &reviewed)
        .await
        .unwrap();
    let report = run(&store, &DATASET, ImportOptions::default())
        .await
        .unwrap();
    assert_eq!(report.kept_human_breakdowns, 1);
    assert_eq!(
        store.get_official_breakdown(2).await.unwrap(),
        Some(reviewed)
    );
}

fn fixture_dataset() -> DatasetFiles {
    let read = |n: &str| Cow::Owned(std::fs::read(fixture(n)).unwrap());
    DatasetFiles {
        words: read("dataset_zst/words.jsonl.zst"),
        breakdowns: read("dataset_zst/breakdowns.jsonl.zst"),
        morphemes: read("dataset_zst/morphemes.jsonl.zst"),
    }
}

#[tokio::test]
async fn seeding_happens_once_and_keeps_user_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("seed.sqlite3");
    let dataset = fixture_dataset();
    {
        let store = SqliteStore::open(&path).unwrap();
        let user = User {
            email: "u@x.io".into(),
            is_admin: false,
        };
        assert_eq!(
            store.register_user(&user).await.unwrap(),
            Registration::Created
        );
        match ensure_seeded(&store, &dataset, &|_| {}).await.unwrap() {
            SeedOutcome::Seeded(report) => assert_eq!(report.written, 37),
            other => panic!("expected a seeding, got {other:?}"),
        }
    }
    let store = SqliteStore::open(&path).unwrap();
    let before = store.all_items().await.unwrap();
    assert_eq!(
        ensure_seeded(&store, &dataset, &|_| {}).await.unwrap(),
        SeedOutcome::AlreadySeeded
    );
    assert_eq!(store.all_items().await.unwrap(), before);
    assert!(store.get_user("u@x.io").await.unwrap().is_some());
    assert_eq!(
        store.get_meta(import::SEEDED_DATASET_META).await.unwrap(),
        Some(dataset.content_hash())
    );
}

#[tokio::test]
async fn seeding_fails_cleanly_on_a_corrupt_dataset() {
    let (store, _dir) = fresh();
    let mut dataset = fixture_dataset();
    dataset.breakdowns = Cow::Borrowed(b"{\"word_id\": 1, \"word\": \"x\", \"parts\": []}\n");
    assert!(ensure_seeded(&store, &dataset, &|_| {}).await.is_err());
    assert!(store.all_items().await.unwrap().is_empty());
    assert_eq!(
        store.get_meta(import::SEEDED_DATASET_META).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn only_a_new_or_empty_store_is_seeded() {
    let dataset = fixture_dataset();
    // New: seeded, once.
    let (store, _dir) = fresh();
    match import::seed_if_new(&store, &dataset, true, &|_| {})
        .await
        .unwrap()
    {
        SeedOutcome::Seeded(report) => assert_eq!(report.written, 37),
        other => panic!("expected a seeding, got {other:?}"),
    }
    assert_eq!(
        import::seed_if_new(&store, &dataset, true, &|_| {})
            .await
            .unwrap(),
        SeedOutcome::AlreadySeeded
    );

    // Filled by the user's own import: left exactly as it is.
    let (store, _dir) = fresh();
    run(&store, &["items_plain.jsonl"], ImportOptions::default())
        .await
        .unwrap();
    let before = store.all_items().await.unwrap();
    assert_eq!(
        import::seed_if_new(&store, &dataset, true, &|_| {})
            .await
            .unwrap(),
        SeedOutcome::NotEmpty {
            items: before.len() as u64
        }
    );
    assert_eq!(store.all_items().await.unwrap(), before);

    // Turned off: nothing written even to a new store.
    let (store, _dir) = fresh();
    assert_eq!(
        import::seed_if_new(&store, &dataset, false, &|_| {})
            .await
            .unwrap(),
        SeedOutcome::Disabled
    );
    assert!(store.all_items().await.unwrap().is_empty());

    // Seeded with another dataset version: left as it is.
    let (store, _dir) = fresh();
    store
        .put_meta(import::SEEDED_DATASET_META, "an-older-dataset")
        .await
        .unwrap();
    assert_eq!(
        import::seed_if_new(&store, &dataset, true, &|_| {})
            .await
            .unwrap(),
        SeedOutcome::OtherDatasetVersion
    );
    assert!(store.all_items().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_interrupted_seeding_is_finished() {
    let dataset = fixture_dataset();
    let (store, _dir) = fresh();
    // What an interrupted first start leaves: the start marker and some items.
    store
        .put_meta(import::SEEDING_META, &dataset.content_hash())
        .await
        .unwrap();
    run(
        &store,
        &["dataset/morphemes.jsonl"],
        ImportOptions::default(),
    )
    .await
    .unwrap();
    assert!(!store.all_items().await.unwrap().is_empty());
    match import::seed_if_new(&store, &dataset, true, &|_| {})
        .await
        .unwrap()
    {
        SeedOutcome::Seeded(report) => assert_eq!(report.items, 37),
        other => panic!("expected the seeding to be finished, got {other:?}"),
    }
    assert_eq!(
        store.get_meta(import::SEEDED_DATASET_META).await.unwrap(),
        Some(dataset.content_hash())
    );
}
