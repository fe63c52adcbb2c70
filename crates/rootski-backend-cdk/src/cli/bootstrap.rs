//! `rootski bootstrap`: create (or update) the `CDKToolkit` stack with the asset
//! bucket, the deploy, execution, file-publishing and lookup roles, and the
//! `/cdk-bootstrap/hnb659fds/version` parameter that deployments of the default
//! synthesizer need; `--trust` and `--cloudformation-execution-policies` as in
//! `cdk bootstrap`.

use anyhow::Context as _;
use cdk_toolkit::deploy::bootstrap::{self, BootstrapOptions};
use cdk_toolkit::deploy::changeset::{DeployOptions, RequireApproval};

use super::aws_session::{AwsArgs, TerminalUi, runtime};

/// Arguments of `rootski bootstrap`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// An account that may deploy into this environment (may be repeated).
    #[arg(long = "trust", value_name = "ACCOUNT")]
    trust: Vec<String>,
    /// An account that may only look up context in this environment (may be repeated).
    #[arg(long = "trust-for-lookup", value_name = "ACCOUNT")]
    trust_for_lookup: Vec<String>,
    /// Managed policy ARNs for the CloudFormation execution role (may be repeated)
    /// [default: AdministratorAccess; required with --trust].
    #[arg(
        long = "cloudformation-execution-policies",
        value_name = "ARN",
        value_delimiter = ','
    )]
    cloudformation_execution_policies: Vec<String>,
    #[command(flatten)]
    aws: AwsArgs,
}

/// Runs `rootski bootstrap`.
pub fn run(args: Args) -> anyhow::Result<()> {
    runtime()?.block_on(async {
        let aws = args.aws.load().await;
        let region = aws
            .region()
            .context("no region: pass --region or set AWS_REGION")?;
        let options = DeployOptions {
            require_approval: RequireApproval::Never,
            ..Default::default()
        };
        let roles = BootstrapOptions {
            trusted_accounts: args.trust.clone(),
            trusted_accounts_for_lookup: args.trust_for_lookup.clone(),
            execution_policies: args.cloudformation_execution_policies.clone(),
        };
        bootstrap::bootstrap(&aws, &region, &roles, &options, &mut TerminalUi).await?;
        Ok(())
    })
}
