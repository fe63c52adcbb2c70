//! The DynamoDB client, built once per process.
//!
//! A Lambda container keeps the client (and so its connection pool and resolved
//! credentials) across invocations, so [`connect`] runs at init, not per request.
//! The SDK configuration is loaded by [`crate::aws_sdk::load`], as for every AWS
//! client of the API.

use super::super::StoreError;
use crate::aws_sdk::SdkOptions;
use aws_sdk_dynamodb::config::Credentials;
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
    let sdk = crate::aws_sdk::load(&SdkOptions {
        endpoint_url: options.endpoint_url.clone(),
        region: options.region.clone(),
        credentials: options.credentials.clone(),
        max_attempts: options.max_attempts,
        initial_backoff: Some(options.initial_backoff),
        connect_timeout: options.connect_timeout,
        attempt_timeout: options.attempt_timeout,
        operation_timeout: None,
    })
    .await;
    if sdk.region().is_none() {
        return Err(StoreError::Unavailable(
            "the DynamoDB store needs an AWS region: set AWS_REGION (or AWS_DEFAULT_REGION)"
                .to_owned(),
        ));
    }
    Ok(aws_sdk_dynamodb::Client::new(&sdk))
}
