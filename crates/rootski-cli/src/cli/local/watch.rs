//! `rootski local --watch`: on every saved change to the workspace's sources, rebuild
//! the function's `bootstrap` (the same incremental bundling as at start), synthesize
//! again, and swap the new API and code under the running gateway
//! (`LocalStack::reload`): the port stays open, requests in flight finish on the old
//! instances, new requests start instances of the new code. A failed build or
//! synthesis is printed and the old code keeps serving, as `cargo lambda watch` does.
//!
//! A change to the stack's definition (`crates/rootski-backend-cdk`, `crates/cdk`)
//! cannot be synthesized by this process, which runs the stack code it was built
//! from: it is synthesized by `rootski synth` built from the changed sources
//! (`cargo run --release --bin rootski -- synth`), as `cdk watch` runs the app again.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use cdk_toolkit::local::{LocalStack, PseudoParameters};
use rootski_backend_cdk::bundling::cargo::set_by_cargo;
use rootski_backend_cdk::bundling::{BundleOptions, bundle_bootstrap};
use tokio::sync::mpsc;

use crate::cli::source_watch::{DEBOUNCE, SourceChange, SourceWatcher};

/// Sources whose change alters the synthesized stack, not only the function's code.
const STACK_SOURCES: &[&str] = &["crates/rootski-backend-cdk", "crates/cdk"];

/// What a reload needs: where the sources, the assembly and the running API are.
pub(super) struct Reloader {
    /// The workspace root (sources, `target/`).
    pub root: PathBuf,
    /// The assembly directory (`cdk.out`).
    pub output: PathBuf,
    /// Pseudo parameters the API was read with.
    pub pseudo: PseudoParameters,
    /// The running API.
    pub local: Arc<LocalStack>,
}

/// Starts watching `root` now (so a failure shows before serving), forwarding each
/// debounced change to the returned channel from a thread of its own.
pub(super) fn start_watching(root: &Path) -> anyhow::Result<mpsc::UnboundedReceiver<SourceChange>> {
    let watcher = SourceWatcher::new(root, DEBOUNCE)?;
    let (send, changes) = mpsc::unbounded_channel();
    std::thread::Builder::new()
        .name("source-watch".into())
        .spawn(move || {
            while let Some(change) = watcher.next_change() {
                if send.send(change).is_err() {
                    break;
                }
            }
        })
        .context("cannot start the source watcher thread")?;
    eprintln!(
        "watching {} (crates/**, Cargo.toml, Cargo.lock) for changes",
        root.display()
    );
    Ok(changes)
}

/// Rebuilds and reloads on every change until the channel closes. Changes that
/// arrive during a rebuild are merged into the next one.
pub(super) async fn reload_on_change(
    reloader: Reloader,
    mut changes: mpsc::UnboundedReceiver<SourceChange>,
) {
    let reloader = Arc::new(reloader);
    while let Some(mut change) = changes.recv().await {
        while let Ok(more) = changes.try_recv() {
            change.paths.extend(more.paths);
        }
        eprintln!("\nchanged: {}", change.summary());
        if let Err(error) = reload(&reloader, &change).await {
            eprintln!("{error:#}");
            eprintln!("reload failed; the previous code keeps serving\n");
        }
    }
}

/// One rebuild → synthesis → swap, with what each step took on one line.
async fn reload(reloader: &Arc<Reloader>, change: &SourceChange) -> anyhow::Result<()> {
    let stack_changed = change.touches(STACK_SOURCES);
    let building = reloader.clone();
    let built = tokio::task::spawn_blocking(move || building.rebuild(stack_changed))
        .await
        .context("the rebuild task stopped")??;
    let api = super::load_api(&reloader.output, &reloader.pseudo)?;
    let reloaded = reloader.local.reload(api).await?;
    eprintln!(
        "reloaded: rebuilt bootstrap in {} ({}), synthesized in {}{}, swapped in {}{}",
        seconds(built.bundle_took),
        built.bundle_note,
        seconds(built.synth_took),
        if stack_changed {
            " (stack changed: routes reloaded)"
        } else {
            ""
        },
        millis(reloaded.swap_took),
        match reloaded.in_flight {
            0 => String::new(),
            n => format!("; {n} request(s) finishing on the old code"),
        }
    );
    tokio::spawn(async move {
        let drained = reloaded.drained().await;
        if drained.gave_up {
            eprintln!(
                "old instances stopped after {} with requests still running (integration timeout)",
                seconds(drained.took)
            );
        }
    });
    Ok(())
}

