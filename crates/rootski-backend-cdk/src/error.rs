//! The error type of the `rootski_backend_cdk` library (stack definition and app).

/// Errors defining or synthesizing the Rootski stack.
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
    /// Building the Lambda `bootstrap` (bundling) failed.
    #[error(transparent)]
    Bundle(#[from] crate::bundling::BundleError),
    /// The Lambda code could not be staged.
    #[error("staging the Lambda code in {path}: {source}")]
    CodeStaging {
        /// Directory being written.
        path: std::path::PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// Result alias of the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
