//! The one error type of the crate. Every message names the construct path (or the
//! file) it is about and, where there is one, the fix.

use std::path::PathBuf;

/// Errors raised while building a construct tree or synthesizing it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A construct id is empty, contains `/`, or is already used by a sibling.
    #[error("invalid construct id {id:?} under '{parent}': {reason}")]
    InvalidId {
        /// Path of the scope the construct was added to (`""` for the app root).
        parent: String,
        /// The rejected id.
        id: String,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// A rule of the CDK model was broken at `path` (message says which and the fix).
    #[error("{path}: {message}")]
    Validation {
        /// Construct path the problem is about (`<app>` for the root).
        path: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A token could not be resolved (unknown token, cycle, cross-stack reference).
    #[error("resolving {path}: {message}")]
    Resolve {
        /// Construct path being resolved.
        path: String,
        /// What failed.
        message: String,
    },
    /// Reading or writing a file failed.
    #[error("{action} {}: {source}", path.display())]
    Io {
        /// What we were doing ("writing", "reading", ...).
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A JSON document (context file, context value) could not be parsed or written.
    #[error("{what}: {source}")]
    Json {
        /// What was being parsed/written.
        what: String,
        /// The underlying error.
        #[source]
        source: serde_json::Error,
    },
    /// Creating a zip archive for an asset failed.
    #[error("zipping asset {}: {message}", path.display())]
    Zip {
        /// The asset source.
        path: PathBuf,
        /// What failed.
        message: String,
    },
}

impl Error {
    /// A [`Error::Validation`] about `path`.
    pub fn validation(path: impl Into<String>, message: impl Into<String>) -> Self {
        let path = path.into();
        Error::Validation {
            path: if path.is_empty() {
                "<app>".into()
            } else {
                path
            },
            message: message.into(),
        }
    }

    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// Result alias of the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
