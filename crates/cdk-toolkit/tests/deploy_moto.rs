//! Deploy, diff and destroy against a local CloudFormation endpoint (moto_server on
//! 127.0.0.1, started by `scripts/checks/70-deploy.sh`). Skipped, with a message, when
//! `AWS_ENDPOINT_URL` is not an `http://127.0.0.1:` address — these tests never talk
//! to anything else.
//!
//! moto runs with tools/moto-patch applied (scripts/install-tools): change sets
//! execute in DependsOn order, failures are resource events and roll back, as in
//! CloudFormation (unpatched moto 5.2.5 fails `ExecuteChangeSet` itself instead).
#![cfg(feature = "deploy")]

mod moto_support;

use moto_support::*;

use std::path::Path;

use cdk::{CfnOutput, CfnOutputProps, CfnResource, RemovalPolicy, Stack, StackProps};
use cdk_aws::aws_iam::{Principal, Role, RoleProps};
use cdk_aws::aws_lambda::{Code, Function, FunctionProps, Runtime};
use cdk_aws::aws_s3::{Bucket, BucketProps};
use cdk_toolkit::assembly::AssemblyReader;
use cdk_toolkit::deploy::changeset::{DeployOutcome, RequireApproval};
use cdk_toolkit::deploy::context::{MissingLookup, resolve};
use cdk_toolkit::deploy::destroy::DestroyOutcome;
use cdk_toolkit::deploy::stacks::DeployableStack;
use cdk_toolkit::deploy::toolkit;
use serde_json::json;

/// Bucket + role (granted on it), Lambda (file asset) + RestApi, DynamoDB table;
/// `v2` adds a bucket and changes the table's billing.
fn flow_app(outdir: &Path, code: &Path, v2: bool) -> AssemblyReader {
    let s = suffix();
    let app = new_app(outdir);
    let st = stack(&app, &format!("BucketRole-{s}"));
    let bucket = Bucket::new(
        &st,
        "Data",
        BucketProps {
            removal_policy: Some(RemovalPolicy::Destroy),
            ..Default::default()
        },
    )
    .expect("bucket");
    let role = Role::new(
        &st,
        "Reader",
        RoleProps {
            assumed_by: Principal::Service("lambda.amazonaws.com".into()),
            managed_policies: Vec::new(),
            description: Some("reads the data bucket".into()),
            role_name: None,
        },
    )
    .expect("role");
    bucket.grant_read_write(&role).expect("grant");
    CfnOutput::new(
        &st,
        "BucketName",
        CfnOutputProps {
            value: bucket.bucket_name(),
            ..Default::default()
        },
    )
    .expect("output");
    if v2 {
        Bucket::new(
            &st,
            "Logs",
            BucketProps {
                removal_policy: Some(RemovalPolicy::Destroy),
                ..Default::default()
            },
        )
        .expect("bucket");
    }

    let api_stack = stack(&app, &format!("LambdaApi-{s}"));
    let function = Function::new(
        &api_stack,
        "Handler",
        FunctionProps::new(
            Runtime::PROVIDED_AL2023,
            "bootstrap",
            Code::from_asset(code),
        ),
    )
    .expect("function");
    // L1 API resources in dependency order: moto executes change sets in template
    // order and ignores DependsOn (the L2 LambdaRestApi puts its Deployment before
    // its Methods, which moto then rejects: "The REST API doesn't contain any methods").
    let api = CfnResource::new(
        &api_stack,
        "Api",
        "AWS::ApiGateway::RestApi",
        json!({"Name": format!("api-{s}")}),
    )
    .expect("api");
    let proxy = CfnResource::new(
        &api_stack,
        "Proxy",
        "AWS::ApiGateway::Resource",
        json!({"RestApiId": api.ref_(), "ParentId": api.get_att("RootResourceId"), "PathPart": "{proxy+}"}),
    )
    .expect("resource");
    CfnResource::new(
        &api_stack,
        "ProxyAny",
        "AWS::ApiGateway::Method",
        json!({"RestApiId": api.ref_(), "ResourceId": proxy.ref_(), "HttpMethod": "ANY",
               "AuthorizationType": "NONE",
               "Integration": {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST",
                   "Uri": format!("arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{}/invocations", function.function_arn())}}),
    )
    .expect("method");
    CfnResource::new(
        &api_stack,
        "Deployment",
        "AWS::ApiGateway::Deployment",
        json!({"RestApiId": api.ref_(), "StageName": "prod"}),
    )
    .expect("deployment");
    CfnResource::new(
        &api_stack,
        "Invoke",
        "AWS::Lambda::Permission",
        json!({"Action": "lambda:InvokeFunction", "FunctionName": function.function_arn(),
               "Principal": "apigateway.amazonaws.com"}),
    )
    .expect("permission");
    CfnOutput::new(
        &api_stack,
        "ApiId",
        CfnOutputProps {
            value: api.ref_(),
            ..Default::default()
        },
    )
    .expect("output");

    let table_stack = stack(&app, &format!("Table-{s}"));
    let billing = if v2 {
        json!({"BillingMode": "PROVISIONED", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}})
    } else {
        json!({"BillingMode": "PAY_PER_REQUEST"})
    };
    let mut props = json!({
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}]
    });
    if let (Some(p), Some(b)) = (props.as_object_mut(), billing.as_object()) {
        p.extend(b.clone());
    }
    let table =
        CfnResource::new(&table_stack, "Table", "AWS::DynamoDB::Table", props).expect("table");
    table.apply_removal_policy(RemovalPolicy::Destroy);
    app.synth().expect("synth");
    AssemblyReader::load(outdir).expect("assembly")
}

