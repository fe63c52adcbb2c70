//! `rootski import`: load table items or the open dataset into a store.
//!
//! Every input is read and validated before anything is written, so a run
//! either imports all good records (bad ones are listed with their line numbers
//! and skipped) or, with `--strict`, writes nothing at all. Re-running the same
//! import changes nothing.

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use rootski_api::Settings;
use rootski_api::config::StoreKind;
use rootski_api::import::{self, ImportError, ImportOptions, Progress, Source};
use rootski_api::startup::{self, StoreAtStart, TableAtStart};
use rootski_api::store::{SqliteOptions, Store};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::Mutex;

/// How many skipped records are listed before the rest are only counted.
const ERRORS_SHOWN: usize = 20;

/// Which store receives the items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StoreArg {
    /// The embedded SQLite store (the file given by --db).
    Embedded,
    /// A DynamoDB table (--table; region and credentials from the AWS environment).
    Dynamodb,
}

/// Arguments of `rootski import`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Formats (detected per file):
  items      a JSON array or JSON Lines of table items, plain ({\"pk\": \"WORD#1\", ...}) or
             DynamoDB-typed ({\"pk\": {\"S\": \"WORD#1\"}, ...}); `aws dynamodb scan` output
             ({\"Items\": [...]}) and S3-export lines ({\"Item\": {...}}) work as they are
  dataset    words.jsonl, breakdowns.jsonl, morphemes.jsonl of the open dataset (data/),
             plain or .zst, recognised by file name; breakdowns need morphemes in the same run

Example: rootski import data/words.jsonl.zst data/breakdowns.jsonl.zst data/morphemes.jsonl.zst")]
pub struct Args {
    /// Store to import into.
    #[arg(long, value_enum, env = "ROOTSKI__STORE", default_value = "embedded")]
    pub store: StoreArg,
    /// File of the embedded store (created if absent).
    #[arg(
        long,
        value_name = "PATH",
        env = "ROOTSKI__DB",
        default_value = "rootski.sqlite3"
    )]
    pub db: PathBuf,
    /// DynamoDB table to import into (with --store dynamodb).
    #[arg(
        long,
        value_name = "NAME",
        env = "ROOTSKI__DYNAMO_TABLE_NAME",
        default_value = "rootski-table"
    )]
    pub table: String,
    /// DynamoDB-compatible endpoint (moto, DynamoDB Local) instead of AWS.
    #[arg(long, value_name = "URL", env = "ROOTSKI__DYNAMO_ENDPOINT_URL")]
    pub endpoint_url: Option<String>,
    /// Create the DynamoDB table (keys and indexes as the table stack) if it is
    /// missing; for local emulators; deployed tables come from Rootski-Dynamo-Stack.
    #[arg(long)]
    pub create_table: bool,
    /// Fail without writing anything if any record is bad (default: skip bad records).
    #[arg(long, env = "ROOTSKI__STRICT")]
    pub strict: bool,
    /// Continue an interrupted import of the same files: skip its committed batches and
    /// every item whose key is already stored (never overwritten).
    #[arg(long, env = "ROOTSKI__RESUME")]
    pub resume: bool,
    /// Items written per transaction.
    #[arg(long, value_name = "N", env = "ROOTSKI__BATCH_SIZE", default_value_t = 2000,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub batch_size: u32,
    /// Files to import (.json, .jsonl, optionally .zst-compressed).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
}

/// Runs `rootski import`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let sources = args
        .files
        .iter()
        .map(|path| Source::open(path))
        .collect::<Result<Vec<_>, _>>()?;
    let options = ImportOptions {
        strict: args.strict,
        resume: args.resume,
        batch_size: args.batch_size as usize,
        ..ImportOptions::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let (store, target) = runtime.block_on(open_store(&args))?;
    let bar = ProgressReporter::new();
    let result = runtime.block_on(import::import(store.as_ref(), sources, &options, &|p| {
        bar.show(p)
    }));
    bar.finish();
    match result {
        Ok(report) if report.items == 0 && !report.errors.is_empty() => {
            print_skipped(&report.errors);
            anyhow::bail!(
                "no valid record in the input: {} bad record(s), nothing was imported (fix them and run again)",
                report.errors.len()
            )
        }
        Ok(report) => {
            print_skipped(&report.errors);
            eprintln!(
                "imported {} item(s) into {target} ({} written now, {} already committed by an earlier run, \
                 {} already present, {} inferred breakdown(s) kept back by reviewed ones); \
                 {} bad record(s) skipped",
                report.items,
                report.written,
                report.resumed,
                report.already_present,
                report.kept_human_breakdowns,
                report.errors.len()
            );
            if report.catalog_written > 0 {
                runtime.block_on(forget_cached_index());
            }
            Ok(())
        }
        Err(ImportError::Rejected { errors }) => {
            print_skipped(&errors);
            anyhow::bail!(
                "{} bad record(s); nothing was imported (fix them, or run without --strict to skip them)",
                errors.len()
            )
        }
        Err(err @ ImportError::Store { .. }) => Err(anyhow::Error::new(err)
            .context("the import stopped; run it again with --resume to finish")),
        Err(err) => Err(err.into()),
    }
}

/// Removes morphemes.json from the cache bucket (`ROOTSKI__OBJECT_CACHE_BUCKET_NAME`,
/// if set) after morphemes or families changed, so new instances rebuild it. A
/// failure is reported but does not fail the import: the items are stored.
async fn forget_cached_index() {
    let settings = match rootski_api::Settings::from_env_and_file() {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("warning: morphemes.json in the cache bucket was not removed: {err}");
            return;
        }
    };
    let Some(cache) = rootski_api::object_cache::from_settings(&settings).await else {
        return;
    };
    let key = rootski_api::object_cache::MORPHEMES_JSON_KEY;
    match cache.delete(key).await {
        Ok(()) => eprintln!(
            "removed {key} from the cache bucket {} (morphemes changed; instances started from now on rebuild it)",
            cache.location()
        ),
        Err(err) => eprintln!(
            "warning: {err}; delete {}/{key} by hand, or new instances keep serving the old morpheme index",
            cache.location()
        ),
    }
}

/// The store to import into and how to name it in messages.
async fn open_store(args: &Args) -> anyhow::Result<(Arc<dyn Store>, String)> {
    let settings = Settings {
        store: match args.store {
            StoreArg::Embedded => StoreKind::Embedded,
            StoreArg::Dynamodb => StoreKind::Dynamodb,
        },
        db: args.db.clone(),
        dynamo_table_name: args.table.clone(),
        dynamo_endpoint_url: args.endpoint_url.clone(),
        ..Settings::default()
    };
    let how = StoreAtStart {
        // An import is re-runnable (idempotent, resumable), so it need not fsync
        // every batch: a crash loses at most the last batches, which --resume redoes.
        sqlite: SqliteOptions {
            durable: false,
            ..SqliteOptions::default()
        },
        // Writes go out as BatchWriteItem calls of 25 items, a few in flight at
        // once, unprocessed items retried; --resume skips committed batches and
        // present items (BatchGetItem per batch).
        table: if args.create_table {
            TableAtStart::Create
        } else {
            TableAtStart::Trust
        },
        ..StoreAtStart::default()
    };
    let opened = startup::open_store(&settings, how).await?;
    if opened.created_table {
        eprintln!("{}", opened.report);
    }
    let target = match args.store {
        StoreArg::Embedded => args.db.display().to_string(),
        StoreArg::Dynamodb => format!("DynamoDB table {}", args.table),
    };
    Ok((opened.store, target))
}

fn print_skipped(errors: &[rootski_api::import::LineError]) {
    for error in errors.iter().take(ERRORS_SHOWN) {
        eprintln!("bad record: {error}");
    }
    if errors.len() > ERRORS_SHOWN {
        eprintln!("... and {} more bad record(s)", errors.len() - ERRORS_SHOWN);
    }
}

/// Turns import progress events into one progress bar on stderr.
struct ProgressReporter {
    bar: Mutex<Option<ProgressBar>>,
}

impl ProgressReporter {
    fn new() -> Self {
        Self {
            bar: Mutex::new(None),
        }
    }

    fn show(&self, progress: Progress) {
        let mut bar = self.bar.lock().unwrap_or_else(|p| p.into_inner());
        match progress {
            Progress::Reading { source } => eprintln!("reading {source}"),
            Progress::Validated { total, bad } => {
                eprintln!("{total} item(s) to write, {bad} bad record(s)");
                let b = ProgressBar::new(total);
                let style = ProgressStyle::with_template(
                    "{spinner} writing [{bar:40}] {pos}/{len} items ({per_sec}, eta {eta})",
                )
                .map(|s| s.progress_chars("=> "))
                .unwrap_or_else(|_| ProgressStyle::default_bar());
                b.set_style(style);
                *bar = Some(b);
            }
            Progress::Written { written, .. } => {
                if let Some(b) = bar.as_ref() {
                    b.set_position(written);
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(b) = self.bar.lock().unwrap_or_else(|p| p.into_inner()).take() {
            b.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use rootski_api::store::{SqliteStore, Store};
    use std::path::Path;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    fn fixture(name: &str) -> String {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../rootski-api/tests/fixtures/store")
            .join(name)
            .display()
            .to_string()
    }

    fn args(extra: &[&str]) -> Args {
        let mut argv = vec!["import".to_owned()];
        argv.extend(extra.iter().map(|s| s.to_string()));
        Cli::try_parse_from(argv).map(|c| c.args).unwrap()
    }

    fn count(db: &Path) -> usize {
        let store = SqliteStore::open(db).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(store.all_items()).unwrap().len()
    }

    #[test]
    fn defaults_are_documented_values() {
        let a = args(&["x.jsonl"]);
        assert_eq!(a.store, StoreArg::Embedded);
        assert_eq!(a.db, PathBuf::from("rootski.sqlite3"));
        assert!(!a.strict && !a.resume);
        assert_eq!(a.batch_size, 2000);
        assert!(
            Cli::try_parse_from(["import"]).is_err(),
            "a FILE is required"
        );
        assert!(Cli::try_parse_from(["import", "--batch-size", "0", "x"]).is_err());
    }

    #[test]
    fn imports_files_and_strict_leaves_the_store_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("cli.sqlite3");
        let db_arg = db.display().to_string();
        let strict = args(&[
            "--db",
            &db_arg,
            "--strict",
            &fixture("items_plain.jsonl"),
            &fixture("items_with_bad_lines.jsonl"),
        ]);
        let err = run(strict).unwrap_err().to_string();
        assert!(err.contains("nothing was imported"), "{err}");
        assert_eq!(count(&db), 0);

        run(args(&[
            "--db",
            &db_arg,
            &fixture("items_with_bad_lines.jsonl"),
        ]))
        .unwrap();
        assert_eq!(count(&db), 2);
        let dataset = [
            "dataset/words.jsonl",
            "dataset/breakdowns.jsonl",
            "dataset/morphemes.jsonl",
        ];
        let mut argv = vec!["--db".to_owned(), db_arg.clone()];
        argv.extend(dataset.iter().map(|f| fixture(f)));
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        run(args(&argv)).unwrap();
        assert_eq!(count(&db), 2 + 37);
    }

    #[test]
    fn an_input_without_one_valid_record_fails() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.jsonl");
        std::fs::write(&bad, "not json\n{\"sk\": \"no pk\"}\n").unwrap();
        let db = dir.path().join("x.sqlite3");
        let err = run(args(&[
            "--db",
            &db.display().to_string(),
            &bad.display().to_string(),
        ]))
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("no valid record") && err.contains("2 bad record(s)"),
            "{err}"
        );
        assert_eq!(count(&db), 0);
    }

    #[test]
    fn dynamodb_and_missing_files_fail_with_the_fix() {
        let err = run(args(&["--store", "dynamodb", "/nonexistent/x.jsonl"]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("/nonexistent/x.jsonl"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.sqlite3").display().to_string();
        let err = run(args(&["--db", &db, "/nonexistent/file.jsonl"]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("/nonexistent/file.jsonl"), "{err}");
    }
}
