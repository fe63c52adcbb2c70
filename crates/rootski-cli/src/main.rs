//! `rootski`: the one command-line tool of the project. Each subcommand lives in its
//! own module under `cli/`; this file only parses arguments and dispatches.
//!
//! The stacks and the bundling are the `rootski_backend_cdk` library; the API is
//! `rootski_api`; deploying and the local emulator are `cdk_toolkit`. This crate also
//! depends on `rootski-lambda`, which it never calls: the bundle build selects this
//! package beside the function's (`rootski_backend_cdk::bundling::CLI_PACKAGE`), so
//! both builds resolve the function's crates with the same features and the bundle
//! reuses the artifacts of `cargo run --release --bin rootski`.

mod cli;

use clap::{Parser, Subcommand};

/// rootski backend: serve the API, import data, synthesize and run the CDK stack.
#[derive(Debug, Parser)]
#[command(name = "rootski", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the rootski API over HTTP.
    Serve(cli::serve::Args),
    /// Import items, DynamoDB JSON or the open dataset into a store.
    Import(cli::import::Args),
    /// Synthesize the CDK app into a cloud assembly (cdk.out/).
    Synth(cli::synth::Args),
    /// Build, synthesize and run the whole stack on 127.0.0.1 (API Gateway -> Lambda -> store).
    Local(cli::local::Args),
    /// Deploy stacks to AWS CloudFormation (assets, change sets, events, outputs).
    Deploy(cli::deploy::Args),
    /// Compare stacks with what is deployed.
    Diff(cli::diff::Args),
    /// Delete deployed stacks.
    Destroy(cli::destroy::Args),
    /// Create the asset bucket and version parameter deployments need.
    Bootstrap(cli::bootstrap::Args),
    /// Show (or follow) the log events of the stacks' Lambda functions.
    Logs(cli::logs::Args),
    /// On each source change: bundle, synthesize and deploy with --hotswap-fallback,
    /// streaming the functions' log events.
    Watch(cli::watch::Args),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => cli::serve::run(args),
        Command::Import(args) => cli::import::run(args),
        Command::Synth(args) => cli::synth::run(args),
        Command::Local(args) => cli::local::run(args),
        Command::Deploy(args) => cli::deploy::run(args),
        Command::Diff(args) => cli::diff::run(args),
        Command::Destroy(args) => cli::destroy::run(args),
        Command::Bootstrap(args) => cli::bootstrap::run(args),
        Command::Logs(args) => cli::logs::run(args),
        Command::Watch(args) => cli::watch::run(args),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", error_line(&err));
            std::process::ExitCode::FAILURE
        }
    }
}

/// The error and its causes joined with `: `, leaving out a cause whose text the
/// line already holds (many errors print their source in their own message, so
/// `{:#}` would say "(os error 2): No such file or directory (os error 2)").
pub(crate) fn error_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if text.is_empty() || line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::error_line;

    #[test]
    fn causes_already_in_the_message_are_not_repeated() {
        let io = std::io::Error::from(std::io::ErrorKind::NotFound);
        let inner = anyhow::Error::new(io).context("cannot read x.json: entity not found");
        let err = inner.context("import failed");
        assert_eq!(
            error_line(&err),
            "import failed: cannot read x.json: entity not found"
        );
        let plain = anyhow::anyhow!("disk full").context("cannot write");
        assert_eq!(error_line(&plain), "cannot write: disk full");
    }
}
