//! `rootski serve`: the API on a TCP port, over the embedded or the DynamoDB store.
//!
//! Settings come from `ROOTSKI__*` variables and the optional YAML file
//! (`rootski_api::Settings`); the flags here override them. With
//! `ROOTSKI__FETCH_VALUES_FROM_AWS_SSM=true` the Cognito settings still unset are then
//! read from SSM, as the deployed function does. On a fresh clone the
//! embedded store is created and seeded with the bundled open dataset, so
//! `GET /search/при` answers with no other set-up step.

use std::path::PathBuf;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use rootski_api::config::{StoreKind, table};
use rootski_api::import::Progress;
use rootski_api::startup::{self, StoreAtStart, TableAtStart};
use rootski_api::{ServeOptions, Settings, router, serve, shutdown_signal};

/// Width of the variable column of the environment help (the longest name, so every
/// help text starts in the same column).
const VARIABLE_COLUMN: usize = 35;

/// The `--help` section on the environment: every variable `rootski serve` reads,
/// generated from `rootski_api`'s table of settings so that none is left out.
fn environment_help() -> String {
    let mut text = String::from(
        "Environment (flags win over variables, variables over the YAML file, the file over defaults;\n\
         names are case-insensitive):\n",
    );
    let file = table::CONFIG_FILE_PATH;
    push_variable(&mut text, &file.env_var(), file.help);
    for setting in table::SETTINGS {
        push_variable(&mut text, &setting.env_var(), setting.help);
    }
    push_variable(
        &mut text,
        "AWS_REGION, AWS_ACCESS_KEY_ID, ...",
        "region and credentials of the DynamoDB store (SDK default chain;\n\
         AWS_ENDPOINT_URL is honoured too)",
    );
    text.push_str(
        "\nWithout Cognito settings the API serves everyone as the anonymous user and refuses every\n\
         bearer token. A wrong value stops start-up with the variable's name.",
    );
    text
}

/// One variable of the environment help: its name, then its help, whose later lines
/// are indented under the first.
fn push_variable(text: &mut String, variable: &str, help: &str) {
    let mut lines = help.lines();
    let first = lines.next().unwrap_or_default();
    text.push_str(&format!(
        "  {variable:<width$} {first}\n",
        width = VARIABLE_COLUMN
    ));
    for line in lines {
        text.push_str(&format!(
            "  {:<width$} {line}\n",
            "",
            width = VARIABLE_COLUMN
        ));
    }
}

/// Which store serves the data.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum StoreArg {
    /// The embedded SQLite store (no server needed).
    Embedded,
    /// A DynamoDB table.
    Dynamodb,
}

/// Arguments of `rootski serve`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = environment_help(), after_help = "See --help for the ROOTSKI__* environment variables.")]
pub struct Args {
    /// Address to listen on [env: ROOTSKI__HOST] [default: 127.0.0.1]
    #[arg(long, value_name = "ADDRESS")]
    pub host: Option<String>,
    /// Port to listen on; 0 picks a free one [env: ROOTSKI__PORT] [default: 3333]
    #[arg(long)]
    pub port: Option<u16>,
    /// Store holding the data [env: ROOTSKI__STORE] [default: embedded]
    #[arg(long, value_enum)]
    pub store: Option<StoreArg>,
    /// File of the embedded store; a new or empty one is seeded with the bundled open dataset, one holding other items is served as it is [env: ROOTSKI__DB] [default: rootski.sqlite3]
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Never seed the embedded store with the bundled open dataset, even when it is new
    #[arg(long)]
    pub no_seed: bool,
}

impl Args {
    /// Settings from the environment and file, overridden by the flags given.
    pub fn settings(&self) -> anyhow::Result<Settings> {
        Ok(self.apply(Settings::from_env_and_file()?))
    }

    /// `settings` with the flags that were given written over them.
    pub fn apply(&self, mut settings: Settings) -> Settings {
        if let Some(host) = &self.host {
            settings.host = host.clone();
        }
        if let Some(port) = self.port {
            settings.port = port;
        }
        if let Some(store) = self.store {
            settings.store = match store {
                StoreArg::Embedded => StoreKind::Embedded,
                StoreArg::Dynamodb => StoreKind::Dynamodb,
            };
        }
        if let Some(db) = &self.db {
            settings.db = db.clone();
        }
        settings
    }
}

/// Runs `rootski serve` until Ctrl-C or SIGTERM.
pub fn run(args: Args) -> anyhow::Result<()> {
    let settings = args.settings()?;
    rootski_api::telemetry::init_tracing(&settings)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(serve_until_stopped(settings, !args.no_seed))
}

