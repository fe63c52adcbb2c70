use serde_json::json;

use crate::{App, AppProps, Aws, CfnResource, Fn, Lazy, Stack, StackProps, Token};

fn stack() -> (App, Stack) {
    let app = App::new(AppProps {
        read_environment: false,
        ..Default::default()
    })
    .unwrap();
    let stack = Stack::new(&app, "S", StackProps::default()).unwrap();
    (app, stack)
}

#[test]
fn literal_strings_stay_strings() {
    let (_a, s) = stack();
    assert_eq!(s.resolve(&json!("plain")).unwrap(), json!("plain"));
}

#[test]
fn a_single_token_becomes_its_intrinsic() {
    let (_a, s) = stack();
    assert_eq!(
        s.resolve(&json!(Aws::account_id())).unwrap(),
        json!({"Ref": "AWS::AccountId"})
    );
}

#[test]
fn mixed_strings_become_minimal_joins() {
    let (_a, s) = stack();
    let v = format!("arn:{}:iam::{}:role/x", Aws::partition(), Aws::account_id());
    assert_eq!(
        s.resolve(&json!(v)).unwrap(),
        json!({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"}, ":role/x"]]})
    );
}

#[test]
fn nested_joins_are_flattened_and_literals_merged() {
    let (_a, s) = stack();
    let inner = Fn::join("", &["a".into(), Aws::region()]);
    let outer = format!("x{inner}y");
    assert_eq!(
        s.resolve(&json!(outer)).unwrap(),
        json!({"Fn::Join": ["", ["xa", {"Ref": "AWS::Region"}, "y"]]})
    );
    assert_eq!(
        s.resolve(&json!(Fn::join("-", &["a".into(), "b".into()])))
            .unwrap(),
        json!("a-b")
    );
    let lazy = Lazy::string(|| "lit".to_string());
    assert_eq!(
        s.resolve(&json!(format!("{lazy}-{}", "z"))).unwrap(),
        json!("lit-z")
    );
}

#[test]
fn join_with_other_delimiter_is_not_spliced() {
    let (_a, s) = stack();
    let inner = Fn::join(",", &["a".into(), Aws::region()]);
    let outer = Fn::join("", &["x".into(), inner]);
    assert_eq!(
        s.resolve(&json!(outer)).unwrap(),
        json!({"Fn::Join": ["", ["x", {"Fn::Join": [",", ["a", {"Ref": "AWS::Region"}]]}]]})
    );
}

#[test]
fn list_and_number_tokens() {
    let (_a, s) = stack();
    let l = Fn::split(",", &Aws::stack_name());
    assert_eq!(
        s.resolve(&json!(l)).unwrap(),
        json!({"Fn::Split": [",", {"Ref": "AWS::StackName"}]})
    );
    assert_eq!(Fn::split(",", "a,b"), vec!["a", "b"]);
    let n = Lazy::number(|| 3.0);
    assert_eq!(s.resolve(&json!({"n": n})).unwrap(), json!({"n": 3.0}));
    assert!(s.resolve(&json!([l[0].clone(), "x"])).is_err());
}

#[test]
fn intrinsics_render_as_cloudformation() {
    let (_a, s) = stack();
    let azs = Fn::get_azs("");
    let first = Fn::select(0, &azs).unwrap();
    assert_eq!(
        s.resolve(&json!(first)).unwrap(),
        json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]})
    );
    assert_eq!(
        s.resolve(&json!(Fn::import_value("X"))).unwrap(),
        json!({"Fn::ImportValue": "X"})
    );
    assert_eq!(
        s.resolve(&json!(Fn::find_in_map("M", "a", "b"))).unwrap(),
        json!({"Fn::FindInMap": ["M", "a", "b"]})
    );
    assert_eq!(
        s.resolve(&json!(Fn::base64("x"))).unwrap(),
        json!({"Fn::Base64": "x"})
    );
    assert_eq!(
        s.resolve(&json!(Fn::sub("${AWS::Region}-x"))).unwrap(),
        json!({"Fn::Sub": "${AWS::Region}-x"})
    );
    assert_eq!(
        s.resolve(&json!(Fn::condition_if(
            "C",
            json!("a"),
            json!(Aws::no_value())
        )))
        .unwrap(),
        json!({"Fn::If": ["C", "a", {"Ref": "AWS::NoValue"}]})
    );
    assert_eq!(
        s.resolve(&Fn::condition_equals("a", Aws::region()))
            .unwrap(),
        json!({"Fn::Equals": ["a", {"Ref": "AWS::Region"}]})
    );
}

#[test]
fn resource_references_use_logical_ids() {
    let (_a, s) = stack();
    let b = CfnResource::new(&s, "MyBucket", "AWS::S3::Bucket", json!({})).unwrap();
    assert_eq!(
        s.resolve(&json!(b.ref_())).unwrap(),
        json!({"Ref": "MyBucket"})
    );
    assert_eq!(
        s.resolve(&json!(b.get_att("Arn"))).unwrap(),
        json!({"Fn::GetAtt": ["MyBucket", "Arn"]})
    );
}

#[test]
fn nulls_are_dropped_from_objects() {
    let (_a, s) = stack();
    assert_eq!(
        s.resolve(&json!({"a": null, "b": 1})).unwrap(),
        json!({"b": 1})
    );
}

#[test]
fn to_json_string_matches_cdk() {
    // CDK: stack.toJsonString({a: stack.account, b: [stack.region, 'x'], n: 1})
    let (_a, s) = stack();
    let t = s.to_json_string(json!({"a": s.account(), "b": [s.region(), "x"], "n": 1}));
    assert!(Token::is_unresolved(&t));
    assert_eq!(
        s.resolve(&json!(t)).unwrap(),
        json!({"Fn::Join": ["", ["{\"a\":\"", {"Ref": "AWS::AccountId"}, "\",\"b\":[\"", {"Ref": "AWS::Region"}, "\",\"x\"],\"n\":1}"]]})
    );
    let lit = s.to_json_string(json!({"a": "b"}));
    assert_eq!(s.resolve(&json!(lit)).unwrap(), json!("{\"a\":\"b\"}"));
}
