//! `rootski diff [STACK…]`: synthesize and compare each stack with its deployed
//! template (resources, properties, replacements, IAM).

use cdk_toolkit::deploy::toolkit;

use super::aws_session::{AwsArgs, TerminalUi, load_assembly, runtime};
use super::synth;

/// Arguments of `rootski diff`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct Args {
    /// Stacks to compare (artifact ids or stack names) [default: all].
    stacks: Vec<String>,
    /// Exit with status 1 when there are differences.
    #[arg(long)]
    fail: bool,
    #[command(flatten)]
    aws: AwsArgs,
    #[command(flatten)]
    synth: synth::Args,
}

/// Runs `rootski diff`.
pub fn run(args: Args) -> anyhow::Result<()> {
    runtime()?.block_on(async {
        let (aws, assembly) = load_assembly(&args.aws, &args.synth).await?;
        let differs = toolkit::diff(&aws, &assembly, &args.stacks, &mut TerminalUi).await?;
        if differs && args.fail {
            anyhow::bail!("the deployed stacks differ from the app (--fail)");
        }
        Ok(())
    })
}
