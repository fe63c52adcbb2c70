//! Cross-stack references and exports, golden against `tools/cdk-reference/core-crossstack.js`
//! (fixtures `tests/fixtures/crossstack/`), plus the error rules (cross-account and
//! cross-region references, cycles, logical-id lock, export without a name).

mod common;

use cdk::{
    App, AppProps, CfnElement, CfnOutput, CfnOutputProps, CfnResource, Construct, Environment,
    ExportValueOptions, Fn, Stack, StackProps,
};
use serde_json::{Value, json};

fn app(outdir: &std::path::Path) -> App {
    let mut context = serde_json::Map::new();
    context.insert(
        "@aws-cdk/core:defaultCrossStackReferences".into(),
        json!("strong"),
    );
    App::new(AppProps {
        outdir: Some(outdir.to_path_buf()),
        read_environment: false,
        context,
        ..Default::default()
    })
    .unwrap()
}

fn build(outdir: &std::path::Path) -> cdk::Result<App> {
    let app = app(outdir);
    let producer = Stack::new(&app, "MyStack", StackProps::default())?;
    let bucket = CfnResource::new(
        &Construct::new(&producer, "MyBucket")?,
        "Resource",
        "AWS::S3::Bucket",
        Value::Null,
    )?;
    let zone = CfnResource::new(
        &producer,
        "Zone",
        "AWS::Route53::HostedZone",
        json!({"Name": "example.com"}),
    )?;
    producer.export_value_with(&bucket.get_att("DomainName"), ExportValueOptions::default())?;
    producer.export_value(&bucket.get_att("WebsiteURL"), "ExplicitWebsite")?;
    let consumer = Stack::new(&app, "Consumer", StackProps::default())?;
    let name_servers = zone.get_att_list("NameServers");
    CfnResource::new(
        &consumer,
        "Topic",
        "AWS::SNS::Topic",
        json!({
            "TopicName": bucket.ref_(),
            "DisplayName": format!("arn is {}", bucket.get_att("Arn")),
            "Tags": [{"Key": "ns", "Value": Fn::join(",", &name_servers)}],
        }),
    )?;
    CfnOutput::new(
        &consumer,
        "BucketArn",
        CfnOutputProps {
            value: bucket.get_att("Arn"),
            ..Default::default()
        },
    )?;
    Ok(app)
}

