//! [`ObjectCache`] on an S3 bucket (the stack's `Rootski-Backend-Cache-Bucket`).
//!
//! The function's policy grants it read/write on the bucket; the client is built
//! once at start ([`S3ObjectCache::connect`]) like every AWS client of the API.
//! Emulator endpoints (`ROOTSKI__S3_ENDPOINT_URL`) are addressed path-style,
//! since they do not serve `<bucket>.<host>` names.

use super::{CacheError, ObjectCache};
use crate::aws_sdk::{SdkOptions, load};
use async_trait::async_trait;
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use axum::body::Bytes;
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
    client: aws_sdk_s3::Client,
    bucket: String,
}

impl S3ObjectCache {
    /// Builds the client (region and credentials resolved once).
    pub async fn connect(options: &S3CacheOptions) -> Self {
        let sdk = load(&options.sdk).await;
        let mut config = aws_sdk_s3::config::Builder::from(&sdk);
        if options.sdk.endpoint_url.is_some() || std::env::var_os("AWS_ENDPOINT_URL").is_some() {
            config = config.force_path_style(true);
        }
        S3ObjectCache {
            client: aws_sdk_s3::Client::from_conf(config.build()),
            bucket: options.bucket.clone(),
        }
    }

    /// The bucket's name.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    fn failed<E, R>(&self, operation: &str, key: &str, err: &SdkError<E, R>) -> CacheError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        let reason = match (err.code(), err.message()) {
            (Some(code), Some(message)) => format!("{code}: {message}"),
            (Some(code), None) => code.to_owned(),
            _ => DisplayErrorContext(err).to_string(),
        };
        CacheError(format!(
            "S3 {operation} of s3://{}/{key} failed: {reason}",
            self.bucket
        ))
    }
}

#[async_trait]
impl ObjectCache for S3ObjectCache {
    async fn get(&self, key: &str) -> Result<Option<Bytes>, CacheError> {
        let response = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await;
        let output = match response {
            Ok(output) => output,
            Err(SdkError::ServiceError(service)) if service.err().is_no_such_key() => {
                return Ok(None);
            }
            Err(err) => return Err(self.failed("GetObject", key, &err)),
        };
        let body = output.body.collect().await.map_err(|err| {
            CacheError(format!(
                "S3 GetObject of s3://{}/{key} failed while reading the body: {err}",
                self.bucket
            ))
        })?;
        Ok(Some(body.into_bytes()))
    }

    async fn put(&self, key: &str, body: Bytes, content_type: &str) -> Result<(), CacheError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .body(ByteStream::from(body))
            .send()
            .await
            .map(drop)
            .map_err(|err| self.failed("PutObject", key, &err))
    }

    async fn delete(&self, key: &str) -> Result<(), CacheError> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map(drop)
            .map_err(|err| self.failed("DeleteObject", key, &err))
    }

    fn location(&self) -> String {
        format!("s3://{}", self.bucket)
    }
}
