//! `rootski local`: build, synthesize and run the whole stack on 127.0.0.1.
//!
//! 1. bundles the Lambda `bootstrap` (release build, glibc check, reproducible zip);
//! 2. synthesizes the stack into `cdk.out/` with that bundle as the function's code;
//! 3. seeds the embedded store with the bundled open dataset (embedded store only),
//!    or with `--store dynamodb` and `ROOTSKI__DYNAMO_ENDPOINT_URL` (a local emulator)
//!    creates the table if missing (load data with `rootski import --store dynamodb`);
//! 4. serves the synthesized API Gateway REST API with `cdk-toolkit`'s local runner:
//!    every request goes gateway → Lambda Runtime API → a real `bootstrap` process
//!    with the template's environment and timeout, so what runs is what deploys.
//!
//! `ROOTSKI__*` variables of this process override the template's for the function
//! (e.g. a local JWKS file). The stack sets `ROOTSKI__FETCH_VALUES_FROM_AWS_SSM=true`,
//! which would make every local function instance call AWS SSM at init; locally it is
//! overridden to `false` (and said so on stderr), so `rootski local` runs offline,
//! unless `--ssm` or `ROOTSKI__FETCH_VALUES_FROM_AWS_SSM=true` in this process asks
//! for SSM; then AWS credentials and `AWS_ENDPOINT_URL*` are passed to the function.
//!
//! With `--watch`, a saved change to the sources rebuilds, synthesizes and swaps the
//! new code in without closing the port ([`watch`]).

mod watch;

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use cdk_toolkit::assembly::AssemblyReader;
use cdk_toolkit::local::{LocalApi, LocalOptions, LocalStack, PseudoParameters};
use rootski_api::startup::{self, StoreAtStart, TableAtStart};
use rootski_backend_cdk::app::STACK_ID;
use rootski_backend_cdk::bundling::{BundleOptions, bundle_bootstrap};

use super::serve::StoreArg;

/// Arguments of `rootski local`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Port of the local API Gateway on 127.0.0.1 (0 picks a free one).
    #[arg(long, env = "ROOTSKI__LOCAL_PORT", default_value_t = 3000)]
    port: u16,
    /// Store the function reads.
    #[arg(long, env = "ROOTSKI__STORE", value_enum, default_value = "embedded")]
    store: StoreArg,
    /// Embedded store file; a new or empty one is seeded with the bundled dataset.
    #[arg(long, env = "ROOTSKI__DB", default_value = "rootski.sqlite3")]
    db: PathBuf,
    /// Never seed the embedded store with the bundled dataset, even when it is new.
    #[arg(long)]
    no_seed: bool,
    /// Reuse the last bundle instead of building the bootstrap.
    #[arg(long, env = "ROOTSKI__LOCAL_NO_BUILD")]
    no_build: bool,
    /// Let the function fetch settings from AWS SSM, as the deployed stack does.
    #[arg(long, env = "ROOTSKI__LOCAL_SSM")]
    ssm: bool,
    /// Cloud assembly directory to synthesize into.
    #[arg(long, env = "ROOTSKI__LOCAL_OUTPUT", default_value = "cdk.out")]
    output: PathBuf,
    /// Most concurrent function instances.
    #[arg(long, env = "ROOTSKI__LOCAL_MAX_INSTANCES", default_value_t = 4)]
    max_instances: usize,
    /// Watch the sources (crates/**, Cargo.toml, Cargo.lock): on a change rebuild the
    /// bootstrap, synthesize again and swap the new code in; the port stays open and
    /// a failed build keeps the old code serving.
    #[arg(long, env = "ROOTSKI__LOCAL_WATCH")]
    watch: bool,
}

