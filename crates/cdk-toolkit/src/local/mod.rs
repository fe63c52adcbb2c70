//! Running a synthesized REST API on loopback, as `sam local start-api` would but
//! from the cloud assembly alone: the API Gateway emulator ([`gateway`]) turns HTTP
//! requests into v1 proxy events ([`event`]) for the resource they match
//! ([`routes`]); each integrated function has a [`pool`] of instances, each a real
//! `bootstrap` process talking to its own Lambda Runtime API ([`instance`]). What to
//! run comes from the template ([`model`]). [`LocalStack::reload`] swaps in a new
//! API and code under the open listener ([`reload`]).
//!
//! What the emulator has to say (one line per request, the functions' output and
//! `REPORT` lines, failures) goes through `tracing`: requests, output and reports at
//! `info`, failures at `warn`. A binary shows them by installing a subscriber (as
//! `rootski local` does on stderr).

pub mod event;
pub mod gateway;
mod instance;
pub mod model;
pub mod pool;
pub mod reload;
pub mod routes;

use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::net::TcpListener;

use crate::error::{Result, ToolkitError};
pub use instance::peak_rss_mb;
pub use model::{FunctionSpec, LocalApi, PseudoParameters};
pub use pool::{FunctionPool, LaunchSpec, Outcome};
pub use reload::{Drained, Reloaded};

/// API Gateway's maximum integration timeout.
pub const INTEGRATION_TIMEOUT: Duration = Duration::from_secs(29);
/// API Gateway's maximum request payload (10 MB).
pub const MAX_PAYLOAD_BYTES: usize = 10 * 1024 * 1024;

/// How to run the API locally. Build with [`LocalOptions::default`] and adjust.
#[derive(Debug, Clone)]
pub struct LocalOptions {
    /// Variables that replace or extend every function's template environment.
    pub environment_overrides: BTreeMap<String, String>,
    /// Most concurrent instances per function.
    pub max_instances: usize,
    /// Gateway → function timeout (504 after it).
    pub integration_timeout: Duration,
    /// Largest request body accepted (413 above it).
    pub max_payload_bytes: usize,
    /// `AWS_REGION` and other pseudo parameters.
    pub pseudo: PseudoParameters,
    /// Print the functions' output, prefixed with the function name and instance.
    pub forward_logs: bool,
    /// Where zipped assets are unpacked (a fresh temporary directory when `None`).
    pub work_dir: Option<PathBuf>,
}

impl Default for LocalOptions {
    fn default() -> Self {
        Self {
            environment_overrides: BTreeMap::new(),
            max_instances: 4,
            integration_timeout: INTEGRATION_TIMEOUT,
            max_payload_bytes: MAX_PAYLOAD_BYTES,
            pseudo: PseudoParameters::default(),
            forward_logs: true,
            work_dir: None,
        }
    }
}

/// A REST API ready to serve: functions prepared, no process started yet (instances
/// start on the first request, as cold starts do).
pub struct LocalStack {
    serving: Arc<reload::Serving>,
    options: LocalOptions,
    work_dir: PathBuf,
    /// Reloads so far: each unpacks zipped code into its own directory, so the old
    /// instances keep running from files nobody rewrites.
    reloads: AtomicU64,
    _unpacked: Option<tempfile::TempDir>,
}

impl LocalStack {
    /// Prepares every function of `api` (unzipping code assets).
    pub fn new(api: LocalApi, options: &LocalOptions) -> Result<Self> {
        let unpacked = match &options.work_dir {
            Some(_) => None,
            None => Some(tempfile::Builder::new().prefix("cdk-local-").tempdir()?),
        };
        let work_dir = options
            .work_dir
            .clone()
            .or_else(|| unpacked.as_ref().map(|d| d.path().to_path_buf()))
            .unwrap_or_else(std::env::temp_dir);
        let gateway = prepare_gateway(api, options, &work_dir)?;
        Ok(Self {
            serving: Arc::new(reload::Serving::new(gateway)),
            options: options.clone(),
            work_dir,
            reloads: AtomicU64::new(0),
            _unpacked: unpacked,
        })
    }

    /// Serves `api` from now on, under the same listener: its functions are prepared
    /// (zipped code unpacked into a new directory), then routes and pools are swapped
    /// at once. Requests in flight finish on the old ones; the old instances are
    /// stopped when the last of them has finished (at most the integration timeout
    /// later). On an error nothing changes and the old API keeps serving.
    pub async fn reload(&self, api: LocalApi) -> Result<Reloaded> {
        let started = Instant::now();
        let generation = self.reloads.fetch_add(1, Ordering::Relaxed) + 1;
        let work_dir = self.work_dir.join(format!("reload-{generation}"));
        let gateway = prepare_gateway(api, &self.options, &work_dir)?;
        let max_wait = self.options.integration_timeout + Duration::from_secs(1);
        Ok(reload::swap_in(&self.serving, gateway, started, max_wait))
    }

    /// The API being served.
    pub fn api(&self) -> LocalApi {
        self.serving.current().api.clone()
    }

    /// The function pools being served, by logical id.
    pub fn pools(&self) -> BTreeMap<String, FunctionPool> {
        self.serving.current().pools.clone()
    }

