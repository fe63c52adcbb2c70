//! `rootski bootstrap [aws://ACCOUNT/REGION …]`: create (or update) the `CDKToolkit`
//! stack with the asset bucket, the deploy, execution, file-publishing and lookup
//! roles, and the `/cdk-bootstrap/hnb659fds/version` parameter that deployments of
//! the default synthesizer need — in each environment named, or, as `cdk bootstrap`
//! does without arguments, in the environments of the app's stacks (synthesized
//! without bundling: bootstrap only reads their environments). The environments are
//! printed before anything is created. `--trust` and
//! `--cloudformation-execution-policies` as in `cdk bootstrap`.

use cdk_toolkit::deploy::bootstrap::BootstrapOptions;
use cdk_toolkit::deploy::changeset::{DeployOptions, RequireApproval};
use cdk_toolkit::deploy::environments::{
    bootstrap_environments, environments_of, parse_environment,
};

use anyhow::Context as _;
use cdk_toolkit::assembly::AssemblyReader;
use serde_json::Map;

use super::aws_session::{AwsArgs, TerminalUi, runtime};
use super::synth;

/// Arguments of `rootski bootstrap`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct Args {
    /// Environments to bootstrap, `aws://ACCOUNT/REGION` [default: those of the app's
    /// stacks].
    #[arg(value_name = "ENVIRONMENT")]
    environments: Vec<String>,
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
    #[command(flatten)]
    synth: synth::Args,
}

/// Runs `rootski bootstrap`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let roles = BootstrapOptions {
        trusted_accounts: args.trust.clone(),
        trusted_accounts_for_lookup: args.trust_for_lookup.clone(),
        execution_policies: args.cloudformation_execution_policies.clone(),
    };
    // Refused before any AWS call or synthesis.
    cdk_toolkit::deploy::bootstrap::template(&roles)?;
    let named = args
        .environments
        .iter()
        .map(|e| parse_environment(e))
        .collect::<Result<Vec<_>, _>>()?;
    runtime()?.block_on(async {
        let (aws, environments) = if named.is_empty() {
            // Context lookups are not needed to know where the stacks go.
            let run = synth::synthesize(&args.synth.without_bundling(), &Map::new())?;
            let assembly = AssemblyReader::load(&run.outdir)
                .with_context(|| format!("reading {}", run.outdir.display()))?;
            let envs = environments_of(&assembly)?;
            let list: Vec<String> = envs.iter().map(ToString::to_string).collect();
            eprintln!("The app's stacks deploy to: {}", list.join(", "));
            (args.aws.load().await, envs)
        } else {
            (args.aws.load().await, named)
        };
        let options = DeployOptions {
            require_approval: RequireApproval::Never,
            ..Default::default()
        };
        bootstrap_environments(&aws, &environments, &roles, &options, &mut TerminalUi).await?;
        Ok(())
    })
}
