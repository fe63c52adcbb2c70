//! Reading the Cognito settings from SSM (`config::ssm`) against an SSM-compatible
//! server named by `ROOTSKI_TEST_SSM_ENDPOINT` (moto, started by
//! `scripts/checks/65-ssm.sh`). Those tests are `#[ignore]`d with the reason, so a
//! plain `cargo test` reports them as skipped; the script runs them with `--ignored`.
//!
//! Parameter names are fixed by the setting names (`/rootski/<env>/<name>`), so the
//! tests share one moto: every `dev` test writes the same values, and the
//! missing-parameter test uses `prod`, where only the region is ever written.
#![cfg(feature = "ssm")]

use std::time::Duration;

use aws_sdk_ssm::config::Credentials;
use aws_sdk_ssm::types::ParameterType;
use rootski_api::Settings;
use rootski_api::config::ssm::{SsmOptions, connect, fetch};
use rootski_api::config::{ConfigError, Environment, SsmFailure};

const ENDPOINT_VAR: &str = "ROOTSKI_TEST_SSM_ENDPOINT";

const REGION: &str = "us-moto-1";
const POOL: &str = "us-moto-1_FromSsm";
const CLIENT: &str = "client-from-ssm";

fn options(endpoint: &str) -> SsmOptions {
    SsmOptions {
        endpoint_url: Some(endpoint.to_owned()),
        region: Some("us-east-1".to_owned()),
        credentials: Some(Credentials::new(
            "testing",
            "testing",
            None,
            None,
            "rootski-tests",
        )),
        max_attempts: 1,
        ..SsmOptions::default()
    }
}

async fn client() -> aws_sdk_ssm::Client {
    let Some(endpoint) = std::env::var(ENDPOINT_VAR).ok().filter(|v| !v.is_empty()) else {
        panic!(
            "{ENDPOINT_VAR} is not set: start an SSM-compatible server (scripts/checks/65-ssm.sh does) and set it to its http://127.0.0.1:<port> URL"
        );
    };
    connect(&options(&endpoint)).await
}

async fn put(client: &aws_sdk_ssm::Client, name: &str, value: &str, kind: ParameterType) {
    client
        .put_parameter()
        .name(name)
        .value(value)
        .r#type(kind)
        .overwrite(true)
        .send()
        .await
        .unwrap_or_else(|err| panic!("put {name}: {err:?}"));
}

/// The `dev` parameters; the client id is a SecureString, so decryption is exercised.
async fn put_dev_parameters(client: &aws_sdk_ssm::Client) {
    put(
        client,
        "/rootski/dev/cognito_aws_region",
        REGION,
        ParameterType::String,
    )
    .await;
    put(
        client,
        "/rootski/dev/cognito_user_pool_id",
        POOL,
        ParameterType::String,
    )
    .await;
    put(
        client,
        "/rootski/dev/cognito_web_client_id",
        CLIENT,
        ParameterType::SecureString,
    )
    .await;
}

fn flagged(environment: Environment) -> Settings {
    Settings {
        fetch_values_from_aws_ssm: true,
        environment,
        ..Settings::default()
    }
}

#[tokio::test]
#[ignore = "needs an SSM-compatible server: run scripts/checks/65-ssm.sh"]
async fn fills_the_cognito_settings_from_ssm() {
    let client = client().await;
    put_dev_parameters(&client).await;
    let settings = fetch(&client, flagged(Environment::Dev)).await.unwrap();
    assert_eq!(settings.cognito_aws_region.as_deref(), Some(REGION));
    assert_eq!(settings.cognito_user_pool_id.as_deref(), Some(POOL));
    assert_eq!(settings.cognito_web_client_id.as_deref(), Some(CLIENT));
    assert_eq!(
        settings.cognito_issuer().as_deref(),
        Some("https://cognito-idp.us-moto-1.amazonaws.com/us-moto-1_FromSsm")
    );
}

#[tokio::test]
#[ignore = "needs an SSM-compatible server: run scripts/checks/65-ssm.sh"]
async fn explicit_settings_are_kept() {
    let client = client().await;
    put_dev_parameters(&client).await;
    let mut settings = flagged(Environment::Dev);
    settings.cognito_user_pool_id = Some("us-moto-1_Explicit".into());
    let settings = fetch(&client, settings).await.unwrap();
    assert_eq!(
        settings.cognito_user_pool_id.as_deref(),
        Some("us-moto-1_Explicit")
    );
    assert_eq!(settings.cognito_aws_region.as_deref(), Some(REGION));
    assert_eq!(settings.cognito_web_client_id.as_deref(), Some(CLIENT));
}

#[tokio::test]
#[ignore = "needs an SSM-compatible server: run scripts/checks/65-ssm.sh"]
async fn missing_parameters_are_named_with_the_fix() {
    let client = client().await;
    put(
        &client,
        "/rootski/prod/cognito_aws_region",
        REGION,
        ParameterType::String,
    )
    .await;
    let err = fetch(&client, flagged(Environment::Prod))
        .await
        .unwrap_err();
    let ConfigError::Ssm {
        kind, parameters, ..
    } = &err
    else {
        panic!("not an SSM error: {err}");
    };
    assert_eq!(*kind, SsmFailure::Missing, "{err}");
    assert_eq!(
        parameters,
        &vec![
            "/rootski/prod/cognito_user_pool_id".to_owned(),
            "/rootski/prod/cognito_web_client_id".to_owned(),
        ]
    );
    let message = err.to_string();
    assert!(message.contains("environment `prod`"), "{message}");
    assert!(message.contains("aws ssm put-parameter"), "{message}");
    assert!(
        message.contains("ROOTSKI__FETCH_VALUES_FROM_AWS_SSM=false"),
        "{message}"
    );
}

/// No server needed: a closed port on 127.0.0.1 stands for an unreachable SSM.
#[tokio::test]
async fn an_unreachable_ssm_is_a_request_error_naming_the_parameters() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let mut options = options(&endpoint);
    options.connect_timeout = Duration::from_millis(500);
    let client = connect(&options).await;
    let err = fetch(&client, flagged(Environment::Prod))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ConfigError::Ssm {
                kind: SsmFailure::Request,
                ..
            }
        ),
        "{err}"
    );
    let message = err.to_string();
    assert!(
        message.contains("/rootski/prod/cognito_aws_region"),
        "{message}"
    );
    assert!(message.contains("ssm:GetParameters"), "{message}");
}