/// Runs `rootski local`.
pub fn run(args: Args) -> anyhow::Result<()> {
    show_emulator_lines();
    // The port first: a busy one fails now, not after minutes of building and seeding.
    let address = SocketAddr::from(([127, 0, 0, 1], args.port));
    let listener = std::net::TcpListener::bind(address)
        .with_context(|| format!("cannot listen on {address}; pick another port with --port"))?;
    listener.set_nonblocking(true)?;
    let root = workspace_root("rootski local")?;
    // Watching starts before the first build, so an edit saved meanwhile is not lost.
    let changes = match args.watch {
        true => Some(watch::start_watching(&root)?),
        false => None,
    };
    let asset_dir = bundle(&root, args.no_build)?;
    let output = absolute(&args.output)?;
    synthesize(&root, &output, &asset_dir)?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let watching = changes.map(|changes| (root, changes));
    runtime.block_on(serve(&args, &output, listener, watching))
}

/// The emulator (`cdk_toolkit::local`) reports requests, the functions' output and
/// `REPORT` lines through `tracing`: show them on stderr as bare lines, as they read
/// when they were printed directly.
fn show_emulator_lines() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            "cdk_toolkit::local=info",
        ))
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .without_time()
        .with_target(false)
        .with_level(false)
        .try_init();
}

/// Builds (or reuses) the bundle and returns the asset directory holding `bootstrap`.
fn bundle(root: &Path, no_build: bool) -> anyhow::Result<PathBuf> {
    let mut options = BundleOptions::for_workspace(root);
    options.progress = std::io::stderr().is_terminal();
    if no_build {
        let asset = options.out_dir.join("asset");
        if !asset.join(&options.binary).is_file() {
            bail!(
                "--no-build: there is no bundle in {} yet; run `rootski local` once without --no-build",
                asset.display()
            );
        }
        eprintln!("using the existing bundle {}", asset.display());
        return Ok(asset);
    }
    let bundle = bundle_bootstrap(&options)?;
    eprintln!(
        "bundled bootstrap: {:.1} MiB zip ({:.1} MiB unzipped), max GLIBC {}, sha256 {}{}",
        bundle.zip_bytes as f64 / 1_048_576.0,
        bundle.binary_bytes as f64 / 1_048_576.0,
        bundle
            .max_glibc
            .map_or_else(|| "none".to_owned(), |v| v.to_string()),
        &bundle.zip_sha256[..12],
        if bundle.reused { " (unchanged)" } else { "" }
    );
    Ok(bundle.asset_dir)
}

/// Synthesis with the bundle as the code asset, through `rootski synth`'s path (the
/// same context merging and stacks).
fn synthesize(root: &Path, output: &Path, asset_dir: &Path) -> anyhow::Result<()> {
    let args = super::synth::Args::local(
        output.to_path_buf(),
        root.to_path_buf(),
        asset_dir.to_path_buf(),
    );
    let run = super::synth::synthesize(&args, &serde_json::Map::new())
        .context("synthesizing the stack")?;
    for missing in &run.synthesized.missing {
        // Lookups (the hosted zone) only matter for deploying; locally a dummy is fine.
        eprintln!(
            "note: context {:?} is not available; using a dummy value locally",
            missing.key
        );
    }
    eprintln!("synthesized {STACK_ID} to {}", output.display());
    Ok(())
}

/// The API Gateway REST API of the stack in the assembly at `output`.
fn load_api(output: &Path, pseudo: &PseudoParameters) -> anyhow::Result<LocalApi> {
    let assembly = AssemblyReader::load(output)?;
    let stack = assembly.stack(STACK_ID)?;
    Ok(LocalApi::from_stack(&stack, None, pseudo)?)
}

