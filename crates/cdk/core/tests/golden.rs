//! Golden test: the construct tree of `tools/cdk-reference/core-example.js`, built with
//! this crate, must synthesize the same cloud assembly as aws-cdk-lib 2.276 did
//! (fixtures in `tests/fixtures/example/`). Templates, tree.json and `cdk.out` are
//! compared byte for byte; the JSON manifests after dropping only what we do not emit
//! (creation stack traces, the lazy-mapping info) and the staged asset path.

use std::path::{Path, PathBuf};

use cdk::{
    App, AppProps, CfnCondition, CfnElement, CfnMapping, CfnOutput, CfnOutputProps, CfnParameter,
    CfnParameterProps, CfnResource, Construct, ContextProvider, Environment, FileAssetPackaging,
    FileAssetSource, Fn, GetContextValueOptions, Lazy, RemovalPolicy, Stack, StackProps, Tags,
};
use serde_json::{Value, json};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The tree of core-example.js.
fn build(outdir: &Path) -> cdk::Result<App> {
    let app = App::new(AppProps {
        outdir: Some(outdir.to_path_buf()),
        read_environment: false,
        ..Default::default()
    })?;
    let stack = Stack::new(
        &app,
        "ExampleStack",
        StackProps {
            description: Some("cdk core example".into()),
            tags: [
                ("project".to_string(), "rootski".to_string()),
                ("team".into(), "core".into()),
            ]
            .into(),
            ..Default::default()
        },
    )?;
    let bucket = CfnResource::new(&stack, "MyBucket", "AWS::S3::Bucket", Value::Null)?;
    bucket.apply_removal_policy(RemovalPolicy::Destroy);
    let role = CfnResource::new(
        &stack,
        "MyRole",
        "AWS::IAM::Role",
        json!({
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}}]
            },
            "Policies": [{
                "PolicyName": "bucket",
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{"Action": "s3:GetObject", "Effect": "Allow", "Resource": Fn::join("", &[bucket.get_att("Arn"), "/*".into()])}]
                }
            }]
        }),
    )?;
    role.add_depends_on(&bucket);
    CfnOutput::new(
        &stack,
        "BucketArn",
        CfnOutputProps {
            value: bucket.get_att("Arn"),
            export_name: Some("ExampleBucketArn".into()),
            description: Some("the bucket".into()),
            ..Default::default()
        },
    )?;
    CfnOutput::new(
        &stack,
        "RoleUrl",
        CfnOutputProps {
            value: format!(
                "arn:{}:iam::{}:role/{}",
                stack.partition(),
                stack.account(),
                role.ref_()
            ),
            ..Default::default()
        },
    )?;

    let env = Stack::new(
        &app,
        "EnvStack",
        StackProps {
            env: Some(Environment {
                account: Some("123456789012".into()),
                region: Some("eu-west-1".into()),
            }),
            stack_name: Some("env-stack-name".into()),
            ..Default::default()
        },
    )?;
    let group = Construct::new(&env, "Rootski-FastAPI-Lambda")?;
    let svc = Construct::new(&group, "ServiceRole")?;
    // L1s render every property key in alphabetical order (None as null), so overrides
    // land where CDK's L1 classes put them.
    let r = CfnResource::new(
        &svc,
        "Resource",
        "AWS::IAM::Role",
        json!({"AssumeRolePolicyDocument": {"Statement": []}}),
    )?;
    let f = CfnResource::new(
        &group,
        "Resource",
        "AWS::Lambda::Function",
        json!({
            "Code": {"ZipFile": "x"}, "Environment": null, "MemorySize": null, "Role": r.get_att("Arn"),
            "Tags": [{"Key": "b", "Value": "2"}, {"Key": "a", "Value": "1"}]
        }),
    )?;
    Tags::of(&group).add("team", "core");
    // What aws-cdk-lib's L1 classes show in tree.json (camelCase props, before overrides).
    fn camel_tags(r: &CfnResource) -> Value {
        let tags = r.rendered_tags().unwrap_or(json!([]));
        let list = tags.as_array().cloned().unwrap_or_default();
        Value::Array(
            list.iter()
                .map(|t| json!({"key": t["Key"], "value": t["Value"]}))
                .collect(),
        )
    }
    for (res, fqn) in [
        (&r, "aws-cdk-lib.aws_iam.CfnRole"),
        (&f, "aws-cdk-lib.aws_lambda.CfnFunction"),
    ] {
        res.set_construct_info(fqn);
        res.add_tree_attribute(
            "aws:cdk:cloudformation:type",
            json!(res.cfn_resource_type()),
        );
        res.add_tree_attribute("aws:cdk:cloudformation:logicalId", json!(res.logical_id()));
    }
    let r2 = r.clone();
    r.add_tree_attribute(
        "aws:cdk:cloudformation:props",
        Lazy::any(
            move || json!({"assumeRolePolicyDocument": {"Statement": []}, "tags": camel_tags(&r2)}),
        ),
    );
    let (f2, role_arn) = (f.clone(), r.get_att("Arn"));
    f.add_tree_attribute(
        "aws:cdk:cloudformation:props",
        Lazy::any(
            move || json!({"code": {"zipFile": "x"}, "role": role_arn, "tags": camel_tags(&f2)}),
        ),
    );
    f.add_dependency(&r);
    let p = CfnParameter::new(
        &env,
        "Stage",
        CfnParameterProps {
            param_type: Some("String".into()),
            default: Some(json!("prod")),
            allowed_values: Some(vec!["prod".into(), "dev".into()]),
            ..Default::default()
        },
    )?;
    let c = CfnCondition::new(
        &env,
        "IsProd",
        Some(Fn::condition_equals(p.value_as_string(), "prod")),
    )?;
    let sizes = json!({"prod": {"mem": 512}, "dev": {"mem": 128}});
    CfnMapping::new(
        &env,
        "Sizes",
        sizes.as_object().cloned().unwrap_or_default(),
    )?;
    f.set_condition(&c);
    f.add_property_override(
        "MemorySize",
        json!(Fn::find_in_map("Sizes", &p.value_as_string(), "mem")),
    );
    f.add_override("Properties.Environment.Variables.X", json!("y"));
    let zone = ContextProvider::get_value(
        &env,
        GetContextValueOptions {
            provider: "hosted-zone".into(),
            props: json!({"domainName": "rootski.io", "privateZone": false})
                .as_object()
                .cloned()
                .unwrap_or_default(),
            dummy_value: json!({"Id": "DUMMY", "Name": "rootski.io."}),
            ..Default::default()
        },
    )?;
    assert!(zone.missing);
    let asset = env.synthesizer().add_file_asset(FileAssetSource {
        source_path: fixtures().join("asset-src"),
        packaging: FileAssetPackaging::ZipDirectory,
        source_hash: None, // computed: must equal aws-cdk-lib's fingerprint
        display_name: None,
    })?;
    CfnResource::new(
        &env,
        "Code",
        "AWS::S3::Bucket",
        json!({
            "BucketName": asset.bucket_name, "Key": asset.object_key, "Url": asset.http_url,
            "Zone": zone.value["Id"], "Json": env.to_json_string(json!({"a": env.account(), "r": r.ref_()}))
        }),
    )?;
    env.add_dependency(&stack, None)?;
    assert!(!f.logical_id().is_empty());
    Ok(app)
}

