//! Settings of the API, 12-factor style.
//!
//! Every setting has one name, `port` say, that appears as the environment variable
//! `ROOTSKI__PORT` (matched case-insensitively) and as the key `port` of the optional
//! YAML file named by `ROOTSKI__CONFIG_FILE_PATH`. Priority: environment, then file,
//! then the default written here. These are the names the original FastAPI app and the
//! CDK stack use, so an existing deployment configures this server unchanged.
//!
//! With `ROOTSKI__FETCH_VALUES_FROM_AWS_SSM=true` the Cognito settings that neither
//! the environment nor the file gave are read from the SSM parameters
//! `/rootski/<env>/<name>` ([`ssm_source`]), so the full priority is: environment, file,
//! SSM, default — the order of the original's pydantic settings sources.
//!
//! The library never reads flags: binaries build a [`Settings`] (usually through
//! [`Settings::from_env_and_file`]), override fields from their own flags, then call
//! [`resolve_ssm`] before building the app.
//!
//! [`table`] lists every setting with the text `rootski serve --help` prints for it;
//! the loader accepts exactly those names.

mod load;
mod parse;
#[cfg(feature = "ssm")]
pub mod ssm;
pub mod ssm_source;
pub mod table;

use std::path::PathBuf;
use std::time::Duration;

pub use load::ConfigSource;
pub use ssm_source::{SSM_SETTINGS, SsmFailure, resolve_ssm};
pub use table::{SETTINGS, SettingInfo};

/// Prefix of every environment variable the API reads.
pub const ENV_PREFIX: &str = "ROOTSKI__";

/// Default domain of the web frontend, used for CORS (`https://<domain>`).
pub const DEFAULT_DOMAIN: &str = "www.rootski.io";

/// Origin of the S3 static website that hosted the frontend before CloudFront; the
/// original allowed it by default, and so do we.
pub const DEFAULT_S3_STATIC_SITE_ORIGIN: &str =
    "http://io.rootski.www.s3-website-us-west-2.amazonaws.com";

/// Where the embedded store lives when neither `ROOTSKI__DB` nor `--db` says otherwise.
pub const DEFAULT_DB_PATH: &str = "rootski.sqlite3";

/// Default `ROOTSKI__HEADER_READ_TIMEOUT`: a new connection must deliver a complete
/// request head (request line and headers) within 10 s of being accepted, and a
/// kept-alive one within 10 s of the first byte of its next request. A head is a few
/// hundred bytes to a few KiB that real clients send in one packet; 10 s covers a
/// slow mobile link with retransmissions, while a client trickling bytes (slowloris)
/// loses its connection quickly. (Go's and nginx's guidance is 5–60 s; hyper's own
/// default is 30 s.)
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Default `ROOTSKI__BODY_READ_TIMEOUT`: a request body must arrive in full within
/// 30 s of the handler starting to read it. Bodies are at most 64 KiB
/// ([`crate::BODY_LIMIT_BYTES`]), so this allows ~2 KiB/s, slower than any usable
/// link; and the deployed API (API Gateway's 29 s integration timeout) never lets a
/// request take longer, so no client of the API expects more.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Default `ROOTSKI__KEEP_ALIVE_TIMEOUT`: a kept-alive connection with no request in
/// progress is closed after 75 s without the first byte of a new one. Longer than
/// the 60 s idle timeout of AWS load balancers and of most proxies, so a proxy in
/// front of `rootski serve` always gives up on an idle connection first and never
/// sends a request onto one this server is closing (the keep-alive race that turns
/// into 502s); nginx uses the same 75 s. Browsers keep idle connections longer
/// (60–300 s), so for them the server closes first, which they handle.
pub const DEFAULT_KEEP_ALIVE_TIMEOUT: Duration = Duration::from_secs(75);

/// Default `ROOTSKI__MAX_CONNECTIONS`: at most 512 client connections are open at
/// once; more wait in the listen backlog (see [`crate::server`]). Each connection
/// costs a file descriptor, and the common soft limit is 1024 per process, shared
/// with the store's files and its outbound connections (DynamoDB, S3), so 512 keeps
/// the server below it instead of failing accepts with "too many open files".
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;

