//! `rootski watch [STACK…]`: `cdk watch` for the rootski stack. Deploys once with
//! `--hotswap-fallback`, then, on each debounced change of the workspace's sources
//! ([`super::source_watch`]), bundles, synthesizes and deploys again the same way —
//! a code change is a Lambda hotswap of seconds, anything else a change set — while
//! the stacks' function log events stream to stdout ([`super::logs::stream`]).
//! A failed build or deployment is printed and the watch goes on; Ctrl-C ends it.
//! Changes saved during a deployment are picked up right after it, in one more
//! deployment (as `cdk watch` queues them).

use std::time::Duration;

use cdk_toolkit::deploy::changeset::{DeployOptions, RequireApproval};
use cdk_toolkit::deploy::hotswap::HotswapMode;
use cdk_toolkit::deploy::toolkit::{self, StackLogs};
use tokio::sync::mpsc;

use super::aws_session::{AwsArgs, TerminalUi, load_assembly, runtime};
use super::logs::{POLL_INTERVAL, stream};
use super::source_watch::{DEBOUNCE, SourceChange, SourceWatcher};
use super::synth;

/// Arguments of `rootski watch`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct Args {
    /// Stacks to watch and deploy (artifact ids or stack names) [default: all].
    stacks: Vec<String>,
    /// Do not stream the functions' log events.
    #[arg(long)]
    no_logs: bool,
    #[command(flatten)]
    aws: AwsArgs,
    #[command(flatten)]
    synth: synth::Args,
}

/// Runs `rootski watch`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let root = super::local::workspace_root("rootski watch")?;
    let watcher = SourceWatcher::new(&root, DEBOUNCE)?;
    runtime()?.block_on(async {
        let changes = forward_changes(watcher);
        watch(&args, changes).await
    })
}

/// The source changes, from the watcher's blocking thread to the runtime.
fn forward_changes(watcher: SourceWatcher) -> mpsc::UnboundedReceiver<SourceChange> {
    let (send, receive) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        while let Some(change) = watcher.next_change() {
            if send.send(change).is_err() {
                return;
            }
        }
    });
    receive
}

async fn watch(
    args: &Args,
    mut changes: mpsc::UnboundedReceiver<SourceChange>,
) -> anyhow::Result<()> {
    eprintln!("Watching the workspace's sources; Ctrl-C stops.");
    let mut logs = None;
    deploy_once(args, &mut logs).await;
    loop {
        let change = tokio::select! {
            change = changes.recv() => change,
            _ = tokio::signal::ctrl_c() => None,
        };
        let Some(mut change) = change else { break };
        // Everything saved meanwhile goes into this one deployment.
        while let Ok(more) = changes.try_recv() {
            change.paths.extend(more.paths);
        }
        eprintln!(
            "Detected change to {}. Triggering 'rootski deploy --hotswap-fallback'",
            change.summary()
        );
        deploy_once(args, &mut logs).await;
    }
    if let Some(task) = logs {
        task.abort();
    }
    Ok(())
}

/// Bundle, synthesize, deploy with `--hotswap-fallback`; a failure is printed. After
/// the first successful deployment, the log events of its stacks start streaming
/// (unless `--no-logs`), from the same assembly.
async fn deploy_once(args: &Args, logs: &mut Option<tokio::task::JoinHandle<()>>) {
    let started = std::time::Instant::now();
    let result = async {
        let (aws, assembly) = load_assembly(&args.aws, &args.synth).await?;
        let options = DeployOptions {
            require_approval: RequireApproval::Never,
            hotswap: HotswapMode::FallBack,
            ..Default::default()
        };
        toolkit::deploy(&aws, &assembly, &args.stacks, &options, &mut TerminalUi).await?;
        eprintln!(
            "✨  Deployment time: {:.1}s",
            started.elapsed().as_secs_f64()
        );
        if logs.is_none() && !args.no_logs {
            let groups =
                toolkit::log_groups(&aws, &assembly, &args.stacks, &mut TerminalUi).await?;
            *logs = Some(tokio::spawn(stream_logs(groups)));
        }
        anyhow::Ok(())
    }
    .await;
    if let Err(e) = result {
        eprintln!(
            "error: {}. Watching for the next change.",
            crate::error_line(&e)
        );
    }
}

/// The functions' log events from now on, until aborted.
async fn stream_logs(groups: Vec<StackLogs>) {
    if let Err(e) = stream(
        groups,
        Duration::ZERO,
        Some(POLL_INTERVAL),
        std::future::pending(),
    )
    .await
    {
        let line = crate::error_line(&e);
        eprintln!("logs: {line}; no more log events in this watch (see `rootski logs --follow`)");
    }
}
