//! The AWS SDK configuration, loaded one way for every client of the API
//! (DynamoDB store, SSM settings, the cache bucket).
//!
//! Region and credentials come from the SDK's default chains (environment,
//! profile, container/instance role) unless [`SdkOptions`] gives them; the endpoint
//! from [`SdkOptions::endpoint_url`], else the SDK's own `AWS_ENDPOINT_URL`
//! handling, else AWS. Requests go through `aws_reqwest`: the reqwest client
//! (rustls with *ring*) the API already links for the Cognito keys, in place of
//! the SDK's default client, so the Lambda package carries one HTTP stack, no
//! HTTP/2 and no aws-lc (a C/CMake build). A Lambda container keeps the clients
//! across invocations, so this runs at init, not per request.

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use std::time::Duration;

/// How one client reaches AWS (or an emulator).
#[derive(Debug, Clone)]
pub struct SdkOptions {
    /// A compatible endpoint instead of AWS; `None` → `AWS_ENDPOINT_URL`, else AWS.
    pub endpoint_url: Option<String>,
    /// Overrides the region chain (`AWS_REGION`, profile, ...).
    pub region: Option<String>,
    /// Static credentials instead of the default chain (tests, local emulators).
    pub credentials: Option<Credentials>,
    /// Attempts per call in the SDK's standard retry mode.
    pub max_attempts: u32,
    /// First retry backoff of the standard retry mode (`None`: the SDK's).
    pub initial_backoff: Option<Duration>,
    /// TCP/TLS connect timeout.
    pub connect_timeout: Duration,
    /// Limit on one attempt (a hung connection is retried, not waited on forever).
    pub attempt_timeout: Duration,
    /// Limit on a whole call with its retries (`None`: attempts × attempt timeout).
    pub operation_timeout: Option<Duration>,
}

impl Default for SdkOptions {
    fn default() -> Self {
        SdkOptions {
            endpoint_url: None,
            region: None,
            credentials: None,
            max_attempts: 3,
            initial_backoff: None,
            connect_timeout: Duration::from_secs(3),
            attempt_timeout: Duration::from_secs(10),
            operation_timeout: None,
        }
    }
}

/// Loads the shared SDK configuration: resolves the region and credentials
/// providers once.
pub async fn load(options: &SdkOptions) -> SdkConfig {
    let mut retry = RetryConfig::standard().with_max_attempts(options.max_attempts.max(1));
    if let Some(backoff) = options.initial_backoff {
        retry = retry.with_initial_backoff(backoff);
    }
    let mut timeouts = TimeoutConfig::builder()
        .connect_timeout(options.connect_timeout)
        .operation_attempt_timeout(options.attempt_timeout);
    if let Some(limit) = options.operation_timeout {
        timeouts = timeouts.operation_timeout(limit);
    }
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(aws_reqwest::client())
        .retry_config(retry)
        .timeout_config(timeouts.build());
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some(region) = &options.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(credentials) = &options.credentials {
        loader = loader.credentials_provider(credentials.clone());
    }
    loader.load().await
}
