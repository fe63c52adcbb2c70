//! Bootstrap roles, the bootstrap version check and availability-zone lookups against
//! a local endpoint (moto_server on 127.0.0.1, started by `scripts/checks/70-deploy.sh`).
//! Skipped, with a message, when `AWS_ENDPOINT_URL` is not an `http://127.0.0.1:`
//! address — these tests never talk to anything else.
#![cfg(feature = "deploy")]

mod moto_support;

use moto_support::*;

use std::path::Path;

use cdk::{CfnResource, Environment, Stack, StackProps};
use cdk_toolkit::assembly::AssemblyReader;
use cdk_toolkit::deploy::aws::Aws;
use cdk_toolkit::deploy::bootstrap::{self, BootstrapOptions};
use cdk_toolkit::deploy::changeset::RequireApproval;
use cdk_toolkit::deploy::context::{MissingLookup, merge_context_file, resolve};
use cdk_toolkit::deploy::destroy::DestroyOutcome;
use cdk_toolkit::deploy::toolkit;
use cdk_toolkit::deploy::version;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn bootstrap_creates_cdks_roles_and_version() {
    let Some(aws) = moto(REGION).await else {
        return;
    };
    ensure_bootstrapped(&aws).await;
    let resources = aws
        .cloudformation(REGION)
        .list_stack_resources()
        .stack_name(bootstrap::TOOLKIT_STACK_NAME)
        .send()
        .await
        .expect("list resources");
    let physical: Vec<&str> = resources
        .stack_resource_summaries()
        .iter()
        .filter(|r| r.resource_type() == Some("AWS::IAM::Role"))
        .filter_map(|r| r.physical_resource_id())
        .collect();
    for role in ["deploy", "cfn-exec", "file-publishing", "lookup"] {
        let name = format!("cdk-hnb659fds-{role}-role-123456789012-{REGION}");
        assert!(
            physical.iter().any(|p| p.ends_with(&name)),
            "{name} not in {physical:?}"
        );
    }
    let found = version::bootstrap_version(&aws, REGION, version::DEFAULT_PARAMETER)
        .await
        .expect("read version");
    assert_eq!(found, Some(bootstrap::BOOTSTRAP_VERSION));
}

/// A bucket stack pinned to `account`, synthesized into `dir`.
fn pinned_app(dir: &Path, name: &str, account: &str) -> AssemblyReader {
    let app = new_app(dir);
    let st = Stack::new(
        &app,
        name,
        StackProps {
            env: Some(Environment {
                account: Some(account.into()),
                region: Some(REGION.into()),
            }),
            ..Default::default()
        },
    )
    .expect("stack");
    CfnResource::new(&st, "B", "AWS::S3::Bucket", json!(null)).expect("bucket");
    app.synth().expect("synth");
    AssemblyReader::load(dir).expect("assembly")
}

/// Deploying into another account works only through that account's deploy role:
/// the stack lands where only the role's credentials can put it, created with the
/// execution role as `RoleARN`, and is destroyed through the role again.
#[tokio::test(flavor = "multi_thread")]
async fn cross_account_deploys_assume_the_deploy_role() {
    let Some(aws) = moto(REGION).await else {
        return;
    };
    const OTHER: &str = "111111111111";
    // An administrator of the other account bootstraps it, trusting ours.
    let (admin, identity) = aws
        .assume_role(&format!("arn:aws:iam::{OTHER}:role/admin"), None, REGION)
        .await
        .expect("admin of the other account");
    assert_eq!(identity.account, OTHER);
    let mut ui = Recorder::answering(true);
    let trusting = BootstrapOptions {
        trusted_accounts: vec!["123456789012".into()],
        execution_policies: vec!["arn:aws:iam::aws:policy/AdministratorAccess".into()],
        ..Default::default()
    };
    bootstrap::bootstrap(
        &admin,
        REGION,
        &trusting,
        &options(RequireApproval::Never),
        &mut ui,
    )
    .await
    .expect("bootstrap the other account");

    let dir = tempfile::tempdir().expect("tempdir");
    let name = format!("CrossAccount-{}", suffix());
    let assembly = pinned_app(dir.path(), &name, OTHER);
    let mut ui = Recorder::answering(true);
    deploy_all(&aws, &assembly, &mut ui)
        .await
        .expect("deploy through the role");
    let text = ui.text();
    assert!(
        text.contains(&format!(
            "assumed arn:aws:sts::{OTHER}:assumed-role/cdk-hnb659fds-deploy-role-{OTHER}-{REGION}/"
        )),
        "{text}"
    );
    let exists = |aws: Aws| {
        let name = name.clone();
        async move {
            aws.cloudformation(REGION)
                .describe_stacks()
                .stack_name(name)
                .send()
                .await
                .is_ok()
        }
    };
    assert!(exists(admin.clone()).await, "the stack is in {OTHER}");
    assert!(!exists(aws.clone()).await, "not in the caller's account");
    let data = moto_data();
    let role_arn = data["cloudformation"]["Stack"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["name"] == name.as_str() && s["account_id"] == OTHER)
        .map(|s| s["role_arn"].clone());
    assert_eq!(
        role_arn,
        Some(json!(format!(
            "arn:aws:iam::{OTHER}:role/cdk-hnb659fds-cfn-exec-role-{OTHER}-{REGION}"
        )))
    );

    // Without a deploy role, another account's stack is refused up front.
    let manifest_path = dir.path().join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).expect("read"))
            .expect("json");
    let props = manifest["artifacts"][name.as_str()]["properties"]
        .as_object_mut()
        .expect("properties");
    props.remove("assumeRoleArn");
    std::fs::write(&manifest_path, manifest.to_string()).expect("write");
    let roleless = AssemblyReader::load(dir.path()).expect("assembly");
    let err = toolkit::destroy(&aws, &roleless, &[], true, fast(), &mut ui)
        .await
        .expect_err("no role, other account");
    assert!(
        err.to_string()
            .contains("credentials are for account 123456789012"),
        "{err}"
    );

    // The assembly as synthesized (read before the rewrite) still names the role.
    let outcome = toolkit::destroy(&aws, &assembly, &[], true, fast(), &mut ui)
        .await
        .expect("destroy through the role");
    assert_eq!(outcome[0].1, DestroyOutcome::Destroyed);
    assert!(!exists(admin).await, "destroyed in {OTHER}");
}

