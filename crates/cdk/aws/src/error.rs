//! The one error type of `cdk-aws`. Messages name the construct path and the fix.

/// Errors raised while defining or synthesizing AWS constructs.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An L1 resource lacks properties CloudFormation requires.
    #[error(
        "{path}: {resource_type} is missing required properties: {properties} \
         (set them in the props or with add_property_override)"
    )]
    MissingRequiredProperties {
        /// Construct path of the resource.
        path: String,
        /// CloudFormation type.
        resource_type: &'static str,
        /// Comma-separated CloudFormation property names.
        properties: String,
    },
    /// Properties could not be rendered to JSON.
    #[error("{path}: cannot render properties: {message}")]
    Serialize {
        /// Construct path of the resource.
        path: String,
        /// The serde error.
        message: String,
    },
    /// An IAM action is not `service:Action`, `*` or a token.
    #[error("invalid IAM action {0:?}: expected 'service:ActionName' (e.g. 's3:GetObject') or '*'")]
    InvalidAction(String),
    /// A construct rule was broken (message says which and how to fix it).
    #[error("{path}: {message}")]
    Validation {
        /// Construct path.
        path: String,
        /// What is wrong and the fix.
        message: String,
    },
    /// An error of the core library (construct tree, tokens, synthesis).
    #[error(transparent)]
    Core(#[from] cdk::Error),
}

impl Error {
    /// A [`Error::Validation`] about `path`.
    pub fn validation(path: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Validation {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Result alias of the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
