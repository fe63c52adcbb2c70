//! Golden test: our synthesis of `Rootski-Lambda-REST-API-Stack` against what AWS CDK
//! v2 (aws-cdk-lib 2.276.0) synthesizes for the same construct tree
//! (`tools/cdk-reference/rootski-stack.js`, output kept in `fixtures/cdk-reference/`).
//!
//! Compared resource by resource: logical ids (incl. the Deployment hash and the
//! BasePathMapping/Permission ids) and their order, types, properties, `DependsOn`,
//! deletion policies, metadata, outputs/exports, the `BootstrapVersion` parameter and
//! rule. Allowed differences, normalised here:
//! - asset hashes (our placeholder `bootstrap` and zip differ from the reference's);
//! - `DependsOn` entries that a `Ref`/`Fn::GetAtt` in the same resource already implies
//!   (CDK emits them, cfn-lint flags them as W3005; we omit them — same deploy order);
//! - `AWS::CDK::Metadata`: neither side has it (the reference runs under plain `node`,
//!   and we never emit the analytics resource).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rootski_backend_cdk::app::{self, AppConfig, STACK_ID};
use rootski_backend_cdk::lambda_rest_api::stacks::lambda_rest_api::RootskiLambdaRestApiProps;
use serde_json::{Map, Value};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cdk-reference");

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn config(outdir: &Path, context: Map<String, Value>) -> AppConfig {
    AppConfig {
        outdir: outdir.to_path_buf(),
        context,
        default_account: None,
        default_region: None,
        path_metadata: false,
        stack_props: RootskiLambdaRestApiProps {
            staging_root: outdir.join("..").join("staging"),
            ..Default::default()
        },
    }
}

fn synth_ours(dir: &Path) -> app::Synthesized {
    let context = cdk::context::load_context(&repo_root(), &[]).unwrap();
    app::synth(&config(&dir.join("cdk.out"), context)).unwrap()
}

/// Every `Ref`/`Fn::GetAtt` target inside `v`.
fn referenced(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("Ref") {
                out.insert(r.clone());
            }
            if let Some(Value::Array(a)) = m.get("Fn::GetAtt")
                && let Some(Value::String(r)) = a.first()
            {
                out.insert(r.clone());
            }
            m.values().for_each(|x| referenced(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| referenced(x, out)),
        _ => {}
    }
}

