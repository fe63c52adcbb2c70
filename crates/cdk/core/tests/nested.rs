//! Nested stacks, golden against `tools/cdk-reference/core-nested.js` (fixtures
//! `tests/fixtures/nested/`): template files and their assets, TemplateURL,
//! Parameters parent→child (two levels), Outputs child→parent, a nested value used by
//! another top-level stack (output → parent export → import), stack name/id inside
//! and outside, dependencies across nesting levels, stack tags on the resource.

mod common;

use cdk::{
    App, AppProps, CfnResource, Construct, NestedStack, NestedStackProps, Stack, StackProps,
};
use common::output;
use serde_json::{Value, json};

fn build(outdir: &std::path::Path) -> cdk::Result<App> {
    let mut context = serde_json::Map::new();
    context.insert(
        "@aws-cdk/core:defaultCrossStackReferences".into(),
        json!("strong"),
    );
    let app = App::new(AppProps {
        outdir: Some(outdir.to_path_buf()),
        read_environment: false,
        context,
        ..Default::default()
    })?;
    let parent = Stack::new(&app, "ParentStack", StackProps::default())?;
    let bucket = CfnResource::new(
        &Construct::new(&parent, "MyBucket")?,
        "Resource",
        "AWS::S3::Bucket",
        Value::Null,
    )?;
    let child = NestedStack::new(
        &parent,
        "Child",
        NestedStackProps {
            parameters: [("Fixed".to_string(), "yes".to_string())].into(),
            ..Default::default()
        },
    )?;
    child.add_stack_tag("team", "core");
    let queue = CfnResource::new(
        &child,
        "Queue",
        "AWS::SQS::Queue",
        json!({"QueueName": bucket.ref_()}),
    )?;
    queue.add_dependency(&bucket);
    output(
        &child,
        "Inside",
        format!("{}|{}", child.stack_name(), child.stack_id()),
    )?;
    let grandchild = NestedStack::new(&child, "GrandChild", NestedStackProps::default())?;
    CfnResource::new(
        &grandchild,
        "Topic",
        "AWS::SNS::Topic",
        json!({"DisplayName": bucket.get_att("Arn"), "TopicName": queue.get_att("QueueName")}),
    )?;
    let sibling = NestedStack::new(&parent, "Sibling", NestedStackProps::default())?;
    CfnResource::new(
        &sibling,
        "Param",
        "AWS::SSM::Parameter",
        json!({"Type": "String", "Value": "x"}),
    )?;
    sibling.add_dependency(&child, None)?;
    output(&parent, "QueueArn", queue.get_att("Arn"))?;
    output(
        &parent,
        "Outside",
        format!("{}|{}", child.stack_name(), child.stack_id()),
    )?;
    let parent_path = child
        .nested_stack_parent()
        .map(|p| p.path().to_string())
        .unwrap_or_default();
    output(
        &parent,
        "IsNested",
        format!("{}/{}/{parent_path}", child.nested(), parent.nested()),
    )?;
    let other = Stack::new(&app, "Other", StackProps::default())?;
    CfnResource::new(
        &other,
        "Copy",
        "AWS::SQS::Queue",
        json!({"QueueName": queue.ref_()}),
    )?;
    Ok(app)
}

