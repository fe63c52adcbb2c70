//! Bundling the Lambda function's code: the `bootstrap` of `rootski-lambda`, built
//! for the `provided.al2023` runtime without Docker.
//!
//! The seed's `make_fast_api_function` bundled Python inside a Docker build image so
//! native code matched the Lambda OS. A Rust binary only has to match the runtime's
//! glibc, so [`bundle_bootstrap`]:
//! 1. builds `cargo build --release -p rootski-lambda --bin bootstrap` in the
//!    workspace's target directory, sharing the host release build's artifacts
//!    ([`cargo`]: `cargo zigbuild` pinned to glibc 2.34 when installed, else native);
//! 2. reads the binary's glibc needs with `objdump -T` ([`glibc`]) and fails if any
//!    symbol is newer than the runtime's 2.34;
//! 3. stages `<out_dir>/asset/bootstrap` (the asset directory CDK's `Code::from_asset`
//!    takes) and a reproducible `<out_dir>/bootstrap.zip` ([`archive`]).
//!
//! Cargo's incremental build makes an unchanged tree a no-op; when the binary's
//! sha256 equals the staged one, staging and zipping are skipped too.

pub mod archive;
pub mod cargo;
pub mod glibc;

use std::path::{Path, PathBuf};

pub use glibc::{GlibcRequirements, GlibcVersion};

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
            shares_features_with: vec!["rootski-backend-cdk".into()],
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
    /// Which builder made it.
    pub builder: cargo::UsedBuilder,
}

/// Why bundling failed; each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// A tool is missing or could not run.
    #[error("cannot run {tool}: {source}; {hint}")]
    Tool {
        /// The tool.
        tool: &'static str,
        /// How to get it.
        hint: &'static str,
        /// Why it failed.
        source: std::io::Error,
    },
    /// The cargo build failed.
    #[error("building the Lambda bootstrap failed ({command}):\n{output}")]
    Build {
        /// The command line.
        command: String,
        /// Last lines of cargo's output.
        output: String,
    },
    /// `objdump` could not read the binary.
    #[error("objdump could not read {binary}: {message}")]
    Inspect {
        /// The binary.
        binary: PathBuf,
        /// objdump's message.
        message: String,
    },
    /// The binary needs a newer glibc than the Lambda runtime has.
    #[error(
        "{binary} needs glibc {found} but the provided.al2023 Lambda runtime has {limit} \
         (symbols: {symbols}). Build with cargo-zigbuild (`pip install cargo-zigbuild ziglang`, \
         then bundle again: it targets x86_64-unknown-linux-gnu.{limit}) or on a system with glibc <= {limit}"
    )]
    GlibcTooNew {
        /// The binary.
        binary: PathBuf,
        /// Its requirement.
        found: GlibcVersion,
        /// The runtime's glibc.
        limit: GlibcVersion,
        /// The offending symbols.
        symbols: String,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Writing the zip failed.
    #[error("writing the bootstrap zip: {0}")]
    Zip(String),
}

/// Builds, checks and stages the Lambda `bootstrap` (see the module docs).
pub fn bundle_bootstrap(options: &BundleOptions) -> Result<Bundle, BundleError> {
    let used = cargo::choose(options.builder)?;
    let binary_path = cargo::build(options, used)?;
    let requirements = glibc::inspect(&binary_path)?;
    if let Some(found) = requirements.max.filter(|v| *v > options.max_glibc) {
        return Err(BundleError::GlibcTooNew {
            binary: binary_path,
            found,
            limit: options.max_glibc,
            symbols: requirements.newer_than(options.max_glibc).join(", "),
        });
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BundleError::Io { path, source }
    };
    let bytes = std::fs::read(&binary_path).map_err(io(&binary_path))?;
    let binary_sha256 = archive::sha256_hex(&bytes);
    let asset_dir = options.out_dir.join("asset");
    let staged = asset_dir.join(&options.binary);
    let zip = options.out_dir.join(format!("{}.zip", options.binary));
    let stamp = options.out_dir.join(format!("{}.sha256", options.binary));
    let reused = std::fs::read_to_string(&stamp).ok().as_deref() == Some(binary_sha256.as_str())
        && zip.is_file()
        && std::fs::read(&staged)
            .map(|b| archive::sha256_hex(&b) == binary_sha256)
            .unwrap_or(false);
    if !reused {
        std::fs::create_dir_all(&asset_dir).map_err(io(&asset_dir))?;
        std::fs::write(&staged, &bytes).map_err(io(&staged))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&staged, std::fs::Permissions::from_mode(0o755))
                .map_err(io(&staged))?;
        }
        archive::write_bootstrap_zip(&bytes, &zip)?;
        std::fs::write(&stamp, &binary_sha256).map_err(io(&stamp))?;
    }
    let zip_bytes = std::fs::read(&zip).map_err(io(&zip))?;
    Ok(Bundle {
        asset_dir,
        zip_sha256: archive::sha256_hex(&zip_bytes),
        zip_bytes: zip_bytes.len() as u64,
        zip,
        binary_sha256,
        binary_bytes: bytes.len() as u64,
        max_glibc: requirements.max,
        reused,
        builder: used,
    })
}
