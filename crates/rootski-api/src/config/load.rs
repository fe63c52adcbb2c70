//! Where settings come from: the environment over the YAML file over the defaults.
//!
//! Both sources are reduced to raw text (or a list of texts) per setting name, then
//! every setting goes through one parser, so a value means the same wherever it was
//! written and an error names the exact variable or file key to fix.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use super::parse::{self, Raw};
use super::table;
use super::{ConfigError, ENV_PREFIX, Settings};

/// Where one value came from; its `Display` is what error messages name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// An environment variable (`ROOTSKI__PORT`).
    Env(String),
    /// A key of the YAML file.
    File {
        /// The file.
        path: PathBuf,
        /// The key (`port`).
        key: String,
    },
}

impl fmt::Display for ConfigSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigSource::Env(name) => write!(f, "{name}"),
            ConfigSource::File { path, key } => {
                write!(
                    f,
                    "`{key}` in {} (ROOTSKI__CONFIG_FILE_PATH)",
                    path.display()
                )
            }
        }
    }
}

pub(super) fn from_process_env() -> Result<Settings, ConfigError> {
    let mut env = BTreeMap::new();
    for (name, value) in std::env::vars_os() {
        let Some(name) = name.to_str() else { continue };
        let upper = name.to_ascii_uppercase();
        if !upper.starts_with(ENV_PREFIX) {
            continue;
        }
        let value = value.into_string().map_err(|_| ConfigError::NotUnicode {
            name: name.to_owned(),
        })?;
        env.insert(upper, value);
    }
    from_lookup(&|name: &str| env.get(name).cloned())
}

pub(super) fn from_lookup(
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, ConfigError> {
    let config_file_path = lookup(&format!("{ENV_PREFIX}CONFIG_FILE_PATH"))
        .filter(|value| !value.trim().is_empty())
        .map(PathBuf::from);
    let file = match &config_file_path {
        Some(path) => read_yaml(path)?,
        None => BTreeMap::new(),
    };
    let sources = Sources {
        lookup,
        file: &file,
        file_path: config_file_path.as_deref(),
    };
    let mut settings = Settings {
        config_file_path: config_file_path.clone(),
        ..Settings::default()
    };
    settings.warnings = unknown_file_keys(&file, config_file_path.as_deref());
    apply_service(&sources, &mut settings)?;
    apply_server(&sources, &mut settings)?;
    apply_store(&sources, &mut settings)?;
    apply_cognito(&sources, &mut settings)?;
    Ok(settings)
}

/// A warning for each key of the settings file that names no setting.
fn unknown_file_keys(file: &BTreeMap<String, Raw>, path: Option<&Path>) -> Vec<String> {
    let mut warnings = Vec::new();
    for key in file.keys() {
        if !table::is_setting(key) {
            warnings.push(format!(
                "ignoring unknown setting `{key}` in {}",
                path.unwrap_or(Path::new("?")).display()
            ));
        }
    }
    warnings
}

/// Environment, SSM, static assets, cache bucket, CORS and logging.
fn apply_service(sources: &Sources, settings: &mut Settings) -> Result<(), ConfigError> {
    if let Some(v) = sources.get("environment", parse::environment)? {
        settings.environment = v;
    }
    if let Some(v) = sources.get("fetch_values_from_aws_ssm", parse::boolean)? {
        settings.fetch_values_from_aws_ssm = v;
    }
    settings.ssm_endpoint_url = sources.get("ssm_endpoint_url", parse::origin)?;
    settings.static_assets_dir = sources.get("static_assets_dir", parse::path)?;
    settings.object_cache_bucket_name = sources.get("object_cache_bucket_name", parse::text)?;
    settings.s3_endpoint_url = sources.get("s3_endpoint_url", parse::origin)?;
    if let Some(v) = sources.get("domain", parse::domain)? {
        settings.domain = v;
    }
    if let Some(v) = sources.get("s3_static_site_origin", parse::origin)? {
        settings.s3_static_site_origin = v;
    }
    if let Some(v) = sources.get("extra_allowed_cors_origins", parse::origin_list)? {
        settings.extra_allowed_cors_origins = v;
    }
    if let Some(v) = sources.get("log_level", parse::log_level)? {
        settings.log_level = v;
    }
    Ok(())
}

/// Where and how `rootski serve` listens.
fn apply_server(sources: &Sources, settings: &mut Settings) -> Result<(), ConfigError> {
    // An empty host or port is a mistake, not a request for the default (which
    // would then be served silently): those two fail.
    if let Some(v) = sources.get_set("host", parse::text)? {
        settings.host = v;
    }
    if let Some(v) = sources.get_set("port", parse::port)? {
        settings.port = v;
    }
    if let Some(v) = sources.get("header_read_timeout", parse::timeout)? {
        settings.header_read_timeout = v;
    }
    if let Some(v) = sources.get("body_read_timeout", parse::timeout)? {
        settings.body_read_timeout = v;
    }
    if let Some(v) = sources.get("keep_alive_timeout", parse::timeout)? {
        settings.keep_alive_timeout = v;
    }
    if let Some(v) = sources.get("max_connections", parse::connection_count)? {
        settings.max_connections = v;
    }
    Ok(())
}

/// Which store and where its data lives.
fn apply_store(sources: &Sources, settings: &mut Settings) -> Result<(), ConfigError> {
    if let Some(v) = sources.get("store", parse::store_kind)? {
        settings.store = v;
    }
    if let Some(v) = sources.get("db", parse::path)? {
        settings.db = v;
    }
    if let Some(v) = sources.get("dynamo_table_name", parse::text)? {
        settings.dynamo_table_name = v;
    }
    settings.dynamo_endpoint_url = sources.get("dynamo_endpoint_url", parse::origin)?;
    Ok(())
}

/// The Cognito user pool whose tokens the API accepts.
fn apply_cognito(sources: &Sources, settings: &mut Settings) -> Result<(), ConfigError> {
    settings.cognito_aws_region = sources.get("cognito_aws_region", parse::text)?;
    settings.cognito_user_pool_id = sources.get("cognito_user_pool_id", parse::text)?;
    settings.cognito_web_client_id = sources.get("cognito_web_client_id", parse::text)?;
    settings.cognito_jwks_path = sources.get("cognito_jwks_path", parse::path)?;
    settings.cognito_jwks_json = sources.get("cognito_jwks_json", parse::text)?;
    Ok(())
}

struct Sources<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    file: &'a BTreeMap<String, Raw>,
    file_path: Option<&'a Path>,
}