async fn serve_until_stopped(settings: Settings, seed: bool) -> anyhow::Result<()> {
    let settings = rootski_api::config::resolve_ssm(settings).await?;
    if settings.fetch_values_from_aws_ssm {
        eprintln!(
            "Cognito settings (SSM /rootski/{}/ for those not set explicitly): issuer {}, web client {}",
            settings.environment.as_str(),
            settings.cognito_issuer().unwrap_or_default(),
            settings
                .cognito_web_client_id
                .as_deref()
                .unwrap_or_default(),
        );
    }
    // The port first: a busy one fails now, not after seeding the store.
    let address = format!("{}:{}", settings.host, settings.port);
    let listener = tokio::net::TcpListener::bind(&address)
        .await
        .with_context(|| {
            format!("cannot listen on {address} (set --host/--port or ROOTSKI__HOST/ROOTSKI__PORT)")
        })?;
    let local = listener
        .local_addr()
        .context("listening socket has no address")?;
    let bar = seeding_bar();
    let progress = |event: Progress| show_seeding(&bar, event);
    let how = StoreAtStart {
        table: TableAtStart::Check,
        progress: &progress,
        ..StoreAtStart::default()
    };
    let opened = startup::open_seeded_store(&settings, how, seed).await;
    bar.finish_and_clear();
    let opened = opened?;
    eprintln!("{}", opened.report);
    let options = ServeOptions::from_settings(&settings);
    let state = startup::app_state(settings, opened.store).await?;
    if let Some(cache) = state.morphemes().cache() {
        eprintln!(
            "morphemes.json is kept in the cache bucket {}",
            cache.location()
        );
    }
    eprintln!("rootski API listening on http://{local} (docs: http://{local}/docs)");
    serve(listener, router(state), options, shutdown_signal())
        .await
        .context("server failed")?;
    eprintln!("rootski API stopped");
    Ok(())
}

/// A progress bar for seeding, drawn only once seeding starts.
fn seeding_bar() -> ProgressBar {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} items")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    bar
}

fn show_seeding(bar: &ProgressBar, event: Progress) {
    match event {
        Progress::Reading { source } => {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            bar.set_message(format!("seeding the embedded store: reading {source}"));
        }
        Progress::Validated { total, .. } => {
            bar.set_length(total);
            bar.set_message("seeding the embedded store: writing");
        }
        Progress::Written { written, total } => {
            bar.set_length(total);
            bar.set_position(written);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    fn from_env(pairs: &[(&str, &str)]) -> Settings {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
        .unwrap()
    }

    #[test]
    fn flags_override_environment_which_overrides_defaults() {
        let env = from_env(&[
            ("ROOTSKI__PORT", "4000"),
            ("ROOTSKI__HOST", "0.0.0.0"),
            ("ROOTSKI__DB", "/env.sqlite3"),
        ]);
        let cli = Cli::parse_from(["serve", "--port", "5000", "--store", "embedded"]);
        let settings = cli.args.apply(env.clone());
        assert_eq!(settings.port, 5000);
        assert_eq!(settings.host, "0.0.0.0");
        assert_eq!(settings.db, PathBuf::from("/env.sqlite3"));

        let cli = Cli::parse_from(["serve", "--db", "/flag.sqlite3", "--host", "127.0.0.2"]);
        let settings = cli.args.apply(env);
        assert_eq!(settings.port, 4000);
        assert_eq!(settings.db, PathBuf::from("/flag.sqlite3"));
        assert_eq!(settings.host, "127.0.0.2");

        let defaults = Cli::parse_from(["serve"]).args.apply(Settings::default());
        assert_eq!((defaults.host.as_str(), defaults.port), ("127.0.0.1", 3333));
        assert_eq!(defaults.store, StoreKind::Embedded);
    }

    #[test]
    fn help_lists_every_setting() {
        let help = environment_help();
        for setting in rootski_api::config::SETTINGS {
            let variable = format!("ROOTSKI__{}", setting.name.to_ascii_uppercase());
            assert!(
                help.contains(&format!("  {variable} ")),
                "{variable} is missing from the environment help"
            );
            let first = setting.help.lines().next().unwrap();
            assert!(help.contains(first), "the help of {variable} is missing");
        }
        assert!(help.contains("  ROOTSKI__CONFIG_FILE_PATH "));
        // Under `rootski serve --help`, as generated.
        let mut command = <Cli as clap::CommandFactory>::command();
        let long = command.render_long_help().to_string();
        assert!(long.contains("  ROOTSKI__MAX_CONNECTIONS "), "{long}");
    }

    #[test]
    fn bad_flags_are_refused_by_clap() {
        assert!(Cli::try_parse_from(["serve", "--port", "70000"]).is_err());
        assert!(Cli::try_parse_from(["serve", "--store", "postgres"]).is_err());
    }
}