/// Rewrites the stack artifact's bootstrap requirement in a synthesized assembly.
fn require_version(dir: &Path, stack: &str, version: u32, parameter: &str) -> AssemblyReader {
    let path = dir.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    let props = &mut manifest["artifacts"][stack]["properties"];
    props["requiresBootstrapStackVersion"] = json!(version);
    props["bootstrapStackVersionSsmParameter"] = json!(parameter);
    std::fs::write(&path, manifest.to_string()).expect("write");
    AssemblyReader::load(dir).expect("assembly")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_too_old_or_missing_bootstrap_version_is_refused() {
    let Some(aws) = moto(REGION).await else {
        return;
    };
    ensure_bootstrapped(&aws).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let name = format!("NeedsNewer-{}", suffix());
    pinned_app(dir.path(), &name, "123456789012");
    for (version, parameter, expected) in [
        (
            99,
            version::DEFAULT_PARAMETER,
            format!(
                "requires bootstrap stack version 99, found {}",
                bootstrap::BOOTSTRAP_VERSION
            ),
        ),
        (
            6,
            "/cdk-bootstrap/notthere/version",
            "requires bootstrap stack version 6, found none".to_string(),
        ),
    ] {
        let assembly = require_version(dir.path(), &name, version, parameter);
        let mut ui = Recorder::answering(true);
        let err = deploy_all(&aws, &assembly, &mut ui)
            .await
            .expect_err("version check");
        let msg = err.to_string();
        assert!(msg.contains(&expected), "{msg}");
        assert!(msg.contains("rootski bootstrap"), "{msg}");
        // Refused before anything was uploaded or created.
        assert!(!ui.text().contains("published"), "{}", ui.text());
        assert!(
            aws.cloudformation(REGION)
                .describe_stacks()
                .stack_name(&name)
                .send()
                .await
                .is_err(),
            "no stack was created"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn availability_zone_lookups_use_ec2_and_keep_other_context() {
    let Some(aws) = moto(REGION).await else {
        return;
    };
    ensure_bootstrapped(&aws).await;
    let key = format!("availability-zones:account=123456789012:region={REGION}");
    let lookup = MissingLookup {
        key: key.clone(),
        provider: "availability-zones".into(),
        props: json!({
            "account": "123456789012",
            "region": REGION,
            "lookupRoleArn": "arn:${AWS::Partition}:iam::123456789012:role/cdk-hnb659fds-lookup-role-123456789012-us-west-2"
        })
        .as_object()
        .cloned()
        .unwrap_or_default(),
    };
    let mut ui = Recorder::answering(true);
    let answers = resolve(&aws, &[lookup], &mut ui).await.expect("resolve");
    assert!(
        ui.text()
            .contains(":assumed-role/cdk-hnb659fds-lookup-role-123456789012-us-west-2/"),
        "{}",
        ui.text()
    );
    // What moto 5.2.5 (pinned) lists for us-west-2, all available, in its order.
    let expected: Vec<serde_json::Value> = ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"]
        .iter()
        .map(|z| json!(z))
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(answers[&key], serde_json::Value::Array(expected));
    assert!(
        answers[&key].as_array().is_some_and(|zones| zones
            .iter()
            .all(|z| z.as_str().is_some_and(|z| z.starts_with(REGION)))),
        "{answers:?}"
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cdk.context.json");
    std::fs::write(&path, r#"{"rootski:domain": "example.com"}"#).expect("write");
    merge_context_file(&path, &answers).expect("merge");
    let merged: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    assert_eq!(merged["rootski:domain"], "example.com");
    assert_eq!(merged[&key], answers[&key]);
}
