//! Rules of the model, each checked through the public API: logical ids (renames,
//! overrides, duplicates), template merging, resource limits, stack validation,
//! dependencies, context keys and `missing`, tags, prepare hooks, manifest shape.

use cdk::{
    App, AppProps, CfnElement, CfnOutput, CfnOutputProps, CfnResource, Construct, ContextProvider,
    Duration, Environment, GetContextValueOptions, Lazy, RemovalPolicy, Stack, StackProps, Tags,
};
use serde_json::{Value, json};

fn app(tag: &str) -> App {
    let dir = std::env::temp_dir().join(format!("cdk-rules-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    App::new(AppProps {
        outdir: Some(dir),
        read_environment: false,
        ..Default::default()
    })
    .unwrap()
}

fn env_stack(app: &App, id: &str) -> Stack {
    let env = Environment {
        account: Some("123456789012".into()),
        region: Some("us-east-1".into()),
    };
    Stack::new(
        app,
        id,
        StackProps {
            env: Some(env),
            ..Default::default()
        },
    )
    .unwrap()
}

fn bucket(scope: &impl AsRef<Construct>, id: &str) -> CfnResource {
    CfnResource::new(scope, id, "AWS::S3::Bucket", json!({})).unwrap()
}

fn cleanup(app: &App) {
    let _ = std::fs::remove_dir_all(app.outdir());
}

#[test]
fn golden_logical_ids_through_the_tree() {
    let app = app("ids");
    let stack = Stack::new(&app, "Rootski-Lambda-REST-API-Stack", StackProps::default()).unwrap();
    let f = Construct::new(&stack, "Rootski-FastAPI-Lambda").unwrap();
    let fr = CfnResource::new(&f, "Resource", "AWS::Lambda::Function", json!({})).unwrap();
    let role = Construct::new(&f, "ServiceRole").unwrap();
    let rr = CfnResource::new(&role, "Resource", "AWS::IAM::Role", json!({})).unwrap();
    let b = Construct::new(&stack, "Rootski-Backend-Cache-Bucket").unwrap();
    let br = bucket(&b, "Resource");
    assert_eq!(
        stack.get_logical_id(&fr).unwrap(),
        "RootskiFastAPILambdaD3EDB025"
    );
    assert_eq!(
        stack.get_logical_id(&rr).unwrap(),
        "RootskiFastAPILambdaServiceRole6CFF72E7"
    );
    assert_eq!(
        stack.get_logical_id(&br).unwrap(),
        "RootskiBackendCacheBucket97E33BED"
    );
    let my = Stack::new(&app, "MyStack", StackProps::default()).unwrap();
    let mb = Construct::new(&my, "MyBucket").unwrap();
    assert_eq!(
        my.get_logical_id(&bucket(&mb, "Resource")).unwrap(),
        "MyBucketF68F3FF0"
    );
}

#[test]
fn renames_overrides_and_unused_renames() {
    let app = app("rename");
    let stack = Stack::new(&app, "S", StackProps::default()).unwrap();
    let a = bucket(&stack, "A");
    let b = bucket(&stack, "Bucket");
    stack.rename_logical_id("A", "Renamed");
    b.override_logical_id("Forced").unwrap();
    assert!(b.override_logical_id("not-valid!").is_err());
    assert_eq!(stack.get_logical_id(&a).unwrap(), "Renamed");
    stack.rename_logical_id("Typo", "X");
    let err = app.synth().unwrap_err().to_string();
    assert!(err.contains("not found: Typo"), "{err}");
    cleanup(&app);
}

#[test]
fn duplicate_logical_ids_name_both_paths() {
    let app = app("dupe");
    let stack = Stack::new(&app, "S", StackProps::default()).unwrap();
    bucket(&stack, "First");
    let second = bucket(&stack, "Second");
    second.override_logical_id("First").unwrap();
    let err = app.synth().unwrap_err().to_string();
    assert!(
        err.contains("S/Second") && err.contains("S/First") && err.contains("'Resources'"),
        "{err}"
    );
    cleanup(&app);
}

#[test]
fn more_than_500_resources_is_an_error() {
    let app = app("limit");
    let stack = Stack::new(&app, "S", StackProps::default()).unwrap();
    for i in 0..501 {
        bucket(&stack, &format!("B{i}"));
    }
    let err = app.synth().unwrap_err().to_string();
    assert!(
        err.contains("501 is greater than allowed maximum of 500: AWS::S3::Bucket (501)"),
        "{err}"
    );
    cleanup(&app);
}

