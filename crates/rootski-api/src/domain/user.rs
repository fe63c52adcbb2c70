//! Users of the API.

use super::lenient;
use serde::{Deserialize, Serialize};

/// The email requests without a token act as.
pub const ANONYMOUS_EMAIL: &str = "anon@rootski.io";

/// The submitter recorded on machine-inferred breakdowns.
pub const INFERENCE_SUBMITTER: &str = "anonymous";

/// A registered user (`USER` item, pk = sk = `USER#<email>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// The user's e-mail address (the key of the item).
    pub email: String,
    /// Whether the user may verify breakdowns.
    #[serde(default, deserialize_with = "lenient::boolish")]
    pub is_admin: bool,
}

/// Outcome of a conditional registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registration {
    /// This call wrote the user.
    Created,
    /// The user was already there (possibly written by a concurrent call); the
    /// stored item was left unchanged.
    AlreadyExisted,
}
