//! `rootski serve` (being written).

/// Arguments of `rootski serve`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `rootski serve`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`rootski serve` is not implemented yet")
}
