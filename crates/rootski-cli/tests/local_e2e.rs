//! `rootski local` end to end: the real CLI bundles the real `bootstrap`, synthesizes
//! the stack, seeds the embedded store and serves it; the API's HTTP cases then go
//! client → local API Gateway → Lambda Runtime API → `bootstrap` → SQLite, under the
//! stage (`/prod`) and the custom domain's base path (`/v1`). The first run includes
//! a release build of the Lambda (minutes); later runs reuse it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// One `rootski local` at a time: each seeds or serves a store and runs Lambda
/// instances, and two at once on a 2-core machine starve each other.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Stops `rootski local` with SIGTERM (as Ctrl-C would) when the test ends.
struct LocalStack {
    child: Child,
    addr: SocketAddr,
}

impl LocalStack {
    fn start(dir: &Path) -> LocalStack {
        Self::start_on(dir, &dir.join("rootski.sqlite3"))
    }

    /// `rootski local` over the embedded store file `db`.
    fn start_on(dir: &Path, db: &Path) -> LocalStack {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rootski"))
            .args(["local", "--port", "0", "--max-instances", "2"])
            .arg("--db")
            .arg(db)
            .arg("--output")
            .arg(dir.join("cdk.out"))
            .current_dir(dir)
            .env_remove("ROOTSKI__LOCAL_PORT")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start rootski local");
        let stdout = child.stdout.take().expect("stdout");
        let (lines, received) = mpsc::channel();
        // Drain stdout until rootski local exits, also after `start` has stopped
        // listening: closing the pipe early would make its next line fail (EPIPE)
        // and kill it mid-test.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                println!("rootski local: {line}");
                let _ = lines.send(line);
            }
        });
        // Bundling may be a full release build the first time.
        let deadline = Instant::now() + Duration::from_secs(45 * 60);
        let mut stage_url = None;
        while stage_url.is_none() {
            let left = deadline.saturating_duration_since(Instant::now());
            match received.recv_timeout(left) {
                Ok(line) if line.contains(".ApiGatewayUrl = ") => {
                    stage_url = line.split(" = ").nth(1).map(str::to_owned);
                }
                Ok(_) => {}
                Err(_) => {
                    let _ = child.kill();
                    panic!("rootski local did not print its URLs in time (or exited)");
                }
            }
        }
        let url = stage_url.expect("stage url");
        assert!(
            url.starts_with("http://127.0.0.1:") && url.ends_with("/prod/"),
            "{url}"
        );
        let addr = url["http://".len()..url.len() - "/prod/".len()]
            .parse()
            .expect("address");
        LocalStack { child, addr }
    }

    fn stop(mut self) {
        terminate(&mut self.child);
    }
}

impl Drop for LocalStack {
    fn drop(&mut self) {
        terminate(&mut self.child);
    }
}

