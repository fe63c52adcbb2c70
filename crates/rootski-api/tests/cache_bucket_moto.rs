//! morphemes.json through the cache bucket (`object_cache`, feature `cache-bucket`)
//! against an S3-compatible server named by `ROOTSKI_TEST_S3_ENDPOINT` (moto,
//! started by `scripts/checks/60-dynamodb.sh`). The tests are `#[ignore]`d with the
//! reason, so a plain `cargo test` reports them as skipped.
#![cfg(feature = "cache-bucket")]

use std::sync::Arc;
use std::time::Duration;

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use rootski_api::auth::Jwks;
use rootski_api::import::{self, ImportOptions, Source};
use rootski_api::object_cache::{MORPHEMES_JSON_KEY, ObjectCache, S3CacheOptions, S3ObjectCache};
use rootski_api::store::{SqliteStore, Store};
use rootski_api::{AppState, ServeOptions, Settings, router, serve};

const ENDPOINT_VAR: &str = "ROOTSKI_TEST_S3_ENDPOINT";

fn endpoint() -> String {
    std::env::var(ENDPOINT_VAR).unwrap_or_else(|_| {
        panic!("{ENDPOINT_VAR} is not set: scripts/checks/60-dynamodb.sh starts moto and sets it")
    })
}

fn options(endpoint: &str, bucket: &str) -> S3CacheOptions {
    let mut options = S3CacheOptions::new(bucket);
    options.sdk.endpoint_url = Some(endpoint.to_owned());
    options.sdk.region = Some("us-east-1".to_owned());
    options.sdk.credentials = Some(Credentials::new(
        "testing",
        "testing",
        None,
        None,
        "rootski-tests",
    ));
    options.sdk.max_attempts = 1;
    options.sdk.attempt_timeout = Duration::from_secs(3);
    options
}

/// A signed S3 request to the test server, outside the code under test (bucket
/// creation, HEAD of an object): status and headers.
async fn s3_request(method: &str, path: &str) -> (u16, reqwest::header::HeaderMap) {
    let mut request = http::Request::builder()
        .method(method)
        .uri(format!("{}/{path}", endpoint()))
        .body(Vec::new())
        .unwrap();
    let credentials = SharedCredentialsProvider::new(Credentials::new(
        "testing",
        "testing",
        None,
        None,
        "rootski-tests",
    ));
    let scope = aws_reqwest::sign::Scope {
        region: "us-east-1",
        service: "s3",
    };
    aws_reqwest::sign::sign(&mut request, &credentials, scope)
        .await
        .unwrap();
    let response = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .no_proxy()
        .build()
        .unwrap()
        .execute(reqwest::Request::try_from(request).unwrap())
        .await
        .unwrap();
    (response.status().as_u16(), response.headers().clone())
}

/// A new bucket with a unique name, and the cache on it.
async fn fresh_bucket() -> S3ObjectCache {
    let bucket = format!("rootski-cache-{}", uuid::Uuid::new_v4().simple());
    let (status, _) = s3_request("PUT", &bucket).await;
    assert_eq!(status, 200, "create the test bucket {bucket}");
    S3ObjectCache::connect(&options(&endpoint(), &bucket)).await
}

/// A store holding the morphemes of the fixture dataset (or nothing).
async fn store(dir: &tempfile::TempDir, with_morphemes: bool) -> Arc<dyn Store> {
    let store = SqliteStore::open(dir.path().join("cache.sqlite3")).unwrap();
    if with_morphemes {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/store/dataset/morphemes.jsonl");
        let sources = vec![Source::open(&path).unwrap()];
        import::import(&store, sources, &ImportOptions::default(), &|_| {})
            .await
            .unwrap();
    }
    Arc::new(store)
}

