//! The real bundled dataset (`data/*.jsonl.zst`) imports completely, with the
//! counts SOURCES.md gives, and the API's key queries work on it. Prints the
//! import time (a figure for the report, not an assertion).

use rootski_api::import::{self, ImportOptions, Source};
use rootski_api::store::{SqliteOptions, SqliteStore, Store};
use std::path::Path;
use std::time::Instant;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bundled_dataset_imports_with_its_documented_counts() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_with(
        dir.path().join("dataset.sqlite3"),
        SqliteOptions {
            durable: false,
            ..Default::default()
        },
    )
    .unwrap();
    let sources: Vec<Source> = [
        "words.jsonl.zst",
        "breakdowns.jsonl.zst",
        "morphemes.jsonl.zst",
    ]
    .iter()
    .map(|f| Source::open(&data.join(f)).unwrap())
    .collect();
    let started = Instant::now();
    let options = ImportOptions {
        strict: true,
        ..Default::default()
    };
    let report = import::import(&store, sources, &options, &|_| {})
        .await
        .unwrap();
    eprintln!(
        "imported {} items of the bundled dataset in {:.2?}",
        report.written,
        started.elapsed()
    );

    let (words, breakdowns, morphemes) = (60_000, 59_992, 19_442);
    assert_eq!(report.errors, vec![]);
    assert_eq!(report.written, words * 2 + breakdowns + morphemes * 2);

    let catalog = store.morpheme_catalog().await.unwrap();
    assert_eq!(catalog.morphemes.len() as u64, morphemes);
    assert_eq!(
        catalog.families.len() as u64,
        morphemes,
        "family_id = morpheme_id in this dataset"
    );

    let hits = store.search_words("при", 100).await.unwrap();
    assert_eq!(hits.len(), 100);
    assert!(
        hits.windows(2)
            .all(|w| w[0].word.as_bytes() < w[1].word.as_bytes())
    );
    assert!(hits.iter().all(|h| h.word.starts_with("при")));

    let word = store.get_word(8).await.unwrap().unwrap();
    assert_eq!(word.word.word, "быть");
    let b = store.get_official_breakdown(122).await.unwrap().unwrap();
    assert_eq!(b.word, "являться");
    assert!(b.is_inference);
    assert!(b.breakdown_items.iter().all(|i| i.morpheme_id.is_some()));
    assert!(store.get_word(60_001).await.unwrap().is_none());
}
