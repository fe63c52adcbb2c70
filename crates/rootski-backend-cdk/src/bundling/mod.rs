//! Bundling the Lambda function's code: the `bootstrap` of `rootski-lambda`, built
//! for the `provided.al2023` runtime without Docker.
//!
//! The seed's `make_fast_api_function` bundled Python inside a Docker build image so
//! native code matched the Lambda OS. A Rust binary only has to match the runtime's
//! glibc, so [`bundle_bootstrap`]:
//! 1. builds `cargo build --release -p rootski-lambda -p rootski-cli --bin bootstrap`
//!    in the workspace's target directory, sharing the host release build's artifacts
//!    ([`cargo`]: `cargo zigbuild` pinned to glibc 2.34 when installed, else native);
//! 2. reads the binary's glibc needs with `objdump -T` ([`glibc`]) and fails if any
//!    symbol is newer than the runtime's 2.34;
//! 3. stages `<out_dir>/asset/bootstrap` (the asset directory CDK's `Code::from_asset`
//!    takes) and a reproducible `<out_dir>/bootstrap.zip` ([`archive`]).
//!
//! When the fingerprint of the build's inputs ([`freshness`]: dep-info files,
//! manifests, toolchain, environment, options) equals the stamp's, cargo is not run at
//! all; otherwise cargo's incremental build makes an unchanged tree a no-op, and when
//! the binary's sha256 equals the staged one, staging and zipping are skipped too.

pub mod archive;
pub mod cargo;
pub mod freshness;
pub mod glibc;

use std::path::{Path, PathBuf};
use std::time::SystemTime;

pub use glibc::{GlibcRequirements, GlibcVersion};

use crate::error::Error;

/// The package of the `rootski` CLI. It depends on `rootski-lambda`, so building the
/// bundle with it selected (`--package rootski-cli`) resolves the function's crates
/// with the features of `cargo run --release --bin rootski`: the bundle reuses that
/// build's artifacts instead of compiling a feature variant of its own.
pub const CLI_PACKAGE: &str = "rootski-cli";

/// Which builder to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Builder {
    /// `cargo zigbuild` when `cargo-zigbuild` and `zig` are on PATH, else native.
    #[default]
    Auto,
    /// Always `cargo build`.
    Native,
    /// Always `cargo zigbuild` (fails if it is not installed).
    Zigbuild,
}

/// What to build and where to put it.
#[derive(Debug, Clone)]
pub struct BundleOptions {
    /// The Cargo workspace root.
    pub workspace_root: PathBuf,
    /// Package of the Lambda binary.
    pub package: String,
    /// Binary name (Lambda custom runtimes run `bootstrap`).
    pub binary: String,
    /// Packages selected with it (`-p`) so cargo resolves the same features as when
    /// they are built: the CLI, which depends on the function's crate, so the bundle
    /// reuses the artifacts of `cargo build --release --bin rootski`.
    pub shares_features_with: Vec<String>,
    /// Where the asset directory and zip are staged.
    pub out_dir: PathBuf,
    /// Highest glibc symbol version allowed.
    pub max_glibc: GlibcVersion,
    /// Builder choice.
    pub builder: Builder,
    /// Show a spinner with cargo's current step (else print cargo's lines).
    pub progress: bool,
    /// The cargo executable.
    pub cargo: PathBuf,
}

impl BundleOptions {
    /// Defaults for `rootski-lambda` in `workspace_root`: output
    /// `target/lambda-bundle/out`, glibc 2.34.
    pub fn for_workspace(workspace_root: &Path) -> Self {
        Self {
            workspace_root: workspace_root.to_path_buf(),
            package: "rootski-lambda".into(),
            binary: "bootstrap".into(),
            shares_features_with: vec![CLI_PACKAGE.into()],
            out_dir: workspace_root
                .join("target")
                .join("lambda-bundle")
                .join("out"),
            max_glibc: GlibcVersion::AL2023,
            builder: Builder::Auto,
            progress: false,
            cargo: PathBuf::from("cargo"),
        }
    }
}

/// A built and checked bundle.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// Directory holding only `bootstrap` (pass it to `Code::from_asset`).
    pub asset_dir: PathBuf,
    /// CDK's content fingerprint of `asset_dir` (its asset hash), kept in the stamp so
    /// synthesis need not read the binary again (`Code::from_fingerprinted_asset`).
    pub asset_fingerprint: String,
    /// The reproducible zip of `bootstrap`.
    pub zip: PathBuf,
    /// sha256 of the zip.
    pub zip_sha256: String,
    /// sha256 of the binary.
    pub binary_sha256: String,
    /// Zip size in bytes.
    pub zip_bytes: u64,
    /// Binary size in bytes.
    pub binary_bytes: u64,
    /// Highest glibc symbol version the binary needs.
    pub max_glibc: Option<GlibcVersion>,
    /// Whether the staged asset was reused (binary unchanged).
    pub reused: bool,
    /// Whether cargo ran (false when the inputs' fingerprint matched the stamp).
    pub cargo_ran: bool,
    /// Which builder made it.
    pub builder: cargo::UsedBuilder,
}