impl Sources<'_> {
    /// The value of setting `key` from the first source that has it, parsed; an empty
    /// value counts as unset, so `ROOTSKI__X=` restores the default.
    fn get<T>(
        &self,
        key: &str,
        parser: fn(&Raw) -> Result<T, String>,
    ) -> Result<Option<T>, ConfigError> {
        self.read(key, parser, true)
    }

    /// Like [`Sources::get`], but a value that is present and empty is an error.
    fn get_set<T>(
        &self,
        key: &str,
        parser: fn(&Raw) -> Result<T, String>,
    ) -> Result<Option<T>, ConfigError> {
        self.read(key, parser, false)
    }

    fn read<T>(
        &self,
        key: &str,
        parser: fn(&Raw) -> Result<T, String>,
        blank_is_unset: bool,
    ) -> Result<Option<T>, ConfigError> {
        let env_name = format!("{ENV_PREFIX}{}", key.to_ascii_uppercase());
        let (raw, source) = if let Some(value) = (self.lookup)(&env_name) {
            (Raw::Text(value), ConfigSource::Env(env_name))
        } else if let Some(raw) = self.file.get(key) {
            let path = self.file_path.unwrap_or(Path::new("?")).to_path_buf();
            (
                raw.clone(),
                ConfigSource::File {
                    path,
                    key: key.to_owned(),
                },
            )
        } else {
            return Ok(None);
        };
        if raw.is_blank() && blank_is_unset {
            return Ok(None);
        }
        if raw.is_blank() {
            return Err(ConfigError::Invalid {
                source_name: source.to_string(),
                value: raw.to_string(),
                expected: format!(
                    "{} (it is set but empty: give a value or unset it for the default)",
                    parser(&raw).err().unwrap_or_else(|| "a value".to_owned())
                ),
            });
        }
        parser(&raw)
            .map(Some)
            .map_err(|expected| ConfigError::Invalid {
                source_name: source.to_string(),
                value: raw.to_string(),
                expected,
            })
    }
}