/// What the blocking part of a reload did.
struct Rebuilt {
    bundle_took: Duration,
    bundle_note: &'static str,
    synth_took: Duration,
}

impl Reloader {
    /// Bundles `bootstrap` again, then synthesizes: here, or through `rootski synth`
    /// built from the changed sources when the stack's definition changed.
    fn rebuild(&self, stack_changed: bool) -> anyhow::Result<Rebuilt> {
        let started = Instant::now();
        let mut options = BundleOptions::for_workspace(&self.root);
        // A spinner on a terminal; elsewhere nothing until it fails, then the
        // compiler's last lines (in the error).
        options.progress = true;
        let bundle = bundle_bootstrap(&options).map_err(|error| match error {
            // The compiler's own message, without the long cargo command line.
            rootski_backend_cdk::Error::Build { output, .. } => {
                anyhow::anyhow!("building the Lambda bootstrap failed:\n{output}")
            }
            other => other.into(),
        })?;
        let bundle_took = started.elapsed();
        let bundle_note = if !bundle.cargo_ran {
            "sources unchanged"
        } else if bundle.reused {
            "binary unchanged"
        } else {
            "new binary"
        };
        let started = Instant::now();
        if stack_changed {
            synthesize_from_sources(&self.root, &self.output, &bundle.asset_dir)?;
        } else {
            super::synthesize(&self.root, &self.output, &bundle.asset_dir)?;
        }
        Ok(Rebuilt {
            bundle_took,
            bundle_note,
            synth_took: started.elapsed(),
        })
    }
}

/// `cargo run --release --bin rootski -- synth` in `root`: the changed stack code,
/// compiled, synthesizes into `output` with `asset_dir` as the function's code and the
/// account and region `rootski local` uses when none is configured. Cargo's and the
/// compiler's messages go to our stderr as they come.
fn synthesize_from_sources(root: &Path, output: &Path, asset_dir: &Path) -> anyhow::Result<()> {
    let mut command = Command::new("cargo");
    command
        .args([
            "run",
            "--release",
            "--locked",
            "--quiet",
            "--bin",
            "rootski",
        ])
        .args(["--", "synth", "--output"])
        .arg(output)
        .arg("--code-asset")
        .arg(asset_dir)
        .arg("--app-dir")
        .arg(root)
        .current_dir(root)
        .env_remove(cdk::CONTEXT_ENV)
        .env_remove("CDK_OUTDIR");
    let inherited = std::env::vars_os().filter_map(|(name, _)| name.into_string().ok());
    for name in set_by_cargo(inherited) {
        command.env_remove(name);
    }
    for (name, value) in [
        ("CDK_DEFAULT_ACCOUNT", "123456789012"),
        ("CDK_DEFAULT_REGION", "us-east-1"),
    ] {
        if std::env::var_os(name).is_none() {
            command.env(name, value);
        }
    }
    let status = command
        .status()
        .context("cannot run cargo (it must be on PATH) to synthesize the changed stack")?;
    if !status.success() {
        bail!(
            "synthesizing the changed stack failed (`cargo run --release --bin rootski -- synth`, {status})"
        );
    }
    Ok(())
}

fn seconds(duration: Duration) -> String {
    format!("{:.1} s", duration.as_secs_f64())
}

fn millis(duration: Duration) -> String {
    format!("{:.0} ms", duration.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::STACK_SOURCES;
    use crate::cli::source_watch::SourceChange;

    fn change(path: &str) -> SourceChange {
        SourceChange {
            paths: [path.into()].into_iter().collect(),
        }
    }

    #[test]
    fn only_the_stacks_crates_need_a_synth_from_sources() {
        for stack in [
            "crates/rootski-backend-cdk/src/app.rs",
            "crates/cdk/core/src/stack/mod.rs",
            "crates/cdk/aws/src/aws_lambda/function.rs",
        ] {
            assert!(change(stack).touches(STACK_SOURCES), "{stack}");
        }
        for code in [
            "crates/rootski-lambda/src/app.rs",
            "crates/rootski-api/src/routes/search.rs",
            "crates/cdk-toolkit/src/local/mod.rs",
            "Cargo.toml",
        ] {
            assert!(!change(code).touches(STACK_SOURCES), "{code}");
        }
    }
}