#[test]
fn stack_names_environment_and_lookup() {
    let app = app("names");
    let err = Stack::new(&app, "Bad_Name", StackProps::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("must match the regular expression"), "{err}");
    let agnostic = Stack::new(&app, "Agnostic", StackProps::default()).unwrap();
    assert_eq!(
        agnostic.environment(),
        "aws://unknown-account/unknown-region"
    );
    assert!(cdk::Token::is_unresolved(&agnostic.account()));
    let concrete = env_stack(&app, "Concrete");
    assert_eq!(concrete.environment(), "aws://123456789012/us-east-1");
    assert_eq!(concrete.template_file(), "Concrete.template.json");
    let inner = Construct::new(&concrete, "Inner").unwrap();
    assert_eq!(Stack::of(&inner).unwrap(), concrete);
    let group = Construct::new(&app, "My-Group").unwrap();
    let inner = Stack::new(&group, "Inner-Stack", StackProps::default()).unwrap();
    assert_eq!(inner.artifact_id(), "MyGroupInnerStack926BF215");
    assert_eq!(inner.stack_name(), "MyGroupInnerStack926BF215");
    let loose = Construct::new(&app, "Loose").unwrap();
    let err = Stack::of(&loose).unwrap_err().to_string();
    assert!(err.contains("Loose") && err.contains("no Stack"), "{err}");
    assert!(CfnResource::new(&loose, "X", "AWS::S3::Bucket", json!({})).is_err());
}

#[test]
fn stack_dependency_cycles_are_errors() {
    let app = app("cycle");
    let a = Stack::new(&app, "A", StackProps::default()).unwrap();
    let b = Stack::new(&app, "B", StackProps::default()).unwrap();
    let c = Stack::new(&app, "C", StackProps::default()).unwrap();
    b.add_dependency(&a, None).unwrap();
    c.add_dependency(&b, Some("needs b")).unwrap();
    let err = a.add_dependency(&c, None).unwrap_err().to_string();
    assert!(err.contains("cyclic"), "{err}");
    assert_eq!(c.dependencies(), vec![b.clone()]);
    let assembly = app.synth().unwrap();
    assert_eq!(
        assembly.manifest["artifacts"]["C"]["dependencies"],
        json!(["B", "C.assets"])
    );
    cleanup(&app);
}

#[test]
fn construct_dependencies_become_depends_on() {
    let app = app("deps");
    let stack = Stack::new(&app, "S", StackProps::default()).unwrap();
    let g1 = Construct::new(&stack, "G1").unwrap();
    let g2 = Construct::new(&stack, "G2").unwrap();
    bucket(&g1, "X");
    bucket(&g2, "Y");
    bucket(&g2, "Z");
    g1.add_dependency(&g2);
    let assembly = app.synth().unwrap();
    let t = &assembly.stacks[0].template;
    let x = stack.get_logical_id(&g1.children()[0]).unwrap();
    let deps = t["Resources"][&x]["DependsOn"].as_array().unwrap().len();
    assert_eq!(deps, 2);
    cleanup(&app);
}

#[test]
fn removal_policies_render_as_cdk() {
    let app = app("removal");
    let stack = Stack::new(&app, "S", StackProps::default()).unwrap();
    let cases = [
        (RemovalPolicy::Destroy, "Delete"),
        (RemovalPolicy::Retain, "Retain"),
        (RemovalPolicy::Snapshot, "Snapshot"),
        (
            RemovalPolicy::RetainOnUpdateOrDelete,
            "RetainExceptOnCreate",
        ),
    ];
    for (i, (p, _)) in cases.iter().enumerate() {
        bucket(&stack, &format!("B{i}")).apply_removal_policy(*p);
    }
    let t = app.synth().unwrap().stacks[0].template.clone();
    for (i, (_, want)) in cases.iter().enumerate() {
        assert_eq!(
            t["Resources"][format!("B{i}")]["DeletionPolicy"],
            json!(want)
        );
        assert_eq!(
            t["Resources"][format!("B{i}")]["UpdateReplacePolicy"],
            json!(want)
        );
    }
    cleanup(&app);
}