/// Drops metadata we do not emit and the staged path of the asset (CDK's raw
/// `addFileAsset` keeps the absolute source path; we stage into `asset.<hash>`).
fn normalize(v: &mut Value) {
    match v {
        Value::String(_) => {}
        Value::Array(a) => {
            a.retain(|e| {
                let t = e.get("type").and_then(Value::as_str).unwrap_or("");
                t != "aws:cdk:creationStack" && t != "aws:cdk:info"
            });
            a.iter_mut().for_each(normalize);
        }
        Value::Object(o) => {
            let old = std::mem::take(o);
            for (k, mut val) in old {
                normalize(&mut val);
                let key = k;
                if key == "path" && val.as_str().is_some_and(|p| p.contains("asset")) {
                    val = json!("<ASSET-PATH>");
                }
                o.insert(key, val);
            }
        }
        _ => {}
    }
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn compare_json(name: &str, ours: &Path, theirs: &Path) {
    let mut a: Value = serde_json::from_str(&read(ours, name)).unwrap();
    let mut b: Value = serde_json::from_str(&read(theirs, name)).unwrap();
    normalize(&mut a);
    normalize(&mut b);
    assert_eq!(
        serde_json::to_string_pretty(&a).unwrap(),
        serde_json::to_string_pretty(&b).unwrap(),
        "{name} differs from the aws-cdk-lib reference"
    );
}

#[test]
fn synthesizes_what_aws_cdk_synthesizes() {
    let tmp = std::env::temp_dir().join(format!("cdk-golden-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let app = build(&tmp).unwrap();
    let assembly = app.synth().unwrap();
    let reference = fixtures().join("example");
    // Templates without assets are byte-identical (CDK's 1-space JSON).
    assert_eq!(
        read(&tmp, "ExampleStack.template.json"),
        read(&reference, "ExampleStack.template.json")
    );
    assert_eq!(
        read(&tmp, "EnvStack.template.json"),
        read(&reference, "EnvStack.template.json")
    );
    assert_eq!(read(&tmp, "cdk.out"), read(&reference, "cdk.out"));
    for name in [
        "manifest.json",
        "ExampleStack.assets.json",
        "EnvStack.assets.json",
        "ExampleStack.metadata.json",
        "EnvStack.metadata.json",
    ] {
        compare_json(name, &tmp, &reference);
    }
    // tree.json is byte-identical too (L1 construct info and attributes set above).
    assert_eq!(read(&tmp, "tree.json"), read(&reference, "tree.json"));
    let staged = "asset.b040996f5564d35c29c5fab60bdb6effc49fa2949dfce305712fc2e460421b8f";
    assert!(tmp.join(staged).join("sub/b.txt").is_file());
    assert_eq!(
        assembly
            .stack_by_name("env-stack-name")
            .map(|s| s.artifact_id.as_str()),
        Some("EnvStack")
    );

    // Byte-identical on a second synthesis of the same tree.
    let tmp2 = tmp.with_extension("again");
    let _ = std::fs::remove_dir_all(&tmp2);
    build(&tmp2).unwrap().synth().unwrap();
    for name in [
        "manifest.json",
        "EnvStack.template.json",
        "EnvStack.assets.json",
        "tree.json",
    ] {
        assert_eq!(
            read(&tmp, name),
            read(&tmp2, name),
            "{name} is not deterministic"
        );
    }
    let _ = std::fs::remove_dir_all(&tmp);
    let _ = std::fs::remove_dir_all(&tmp2);
}