#[test]
fn nested_stacks_match_aws_cdk() {
    let out = common::outdir("nested");
    let assembly = build(&out).unwrap().synth().unwrap();
    common::assert_same_assembly("nested", &out);
    // nested templates are files of the assembly, not artifacts
    assert!(assembly.stack("ParentStackChild31ECC004").is_none());
    assert!(
        out.join("ParentStackChild31ECC004.nested.template.json")
            .is_file()
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn nested_members() {
    let out = common::outdir("nested-members");
    let app = App::new(AppProps {
        outdir: Some(out.clone()),
        read_environment: false,
        ..Default::default()
    })
    .unwrap();
    let parent = Stack::new(&app, "P", StackProps::default()).unwrap();
    let child = NestedStack::new(&parent, "C", NestedStackProps::default()).unwrap();
    assert!(child.nested() && !parent.nested());
    assert_eq!(child.nested_stack_parent(), Some(parent.clone()));
    assert_eq!(parent.nested_stack_parent(), None);
    assert!(parent.nested_stack_resource().is_none());
    let res = child.nested_stack_resource().unwrap();
    assert_eq!(res.cfn_resource_type(), "AWS::CloudFormation::Stack");
    assert_eq!(res.path(), "P/C.NestedStack/C.NestedStackResource");
    assert_eq!(
        child.template_file(),
        format!("{}.nested.template.json", child.unique_id())
    );
    assert_eq!(
        child.resolve(&json!(child.stack_name())).unwrap(),
        json!({"Ref": "AWS::StackName"})
    );
    assert_eq!(
        child.resolve(&json!(child.stack_id())).unwrap(),
        json!({"Ref": "AWS::StackId"})
    );
    // a nested stack needs a stack around it
    let err = NestedStack::new(&app, "Loose", NestedStackProps::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("Nested stacks must be defined within scope of another stack"),
        "{err}"
    );
    // depending on the stack that contains you is an error naming both
    let err = child.add_dependency(&parent, None).unwrap_err().to_string();
    assert!(err.contains("'P/C'") && err.contains("'P'"), "{err}");
}

#[test]
fn dependencies_land_on_the_right_level() {
    let out = common::outdir("nested-deps");
    let app = App::new(AppProps {
        outdir: Some(out.clone()),
        read_environment: false,
        ..Default::default()
    })
    .unwrap();
    let top = Stack::new(&app, "Top", StackProps::default()).unwrap();
    CfnResource::new(&top, "T", "AWS::S3::Bucket", Value::Null).unwrap();
    let parent = Stack::new(&app, "P", StackProps::default()).unwrap();
    let a = NestedStack::new(&parent, "A", NestedStackProps::default()).unwrap();
    let b = NestedStack::new(&parent, "B", NestedStackProps::default()).unwrap();
    CfnResource::new(&a, "Ra", "AWS::S3::Bucket", Value::Null).unwrap();
    let rb = CfnResource::new(&b, "Rb", "AWS::S3::Bucket", Value::Null).unwrap();
    let own = CfnResource::new(&parent, "Own", "AWS::S3::Bucket", Value::Null).unwrap();
    // nested → top-level: the parent depends on the other stack
    a.add_dependency(&top, None).unwrap();
    // sibling nested stacks: DependsOn between their stack resources
    b.add_dependency(&a, None).unwrap();
    // a parent resource on a resource inside a nested stack: DependsOn that stack's resource
    own.add_dependency(&rb);
    assert_eq!(parent.dependencies(), vec![top.clone()]);
    let assembly = app.synth().unwrap();
    let t = &assembly.stack("P").unwrap().template["Resources"];
    let a_res = parent
        .get_logical_id(&a.nested_stack_resource().unwrap())
        .unwrap();
    let b_res = parent
        .get_logical_id(&b.nested_stack_resource().unwrap())
        .unwrap();
    assert_eq!(t[&b_res]["DependsOn"], json!([a_res]));
    assert_eq!(t["Own"]["DependsOn"], json!([b_res]));
    assert_eq!(
        assembly.manifest["artifacts"]["P"]["dependencies"],
        json!(["Top", "P.assets"])
    );
    // and the reverse now closes a cycle, named by both stacks
    let err = top.add_dependency(&b, None).unwrap_err().to_string();
    assert!(
        err.contains("'P'") && err.contains("'Top'") && err.contains("cyclic"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn strength_other_than_strong_is_rejected() {
    let out = common::outdir("nested-weak");
    let mut context = serde_json::Map::new();
    context.insert(
        "@aws-cdk/core:defaultCrossStackReferences".into(),
        json!("weak"),
    );
    let app = App::new(AppProps {
        outdir: Some(out.clone()),
        read_environment: false,
        context,
        ..Default::default()
    })
    .unwrap();
    let p = Stack::new(&app, "Prod", StackProps::default()).unwrap();
    let b = CfnResource::new(&p, "B", "AWS::S3::Bucket", Value::Null).unwrap();
    let c = Stack::new(&app, "Cons", StackProps::default()).unwrap();
    CfnResource::new(&c, "T", "AWS::SNS::Topic", json!({"TopicName": b.ref_()})).unwrap();
    let err = app.synth().unwrap_err().to_string();
    assert!(
        err.contains("\"Cons\"") && err.contains("\"Prod\"") && err.contains("strong"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn nested_stack_resource_props_and_asset_metadata() {
    let out = common::outdir("nested-props");
    let mut context = serde_json::Map::new();
    context.insert("aws:cdk:enable-asset-metadata".into(), json!(true));
    let app = App::new(AppProps {
        outdir: Some(out.clone()),
        read_environment: false,
        context,
        ..Default::default()
    })
    .unwrap();
    let parent = Stack::new(
        &app,
        "P",
        StackProps {
            env: Some(cdk::Environment {
                account: Some("123456789012".into()),
                region: Some("eu-west-1".into()),
            }),
            ..Default::default()
        },
    )
    .unwrap();
    let child = NestedStack::new(
        &parent,
        "C",
        NestedStackProps {
            timeout: Some(cdk::Duration::minutes(5.0)),
            notification_arns: vec!["arn:aws:sns:eu-west-1:123456789012:t".into()],
            removal_policy: Some(cdk::RemovalPolicy::Retain),
            ..Default::default()
        },
    )
    .unwrap();
    CfnResource::new(&child, "B", "AWS::S3::Bucket", Value::Null).unwrap();
    let assembly = app.synth().unwrap();
    let res_id = parent
        .get_logical_id(&child.nested_stack_resource().unwrap())
        .unwrap();
    let r = &assembly.stack("P").unwrap().template["Resources"][&res_id];
    assert_eq!(r["Properties"]["TimeoutInMinutes"], json!(5));
    assert_eq!(
        r["Properties"]["NotificationARNs"],
        json!(["arn:aws:sns:eu-west-1:123456789012:t"])
    );
    assert_eq!(r["DeletionPolicy"], json!("Retain"));
    assert_eq!(r["Metadata"]["aws:asset:property"], json!("TemplateURL"));
    assert_eq!(
        r["Metadata"]["aws:asset:path"],
        json!(child.template_file())
    );
    // concrete environment: a literal URL in the parent's region and bootstrap bucket
    let url = r["Properties"]["TemplateURL"].clone();
    let url = serde_json::to_string(&url).unwrap();
    assert!(
        url.contains("https://s3.eu-west-1.")
            && url.contains("cdk-hnb659fds-assets-123456789012-eu-west-1"),
        "{url}"
    );
    let _ = std::fs::remove_dir_all(&out);
}
