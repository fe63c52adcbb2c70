//! ARN formatting as CDK's `Stack.formatArn`, for the formats the constructs here need.
//!
//! TODO(core): `cdk::Stack` has no `format_arn` yet; this is the minimal local version
//! (`arn:{partition}:{service}:{region}:{account}:{resource}{sep}{resource_name}`, with
//! the stack's partition token and concrete-or-token region/account).

use cdk::Stack;

/// How the resource name is joined to the resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArnFormat {
    /// `resource/resource-name`.
    SlashResourceName,
    /// `resource:resource-name`.
    ColonResourceName,
    /// `resource` only.
    NoResourceName,
}

/// The parts of an ARN; `None` region/account mean "the stack's".
#[derive(Debug, Clone)]
pub struct ArnComponents<'a> {
    /// Service namespace, e.g. `dynamodb`.
    pub service: &'a str,
    /// Resource type, e.g. `table`.
    pub resource: &'a str,
    /// Resource name, e.g. `rootski*`.
    pub resource_name: Option<&'a str>,
    /// Region override (`Some("")` for global services).
    pub region: Option<&'a str>,
    /// Account override (`Some("")` for AWS-owned resources).
    pub account: Option<&'a str>,
    /// Separator rule.
    pub arn_format: ArnFormat,
}

/// Formats the ARN in `stack`'s environment (tokens stay tokens).
pub fn format_arn(stack: &Stack, c: &ArnComponents<'_>) -> String {
    let region = c
        .region
        .map(str::to_string)
        .unwrap_or_else(|| stack.region());
    let account = c
        .account
        .map(str::to_string)
        .unwrap_or_else(|| stack.account());
    let tail = match (c.arn_format, c.resource_name) {
        (ArnFormat::NoResourceName, _) | (_, None) => String::new(),
        (ArnFormat::SlashResourceName, Some(n)) => format!("/{n}"),
        (ArnFormat::ColonResourceName, Some(n)) => format!(":{n}"),
    };
    format!(
        "arn:{}:{}:{region}:{account}:{}{tail}",
        stack.partition(),
        c.service,
        c.resource
    )
}
