//! A shared object cache for documents that are expensive to build: the stack's
//! cache bucket (`ROOTSKI__OBJECT_CACHE_BUCKET_NAME`).
//!
//! The original kept `morphemes.json` in that bucket so a cold Lambda instance
//! reads one object instead of rebuilding the index from the table (on DynamoDB
//! about 400 BatchGetItem calls). A cache is never the source of truth: every
//! failure is reported to the caller, which falls back to building and logs it;
//! no request fails because the bucket did.
//!
//! - [`ObjectCache`]: get / put / delete of whole objects by key.
//! - [`S3ObjectCache`] (feature `cache-bucket`): the implementation on S3.

#[cfg(feature = "cache-bucket")]
mod s3;
#[cfg(feature = "cache-bucket")]
mod s3_wire;

#[cfg(feature = "cache-bucket")]
pub use s3::{S3CacheOptions, S3ObjectCache};

use async_trait::async_trait;
use axum::body::Bytes;

/// Key of the morpheme index in the cache bucket.
pub const MORPHEMES_JSON_KEY: &str = "morphemes.json";

/// A cache call failed; the message names the bucket, the key, the operation and
/// the service's own error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CacheError(pub String);

/// A store of whole objects by key, shared by every instance of the API.
#[async_trait]
pub trait ObjectCache: Send + Sync + std::fmt::Debug + 'static {
    /// The object at `key`, or `None` when there is none.
    async fn get(&self, key: &str) -> Result<Option<Bytes>, CacheError>;
    /// Writes (replaces) the object at `key`.
    async fn put(&self, key: &str, body: Bytes, content_type: &str) -> Result<(), CacheError>;
    /// Removes the object at `key` (no error when there is none).
    async fn delete(&self, key: &str) -> Result<(), CacheError>;
    /// Where the objects live, for log lines (`s3://bucket`).
    fn location(&self) -> String;
}

/// The cache bucket the settings name (`ROOTSKI__OBJECT_CACHE_BUCKET_NAME`, with
/// `ROOTSKI__S3_ENDPOINT_URL`), or `None` when none is set. Builds the client;
/// nothing is fetched.
#[cfg(feature = "cache-bucket")]
pub async fn from_settings(settings: &crate::Settings) -> Option<std::sync::Arc<dyn ObjectCache>> {
    let options = S3CacheOptions::from_settings(settings)?;
    Some(std::sync::Arc::new(S3ObjectCache::connect(&options).await))
}

/// Without the `cache-bucket` feature there is no bucket client: a configured
/// bucket is said once on stderr (through `tracing`) and morphemes.json is built
/// by each instance, as with no bucket.
#[cfg(not(feature = "cache-bucket"))]
pub async fn from_settings(settings: &crate::Settings) -> Option<std::sync::Arc<dyn ObjectCache>> {
    let bucket = settings.object_cache_bucket_name.as_deref().map(str::trim);
    if bucket.is_some_and(|b| !b.is_empty()) {
        tracing::warn!(
            "ROOTSKI__OBJECT_CACHE_BUCKET_NAME is set but this build has no `cache-bucket` \
             feature: morphemes.json is built by each instance (rebuild with the feature \
             to use the bucket)"
        );
    }
    None
}
