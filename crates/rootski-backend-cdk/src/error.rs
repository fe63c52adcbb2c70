//! The one error type of the `rootski_backend_cdk` library: defining the stacks,
//! synthesizing the app, and bundling the Lambda `bootstrap` (each bundling message
//! says what to do).

use std::path::PathBuf;

use crate::bundling::GlibcVersion;

/// Errors defining, bundling or synthesizing the Rootski stacks.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A construct of the stack could not be defined.
    #[error(transparent)]
    Construct(#[from] cdk_aws::Error),
    /// The core library failed (tree, tokens, synthesis, assembly writing).
    #[error(transparent)]
    Core(#[from] cdk::Error),
    /// The deployment environment is not known.
    #[error(
        "no {what} for the stack: set context \"{key}\" (cdk.json or `-c {key}=...`) or {env_var}"
    )]
    MissingEnvironment {
        /// "account" or "region".
        what: &'static str,
        /// Context key.
        key: &'static str,
        /// Environment variable fallback.
        env_var: &'static str,
    },
    /// The Lambda code could not be staged.
    #[error("staging the Lambda code in {path}: {source}")]
    CodeStaging {
        /// Directory being written.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Bundling: a tool is missing or could not run.
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
    /// Hashing the staged asset directory (its CDK asset hash) failed.
    #[error("hashing the staged asset {path}: {message}")]
    AssetHash {
        /// The asset directory.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

/// Result alias of the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
