//! [`ObjectCache`] on an S3 bucket (the stack's `Rootski-Backend-Cache-Bucket`).
//!
//! The cache needs three object calls (GET, PUT, DELETE of one key), so it speaks
//! S3's REST protocol itself ([`super::s3_wire`]) over the reqwest client the
//! API already links, signed with SigV4 (`aws_reqwest::sign`) by the SDK's
//! credentials chain: the S3 SDK client and its checksum tables stay out of the
//! Lambda package. Region and credentials are resolved once at start
//! ([`S3ObjectCache::connect`]) like every AWS client of the API; credentials
//! are refreshed by the chain when they expire. Emulator endpoints
//! (`ROOTSKI__S3_ENDPOINT_URL`, `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`) are
//! addressed path-style, since they do not serve `<bucket>.<host>` names.
//! Transient failures (connection errors, timeouts, 5xx, throttling) are retried
//! with exponential backoff, as the SDK's standard mode does.

use super::s3_wire::{ErrorDocument, object_url, retryable};
use super::{CacheError, ObjectCache};
use crate::aws_sdk::{SdkOptions, load};
use async_trait::async_trait;
use aws_credential_types::provider::SharedCredentialsProvider;
use axum::body::Bytes;
use http::{Method, StatusCode};
use std::time::Duration;

/// How to reach the bucket.
#[derive(Debug, Clone)]
pub struct S3CacheOptions {
    /// The bucket (`ROOTSKI__OBJECT_CACHE_BUCKET_NAME`).
    pub bucket: String,
    /// The SDK options; the endpoint override is addressed path-style.
    pub sdk: SdkOptions,
}

impl S3CacheOptions {
    /// Options for `bucket` with short timeouts: a slow bucket must not hold up a
    /// request longer than building the document would.
    pub fn new(bucket: impl Into<String>) -> Self {
        S3CacheOptions {
            bucket: bucket.into(),
            sdk: SdkOptions {
                max_attempts: 2,
                attempt_timeout: Duration::from_secs(5),
                operation_timeout: Some(Duration::from_secs(10)),
                ..SdkOptions::default()
            },
        }
    }

    /// Options from the API settings, or `None` when no bucket is configured.
    pub fn from_settings(settings: &crate::Settings) -> Option<Self> {
        let bucket = settings.object_cache_bucket_name.as_deref()?.trim();
        if bucket.is_empty() {
            return None;
        }
        let mut options = Self::new(bucket);
        options.sdk.endpoint_url = settings.s3_endpoint_url.clone();
        Some(options)
    }
}

/// The cache bucket.
#[derive(Debug, Clone)]
pub struct S3ObjectCache {
    bucket: String,
    /// Region, credentials and HTTP client, or why they are missing (said by
    /// every call: a cache failure falls back, it does not stop the API).
    link: Result<Link, String>,
    endpoint: Option<String>,
    retry: Retry,
}

/// What a signed call needs.
#[derive(Debug, Clone)]
struct Link {
    http: reqwest::Client,
    credentials: SharedCredentialsProvider,
    region: String,
}

/// Attempts and time limits of one call (from [`SdkOptions`]).
#[derive(Debug, Clone, Copy)]
struct Retry {
    max_attempts: u32,
    initial_backoff: Duration,
    operation_timeout: Duration,
}

/// The SDK's standard mode starts at one second.
const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_secs(1);

impl S3ObjectCache {
    /// Resolves region and credentials providers and builds the HTTP client.
    pub async fn connect(options: &S3CacheOptions) -> Self {
        let sdk = load(&options.sdk).await;
        let endpoint = options
            .sdk
            .endpoint_url
            .clone()
            .or_else(|| non_empty_env("AWS_ENDPOINT_URL_S3"))
            .or_else(|| sdk.endpoint_url().map(str::to_owned));
        let http = aws_reqwest::tls::builder()
            .connect_timeout(options.sdk.connect_timeout)
            .timeout(options.sdk.attempt_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|err| format!("building the HTTPS client failed: {err}"));
        let link = http.and_then(|http| {
            let region = sdk.region().map(ToString::to_string).ok_or(
                "no AWS region is configured (set AWS_REGION, or a region in the AWS profile)",
            )?;
            let credentials = sdk
                .credentials_provider()
                .ok_or("no AWS credentials provider is configured")?;
            Ok(Link {
                http,
                credentials,
                region,
            })
        });
        let max_attempts = options.sdk.max_attempts.max(1);
        S3ObjectCache {
            bucket: options.bucket.clone(),
            link,
            endpoint,
            retry: Retry {
                max_attempts,
                initial_backoff: options
                    .sdk
                    .initial_backoff
                    .unwrap_or(DEFAULT_INITIAL_BACKOFF),
                operation_timeout: options
                    .sdk
                    .operation_timeout
                    .unwrap_or(options.sdk.attempt_timeout * max_attempts),
            },
        }
    }

