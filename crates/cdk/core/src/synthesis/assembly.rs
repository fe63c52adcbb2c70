//! The cloud assembly writer: the files AWS CDK v2 writes into `cdk.out/`.
//!
//! Invariants: cloud-assembly schema `55.0.0` (aws-cdk-lib 2.276); templates are
//! `JSON.stringify(t, undefined, 1)`, manifests and metadata `JSON.stringify(x,
//! undefined, 2)`, `tree.json` and `cdk.out` compact; numbers print as JavaScript
//! prints them (integral floats without `.0`); the template asset hash is the sha256
//! of the template file bytes. Same tree → same bytes.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::synthesis::synthesizer::{
    MIN_BOOTSTRAP_VERSION, MIN_LOOKUP_ROLE_BOOTSTRAP_VERSION, Role,
};
use crate::{App, Construct, Error, Result, Stack};

/// Cloud assembly schema version written to `manifest.json`.
pub const SCHEMA_VERSION: &str = "55.0.0";
/// aws-cdk-lib version we mirror (tree.json construct info).
pub const CDK_VERSION: &str = "2.276.0";
const CONSTRUCTS_VERSION: &str = "10.8.1";

/// One synthesized stack.
#[derive(Debug, Clone)]
pub struct StackArtifact {
    /// Artifact id.
    pub artifact_id: String,
    /// CloudFormation stack name.
    pub stack_name: String,
    /// Template file name inside the assembly.
    pub template_file: String,
    /// `aws://account/region`.
    pub environment: String,
    /// The template.
    pub template: Value,
}

/// The result of [`App::synth`]: where it was written and what it holds.
#[derive(Debug, Clone)]
pub struct CloudAssembly {
    /// The assembly directory.
    pub directory: PathBuf,
    /// The manifest as written.
    pub manifest: Value,
    /// Stacks in tree order.
    pub stacks: Vec<StackArtifact>,
    /// Context lookups of every stack that had no answer (manifest `missing`), by key.
    pub missing: Vec<crate::MissingContext>,
}

impl CloudAssembly {
    /// The stack artifact with this artifact id.
    pub fn stack(&self, artifact_id: &str) -> Option<&StackArtifact> {
        self.stacks.iter().find(|s| s.artifact_id == artifact_id)
    }
    /// The stack artifact with this stack name.
    pub fn stack_by_name(&self, stack_name: &str) -> Option<&StackArtifact> {
        self.stacks.iter().find(|s| s.stack_name == stack_name)
    }
}

