//! The names a stack gets: its CloudFormation stack name (given, or derived from the
//! construct path as CDK's `makeStackName`), its cloud assembly artifact id and its
//! environment name.
//!
//! Invariant: the artifact id is the *derived* name (never the given stack name) with
//! characters outside `[A-Za-z0-9_.-]` replaced by `_`, so renaming a stack keeps its
//! artifact and files.

use crate::token::Token;
use crate::{Construct, Error, Result};

const VALID_STACK_NAME: &str = "/^[A-Za-z][A-Za-z0-9-]*$/";

fn valid_stack_name(name: &str) -> bool {
    let mut c = name.chars();
    c.next().is_some_and(|f| f.is_ascii_alphabetic())
        && c.all(|x| x.is_ascii_alphanumeric() || x == '-')
}

/// The stack name derived from the construct path below the app (CDK's
/// `makeStackName`); also the source of the artifact id.
pub(super) fn generated_stack_name(scope: &Construct, id: &str, path: &str) -> Result<String> {
    let owned: Vec<String> = scope
        .scopes()
        .iter()
        .skip(1)
        .map(|c| c.id().to_string())
        .chain([id.to_string()])
        .collect();
    crate::template::uniqueid::make_stack_name(&owned).map_err(|e| {
        Error::validation(
            path,
            format!("cannot derive a stack name from the path: {e:?}"),
        )
    })
}

/// CloudFormation's limits on a stack name: at most 128 characters matching
/// [`VALID_STACK_NAME`].
pub(super) fn validate_stack_name(path: &str, stack_name: &str) -> Result<()> {
    if stack_name.len() > 128 {
        return Err(Error::validation(
            path,
            format!("Stack name must be <= 128 characters. Stack name: '{stack_name}'"),
        ));
    }
    if !valid_stack_name(stack_name) {
        return Err(Error::validation(
            path,
            format!(
                "Stack name must match the regular expression: {VALID_STACK_NAME}, got '{stack_name}'; pass a valid stack_name"
            ),
        ));
    }
    Ok(())
}

/// The cloud assembly artifact id: the generated name with characters outside
/// `[A-Za-z0-9_.-]` replaced by `_`.
pub(super) fn artifact_id(generated: &str) -> String {
    generated
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `aws://<account>/<region>`, `unknown-account`/`unknown-region` for tokens.
pub(super) fn environment_name(account: &str, region: &str) -> String {
    format!(
        "aws://{}/{}",
        if Token::is_unresolved(account) {
            "unknown-account"
        } else {
            account
        },
        if Token::is_unresolved(region) {
            "unknown-region"
        } else {
            region
        }
    )
}

/// The names a stack is deployed and written under.
pub(super) struct StackNames {
    pub(super) stack_name: String,
    pub(super) artifact_id: String,
}