    /// The bucket's name.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    fn failed(&self, operation: &str, key: &str, reason: impl std::fmt::Display) -> CacheError {
        CacheError(format!(
            "S3 {operation} of s3://{}/{key} failed: {reason}",
            self.bucket
        ))
    }

    /// One call with its retries: the final answer's status, body and error
    /// document (parsed only for failures), or why no answer came.
    async fn call(
        &self,
        operation: &str,
        method: Method,
        key: &str,
        body: Option<(Bytes, &str)>,
    ) -> Result<(StatusCode, Bytes, ErrorDocument), CacheError> {
        let link = self
            .link
            .as_ref()
            .map_err(|reason| self.failed(operation, key, reason))?;
        let url = object_url(self.endpoint.as_deref(), &link.region, &self.bucket, key);
        let attempts = async {
            let mut attempt = 1;
            loop {
                let outcome = self.attempt(link, &method, &url, body.as_ref()).await;
                let transient = match &outcome {
                    Ok((status, _, document)) => retryable(*status, document.code.as_deref()),
                    Err(Failure::Transient(_)) => true,
                    Err(Failure::Final(_)) => false,
                };
                if !transient || attempt >= self.retry.max_attempts {
                    return outcome.map_err(|failure| failure.into_reason());
                }
                tokio::time::sleep(backoff(self.retry.initial_backoff, attempt)).await;
                attempt += 1;
            }
        };
        match tokio::time::timeout(self.retry.operation_timeout, attempts).await {
            Ok(outcome) => outcome.map_err(|reason| self.failed(operation, key, reason)),
            Err(_) => Err(self.failed(
                operation,
                key,
                format!(
                    "no answer within {:?} (timeout; check the endpoint and network)",
                    self.retry.operation_timeout
                ),
            )),
        }
    }

    async fn attempt(
        &self,
        link: &Link,
        method: &Method,
        url: &str,
        body: Option<&(Bytes, &str)>,
    ) -> Result<(StatusCode, Bytes, ErrorDocument), Failure> {
        let mut request = http::Request::builder().method(method.clone()).uri(url);
        if let Some((_, content_type)) = body {
            request = request.header(http::header::CONTENT_TYPE, *content_type);
        }
        let payload = body.map(|(bytes, _)| bytes.to_vec()).unwrap_or_default();
        let mut request = request
            .body(payload)
            .map_err(|err| Failure::Final(format!("invalid request to {url}: {err}")))?;
        let scope = aws_reqwest::sign::Scope {
            region: &link.region,
            service: "s3",
        };
        aws_reqwest::sign::sign(&mut request, &link.credentials, scope)
            .await
            .map_err(|err| Failure::Final(err.to_string()))?;
        let request = reqwest::Request::try_from(request)
            .map_err(|err| Failure::Final(format!("invalid request to {url}: {err}")))?;
        let transport = |err: reqwest::Error| {
            let reason = format!("{url}: {}", aws_reqwest::error_chain(&err));
            if err.is_builder() {
                Failure::Final(reason)
            } else {
                Failure::Transient(reason)
            }
        };
        let response = link.http.execute(request).await.map_err(transport)?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(transport)?;
        let document = if status.is_success() {
            ErrorDocument::default()
        } else {
            ErrorDocument::parse(&bytes)
        };
        Ok((status, bytes, document))
    }
}

/// Why an attempt got no answer, and whether another attempt may.
enum Failure {
    Transient(String),
    Final(String),
}

impl Failure {
    fn into_reason(self) -> String {
        match self {
            Failure::Transient(reason) | Failure::Final(reason) => reason,
        }
    }
}

/// Wait before attempt `attempt + 1`: `initial × 2^(attempt-1)`, capped at 20 s,
/// scaled by a jitter in [0.5, 1) so instances that failed together spread out.
fn backoff(initial: Duration, attempt: u32) -> Duration {
    let exponential = initial.saturating_mul(1 << (attempt - 1).min(10));
    let capped = exponential.min(Duration::from_secs(20));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    capped.mul_f64(0.5 + f64::from(nanos % 1000) / 2000.0)
}

fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

#[async_trait]
impl ObjectCache for S3ObjectCache {
    async fn get(&self, key: &str) -> Result<Option<Bytes>, CacheError> {
        let (status, body, document) = self.call("GetObject", Method::GET, key, None).await?;
        if status.is_success() {
            return Ok(Some(body));
        }
        if status == StatusCode::NOT_FOUND && document.code.as_deref() == Some("NoSuchKey") {
            return Ok(None);
        }
        Err(self.failed("GetObject", key, document.reason(status)))
    }

    async fn put(&self, key: &str, body: Bytes, content_type: &str) -> Result<(), CacheError> {
        let (status, _, document) = self
            .call("PutObject", Method::PUT, key, Some((body, content_type)))
            .await?;
        if status.is_success() {
            return Ok(());
        }
        Err(self.failed("PutObject", key, document.reason(status)))
    }

    async fn delete(&self, key: &str) -> Result<(), CacheError> {
        let (status, _, document) = self.call("DeleteObject", Method::DELETE, key, None).await?;
        if status.is_success() {
            return Ok(());
        }
        Err(self.failed("DeleteObject", key, document.reason(status)))
    }

    fn location(&self) -> String {
        format!("s3://{}", self.bucket)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let second = Duration::from_secs(1);
        for attempt in 1..=12 {
            let wait = backoff(second, attempt);
            let full = second
                .saturating_mul(1 << (attempt - 1).min(10))
                .min(Duration::from_secs(20));
            assert!(wait >= full / 2 && wait < full, "{attempt}: {wait:?}");
        }
    }
}
