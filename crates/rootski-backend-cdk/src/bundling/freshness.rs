//! Deciding that the staged bundle is up to date without running cargo.
//!
//! As AWS CDK hashes an asset's source, the bundle keeps a fingerprint of what its
//! build read: every file of the binary's dep-info (`<binary>.d`, which cargo writes:
//! the workspace sources and the files they `include_bytes!`), the manifests and
//! `Cargo.lock`, the cargo configuration, the toolchain (the `RUSTC` or rustup
//! toolchains' `rustc` and rustup's settings, by size and modification time), the
//! environment that changes a build (`RUSTFLAGS`, `CARGO_PROFILE_*`, `CC`, ...) and
//! the build options. Files are fingerprinted by content: a file whose size or
//! modification time changed is hashed again, so `touch` alone does not rebuild.
//!
//! The fingerprint is kept in a stamp beside the staged bundle with the bundle's
//! figures. When the stamp is missing or unreadable, or when a fingerprint input
//! cannot be read (no dep-info, no toolchain found), there is no fingerprint and
//! bundling falls back to cargo's own check.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Version of the stamp's layout; a stamp of another version is ignored.
pub const STAMP_VERSION: u32 = 1;

/// Environment variables that change what cargo builds (besides the prefixes in
/// [`ENV_PREFIXES`]).
const ENV_NAMES: &[&str] = &[
    "RUSTUP_TOOLCHAIN",
    "RUSTC",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "CARGO_TARGET_DIR",
    "CARGO_HOME",
    "CARGO_INCREMENTAL",
    "CC",
    "CXX",
    "AR",
    "CFLAGS",
    "CXXFLAGS",
    "LDFLAGS",
];

/// Prefixes of environment variables that change what cargo builds.
const ENV_PREFIXES: &[&str] = &["CARGO_BUILD_", "CARGO_PROFILE_", "CARGO_TARGET_"];

/// One input file: where, its size and modification time when hashed, its content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileInput {
    /// Absolute path.
    pub path: PathBuf,
    /// Size in bytes when hashed.
    pub size: u64,
    /// Modification time (ns since the epoch) when hashed.
    pub mtime_ns: u128,
    /// sha256 of the content (hex).
    pub sha256: String,
}

/// The bundle a stamp describes (what [`super::Bundle`] reports without a build).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StampedBundle {
    /// sha256 of the staged binary.
    pub binary_sha256: String,
    /// sha256 of the zip.
    pub zip_sha256: String,
    /// CDK's content fingerprint of the asset directory (its asset hash).
    pub asset_fingerprint: String,
    /// Binary size.
    pub binary_bytes: u64,
    /// Zip size.
    pub zip_bytes: u64,
    /// Highest glibc version the binary needs (`2.34`).
    pub max_glibc: Option<String>,
    /// Modification time (ns) of the staged binary and of the zip when stamped.
    pub staged_mtime_ns: (u128, u128),
}

/// The stamp file's content.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stamp {
    /// [`STAMP_VERSION`].
    pub version: u32,
    /// The fingerprint of the inputs the bundle was built from; `None` when it could
    /// not be computed (the stamp then only records the staged binary's hash).
    pub fingerprint: Option<String>,
    /// The input files (dep-info, manifests, lock file, configuration).
    pub files: Vec<FileInput>,
    /// The bundle.
    pub bundle: StampedBundle,
}

impl Stamp {
    /// Reads a stamp; `None` when it is missing, unreadable or of another version.
    pub fn read(path: &Path) -> Option<Stamp> {
        let text = std::fs::read(path).ok()?;
        let stamp: Stamp = serde_json::from_slice(&text).ok()?;
        (stamp.version == STAMP_VERSION).then_some(stamp)
    }

    /// Writes the stamp (through a temporary file, so a reader never sees half of it).
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let tmp = path.with_extension("tmp");
        let text = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, path)
    }
}

/// The fingerprint inputs as they are now.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// The files, with their current content hashes.
    pub files: Vec<FileInput>,
    /// The fingerprint of files, toolchain, environment and options.
    pub fingerprint: String,
}

/// Modification time in ns since the epoch.
pub fn mtime_ns(meta: &std::fs::Metadata) -> Option<u128> {
    let modified = meta.modified().ok()?;
    Some(
        modified
            .duration_since(SystemTime::UNIX_EPOCH)
            .ok()?
            .as_nanos(),
    )
}

/// The files a build read: the paths of a cargo dep-info file (`target: dep dep ...`,
/// spaces in paths escaped with a backslash), without the target itself.
pub fn dep_info_paths(text: &str) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for line in text.lines() {
        let Some((_, deps)) = split_rule(line) else {
            continue;
        };
        let mut current = String::new();
        let mut chars = deps.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => current.extend(chars.next()),
                ' ' => {
                    if !current.is_empty() {
                        paths.push(PathBuf::from(std::mem::take(&mut current)));
                    }
                }
                c => current.push(c),
            }
        }
        if !current.is_empty() {
            paths.push(PathBuf::from(current));
        }
    }
    paths.sort();
    paths.dedup();
    paths
}

