//! The DynamoDB client, built once per process.
//!
//! A Lambda container keeps the client (and so its connection pool and resolved
//! credentials) across invocations, so [`connect`] runs at init, not per request.
//! Region and credentials come from the SDK's default chains (environment,
//! profile, container/instance role) unless [`DynamoOptions`] gives them; the
//! endpoint comes from [`DynamoOptions::endpoint_url`], else the SDK's own
//! `AWS_ENDPOINT_URL` handling, else AWS.
//!
//! TLS is rustls with *ring* (the crypto the rest of the workspace already links),
//! chosen explicitly so the SDK's default aws-lc (a C/CMake build) stays out.

use super::super::StoreError;
use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::config::timeout::TimeoutConfig;
use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use std::time::Duration;

/// How to reach the table. The defaults suit the API server on AWS.
#[derive(Debug, Clone)]
pub struct DynamoOptions {
    /// The table (`ROOTSKI__DYNAMO_TABLE_NAME`).
    pub table_name: String,
    /// A DynamoDB-compatible endpoint (`ROOTSKI__DYNAMO_ENDPOINT_URL`); `None` →
    /// `AWS_ENDPOINT_URL` if set, else AWS.
    pub endpoint_url: Option<String>,
    /// Overrides the region chain (`AWS_REGION`, profile, ...).
    pub region: Option<String>,
    /// Static credentials instead of the default chain (tests, local emulators).
    pub credentials: Option<Credentials>,
    /// Attempts per call in the SDK's standard retry mode (throttling and
    /// transient errors back off exponentially with jitter).
    pub max_attempts: u32,
    /// First retry backoff of the standard retry mode.
    pub initial_backoff: Duration,
    /// TCP/TLS connect timeout.
    pub connect_timeout: Duration,
    /// Limit on one attempt (a hung connection is retried, not waited on forever).
    pub attempt_timeout: Duration,
}

impl DynamoOptions {
    /// Options for `table_name` with the defaults.
    pub fn new(table_name: impl Into<String>) -> Self {
        Self {
            table_name: table_name.into(),
            endpoint_url: None,
            region: None,
            credentials: None,
            max_attempts: 3,
            initial_backoff: Duration::from_millis(50),
            connect_timeout: Duration::from_secs(3),
            attempt_timeout: Duration::from_secs(10),
        }
    }

    /// Options from the API settings (table name and endpoint override).
    pub fn from_settings(settings: &crate::Settings) -> Self {
        let mut options = Self::new(settings.dynamo_table_name.clone());
        options.endpoint_url = settings.dynamo_endpoint_url.clone();
        options
    }
}

/// Builds the SDK client: resolves region and credentials providers once.
pub async fn connect(options: &DynamoOptions) -> Result<aws_sdk_dynamodb::Client, StoreError> {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https();
    let retry = RetryConfig::standard()
        .with_max_attempts(options.max_attempts.max(1))
        .with_initial_backoff(options.initial_backoff);
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(options.connect_timeout)
        .operation_attempt_timeout(options.attempt_timeout)
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .retry_config(retry)
        .timeout_config(timeouts);
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some(region) = &options.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(credentials) = &options.credentials {
        loader = loader.credentials_provider(credentials.clone());
    }
    let sdk = loader.load().await;
    if sdk.region().is_none() {
        return Err(StoreError::Unavailable(
            "the DynamoDB store needs an AWS region: set AWS_REGION (or AWS_DEFAULT_REGION)"
                .to_owned(),
        ));
    }
    Ok(aws_sdk_dynamodb::Client::new(&sdk))
}
