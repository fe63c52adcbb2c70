//! `rootski deploy [STACK…]`: synthesize (resolving missing context), publish the
//! assets, and deploy each stack through a change set in dependency order — or,
//! with `--hotswap` / `--hotswap-fallback`, update its Lambda functions directly.

use cdk_toolkit::deploy::changeset::{DeployOptions, RequireApproval};
use cdk_toolkit::deploy::hotswap::HotswapMode;
use cdk_toolkit::deploy::toolkit;

use super::aws_session::{AwsArgs, TerminalUi, load_assembly, runtime};
use super::synth;

/// `--require-approval` values, as the CDK CLI spells them.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Approval {
    /// Never ask.
    Never,
    /// Ask when IAM permissions widen or resources are replaced.
    Broadening,
    /// Ask for every change.
    AnyChange,
}

impl From<Approval> for RequireApproval {
    fn from(a: Approval) -> Self {
        match a {
            Approval::Never => Self::Never,
            Approval::Broadening => Self::Broadening,
            Approval::AnyChange => Self::AnyChange,
        }
    }
}

/// Arguments of `rootski deploy`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct Args {
    /// Stacks to deploy (artifact ids or stack names) [default: all].
    stacks: Vec<String>,
    /// When to ask before executing a change set.
    #[arg(long, value_enum, default_value = "broadening")]
    require_approval: Approval,
    /// Create and describe the change sets, do not execute them.
    #[arg(long)]
    no_execute: bool,
    /// Update Lambda code/environment/description directly (no change set) and ignore
    /// (listing them) the changes that cannot be hotswapped. Development only: it
    /// makes the stack drift from its template.
    #[arg(long, conflicts_with_all = ["hotswap_fallback", "no_execute"])]
    hotswap: bool,
    /// Like --hotswap, but deploy through a change set when anything else changed.
    #[arg(long, conflicts_with = "no_execute")]
    hotswap_fallback: bool,
    #[command(flatten)]
    aws: AwsArgs,
    #[command(flatten)]
    synth: synth::Args,
}

impl Args {
    /// `--hotswap` / `--hotswap-fallback` / neither.
    fn hotswap_mode(&self) -> HotswapMode {
        match (self.hotswap, self.hotswap_fallback) {
            (true, _) => HotswapMode::HotswapOnly,
            (false, true) => HotswapMode::FallBack,
            (false, false) => HotswapMode::FullDeployment,
        }
    }
}

/// Runs `rootski deploy`.
pub fn run(args: Args) -> anyhow::Result<()> {
    runtime()?.block_on(async {
        let (aws, assembly) = load_assembly(&args.aws, &args.synth).await?;
        let options = DeployOptions {
            require_approval: args.require_approval.into(),
            no_execute: args.no_execute,
            hotswap: args.hotswap_mode(),
            ..Default::default()
        };
        toolkit::deploy(&aws, &assembly, &args.stacks, &options, &mut TerminalUi).await?;
        Ok(())
    })
}