fn terminate(child: &mut Child) {
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("rootski local did not stop within 20 s of SIGTERM");
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request with `Connection: close` (bodies come with Content-Length
/// from the gateway).
fn request(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
    request_with_body(addr, method, path, headers, b"")
}

/// [`request`] with a body.
fn request_with_body(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("write");
    stream.write_all(body).expect("write body");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("header end");
    let text = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = text.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

#[test]
fn rootski_local_serves_the_api_under_stage_and_base_path() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let dir = tempfile::tempdir().expect("tempdir");
    let stack = LocalStack::start(dir.path());
    let addr = stack.addr;

    for prefix in ["/prod", "/v1"] {
        let health = request(addr, "GET", &format!("{prefix}/health"), &[]);
        assert_eq!(health.status, 200, "{prefix}");
        assert_eq!(health.json(), serde_json::json!({"status": "ok"}));

        let search = request(
            addr,
            "GET",
            &format!("{prefix}/search/%D0%BF%D1%80%D0%B8"),
            &[],
        );
        assert_eq!(
            search.status,
            200,
            "{}",
            String::from_utf8_lossy(&search.body)
        );
        let words = search.json()["words"].as_array().cloned().expect("words");
        assert!(
            !words.is_empty(),
            "the seeded dataset has words starting with при"
        );
        assert!(
            words
                .iter()
                .all(|w| w["word"].as_str().is_some_and(|t| t.starts_with("при")))
        );
        assert!(words.len() <= 100);

        let missing = request(addr, "GET", &format!("{prefix}/no/such/route"), &[]);
        assert_eq!(missing.status, 404);
        assert_eq!(missing.json(), serde_json::json!({"detail": "Not Found"}));

        let wrong_method = request(addr, "DELETE", &format!("{prefix}/health"), &[]);
        assert_eq!(wrong_method.status, 405);

        let bad_id = request(addr, "GET", &format!("{prefix}/word/abc/noun"), &[]);
        assert_eq!(bad_id.status, 422);
    }

    // A compressed body crosses the proxy integration base64-encoded and arrives intact.
    let morphemes = request(
        addr,
        "GET",
        "/v1/morpheme/morphemes.json",
        &[("accept-encoding", "gzip")],
    );
    assert_eq!(morphemes.status, 200);
    assert_eq!(morphemes.header("content-encoding"), Some("gzip"));
    assert_eq!(&morphemes.body[..2], &[0x1f, 0x8b]);

    let unknown_stage = request(addr, "GET", "/dev/health", &[]);
    assert_eq!(unknown_stage.status, 403);
    assert_eq!(
        unknown_stage.json()["message"],
        "Missing Authentication Token"
    );

    stack.stop();
    let staged = dir.path().join("cdk.out");
    assert!(
        no_process_runs_from(&staged),
        "no bootstrap left running after stop"
    );
}

/// A user's own store, filled by `rootski import` with items shaped like the
/// production table: `rootski local` serves exactly those items (no dataset mixed
/// in), through the gateway under both prefixes.
#[test]
fn rootski_local_serves_a_users_imported_store_as_it_is() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("own.sqlite3");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../rootski-api/tests/fixtures/item_shapes/items.scan.json");
    let imported = Command::new(env!("CARGO_BIN_EXE_rootski"))
        .arg("import")
        .arg("--db")
        .arg(&db)
        .arg(&corpus)
        .env_remove("ROOTSKI__STORE")
        .output()
        .expect("run rootski import");
    let said = String::from_utf8_lossy(&imported.stderr);
    assert!(imported.status.success(), "{said}");
    assert!(said.contains("0 bad record(s)"), "{said}");

    let stack = LocalStack::start_on(dir.path(), &db);
    let addr = stack.addr;
    for prefix in ["/prod", "/v1"] {
        // н…: the open dataset has hundreds of such words; the user's store one.
        let search = request(addr, "GET", &format!("{prefix}/search/%D0%BD"), &[]);
        assert_eq!(
            search.json(),
            serde_json::json!({"words": [{"word": "новость", "word_id": "801", "frequency": -1, "pos": "deprecated"}]}),
            "{prefix}"
        );
        let breakdown = request(addr, "GET", &format!("{prefix}/breakdown/801"), &[]);
        assert_eq!(
            breakdown.status,
            200,
            "{}",
            String::from_utf8_lossy(&breakdown.body)
        );
        let shown = breakdown.json();
        assert_eq!(shown["word"], "новость");
        assert_eq!(
            shown["breakdown_items"][1]["family_meanings"],
            serde_json::json!([])
        );
        let index = request(
            addr,
            "GET",
            &format!("{prefix}/morpheme/morphemes.json"),
            &[],
        )
        .json();
        let mut ids: Vec<&String> = index.as_object().expect("index").keys().collect();
        ids.sort();
        assert_eq!(ids, ["9001", "9002", "9003", "9004", "9006"]);
        let not_an_id = request(addr, "GET", &format!("{prefix}/breakdown/abc"), &[]);
        assert_eq!(
            (not_an_id.status, not_an_id.json()),
            (
                404,
                serde_json::json!({"detail": "No breakdown for word with ID abc was found in Dynamo."})
            )
        );
        let unknown = request_with_body(
            addr,
            "POST",
            &format!("{prefix}/breakdown"),
            &[("content-type", "application/json")],
            br#"{"word_id": 801, "breakdown_items": [{"morpheme_id": 417, "position": 0}, {"morpheme_id": 3051, "position": 1}, {"morpheme_id": 2390, "position": 2}]}"#,
        );
        assert_eq!(
            (unknown.status, unknown.json()),
            (
                404,
                serde_json::json!({"detail": "One of your morpheme IDs ['2390', '3051', '417'] was not found in Dynamo."})
            )
        );
    }
    stack.stop();
}

/// True when no process's command line mentions `dir` (the staged bootstraps).
fn no_process_runs_from(dir: &Path) -> bool {
    let needle = dir.display().to_string();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return true;
    };
    !entries.filter_map(Result::ok).any(|entry| {
        std::fs::read(entry.path().join("cmdline"))
            .map(|cmd| String::from_utf8_lossy(&cmd).contains(&needle))
            .unwrap_or(false)
    })
}

/// A busy port fails at once, before any building, synthesis or seeding.
#[test]
fn a_busy_port_fails_before_any_work() {
    let dir = tempfile::tempdir().expect("tempdir");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_rootski"))
        .args(["local", "--port", &port])
        .arg("--db")
        .arg(dir.path().join("rootski.sqlite3"))
        .arg("--output")
        .arg(dir.path().join("cdk.out"))
        .current_dir(dir.path())
        .env_remove("ROOTSKI__LOCAL_PORT")
        .output()
        .expect("run rootski local");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains(&port) && said.contains("--port"), "{said}");
    assert!(
        !dir.path().join("rootski.sqlite3").exists(),
        "nothing seeded"
    );
    assert!(!dir.path().join("cdk.out").exists(), "nothing synthesized");
    drop(taken);
}
