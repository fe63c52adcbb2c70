//! Which environments `bootstrap` prepares, as `cdk bootstrap` picks them: the
//! `aws://ACCOUNT/REGION` arguments, else the environments of the app's stacks.
//! `unknown-account` / `unknown-region` (an environment-agnostic stack) stand for the
//! credentials' account and the configured region. An environment is bootstrapped
//! with credentials of its own account: with others, the command stops and says so
//! (it never falls back to bootstrapping the credentials' account instead).

use serde_json::Value;

use super::Ui;
use super::aws::Aws;
use super::bootstrap::{BootstrapOptions, bootstrap};
use super::changeset::{DeployOptions, DeployOutcome};
use crate::assembly::AssemblyReader;
use crate::error::{Result, ToolkitError};

/// An environment as given: `None` where it is left to the credentials / settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentSpec {
    /// 12-digit account id.
    pub account: Option<String>,
    /// Region name.
    pub region: Option<String>,
}

impl std::fmt::Display for EnvironmentSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "aws://{}/{}",
            self.account.as_deref().unwrap_or("unknown-account"),
            self.region.as_deref().unwrap_or("unknown-region")
        )
    }
}

/// Parses `aws://ACCOUNT/REGION`.
pub fn parse_environment(text: &str) -> Result<EnvironmentSpec> {
    let bad = || ToolkitError::BadEnvironment {
        text: text.to_owned(),
    };
    let rest = text.strip_prefix("aws://").ok_or_else(bad)?;
    let (account, region) = rest.split_once('/').ok_or_else(bad)?;
    let account = match account {
        "unknown-account" => None,
        a if a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()) => Some(a.to_string()),
        _ => return Err(bad()),
    };
    let region = match region {
        "unknown-region" => None,
        r if !r.is_empty() && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') => {
            Some(r.to_string())
        }
        _ => return Err(bad()),
    };
    Ok(EnvironmentSpec { account, region })
}

/// The distinct environments of the assembly's stacks, in manifest order.
pub fn environments_of(assembly: &AssemblyReader) -> Result<Vec<EnvironmentSpec>> {
    let mut envs: Vec<EnvironmentSpec> = Vec::new();
    for id in assembly.stack_ids() {
        let env = assembly
            .artifact(&id)
            .and_then(|a| a.get("environment"))
            .and_then(Value::as_str)
            .unwrap_or("aws://unknown-account/unknown-region");
        let env = parse_environment(env)?;
        if !envs.contains(&env) {
            envs.push(env);
        }
    }
    Ok(envs)
}

/// Bootstraps each environment: resolves the unknowns (credentials' account,
/// configured region), prints the list, then deploys the bootstrap stack in each.
pub async fn bootstrap_environments(
    aws: &Aws,
    environments: &[EnvironmentSpec],
    roles: &BootstrapOptions,
    options: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<Vec<(String, DeployOutcome)>> {
    let mut resolved: Vec<(String, String)> = Vec::new();
    for env in environments {
        let region = env.region.clone().or_else(|| aws.region()).ok_or_else(|| {
            ToolkitError::EnvironmentWithoutRegion {
                environment: env.to_string(),
            }
        })?;
        let caller = aws.caller(&region).await?;
        let account = env.account.clone().unwrap_or(caller.account.clone());
        if account != caller.account {
            return Err(ToolkitError::BootstrapOtherAccount {
                account,
                region,
                caller: caller.account,
            });
        }
        if !resolved.contains(&(account.clone(), region.clone())) {
            resolved.push((account, region));
        }
    }
    let list: Vec<String> = resolved
        .iter()
        .map(|(a, r)| format!("aws://{a}/{r}"))
        .collect();
    ui.line(&format!("Environments to bootstrap: {}", list.join(", ")));
    let mut results = Vec::new();
    for ((_, region), name) in resolved.iter().zip(list) {
        let outcome = bootstrap(aws, region, roles, options, ui).await?;
        ui.line(&format!(" ✅  Environment {name} bootstrapped."));
        results.push((name, outcome));
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments_parse_as_cdk_writes_them() {
        assert_eq!(
            parse_environment("aws://091910621680/us-west-2").expect("env"),
            EnvironmentSpec {
                account: Some("091910621680".into()),
                region: Some("us-west-2".into())
            }
        );
        let agnostic = parse_environment("aws://unknown-account/unknown-region").expect("env");
        assert_eq!(agnostic.account, None);
        assert_eq!(agnostic.region, None);
        assert_eq!(agnostic.to_string(), "aws://unknown-account/unknown-region");
        for bad in [
            "091910621680/us-west-2",
            "aws://0919/us-west-2",
            "aws://091910621680",
            "aws://091910621680/",
            "aws://091910621680/us west",
        ] {
            let err = parse_environment(bad).expect_err(bad).to_string();
            assert!(err.contains("aws://ACCOUNT/REGION"), "{err}");
        }
    }
}
