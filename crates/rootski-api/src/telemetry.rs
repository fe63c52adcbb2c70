//! Logging set-up for binaries: human-readable lines in development, one JSON object
//! per line in `prod` (what CloudWatch Logs Insights parses).

use crate::config::{ConfigError, Environment, Settings};

/// Installs the global subscriber for `settings` (`ROOTSKI__LOG_LEVEL`,
/// `ROOTSKI__ENVIRONMENT`), then logs the settings' warnings. Call once, early.
pub fn init_tracing(settings: &Settings) -> Result<(), ConfigError> {
    // A level for every target, as `ROOTSKI__LOG_LEVEL` names it: a plain level
    // filter, not `EnvFilter`, whose directive parser (regular expressions) the
    // Lambda package would otherwise carry for a single word.
    let filter = settings.log_level.level_filter();
    let colours = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_max_level(filter)
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
