//! One execution environment: a `bootstrap` process and the Lambda Runtime API
//! (2018-06-01) it talks to. Each instance gets its own Runtime API listener, so
//! "which instance asked" is simply "which port was called".

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpListener;
use tokio::process::Command;
use tokio::sync::{Notify, oneshot, watch};

use super::pool::{Outcome, PoolInner};

/// Largest synchronous response payload Lambda accepts (6 MB).
const MAX_RESPONSE_BYTES: usize = 6 * 1024 * 1024;

struct InFlight {
    request_id: String,
    reply: oneshot::Sender<Outcome>,
    started: Instant,
}

struct Instance {
    pool: Arc<PoolInner>,
    number: u64,
    spawned: Instant,
    initialized: Mutex<bool>,
    /// Spawn to first `/next`; reported with the first finished invocation.
    init_duration: Mutex<Option<Duration>>,
    init_error: Mutex<Option<String>>,
    in_flight: Mutex<Option<InFlight>>,
    kill: Arc<Notify>,
    pid: Mutex<Option<u32>>,
    /// Set when the process is gone, to release a `/next` still waiting for it (the
    /// dead process's connection may never be noticed as closed).
    exited: watch::Sender<bool>,
}

impl Instance {
    fn name(&self) -> String {
        format!(
            "{} #{}",
            self.pool.launch.function.function_name, self.number
        )
    }

    fn take_in_flight(&self, request_id: Option<&str>) -> Option<InFlight> {
        let mut slot = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
        match (slot.as_ref(), request_id) {
            (Some(current), Some(id)) if current.request_id != id => None,
            _ => slot.take(),
        }
    }

    /// Lambda-style `REPORT` line: duration, init duration on a cold start, and the
    /// process's peak resident memory.
    fn report(&self, in_flight: &InFlight, cold: Option<Duration>) {
        let peak = self
            .pid
            .lock()
            .ok()
            .and_then(|pid| *pid)
            .and_then(peak_rss_mb);
        let init = cold
            .map(|d| format!(" Init Duration: {:.2} ms", d.as_secs_f64() * 1000.0))
            .unwrap_or_default();
        let memory = peak
            .map(|mb| format!(" Max Memory Used: {mb} MB"))
            .unwrap_or_default();
        tracing::info!(
            "[{}] REPORT RequestId: {} Duration: {:.2} ms{init} Memory Size: {} MB{memory}",
            self.name(),
            in_flight.request_id,
            in_flight.started.elapsed().as_secs_f64() * 1000.0,
            self.pool.launch.function.memory_mb,
        );
    }
}

/// Peak resident set size of a process in MB (`VmHWM` of `/proc/<pid>/status`).
pub fn peak_rss_mb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb.div_ceil(1024))
}

/// Runs one instance until its process exits or it is killed.
pub(crate) async fn run(pool: Arc<PoolInner>, number: u64, kill: Arc<Notify>) {
    let instance = Arc::new(Instance {
        pool: pool.clone(),
        number,
        spawned: Instant::now(),
        initialized: Mutex::new(false),
        init_duration: Mutex::new(None),
        init_error: Mutex::new(None),
        in_flight: Mutex::new(None),
        kill,
        pid: Mutex::new(None),
        exited: watch::Sender::new(false),
    });
    let exit = supervise(&instance).await;
    instance.exited.send_replace(true);
    let initialized = *instance
        .initialized
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if let Some(in_flight) = instance.take_in_flight(None) {
        tracing::warn!(
            "[{}] {exit} during invocation {}",
            instance.name(),
            in_flight.request_id
        );
        let _ = in_flight.reply.send(Outcome::Crashed(exit.clone()));
    }
    let init_failure = (!initialized).then(|| {
        let reported = instance.init_error.lock().ok().and_then(|mut e| e.take());
        let message = reported.unwrap_or_else(|| format!("{exit} before it asked for an event"));
        tracing::warn!("[{}] init failed: {message}", instance.name());
        message
    });
    pool.instance_exited(number, init_failure);
}