/// Deployment environment (`ROOTSKI__ENVIRONMENT`): decides the log format and the SSM
/// prefix `/rootski/<env>/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Environment {
    /// Local development: human-readable logs.
    #[default]
    Dev,
    /// Deployed: JSON logs, one object per line, for CloudWatch.
    Prod,
}

impl Environment {
    /// The name as written in settings (`dev` / `prod`).
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Dev => "dev",
            Environment::Prod => "prod",
        }
    }
}

/// Which store implementation serves the data (`ROOTSKI__STORE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StoreKind {
    /// The embedded SQLite store: no server to start.
    #[default]
    Embedded,
    /// A DynamoDB table named by `ROOTSKI__DYNAMO_TABLE_NAME`.
    Dynamodb,
}

impl StoreKind {
    /// The name as written in settings and flags.
    pub fn as_str(self) -> &'static str {
        match self {
            StoreKind::Embedded => "embedded",
            StoreKind::Dynamodb => "dynamodb",
        }
    }
}

/// Log verbosity (`ROOTSKI__LOG_LEVEL`); the Python level names are accepted too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogLevel {
    /// Errors only (`error`, `critical`).
    Error,
    /// Warnings and errors (`warn`, `warning`).
    Warn,
    /// The default.
    #[default]
    Info,
    /// Per-request spans and responses.
    Debug,
    /// Everything (`trace`, `notset`).
    Trace,
}

impl LogLevel {
    /// The `tracing` level filter for this level (every target).
    pub fn level_filter(self) -> tracing_subscriber::filter::LevelFilter {
        use tracing_subscriber::filter::LevelFilter;
        match self {
            LogLevel::Error => LevelFilter::ERROR,
            LogLevel::Warn => LevelFilter::WARN,
            LogLevel::Info => LevelFilter::INFO,
            LogLevel::Debug => LevelFilter::DEBUG,
            LogLevel::Trace => LevelFilter::TRACE,
        }
    }
}

