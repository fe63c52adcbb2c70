//! The local runner end to end: HTTP → API Gateway emulator → Runtime API → a real
//! `bootstrap` process, on 127.0.0.1.

mod common;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use cdk_toolkit::assembly::AssemblyReader;
use cdk_toolkit::local::{LocalApi, LocalOptions, LocalStack, PseudoParameters};
use common::{request, write_assembly};
use tokio::sync::oneshot;

struct Running {
    addr: SocketAddr,
    stack: std::sync::Arc<LocalStack>,
    stop: Option<oneshot::Sender<()>>,
    server: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
}

impl Running {
    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(Duration::from_secs(10), &mut self.server)
            .await
            .expect("server stops")
            .expect("join");
        for pool in self.stack.pools().values() {
            assert_eq!(pool.live_instances(), 0, "every instance is stopped");
        }
    }
}

async fn start(timeout_secs: u64, zipped: bool, options: LocalOptions) -> Running {
    let dir = tempfile::tempdir().expect("tempdir");
    write_assembly(dir.path(), timeout_secs, zipped);
    let assembly = AssemblyReader::load(dir.path()).expect("assembly");
    let stack = assembly.select_stack(None).expect("stack");
    let api = LocalApi::from_stack(&stack, None, &PseudoParameters::default()).expect("api");
    let stack = std::sync::Arc::new(LocalStack::new(api, &options).expect("prepare"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = oneshot::channel::<()>();
    let serving = stack.clone();
    let server = tokio::spawn(async move {
        serving
            .serve(listener, async move {
                let _ = stopped.await;
            })
            .await
            .expect("serve");
    });
    Running {
        addr,
        stack,
        stop: Some(stop),
        server,
        _dir: dir,
    }
}

fn options() -> LocalOptions {
    LocalOptions {
        environment_overrides: BTreeMap::from([
            ("TEST_OVERRIDDEN".to_owned(), "caller".to_owned()),
            ("TEST_EXTRA".to_owned(), "extra".to_owned()),
        ]),
        ..LocalOptions::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trip_under_stage_and_base_path() {
    let running = start(10, false, options()).await;
    let reply = request(
        running.addr,
        "GET",
        "/prod/search/hello%20world?q=1&q=2",
        &[("x-tag", "a"), ("x-tag", "b")],
        b"",
    )
    .await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(reply.header("x-multi"), vec!["1", "2"]);
    assert!(!reply.header("x-amzn-requestid").is_empty());
    let echo = reply.json();
    let event = &echo["event"];
    assert_eq!(event["path"], "/search/hello world");
    assert_eq!(event["resource"], "/{proxy+}");
    assert_eq!(event["pathParameters"]["proxy"], "search/hello world");
    assert_eq!(event["requestContext"]["stage"], "prod");
    assert_eq!(event["requestContext"]["path"], "/prod/search/hello world");
    assert_eq!(event["requestContext"]["resourcePath"], "/{proxy+}");
    assert_eq!(event["requestContext"]["identity"]["sourceIp"], "127.0.0.1");
    assert_eq!(
        event["multiValueQueryStringParameters"]["q"],
        serde_json::json!(["1", "2"])
    );
    assert_eq!(
        event["multiValueHeaders"]["x-tag"],
        serde_json::json!(["a", "b"])
    );
    let env = &echo["env"];
    assert_eq!(env["TEST_FROM_TEMPLATE"], "template");
    assert_eq!(env["TEST_OVERRIDDEN"], "caller");
    assert_eq!(env["TEST_EXTRA"], "extra");
    assert_eq!(env["TEST_BUCKET"], "Bucket");
    assert_eq!(env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"], "256");
    assert_eq!(env["_HANDLER"], "bootstrap");
    assert!(
        env["AWS_LAMBDA_RUNTIME_API"]
            .as_str()
            .is_some_and(|a| a.starts_with("127.0.0.1:"))
    );
    assert!(
        echo["arn"]
            .as_str()
            .is_some_and(|a| a.starts_with("arn:aws:lambda:us-east-1:"))
    );

    let reply = request(running.addr, "GET", "/v1/search/x", &[], b"").await;
    assert_eq!(reply.status, 200);
    let event = &reply.json()["event"];
    assert_eq!(event["path"], "/v1/search/x");
    assert_eq!(event["requestContext"]["path"], "/v1/search/x");
    assert_eq!(event["requestContext"]["stage"], "prod");

    for root in ["/prod", "/prod/", "/v1", "/v1/"] {
        let reply = request(running.addr, "GET", root, &[], b"").await;
        assert_eq!(reply.status, 200, "{root}");
        assert_eq!(reply.json()["event"]["resource"], "/", "{root}");
    }
    // Warm: one instance served everything.
    let reply = request(running.addr, "GET", "/prod/again", &[], b"").await;
    assert!(reply.json()["handled"].as_u64().is_some_and(|n| n >= 6));
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zipped_asset_and_binary_bodies() {
    let running = start(10, true, options()).await;
    let reply = request(
        running.addr,
        "POST",
        "/prod/upload",
        &[("content-type", "application/octet-stream")],
        &[0, 1, 0xff],
    )
    .await;
    assert_eq!(reply.status, 200);
    let event = &reply.json()["event"];
    assert_eq!(event["isBase64Encoded"], true);
    assert_eq!(event["body"], "AAH/");
    let reply = request(running.addr, "GET", "/prod/binary", &[], b"").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, vec![0, 1, 2, 0xff]);
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_gives_504_and_the_next_request_succeeds() {
    let running = start(1, false, options()).await;
    let first = request(running.addr, "GET", "/prod/first", &[], b"")
        .await
        .json();
    let reply = request(running.addr, "GET", "/prod/sleep/3000", &[], b"").await;
    assert_eq!(reply.status, 504);
    assert_eq!(reply.json()["message"], "Endpoint request timed out");
    let after = request(running.addr, "GET", "/prod/after", &[], b"").await;
    assert_eq!(after.status, 200);
    assert_ne!(
        after.json()["pid"],
        first["pid"],
        "a fresh instance replaced the killed one"
    );
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_fails_only_its_own_invocation() {
    let running = start(10, false, options()).await;
    let addr = running.addr;
    let slow = tokio::spawn(async move { request(addr, "GET", "/prod/sleep/700", &[], b"").await });
    tokio::time::sleep(Duration::from_millis(150)).await;
    let crash = request(addr, "GET", "/prod/crash", &[], b"").await;
    assert_eq!(crash.status, 502);
    assert_eq!(crash.json()["message"], "Internal server error");
    assert_eq!(
        slow.await.expect("join").status,
        200,
        "the other instance's request succeeded"
    );
    assert_eq!(request(addr, "GET", "/prod/ok", &[], b"").await.status, 200);
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_start_more_instances_up_to_the_limit() {
    let running = start(
        10,
        false,
        LocalOptions {
            max_instances: 3,
            ..options()
        },
    )
    .await;
    let addr = running.addr;
    let requests: Vec<_> = (0..6)
        .map(|_| {
            tokio::spawn(async move { request(addr, "GET", "/prod/sleep/400", &[], b"").await })
        })
        .collect();
    let mut pids = std::collections::BTreeSet::new();
    for handle in requests {
        let reply = handle.await.expect("join");
        assert_eq!(reply.status, 200);
        pids.insert(reply.json()["pid"].as_u64().expect("pid"));
    }
    assert!(
        pids.len() > 1 && pids.len() <= 3,
        "instances used: {}",
        pids.len()
    );
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_errors_look_like_api_gateway() {
    let running = start(
        10,
        false,
        LocalOptions {
            max_payload_bytes: 1024,
            ..options()
        },
    )
    .await;
    let unknown = request(running.addr, "GET", "/dev/x", &[], b"").await;
    assert_eq!(unknown.status, 403);
    assert_eq!(unknown.json()["message"], "Missing Authentication Token");
    assert_eq!(
        unknown.header("x-amzn-errortype"),
        vec!["MissingAuthenticationTokenException"]
    );
    let big = request(running.addr, "POST", "/prod/upload", &[], &vec![b'x'; 4096]).await;
    assert_eq!(big.status, 413);
    let malformed = request(running.addr, "GET", "/prod/malformed", &[], b"").await;
    assert_eq!(malformed.status, 502);
    assert_eq!(malformed.json()["message"], "Internal server error");
    let failed = request(running.addr, "GET", "/prod/fail", &[], b"").await;
    assert_eq!(failed.status, 502);
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_error_fails_the_request_with_502() {
    let mut options = options();
    options
        .environment_overrides
        .insert("TEST_FUNCTION_INIT_FAIL".into(), "no store".into());
    let running = start(10, false, options).await;
    let reply = request(running.addr, "GET", "/prod/x", &[], b"").await;
    assert_eq!(reply.status, 502);
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn urls_are_printed_like_stack_outputs() {
    let running = start(10, false, options()).await;
    let urls = running.stack.urls(running.addr);
    assert_eq!(
        urls[0],
        (
            "Local.ApiUrl".to_owned(),
            format!("http://{}/prod/", running.addr)
        )
    );
    assert_eq!(urls[1].1, format!("http://{}/v1/", running.addr));
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_instance_killed_from_outside_is_replaced() {
    let running = start(10, false, options()).await;
    let first = request(running.addr, "GET", "/prod/one", &[], b"")
        .await
        .json();
    let pid = first["pid"].as_u64().expect("pid").to_string();
    let status = std::process::Command::new("kill")
        .args(["-KILL", &pid])
        .status()
        .expect("kill");
    assert!(status.success());
    tokio::time::sleep(Duration::from_millis(200)).await;
    let reply = tokio::time::timeout(
        Duration::from_secs(10),
        request(running.addr, "GET", "/prod/two", &[], b""),
    )
    .await
    .expect("answered without waiting for the gateway timeout");
    assert_eq!(reply.status, 200);
    assert_ne!(reply.json()["pid"].as_u64().expect("pid").to_string(), pid);
    running.stop().await;
}
