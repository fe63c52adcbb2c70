//! Logging set-up for binaries: human-readable lines in development, one JSON object
//! per line in `prod` (what CloudWatch Logs Insights parses).

use tracing_subscriber::EnvFilter;

use crate::config::{ConfigError, Environment, Settings};

/// Installs the global subscriber for `settings` (`ROOTSKI__LOG_LEVEL`,
/// `ROOTSKI__ENVIRONMENT`), then logs the settings' warnings. Call once, early.
pub fn init_tracing(settings: &Settings) -> Result<(), ConfigError> {
    let filter = EnvFilter::try_new(settings.log_level.as_directive())
        .map_err(|err| ConfigError::Logging(err.to_string()))?;
    let colours = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(colours);
    let result = match settings.environment {
        Environment::Prod => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
        Environment::Dev => builder.compact().try_init(),
    };
    result.map_err(|err| ConfigError::Logging(err.to_string()))?;
    for warning in &settings.warnings {
        tracing::warn!("{warning}");
    }
    Ok(())
}
