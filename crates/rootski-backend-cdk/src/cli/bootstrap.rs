//! `rootski bootstrap`: create (or update) the `CDKToolkit` stack with the asset
//! bucket and the `/cdk-bootstrap/hnb659fds/version` parameter that deployments of
//! the default synthesizer need.

use anyhow::Context as _;
use cdk_toolkit::deploy::bootstrap;
use cdk_toolkit::deploy::changeset::{DeployOptions, RequireApproval};

use super::aws_session::{AwsArgs, TerminalUi, runtime};

/// Arguments of `rootski bootstrap`.
#[derive(Debug, clap::Args)]
pub struct Args {
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
        bootstrap::bootstrap(&aws, &region, &options, &mut TerminalUi).await?;
        Ok(())
    })
}
