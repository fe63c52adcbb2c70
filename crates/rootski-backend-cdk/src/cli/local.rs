//! `rootski local` (being written).

/// Arguments of `rootski local`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `rootski local`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`rootski local` is not implemented yet")
}
