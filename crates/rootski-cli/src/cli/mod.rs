//! One module per subcommand: each defines its clap `Args` and a `run` function.

pub mod aws_session;
pub mod bootstrap;
pub mod deploy;
pub mod destroy;
pub mod diff;
pub mod import;
pub mod local;
pub mod logs;
pub mod serve;
pub mod source_watch;
pub mod synth;
pub mod watch;
