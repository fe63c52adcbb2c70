//! Fault tests of the DynamoDB store, against moto through small proxies on
//! 127.0.0.1 that this test starts and stops:
//! - a TCP proxy that can be taken down (port closed, connections cut) and brought
//!   back: the API answers 503 with a clear detail while DynamoDB is unreachable
//!   and recovers by itself when it returns;
//! - an HTTP proxy that answers `ProvisionedThroughputExceededException` a set
//!   number of times: the SDK's standard retry mode retries it, and gives up with
//!   a store error (not a panic) when throttling outlasts the attempts.
//!
//! `#[ignore]`d without the server; `scripts/checks/60-dynamodb.sh` runs them.
#![cfg(feature = "dynamodb")]

#[path = "dynamo_support/mod.rs"]
mod dynamo_support;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use rootski_api::auth::Jwks;
use rootski_api::domain::SearchEntry;
use rootski_api::store::dynamo::{DynamoStore, ensure_table};
use rootski_api::store::{Store, StoreError, codec};
use rootski_api::{AppState, ServeOptions, Settings, router, serve};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

fn upstream() -> String {
    dynamo_support::endpoint().unwrap_or_else(|| {
        panic!(
            "{} is not set (scripts/checks/60-dynamodb.sh sets it)",
            dynamo_support::ENDPOINT_VAR
        )
    })
}

fn upstream_addr() -> String {
    upstream()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned()
}

/// A fresh table on moto, with one search entry, and its name.
async fn seeded_table() -> String {
    let table = dynamo_support::table_name();
    let direct = DynamoStore::connect(&dynamo_support::options(&upstream(), &table))
        .await
        .unwrap();
    ensure_table(direct.client(), &table).await.unwrap();
    let entry = SearchEntry {
        word: "при".into(),
        word_id: 1,
        frequency: 5,
        pos: "noun".into(),
    };
    direct
        .put_items(vec![codec::encode_search_entry(&entry).unwrap()])
        .await
        .unwrap();
    table
}

// ---- a TCP proxy that can go down and come back on the same port ----

struct TcpProxy {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl TcpProxy {
    async fn start(addr: SocketAddr) -> TcpProxy {
        let listener = TcpListener::bind(addr).await.expect("bind proxy");
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            let mut stopped_accept = stopped.clone();
            loop {
                tokio::select! {
                    _ = stopped_accept.changed() => return,
                    accepted = listener.accept() => {
                        let Ok((mut client, _)) = accepted else { return };
                        let mut stopped_conn = stopped.clone();
                        tokio::spawn(async move {
                            let Ok(mut server) = TcpStream::connect(upstream_addr()).await else {
                                return;
                            };
                            tokio::select! {
                                _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                                _ = stopped_conn.changed() => {}
                            }
                        });
                    }
                }
            }
        });
        TcpProxy { addr, stop, task }
    }

    /// Closes the port and cuts every open connection.
    async fn stop(self) -> SocketAddr {
        let _ = self.stop.send(true);
        let _ = tokio::time::timeout(Duration::from_secs(5), self.task).await;
        // Let the connection tasks see the signal and drop their sockets.
        tokio::time::sleep(Duration::from_millis(100)).await;
        self.addr
    }
}