async fn serve(
    args: &Args,
    output: &Path,
    listener: std::net::TcpListener,
    watching: Option<(
        PathBuf,
        tokio::sync::mpsc::UnboundedReceiver<super::source_watch::SourceChange>,
    )>,
) -> anyhow::Result<()> {
    let mut overrides = function_overrides(args)?;
    // Each Lambda environment has its own /tmp; give the local ones a private one
    // too, so a morphemes.json cached by an earlier run is never served.
    let private_tmp = tempfile::Builder::new()
        .prefix("rootski-local-tmp-")
        .tempdir()?;
    overrides
        .entry("ROOTSKI__STATIC_ASSETS_DIR".into())
        .or_insert_with(|| private_tmp.path().display().to_string());
    if let StoreArg::Embedded = args.store {
        let db = absolute(&args.db)?;
        let settings = rootski_api::Settings {
            db: db.clone(),
            ..rootski_api::Settings::default()
        };
        let opened =
            startup::open_seeded_store(&settings, StoreAtStart::default(), !args.no_seed).await?;
        drop(opened.store);
        eprintln!("{}", opened.report);
        overrides.insert("ROOTSKI__STORE".into(), "embedded".into());
        overrides.insert("ROOTSKI__DB".into(), db.display().to_string());
    } else {
        if std::env::var_os("ROOTSKI__DYNAMO_ENDPOINT_URL").is_some() {
            // A local emulator starts empty: create the table as the table stack
            // defines it (nothing happens if it exists).
            let settings = rootski_api::Settings {
                store: rootski_api::config::StoreKind::Dynamodb,
                ..rootski_api::Settings::from_env_and_file()?
            };
            let how = StoreAtStart {
                table: TableAtStart::Create,
                ..StoreAtStart::default()
            };
            let opened = startup::open_store(&settings, how).await?;
            if opened.created_table {
                eprintln!("{}", opened.report);
            }
        }
        overrides.insert("ROOTSKI__STORE".into(), "dynamodb".into());
    }

    let region = std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into());
    let pseudo = PseudoParameters {
        region,
        ..PseudoParameters::default()
    };
    let api = load_api(output, &pseudo)?;
    let options = LocalOptions {
        environment_overrides: overrides,
        max_instances: args.max_instances,
        pseudo: pseudo.clone(),
        ..LocalOptions::default()
    };
    let local = Arc::new(LocalStack::new(api, &options)?);
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let address = listener.local_addr()?;
    print_outputs(&local.urls(address));
    let reloading = watching.map(|(root, changes)| {
        let reloader = watch::Reloader {
            root,
            output: output.to_path_buf(),
            pseudo,
            local: local.clone(),
        };
        tokio::spawn(watch::reload_on_change(reloader, changes))
    });
    let served = local.serve(listener, shutdown_signal()).await;
    if let Some(reloading) = reloading {
        reloading.abort();
    }
    served?;
    eprintln!("stopped");
    Ok(())
}

/// The stack's URLs on stdout. A closed stdout (`rootski local | head -3`) must not
/// stop the server, so write errors are ignored instead of panicking as `println!`.
fn print_outputs(urls: &[(String, String)]) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "\n✨  {STACK_ID} is running locally (Ctrl-C stops it)\n\nOutputs:"
    );
    for (label, url) in urls {
        let _ = writeln!(out, "{label} = {url}");
    }
    let _ = writeln!(out);
    let _ = out.flush();
}

