//! `rootski bootstrap | deploy | diff | destroy` as a user runs them, against a
//! local moto_server (`scripts/checks/70-deploy.sh` sets `AWS_ENDPOINT_URL` to its
//! 127.0.0.1 address; without it the moto tests skip with a message). The full
//! Rootski stack goes up to a described change set (moto ignores Stage, Account,
//! DomainName, BasePathMapping and Certificate, so executing it proves little).

use std::path::Path;
use std::process::{Command, Output, Stdio};

use cdk_toolkit::deploy::aws::{Aws, AwsSettings};

const ACCOUNT: &str = "123456789012";

fn moto_endpoint() -> Option<String> {
    match std::env::var("AWS_ENDPOINT_URL") {
        Ok(url) if url.starts_with("http://127.0.0.1:") => Some(url),
        _ => {
            eprintln!(
                "skipping: AWS_ENDPOINT_URL is not a local moto_server (http://127.0.0.1:PORT); \
                 scripts/checks/70-deploy.sh runs this test"
            );
            None
        }
    }
}

fn rootski(dir: &Path, endpoint: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rootski"))
        .args(args)
        .current_dir(dir)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_REGION", "us-west-2")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("CDK_CONTEXT_JSON")
        .env_remove("CDK_OUTDIR")
        .stdin(Stdio::null())
        .output()
        .expect("run rootski")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn app_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("cdk.json"),
        format!(
            r#"{{"context": {{"rootski:account": "{ACCOUNT}", "rootski:region": "us-west-2"}}}}"#
        ),
    )
    .expect("cdk.json");
    std::fs::write(
        dir.path().join("cdk.context.json"),
        r#"{"keep-me": {"a": 1}}"#,
    )
    .expect("cdk.context.json");
    dir
}

#[test]
fn missing_context_without_credentials_names_the_key_and_the_fix() {
    let dir = app_dir();
    let out = Command::new(env!("CARGO_BIN_EXE_rootski"))
        .args(["diff", "--no-bundle", "-o", "cdk.out"])
        .current_dir(dir.path())
        // Nothing listens on port 9; no credentials anywhere; no instance metadata.
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_REGION", "us-west-2")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", dir.path().join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("none"))
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_CONTAINER_CREDENTIALS_FULL_URI")
        .env_remove("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        .env_remove("AWS_WEB_IDENTITY_TOKEN_FILE")
        .env_remove("CDK_CONTEXT_JSON")
        .stdin(Stdio::null())
        .output()
        .expect("run rootski");
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(
        t.contains(&format!(
            "hosted-zone:account={ACCOUNT}:domainName=rootski.io"
        )),
        "{t}"
    );
    assert!(t.contains("AWS_ACCESS_KEY_ID"), "{t}");
    assert!(t.contains("cdk.context.json"), "{t}");
    let ctx = std::fs::read_to_string(dir.path().join("cdk.context.json")).expect("context");
    assert_eq!(
        ctx, r#"{"keep-me": {"a": 1}}"#,
        "existing context must stay untouched"
    );
}

#[test]
fn bootstrap_trusting_accounts_requires_execution_policies() {
    let dir = app_dir();
    let out = Command::new(env!("CARGO_BIN_EXE_rootski"))
        .args(["bootstrap", "--trust", "111111111111"])
        .current_dir(dir.path())
        // Refused before any AWS call: nothing listens on port 9.
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_REGION", "us-west-2")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::null())
        .output()
        .expect("run rootski");
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(t.contains("--cloudformation-execution-policies"), "{t}");
}

#[tokio::test(flavor = "multi_thread")]
async fn rootski_stack_up_to_a_described_change_set() {
    let Some(endpoint) = moto_endpoint() else {
        return;
    };
    let dir = app_dir();
    let d = dir.path();

    let out = rootski(d, &endpoint, &["bootstrap"]);
    assert!(out.status.success(), "{}", text(&out));

    // Without the zone the lookup fails and says how to supply the value.
    let out = rootski(
        d,
        &endpoint,
        &["deploy", "--no-execute", "--no-bundle", "-o", "cdk.out"],
    );
    let t = text(&out);
    if !t.contains("Cached") {
        assert!(!out.status.success(), "{t}");
        assert!(t.contains("no public hosted zone named rootski.io."), "{t}");
        let aws = Aws::load(&AwsSettings {
            region: Some("us-west-2".into()),
            endpoint_url: Some(endpoint.clone()),
            ..Default::default()
        })
        .await;
        aws.route53("us-west-2")
            .create_hosted_zone()
            .name("rootski.io")
            .caller_reference("rootski-deploy-cli-test")
            .send()
            .await
            .expect("create zone");
    }

    let out = rootski(
        d,
        &endpoint,
        &["deploy", "--no-execute", "--no-bundle", "-o", "cdk.out"],
    );
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(
        t.contains("Looking up context") || t.contains("no changes"),
        "{t}"
    );
    assert!(t.contains("created and described, not executed"), "{t}");
    assert!(t.contains("AWS::Lambda::Function"), "{t}");
    // The change sets were made with the bootstrap deploy role.
    assert!(
        t.contains(":assumed-role/cdk-hnb659fds-deploy-role-"),
        "{t}"
    );
    assert!(
        t.contains("AWS::DynamoDB") || t.contains("AllowLambdaAccessToDynamoDBTables"),
        "{t}"
    );
    let ctx: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(d.join("cdk.context.json")).expect("context"),
    )
    .expect("json");
    assert_eq!(ctx["keep-me"]["a"], 1, "{ctx}");
    let key = format!("hosted-zone:account={ACCOUNT}:domainName=rootski.io:region=us-west-2");
    assert!(
        ctx[&key]["Id"]
            .as_str()
            .is_some_and(|id| id.starts_with("/hostedzone/")),
        "{ctx}"
    );

    // Widening IAM without a terminal to approve on: refused, non-zero.
    let out = rootski(d, &endpoint, &["deploy", "--no-bundle", "-o", "cdk.out"]);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(t.contains("--require-approval never"), "{t}");

    let out = rootski(
        d,
        &endpoint,
        &["destroy", "--force", "--no-bundle", "-o", "cdk.out"],
    );
    assert!(out.status.success(), "{}", text(&out));
}
