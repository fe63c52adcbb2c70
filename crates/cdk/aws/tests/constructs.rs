//! L2 behaviour on a real construct tree, synthesized by the core.

use std::path::Path;

use cdk::{App, AppProps, Environment, Stack, StackProps};
use cdk_aws::aws_apigateway::{LambdaRestApi, LambdaRestApiProps};
use cdk_aws::aws_iam::{Policy, PolicyProps, PolicyStatement};
use cdk_aws::aws_lambda::{Code, Function, FunctionProps, Runtime};
use cdk_aws::aws_route53::{CfnRecordSet, CfnRecordSetProps};
use cdk_aws::aws_s3::{Bucket, BucketProps};
use serde_json::Value;

fn app(dir: &Path) -> App {
    App::new(AppProps {
        outdir: Some(dir.join("cdk.out")),
        read_environment: false,
        path_metadata: false,
        ..Default::default()
    })
    .unwrap()
}

fn stack(app: &App) -> Stack {
    Stack::new(
        app,
        "TestStack",
        StackProps {
            env: Some(Environment {
                account: Some("123456789012".into()),
                region: Some("eu-west-1".into()),
            }),
            ..Default::default()
        },
    )
    .unwrap()
}

fn code(dir: &Path) -> Code {
    let code = dir.join("code");
    std::fs::create_dir_all(&code).unwrap();
    std::fs::write(code.join("bootstrap"), "#!/bin/sh\n").unwrap();
    Code::from_asset(code)
}

fn function(stack: &Stack, dir: &Path) -> Function {
    Function::new(
        stack,
        "Fn",
        FunctionProps::new(Runtime::PROVIDED_AL2023, "bootstrap", code(dir)),
    )
    .unwrap()
}

fn template(app: &App) -> Value {
    app.synth()
        .unwrap()
        .stack("TestStack")
        .unwrap()
        .template
        .clone()
}

fn deployment_id(t: &Value) -> String {
    t["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, r)| r["Type"] == "AWS::ApiGateway::Deployment")
        .map(|(k, _)| k.clone())
        .unwrap()
}

#[test]
fn missing_required_property_fails_synthesis_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let stack = stack(&app);
    CfnRecordSet::new(
        &stack,
        "Record",
        CfnRecordSetProps {
            record_type: Some("A".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let err = app.synth().unwrap_err().to_string();
    assert!(err.contains("TestStack/Record"), "{err}");
    assert!(err.contains("Name"), "{err}");
}

#[test]
fn bucket_retains_by_default_and_grants_into_the_default_policy() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let stack = stack(&app);
    let bucket = Bucket::new(&stack, "Bucket", BucketProps::default()).unwrap();
    let f = function(&stack, dir.path());
    bucket.grant_read_write(&f).unwrap();
    let t = template(&app);
    let r = &t["Resources"];
    let (bucket_id, b) = r
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, v)| v["Type"] == "AWS::S3::Bucket")
        .unwrap();
    assert_eq!(b["DeletionPolicy"], "Retain");
    let (policy_id, p) = r
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, v)| v["Type"] == "AWS::IAM::Policy")
        .unwrap();
    assert!(policy_id.starts_with("FnServiceRoleDefaultPolicy"));
    assert_eq!(
        p["Properties"]["PolicyName"],
        Value::String(policy_id.clone())
    );
    let stmt = &p["Properties"]["PolicyDocument"]["Statement"][0];
    assert_eq!(stmt["Action"][0], "s3:GetObject*");
    assert_eq!(
        stmt["Resource"][0]["Fn::GetAtt"][0],
        Value::String(bucket_id.clone())
    );
    let (_, f) = r
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, v)| v["Type"] == "AWS::Lambda::Function")
        .unwrap();
    assert_eq!(f["DependsOn"], serde_json::json!([policy_id]));
}

#[test]
fn function_without_grants_has_no_default_policy() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let stack = stack(&app);
    function(&stack, dir.path());
    let t = template(&app);
    assert!(
        !t["Resources"]
            .as_object()
            .unwrap()
            .values()
            .any(|v| v["Type"] == "AWS::IAM::Policy")
    );
    let f = t["Resources"]
        .as_object()
        .unwrap()
        .values()
        .find(|v| v["Type"] == "AWS::Lambda::Function")
        .unwrap();
    assert!(f.get("DependsOn").is_none());
}

#[test]
fn unattached_policy_fails_validation() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let stack = stack(&app);
    Policy::new(
        &stack,
        "Lonely",
        PolicyProps {
            statements: vec![PolicyStatement::allow(&["s3:GetObject"], &["*".into()]).unwrap()],
            ..Default::default()
        },
    )
    .unwrap();
    let err = app.synth().unwrap_err().to_string();
    assert!(err.contains("at least one principal"), "{err}");
}

fn api_deployment_id(extra_resource: Option<&str>) -> String {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let stack = stack(&app);
    let f = function(&stack, dir.path());
    let api = LambdaRestApi::new(&stack, "Api", LambdaRestApiProps::new(&f)).unwrap();
    if let Some(part) = extra_resource {
        api.root()
            .unwrap()
            .add_resource(part)
            .unwrap()
            .add_method("GET", None)
            .unwrap();
    }
    deployment_id(&template(&app))
}

#[test]
fn deployment_id_changes_with_the_api_and_only_then() {
    let base = api_deployment_id(None);
    assert!(base.starts_with("ApiDeployment"), "{base}");
    assert_eq!(base, api_deployment_id(None), "stable for the same API");
    assert_ne!(
        base,
        api_deployment_id(Some("health")),
        "changes when a method is added"
    );
}

#[test]
fn code_assets_are_directories_or_zip_files_as_in_cdk() {
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("bootstrap");
    std::fs::write(&binary, b"\x7fELF not a package").unwrap();
    let first = app(dir.path());
    let made = Function::new(
        &stack(&first),
        "Fn",
        FunctionProps::new(
            Runtime::PROVIDED_AL2023,
            "bootstrap",
            Code::from_asset(&binary),
        ),
    );
    let err = match made {
        Err(err) => err.to_string(),
        Ok(_) => first.synth().unwrap_err().to_string(),
    };
    assert!(
        err.contains("Asset must be a .zip file or a directory") && err.contains("TestStack/Fn"),
        "{err}"
    );

    let zip = dir.path().join("package.ZIP");
    std::fs::write(&zip, b"PK\x05\x06").unwrap();
    let second = app(dir.path());
    Function::new(
        &stack(&second),
        "Fn",
        FunctionProps::new(
            Runtime::PROVIDED_AL2023,
            "bootstrap",
            Code::from_asset(&zip),
        ),
    )
    .unwrap();
    let t = template(&second);
    let key = t["Resources"]["Fn9270CBC0"]["Properties"]["Code"]["S3Key"]
        .as_str()
        .unwrap_or_default();
    assert!(key.ends_with(".ZIP"), "{t}");
}