/// Starts the Runtime API and the process; returns how the process ended.
async fn supervise(instance: &Arc<Instance>) -> String {
    let listener = match TcpListener::bind("127.0.0.1:0").await {
        Ok(listener) => listener,
        Err(err) => return format!("cannot bind the Runtime API: {err}"),
    };
    let address = match listener.local_addr() {
        Ok(address) => address,
        Err(err) => return format!("cannot bind the Runtime API: {err}"),
    };
    let api = runtime_api(instance.clone());
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, api).await;
    });
    let exit = run_process(instance, &address.to_string()).await;
    server.abort();
    exit
}

async fn run_process(instance: &Arc<Instance>, runtime_api: &str) -> String {
    let launch = &instance.pool.launch;
    let mut command = Command::new(launch.code_dir.join("bootstrap"));
    command
        .current_dir(&launch.code_dir)
        .env_clear()
        .envs(&launch.environment)
        .env("AWS_LAMBDA_RUNTIME_API", runtime_api)
        .env(
            "AWS_LAMBDA_LOG_STREAM_NAME",
            format!("local/instance-{}", instance.number),
        )
        .stdin(Stdio::null())
        .kill_on_drop(true);
    if launch.forward_logs {
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
    } else {
        command.stdout(Stdio::null()).stderr(Stdio::null());
    }
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(err) => {
            return format!(
                "cannot start {}: {err}",
                launch.code_dir.join("bootstrap").display()
            );
        }
    };
    if let Ok(mut pid) = instance.pid.lock() {
        *pid = child.id();
    }
    let prefix = instance.name();
    if let Some(stdout) = child.stdout.take() {
        tokio::spawn(forward_lines(BufReader::new(stdout), prefix.clone()));
    }
    if let Some(stderr) = child.stderr.take() {
        tokio::spawn(forward_lines(BufReader::new(stderr), prefix));
    }
    tokio::select! {
        status = child.wait() => match status {
            Ok(status) => format!("the process exited ({status})"),
            Err(err) => format!("the process could not be awaited: {err}"),
        },
        () = instance.kill.notified() => {
            let _ = child.kill().await;
            "the process was killed".to_owned()
        }
    }
}

async fn forward_lines<R: tokio::io::AsyncRead + Unpin>(reader: BufReader<R>, prefix: String) {
    let mut lines = reader.lines();
    while let Ok(Some(line)) = lines.next_line().await {
        tracing::info!("[{prefix}] {line}");
    }
}

fn runtime_api(instance: Arc<Instance>) -> Router {
    Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next))
        .route(
            "/2018-06-01/runtime/invocation/{id}/response",
            post(response),
        )
        .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
        .route("/2018-06-01/runtime/init/error", post(init_error))
        .layer(axum::extract::DefaultBodyLimit::max(
            MAX_RESPONSE_BYTES + 1024,
        ))
        .with_state(instance)
}

async fn next(State(instance): State<Arc<Instance>>) -> Response {
    let cold_start = {
        let mut initialized = instance
            .initialized
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let first = !*initialized;
        *initialized = true;
        first
    };
    if let Some(abandoned) = instance.take_in_flight(None) {
        let _ = abandoned.reply.send(Outcome::Crashed(
            "the runtime asked for the next event without answering".into(),
        ));
    }
    let mut exited = instance.exited.subscribe();
    let invocation = tokio::select! {
        // Biased: the first poll of `next_invocation` counts the instance idle.
        biased;
        invocation = instance.pool.next_invocation(instance.number) => invocation,
        _ = exited.wait_for(|gone| *gone) => {
            return runtime_error(StatusCode::GONE, "InstanceGone", "this execution environment has stopped");
        }
    };
    let timeout = instance.pool.launch.function.timeout;
    let deadline = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        + timeout;
    let launch = &instance.pool.launch;
    let arn = format!(
        "arn:aws:lambda:{}:123456789012:function:{}",
        region(launch),
        launch.function.function_name
    );
    let mut headers = HeaderMap::new();
    let mut set = |name: &'static str, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    };
    set(
        "lambda-runtime-aws-request-id",
        invocation.request_id.clone(),
    );
    set(
        "lambda-runtime-deadline-ms",
        deadline.as_millis().to_string(),
    );
    set("lambda-runtime-invoked-function-arn", arn);
    set("lambda-runtime-trace-id", trace_id(&invocation.request_id));
    set("content-type", "application/json".into());
    let request_id = invocation.request_id.clone();
    if let Ok(mut slot) = instance.in_flight.lock() {
        *slot = Some(InFlight {
            request_id: request_id.clone(),
            reply: invocation.reply,
            started: Instant::now(),
        });
    }
    if cold_start && let Ok(mut slot) = instance.init_duration.lock() {
        *slot = Some(instance.spawned.elapsed());
    }
    tokio::spawn(enforce_timeout(instance.clone(), request_id, timeout));
    (StatusCode::OK, headers, invocation.payload).into_response()
}

