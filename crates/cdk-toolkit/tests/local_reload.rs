//! `LocalStack::reload` under a serving listener: in-flight requests finish on the
//! old code, the next request runs the new code, the port never refuses a connection,
//! old instances are stopped, and a reload that cannot prepare its code changes
//! nothing.

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use cdk_toolkit::assembly::AssemblyReader;
use cdk_toolkit::local::{LocalApi, LocalOptions, LocalStack, PseudoParameters};
use common::{request, write_assembly};
use tokio::sync::oneshot;

/// The API of a hand-written assembly in `dir` (zipped code when `zipped`), its
/// function's `TEST_FROM_TEMPLATE` set to `version`.
fn api_in(dir: &Path, zipped: bool, version: &str) -> LocalApi {
    write_assembly(dir, 10, zipped);
    let assembly = AssemblyReader::load(dir).expect("assembly");
    let stack = assembly.select_stack(None).expect("stack");
    let mut api = LocalApi::from_stack(&stack, None, &PseudoParameters::default()).expect("api");
    for function in api.functions.values_mut() {
        function
            .environment
            .insert("TEST_FROM_TEMPLATE".into(), version.into());
    }
    api
}

struct Served {
    addr: SocketAddr,
    stack: Arc<LocalStack>,
    stop: oneshot::Sender<()>,
    server: tokio::task::JoinHandle<()>,
}

async fn serve(api: LocalApi) -> Served {
    let stack = Arc::new(LocalStack::new(api, &LocalOptions::default()).expect("prepare"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = oneshot::channel::<()>();
    let serving = stack.clone();
    let server = tokio::spawn(async move {
        let stopped = async move {
            let _ = stopped.await;
        };
        serving.serve(listener, stopped).await.expect("serve");
    });
    Served {
        addr,
        stack,
        stop,
        server,
    }
}

impl Served {
    async fn stop(self) {
        let _ = self.stop.send(());
        tokio::time::timeout(Duration::from_secs(10), self.server)
            .await
            .expect("server stops")
            .expect("join");
        for pool in self.stack.pools().values() {
            assert_eq!(pool.live_instances(), 0, "every instance is stopped");
        }
    }
}

/// Connects to `addr` over and over until stopped; counts attempts and refusals.
struct Prober {
    stop: Arc<AtomicBool>,
    attempts: Arc<AtomicUsize>,
    refused: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Prober {
    fn start(addr: SocketAddr) -> Prober {
        let stop = Arc::new(AtomicBool::new(false));
        let attempts = Arc::new(AtomicUsize::new(0));
        let refused = Arc::new(AtomicUsize::new(0));
        let (s, a, r) = (stop.clone(), attempts.clone(), refused.clone());
        let task = tokio::spawn(async move {
            // Bounded: the test stops it within seconds; 60 s is the backstop.
            for _ in 0..30_000 {
                if s.load(Ordering::Relaxed) {
                    break;
                }
                a.fetch_add(1, Ordering::Relaxed);
                if tokio::net::TcpStream::connect(addr).await.is_err() {
                    r.fetch_add(1, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        });
        Prober {
            stop,
            attempts,
            refused,
            task,
        }
    }

    async fn finish(self) -> (usize, usize) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.task.await;
        (
            self.attempts.load(Ordering::Relaxed),
            self.refused.load(Ordering::Relaxed),
        )
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_swaps_code_under_an_open_port() {
    let (old_dir, new_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let served = serve(api_in(old_dir.path(), false, "old")).await;
    let addr = served.addr;

    let warm = request(addr, "GET", "/prod/hello", &[], b"").await.json();
    assert_eq!(warm["env"]["TEST_FROM_TEMPLATE"], "old");
    let old_pools = served.stack.pools();

    // A request that is still running when the code is swapped (the new code is
    // written first: copying and zipping the test function takes a while).
    let new_api = api_in(new_dir.path(), true, "new");
    let slow = tokio::spawn(request(addr, "GET", "/prod/sleep/3000", &[], b""));
    let prober = Prober::start(addr);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let reloaded = served.stack.reload(new_api).await.expect("reload");
    assert_eq!(
        reloaded.in_flight, 1,
        "the slow request holds the old gateway"
    );
    assert!(reloaded.swap_took < Duration::from_secs(5));

    let fresh = request(addr, "GET", "/v1/hello", &[], b"").await;
    assert_eq!(
        fresh.status,
        200,
        "{}",
        String::from_utf8_lossy(&fresh.body)
    );
    let fresh = fresh.json();
    assert_eq!(fresh["env"]["TEST_FROM_TEMPLATE"], "new");
    assert_ne!(fresh["pid"], warm["pid"], "a new instance answers");
    let root = fresh["env"]["LAMBDA_TASK_ROOT"].as_str().expect("root");
    assert!(root.contains("reload-1"), "new code unpacked apart: {root}");

    let slow = slow.await.expect("join");
    assert_eq!(slow.status, 200, "{}", String::from_utf8_lossy(&slow.body));
    let slow = slow.json();
    assert_eq!(slow["env"]["TEST_FROM_TEMPLATE"], "old");
    assert_eq!(slow["pid"], warm["pid"], "finished on the old instance");

    let drained = tokio::time::timeout(Duration::from_secs(15), reloaded.drained())
        .await
        .expect("drained in time");
    assert!(!drained.gave_up, "{drained:?}");
    for pool in old_pools.values() {
        assert_eq!(pool.live_instances(), 0, "old instances are stopped");
    }
    let (attempts, refused) = prober.finish().await;
    assert!(attempts > 50, "the prober ran ({attempts} connections)");
    assert_eq!(refused, 0, "{refused} of {attempts} connections refused");

    let again = request(addr, "GET", "/prod/again", &[], b"").await.json();
    assert_eq!(again["pid"], fresh["pid"], "the new instance stays warm");
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_that_cannot_prepare_keeps_the_old_api() {
    let dir = tempfile::tempdir().unwrap();
    let served = serve(api_in(dir.path(), false, "old")).await;
    let before = request(served.addr, "GET", "/prod/a", &[], b"")
        .await
        .json();

    let mut broken = served.stack.api();
    for function in broken.functions.values_mut() {
        function.code.path = dir.path().join("asset.missing");
    }
    let error = served
        .stack
        .reload(broken)
        .await
        .err()
        .expect("missing code");
    assert!(error.to_string().contains("asset.missing"), "{error}");

    let after = request(served.addr, "GET", "/prod/b", &[], b"")
        .await
        .json();
    assert_eq!(after["env"]["TEST_FROM_TEMPLATE"], "old");
    assert_eq!(
        after["pid"], before["pid"],
        "the same warm instance answers"
    );
    served.stop().await;
}
