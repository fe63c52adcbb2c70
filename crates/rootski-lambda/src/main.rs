//! `bootstrap`: the rootski API as a Lambda function on the `provided.al2023` runtime.
//!
//! Everything expensive (settings, SSM values, store, JWKS) is built once, at init, and
//! shared by every invocation the instance serves. A failed init is reported to the
//! Runtime API so the reason shows up in Lambda's error, then the process exits
//! non-zero.
//!
//! The deployed stack sets `ROOTSKI__FETCH_VALUES_FROM_AWS_SSM=true`: the Cognito
//! settings not given explicitly are read from `/rootski/<env>/…` before the app is
//! built, and missing parameters fail init with their names (never a function that
//! silently rejects every signed-in user).

mod app;

use std::process::ExitCode;

fn main() -> ExitCode {
    let settings = match rootski_api::Settings::from_env_and_file() {
        Ok(settings) => settings,
        Err(err) => {
            fallback_tracing();
            return init_failed(&format!("invalid settings: {err}"));
        }
    };
    if let Err(err) = rootski_api::telemetry::init_tracing(&settings) {
        fallback_tracing();
        tracing::warn!(error = %err, "logging settings rejected; using defaults");
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => return init_failed(&format!("cannot start the async runtime: {err}")),
    };
    let settings = match runtime.block_on(rootski_api::config::resolve_ssm(settings)) {
        Ok(settings) => settings,
        Err(err) => return init_failed(&err.to_string()),
    };
    let router = match runtime.block_on(app::build(settings)) {
        Ok(router) => router,
        Err(message) => return init_failed(&message),
    };
    let base_paths = std::env::var(rootski_lambda::BASE_PATHS_VAR)
        .map(|value| rootski_lambda::parse_base_paths(&value))
        .unwrap_or_default();
    match runtime.block_on(rootski_lambda::serve(router, base_paths)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "lambda runtime stopped");
            ExitCode::FAILURE
        }
    }
}

/// Logs the error, posts it to the Runtime API's init-error endpoint when running
/// under one, and returns the failure exit code.
fn init_failed(message: &str) -> ExitCode {
    tracing::error!(error = %message, "init failed");
    if let Ok(api) = std::env::var("AWS_LAMBDA_RUNTIME_API")
        && let Err(err) =
            rootski_lambda::init_error::report_init_error(&api, "Runtime.InitError", message)
    {
        tracing::error!(error = %err, "could not report the init error to the Runtime API");
    }
    ExitCode::FAILURE
}

/// Plain logging for when the settings (and so their log options) are unusable.
fn fallback_tracing() {
    let _ = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .without_time()
        .with_ansi(false)
        .with_writer(std::io::stderr)
        .try_init();
}
