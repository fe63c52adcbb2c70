//! `rootski import` (being written).

/// Arguments of `rootski import`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `rootski import`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`rootski import` is not implemented yet")
}
