//! `rootski logs [STACK…] [--follow] [--since 10m]`: the log events of the stacks'
//! Lambda functions (or of their log groups), one line each, JSON messages
//! pretty-printed; `--follow` polls until Ctrl-C. `rootski watch` streams with the
//! same [`stream`].

use std::time::Duration;

use cdk_toolkit::deploy::logs::{LogTail, format_event, parse_since};
use cdk_toolkit::deploy::toolkit::{self, StackLogs};

use super::aws_session::{AwsArgs, TerminalUi, load_assembly, runtime};
use super::synth;

/// Between two polls of `--follow` (`cdk watch` polls every 2 s too).
pub const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// Arguments of `rootski logs`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct Args {
    /// Stacks whose functions' logs to show (artifact ids or stack names) [default: all].
    stacks: Vec<String>,
    /// Keep polling for new events until Ctrl-C.
    #[arg(short, long)]
    follow: bool,
    /// How far back to start: a number and a unit, s, m, h or d (30s, 10m, 2h, 1d).
    #[arg(long, default_value = "10m", value_parser = since_arg)]
    since: Duration,
    #[command(flatten)]
    aws: AwsArgs,
    #[command(flatten)]
    synth: synth::Args,
}

fn since_arg(value: &str) -> Result<Duration, String> {
    parse_since(value).map_err(|e| e.to_string())
}

/// Runs `rootski logs`.
pub fn run(args: Args) -> anyhow::Result<()> {
    runtime()?.block_on(async {
        // Only the stacks' names and environments are needed: no bundling.
        let (aws, assembly) = load_assembly(&args.aws, &args.synth.without_bundling()).await?;
        let stacks = toolkit::log_groups(&aws, &assembly, &args.stacks, &mut TerminalUi).await?;
        let follow = args.follow.then_some(POLL_INTERVAL);
        stream(stacks, args.since, follow, std::future::pending()).await
    })
}

/// Prints the stacks' events from `since` ago on, to stdout; with `follow`, polls
/// at that interval until Ctrl-C or `stop` completes. A missing log group is said
/// once on stderr.
pub async fn stream(
    stacks: Vec<StackLogs>,
    since: Duration,
    follow: Option<Duration>,
    stop: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let mut tails: Vec<(StackLogs, LogTail)> = stacks
        .into_iter()
        .map(|s| {
            let tail = LogTail::new(s.groups.clone(), since);
            (s, tail)
        })
        .collect();
    tokio::pin!(stop);
    loop {
        for (stack, tail) in &mut tails {
            let (events, missing) = tail.poll(&stack.logs).await?;
            for group in missing {
                eprintln!(
                    "{}: log group {group} does not exist (yet): the function has not logged \
                     anything{}",
                    stack.stack_name,
                    if follow.is_some() {
                        "; waiting for it"
                    } else {
                        ""
                    }
                );
            }
            for event in &events {
                println!("{}", format_event(event));
            }
        }
        let Some(interval) = follow else {
            return Ok(());
        };
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = tokio::signal::ctrl_c() => return Ok(()),
            _ = &mut stop => return Ok(()),
        }
    }
}