fn code_dir(dir: &Path) -> std::path::PathBuf {
    let code = dir.join("code");
    std::fs::create_dir_all(&code).expect("mkdir");
    // Unique per run, so the first deploy always uploads it.
    let script = format!("#!/bin/sh\necho {}\n", suffix());
    std::fs::write(code.join("bootstrap"), script).expect("write");
    code
}

#[tokio::test(flavor = "multi_thread")]
async fn bootstrap_publish_deploy_update_noop_diff_destroy() {
    let Some(aws) = moto(REGION).await else {
        return;
    };
    ensure_bootstrapped(&aws).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let code = code_dir(dir.path());
    let v1 = flow_app(&dir.path().join("v1"), &code, false);
    let s = suffix();

    // IAM widening needs approval: refused → nothing executed.
    let mut ui = Recorder::answering(false);
    let err = toolkit::deploy(
        &aws,
        &v1,
        &[format!("BucketRole-{s}")],
        &options(RequireApproval::Broadening),
        &mut ui,
    )
    .await
    .expect_err("not approved");
    assert!(err.to_string().contains("not approved"), "{err}");
    assert!(ui.text().contains("IAM Statement Changes"), "{}", ui.text());

    // Deploy everything (approved).
    let mut ui = Recorder::answering(true);
    let results = toolkit::deploy(
        &aws,
        &v1,
        &[],
        &options(RequireApproval::Broadening),
        &mut ui,
    )
    .await
    .expect("deploy v1");
    assert_eq!(results.len(), 3);
    for (name, outcome) in &results {
        assert!(
            matches!(outcome, DeployOutcome::Deployed { status, .. } if status == "CREATE_COMPLETE"),
            "{name}: {outcome:?}"
        );
    }
    let text = ui.text();
    assert!(
        text.contains("Handler/Code: published s3://cdk-hnb659fds-assets-123456789012-us-west-2/"),
        "{text}"
    );
    assert!(text.contains("Template: published"), "{text}");
    assert!(text.contains("CREATE_COMPLETE"), "{text}");
    // Every stack ran with the deploy role, every destination with the publishing role.
    assert!(
        text.contains(":assumed-role/cdk-hnb659fds-deploy-role-123456789012-us-west-2/"),
        "{text}"
    );
    assert!(
        text.contains(":assumed-role/cdk-hnb659fds-file-publishing-role-123456789012-us-west-2/"),
        "{text}"
    );
    // (moto keeps no outputs for stacks made by change sets; the export test checks
    // the printed outputs on stacks it created directly.)

    // The same assembly again: assets skipped, no changes, exit 0.
    let mut ui = Recorder::answering(false);
    let again = toolkit::deploy(
        &aws,
        &v1,
        &[],
        &options(RequireApproval::Broadening),
        &mut ui,
    )
    .await
    .expect("no-op deploy");
    assert!(
        again
            .iter()
            .all(|(_, o)| matches!(o, DeployOutcome::NoChanges { .. })),
        "{again:?}"
    );
    assert!(ui.text().contains("already published"), "{}", ui.text());
    assert!(ui.text().contains("(no changes)"), "{}", ui.text());

    // Diff of v2 against what is deployed.
    let v2 = flow_app(&dir.path().join("v2"), &code, true);
    let mut ui = Recorder::answering(true);
    let differs = toolkit::diff(&aws, &v2, &[], &mut ui).await.expect("diff");
    assert!(differs);
    let text = ui.text();
    assert!(text.contains("[+] AWS::S3::Bucket Logs"), "{text}");
    assert!(text.contains("[~] AWS::DynamoDB::Table Table"), "{text}");
    assert!(text.contains("BillingMode"), "{text}");
    let mut ui = Recorder::answering(true);
    assert!(
        !toolkit::diff(&aws, &v1, &[], &mut ui)
            .await
            .expect("diff v1")
    );
    assert!(
        ui.text().contains("There were no differences"),
        "{}",
        ui.text()
    );

    // Update to v2.
    let mut ui = Recorder::answering(true);
    let updated = toolkit::deploy(
        &aws,
        &v2,
        &[],
        &options(RequireApproval::Broadening),
        &mut ui,
    )
    .await
    .expect("deploy v2");
    let statuses: Vec<String> = updated
        .iter()
        .map(|(_, o)| match o {
            DeployOutcome::Deployed { status, .. } => status.clone(),
            DeployOutcome::NoChanges { .. } => "NoChanges".to_string(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        statuses,
        vec!["UPDATE_COMPLETE", "NoChanges", "UPDATE_COMPLETE"]
    );

    // Destroy everything.
    let mut ui = Recorder::answering(false);
    let err = toolkit::destroy(&aws, &v2, &[format!("Table-{s}")], false, fast(), &mut ui)
        .await
        .expect_err("not confirmed");
    assert!(err.to_string().contains("--force"), "{err}");
    let destroyed = toolkit::destroy(&aws, &v2, &[], true, fast(), &mut ui)
        .await
        .expect("destroy");
    assert!(
        destroyed
            .iter()
            .all(|(_, o)| *o == DestroyOutcome::Destroyed),
        "{destroyed:?}"
    );
    let gone = toolkit::destroy(&aws, &v2, &[], true, fast(), &mut ui)
        .await
        .expect("destroy again");
    assert!(
        gone.iter().all(|(_, o)| *o == DestroyOutcome::NotFound),
        "{gone:?}"
    );
}

/// Producer (a bucket) and consumer (an SSM parameter holding its name); `with_import`
/// false leaves the consumer without the import and the producer without the export.
fn export_app(outdir: &Path, with_import: bool) -> AssemblyReader {
    let s = suffix();
    let app = new_app(outdir);
    let producer = stack(&app, &format!("Producer-{s}"));
    let bucket =
        CfnResource::new(&producer, "Bucket", "AWS::S3::Bucket", json!(null)).expect("bucket");
    bucket.apply_removal_policy(RemovalPolicy::Destroy);
    let consumer = stack(&app, &format!("Consumer-{s}"));
    let value = if with_import {
        bucket.ref_()
    } else {
        "none".to_string()
    };
    CfnResource::new(
        &consumer,
        "Param",
        "AWS::SSM::Parameter",
        json!({"Type": "String", "Name": format!("/deploy-test/{s}/bucket"), "Value": value}),
    )
    .expect("param");
    app.synth().expect("synth");
    AssemblyReader::load(outdir).expect("assembly")
}

#[tokio::test(flavor = "multi_thread")]
async fn exports_are_protected() {
    let Some(aws) = moto(REGION).await else {
        return;
    };
    ensure_bootstrapped(&aws).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let s = suffix();
    let (producer, consumer) = (format!("Producer-{s}"), format!("Consumer-{s}"));
    let v1 = export_app(&dir.path().join("v1"), true);
    // moto registers exports only for CreateStack/UpdateStack and resolves imports
    // only in stacks made by CreateStack, so both are created directly; everything
    // after that goes through the toolkit's change sets.
    for name in [&producer, &consumer] {
        let template = DeployableStack::load(&v1, name).expect("stack").template;
        aws.cloudformation(REGION)
            .create_stack()
            .stack_name(name)
            .template_body(serde_json::to_string(&template).expect("json"))
            .send()
            .await
            .expect("create stack");
    }
    let mut ui = Recorder::answering(true);
    // Selecting the consumer deploys the producer first (dependency order).
    let results = toolkit::deploy(
        &aws,
        &v1,
        std::slice::from_ref(&consumer),
        &options(RequireApproval::Never),
        &mut ui,
    )
    .await
    .expect("deploy");
    let names: Vec<&str> = results.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, vec![producer.as_str(), consumer.as_str()]);
    assert!(
        results
            .iter()
            .all(|(_, o)| matches!(o, DeployOutcome::NoChanges { .. })),
        "{results:?}"
    );
    assert!(
        ui.text()
            .contains(&format!("{producer}.ExportsOutputRefBucket")),
        "outputs are printed: {}",
        ui.text()
    );

    // The producer cannot go while the consumer imports its export.
    let err = toolkit::destroy(
        &aws,
        &v1,
        std::slice::from_ref(&producer),
        true,
        fast(),
        &mut ui,
    )
    .await
    .expect_err("refused");
    assert!(
        err.to_string().contains(&format!("imported by {consumer}")),
        "{err}"
    );

    // A producer template without the export keeps it (with a warning) while imported.
    let v2 = export_app(&dir.path().join("v2"), false);
    let mut ui = Recorder::answering(true);
    let results = toolkit::deploy(
        &aws,
        &v2,
        std::slice::from_ref(&producer),
        &options(RequireApproval::Never),
        &mut ui,
    )
    .await
    .expect("deploy producer v2");
    assert!(
        ui.text().contains(&format!("still imported by {consumer}")),
        "{}",
        ui.text()
    );
    assert_eq!(results.len(), 1);

    // Consumer first, then the producer: destroy order is dependents first.
    let mut ui = Recorder::answering(true);
    let destroyed = toolkit::destroy(&aws, &v1, &[], true, fast(), &mut ui)
        .await
        .expect("destroy both");
    let names: Vec<&str> = destroyed.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, vec![consumer.as_str(), producer.as_str()]);
}