/// Every setting of the API. Field names are the setting names (`ROOTSKI__<NAME>`).
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// `ROOTSKI__ENVIRONMENT`: `dev` (default) or `prod`.
    pub environment: Environment,
    /// `ROOTSKI__FETCH_VALUES_FROM_AWS_SSM`: the deployed stack sets `true`. Then
    /// [`resolve_ssm`] fills the Cognito settings not set explicitly from
    /// [`Settings::ssm_parameter_names`] (feature `ssm`; without it start-up fails).
    pub fetch_values_from_aws_ssm: bool,
    /// `ROOTSKI__SSM_ENDPOINT_URL`: an SSM-compatible endpoint (moto) instead of AWS's;
    /// unset → the SDK's own choice (`AWS_ENDPOINT_URL_SSM`, `AWS_ENDPOINT_URL`, else AWS).
    pub ssm_endpoint_url: Option<String>,
    /// `ROOTSKI__STATIC_ASSETS_DIR`: where `morphemes.json` is written once built
    /// (the stack uses `/tmp`); unset → memory only.
    pub static_assets_dir: Option<PathBuf>,
    /// `ROOTSKI__OBJECT_CACHE_BUCKET_NAME`: the stack's cache bucket, where
    /// `morphemes.json` is kept for cold instances (feature `cache-bucket`).
    pub object_cache_bucket_name: Option<String>,
    /// `ROOTSKI__S3_ENDPOINT_URL`: an S3-compatible endpoint (moto) for the cache
    /// bucket instead of AWS's; unset → the SDK's own choice (`AWS_ENDPOINT_URL`, else AWS).
    pub s3_endpoint_url: Option<String>,
    /// `ROOTSKI__DYNAMO_TABLE_NAME`, default `rootski-table`.
    pub dynamo_table_name: String,
    /// `ROOTSKI__DYNAMO_ENDPOINT_URL`: a DynamoDB-compatible endpoint (moto, DynamoDB
    /// Local) instead of AWS's; unset → the SDK's own choice (`AWS_ENDPOINT_URL`, else AWS).
    pub dynamo_endpoint_url: Option<String>,
    /// `ROOTSKI__DOMAIN`, default `www.rootski.io`: `https://<domain>` is a CORS origin.
    pub domain: String,
    /// `ROOTSKI__S3_STATIC_SITE_ORIGIN`: the static-site origin allowed by CORS.
    pub s3_static_site_origin: String,
    /// `ROOTSKI__EXTRA_ALLOWED_CORS_ORIGINS`: a JSON list or a comma list of origins.
    pub extra_allowed_cors_origins: Vec<String>,
    /// `ROOTSKI__LOG_LEVEL`, default `info`.
    pub log_level: LogLevel,
    /// `ROOTSKI__HOST`, default `127.0.0.1`.
    pub host: String,
    /// `ROOTSKI__PORT`, default 3333 (0 picks a free port).
    pub port: u16,
    /// `ROOTSKI__HEADER_READ_TIMEOUT`, default [`DEFAULT_HEADER_READ_TIMEOUT`]: time
    /// allowed for a request head (`rootski serve` only).
    pub header_read_timeout: Duration,
    /// `ROOTSKI__BODY_READ_TIMEOUT`, default [`DEFAULT_BODY_READ_TIMEOUT`]: time
    /// allowed for a request body once its reading starts; a late body gets 408.
    pub body_read_timeout: Duration,
    /// `ROOTSKI__KEEP_ALIVE_TIMEOUT`, default [`DEFAULT_KEEP_ALIVE_TIMEOUT`]: how long
    /// an idle kept-alive connection waits for its next request.
    pub keep_alive_timeout: Duration,
    /// `ROOTSKI__MAX_CONNECTIONS`, default [`DEFAULT_MAX_CONNECTIONS`]: client
    /// connections open at once; more wait to be accepted.
    pub max_connections: usize,
    /// `ROOTSKI__STORE`: `embedded` (default) or `dynamodb`.
    pub store: StoreKind,
    /// `ROOTSKI__DB`: path of the embedded store, default `rootski.sqlite3`.
    pub db: PathBuf,
    /// `ROOTSKI__COGNITO_AWS_REGION`: region of the user pool (part of the issuer).
    pub cognito_aws_region: Option<String>,
    /// `ROOTSKI__COGNITO_USER_POOL_ID`: the user pool (part of the issuer).
    pub cognito_user_pool_id: Option<String>,
    /// `ROOTSKI__COGNITO_WEB_CLIENT_ID`: the only audience / `client_id` accepted.
    pub cognito_web_client_id: Option<String>,
    /// `ROOTSKI__COGNITO_JWKS_PATH`: read the JWKS from this file instead of Cognito.
    pub cognito_jwks_path: Option<PathBuf>,
    /// `ROOTSKI__COGNITO_JWKS_JSON`: the JWKS inline (tests, offline use).
    pub cognito_jwks_json: Option<String>,
    /// `ROOTSKI__CONFIG_FILE_PATH`: the YAML file these settings were read from.
    pub config_file_path: Option<PathBuf>,
    /// Things worth logging once tracing is up (unknown file keys).
    pub warnings: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            environment: Environment::Dev,
            fetch_values_from_aws_ssm: false,
            ssm_endpoint_url: None,
            static_assets_dir: None,
            object_cache_bucket_name: None,
            s3_endpoint_url: None,
            dynamo_table_name: "rootski-table".to_owned(),
            dynamo_endpoint_url: None,
            domain: DEFAULT_DOMAIN.to_owned(),
            s3_static_site_origin: DEFAULT_S3_STATIC_SITE_ORIGIN.to_owned(),
            extra_allowed_cors_origins: Vec::new(),
            log_level: LogLevel::Info,
            host: "127.0.0.1".to_owned(),
            port: 3333,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            keep_alive_timeout: DEFAULT_KEEP_ALIVE_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            store: StoreKind::Embedded,
            db: PathBuf::from(DEFAULT_DB_PATH),
            cognito_aws_region: None,
            cognito_user_pool_id: None,
            cognito_web_client_id: None,
            cognito_jwks_path: None,
            cognito_jwks_json: None,
            config_file_path: None,
            warnings: Vec::new(),
        }
    }
}