#[test]
fn context_keys_and_missing_entries() {
    let app = app("ctx");
    let stack = env_stack(&app, "S");
    let opts = GetContextValueOptions {
        provider: "hosted-zone".into(),
        props: json!({"domainName": "a:b$c", "privateZone": false})
            .as_object()
            .cloned()
            .unwrap(),
        dummy_value: json!({"Id": "DUMMY"}),
        ..Default::default()
    };
    let (key, _) = ContextProvider::get_key(&stack, &opts).unwrap();
    assert_eq!(
        key,
        "hosted-zone:account=123456789012:domainName=a$:b$$c:privateZone=false:region=us-east-1"
    );
    let got = ContextProvider::get_value(&stack, opts.clone()).unwrap();
    assert!(got.missing);
    assert_eq!(got.value, json!({"Id": "DUMMY"}));
    // A second stack's lookups are collected too, once per key, sorted by key.
    let other = env_stack(&app, "T");
    let other_opts = GetContextValueOptions {
        provider: "ami".into(),
        props: json!({"filters": "x"}).as_object().cloned().unwrap(),
        dummy_value: json!("ami-1234"),
        ..Default::default()
    };
    let (other_key, _) = ContextProvider::get_key(&other, &other_opts).unwrap();
    assert!(
        ContextProvider::get_value(&other, other_opts)
            .unwrap()
            .missing
    );
    assert!(
        ContextProvider::get_value(&other, opts.clone())
            .unwrap()
            .missing
    );
    let assembly = app.synth().unwrap();
    let keys: Vec<&str> = assembly.missing.iter().map(|m| m.key.as_str()).collect();
    assert_eq!(keys, [other_key.as_str(), key.as_str()]);
    let missing = &assembly.manifest["missing"][1];
    assert_eq!(missing["key"], json!(key));
    assert_eq!(missing["props"]["dummyValue"], json!({"Id": "DUMMY"}));
    assert!(
        missing["props"]["lookupRoleArn"]
            .as_str()
            .unwrap()
            .contains("lookup-role-123456789012-us-east-1")
    );
    cleanup(&app);

    // Present in app context → the value, nothing missing.
    let mut ctx = serde_json::Map::new();
    ctx.insert(key.clone(), json!({"Id": "/hostedzone/Z1"}));
    let app2 = App::new(AppProps {
        context: ctx,
        read_environment: false,
        ..Default::default()
    })
    .unwrap();
    let s2 = env_stack(&app2, "S");
    let got = ContextProvider::get_value(&s2, opts).unwrap();
    assert!(!got.missing);
    assert_eq!(got.value["Id"], "/hostedzone/Z1");
    assert!(s2.missing_context().is_empty());

    // Agnostic stacks cannot look up.
    let agnostic = Stack::new(&app2, "Agnostic", StackProps::default()).unwrap();
    let err = ContextProvider::get_value(
        &agnostic,
        GetContextValueOptions {
            provider: "x".into(),
            ..Default::default()
        },
    );
    assert!(
        err.unwrap_err()
            .to_string()
            .contains("account/region are not specified")
    );
}