/// Builds, checks and stages the Lambda `bootstrap` (see the module docs). When the
/// fingerprint of the build's inputs equals the stamp's ([`freshness`]), the staged
/// bundle is returned without running cargo.
pub fn bundle_bootstrap(options: &BundleOptions) -> Result<Bundle, Error> {
    let used = cargo::choose(options.builder)?;
    let paths = Paths::of(options);
    let previous = freshness::Stamp::read(&paths.stamp);
    if let Some(bundle) = previous
        .as_ref()
        .and_then(|stamp| stamped_bundle(options, used, &paths, stamp))
    {
        return Ok(bundle);
    }
    let started = SystemTime::now();
    let binary_path = cargo::build(options, used)?;
    let requirements = glibc::inspect(&binary_path)?;
    if let Some(found) = requirements.max.filter(|v| *v > options.max_glibc) {
        return Err(Error::GlibcTooNew {
            binary: binary_path,
            found,
            limit: options.max_glibc,
            symbols: requirements.newer_than(options.max_glibc).join(", "),
        });
    }
    let bytes = std::fs::read(&binary_path).map_err(io(&binary_path))?;
    let binary_sha256 = archive::sha256_hex(&bytes);
    let reused = previous
        .as_ref()
        .is_some_and(|stamp| stamp.bundle.binary_sha256 == binary_sha256)
        && paths.zip.is_file()
        && std::fs::read(&paths.staged)
            .map(|b| archive::sha256_hex(&b) == binary_sha256)
            .unwrap_or(false);
    if !reused {
        std::fs::create_dir_all(&paths.asset_dir).map_err(io(&paths.asset_dir))?;
        std::fs::write(&paths.staged, &bytes).map_err(io(&paths.staged))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&paths.staged, std::fs::Permissions::from_mode(0o755))
                .map_err(io(&paths.staged))?;
        }
        archive::write_bootstrap_zip(&bytes, &paths.zip)?;
    }
    let zip_bytes = std::fs::read(&paths.zip).map_err(io(&paths.zip))?;
    let asset_fingerprint =
        cdk::assets::fingerprint(&paths.asset_dir).map_err(|e| Error::AssetHash {
            path: paths.asset_dir.clone(),
            message: e.to_string(),
        })?;
    let bundle = Bundle {
        asset_dir: paths.asset_dir.clone(),
        asset_fingerprint,
        zip_sha256: archive::sha256_hex(&zip_bytes),
        zip_bytes: zip_bytes.len() as u64,
        zip: paths.zip.clone(),
        binary_sha256,
        binary_bytes: bytes.len() as u64,
        max_glibc: requirements.max,
        reused,
        cargo_ran: true,
        builder: used,
    };
    // Without a stamp the next bundle runs cargo again, which is correct, only slower.
    let _ = write_stamp(options, used, &paths, &binary_path, started, &bundle);
    Ok(bundle)
}

/// Where a bundle is staged.
struct Paths {
    asset_dir: PathBuf,
    staged: PathBuf,
    zip: PathBuf,
    stamp: PathBuf,
}

