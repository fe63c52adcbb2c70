//! `rootski destroy [STACK…]`: delete the stacks (dependents first) after
//! confirmation, refusing while another stack imports one of their exports.

use cdk_toolkit::deploy::events::Polling;
use cdk_toolkit::deploy::toolkit;

use super::aws_session::{AwsArgs, TerminalUi, load_assembly, runtime};
use super::synth;

/// Arguments of `rootski destroy`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct Args {
    /// Stacks to destroy (artifact ids or stack names) [default: all].
    stacks: Vec<String>,
    /// Do not ask for confirmation.
    #[arg(short, long)]
    force: bool,
    #[command(flatten)]
    aws: AwsArgs,
    #[command(flatten)]
    synth: synth::Args,
}

/// Runs `rootski destroy`.
pub fn run(args: Args) -> anyhow::Result<()> {
    runtime()?.block_on(async {
        let (aws, assembly) = load_assembly(&args.aws, &args.synth).await?;
        toolkit::destroy(
            &aws,
            &assembly,
            &args.stacks,
            args.force,
            Polling::default(),
            &mut TerminalUi,
        )
        .await?;
        Ok(())
    })
}
