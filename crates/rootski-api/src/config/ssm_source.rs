//! SSM Parameter Store as the settings source below the environment and the file.
//!
//! The deployed stack sets `ROOTSKI__FETCH_VALUES_FROM_AWS_SSM=true` and grants the
//! function `ssm:Get*` on `/rootski*`; the Cognito settings live in
//! `/rootski/<env>/cognito_aws_region` and its siblings ([`SSM_SETTINGS`]).
//!
//! Priority, as in the original's pydantic sources (init, env, YAML, SSM): a value
//! given by `ROOTSKI__<NAME>` or the config file is kept, and SSM only fills the
//! settings still unset. When every one is set explicitly SSM is not called at all,
//! so a developer can override the deployed values without touching the parameters.
//!
//! This module holds the AWS-free part (which settings to ask for, merging, the error
//! messages) so it is tested without the SDK; [`super::ssm`] (feature `ssm`) does the
//! `GetParameters` call. A binary built without the feature fails start-up when the
//! flag is on: a function silently running without Cognito settings would refuse
//! every signed-in user, which is worse than not starting.

use std::collections::BTreeMap;

use super::{ConfigError, Settings};

/// The settings read from SSM, by setting (and parameter) name.
pub const SSM_SETTINGS: &[&str] = &[
    "cognito_aws_region",
    "cognito_user_pool_id",
    "cognito_web_client_id",
];

/// Why the SSM values are not available.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SsmFailure {
    /// The binary was built without the `ssm` feature.
    NotBuiltIn,
    /// SSM answered, but some parameters do not exist (or are blank).
    Missing,
    /// The request failed (no region, credentials, permissions, network).
    Request,
}

/// What [`merge`] did, for the start-up log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SsmMerge {
    /// Settings whose value came from SSM.
    pub filled: Vec<&'static str>,
    /// Settings set explicitly (environment or file), left as they were.
    pub kept_explicit: Vec<&'static str>,
}

/// Applies SSM to `settings` when `ROOTSKI__FETCH_VALUES_FROM_AWS_SSM` is true:
/// builds an SSM client from the environment (region, credentials,
/// `ROOTSKI__SSM_ENDPOINT_URL` / `AWS_ENDPOINT_URL`) and fills the unset Cognito
/// settings. Returns `settings` unchanged when the flag is off or nothing is unset.
/// Binaries call this once at start-up, after applying their flags.
pub async fn resolve_ssm(settings: Settings) -> Result<Settings, ConfigError> {
    if !settings.fetch_values_from_aws_ssm {
        return Ok(settings);
    }
    if wanted(&settings).is_empty() {
        tracing::info!(
            "ROOTSKI__FETCH_VALUES_FROM_AWS_SSM is true, but every Cognito setting is set \
             explicitly: SSM is not read"
        );
        return Ok(settings);
    }
    #[cfg(feature = "ssm")]
    {
        let client = super::ssm::connect(&super::ssm::SsmOptions::from_settings(&settings)).await;
        super::ssm::fetch(&client, settings).await
    }
    #[cfg(not(feature = "ssm"))]
    {
        Err(failure(
            &settings,
            SsmFailure::NotBuiltIn,
            &wanted(&settings),
            "this binary was built without the `ssm` feature of rootski-api",
        ))
    }
}

/// The settings SSM has to supply: those neither the environment nor the file set.
pub fn wanted(settings: &Settings) -> Vec<&'static str> {
    SSM_SETTINGS
        .iter()
        .copied()
        .filter(|name| value(settings, name).is_none())
        .collect()
}

/// Fills each unset setting of [`SSM_SETTINGS`] from `found` (setting name → value)
/// and keeps explicit ones. A wanted setting without a non-blank value in `found` is
/// a [`SsmFailure::Missing`] error naming every such parameter.
pub fn merge(
    mut settings: Settings,
    found: &BTreeMap<String, String>,
) -> Result<(Settings, SsmMerge), ConfigError> {
    let wanted = wanted(&settings);
    let missing: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|name| found.get(*name).is_none_or(|v| v.trim().is_empty()))
        .collect();
    if !missing.is_empty() {
        return Err(failure(
            &settings,
            SsmFailure::Missing,
            &missing,
            "these parameters do not exist (or are empty)",
        ));
    }
    let mut report = SsmMerge::default();
    for name in SSM_SETTINGS.iter().copied() {
        if !wanted.contains(&name) {
            report.kept_explicit.push(name);
            continue;
        }
        if let (Some(slot), Some(v)) = (value_mut(&mut settings, name), found.get(name)) {
            *slot = Some(v.trim().to_owned());
            report.filled.push(name);
        }
    }
    Ok((settings, report))
}