impl Paths {
    fn of(options: &BundleOptions) -> Paths {
        let asset_dir = options.out_dir.join("asset");
        Paths {
            staged: asset_dir.join(&options.binary),
            asset_dir,
            zip: options.out_dir.join(format!("{}.zip", options.binary)),
            stamp: options
                .out_dir
                .join(format!("{}.stamp.json", options.binary)),
        }
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + use<> {
    let path = path.to_path_buf();
    move |source| Error::Io { path, source }
}

/// The build options that change the binary, as fingerprint pairs.
fn option_pairs(options: &BundleOptions, used: cargo::UsedBuilder) -> Vec<(String, String)> {
    [
        ("builder", cargo::label(used).to_string()),
        (
            "workspace_root",
            options.workspace_root.display().to_string(),
        ),
        ("package", options.package.clone()),
        ("binary", options.binary.clone()),
        (
            "shares_features_with",
            options.shares_features_with.join(","),
        ),
        ("max_glibc", options.max_glibc.to_string()),
        ("cargo", options.cargo.display().to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// The fingerprint of `files` (hashed again where they changed) with the toolchain,
/// environment and options; `None` when an input cannot be read.
fn current_inputs(
    options: &BundleOptions,
    used: cargo::UsedBuilder,
    paths: &[PathBuf],
    known: &[freshness::FileInput],
) -> Option<freshness::Inputs> {
    let files = freshness::hash_files(paths, known)?;
    let toolchain = freshness::toolchain_identity()?;
    let fingerprint = freshness::combine(
        &files,
        &toolchain,
        &freshness::build_environment(),
        &option_pairs(options, used),
    );
    Some(freshness::Inputs { files, fingerprint })
}

/// The stamped bundle when the inputs' fingerprint is unchanged and the staged files
/// are the stamped ones.
fn stamped_bundle(
    options: &BundleOptions,
    used: cargo::UsedBuilder,
    paths: &Paths,
    stamp: &freshness::Stamp,
) -> Option<Bundle> {
    let known: Vec<PathBuf> = stamp.files.iter().map(|f| f.path.clone()).collect();
    let stamped = stamp.fingerprint.as_ref()?;
    let inputs = current_inputs(options, used, &known, &stamp.files)?;
    if &inputs.fingerprint != stamped {
        return None;
    }
    let b = &stamp.bundle;
    let unchanged = |path: &Path, size: u64, mtime: u128| {
        std::fs::metadata(path)
            .ok()
            .is_some_and(|m| m.len() == size && freshness::mtime_ns(&m) == Some(mtime))
    };
    if !unchanged(&paths.staged, b.binary_bytes, b.staged_mtime_ns.0)
        || !unchanged(&paths.zip, b.zip_bytes, b.staged_mtime_ns.1)
    {
        return None;
    }
    if inputs.files != stamp.files {
        // Same content, new modification times: keep them, so they are not hashed again.
        let refreshed = freshness::Stamp {
            files: inputs.files,
            ..stamp.clone()
        };
        let _ = refreshed.write(&paths.stamp);
    }
    Some(Bundle {
        asset_dir: paths.asset_dir.clone(),
        asset_fingerprint: b.asset_fingerprint.clone(),
        zip: paths.zip.clone(),
        zip_sha256: b.zip_sha256.clone(),
        binary_sha256: b.binary_sha256.clone(),
        zip_bytes: b.zip_bytes,
        binary_bytes: b.binary_bytes,
        max_glibc: b.max_glibc.as_deref().and_then(GlibcVersion::parse),
        reused: true,
        cargo_ran: false,
        builder: used,
    })
}

/// Writes the stamp of a bundle: its figures, and the fingerprint of the files of the
/// binary's dep-info. The fingerprint is left out when an input changed during the
/// build (its content may not be the one compiled) or cannot be read.
fn write_stamp(
    options: &BundleOptions,
    used: cargo::UsedBuilder,
    paths: &Paths,
    binary: &Path,
    started: SystemTime,
    bundle: &Bundle,
) -> Option<()> {
    let _ = std::fs::remove_file(&paths.stamp);
    let inputs = built_from(options, used, binary, started);
    let mtime = |path: &Path| freshness::mtime_ns(&std::fs::metadata(path).ok()?);
    let stamp = freshness::Stamp {
        version: freshness::STAMP_VERSION,
        fingerprint: inputs.as_ref().map(|i| i.fingerprint.clone()),
        files: inputs.map(|i| i.files).unwrap_or_default(),
        bundle: freshness::StampedBundle {
            binary_sha256: bundle.binary_sha256.clone(),
            zip_sha256: bundle.zip_sha256.clone(),
            asset_fingerprint: bundle.asset_fingerprint.clone(),
            binary_bytes: bundle.binary_bytes,
            zip_bytes: bundle.zip_bytes,
            max_glibc: bundle.max_glibc.map(|v| v.to_string()),
            staged_mtime_ns: (mtime(&paths.staged)?, mtime(&paths.zip)?),
        },
    };
    stamp.write(&paths.stamp).ok()
}

/// The inputs of the build that made `binary`, if none changed since `started`.
fn built_from(
    options: &BundleOptions,
    used: cargo::UsedBuilder,
    binary: &Path,
    started: SystemTime,
) -> Option<freshness::Inputs> {
    let dep_info = std::fs::read_to_string(binary.with_extension("d")).ok()?;
    let mut files = freshness::dep_info_paths(&dep_info);
    files.extend(freshness::manifests(&options.workspace_root, &files));
    files.sort();
    files.dedup();
    let inputs = current_inputs(options, used, &files, &[])?;
    let started = started
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    (!inputs.files.iter().any(|f| f.mtime_ns >= started)).then_some(inputs)
}
