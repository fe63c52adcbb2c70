//! `rootski synth`: synthesize the Rootski stack into a cloud assembly (`cdk.out/`).
//!
//! Context is merged as the CDK CLI does (`cdk.context.json` < `cdk.json` "context" <
//! `-c key=value`), from the nearest directory upwards holding a `cdk.json`, else from
//! the copies bundled into the binary. When the CDK CLI runs us as its app (`cdk.json`
//! "app"), it passes `CDK_OUTDIR` and the merged context in `CDK_CONTEXT_JSON`, which
//! then take the place of the files.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use std::io::IsTerminal;

use rootski_backend_cdk::app::{self, AppConfig};
use rootski_backend_cdk::lambda_rest_api::stacks::lambda_rest_api::RootskiLambdaRestApiProps;
use serde_json::{Map, Value};

/// The repository's `cdk.json` / `cdk.context.json`, used when none is found on disk.
const BUNDLED_CDK_JSON: &str = include_str!("../../../../cdk.json");
const BUNDLED_CDK_CONTEXT_JSON: &str = include_str!("../../../../cdk.context.json");

/// Arguments of `rootski synth`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output directory of the cloud assembly [default: $CDK_OUTDIR or cdk.out].
    #[arg(short, long, env = "ROOTSKI__OUTPUT", value_name = "DIR")]
    output: Option<PathBuf>,
    /// Context value, repeatable: `-c key=value` (JSON objects/arrays are parsed).
    #[arg(short = 'c', long = "context", value_name = "KEY=VALUE")]
    context: Vec<String>,
    /// Directory with cdk.json / cdk.context.json [default: nearest ancestor of the
    /// current directory that has a cdk.json, else the bundled copies].
    #[arg(long, env = "ROOTSKI__APP_DIR", value_name = "DIR")]
    app_dir: Option<PathBuf>,
    /// Directory (or zip) holding a ready Lambda `bootstrap` [default: bundle
    /// rootski-lambda now].
    #[arg(long, env = "ROOTSKI__CODE_ASSET", value_name = "PATH")]
    code_asset: Option<PathBuf>,
    /// Skip bundling: stage a placeholder `bootstrap` instead of building rootski-lambda
    /// (fast; the assembly is then not deployable). By default synthesis bundles the
    /// real `bootstrap` (cargo release build, glibc check, reproducible zip), as CDK
    /// bundles assets, unless the stack is excluded by `aws:cdk:bundling-stacks`.
    #[arg(long, env = "ROOTSKI__NO_BUNDLE", conflicts_with = "code_asset")]
    no_bundle: bool,
    /// Set by commands that only read the stacks' environments (`bootstrap`): no
    /// bundling, and no warning about the placeholder.
    #[arg(skip)]
    environments_only: bool,
    /// Account and region used when neither the context nor `CDK_DEFAULT_ACCOUNT` /
    /// `CDK_DEFAULT_REGION` name them (`rootski local`, which never deploys).
    #[arg(skip)]
    fallback_environment: Option<(String, String)>,
}

impl Args {
    /// The same synthesis without bundling, for commands that only read the stacks'
    /// environments (`bootstrap`), as the CDK CLI skips bundling for them.
    pub(crate) fn without_bundling(&self) -> Self {
        Self {
            output: self.output.clone(),
            context: self.context.clone(),
            app_dir: self.app_dir.clone(),
            code_asset: None,
            no_bundle: true,
            environments_only: true,
            fallback_environment: self.fallback_environment.clone(),
        }
    }

    /// The synthesis of `rootski local`: the workspace's context, `code_asset` as the
    /// function's code, and a placeholder environment when none is configured
    /// (lookups then use their dummy values, which is fine for a local run).
    pub(crate) fn local(output: PathBuf, app_dir: PathBuf, code_asset: PathBuf) -> Self {
        Self {
            output: Some(output),
            context: Vec::new(),
            app_dir: Some(app_dir),
            code_asset: Some(code_asset),
            no_bundle: false,
            environments_only: false,
            fallback_environment: Some(("123456789012".into(), "us-east-1".into())),
        }
    }
}

/// What [`synthesize`] produced.
pub(crate) struct SynthRun {
    /// The assembly directory.
    pub outdir: PathBuf,
    /// The directory holding cdk.json / cdk.context.json, if one was found.
    pub app_dir: Option<PathBuf>,
    /// The assembly and the unanswered context lookups.
    pub synthesized: app::Synthesized,
}

/// Runs `rootski synth`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let under_cdk_cli = std::env::var_os(cdk::CONTEXT_ENV).is_some();
    let SynthRun {
        outdir,
        synthesized,
        ..
    } = synthesize(&args, &Map::new())?;
    if !synthesized.missing.is_empty() && !under_cdk_cli {
        let mut msg = String::from("synthesis needs context values that are not available:\n");
        for m in &synthesized.missing {
            msg.push_str(&explain_missing(m));
        }
        msg.push_str(&format!(
            "The assembly in {} uses dummy values for them and must not be deployed.",
            outdir.display()
        ));
        bail!(msg);
    }
    for stack in &synthesized.assembly.stacks {
        let resources = stack
            .template
            .get("Resources")
            .and_then(Value::as_object)
            .map_or(0, Map::len);
        eprintln!(
            "Synthesized {} ({}, {resources} resources) to {}",
            stack.stack_name,
            stack.environment,
            synthesized.assembly.directory.display()
        );
    }
    Ok(())
}