/// `ROOTSKI__*` of this process (but the runner's own `ROOTSKI__LOCAL_*`), SSM off
/// unless asked, and AWS credentials when the function talks to DynamoDB.
fn function_overrides(args: &Args) -> anyhow::Result<BTreeMap<String, String>> {
    let ssm = wants_ssm(
        args.ssm,
        std::env::var("ROOTSKI__FETCH_VALUES_FROM_AWS_SSM")
            .ok()
            .as_deref(),
    );
    let mut overrides = BTreeMap::new();
    for (key, value) in std::env::vars_os() {
        let (Some(key), Some(value)) = (key.to_str(), value.to_str()) else {
            continue;
        };
        let upper = key.to_ascii_uppercase();
        let passes = (upper.starts_with("ROOTSKI__") && !upper.starts_with("ROOTSKI__LOCAL_"))
            || ((matches!(args.store, StoreArg::Dynamodb) || ssm)
                && (upper.starts_with("AWS_ACCESS_KEY_ID")
                    || upper.starts_with("AWS_SECRET_ACCESS_KEY")
                    || upper.starts_with("AWS_SESSION_TOKEN")
                    || upper.starts_with("AWS_ENDPOINT_URL")));
        if passes {
            overrides.insert(upper, value.to_owned());
        }
    }
    // The template names the stack's cache bucket, which does not exist locally
    // (its Ref renders as a stand-in): the local function builds morphemes.json
    // itself unless the caller names a bucket (with ROOTSKI__S3_ENDPOINT_URL).
    if !overrides.contains_key("ROOTSKI__OBJECT_CACHE_BUCKET_NAME") {
        overrides.insert("ROOTSKI__OBJECT_CACHE_BUCKET_NAME".into(), String::new());
    }
    if ssm {
        overrides.insert("ROOTSKI__FETCH_VALUES_FROM_AWS_SSM".into(), "true".into());
        eprintln!(
            "SSM on: the function reads the Cognito settings not set by ROOTSKI__COGNITO_* from \
             AWS SSM /rootski/<environment>/ at init (needs AWS credentials, or AWS_ENDPOINT_URL)"
        );
    } else {
        overrides.insert("ROOTSKI__FETCH_VALUES_FROM_AWS_SSM".into(), "false".into());
        eprintln!(
            "SSM off: ROOTSKI__FETCH_VALUES_FROM_AWS_SSM=false for the local function (the stack \
             sets true); Cognito settings come only from ROOTSKI__COGNITO_* (--ssm reads SSM)"
        );
    }
    Ok(overrides)
}

/// Whether the local function reads SSM: `--ssm`, or an explicit
/// `ROOTSKI__FETCH_VALUES_FROM_AWS_SSM=true` in this process (the template's value
/// alone does not count: it is what every deployment sets).
fn wants_ssm(flag: bool, variable: Option<&str>) -> bool {
    flag || variable.is_some_and(|value| {
        matches!(
            value.trim().to_ascii_lowercase().as_str(),
            "true" | "1" | "yes" | "on"
        )
    })
}

/// Ctrl-C or SIGTERM (the API's signal), then a line saying so.
async fn shutdown_signal() {
    rootski_api::shutdown_signal().await;
    eprintln!("\nstopping the local stack...");
}

/// The source tree to bundle: the nearest ancestor of the current directory holding
/// `crates/rootski-lambda`, else the tree this binary was built from. `command`
/// names the subcommand in the error.
pub(super) fn workspace_root(command: &str) -> anyhow::Result<PathBuf> {
    let cwd = std::env::current_dir().context("reading the current directory")?;
    let is_root =
        |dir: &Path| dir.join("Cargo.toml").is_file() && dir.join("crates/rootski-lambda").is_dir();
    if let Some(dir) = cwd.ancestors().find(|d| is_root(d)) {
        return Ok(dir.to_path_buf());
    }
    let built_from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    if is_root(&built_from) {
        return Ok(built_from.canonicalize()?);
    }
    bail!(
        "cannot find the rootski source tree (a directory with crates/rootski-lambda); run `{command}` inside it"
    )
}

fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    if path.is_absolute() {
        return Ok(path.to_path_buf());
    }
    Ok(std::env::current_dir()
        .context("reading the current directory")?
        .join(path))
}

#[cfg(test)]
mod tests {
    use super::wants_ssm;

    #[test]
    fn ssm_is_off_locally_unless_asked() {
        assert!(!wants_ssm(false, None));
        assert!(!wants_ssm(false, Some("false")));
        assert!(!wants_ssm(false, Some("")));
        assert!(wants_ssm(true, None));
        assert!(wants_ssm(true, Some("false")));
        assert!(wants_ssm(false, Some(" TRUE ")));
        assert!(wants_ssm(false, Some("1")));
    }
}