/// Splits `target: deps` at the first colon that is not escaped.
fn split_rule(line: &str) -> Option<(&str, &str)> {
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            '\\' => escaped = !escaped,
            ':' if !escaped => return Some((&line[..i], &line[i + 1..])),
            _ => escaped = false,
        }
    }
    None
}

/// The content hash recorded for a file that does not exist (so creating it, e.g. a
/// `rust-toolchain.toml`, changes the fingerprint).
pub const ABSENT: &str = "absent";

/// Hashes `paths` as they are now, reusing the hash of `known` entries whose size and
/// modification time did not change; a missing file is recorded as [`ABSENT`]. `None`
/// when a file cannot be read.
pub fn hash_files(paths: &[PathBuf], known: &[FileInput]) -> Option<Vec<FileInput>> {
    let mut out = Vec::with_capacity(paths.len());
    for path in paths {
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                out.push(FileInput {
                    path: path.clone(),
                    size: 0,
                    mtime_ns: 0,
                    sha256: ABSENT.into(),
                });
                continue;
            }
            Err(_) => return None,
        };
        let (size, mtime) = (meta.len(), mtime_ns(&meta)?);
        let same = known
            .iter()
            .find(|k| &k.path == path && k.size == size && k.mtime_ns == mtime);
        let sha256 = match same {
            Some(k) => k.sha256.clone(),
            None => super::archive::sha256_hex(&std::fs::read(path).ok()?),
        };
        out.push(FileInput {
            path: path.clone(),
            size,
            mtime_ns: mtime,
            sha256,
        });
    }
    Some(out)
}

/// The files besides the sources that a build of the workspace reads: its manifest,
/// `Cargo.lock`, the cargo configuration and toolchain files (present or not), and the
/// manifest of every crate a source in `sources` belongs to.
pub fn manifests(workspace_root: &Path, sources: &[PathBuf]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = [
        "Cargo.toml",
        "Cargo.lock",
        ".cargo/config.toml",
        ".cargo/config",
        "rust-toolchain",
        "rust-toolchain.toml",
    ]
    .iter()
    .map(|name| workspace_root.join(name))
    .collect();
    for source in sources.iter().filter(|s| s.starts_with(workspace_root)) {
        let crate_manifest = source
            .ancestors()
            .skip(1)
            .take_while(|dir| dir.starts_with(workspace_root) && *dir != workspace_root)
            .map(|dir| dir.join("Cargo.toml"))
            .find(|manifest| manifest.is_file());
        out.extend(crate_manifest);
    }
    out.sort();
    out.dedup();
    out
}

/// What identifies the toolchain cargo will use: `RUSTC` when set, else every rustup
/// toolchain's `rustc` and rustup's settings (the active one is chosen among them),
/// else the `rustc` on `PATH` — each by size and modification time, which an update
/// changes. `None` when no `rustc` is found.
pub fn toolchain_identity() -> Option<Vec<(String, String)>> {
    let stat = |path: &Path| -> Option<String> {
        let meta = std::fs::metadata(path).ok()?;
        Some(format!("{} {}", meta.len(), mtime_ns(&meta)?))
    };
    let mut out = Vec::new();
    if let Some(rustc) = std::env::var_os("RUSTC") {
        let path = PathBuf::from(rustc);
        let path = if path.components().count() > 1 {
            path
        } else {
            super::cargo::find_on_path(&path.to_string_lossy())?
        };
        out.push((path.display().to_string(), stat(&path)?));
        return Some(out);
    }
    let rustup_home = std::env::var_os("RUSTUP_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".rustup")))
        .filter(|dir| dir.join("toolchains").is_dir());
    if let Some(home) = rustup_home {
        let settings = home.join("settings.toml");
        out.push((
            settings.display().to_string(),
            stat(&settings).unwrap_or_default(),
        ));
        let mut toolchains: Vec<PathBuf> = std::fs::read_dir(home.join("toolchains"))
            .ok()?
            .filter_map(|entry| entry.ok().map(|e| e.path().join("bin").join("rustc")))
            .filter(|rustc| rustc.is_file())
            .collect();
        toolchains.sort();
        for rustc in toolchains {
            out.push((rustc.display().to_string(), stat(&rustc)?));
        }
        return (out.len() > 1).then_some(out);
    }
    let rustc = super::cargo::find_on_path("rustc")?;
    out.push((rustc.display().to_string(), stat(&rustc)?));
    Some(out)
}

/// The environment variables of [`ENV_NAMES`] and [`ENV_PREFIXES`] that are set, sorted,
/// without those the bundle's cargo does not get ([`super::cargo::set_by_cargo`]).
pub fn build_environment() -> Vec<(String, String)> {
    let all: Vec<(String, String)> = std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.to_string_lossy().into_owned())))
        .collect();
    let dropped = super::cargo::set_by_cargo(all.iter().map(|(k, _)| k.clone()));
    let mut vars: Vec<(String, String)> = all
        .into_iter()
        .filter(|(k, _)| {
            ENV_NAMES.contains(&k.as_str()) || ENV_PREFIXES.iter().any(|p| k.starts_with(p))
        })
        .filter(|(k, _)| !dropped.contains(k))
        .collect();
    vars.sort();
    vars
}

