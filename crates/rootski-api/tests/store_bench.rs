//! Store throughput on the full bundled dataset, printed as figures (ignored by
//! default: it imports 219k items first). Run with
//! `cargo test --release -p rootski-api --test store_bench -- --ignored --nocapture`.
//! Set `ROOTSKI_BENCH_DB` to reuse an already imported store file.

use rootski_api::import::{self, ImportOptions, Source};
use rootski_api::store::{SqliteOptions, SqliteStore, Store};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CONCURRENCY: usize = 32;
const ROUNDS: u64 = 3_000;

async fn open_store() -> (Arc<dyn Store>, Option<tempfile::TempDir>) {
    if let Ok(path) = std::env::var("ROOTSKI_BENCH_DB") {
        return (
            Arc::new(SqliteStore::open(PathBuf::from(path)).unwrap()),
            None,
        );
    }
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let dir = tempfile::tempdir().unwrap();
    let options = SqliteOptions {
        durable: false,
        ..Default::default()
    };
    let store = SqliteStore::open_with(dir.path().join("bench.sqlite3"), options).unwrap();
    let sources = [
        "words.jsonl.zst",
        "breakdowns.jsonl.zst",
        "morphemes.jsonl.zst",
    ]
    .iter()
    .map(|f| Source::open(&data.join(f)).unwrap())
    .collect();
    let started = Instant::now();
    import::import(&store, sources, &ImportOptions::default(), &|_| {})
        .await
        .unwrap();
    eprintln!("import: {:.2?}", started.elapsed());
    (Arc::new(store), Some(dir))
}

async fn measure<F, Fut>(name: &str, op: F)
where
    F: Fn(u64) -> Fut + Send + Sync + Clone + 'static,
    Fut: Future<Output = ()> + Send,
{
    let started = Instant::now();
    let cpu_before = cpu_time();
    let tasks: Vec<_> = (0..CONCURRENCY as u64)
        .map(|t| {
            let op = op.clone();
            tokio::spawn(async move {
                for i in 0..ROUNDS {
                    op(t * ROUNDS + i).await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = started.elapsed();
    let n = CONCURRENCY as u64 * ROUNDS;
    let cpu = cpu_time().saturating_sub(cpu_before);
    eprintln!(
        "{name:<28} {:>9.0} ops/s  {:>6.1} µs CPU/op",
        n as f64 / elapsed.as_secs_f64(),
        cpu.as_secs_f64() * 1e6 / n as f64
    );
}

/// User + system CPU time of this process (from /proc/self/stat).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: prints figures"]
async fn store_throughput_on_the_bundled_dataset() {
    let (store, _dir) = open_store().await;
    let prefixes = [
        "при", "по", "за", "вы", "пере", "дом", "с", "не", "раз", "о",
    ];
    let s = store.clone();
    measure("get_word", move |i| {
        let s = s.clone();
        async move {
            assert!(
                s.get_word(((i * 7919) % 60_000 + 1) as i64)
                    .await
                    .unwrap()
                    .is_some()
            );
        }
    })
    .await;
    let s = store.clone();
    measure("search_words (limit 100)", move |i| {
        let s = s.clone();
        async move {
            let hits = s
                .search_words(prefixes[i as usize % prefixes.len()], 100)
                .await
                .unwrap();
            assert!(!hits.is_empty());
        }
    })
    .await;
    let s = store.clone();
    measure("breakdown + families", move |i| {
        let s = s.clone();
        async move {
            if let Some(b) = s
                .get_official_breakdown(((i * 7919) % 60_000 + 1) as i64)
                .await
                .unwrap()
            {
                let ids: Vec<i64> = b
                    .breakdown_items
                    .iter()
                    .filter_map(|x| x.morpheme_family_id)
                    .collect();
                assert!(s.get_families(&ids).await.unwrap().len() <= ids.len());
            }
        }
    })
    .await;
    let started = Instant::now();
    let catalog = store.morpheme_catalog().await.unwrap();
    eprintln!(
        "morpheme_catalog: {} families in {:.2?}",
        catalog.families.len(),
        started.elapsed()
    );
}