async fn get(client: &reqwest::Client, url: &str) -> (u16, serde_json::Value) {
    let response = client.get(url).send().await.expect("request");
    let status = response.status().as_u16();
    (
        status,
        response.json().await.unwrap_or(serde_json::Value::Null),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a DynamoDB-compatible server: run scripts/checks/60-dynamodb.sh"]
async fn dynamodb_down_mid_run_gives_503_then_recovers() {
    let table = seeded_table().await;
    let proxy = TcpProxy::start("127.0.0.1:0".parse().unwrap()).await;
    let endpoint = format!("http://{}", proxy.addr);
    let mut options = dynamo_support::options(&endpoint, &table);
    options.connect_timeout = Duration::from_secs(1);
    let store: Arc<dyn Store> = Arc::new(DynamoStore::connect(&options).await.unwrap());
    let app = router(AppState::new(Settings::default(), store, Jwks::empty()));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(serve(
        listener,
        app,
        ServeOptions::default(),
        std::future::pending(),
    ));
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    // A different term per phase: the API caches search answers.
    let url = |term: &str| format!("{base}/search/{term}");

    let (status, body) = get(&client, &url("%D0%BF%D1%80")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["words"][0]["word"], "при");

    let addr = proxy.stop().await;
    let (status, body) = get(&client, &url("%D0%BF%D1%80%D0%B8")).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(
        body["detail"],
        "The data store is unavailable. Please try again later."
    );

    let proxy = TcpProxy::start(addr).await;
    let (status, body) = get(&client, &url("%D0%BF")).await;
    assert_eq!(status, 200, "recovered: {body}");
    assert_eq!(body["words"][0]["word"], "при");
    proxy.stop().await;
    server.abort();
}

// ---- an HTTP proxy that throttles the first N requests ----

#[derive(Clone)]
struct Throttle {
    remaining: Arc<AtomicUsize>,
    seen: Arc<AtomicUsize>,
    client: reqwest::Client,
}

async fn throttled(State(t): State<Throttle>, headers: HeaderMap, body: Bytes) -> Response {
    t.seen.fetch_add(1, Ordering::SeqCst);
    let throttle = t
        .remaining
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    if throttle {
        let body = r#"{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"The level of configured provisioned throughput for the table was exceeded."}"#;
        return (
            StatusCode::BAD_REQUEST,
            [
                ("content-type", "application/x-amz-json-1.0"),
                ("x-amzn-errortype", "ProvisionedThroughputExceededException"),
            ],
            body,
        )
            .into_response();
    }
    let mut request = t.client.post(upstream()).body(body);
    for (name, value) in &headers {
        if name != "host" && name != "content-length" {
            request = request.header(name, value);
        }
    }
    match request.send().await {
        Ok(answer) => {
            let status = answer.status();
            let headers = answer.headers().clone();
            let bytes = answer.bytes().await.unwrap_or_default();
            let mut response = (status, bytes).into_response();
            for (name, value) in &headers {
                if name != "content-length" && name != "transfer-encoding" {
                    response.headers_mut().insert(name, value.clone());
                }
            }
            response
        }
        Err(err) => (StatusCode::BAD_GATEWAY, err.to_string()).into_response(),
    }
}

async fn throttling_proxy(times: usize) -> (String, Throttle) {
    let state = Throttle {
        remaining: Arc::new(AtomicUsize::new(times)),
        seen: Arc::new(AtomicUsize::new(0)),
        client: reqwest::Client::builder().no_proxy().build().unwrap(),
    };
    let app = axum::Router::new()
        .fallback(throttled)
        .with_state(state.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, state)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a DynamoDB-compatible server: run scripts/checks/60-dynamodb.sh"]
async fn throttling_is_retried_then_reported() {
    let table = seeded_table().await;

    // Throttled twice, three attempts: the third gets through.
    let (url, throttle) = throttling_proxy(2).await;
    let store = DynamoStore::connect(&dynamo_support::options(&url, &table))
        .await
        .unwrap();
    let hits = store.search_words("при", 10).await.expect("retried");
    assert_eq!(hits.len(), 1);
    assert_eq!(throttle.seen.load(Ordering::SeqCst), 3);

    // Throttled beyond the attempts: a store error naming the cause, no panic.
    let (url, throttle) = throttling_proxy(100).await;
    let store = DynamoStore::connect(&dynamo_support::options(&url, &table))
        .await
        .unwrap();
    let err = store.search_words("при", 10).await.unwrap_err();
    assert!(matches!(err, StoreError::Dynamo { .. }), "{err:?}");
    assert!(
        err.to_string().contains("ProvisionedThroughputExceeded"),
        "{err}"
    );
    assert_eq!(throttle.seen.load(Ordering::SeqCst), 3, "3 attempts");
}