/// Synthesizes with the merged context plus `extra_context` (lookup answers the
/// deploy command just resolved) on top; missing context is returned, not an error.
pub(crate) fn synthesize(
    args: &Args,
    extra_context: &Map<String, Value>,
) -> anyhow::Result<SynthRun> {
    let outdir = args
        .output
        .clone()
        .or_else(|| std::env::var_os(cdk::OUTDIR_ENV).map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("cdk.out"));
    let app_dir = match args.app_dir.clone() {
        Some(d) if !d.is_dir() => bail!(
            "the app directory {} (--app-dir) is not a directory: pass the rootski workspace (the folder with cdk.json), or leave --app-dir out inside it",
            d.display()
        ),
        Some(d) => Some(d),
        None => find_app_dir()?,
    };
    let mut context = base_context(app_dir.as_deref())?;
    for arg in &args.context {
        let (key, value) = cdk::context::parse_context_arg(arg)?;
        context.insert(key, value);
    }
    context.extend(extra_context.clone());
    let bundle = match (&args.code_asset, args.no_bundle, &app_dir) {
        (None, false, Some(root)) if !root.join("Cargo.toml").is_file() => bail!(
            "bundling builds rootski-lambda from the rootski workspace, but the app directory {} has no Cargo.toml: run inside the repository, pass --code-asset DIR with a built bootstrap, or --no-bundle for a placeholder",
            root.display()
        ),
        (None, false, Some(root)) => {
            let mut options = rootski_backend_cdk::bundling::BundleOptions::for_workspace(root);
            options.progress = std::io::stderr().is_terminal();
            Some(options)
        }
        (None, false, None) => bail!(
            "bundling needs the rootski workspace: run inside the repository (a directory with cdk.json), pass --app-dir, or --no-bundle for a placeholder bootstrap"
        ),
        _ => None,
    };
    if args.no_bundle && !args.environments_only {
        eprintln!(
            "warning: --no-bundle: the function code is a placeholder bootstrap; do not deploy this assembly"
        );
    }
    let fallback = args.fallback_environment.as_ref();
    let config = AppConfig {
        outdir: outdir.clone(),
        context,
        default_account: std::env::var("CDK_DEFAULT_ACCOUNT")
            .ok()
            .or_else(|| fallback.map(|(account, _)| account.clone())),
        default_region: std::env::var("CDK_DEFAULT_REGION")
            .ok()
            .or_else(|| fallback.map(|(_, region)| region.clone())),
        path_metadata: true,
        stack_props: RootskiLambdaRestApiProps {
            code_asset: args.code_asset.clone(),
            bundle,
            ..Default::default()
        },
    };
    let synthesized = app::synth(&config)?;
    Ok(SynthRun {
        outdir,
        app_dir,
        synthesized,
    })
}

/// Context from `CDK_CONTEXT_JSON`, or the files of the app directory, or the bundled
/// copies.
fn base_context(app_dir: Option<&Path>) -> anyhow::Result<Map<String, Value>> {
    if let Ok(json) = std::env::var(cdk::CONTEXT_ENV) {
        return match serde_json::from_str(&json) {
            Ok(Value::Object(m)) => Ok(m),
            _ => bail!("{} must hold a JSON object", cdk::CONTEXT_ENV),
        };
    }
    match app_dir {
        Some(d) => Ok(cdk::context::load_context(d, &[])
            .with_context(|| format!("reading the CDK context in {}", d.display()))?),
        None => {
            let mut ctx: Map<String, Value> = serde_json::from_str(BUNDLED_CDK_CONTEXT_JSON)?;
            let cdk_json: Value = serde_json::from_str(BUNDLED_CDK_JSON)?;
            if let Some(Value::Object(c)) = cdk_json.get("context") {
                ctx.extend(c.clone());
            }
            Ok(ctx)
        }
    }
}

fn find_app_dir() -> anyhow::Result<Option<PathBuf>> {
    let cwd = std::env::current_dir().context("reading the current directory")?;
    Ok(cwd
        .ancestors()
        .find(|d| d.join("cdk.json").is_file())
        .map(Path::to_path_buf))
}

pub(crate) fn explain_missing(m: &cdk::MissingContext) -> String {
    let mut s = format!("  - \"{}\" (provider {})\n", m.key, m.provider);
    if m.provider == "hosted-zone" {
        let domain = m
            .props
            .get("domainName")
            .and_then(Value::as_str)
            .unwrap_or("<domain>");
        s.push_str(&format!(
            "    the Route 53 hosted zone of {domain} in account {} / region {}.\n    \
             Add it to cdk.context.json:  \"{}\": {{\"Id\": \"/hostedzone/<ZONE ID>\", \"Name\": \"{domain}.\"}}\n    \
             or pass it once:  -c '{}={{\"Id\":\"/hostedzone/<ZONE ID>\",\"Name\":\"{domain}.\"}}'\n    \
             (find the id with `aws route53 list-hosted-zones-by-name --dns-name {domain}`, or run `cdk synth` \
             with AWS credentials and the CDK CLI looks it up and caches it)\n",
            m.props.get("account").and_then(Value::as_str).unwrap_or("?"),
            m.props.get("region").and_then(Value::as_str).unwrap_or("?"),
            m.key,
            m.key,
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_app_dir_is_named_not_mistaken_for_missing_context() {
        let dir = tempfile::tempdir().unwrap();
        let args = Args {
            output: Some(dir.path().join("cdk.out")),
            context: Vec::new(),
            app_dir: Some(dir.path().join("nonexistent")),
            code_asset: None,
            no_bundle: true,
            environments_only: false,
            fallback_environment: None,
        };
        let err = synthesize(&args, &Map::new())
            .err()
            .expect("an error")
            .to_string();
        assert!(
            err.contains("nonexistent")
                && err.contains("--app-dir")
                && err.contains("not a directory"),
            "{err}"
        );
    }
}
