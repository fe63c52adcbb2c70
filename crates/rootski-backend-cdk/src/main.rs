//! `rootski`: the one command-line tool of the project. Each subcommand lives in its
//! own module under `cli/`; this file only parses arguments and dispatches.

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
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
