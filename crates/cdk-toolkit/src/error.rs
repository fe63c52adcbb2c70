//! The crate's one error type.

use std::path::PathBuf;

/// Everything that can go wrong reading a cloud assembly or running it locally.
#[derive(Debug, thiserror::Error)]
pub enum ToolkitError {
    /// A file of the assembly could not be read.
    #[error(
        "cannot read {path}: {source}. Run the synth step first (e.g. `rootski synth`) so the cloud assembly exists."
    )]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file of the assembly is not the JSON it should be.
    #[error("{path} is not valid JSON: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
    /// The assembly does not have what was asked for.
    #[error("{0}")]
    Assembly(String),
    /// The template has no API that can be run locally.
    #[error("stack {stack}: {message}")]
    Template {
        /// Stack artifact id.
        stack: String,
        /// What is missing or unsupported.
        message: String,
    },
    /// Preparing or starting the function failed.
    #[error("{0}")]
    Function(String),
    /// An AWS API call failed (deploy feature): one line with the operation, the
    /// service's error code and message.
    #[error("{what}: {operation} failed: {message}")]
    Aws {
        /// What the call was for (`deploying X`).
        what: String,
        /// Service and operation (`CloudFormation ExecuteChangeSet`).
        operation: String,
        /// `Code: the service's message`, or the cause when no service answered.
        message: String,
    },
    /// Deploying, diffing or destroying a stack did not succeed.
    #[error("{0}")]
    Deploy(String),
    /// Binding or serving a loopback socket failed.
    #[error("local server: {0}")]
    Io(#[from] std::io::Error),
}

/// Shorthand used across the crate.
pub type Result<T, E = ToolkitError> = std::result::Result<T, E>;