#[test]
fn context_files_and_cli_values() {
    let dir = std::env::temp_dir().join(format!("cdk-ctxfiles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("cdk.json"),
        r#"{"app": "x", "context": {"a": "json", "b": "json"}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("cdk.context.json"),
        r#"{"a": "ctxfile", "c": "ctxfile"}"#,
    )
    .unwrap();
    let cli = vec![cdk::context::parse_context_arg("b=cli").unwrap()];
    let ctx = cdk::context::load_context(&dir, &cli).unwrap();
    assert_eq!(ctx["a"], "json");
    assert_eq!(ctx["b"], "cli");
    assert_eq!(ctx["c"], "ctxfile");
    assert!(cdk::context::parse_context_arg("novalue").is_err());
    assert!(cdk::context::parse_context_arg("=x").is_err());
    // Lookup keys hold `=`: a JSON answer is split off at `={`, a plain value at the
    // first `=` (as the CDK CLI does).
    let key = "hosted-zone:account=1:domainName=rootski.io:region=us-west-2";
    let (k, v) =
        cdk::context::parse_context_arg(&format!("{key}={{\"Id\":\"/hostedzone/Z\"}}")).unwrap();
    assert_eq!(k, key);
    assert_eq!(v["Id"], "/hostedzone/Z");
    let (k, v) = cdk::context::parse_context_arg("rootski:region=eu-west-1").unwrap();
    assert_eq!(
        (k.as_str(), v),
        ("rootski:region", Value::from("eu-west-1"))
    );
    let (k, v) = cdk::context::parse_context_arg("a=b=c").unwrap();
    assert_eq!((k.as_str(), v), ("a", Value::from("b=c")));
    let app = App::new(AppProps {
        context: ctx,
        read_environment: false,
        ..Default::default()
    })
    .unwrap();
    let s = Stack::new(&app, "S", StackProps::default()).unwrap();
    assert_eq!(
        Construct::new(&s, "X").unwrap().try_get_context("c"),
        Some(json!("ctxfile"))
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn tags_reach_taggable_resources_and_the_manifest() {
    let app = app("tags");
    let stack = Stack::new(
        &app,
        "S",
        StackProps {
            tags: [("stack".to_string(), "tag".to_string())].into(),
            ..Default::default()
        },
    )
    .unwrap();
    let b = CfnResource::new(
        &stack,
        "Bk",
        "AWS::S3::Bucket",
        json!({"BucketName": "n", "VersioningConfiguration": {}}),
    )
    .unwrap();
    let q = CfnResource::new(&stack, "Qq", "Custom::Thing", json!({})).unwrap();
    Tags::of(&stack).add("owner", "me");
    assert!(b.is_taggable() && !q.is_taggable());
    let assembly = app.synth().unwrap();
    let t = &assembly.stacks[0].template;
    let keys: Vec<&String> = t["Resources"]["Bk"]["Properties"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(keys, vec!["BucketName", "Tags", "VersioningConfiguration"]);
    assert_eq!(
        t["Resources"]["Bk"]["Properties"]["Tags"],
        json!([{"Key": "owner", "Value": "me"}])
    );
    assert!(t["Resources"]["Qq"].get("Properties").is_none());
    assert_eq!(
        assembly.manifest["artifacts"]["S"]["properties"]["tags"],
        json!({"stack": "tag"})
    );
    cleanup(&app);
}

#[test]
fn prepare_hooks_and_lazy_values_see_late_changes() {
    let app = app("prepare");
    let stack = Stack::new(&app, "S", StackProps::default()).unwrap();
    let holder = std::rc::Rc::new(std::cell::RefCell::new(Vec::<String>::new()));
    let h = holder.clone();
    let r = CfnResource::new(
        &stack,
        "Rr",
        "AWS::SNS::Topic",
        json!({"Names": Lazy::any(move || json!(h.borrow().clone()))}),
    )
    .unwrap();
    holder.borrow_mut().push("late".into());
    let r2 = r.clone();
    r.add_prepare_hook(move || {
        r2.override_logical_id("Prepared")?;
        Ok(())
    });
    let out = CfnOutput::new(
        &stack,
        "Out",
        CfnOutputProps {
            value: r.ref_(),
            ..Default::default()
        },
    )
    .unwrap();
    let assembly = app.synth().unwrap();
    let t = &assembly.stacks[0].template;
    assert_eq!(
        t["Resources"]["Prepared"]["Properties"]["Names"],
        json!(["late"])
    );
    assert_eq!(t["Outputs"][out.id()]["Value"], json!({"Ref": "Prepared"}));
    cleanup(&app);
}

#[test]
fn manifest_shape_and_bootstrap_conventions() {
    let app = app("manifest");
    let stack = env_stack(&app, "S");
    bucket(&stack, "Bucket");
    stack.set_termination_protection(true);
    let a = app.synth().unwrap();
    let m = &a.manifest;
    assert_eq!(m["version"], "55.0.0");
    let props = &m["artifacts"]["S"]["properties"];
    assert_eq!(props["terminationProtection"], true);
    assert_eq!(
        props["assumeRoleArn"],
        "arn:${AWS::Partition}:iam::123456789012:role/cdk-hnb659fds-deploy-role-123456789012-us-east-1"
    );
    assert!(
        props["stackTemplateAssetObjectUrl"]
            .as_str()
            .unwrap()
            .starts_with("s3://cdk-hnb659fds-assets-123456789012-us-east-1/")
    );
    assert_eq!(m["artifacts"]["Tree"]["type"], "cdk:tree");
    let t = &a.stacks[0].template;
    assert_eq!(
        t["Parameters"]["BootstrapVersion"]["Default"],
        "/cdk-bootstrap/hnb659fds/version"
    );
    assert!(t["Rules"]["CheckBootstrapVersion"].is_object());
    for f in [
        "manifest.json",
        "tree.json",
        "cdk.out",
        "S.template.json",
        "S.assets.json",
        "S.metadata.json",
    ] {
        assert!(app.outdir().join(f).is_file(), "{f} missing");
    }
    // A second synth is fine (bootstrap elements are not added twice).
    app.synth().unwrap();
    cleanup(&app);
}

#[test]
fn outputs_with_export_and_description() {
    let app = app("outputs");
    let stack = Stack::new(&app, "S", StackProps::default()).unwrap();
    let g = Construct::new(&stack, "Group").unwrap();
    CfnOutput::new(
        &g,
        "Url",
        CfnOutputProps {
            value: "x".into(),
            export_name: Some("E".into()),
            description: Some("d".into()),
            condition: None,
        },
    )
    .unwrap();
    let a = app.synth().unwrap();
    let outs = a.stacks[0].template["Outputs"].as_object().unwrap();
    let (id, o) = outs.iter().next().unwrap();
    assert!(
        id.starts_with("GroupUrl") && id.len() == "GroupUrl".len() + 8,
        "{id}"
    );
    assert_eq!(
        o,
        &json!({"Description": "d", "Value": "x", "Export": {"Name": "E"}})
    );
    cleanup(&app);
}

#[test]
fn short_ids_are_fine_and_renames_are_validated_like_cdk() {
    let app = app("short");
    let stack = Stack::new(&app, "S", StackProps::default()).unwrap();
    bucket(&stack, "B");
    bucket(&stack, "Cc");
    stack.rename_logical_id("Cc", "not-valid");
    let err = app.synth().unwrap_err().to_string();
    assert!(
        err.contains("S/Cc") && err.contains("Logical ID must adhere"),
        "{err}"
    );
    cleanup(&app);
    let app = self::app("short2");
    let stack = Stack::new(&app, "S", StackProps::default()).unwrap();
    bucket(&stack, "B");
    stack.rename_logical_id("B", "X1");
    stack.rename_logical_id("B", "X2");
    let err = app.synth().unwrap_err().to_string();
    assert!(err.contains("already been registered for 'B'"), "{err}");
    cleanup(&app);
}

#[test]
fn renames_onto_an_existing_id_are_errors() {
    let app = app("rename-clash");
    let stack = Stack::new(&app, "S", StackProps::default()).unwrap();
    bucket(&stack, "Aa");
    bucket(&stack, "Bb");
    stack.rename_logical_id("Aa", "Bb");
    let err = app.synth().unwrap_err().to_string();
    assert!(err.contains("same Logical ID"), "{err}");
    cleanup(&app);
}

#[test]
fn durations() {
    assert_eq!(Duration::seconds(30.0).to_seconds().unwrap(), 30.0);
    assert!(Duration::millis(10.0).to_seconds().is_err());
}

#[test]
fn overrides_and_deletions() {
    let app = app("overrides");
    let stack = Stack::new(&app, "S", StackProps::default()).unwrap();
    let b = CfnResource::new(
        &stack,
        "Bb",
        "AWS::S3::Bucket",
        json!({"A": {"B": 1, "C": 2}}),
    )
    .unwrap();
    b.add_property_override("A.D", json!(stack.account()));
    b.add_property_deletion_override("A.B");
    b.add_override("UpdatePolicy.X", json!(true));
    let t = app.synth().unwrap().stacks[0].template.clone();
    assert_eq!(
        t["Resources"]["Bb"]["Properties"]["A"],
        json!({"C": 2, "D": {"Ref": "AWS::AccountId"}})
    );
    assert_eq!(t["Resources"]["Bb"]["UpdatePolicy"], json!({"X": true}));
    assert_eq!(
        b.get_metadata_entry("aws:cdk:path"),
        Some(Value::String("S/Bb".into()))
    );
    cleanup(&app);
}

#[test]
fn availability_zones() {
    let app = app("azs");
    let agnostic = Stack::new(&app, "Agnostic", StackProps::default()).unwrap();
    let azs = agnostic.availability_zones().unwrap();
    assert_eq!(
        agnostic.resolve(&json!(azs)).unwrap(),
        json!([{"Fn::Select": [0, {"Fn::GetAZs": ""}]}, {"Fn::Select": [1, {"Fn::GetAZs": ""}]}])
    );
    let concrete = env_stack(&app, "Concrete");
    assert_eq!(
        concrete.availability_zones().unwrap(),
        vec!["dummy1a", "dummy1b", "dummy1c"]
    );
    assert_eq!(
        concrete.missing_context()[0].key,
        "availability-zones:account=123456789012:region=us-east-1"
    );
}