    /// `(label, url)` pairs to print after start, as `cdk deploy` prints outputs:
    /// the stack's URL outputs pointing at the stage, then one per base path.
    pub fn urls(&self, address: SocketAddr) -> Vec<(String, String)> {
        let gateway = self.serving.current();
        let api = &gateway.api;
        let stage = api.stages.first().cloned().unwrap_or_default();
        let mut urls: Vec<(String, String)> = api
            .url_outputs
            .iter()
            .map(|key| {
                (
                    format!("{}.{key}", api.stack_name),
                    format!("http://{address}/{stage}/"),
                )
            })
            .collect();
        if urls.is_empty() {
            for stage in &api.stages {
                urls.push((
                    format!("{}.Stage {stage}", api.stack_name),
                    format!("http://{address}/{stage}/"),
                ));
            }
        }
        for base in &api.base_paths {
            urls.push((
                format!("{}.BasePath {base}", api.stack_name),
                format!("http://{address}/{base}/"),
            ));
        }
        urls
    }

    /// Serves until `shutdown` resolves, then stops every function instance.
    pub async fn serve(
        &self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<()> {
        let app = axum::Router::new()
            .fallback(gateway::handle)
            .layer(axum::extract::DefaultBodyLimit::disable())
            .with_state(self.serving.clone());
        let served = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await;
        self.shutdown().await;
        served.map_err(ToolkitError::Io)
    }

    /// Kills every running instance, also those of an API being retired by a
    /// reload (bounded wait).
    pub async fn shutdown(&self) {
        for pool in self.serving.all_pools() {
            pool.shutdown(Duration::from_secs(5)).await;
        }
    }
}

/// The gateway for `api`: one pool per function, code prepared under `work_dir`.
fn prepare_gateway(
    api: LocalApi,
    options: &LocalOptions,
    work_dir: &Path,
) -> Result<gateway::Gateway> {
    let mut pools = BTreeMap::new();
    for (id, function) in &api.functions {
        let code_dir = prepare_code(function, &work_dir.join(id))?;
        let environment = function_environment(function, &code_dir, options);
        let launch = LaunchSpec {
            function: function.clone(),
            code_dir,
            environment,
            forward_logs: options.forward_logs,
        };
        pools.insert(id.clone(), FunctionPool::new(launch, options.max_instances));
    }
    Ok(gateway::Gateway {
        api,
        pools,
        integration_timeout: options.integration_timeout,
        max_payload_bytes: options.max_payload_bytes,
    })
}

/// Template environment, then the Lambda-provided variables, then overrides.
fn function_environment(
    function: &FunctionSpec,
    code_dir: &Path,
    options: &LocalOptions,
) -> BTreeMap<String, String> {
    let mut env = BTreeMap::new();
    let dir = code_dir.display().to_string();
    let region = options.pseudo.region.clone();
    let mut set = |k: &str, v: String| {
        env.insert(k.to_owned(), v);
    };
    set("PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin".into());
    set("LANG", "en_US.UTF-8".into());
    set("TZ", ":UTC".into());
    set("LAMBDA_TASK_ROOT", dir.clone());
    set("LAMBDA_RUNTIME_DIR", dir);
    set("_HANDLER", function.handler.clone());
    set("AWS_REGION", region.clone());
    set("AWS_DEFAULT_REGION", region);
    set("AWS_LAMBDA_FUNCTION_NAME", function.function_name.clone());
    set("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".into());
    set(
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        function.memory_mb.to_string(),
    );
    set(
        "AWS_LAMBDA_LOG_GROUP_NAME",
        format!("/aws/lambda/{}", function.function_name),
    );
    set("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand".into());
    for (key, value) in &function.environment {
        env.insert(key.clone(), value.clone());
    }
    for (key, value) in &options.environment_overrides {
        env.insert(key.clone(), value.clone());
    }
    env
}

/// Returns a directory holding the function's executable `bootstrap`: the staged
/// asset directory itself, or `into` after unzipping a zipped asset.
fn prepare_code(function: &FunctionSpec, into: &Path) -> Result<PathBuf> {
    let asset = &function.code.path;
    let dir = if asset.is_dir() {
        asset.clone()
    } else if asset.is_file() {
        unzip(asset, into)?;
        into.to_path_buf()
    } else {
        return Err(ToolkitError::MissingCodeAsset {
            function: function.logical_id.clone(),
            asset: asset.clone(),
        });
    };
    let bootstrap = dir.join("bootstrap");
    if !bootstrap.is_file() {
        return Err(ToolkitError::NoBootstrap {
            function: function.logical_id.clone(),
            asset: asset.clone(),
            runtime: function.runtime.to_string(),
        });
    }
    Ok(dir)
}

fn unzip(zip_path: &Path, into: &Path) -> Result<()> {
    let file = std::fs::File::open(zip_path)?;
    let mut archive = zip::ZipArchive::new(file).map_err(|source| ToolkitError::NotAZip {
        path: zip_path.to_path_buf(),
        source,
    })?;
    std::fs::create_dir_all(into)?;
    archive
        .extract(into)
        .map_err(|source| ToolkitError::Unzip {
            path: zip_path.to_path_buf(),
            source,
        })?;
    // Zips made without Unix modes lose the executable bit; Lambda runs `bootstrap`
    // regardless, so do the same.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let bootstrap = into.join("bootstrap");
        if bootstrap.is_file() {
            std::fs::set_permissions(&bootstrap, std::fs::Permissions::from_mode(0o755))?;
        }
    }
    Ok(())
}