fn region(launch: &super::pool::LaunchSpec) -> &str {
    launch
        .environment
        .get("AWS_REGION")
        .map(String::as_str)
        .unwrap_or("us-east-1")
}

fn trace_id(request_id: &str) -> String {
    let hex: String = request_id
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(24)
        .collect();
    let epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    format!("Root=1-{epoch:08x}-{hex:0<24};Sampled=0")
}

async fn enforce_timeout(instance: Arc<Instance>, request_id: String, timeout: Duration) {
    tokio::time::sleep(timeout).await;
    if let Some(in_flight) = instance.take_in_flight(Some(&request_id)) {
        tracing::warn!(
            "[{}] {request_id} Task timed out after {:.2} seconds; killing the instance",
            instance.name(),
            timeout.as_secs_f64()
        );
        let _ = in_flight.reply.send(Outcome::Timeout);
        instance.kill.notify_one();
    }
}

async fn response(
    State(instance): State<Arc<Instance>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    finish(
        &instance,
        &id,
        |body| Outcome::Response(body.to_vec()),
        body,
    )
}

async fn error(
    State(instance): State<Arc<Instance>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    finish(
        &instance,
        &id,
        |body| Outcome::FunctionError(body.to_vec()),
        body,
    )
}

fn finish(
    instance: &Arc<Instance>,
    id: &str,
    outcome: impl FnOnce(&Bytes) -> Outcome,
    body: Bytes,
) -> Response {
    let Some(in_flight) = instance.take_in_flight(Some(id)) else {
        return runtime_error(
            StatusCode::BAD_REQUEST,
            "InvalidRequestID",
            "Invalid request ID",
        );
    };
    let cold = instance
        .init_duration
        .lock()
        .ok()
        .and_then(|mut d| d.take());
    instance.report(&in_flight, cold);
    let outcome = if body.len() > MAX_RESPONSE_BYTES {
        Outcome::FunctionError(b"{\"errorType\":\"Function.ResponseSizeTooLarge\"}".to_vec())
    } else {
        outcome(&body)
    };
    instance.pool.answered(instance.number);
    let _ = in_flight.reply.send(outcome);
    (
        StatusCode::ACCEPTED,
        axum::Json(serde_json::json!({"status": "OK"})),
    )
        .into_response()
}

async fn init_error(State(instance): State<Arc<Instance>>, body: Bytes) -> Response {
    let message = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| {
            let kind = v
                .get("errorType")
                .and_then(|t| t.as_str())
                .unwrap_or("Runtime.InitError")
                .to_owned();
            v.get("errorMessage")
                .and_then(|m| m.as_str())
                .map(|m| format!("{kind}: {m}"))
        })
        .unwrap_or_else(|| String::from_utf8_lossy(&body).into_owned());
    if let Ok(mut slot) = instance.init_error.lock() {
        *slot = Some(message);
    }
    // The runtime exits after reporting; make sure it does.
    instance.kill.notify_one();
    (
        StatusCode::ACCEPTED,
        axum::Json(serde_json::json!({"status": "OK"})),
    )
        .into_response()
}

fn runtime_error(status: StatusCode, kind: &str, message: &str) -> Response {
    (
        status,
        axum::Json(serde_json::json!({"errorType": kind, "errorMessage": message})),
    )
        .into_response()
}
