//! One module per subcommand: each defines its clap `Args` and a `run` function.

pub mod import;
pub mod local;
pub mod serve;
pub mod synth;
