//! `bootstrap`: the rootski API as a Lambda function on the `provided.al2023` runtime.
//!
//! Everything expensive (settings, store, JWKS) is built once, at init, and shared by
//! every invocation the instance serves. A failed init is reported to the Runtime API
//! so the reason shows up in Lambda's error, then the process exits non-zero.

mod app;

use std::process::ExitCode;

fn main() -> ExitCode {
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => return init_failed(&format!("cannot start the async runtime: {err}")),
    };
    let router = match runtime.block_on(app::build()) {
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

/// CloudWatch adds its own timestamps; `RUST_LOG` or `ROOTSKI__LOG_LEVEL` set the level.
fn init_tracing() {
    let filter = std::env::var("RUST_LOG")
        .or_else(|_| std::env::var("ROOTSKI__LOG_LEVEL"))
        .unwrap_or_else(|_| "info".to_owned());
    let filter = tracing_subscriber::EnvFilter::try_new(filter.to_ascii_lowercase())
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .without_time()
        .with_ansi(false)
        .init();
}