#[test]
fn exports_and_imports_match_aws_cdk() {
    let out = common::outdir("crossstack");
    let assembly = build(&out).unwrap().synth().unwrap();
    common::assert_same_assembly("crossstack", &out);
    let consumer = assembly.stack("Consumer").unwrap();
    assert_eq!(
        consumer.template["Outputs"]["BucketArn"]["Value"],
        json!({"Fn::ImportValue": "MyStack:ExportsOutputFnGetAttMyBucketF68F3FF0Arn0F7E8E58"})
    );
    assert_eq!(
        assembly.manifest["artifacts"]["Consumer"]["dependencies"],
        json!(["MyStack", "Consumer.assets"])
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn export_names_are_cdks() {
    let out = common::outdir("names");
    let app = app(&out);
    let s = Stack::new(&app, "MyStack", StackProps::default()).unwrap();
    let b = CfnResource::new(
        &Construct::new(&s, "MyBucket").unwrap(),
        "Resource",
        "AWS::S3::Bucket",
        Value::Null,
    )
    .unwrap();
    let imp = s
        .export_value_with(&b.ref_(), ExportValueOptions::default())
        .unwrap();
    assert_eq!(
        s.resolve(&json!(imp)).unwrap(),
        json!({"Fn::ImportValue": "MyStack:ExportsOutputRefMyBucketF68F3FF0442F9925"})
    );
    let imp = s
        .export_value_with(&b.get_att("Arn"), ExportValueOptions::default())
        .unwrap();
    assert_eq!(
        s.resolve(&json!(imp)).unwrap(),
        json!({"Fn::ImportValue": "MyStack:ExportsOutputFnGetAttMyBucketF68F3FF0Arn0F7E8E58"})
    );
    // a plain string needs a name
    let err = s
        .export_value_with("plain", ExportValueOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("MyStack") && err.contains("name"), "{err}");
}

#[test]
fn exported_logical_ids_are_locked() {
    let out = common::outdir("lock");
    let app = app(&out);
    let s = Stack::new(&app, "Producer", StackProps::default()).unwrap();
    let b = CfnResource::new(&s, "Bucket", "AWS::S3::Bucket", Value::Null).unwrap();
    b.override_logical_id("BeforeIsFine").unwrap();
    s.export_value_with(&b.ref_(), ExportValueOptions::default())
        .unwrap();
    let err = b.override_logical_id("After").unwrap_err().to_string();
    assert!(
        err.contains("Producer/Bucket") && err.contains("locked"),
        "{err}"
    );
}

fn env(account: &str, region: &str) -> Option<Environment> {
    Some(Environment {
        account: Some(account.into()),
        region: Some(region.into()),
    })
}

#[test]
fn cross_account_and_cross_region_references_are_errors_naming_both_stacks() {
    for (tag, consumer_env) in [
        ("acct", env("222222222222", "eu-west-1")),
        ("region", env("111111111111", "us-east-1")),
        ("agnostic", None),
    ] {
        let out = common::outdir(tag);
        let app = app(&out);
        let p = Stack::new(
            &app,
            "Producer",
            StackProps {
                env: env("111111111111", "eu-west-1"),
                ..Default::default()
            },
        )
        .unwrap();
        let b = CfnResource::new(&p, "Bucket", "AWS::S3::Bucket", Value::Null).unwrap();
        let c = Stack::new(
            &app,
            "Consumer",
            StackProps {
                env: consumer_env,
                ..Default::default()
            },
        )
        .unwrap();
        CfnResource::new(
            &c,
            "Topic",
            "AWS::SNS::Topic",
            json!({"TopicName": b.get_att("Arn")}),
        )
        .unwrap();
        let err = app.synth().unwrap_err().to_string();
        assert!(
            err.contains("\"Consumer\"")
                && err.contains("\"Producer\"")
                && err.contains("{Producer/Bucket[Arn]}")
                && err.contains("Fix:"),
            "{tag}: {err}"
        );
        let _ = std::fs::remove_dir_all(&out);
    }
}

#[test]
fn reference_cycles_are_errors_naming_both_stacks() {
    let out = common::outdir("cycle");
    let app = app(&out);
    let a = Stack::new(&app, "A", StackProps::default()).unwrap();
    let b = Stack::new(&app, "B", StackProps::default()).unwrap();
    let ra = CfnResource::new(&a, "Ra", "AWS::S3::Bucket", Value::Null).unwrap();
    let rb = CfnResource::new(
        &b,
        "Rb",
        "AWS::S3::Bucket",
        json!({"BucketName": ra.ref_()}),
    )
    .unwrap();
    ra.set_property("BucketName", json!(rb.ref_()));
    let err = app.synth().unwrap_err().to_string();
    assert!(
        err.contains("'A'") && err.contains("'B'") && err.contains("cyclic"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn a_nested_consumer_imports_and_its_parent_depends_on_the_producer() {
    let out = common::outdir("nested-consumer");
    let app = app(&out);
    let producer = Stack::new(&app, "Producer", StackProps::default()).unwrap();
    let b = CfnResource::new(&producer, "Bucket", "AWS::S3::Bucket", Value::Null).unwrap();
    let parent = Stack::new(&app, "Parent", StackProps::default()).unwrap();
    let child = cdk::NestedStack::new(&parent, "Child", Default::default()).unwrap();
    CfnResource::new(
        &child,
        "Topic",
        "AWS::SNS::Topic",
        json!({"TopicName": b.ref_()}),
    )
    .unwrap();
    let assembly = app.synth().unwrap();
    assert_eq!(
        assembly.manifest["artifacts"]["Parent"]["dependencies"],
        json!(["Producer", "Parent.assets"])
    );
    let text = common::read(&out, &child.template_file());
    let t: Value = serde_json::from_str(&text).unwrap();
    let local = cdk::uniqueid::make_unique_id(&["Exports", r#"Output{"Ref":"Bucket"}"#]).unwrap();
    assert_eq!(
        t["Resources"]["Topic"]["Properties"]["TopicName"],
        json!({"Fn::ImportValue": format!("Producer:{local}")})
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn resolving_a_cross_stack_reference_before_synthesis_says_why() {
    let out = common::outdir("early");
    let app = app(&out);
    let p = Stack::new(&app, "P", StackProps::default()).unwrap();
    let b = CfnResource::new(&p, "B", "AWS::S3::Bucket", Value::Null).unwrap();
    let c = Stack::new(&app, "C", StackProps::default()).unwrap();
    let err = c.resolve(&json!(b.get_att("Arn"))).unwrap_err().to_string();
    assert!(
        err.contains("'C'")
            && err.contains("{P/B[Arn]}")
            && err.contains("'P'")
            && err.contains("App::synth"),
        "{err}"
    );
}

#[test]
fn string_lists_are_exported_joined_and_imported_split() {
    let out = common::outdir("lists");
    let app = app(&out);
    let s = Stack::new(&app, "P", StackProps::default()).unwrap();
    let zone = CfnResource::new(
        &s,
        "Zone",
        "AWS::Route53::HostedZone",
        json!({"Name": "x.com"}),
    )
    .unwrap();
    let named = s
        .export_string_list_value(
            &zone.get_att_list("NameServers"),
            ExportValueOptions {
                name: Some("Ns".into()),
                description: None,
            },
        )
        .unwrap();
    assert_eq!(
        s.resolve(&json!(named)).unwrap(),
        json!({"Fn::Split": ["||", {"Fn::ImportValue": "Ns"}]})
    );
    let auto = s
        .export_string_list_value(
            &zone.get_att_list("NameServers"),
            ExportValueOptions::default(),
        )
        .unwrap();
    assert_eq!(
        s.resolve(&json!(auto)).unwrap(),
        json!({"Fn::Split": ["||", {"Fn::ImportValue": "P:ExportsOutputFnGetAttZoneNameServers812F5F3E"}]})
    );
    let assembly = app.synth().unwrap();
    let outputs = &assembly.stack("P").unwrap().template["Outputs"];
    assert_eq!(
        outputs["ExportNs"]["Value"],
        json!({"Fn::Join": ["||", {"Fn::GetAtt": ["Zone", "NameServers"]}]})
    );
    let _ = std::fs::remove_dir_all(&out);
}