/// Integral floats as integers, as JavaScript prints them.
fn js_numbers(v: &mut Value) {
    match v {
        Value::Number(n) if n.is_f64() => {
            if let Some(x) = n.as_f64()
                && x.fract() == 0.0
                && x.abs() < 9.0e15
            {
                *v = Value::from(x as i64);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(js_numbers),
        Value::Object(o) => o.values_mut().for_each(js_numbers),
        _ => {}
    }
}

/// `JSON.stringify(value, undefined, indent)`.
pub(crate) fn to_js_json(value: &Value, indent: usize) -> String {
    let mut v = value.clone();
    js_numbers(&mut v);
    if indent == 0 {
        return v.to_string();
    }
    let ind = " ".repeat(indent);
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(ind.as_bytes());
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    if v.serialize(&mut ser).is_err() {
        return v.to_string();
    }
    let text = String::from_utf8(buf).unwrap_or_default();
    // JSON.stringify writes empty containers as `{}` / `[]` (serde does too).
    text
}

fn write_file(path: &Path, content: &str) -> Result<()> {
    fs::write(path, content).map_err(|e| Error::io("writing", path, e))
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn tree_node(c: &Construct) -> Result<Value> {
    let fqn = c.construct_info();
    let version = if fqn.starts_with("constructs.") {
        CONSTRUCTS_VERSION
    } else {
        CDK_VERSION
    };
    let mut m = Map::new();
    m.insert(
        "id".into(),
        Value::String(if c.path().is_empty() {
            "App".into()
        } else {
            c.id().into()
        }),
    );
    m.insert("path".into(), Value::String(c.path().into()));
    m.insert(
        "constructInfo".into(),
        json!({"fqn": fqn, "version": version}),
    );
    let attributes = c.tree_attributes();
    if !attributes.is_empty() {
        let attributes = Value::Object(attributes);
        let resolved = match Stack::of(c) {
            Ok(stack) => stack.resolve(&attributes)?,
            Err(_) => attributes,
        };
        m.insert("attributes".into(), resolved);
    }
    let children = c.children();
    if !children.is_empty() {
        let mut ch = Map::new();
        for child in children {
            ch.insert(child.id().to_string(), tree_node(&child)?);
        }
        m.insert("children".into(), Value::Object(ch));
    }
    Ok(Value::Object(m))
}

fn write_tree(app: &App, outdir: &Path) -> Result<()> {
    let mut root = tree_node(app.construct())?;
    if let Some(Value::Object(ch)) = root.get_mut("children") {
        ch.insert(
            "Tree".into(),
            json!({"id": "Tree", "path": "Tree", "constructInfo": {"fqn": "constructs.Construct", "version": CONSTRUCTS_VERSION}}),
        );
    }
    let tree = json!({"version": "tree-0.1", "tree": root});
    write_file(&outdir.join("tree.json"), &to_js_json(&tree, 0))
}

fn stack_metadata(stack: &Stack) -> Result<Map<String, Value>> {
    let mut meta = Map::new();
    let tags = stack.tags();
    for c in crate::synthesis::constructs_of_breadth_first(stack) {
        let mut entries: Vec<Value> = Vec::new();
        let own = Stack::of(&c).unwrap_or_else(|_| stack.clone());
        for e in c.metadata() {
            let data = own.resolve(&e.data)?;
            entries.push(json!({"type": e.kind, "data": data}));
        }
        let nested = Stack::from_construct(&c).filter(|n| n.nested());
        if let Some(n) = nested {
            entries.push(json!({"type": "aws:cdk:templateFile", "data": n.template_file()}));
        }
        if &c == stack.construct() {
            entries.push(json!({"type": "aws:cdk:templateFile", "data": stack.template_file()}));
            if !tags.is_empty() {
                let list: Vec<Value> = tags
                    .iter()
                    .map(|(k, v)| json!({"key": k, "value": v}))
                    .collect();
                entries.push(json!({"type": "aws:cdk:stack-tags", "data": list}));
            }
        }
        if !entries.is_empty() {
            meta.insert(format!("/{}", c.path()), Value::Array(entries));
        }
    }
    Ok(meta)
}

fn asset_destination(stack: &Stack, bucket: &str, object_key: &str) -> (String, Value) {
    let syn = stack.synthesizer();
    let mut dest = Map::new();
    dest.insert("bucketName".into(), Value::String(bucket.to_string()));
    dest.insert("objectKey".into(), Value::String(object_key.to_string()));
    let region = stack.region();
    if !crate::Token::is_unresolved(&region) {
        dest.insert("region".into(), Value::String(region.clone()));
    }
    if stack.state().synthesizer.kind.uses_bootstrap_roles() {
        dest.insert(
            "assumeRoleArn".into(),
            Value::String(syn.role(Role::FilePublishing)),
        );
    }
    let dest = Value::Object(dest);
    let account = stack.account();
    let env = format!(
        "{}-{}",
        if crate::Token::is_unresolved(&account) {
            "current_account"
        } else {
            &account
        },
        if crate::Token::is_unresolved(&region) {
            "current_region"
        } else {
            &region
        }
    );
    let hash = sha256_hex(dest.to_string().as_bytes());
    (format!("{env}-{}", &hash[..8]), dest)
}

pub(crate) fn write(
    app: &App,
    rendered: Vec<(Stack, Value)>,
    nested: Vec<(Stack, Value)>,
) -> Result<CloudAssembly> {
    let outdir = app.outdir();
    fs::create_dir_all(&outdir).map_err(|e| Error::io("creating output directory", &outdir, e))?;
    for (stack, template) in &nested {
        write_file(
            &outdir.join(stack.template_file()),
            &to_js_json(template, 1),
        )?;
    }
    let mut artifacts = Map::new();
    let mut missing: Vec<Value> = Vec::new();
    let mut missing_contexts: Vec<crate::MissingContext> = Vec::new();
    let mut stacks = Vec::new();
    for (stack, template) in rendered {
        let syn = stack.synthesizer();
        let artifact_id = stack.artifact_id();
        let template_text = to_js_json(&template, 1);
        write_file(&outdir.join(stack.template_file()), &template_text)?;
        let template_hash = sha256_hex(template_text.as_bytes());
        let bucket = syn.bucket_name();

        let mut files = Map::new();
        let kind = stack.state().synthesizer.kind.clone();
        for asset in stack.state().synthesizer.file_assets.borrow().iter() {
            let staged = if asset.in_assembly {
                asset.source.source_path.to_string_lossy().into_owned()
            } else {
                let staged = crate::synthesis::synthesizer::staged_name(
                    &asset.source.source_path,
                    &asset.hash,
                );
                crate::synthesis::assets::stage(&asset.source.source_path, &outdir.join(&staged))?;
                staged
            };
            let (dest_id, dest) = asset_destination(&stack, &bucket, &asset.object_key);
            let mut entry = Map::new();
            if let Some(name) = &asset.source.display_name {
                entry.insert("displayName".into(), Value::String(name.clone()));
            }
            entry.insert(
                "source".into(),
                json!({"path": staged, "packaging": asset.source.packaging.as_str()}),
            );
            entry.insert("destinations".into(), json!({dest_id: dest}));
            files.insert(asset.hash.clone(), Value::Object(entry));
        }
        let template_key = format!("{}{template_hash}.json", syn.props_bucket_prefix());
        let ssm = syn.bootstrap_parameter();
        let assets_id = format!("{artifact_id}.assets");
        let with_assets = kind.has_asset_manifest();
        let with_roles = kind.uses_bootstrap_roles();
        if with_assets {
            let (dest_id, dest) = asset_destination(&stack, &bucket, &template_key);
            files.insert(
                template_hash.clone(),
                json!({
                    "displayName": format!("{} Template", stack.stack_name()),
                    "source": {"path": stack.template_file(), "packaging": "file"},
                    "destinations": {dest_id: dest}
                }),
            );
            let assets_file = format!("{assets_id}.json");
            let assets_manifest =
                json!({"version": SCHEMA_VERSION, "files": files, "dockerImages": {}});
            write_file(&outdir.join(&assets_file), &to_js_json(&assets_manifest, 2))?;
            let properties = if with_roles {
                json!({"file": assets_file, "requiresBootstrapStackVersion": MIN_BOOTSTRAP_VERSION, "bootstrapStackVersionSsmParameter": ssm})
            } else {
                json!({"file": assets_file})
            };
            artifacts.insert(
                assets_id.clone(),
                json!({"type": "cdk:asset-manifest", "properties": properties}),
            );
        }

        let mut props = Map::new();
        props.insert("templateFile".into(), Value::String(stack.template_file()));
        props.insert(
            "terminationProtection".into(),
            Value::Bool(stack.termination_protection()),
        );
        let tags = stack.tags();
        if !tags.is_empty() {
            props.insert("tags".into(), json!(tags));
        }
        props.insert("validateOnSynth".into(), Value::Bool(false));
        let arns = stack.notification_arns();
        if !crate::Token::is_unresolved_list(&arns) {
            props.insert("notificationArns".into(), json!(arns));
        }
        if with_roles {
            props.insert(
                "assumeRoleArn".into(),
                Value::String(syn.role(Role::Deploy)),
            );
            props.insert(
                "cloudFormationExecutionRoleArn".into(),
                Value::String(syn.role(Role::CfnExec)),
            );
        }
        if let crate::synthesis::synthesizer::StackSynthesizer::Bootstrapless(b) = &kind {
            if let Some(r) = &b.deploy_role_arn {
                props.insert("assumeRoleArn".into(), Value::String(r.clone()));
            }
            if let Some(r) = &b.cloud_formation_execution_role_arn {
                props.insert(
                    "cloudFormationExecutionRoleArn".into(),
                    Value::String(r.clone()),
                );
            }
        }
        if with_assets {
            props.insert(
                "stackTemplateAssetObjectUrl".into(),
                Value::String(format!("s3://{bucket}/{template_key}")),
            );
        }
        if with_roles {
            props.insert(
                "requiresBootstrapStackVersion".into(),
                json!(MIN_BOOTSTRAP_VERSION),
            );
            props.insert(
                "bootstrapStackVersionSsmParameter".into(),
                Value::String(ssm.clone()),
            );
        }
        if with_assets {
            props.insert("additionalDependencies".into(), json!([assets_id]));
        }
        if with_roles {
            props.insert(
                "lookupRole".into(),
                json!({"arn": syn.role(Role::Lookup), "requiresBootstrapStackVersion": MIN_LOOKUP_ROLE_BOOTSTRAP_VERSION, "bootstrapStackVersionSsmParameter": ssm}),
            );
        }
        if stack.stack_name() != artifact_id {
            props.insert("stackName".into(), Value::String(stack.stack_name()));
        }
        let mut deps: Vec<Value> = stack
            .dependencies()
            .iter()
            .map(|s| Value::String(s.artifact_id()))
            .collect();
        if with_assets {
            deps.push(Value::String(assets_id));
        }
        let meta = stack_metadata(&stack)?;
        let mut artifact = Map::new();
        artifact.insert("type".into(), json!("aws:cloudformation:stack"));
        artifact.insert("environment".into(), Value::String(stack.environment()));
        artifact.insert("properties".into(), Value::Object(props));
        if !deps.is_empty() {
            artifact.insert("dependencies".into(), Value::Array(deps));
        }
        if !meta.is_empty() {
            let meta_file = format!("{artifact_id}.metadata.json");
            write_file(
                &outdir.join(&meta_file),
                &to_js_json(&Value::Object(meta), 2),
            )?;
            artifact.insert("additionalMetadataFile".into(), Value::String(meta_file));
        }
        artifact.insert(
            "displayName".into(),
            Value::String(stack.path().to_string()),
        );
        artifacts.insert(artifact_id.clone(), Value::Object(artifact));

        for m in stack.missing_context() {
            if !missing_contexts
                .iter()
                .any(|known: &crate::MissingContext| known.key == m.key)
            {
                missing_contexts.push(m.clone());
            }
            let mut p = m.props.clone();
            if with_roles {
                p.insert(
                    "lookupRoleArn".into(),
                    Value::String(syn.role(Role::Lookup)),
                );
            }
            missing.push(json!({"key": m.key, "provider": m.provider, "props": p}));
        }
        stacks.push(StackArtifact {
            artifact_id,
            stack_name: stack.stack_name(),
            template_file: stack.template_file(),
            environment: stack.environment(),
            template,
        });
    }
    if app.state().tree_metadata {
        write_tree(app, &outdir)?;
        artifacts.insert(
            "Tree".into(),
            json!({"type": "cdk:tree", "properties": {"file": "tree.json"}}),
        );
    }
    let mut manifest = Map::new();
    manifest.insert("version".into(), json!(SCHEMA_VERSION));
    manifest.insert("artifacts".into(), Value::Object(artifacts));
    if !missing.is_empty() {
        missing.sort_by(|a, b| a["key"].as_str().cmp(&b["key"].as_str()));
        manifest.insert("missing".into(), Value::Array(missing));
    }
    let manifest = Value::Object(manifest);
    write_file(&outdir.join("manifest.json"), &to_js_json(&manifest, 2))?;
    write_file(
        &outdir.join("cdk.out"),
        &to_js_json(&json!({"version": SCHEMA_VERSION}), 0),
    )?;
    missing_contexts.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(CloudAssembly {
        directory: outdir,
        manifest,
        stacks,
        missing: missing_contexts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_text_matches_javascript() {
        let v = json!({"a": 1.0, "b": 1.5, "c": [], "d": {}, "e": "x/é", "f": [1, {"g": true}]});
        assert_eq!(
            to_js_json(&v, 0),
            r#"{"a":1,"b":1.5,"c":[],"d":{},"e":"x/é","f":[1,{"g":true}]}"#
        );
        assert_eq!(
            to_js_json(&json!({"a": [1], "b": {}}), 1),
            "{\n \"a\": [\n  1\n ],\n \"b\": {}\n}"
        );
    }
}
