//! What `deploy`, `diff`, `destroy` and `bootstrap` share: AWS flags (standard
//! environment variables as defaults), the terminal UI, the runtime, and synthesis
//! with missing-context resolution (look up, cache in `cdk.context.json`,
//! re-synthesize).

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context as _, bail};
use cdk_toolkit::deploy::Ui;
use cdk_toolkit::deploy::aws::{Aws, AwsSettings};
use cdk_toolkit::deploy::context::{MissingLookup, merge_context_file, resolve};
use serde_json::Map;

use super::synth::{self, SynthRun};

/// AWS connection flags.
#[derive(Debug, Clone, clap::Args)]
pub struct AwsArgs {
    /// AWS profile [default: $AWS_PROFILE, else `default`].
    #[arg(long, env = "AWS_PROFILE")]
    profile: Option<String>,
    /// Region for environment-agnostic stacks [default: $AWS_REGION, $AWS_DEFAULT_REGION, profile].
    #[arg(long, env = "AWS_REGION")]
    region: Option<String>,
    /// Endpoint for every AWS service (a local emulator such as moto).
    #[arg(long, env = "AWS_ENDPOINT_URL")]
    endpoint_url: Option<String>,
    /// Show the AWS SDK's details of each failed call (errors are otherwise one line).
    #[arg(short, long)]
    verbose: bool,
}

impl AwsArgs {
    /// Loads the SDK configuration (and, with `--verbose`, logs the toolkit's and the
    /// SDK's debug output to stderr).
    pub async fn load(&self) -> Aws {
        if self.verbose {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(
                    "cdk_toolkit=debug,aws_smithy_runtime=debug,aws_config=debug",
                ))
                .with_writer(std::io::stderr)
                .try_init();
        }
        let region = self
            .region
            .clone()
            .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok())
            .filter(|r| !r.is_empty());
        Aws::load(&AwsSettings {
            profile: self.profile.clone(),
            region,
            endpoint_url: self.endpoint_url.clone(),
        })
        .await
    }
}

/// Progress to stderr; questions answered on the terminal (never without one).
pub struct TerminalUi;

impl Ui for TerminalUi {
    fn line(&mut self, text: &str) {
        eprintln!("{text}");
    }

    fn confirm(&mut self, question: &str) -> bool {
        eprint!("{question} ");
        let _ = std::io::stderr().flush();
        if !std::io::stdin().is_terminal() {
            eprintln!("\n(no terminal to answer on: not confirmed)");
            return false;
        }
        let mut answer = String::new();
        if std::io::stdin().lock().read_line(&mut answer).is_err() {
            return false;
        }
        matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
    }
}

/// A multi-threaded runtime for the SDK.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// What `deploy`, `diff` and `destroy` start from: the AWS configuration and the
/// app's cloud assembly, synthesized with its missing context looked up.
pub async fn load_assembly(
    aws_args: &AwsArgs,
    synth_args: &synth::Args,
) -> anyhow::Result<(Aws, cdk_toolkit::assembly::AssemblyReader)> {
    let aws = aws_args.load().await;
    let synthesized = synthesize_with_lookups(synth_args, &aws).await?;
    let assembly = cdk_toolkit::assembly::AssemblyReader::load(&synthesized.outdir)
        .with_context(|| format!("reading {}", synthesized.outdir.display()))?;
    Ok((aws, assembly))
}

/// Synthesizes; when lookups are missing, answers them with AWS, caches the answers
/// in the app directory's `cdk.context.json` (other keys untouched) and synthesizes
/// again.
async fn synthesize_with_lookups(args: &synth::Args, aws: &Aws) -> anyhow::Result<SynthRun> {
    let first = synth::synthesize(args, &Map::new())?;
    if first.synthesized.missing.is_empty() {
        return Ok(first);
    }
    let missing: Vec<MissingLookup> = first
        .synthesized
        .missing
        .iter()
        .map(|m| MissingLookup {
            key: m.key.clone(),
            provider: m.provider.clone(),
            props: m.props.clone(),
        })
        .collect();
    for m in &missing {
        eprintln!("Looking up context \"{}\" ({})...", m.key, m.provider);
    }
    let answers = match resolve(aws, &missing, &mut TerminalUi).await {
        Ok(a) => a,
        Err(e) => {
            let mut msg = format!("{e}\n");
            for m in &first.synthesized.missing {
                msg.push_str(&synth::explain_missing(m));
            }
            bail!(msg);
        }
    };
    match &first.app_dir {
        Some(dir) => {
            let path = dir.join("cdk.context.json");
            merge_context_file(&path, &answers)?;
            eprintln!("Cached {} lookup(s) in {}", answers.len(), path.display());
        }
        None => eprintln!("No app directory (cdk.json) found: the lookups are not cached"),
    }
    let second = synth::synthesize(args, &answers)?;
    if !second.synthesized.missing.is_empty() {
        let keys: Vec<&str> = second
            .synthesized
            .missing
            .iter()
            .map(|m| m.key.as_str())
            .collect();
        bail!(
            "context still missing after the lookups: {}",
            keys.join(", ")
        );
    }
    Ok(second)
}
