//! Golden test: our synthesis of `Rootski-Dynamo-Stack` against what AWS CDK v2
//! (aws-cdk-lib 2.276.0) synthesizes for the same construct tree
//! (`tools/cdk-reference/rootski-dynamo.js`, its template kept in
//! `fixtures/cdk-reference-dynamo/`). The template must be equal as JSON, and
//! resources and outputs in the same order (templates are diffed as text).

use std::path::{Path, PathBuf};

use rootski_backend_cdk::app::{self, AppConfig, DYNAMO_STACK_ID};
use rootski_backend_cdk::lambda_rest_api::stacks::lambda_rest_api::RootskiLambdaRestApiProps;
use serde_json::Value;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/cdk-reference-dynamo/Rootski-Dynamo-Stack.template.json"
);

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn synth_template(dir: &Path) -> Value {
    let context = cdk::context::load_context(&repo_root(), &[]).unwrap();
    let config = AppConfig {
        outdir: dir.join("cdk.out"),
        context,
        default_account: None,
        default_region: None,
        path_metadata: false,
        stack_props: RootskiLambdaRestApiProps {
            staging_root: dir.join("staging"),
            ..Default::default()
        },
    };
    let synthesized = app::synth(&config).unwrap();
    synthesized
        .assembly
        .stack(DYNAMO_STACK_ID)
        .unwrap()
        .template
        .clone()
}

fn keys(v: &Value) -> Vec<String> {
    v.as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn table_stack_matches_aws_cdk() {
    let dir = tempfile::tempdir().unwrap();
    let ours = synth_template(dir.path());
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let reference: Value = serde_json::from_str(&text).unwrap();
    for section in ["Resources", "Outputs", "Parameters", "Rules"] {
        assert_eq!(
            keys(&ours[section]),
            keys(&reference[section]),
            "{section} ids/order"
        );
        for id in keys(&reference[section]) {
            assert_eq!(
                ours[section][&id], reference[section][&id],
                "{section}.{id} differs"
            );
        }
    }
    assert_eq!(keys(&ours), keys(&reference), "template sections");
    assert_eq!(ours, reference);
}

#[test]
fn table_is_retained_on_demand_with_pitr_and_both_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let ours = synth_template(dir.path());
    let table = &ours["Resources"]["RootskiTableF6D8201E"];
    assert_eq!(table["DeletionPolicy"], "Retain");
    assert_eq!(table["UpdateReplacePolicy"], "Retain");
    let props = &table["Properties"];
    assert_eq!(props["TableName"], "rootski-table");
    assert_eq!(props["BillingMode"], "PAY_PER_REQUEST");
    assert_eq!(
        props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"],
        true
    );
    let indexes: Vec<&str> = props["GlobalSecondaryIndexes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["IndexName"].as_str().unwrap())
        .collect();
    assert_eq!(indexes, ["gsi1", "gsi2"]);
}