/// One "instance": a server over `store` with `cache`; returns body and ETag of
/// its first morphemes.json.
async fn first_index(
    store: Arc<dyn Store>,
    cache: Option<Arc<dyn ObjectCache>>,
) -> (u16, Vec<u8>, String) {
    let state = AppState::with_object_cache(Settings::default(), store, Jwks::empty(), cache);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/morpheme/morphemes.json",
        listener.local_addr().unwrap()
    );
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(serve(
        listener,
        router(state),
        ServeOptions::default(),
        async {
            let _ = rx.await;
        },
    ));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .no_proxy()
        .build()
        .unwrap();
    let response = client.get(&url).send().await.unwrap();
    let status = response.status().as_u16();
    let etag = response
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = response.bytes().await.unwrap().to_vec();
    let _ = tx.send(());
    let _ = tokio::time::timeout(Duration::from_secs(10), task).await;
    (status, body, etag)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs an S3-compatible server: run scripts/checks/60-dynamodb.sh"]
async fn a_cold_instance_reads_the_index_another_instance_uploaded() {
    let cache = fresh_bucket().await;
    let cache: Arc<dyn ObjectCache> = Arc::new(cache);
    let dir = tempfile::tempdir().unwrap();

    // First instance: nothing in the bucket, built from the store and uploaded.
    assert_eq!(cache.get(MORPHEMES_JSON_KEY).await.unwrap(), None);
    let (status, built, etag) = first_index(store(&dir, true).await, Some(cache.clone())).await;
    assert_eq!(status, 200);
    assert!(built.len() > 100, "{}", String::from_utf8_lossy(&built));
    let uploaded = cache
        .get(MORPHEMES_JSON_KEY)
        .await
        .unwrap()
        .expect("uploaded");
    assert_eq!(uploaded.as_ref(), built.as_slice());
    let bucket = cache.location().trim_start_matches("s3://").to_owned();
    let (status, head) = s3_request("HEAD", &format!("{bucket}/{MORPHEMES_JSON_KEY}")).await;
    assert_eq!(status, 200);
    assert_eq!(head["content-type"], "application/json; charset=utf-8");

    // A cold instance whose store has no morphemes at all serves the bucket's copy:
    // it did not rebuild. Same bytes, same ETag.
    let empty = tempfile::tempdir().unwrap();
    let (status, served, cold_etag) =
        first_index(store(&empty, false).await, Some(cache.clone())).await;
    assert_eq!((status, served.as_slice()), (200, built.as_slice()));
    assert_eq!(cold_etag, etag);

    // Without the bucket that store has nothing to show: the index is empty.
    let (_, bare, _) = first_index(store(&empty, false).await, None).await;
    assert_eq!(bare, b"{}");

    // After the object is removed (an import changed morphemes), instances rebuild.
    cache.delete(MORPHEMES_JSON_KEY).await.unwrap();
    cache.delete(MORPHEMES_JSON_KEY).await.unwrap();
    let (_, rebuilt, _) = first_index(store(&empty, false).await, Some(cache.clone())).await;
    assert_eq!(rebuilt, b"{}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs an S3-compatible server: run scripts/checks/60-dynamodb.sh"]
async fn a_failing_bucket_falls_back_to_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let (_, expected, _) = first_index(store(&dir, true).await, None).await;

    // A bucket that does not exist: reads and uploads fail, the request does not.
    let missing = S3ObjectCache::connect(&options(&endpoint(), "rootski-no-such-bucket")).await;
    let err = missing
        .get(MORPHEMES_JSON_KEY)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("GetObject") && err.contains("rootski-no-such-bucket"),
        "{err}"
    );
    let (status, body, _) = first_index(store(&dir, true).await, Some(Arc::new(missing))).await;
    assert_eq!((status, body), (200, expected.clone()));

    // An endpoint nobody listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let unreachable = S3ObjectCache::connect(&options(&dead, "any-bucket")).await;
    let (status, body, _) = first_index(store(&dir, true).await, Some(Arc::new(unreachable))).await;
    assert_eq!((status, body), (200, expected));

    // An object that is not an index is ignored and replaced.
    let cache = fresh_bucket().await;
    cache
        .put(MORPHEMES_JSON_KEY, "<html>".into(), "text/html")
        .await
        .unwrap();
    let cache: Arc<dyn ObjectCache> = Arc::new(cache);
    let (status, body, _) = first_index(store(&dir, true).await, Some(cache.clone())).await;
    assert_eq!(status, 200);
    assert_eq!(
        cache
            .get(MORPHEMES_JSON_KEY)
            .await
            .unwrap()
            .unwrap()
            .as_ref(),
        body.as_slice()
    );
}