/// Replaces `<64 hex>` asset hashes by `<ASSET>`.
fn normalise_hashes(v: &Value) -> Value {
    match v {
        Value::String(s) => {
            let mut out = String::new();
            let mut run = String::new();
            for c in s.chars() {
                if c.is_ascii_hexdigit() && c.is_ascii_lowercase() || c.is_ascii_digit() {
                    run.push(c);
                    continue;
                }
                out.push_str(if run.len() == 64 { "<ASSET>" } else { &run });
                run.clear();
                out.push(c);
            }
            out.push_str(if run.len() == 64 { "<ASSET>" } else { &run });
            Value::String(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(normalise_hashes).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), normalise_hashes(x)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[test]
fn template_matches_aws_cdk_resource_by_resource() {
    let dir = tempfile::tempdir().unwrap();
    let ours = synth_ours(dir.path());
    assert!(
        ours.missing.is_empty(),
        "missing context: {:?}",
        ours.missing
    );
    let ours = ours
        .assembly
        .stack(STACK_ID)
        .expect("stack artifact")
        .template
        .clone();
    let reference = read_json(&Path::new(FIXTURES).join(format!("{STACK_ID}.template.json")));

    let ours_res = ours["Resources"].as_object().unwrap();
    let ref_res = reference["Resources"].as_object().unwrap();
    let ours_ids: Vec<&String> = ours_res.keys().collect();
    let ref_ids: Vec<&String> = ref_res.keys().collect();
    assert_eq!(ours_ids, ref_ids, "logical ids (and their order) differ");
    assert!(!ours_res.values().any(|r| r["Type"] == "AWS::CDK::Metadata"));

    for (id, theirs) in ref_res {
        let mine = &ours_res[id];
        let mut mine = mine.as_object().unwrap().clone();
        let mut theirs = theirs.as_object().unwrap().clone();
        // DependsOn: ours = CDK's minus the entries implied by a Ref/GetAtt.
        let mut refs = BTreeSet::new();
        referenced(theirs.get("Properties").unwrap_or(&Value::Null), &mut refs);
        let expected: Vec<Value> = theirs
            .remove("DependsOn")
            .and_then(|d| d.as_array().cloned())
            .unwrap_or_default()
            .into_iter()
            .filter(|d| !refs.contains(d.as_str().unwrap_or_default()))
            .collect();
        let actual = mine
            .remove("DependsOn")
            .and_then(|d| d.as_array().cloned())
            .unwrap_or_default();
        assert_eq!(actual, expected, "{id}: DependsOn");
        assert_eq!(
            normalise_hashes(&Value::Object(mine)),
            normalise_hashes(&Value::Object(theirs)),
            "{id}: resource differs"
        );
    }
    for section in ["Outputs", "Parameters", "Rules", "Conditions", "Mappings"] {
        assert_eq!(
            ours.get(section),
            reference.get(section),
            "{section} differ"
        );
    }
}

#[test]
fn deployment_and_permission_ids_are_cdks() {
    let dir = tempfile::tempdir().unwrap();
    let ours = synth_ours(dir.path());
    let template = &ours.assembly.stack(STACK_ID).unwrap().template;
    let res = template["Resources"].as_object().unwrap();
    for id in [
        "RootskiLambdaRESTAPIDeployment5662808430884d7e8920f9009cba28b45b439aa0",
        "RootskiLambdaRESTAPICustomDomainMapv1RootskiLambdaRESTAPIStackRootskiLambdaRESTAPIF0C2FFC979727970",
        "RootskiLambdaRESTAPIproxyANYApiPermissionRootskiLambdaRESTAPIStackRootskiLambdaRESTAPIF0C2FFC9ANYproxy155E5FCB",
        "RootskiLambdaRESTAPIANYApiPermissionTestRootskiLambdaRESTAPIStackRootskiLambdaRESTAPIF0C2FFC9ANY49323215",
    ] {
        assert!(res.contains_key(id), "missing {id}");
    }
}

#[test]
fn assembly_manifest_and_assets_match_cdk_shape() {
    let dir = tempfile::tempdir().unwrap();
    let ours = synth_ours(dir.path());
    let out = ours.assembly.directory.clone();
    let manifest = normalise_hashes(&read_json(&out.join("manifest.json")));
    let reference = normalise_hashes(&read_json(&Path::new(FIXTURES).join("manifest.json")));
    for artifact in [STACK_ID.to_string(), format!("{STACK_ID}.assets")] {
        assert_eq!(
            manifest["artifacts"][&artifact]["properties"],
            reference["artifacts"][&artifact]["properties"],
            "manifest artifact {artifact}"
        );
        assert_eq!(
            manifest["artifacts"][&artifact]["type"],
            reference["artifacts"][&artifact]["type"]
        );
        assert_eq!(
            manifest["artifacts"][&artifact]["environment"],
            reference["artifacts"][&artifact]["environment"]
        );
    }
    let assets = normalise_hashes(&read_json(&out.join(format!("{STACK_ID}.assets.json"))));
    let ref_assets = normalise_hashes(&read_json(
        &Path::new(FIXTURES).join(format!("{STACK_ID}.assets.json")),
    ));
    // Keys are hashes (and destination ids carry a hash-derived suffix): compare values.
    let values = |v: &Value| -> Vec<Value> {
        let mut files: Vec<Value> = v["files"].as_object().unwrap().values().cloned().collect();
        for f in &mut files {
            let dests: Vec<Value> = f["destinations"]
                .as_object()
                .unwrap()
                .values()
                .cloned()
                .collect();
            f["destinations"] = Value::Array(dests);
        }
        files
    };
    assert_eq!(values(&assets), values(&ref_assets), "asset manifest");
    // The staged asset holds the bootstrap.
    let staged: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("asset.")
        })
        .collect();
    assert_eq!(staged.len(), 1, "one staged asset");
    assert!(staged[0].join("bootstrap").is_file());
}

#[test]
fn template_is_deterministic() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let ta = synth_ours(a.path())
        .assembly
        .stack(STACK_ID)
        .unwrap()
        .template
        .clone();
    let tb = synth_ours(b.path())
        .assembly
        .stack(STACK_ID)
        .unwrap()
        .template
        .clone();
    assert_eq!(ta.to_string(), tb.to_string());
}