impl Settings {
    /// The issuer every accepted token must carry:
    /// `https://cognito-idp.<region>.amazonaws.com/<pool id>`. `None` until both the
    /// region and the pool id are set, in which case no token is accepted.
    pub fn cognito_issuer(&self) -> Option<String> {
        match (&self.cognito_aws_region, &self.cognito_user_pool_id) {
            (Some(region), Some(pool)) => {
                Some(format!("https://cognito-idp.{region}.amazonaws.com/{pool}"))
            }
            _ => None,
        }
    }

    /// Where Cognito publishes the pool's public keys.
    pub fn cognito_jwks_url(&self) -> Option<String> {
        self.cognito_issuer()
            .map(|issuer| format!("{issuer}/.well-known/jwks.json"))
    }

    /// Every origin CORS allows, in a fixed order: extra origins, the static site,
    /// `http(s)://localhost:<port>`, `https://<domain>`.
    pub fn allowed_cors_origins(&self) -> Vec<String> {
        let mut origins = self.extra_allowed_cors_origins.clone();
        origins.push(self.s3_static_site_origin.clone());
        origins.push(format!("http://localhost:{}", self.port));
        origins.push(format!("https://localhost:{}", self.port));
        origins.push(format!("https://{}", self.domain));
        origins
    }

    /// The SSM parameters the original read when `fetch_values_from_aws_ssm` was set
    /// (its Postgres `database_config` has no counterpart here).
    pub fn ssm_parameter_names(&self) -> Vec<String> {
        SSM_SETTINGS
            .iter()
            .map(|name| self.ssm_parameter_name(name))
            .collect()
    }

    /// `/rootski/<env>/<setting>`: where SSM keeps `setting` for this environment.
    pub fn ssm_parameter_name(&self, setting: &str) -> String {
        format!("/rootski/{}/{setting}", self.environment.as_str())
    }

    /// `<static_assets_dir>/morphemes.json`, when a directory is configured.
    pub fn morphemes_json_path(&self) -> Option<PathBuf> {
        self.static_assets_dir
            .as_ref()
            .map(|dir| dir.join("morphemes.json"))
    }

    /// Reads the process environment (`ROOTSKI__*`, any case) and the YAML file it
    /// names, over the defaults. A bad value fails with the variable's name.
    pub fn from_env_and_file() -> Result<Settings, ConfigError> {
        load::from_process_env()
    }

    /// Like [`Settings::from_env_and_file`] with `lookup` standing for the environment:
    /// it is asked for upper-case names such as `ROOTSKI__PORT`. For tests and for
    /// callers that keep settings elsewhere.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
        load::from_lookup(&lookup)
    }
}

/// Why settings (or the key set they point at) could not be loaded. Each message names
/// the variable or file to fix.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A value that does not parse.
    #[error("invalid value {value:?} for {source_name}: expected {expected}")]
    Invalid {
        /// `ROOTSKI__PORT` or `` `port` in /path/config.yaml ``.
        source_name: String,
        /// The offending value as given.
        value: String,
        /// What would have been accepted.
        expected: String,
    },
    /// An environment variable that is not valid UTF-8.
    #[error("environment variable {name} is not valid UTF-8")]
    NotUnicode {
        /// The variable.
        name: String,
    },
    /// The YAML file could not be read.
    #[error("cannot read the config file {path} (named by ROOTSKI__CONFIG_FILE_PATH): {source}")]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The YAML file is not a mapping of setting names to values.
    #[error("config file {path} (named by ROOTSKI__CONFIG_FILE_PATH) is not valid: {message}")]
    ParseFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The JSON Web Key Set could not be loaded.
    #[error("cannot load the Cognito JWKS from {origin}: {message}")]
    Jwks {
        /// Where it was looked for (a setting name, file or URL).
        origin: String,
        /// What went wrong.
        message: String,
    },
    /// `ROOTSKI__FETCH_VALUES_FROM_AWS_SSM` is true and the values could not be read
    /// from SSM. The message names the parameters, the environment and the fix.
    #[error("{message}")]
    Ssm {
        /// What went wrong.
        kind: SsmFailure,
        /// The parameters that were needed (`/rootski/<env>/<name>`).
        parameters: Vec<String>,
        /// The whole explanation, with the fix.
        message: String,
    },
    /// The log subscriber could not be installed.
    #[error("cannot set up logging: {0}")]
    Logging(String),
}
