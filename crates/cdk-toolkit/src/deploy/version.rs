//! The bootstrap version check the CDK CLI makes before deploying a stack that
//! declares `requiresBootstrapStackVersion`: read the SSM parameter the stack names
//! (`/cdk-bootstrap/<qualifier>/version`, with the deploy role's credentials) and
//! refuse when it is missing or lower, before anything is uploaded or changed.

use super::aws::Aws;
use super::sdk_error::aws_error;
use crate::error::{Result, ToolkitError};

/// The SSM parameter the default synthesizer names when the stack gives none.
pub const DEFAULT_PARAMETER: &str = "/cdk-bootstrap/hnb659fds/version";

/// The version in `parameter`, `None` when the parameter does not exist.
pub async fn bootstrap_version(aws: &Aws, region: &str, parameter: &str) -> Result<Option<u32>> {
    match aws.ssm(region).get_parameter().name(parameter).send().await {
        Ok(out) => {
            let value = out
                .parameter()
                .and_then(|p| p.value())
                .unwrap_or_default()
                .trim()
                .to_string();
            value
                .parse()
                .map(Some)
                .map_err(|_| ToolkitError::BadBootstrapVersion {
                    parameter: parameter.to_owned(),
                    value: value.clone(),
                })
        }
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_parameter_not_found()) =>
        {
            Ok(None)
        }
        Err(e) => Err(aws_error(
            "SSM GetParameter",
            format!("reading the bootstrap version parameter {parameter}"),
            e,
        )),
    }
}

/// Fails unless `found` is at least `required`.
pub fn check(
    stack_name: &str,
    required: u32,
    found: Option<u32>,
    parameter: &str,
    region: &str,
) -> Result<()> {
    match found {
        Some(v) if v >= required => Ok(()),
        Some(found) => Err(ToolkitError::BootstrapTooOld {
            stack: stack_name.to_owned(),
            required,
            found,
            parameter: parameter.to_owned(),
            region: region.to_owned(),
        }),
        None => Err(ToolkitError::NotBootstrapped {
            stack: stack_name.to_owned(),
            required,
            parameter: parameter.to_owned(),
            region: region.to_owned(),
        }),
    }
}

/// Reads the parameter and checks it.
pub async fn validate(
    aws: &Aws,
    stack_name: &str,
    required: u32,
    parameter: Option<&str>,
    region: &str,
) -> Result<()> {
    let parameter = parameter.unwrap_or(DEFAULT_PARAMETER);
    let found = bootstrap_version(aws, region, parameter).await?;
    check(stack_name, required, found, parameter, region)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_or_missing_versions_are_refused_clearly() {
        assert!(check("S", 6, Some(6), "/p", "r").is_ok());
        assert!(check("S", 6, Some(8), "/p", "r").is_ok());
        let low = check("S", 6, Some(4), "/p", "us-west-2")
            .expect_err("too old")
            .to_string();
        assert!(
            low.contains("requires bootstrap stack version 6, found 4")
                && low.contains("rootski bootstrap"),
            "{low}"
        );
        let none = check("S", 6, None, "/p", "us-west-2")
            .expect_err("missing")
            .to_string();
        assert!(
            none.contains("found none") && none.contains("not bootstrapped"),
            "{none}"
        );
    }
}
