//! Seeds a new embedded store at the given path with the bundled dataset (what
//! `rootski serve` does on a fresh clone) and prints what was imported. Used by
//! `scripts/bench-import.sh` to measure wall time and peak RSS without the CLI:
//!
//! `cargo run --release -p rootski-api --features bundled-dataset --example import_bench -- /tmp/x.sqlite3`

use rootski_api::import::{Progress, SeedOutcome, open_seeded_store};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let Some(path) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: import_bench <new store path>");
        std::process::exit(2);
    };
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let started = Instant::now();
    // Phase times on stderr: when validation ended, and the import's end.
    let progress = move |p: Progress| {
        if let Progress::Validated { total, bad } = p {
            eprintln!(
                "validated {total} items ({bad} bad) after {:.2?}",
                started.elapsed()
            );
        }
    };
    let result = runtime.block_on(open_seeded_store(&path, true, &progress));
    eprintln!("done after {:.2?}", started.elapsed());
    match result {
        Ok((_, SeedOutcome::Seeded(report))) => {
            println!(
                "imported {} items ({} written, {} bad)",
                report.items,
                report.written,
                report.errors.len()
            );
        }
        Ok((_, other)) => {
            eprintln!("not seeded: {}", other.describe(&path));
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("import failed: {e}");
            std::process::exit(1);
        }
    }
}