/// The error for `names` (setting names) of `settings`' environment, with the fix.
pub fn failure(
    settings: &Settings,
    kind: SsmFailure,
    names: &[&str],
    problem: &str,
) -> ConfigError {
    let parameters: Vec<String> = names
        .iter()
        .map(|name| settings.ssm_parameter_name(name))
        .collect();
    let variables: Vec<String> = names
        .iter()
        .map(|name| format!("ROOTSKI__{}", name.to_ascii_uppercase()))
        .collect();
    let environment = settings.environment.as_str();
    let first_fix = match kind {
        SsmFailure::NotBuiltIn => {
            "build the binary with the feature (`--features rootski-api/ssm`)".to_owned()
        }
        SsmFailure::Missing => format!(
            "create them (e.g. `aws ssm put-parameter --type String --name {} --value ...`)",
            parameters.first().map_or("", String::as_str)
        ),
        SsmFailure::Request => "check AWS_REGION, the credentials, the endpoint \
             (ROOTSKI__SSM_ENDPOINT_URL / AWS_ENDPOINT_URL) and that the role may call \
             ssm:GetParameters on them"
            .to_owned(),
    };
    let message = format!(
        "ROOTSKI__FETCH_VALUES_FROM_AWS_SSM is true (environment `{environment}`, from \
         ROOTSKI__ENVIRONMENT) but the SSM parameters {} cannot be used: {problem}. Fix: {first_fix}; \
         or set {} in the environment or the config file (explicit values are never looked up \
         in SSM) and ROOTSKI__FETCH_VALUES_FROM_AWS_SSM=false",
        parameters.join(", "),
        variables.join(", "),
    );
    ConfigError::Ssm {
        kind,
        parameters,
        message,
    }
}

fn value<'a>(settings: &'a Settings, name: &str) -> Option<&'a String> {
    match name {
        "cognito_aws_region" => settings.cognito_aws_region.as_ref(),
        "cognito_user_pool_id" => settings.cognito_user_pool_id.as_ref(),
        "cognito_web_client_id" => settings.cognito_web_client_id.as_ref(),
        _ => None,
    }
}