/// The fingerprint: sha256 over the files' paths and content hashes, then the
/// toolchain, environment and option pairs, each field delimited so no two
/// different inputs give the same byte stream.
pub fn combine(
    files: &[FileInput],
    toolchain: &[(String, String)],
    environment: &[(String, String)],
    options: &[(String, String)],
) -> String {
    let mut h = Sha256::new();
    let mut field = |kind: &str, key: &str, value: &str| {
        for part in [kind, key, value] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
    };
    for file in files {
        field("file", &file.path.to_string_lossy(), &file.sha256);
    }
    for (kind, pairs) in [
        ("toolchain", toolchain),
        ("env", environment),
        ("option", options),
    ] {
        for (key, value) in pairs {
            field(kind, key, value);
        }
    }
    super::archive::hex(&h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, sha256: &str) -> FileInput {
        FileInput {
            path: PathBuf::from(path),
            size: 1,
            mtime_ns: 2,
            sha256: sha256.into(),
        }
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn dep_info_lists_every_dependency_once_without_the_target() {
        let text = "/t/release/bootstrap: /w/src/main.rs /w/src/a\\ b.rs /w/data/x.zst\n\
                    \n/w/src/main.rs:\n/t/release/other: /w/src/main.rs\n";
        assert_eq!(
            dep_info_paths(text),
            ["/w/data/x.zst", "/w/src/a b.rs", "/w/src/main.rs"].map(PathBuf::from)
        );
    }

    #[test]
    fn a_colon_escaped_in_the_target_is_not_the_separator() {
        assert_eq!(
            dep_info_paths("/t/a\\:b: /w/c.rs"),
            [PathBuf::from("/w/c.rs")]
        );
    }

    #[test]
    fn fingerprint_golden() {
        // Fixed inputs, fixed output: a change of the encoding changes every stamp.
        let files = [file("/w/src/main.rs", "aa"), file("/w/Cargo.lock", ABSENT)];
        let fingerprint = combine(
            &files,
            &pairs(&[("/r/bin/rustc", "10 20")]),
            &pairs(&[("RUSTFLAGS", "-g")]),
            &pairs(&[("package", "rootski-lambda")]),
        );
        // The same bytes hashed by Python: each part as a little-endian u64 length, then UTF-8.
        assert_eq!(
            fingerprint,
            "ea053d6d3dd474870671a5e42f21dc33f6f0539570706dce7878c76d5ede28b5"
        );
    }

    #[test]
    fn every_input_changes_the_fingerprint() {
        let files = vec![file("/w/a.rs", "aa")];
        let base = combine(&files, &pairs(&[("t", "1")]), &[], &[]);
        let changed_content = vec![file("/w/a.rs", "ab")];
        let renamed = vec![file("/w/b.rs", "aa")];
        assert_ne!(
            base,
            combine(&changed_content, &pairs(&[("t", "1")]), &[], &[])
        );
        assert_ne!(base, combine(&renamed, &pairs(&[("t", "1")]), &[], &[]));
        assert_ne!(base, combine(&files, &pairs(&[("t", "2")]), &[], &[]));
        // Same pair as an environment variable instead of a toolchain entry.
        assert_ne!(base, combine(&files, &[], &pairs(&[("t", "1")]), &[]));
        // Size and modification time are not content.
        let touched = vec![FileInput {
            size: 9,
            mtime_ns: 9,
            ..file("/w/a.rs", "aa")
        }];
        assert_eq!(base, combine(&touched, &pairs(&[("t", "1")]), &[], &[]));
    }

    #[test]
    fn files_are_hashed_by_content_reusing_unchanged_entries() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.rs");
        std::fs::write(&path, "fn a() {}").expect("write");
        let missing = dir.path().join("rust-toolchain.toml");
        let paths = [path.clone(), missing.clone()];
        let hashed = hash_files(&paths, &[]).expect("hash");
        assert_eq!(
            hashed[0].sha256,
            super::super::archive::sha256_hex(b"fn a() {}")
        );
        assert_eq!(hashed[1].sha256, ABSENT);
        // A known entry with the same size and time is trusted (not read again).
        let known = vec![FileInput {
            sha256: "kept".into(),
            ..hashed[0].clone()
        }];
        assert_eq!(hash_files(&paths, &known).expect("hash")[0].sha256, "kept");
    }

    #[test]
    fn manifests_include_each_sources_crate_and_the_workspace_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("crates/a/src")).expect("dirs");
        std::fs::write(root.join("crates/a/Cargo.toml"), "").expect("manifest");
        let found = manifests(root, &[root.join("crates/a/src/lib.rs")]);
        assert!(found.contains(&root.join("crates/a/Cargo.toml")));
        for name in [
            "Cargo.toml",
            "Cargo.lock",
            ".cargo/config.toml",
            "rust-toolchain.toml",
        ] {
            assert!(found.contains(&root.join(name)), "{name}");
        }
    }
}
