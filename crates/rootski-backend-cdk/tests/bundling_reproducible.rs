//! The real bundle: release build of `rootski-lambda`, glibc check, reproducible zip.
//! Ignored by default (a release build takes minutes); `scripts/checks/40-bundle.sh`
//! runs it with `--ignored` and prints the figures.

use std::path::Path;

use rootski_backend_cdk::bundling::{BundleOptions, GlibcVersion, bundle_bootstrap};

#[test]
#[ignore = "release build; run by scripts/checks/40-bundle.sh"]
fn two_bundles_of_the_same_tree_are_identical() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let root = root.canonicalize().expect("workspace root");
    let options = BundleOptions::for_workspace(&root);
    let first = bundle_bootstrap(&options).expect("first bundle");
    // Rebuild: touching the binary's crate makes cargo recompile and relink it, and a
    // fresh zip and staging are written from the new binary.
    let main_rs = root.join("crates/rootski-lambda/src/main.rs");
    let file = std::fs::File::options()
        .append(true)
        .open(&main_rs)
        .expect("open main.rs");
    file.set_modified(std::time::SystemTime::now())
        .expect("touch main.rs");
    std::fs::remove_file(&first.zip).expect("remove zip");
    std::fs::remove_dir_all(&first.asset_dir).expect("remove asset");
    let second = bundle_bootstrap(&options).expect("second bundle");
    assert!(!second.reused);
    assert_eq!(
        first.binary_sha256, second.binary_sha256,
        "same tree, same binary"
    );
    assert_eq!(
        first.zip_sha256, second.zip_sha256,
        "same tree, same zip bytes"
    );
    let third = bundle_bootstrap(&options).expect("third bundle");
    assert!(third.reused, "an unchanged binary reuses the staged asset");
    assert!(
        !third.cargo_ran,
        "an unchanged tree is answered by the fingerprint"
    );
    assert_eq!(third.zip_sha256, first.zip_sha256);
    let max = first.max_glibc.expect("a glibc-linked binary");
    assert!(max <= GlibcVersion::AL2023, "max GLIBC {max}");
    assert!(second.asset_dir.join("bootstrap").is_file());
    println!("bundle zip: {}", first.zip.display());
    println!("bundle zip sha256: {}", first.zip_sha256);
    // Equal from any checkout path (compare the figures of two clones).
    println!("bundle binary sha256: {}", first.binary_sha256);
    println!("bundle built in: {}", root.display());
    println!(
        "bundle zip size: {} bytes ({:.1} MiB)",
        first.zip_bytes,
        first.zip_bytes as f64 / 1048576.0
    );
    println!(
        "bundle unzipped size: {} bytes ({:.1} MiB)",
        first.binary_bytes,
        first.binary_bytes as f64 / 1048576.0
    );
    println!("bundle max GLIBC: {max}");
    println!("bundle builder: {:?}", first.builder);
}