#[test]
fn missing_hosted_zone_context_is_reported_not_guessed() {
    let dir = tempfile::tempdir().unwrap();
    let mut context = Map::new();
    context.insert("rootski:account".into(), "091910621680".into());
    context.insert("rootski:region".into(), "us-west-2".into());
    let synthesized = app::synth(&config(&dir.path().join("cdk.out"), context)).unwrap();
    let key = "hosted-zone:account=091910621680:domainName=rootski.io:region=us-west-2";
    assert!(!synthesized.missing.is_empty());
    assert!(
        synthesized
            .missing
            .iter()
            .all(|m| m.key == key && m.provider == "hosted-zone")
    );
    let manifest = read_json(&synthesized.assembly.directory.join("manifest.json"));
    assert_eq!(
        manifest["missing"][0]["key"], key,
        "manifest records the missing lookup"
    );
    let template = &synthesized.assembly.stack(STACK_ID).unwrap().template;
    assert_eq!(
        template["Resources"]["RootskiIOAPIGatewayARecord61445449"]["Properties"]["HostedZoneId"],
        "DUMMY"
    );
}

#[test]
fn environment_comes_from_context_then_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path(), Map::new());
    let err = app::environment(&cfg).unwrap_err().to_string();
    assert!(
        err.contains("rootski:account") && err.contains("CDK_DEFAULT_ACCOUNT"),
        "{err}"
    );
    cfg.default_account = Some("111111111111".into());
    cfg.default_region = Some("eu-west-1".into());
    let env = app::environment(&cfg).unwrap();
    assert_eq!(env.account.as_deref(), Some("111111111111"));
    cfg.context
        .insert("rootski:account".into(), "091910621680".into());
    assert_eq!(
        app::environment(&cfg).unwrap().account.as_deref(),
        Some("091910621680")
    );
}

/// `path → construct class` of every node of a `tree.json`.
fn tree_nodes(node: &Value, out: &mut Vec<(String, String)>) {
    let path = node.get("path").and_then(Value::as_str).unwrap_or_default();
    let fqn = node["constructInfo"]["fqn"].as_str().unwrap_or_default();
    out.push((path.to_string(), fqn.to_string()));
    if let Some(children) = node.get("children").and_then(Value::as_object) {
        children.values().for_each(|c| tree_nodes(c, out));
    }
}

#[test]
fn construct_tree_matches_aws_cdk() {
    let dir = tempfile::tempdir().unwrap();
    let ours = synth_ours(dir.path());
    let mut mine = Vec::new();
    tree_nodes(
        &read_json(&ours.assembly.directory.join("tree.json"))["tree"],
        &mut mine,
    );
    // Our app also defines the table stack (its own golden test covers it); the
    // reference app defines only this stack.
    mine.retain(|(path, _)| !path.starts_with("Rootski-Dynamo-Stack"));
    let mut theirs = Vec::new();
    tree_nodes(
        &read_json(&Path::new(FIXTURES).join("tree.json"))["tree"],
        &mut theirs,
    );
    assert_eq!(
        mine, theirs,
        "construct paths and classes differ from aws-cdk-lib's tree"
    );
}