/// Reads the YAML file into lower-cased keys with raw values.
fn read_yaml(path: &Path) -> Result<BTreeMap<String, Raw>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::ReadFile {
        path: path.to_owned(),
        source,
    })?;
    let bad = |message: String| ConfigError::ParseFile {
        path: path.to_owned(),
        message,
    };
    let value: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&text).map_err(|err| bad(err.to_string()))?;
    let mapping = match value {
        serde_yaml_ng::Value::Null => return Ok(BTreeMap::new()),
        serde_yaml_ng::Value::Mapping(mapping) => mapping,
        _ => {
            return Err(bad(
                "expected a mapping of setting names to values".to_owned()
            ));
        }
    };
    let mut out = BTreeMap::new();
    for (key, value) in mapping {
        let Some(key) = key.as_str().map(str::to_ascii_lowercase) else {
            return Err(bad(format!("setting names must be strings, found {key:?}")));
        };
        match Raw::from_yaml(&value) {
            Some(Some(raw)) => {
                out.insert(key, raw);
            }
            Some(None) => {}
            None => {
                return Err(bad(format!(
                    "`{key}` must be a string, number, boolean or list"
                )));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Environment, LogLevel, StoreKind};

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn defaults_when_nothing_is_set() {
        let settings = Settings::from_lookup(lookup(&[])).unwrap();
        assert_eq!(settings, Settings::default());
        assert_eq!(settings.port, 3333);
        assert_eq!(settings.dynamo_table_name, "rootski-table");
    }

    #[test]
    fn dynamo_endpoint_is_an_origin_and_names_its_variable_when_wrong() {
        let settings = Settings::from_lookup(lookup(&[(
            "ROOTSKI__DYNAMO_ENDPOINT_URL",
            "http://127.0.0.1:5000/",
        )]))
        .unwrap();
        assert_eq!(
            settings.dynamo_endpoint_url.as_deref(),
            Some("http://127.0.0.1:5000")
        );
        let err = Settings::from_lookup(lookup(&[("ROOTSKI__DYNAMO_ENDPOINT_URL", "localhost")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("ROOTSKI__DYNAMO_ENDPOINT_URL"), "{err}");
    }

    #[test]
    fn environment_values_are_parsed() {
        let settings = Settings::from_lookup(lookup(&[
            ("ROOTSKI__PORT", "8080"),
            ("ROOTSKI__ENVIRONMENT", "PROD"),
            ("ROOTSKI__LOG_LEVEL", "WARNING"),
            ("ROOTSKI__STORE", "dynamodb"),
            (
                "ROOTSKI__EXTRA_ALLOWED_CORS_ORIGINS",
                "https://a.example, http://b.example:8000/",
            ),
            ("ROOTSKI__FETCH_VALUES_FROM_AWS_SSM", "True"),
            ("ROOTSKI__STATIC_ASSETS_DIR", "/tmp"),
        ]))
        .unwrap();
        assert_eq!(settings.port, 8080);
        assert_eq!(settings.environment, Environment::Prod);
        assert_eq!(settings.log_level, LogLevel::Warn);
        assert_eq!(settings.store, StoreKind::Dynamodb);
        assert_eq!(
            settings.extra_allowed_cors_origins,
            vec!["https://a.example", "http://b.example:8000"]
        );
        assert!(settings.fetch_values_from_aws_ssm);
        assert!(
            settings
                .ssm_parameter_names()
                .contains(&"/rootski/prod/cognito_user_pool_id".to_owned())
        );
        assert!(settings.warnings.is_empty(), "{:?}", settings.warnings);
        assert_eq!(
            settings.morphemes_json_path(),
            Some(PathBuf::from("/tmp/morphemes.json"))
        );
    }

    #[test]
    fn a_bad_value_names_the_variable() {
        let err = Settings::from_lookup(lookup(&[("ROOTSKI__PORT", "eighty")])).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("ROOTSKI__PORT"), "{message}");
        assert!(message.contains("eighty"), "{message}");
        let err = Settings::from_lookup(lookup(&[("ROOTSKI__PORT", "")])).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("ROOTSKI__PORT") && message.contains("set but empty"),
            "{message}"
        );
        let err =
            Settings::from_lookup(lookup(&[("ROOTSKI__ENVIRONMENT", "staging")])).unwrap_err();
        assert!(err.to_string().contains("ROOTSKI__ENVIRONMENT"));
        let err = Settings::from_lookup(lookup(&[("ROOTSKI__EXTRA_ALLOWED_CORS_ORIGINS", "[1]")]))
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("ROOTSKI__EXTRA_ALLOWED_CORS_ORIGINS")
        );
    }

    #[test]
    fn file_values_sit_between_environment_and_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rootski-config.yml");
        std::fs::write(
            &path,
            "port: 4000\nhost: 0.0.0.0\ndomain: rootski.example\nextra_allowed_cors_origins:\n  - https://x.example\npostgres_user: old\n",
        )
        .unwrap();
        let path_text = path.to_str().unwrap().to_owned();
        let settings = Settings::from_lookup(lookup(&[
            ("ROOTSKI__CONFIG_FILE_PATH", &path_text),
            ("ROOTSKI__HOST", "127.0.0.2"),
        ]))
        .unwrap();
        assert_eq!(settings.port, 4000);
        assert_eq!(settings.host, "127.0.0.2");
        assert_eq!(settings.domain, "rootski.example");
        assert_eq!(
            settings.extra_allowed_cors_origins,
            vec!["https://x.example"]
        );
        assert!(
            settings
                .warnings
                .iter()
                .any(|w| w.contains("postgres_user"))
        );

        std::fs::write(&path, "port: [1, 2]\n").unwrap();
        let err = Settings::from_lookup(lookup(&[("ROOTSKI__CONFIG_FILE_PATH", &path_text)]))
            .unwrap_err();
        assert!(err.to_string().contains("`port` in"), "{err}");
    }

    #[test]
    fn server_limits_come_from_environment_and_file() {
        use std::time::Duration;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rootski-config.yml");
        std::fs::write(
            &path,
            "header_read_timeout: 5\nkeep_alive_timeout: 2.5s\nmax_connections: 64\n",
        )
        .unwrap();
        let path_text = path.to_str().unwrap().to_owned();
        let settings = Settings::from_lookup(lookup(&[
            ("ROOTSKI__CONFIG_FILE_PATH", &path_text),
            ("ROOTSKI__BODY_READ_TIMEOUT", "1500ms"),
            ("ROOTSKI__MAX_CONNECTIONS", "8"),
        ]))
        .unwrap();
        assert_eq!(settings.header_read_timeout, Duration::from_secs(5));
        assert_eq!(settings.body_read_timeout, Duration::from_millis(1500));
        assert_eq!(settings.keep_alive_timeout, Duration::from_millis(2500));
        assert_eq!(settings.max_connections, 8);
        assert!(settings.warnings.is_empty(), "{:?}", settings.warnings);

        let defaults =
            Settings::from_lookup(lookup(&[("ROOTSKI__KEEP_ALIVE_TIMEOUT", "")])).unwrap();
        assert_eq!(
            defaults.keep_alive_timeout,
            crate::config::DEFAULT_KEEP_ALIVE_TIMEOUT
        );

        for (name, value) in [
            ("ROOTSKI__HEADER_READ_TIMEOUT", "0"),
            ("ROOTSKI__BODY_READ_TIMEOUT", "soon"),
            ("ROOTSKI__KEEP_ALIVE_TIMEOUT", "-1"),
            ("ROOTSKI__MAX_CONNECTIONS", "0"),
        ] {
            let message = Settings::from_lookup(lookup(&[(name, value)]))
                .unwrap_err()
                .to_string();
            assert!(
                message.contains(name) && !message.contains('\n'),
                "{message}"
            );
        }
    }

    #[test]
    fn a_missing_file_is_an_error_naming_it() {
        let err = Settings::from_lookup(lookup(&[(
            "ROOTSKI__CONFIG_FILE_PATH",
            "/nonexistent/x.yml",
        )]))
        .unwrap_err();
        assert!(err.to_string().contains("/nonexistent/x.yml"));
    }

    #[test]
    fn issuer_and_jwks_url_follow_cognito_settings() {
        let settings = Settings::from_lookup(lookup(&[
            ("ROOTSKI__COGNITO_AWS_REGION", "us-west-2"),
            ("ROOTSKI__COGNITO_USER_POOL_ID", "us-west-2_abc"),
        ]))
        .unwrap();
        assert_eq!(
            settings.cognito_issuer().as_deref(),
            Some("https://cognito-idp.us-west-2.amazonaws.com/us-west-2_abc")
        );
        assert_eq!(
            settings.cognito_jwks_url().as_deref(),
            Some("https://cognito-idp.us-west-2.amazonaws.com/us-west-2_abc/.well-known/jwks.json")
        );
    }
}