/// One bucket `Good` (any name), plus `Bad` with a name S3 refuses when `broken`.
fn buckets_app(outdir: &Path, name: &str, good: bool, broken: bool) -> AssemblyReader {
    let app = new_app(outdir);
    let st = stack(&app, name);
    if good {
        CfnResource::new(&st, "Good", "AWS::S3::Bucket", json!({})).expect("bucket");
    }
    if broken {
        // Bucket names need 3 to 63 characters.
        CfnResource::new(&st, "Bad", "AWS::S3::Bucket", json!({"BucketName": "ab"}))
            .expect("bucket");
    }
    app.synth().expect("synth");
    AssemblyReader::load(outdir).expect("assembly")
}

async fn status_of(aws: &cdk_toolkit::deploy::aws::Aws, name: &str) -> Option<String> {
    cdk_toolkit::deploy::events::describe_stack(&aws.cloudformation(REGION), name)
        .await
        .expect("describe")
        .and_then(|s| s.stack_status().map(|s| s.as_str().to_string()))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_resource_fails_the_deploy_with_its_reason() {
    let Some(aws) = moto(REGION).await else {
        return;
    };
    ensure_bootstrapped(&aws).await;
    let name = format!("Broken-{}", suffix());
    let dirs: Vec<_> = (0..3)
        .map(|_| tempfile::tempdir().expect("tempdir"))
        .collect();

    // A first deployment fails: one line naming the resource and S3's reason; the
    // stack is rolled back, never left in REVIEW_IN_PROGRESS.
    let broken = buckets_app(dirs[0].path(), &name, true, true);
    let mut ui = Recorder::answering(true);
    let err = deploy_all(&aws, &broken, &mut ui)
        .await
        .expect_err("must fail");
    let msg = err.to_string();
    assert!(!msg.contains('\n'), "one line: {msg}");
    assert!(
        msg.starts_with(&format!(
            "{name} failed to deploy: CREATE_FAILED AWS::S3::Bucket Bad: "
        )),
        "{msg}"
    );
    assert!(
        msg.contains("InvalidBucketName") || msg.contains("bucket name"),
        "{msg}"
    );
    assert!(msg.contains("rolled back (ROLLBACK_COMPLETE)"), "{msg}");
    assert_eq!(
        status_of(&aws, &name).await.as_deref(),
        Some("ROLLBACK_COMPLETE")
    );
    assert!(ui.text().contains("Failed resources:"), "{}", ui.text());

    // Fixed and run again: the failed stack is deleted first, then created.
    let fixed = buckets_app(dirs[1].path(), &name, true, false);
    let mut ui = Recorder::answering(true);
    deploy_all(&aws, &fixed, &mut ui)
        .await
        .expect("deploy fixed");
    assert!(
        ui.text().contains("deleting it before creating it again"),
        "{}",
        ui.text()
    );
    assert_eq!(
        status_of(&aws, &name).await.as_deref(),
        Some("CREATE_COMPLETE")
    );

    // A failing update is rolled back to the deployed template and reported.
    let update = buckets_app(dirs[2].path(), &name, true, true);
    let mut ui = Recorder::answering(true);
    let msg = deploy_all(&aws, &update, &mut ui)
        .await
        .expect_err("update must fail")
        .to_string();
    assert!(msg.contains("CREATE_FAILED AWS::S3::Bucket Bad: "), "{msg}");
    assert!(msg.contains("(UPDATE_ROLLBACK_COMPLETE)"), "{msg}");
    assert_eq!(
        status_of(&aws, &name).await.as_deref(),
        Some("UPDATE_ROLLBACK_COMPLETE")
    );
    let mut ui = Recorder::answering(true);
    let outcome = deploy_all(&aws, &fixed, &mut ui).await.expect("redeploy");
    assert!(
        matches!(outcome[0].1, DeployOutcome::NoChanges { .. }),
        "the rollback restored the deployed template: {}",
        ui.text()
    );
    let mut ui = Recorder::answering(true);
    toolkit::destroy(&aws, &fixed, &[], true, fast(), &mut ui)
        .await
        .expect("destroy");
    assert_eq!(status_of(&aws, &name).await, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unbootstrapped_environment_is_explained() {
    let Some(aws) = moto("eu-central-1").await else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let app = new_app(dir.path());
    let st = stack(&app, &format!("Unbootstrapped-{}", suffix()));
    CfnResource::new(&st, "B", "AWS::S3::Bucket", json!(null)).expect("bucket");
    app.synth().expect("synth");
    let assembly = AssemblyReader::load(dir.path()).expect("assembly");
    let mut ui = Recorder::answering(true);
    let err = deploy_all(&aws, &assembly, &mut ui)
        .await
        .expect_err("no bucket");
    assert!(err.to_string().contains("rootski bootstrap"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn hosted_zone_lookups_use_route53() {
    let Some(aws) = moto(REGION).await else {
        return;
    };
    let domain = format!("lookup-{}.example.com", suffix());
    let created = aws
        .route53(REGION)
        .create_hosted_zone()
        .name(&domain)
        .caller_reference(format!("ref-{domain}"))
        .send()
        .await
        .expect("create zone");
    let zone_id = created
        .hosted_zone()
        .map(|z| z.id().to_string())
        .expect("zone");
    let lookup = |d: &str| MissingLookup {
        key: format!("hosted-zone:account=123456789012:domainName={d}:region={REGION}"),
        provider: "hosted-zone".into(),
        props: json!({"account": "123456789012", "region": REGION, "domainName": d})
            .as_object()
            .cloned()
            .unwrap_or_default(),
    };
    let mut ui = Recorder::answering(true);
    let answers = resolve(&aws, &[lookup(&domain)], &mut ui)
        .await
        .expect("resolve");
    let answer = answers.values().next().expect("one answer");
    assert_eq!(answer["Name"], format!("{domain}."));
    assert!(
        answer["Id"]
            .as_str()
            .is_some_and(|id| id.ends_with(zone_id.trim_start_matches("/hostedzone/"))),
        "{answer}"
    );
    let err = resolve(&aws, &[lookup("absent.example.org")], &mut ui)
        .await
        .expect_err("absent");
    assert!(err.to_string().contains("cdk.context.json"), "{err}");
}

/// (Termination protection is set with UpdateTerminationProtection after the deploy,
/// as the CDK CLI does; moto does not implement that call, so only tags are checked.)
#[tokio::test(flavor = "multi_thread")]
async fn stack_tags_come_from_the_assembly() {
    let Some(aws) = moto(REGION).await else {
        return;
    };
    ensure_bootstrapped(&aws).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let app = new_app(dir.path());
    let name = format!("Tagged-{}", suffix());
    let st = Stack::new(
        &app,
        &name,
        StackProps {
            tags: [("project".to_string(), "rootski".to_string())].into(),
            ..Default::default()
        },
    )
    .expect("stack");
    CfnResource::new(&st, "B", "AWS::S3::Bucket", json!(null)).expect("bucket");
    app.synth().expect("synth");
    let assembly = AssemblyReader::load(dir.path()).expect("assembly");
    let mut ui = Recorder::answering(true);
    deploy_all(&aws, &assembly, &mut ui).await.expect("deploy");
    let cfn = aws.cloudformation(REGION);
    let described = cfn
        .describe_stacks()
        .stack_name(&name)
        .send()
        .await
        .expect("describe");
    let stack = described.stacks().first().expect("stack");
    assert!(
        stack
            .tags()
            .iter()
            .any(|t| t.key() == Some("project") && t.value() == Some("rootski")),
        "{:?}",
        stack.tags()
    );
    toolkit::destroy(&aws, &assembly, &[], true, fast(), &mut ui)
        .await
        .expect("destroy");
}
