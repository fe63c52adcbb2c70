//! Shared harness of the HTTP tests: a real server on `127.0.0.1:0` over a fresh
//! embedded store holding the fixture dataset (`fixture.rs`), and tokens signed with
//! the test-only keys in `tests/fixtures/http/`.
//!
//! With `ROOTSKI__STORE=dynamodb` (and the `dynamodb` feature) the same tests run
//! over a fresh DynamoDB table on `ROOTSKI_TEST_DYNAMO_ENDPOINT` instead
//! (`scripts/checks/60-dynamodb.sh`).

#![allow(dead_code)]

pub mod fixture;
pub mod tokens;

#[cfg(feature = "dynamodb")]
#[path = "../dynamo_support/mod.rs"]
pub mod dynamo_support;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use rootski_api::auth::Jwks;
use rootski_api::store::{SqliteStore, Store};
use rootski_api::{AppState, ServeOptions, Settings, router, serve};
use tokio::sync::oneshot;

/// Region and pool of the fake Cognito issuer the tests trust.
pub const REGION: &str = "us-test-1";
/// The fake user pool.
pub const POOL: &str = "us-test-1_TestPool";
/// The web client id tokens must be issued for.
pub const CLIENT_ID: &str = "test-web-client";
/// An extra CORS origin configured for the tests.
pub const EXTRA_ORIGIN: &str = "https://extra.example";

/// The trusted issuer.
pub fn issuer() -> String {
    format!("https://cognito-idp.{REGION}.amazonaws.com/{POOL}")
}

/// Path of a file under `tests/fixtures/http/`.
pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/http")
        .join(name)
}

/// Whether `ROOTSKI__STORE` asks the tests to run over DynamoDB.
pub fn wants_dynamodb() -> bool {
    std::env::var("ROOTSKI__STORE").is_ok_and(|v| v.eq_ignore_ascii_case("dynamodb"))
}

/// The store under test: a fresh DynamoDB table or a fresh embedded store.
async fn test_store(dir: &tempfile::TempDir) -> Arc<dyn Store> {
    if wants_dynamodb() {
        #[cfg(feature = "dynamodb")]
        return Arc::new(dynamo_support::fresh_dynamo().await);
        #[cfg(not(feature = "dynamodb"))]
        panic!("ROOTSKI__STORE=dynamodb needs `cargo test --features dynamodb`");
    }
    let db = dir.path().join("rootski.sqlite3");
    Arc::new(
        tokio::task::spawn_blocking(move || SqliteStore::open(db))
            .await
            .expect("open task")
            .expect("open store"),
    )
}

/// A running server and what tests need to talk to it.
pub struct TestServer {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// A client without automatic decompression (tests look at raw encodings).
    pub client: reqwest::Client,
    /// The store behind the server, for checking what was written.
    pub store: Arc<dyn Store>,
    /// Where the server writes morphemes.json.
    pub static_dir: PathBuf,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    /// Starts a server over the fixture dataset with the test settings.
    pub async fn start() -> TestServer {
        Self::start_with(|_| {}).await
    }

    /// Like [`TestServer::start`], letting the test adjust the settings first.
    pub async fn start_with(adjust: impl FnOnce(&mut Settings)) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = test_store(&dir).await;
        fixture::load(store.as_ref()).await;

        let static_dir = dir.path().join("static");
        let mut settings = Settings {
            cognito_aws_region: Some(REGION.into()),
            cognito_user_pool_id: Some(POOL.into()),
            cognito_web_client_id: Some(CLIENT_ID.into()),
            extra_allowed_cors_origins: vec![EXTRA_ORIGIN.into()],
            static_assets_dir: Some(static_dir.clone()),
            port: 0,
            ..Settings::default()
        };
        adjust(&mut settings);
        let options = ServeOptions::from_settings(&settings);
        let jwks = Jwks::from_file(&fixture_path("jwks.json")).expect("test JWKS");
        let app = router(AppState::new(settings, store.clone(), jwks));

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, app, options, async {
            let _ = rx.await;
        }));
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .no_proxy()
            .build()
            .expect("client");
        TestServer {
            base,
            client,
            store,
            static_dir,
            shutdown: Some(tx),
            task: Some(task),
            _dir: dir,
        }
    }

    /// The server's address, for tests that speak raw HTTP.
    pub fn addr(&self) -> SocketAddr {
        self.base
            .trim_start_matches("http://")
            .parse()
            .expect("base is http://<ip>:<port>")
    }

    /// Absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// GET `path`, returning status and JSON body (`Null` when the body is empty).
    pub async fn get_json(&self, path: &str, token: Option<&str>) -> (u16, serde_json::Value) {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Self::json_of(request.send().await.expect("request")).await
    }

    /// POST a raw body to `path`.
    pub async fn post_raw(
        &self,
        path: &str,
        body: impl Into<reqwest::Body>,
        token: Option<&str>,
    ) -> (u16, serde_json::Value) {
        let mut request = self
            .client
            .post(self.url(path))
            .header("content-type", "application/json")
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Self::json_of(request.send().await.expect("request")).await
    }

    /// POST a JSON value to `path`.
    pub async fn post_json(
        &self,
        path: &str,
        body: &serde_json::Value,
        token: Option<&str>,
    ) -> (u16, serde_json::Value) {
        self.post_raw(path, body.to_string(), token).await
    }

    async fn json_of(response: reqwest::Response) -> (u16, serde_json::Value) {
        let status = response.status().as_u16();
        let bytes = response.bytes().await.expect("body");
        let value = if bytes.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|err| {
                panic!(
                    "body is not JSON ({err}): {}",
                    String::from_utf8_lossy(&bytes)
                )
            })
        };
        (status, value)
    }

    /// Stops the server and waits (bounded) for it to finish.
    pub async fn stop(mut self) {
        self.shutdown_now().await;
    }

    async fn shutdown_now(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), task).await;
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
