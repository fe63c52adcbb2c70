//! `rootski synth` (being written).

/// Arguments of `rootski synth`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `rootski synth`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`rootski synth` is not implemented yet")
}
