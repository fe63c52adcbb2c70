//! Reading the Cognito settings from SSM Parameter Store (feature `ssm`).
//!
//! One `GetParameters` call with decryption (SecureString parameters work as plain
//! ones) for the settings still unset; [`super::ssm_source::merge`] decides the rest.
//! It runs once at start-up (in the Lambda, during init, which AWS bounds at 10 s),
//! so attempts and the whole operation have short timeouts.
//!
//! The client is built by [`crate::aws_sdk::load`] like every AWS client of the
//! API; the endpoint comes from [`SsmOptions::endpoint_url`]
//! (`ROOTSKI__SSM_ENDPOINT_URL`), else the SDK's `AWS_ENDPOINT_URL_SSM` /
//! `AWS_ENDPOINT_URL`, else AWS.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_ssm::config::Credentials;
use aws_sdk_ssm::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ssm::operation::get_parameters::GetParametersError;

use super::ssm_source::{self, SsmFailure};
use super::{ConfigError, Settings};

/// How to reach SSM. The defaults suit the Lambda function.
#[derive(Debug, Clone)]
pub struct SsmOptions {
    /// An SSM-compatible endpoint (`ROOTSKI__SSM_ENDPOINT_URL`); `None` → the SDK's
    /// `AWS_ENDPOINT_URL_SSM` / `AWS_ENDPOINT_URL`, else AWS.
    pub endpoint_url: Option<String>,
    /// Overrides the region chain (`AWS_REGION`, profile, ...).
    pub region: Option<String>,
    /// Static credentials instead of the default chain (tests, local emulators).
    pub credentials: Option<Credentials>,
    /// Attempts of the call in the SDK's standard retry mode.
    pub max_attempts: u32,
    /// TCP/TLS connect timeout.
    pub connect_timeout: Duration,
    /// Limit on one attempt.
    pub attempt_timeout: Duration,
    /// Limit on the whole call, retries included (keeps Lambda init under 10 s).
    pub operation_timeout: Duration,
}

impl Default for SsmOptions {
    fn default() -> Self {
        Self {
            endpoint_url: None,
            region: None,
            credentials: None,
            max_attempts: 3,
            connect_timeout: Duration::from_secs(2),
            attempt_timeout: Duration::from_secs(3),
            operation_timeout: Duration::from_secs(7),
        }
    }
}

impl SsmOptions {
    /// Options from the API settings (the endpoint override).
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            endpoint_url: settings.ssm_endpoint_url.clone(),
            ..Self::default()
        }
    }
}

/// Builds the SDK client, resolving the region and credentials providers once. A
/// missing region is reported by [`fetch`], where the parameters are known.
pub async fn connect(options: &SsmOptions) -> aws_sdk_ssm::Client {
    let sdk = crate::aws_sdk::load(&crate::aws_sdk::SdkOptions {
        endpoint_url: options.endpoint_url.clone(),
        region: options.region.clone(),
        credentials: options.credentials.clone(),
        max_attempts: options.max_attempts,
        initial_backoff: None,
        connect_timeout: options.connect_timeout,
        attempt_timeout: options.attempt_timeout,
        operation_timeout: Some(options.operation_timeout),
    })
    .await;
    aws_sdk_ssm::Client::new(&sdk)
}

/// Fills the Cognito settings not set explicitly from `/rootski/<env>/<name>` with
/// one `GetParameters` call; explicit settings are kept (see
/// [`ssm_source`](super::ssm_source)). Does not look at
/// `fetch_values_from_aws_ssm`: [`super::resolve_ssm`] does.
pub async fn fetch(
    client: &aws_sdk_ssm::Client,
    settings: Settings,
) -> Result<Settings, ConfigError> {
    let wanted = ssm_source::wanted(&settings);
    if wanted.is_empty() {
        return Ok(settings);
    }
    let request_failed =
        |problem: String| ssm_source::failure(&settings, SsmFailure::Request, &wanted, &problem);
    if client.config().region().is_none() {
        return Err(request_failed(
            "no AWS region is configured (set AWS_REGION)".to_owned(),
        ));
    }
    let names: Vec<String> = wanted
        .iter()
        .map(|name| settings.ssm_parameter_name(name))
        .collect();
    let output = client
        .get_parameters()
        .set_names(Some(names.clone()))
        .with_decryption(true)
        .send()
        .await
        .map_err(|err| request_failed(describe(&err)))?;

    // Parameters come back under their full names; `invalid_parameters` lists the
    // ones that do not exist, which `merge` reports as missing.
    let mut found = BTreeMap::new();
    for parameter in output.parameters() {
        let (Some(name), Some(value)) = (parameter.name(), parameter.value()) else {
            continue;
        };
        if let Some(setting) = wanted
            .iter()
            .find(|setting| settings.ssm_parameter_name(setting) == name)
        {
            found.insert((*setting).to_owned(), value.to_owned());
        }
    }
    let (settings, report) = ssm_source::merge(settings, &found)?;
    tracing::info!(
        environment = settings.environment.as_str(),
        from_ssm = %report.filled.join(","),
        kept_explicit = %report.kept_explicit.join(","),
        "Cognito settings read from SSM ({}); issuer {}",
        names.join(", "),
        settings.cognito_issuer().unwrap_or_default(),
    );
    Ok(settings)
}

/// A one-line reason: SSM's error code and message when it answered (access denied,
/// throttling), else the chain of causes (no connection, timeout, credentials).
fn describe<R>(err: &SdkError<GetParametersError, R>) -> String
where
    R: std::fmt::Debug,
{
    if let Some(service) = err.as_service_error() {
        return format!(
            "SSM answered {}: {}",
            service.code().unwrap_or("an error"),
            service.message().unwrap_or("(no message)")
        );
    }
    aws_reqwest::error_chain(err)
}