fn value_mut<'a>(settings: &'a mut Settings, name: &str) -> Option<&'a mut Option<String>> {
    match name {
        "cognito_aws_region" => Some(&mut settings.cognito_aws_region),
        "cognito_user_pool_id" => Some(&mut settings.cognito_user_pool_id),
        "cognito_web_client_id" => Some(&mut settings.cognito_web_client_id),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Environment;

    fn found(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn all_found() -> BTreeMap<String, String> {
        found(&[
            ("cognito_aws_region", "us-west-2"),
            ("cognito_user_pool_id", "us-west-2_ssm"),
            ("cognito_web_client_id", "ssm-client"),
        ])
    }

    fn flagged() -> Settings {
        Settings {
            fetch_values_from_aws_ssm: true,
            environment: Environment::Prod,
            ..Settings::default()
        }
    }

    #[test]
    fn ssm_fills_every_unset_setting() {
        let (settings, report) = merge(flagged(), &all_found()).unwrap();
        assert_eq!(settings.cognito_aws_region.as_deref(), Some("us-west-2"));
        assert_eq!(
            settings.cognito_user_pool_id.as_deref(),
            Some("us-west-2_ssm")
        );
        assert_eq!(
            settings.cognito_web_client_id.as_deref(),
            Some("ssm-client")
        );
        assert_eq!(report.filled, SSM_SETTINGS.to_vec());
        assert!(report.kept_explicit.is_empty());
    }

    #[test]
    fn explicit_values_win_over_ssm() {
        let settings = Settings::from_lookup(|name| match name {
            "ROOTSKI__FETCH_VALUES_FROM_AWS_SSM" => Some("true".into()),
            "ROOTSKI__COGNITO_WEB_CLIENT_ID" => Some("env-client".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(
            wanted(&settings),
            vec!["cognito_aws_region", "cognito_user_pool_id"]
        );
        let (settings, report) = merge(settings, &all_found()).unwrap();
        assert_eq!(
            settings.cognito_web_client_id.as_deref(),
            Some("env-client")
        );
        assert_eq!(settings.cognito_aws_region.as_deref(), Some("us-west-2"));
        assert_eq!(report.kept_explicit, vec!["cognito_web_client_id"]);
        assert_eq!(
            report.filled,
            vec!["cognito_aws_region", "cognito_user_pool_id"]
        );
    }

    #[test]
    fn an_explicit_setting_needs_no_parameter() {
        let mut settings = flagged();
        settings.cognito_aws_region = Some("eu-west-1".into());
        let partial = found(&[
            ("cognito_user_pool_id", "p"),
            ("cognito_web_client_id", " c \n"),
        ]);
        let (settings, _) = merge(settings, &partial).unwrap();
        assert_eq!(settings.cognito_aws_region.as_deref(), Some("eu-west-1"));
        assert_eq!(settings.cognito_web_client_id.as_deref(), Some("c"));
    }

    #[test]
    fn missing_parameters_name_themselves_the_environment_and_the_fix() {
        let partial = found(&[
            ("cognito_aws_region", "us-west-2"),
            ("cognito_web_client_id", "  "),
        ]);
        let err = merge(flagged(), &partial).unwrap_err();
        let ConfigError::Ssm {
            kind, parameters, ..
        } = &err
        else {
            panic!("not an SSM error: {err}");
        };
        assert_eq!(*kind, SsmFailure::Missing);
        assert_eq!(
            parameters,
            &vec![
                "/rootski/prod/cognito_user_pool_id".to_owned(),
                "/rootski/prod/cognito_web_client_id".to_owned()
            ]
        );
        let message = err.to_string();
        for needle in [
            "/rootski/prod/cognito_user_pool_id",
            "/rootski/prod/cognito_web_client_id",
            "environment `prod`",
            "aws ssm put-parameter",
            "ROOTSKI__COGNITO_USER_POOL_ID, ROOTSKI__COGNITO_WEB_CLIENT_ID",
            "ROOTSKI__FETCH_VALUES_FROM_AWS_SSM=false",
        ] {
            assert!(message.contains(needle), "{needle:?} not in {message}");
        }
        assert!(!message.contains("/rootski/prod/cognito_aws_region"));
    }

    #[test]
    fn request_failures_say_what_to_check() {
        let err = failure(
            &Settings::default(),
            SsmFailure::Request,
            SSM_SETTINGS,
            "connection refused",
        )
        .to_string();
        assert!(err.contains("/rootski/dev/cognito_aws_region"), "{err}");
        assert!(err.contains("connection refused"), "{err}");
        assert!(err.contains("ssm:GetParameters"), "{err}");
        assert!(err.contains("AWS_REGION"), "{err}");
    }

    #[tokio::test]
    async fn nothing_happens_when_the_flag_is_off_or_all_is_explicit() {
        let settings = Settings::default();
        assert_eq!(resolve_ssm(settings.clone()).await.unwrap(), settings);
        let mut explicit = flagged();
        explicit.cognito_aws_region = Some("r".into());
        explicit.cognito_user_pool_id = Some("p".into());
        explicit.cognito_web_client_id = Some("c".into());
        assert_eq!(resolve_ssm(explicit.clone()).await.unwrap(), explicit);
    }

    #[cfg(not(feature = "ssm"))]
    #[tokio::test]
    async fn without_the_feature_the_flag_fails_start_up() {
        let err = resolve_ssm(flagged()).await.unwrap_err();
        assert!(matches!(
            err,
            ConfigError::Ssm {
                kind: SsmFailure::NotBuiltIn,
                ..
            }
        ));
        let message = err.to_string();
        assert!(message.contains("without the `ssm` feature"), "{message}");
        assert!(message.contains("/rootski/prod/cognito_user_pool_id"));
        assert!(message.contains("ROOTSKI__FETCH_VALUES_FROM_AWS_SSM=false"));
    }
}
