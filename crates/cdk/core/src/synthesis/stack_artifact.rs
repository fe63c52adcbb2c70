//! One stack's part of the cloud assembly: its template file, its staged file assets
//! and asset manifest (`<artifact>.assets.json`), the `aws:cloudformation:stack`
//! artifact with its deploy properties, and its metadata file.
//!
//! Invariant: keys are inserted in the order aws-cdk-lib writes them (our JSON objects
//! keep insertion order), so the manifest matches `cdk synth` byte for byte.

use std::path::Path;

use serde_json::{Map, Value, json};

use super::assembly::{
    ManifestEntries, SCHEMA_VERSION, StackArtifact, sha256_hex, to_js_json, write_file,
};
use super::synthesizer::{
    MIN_BOOTSTRAP_VERSION, MIN_LOOKUP_ROLE_BOOTSTRAP_VERSION, Role, StackSynthesizer,
};
use crate::{DefaultStackSynthesizer, Result, Stack};

/// What the stack's synthesizer decides for its manifest entries.
struct Deployment {
    syn: DefaultStackSynthesizer,
    kind: StackSynthesizer,
    bucket: String,
    /// Object key of the template in the asset bucket (`<prefix><hash>.json`).
    template_key: String,
    /// The bootstrap version SSM parameter.
    ssm: String,
    /// `<artifact id>.assets`.
    assets_id: String,
    /// The synthesizer writes an asset manifest (publishes the template and assets).
    with_assets: bool,
    /// The CLI assumes the bootstrap roles (deploy, CloudFormation execution, lookup).
    with_roles: bool,
}

/// Writes `stack`'s template, assets and metadata into `outdir`, adds its artifacts
/// and unanswered lookups to `entries`, and returns its [`StackArtifact`].
pub(super) fn write_stack(
    outdir: &Path,
    stack: Stack,
    template: Value,
    entries: &mut ManifestEntries,
) -> Result<StackArtifact> {
    let syn = stack.synthesizer();
    let artifact_id = stack.artifact_id();
    let template_text = to_js_json(&template, 1);
    write_file(&outdir.join(stack.template_file()), &template_text)?;
    let template_hash = sha256_hex(template_text.as_bytes());
    let bucket = syn.bucket_name();
    let kind = stack.state().synthesizer.kind.clone();
    let files = stage_file_assets(outdir, &stack, &bucket)?;
    let deployment = Deployment {
        template_key: format!("{}{template_hash}.json", syn.props_bucket_prefix()),
        ssm: syn.bootstrap_parameter(),
        assets_id: format!("{artifact_id}.assets"),
        with_assets: kind.has_asset_manifest(),
        with_roles: kind.uses_bootstrap_roles(),
        syn,
        kind,
        bucket,
    };
    if deployment.with_assets {
        let manifest = write_asset_manifest(outdir, &stack, &deployment, files, template_hash)?;
        entries
            .artifacts
            .insert(deployment.assets_id.clone(), manifest);
    }
    let artifact = stack_artifact(outdir, &stack, &deployment)?;
    entries.artifacts.insert(artifact_id.clone(), artifact);
    entries.add_missing(&stack, deployment.with_roles.then_some(&deployment.syn));
    Ok(StackArtifact {
        artifact_id,
        stack_name: stack.stack_name(),
        template_file: stack.template_file(),
        environment: stack.environment(),
        template,
    })
}

/// Copies the stack's file assets into the assembly (`asset.<hash>`, unless already
/// there) and returns their asset-manifest `files` entries, by hash.
fn stage_file_assets(outdir: &Path, stack: &Stack, bucket: &str) -> Result<Map<String, Value>> {
    let mut files = Map::new();
    for asset in stack.state().synthesizer.file_assets.borrow().iter() {
        let staged = if asset.in_assembly {
            asset.source.source_path.to_string_lossy().into_owned()
        } else {
            let staged = super::synthesizer::staged_name(&asset.source.source_path, &asset.hash);
            super::assets::stage(&asset.source.source_path, &outdir.join(&staged))?;
            staged
        };
        let (dest_id, dest) = asset_destination(stack, bucket, &asset.object_key);
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
    Ok(files)
}

/// Writes `<artifact id>.assets.json` (the file assets and the template itself) and
/// returns its `cdk:asset-manifest` artifact.
fn write_asset_manifest(
    outdir: &Path,
    stack: &Stack,
    deployment: &Deployment,
    mut files: Map<String, Value>,
    template_hash: String,
) -> Result<Value> {
    let (dest_id, dest) = asset_destination(stack, &deployment.bucket, &deployment.template_key);
    files.insert(
        template_hash,
        json!({
            "displayName": format!("{} Template", stack.stack_name()),
            "source": {"path": stack.template_file(), "packaging": "file"},
            "destinations": {dest_id: dest}
        }),
    );
    let assets_file = format!("{}.json", deployment.assets_id);
    let assets_manifest = json!({"version": SCHEMA_VERSION, "files": files, "dockerImages": {}});
    write_file(&outdir.join(&assets_file), &to_js_json(&assets_manifest, 2))?;
    let properties = if deployment.with_roles {
        json!({"file": assets_file, "requiresBootstrapStackVersion": MIN_BOOTSTRAP_VERSION, "bootstrapStackVersionSsmParameter": deployment.ssm})
    } else {
        json!({"file": assets_file})
    };
    Ok(json!({"type": "cdk:asset-manifest", "properties": properties}))
}

/// The `aws:cloudformation:stack` artifact; writes `<artifact id>.metadata.json` when
/// the stack has metadata.
fn stack_artifact(outdir: &Path, stack: &Stack, deployment: &Deployment) -> Result<Value> {
    let props = stack_properties(stack, deployment);
    let mut deps: Vec<Value> = stack
        .dependencies()
        .iter()
        .map(|s| Value::String(s.artifact_id()))
        .collect();
    if deployment.with_assets {
        deps.push(Value::String(deployment.assets_id.clone()));
    }
    let meta = stack_metadata(stack)?;
    let mut artifact = Map::new();
    artifact.insert("type".into(), json!("aws:cloudformation:stack"));
    artifact.insert("environment".into(), Value::String(stack.environment()));
    artifact.insert("properties".into(), Value::Object(props));
    if !deps.is_empty() {
        artifact.insert("dependencies".into(), Value::Array(deps));
    }
    if !meta.is_empty() {
        let meta_file = format!("{}.metadata.json", stack.artifact_id());
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
    Ok(Value::Object(artifact))
}

/// The deploy properties of the stack artifact, in aws-cdk-lib's key order.
fn stack_properties(stack: &Stack, deployment: &Deployment) -> Map<String, Value> {
    let Deployment {
        syn,
        with_assets,
        with_roles,
        ..
    } = deployment;
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
    if *with_roles {
        props.insert(
            "assumeRoleArn".into(),
            Value::String(syn.role(Role::Deploy)),
        );
        props.insert(
            "cloudFormationExecutionRoleArn".into(),
            Value::String(syn.role(Role::CfnExec)),
        );
    }
    if let StackSynthesizer::Bootstrapless(b) = &deployment.kind {
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
    if *with_assets {
        props.insert(
            "stackTemplateAssetObjectUrl".into(),
            Value::String(format!(
                "s3://{}/{}",
                deployment.bucket, deployment.template_key
            )),
        );
    }
    if *with_roles {
        props.insert(
            "requiresBootstrapStackVersion".into(),
            json!(MIN_BOOTSTRAP_VERSION),
        );
        props.insert(
            "bootstrapStackVersionSsmParameter".into(),
            Value::String(deployment.ssm.clone()),
        );
    }
    if *with_assets {
        props.insert(
            "additionalDependencies".into(),
            json!([deployment.assets_id]),
        );
    }
    if *with_roles {
        props.insert(
            "lookupRole".into(),
            json!({"arn": syn.role(Role::Lookup), "requiresBootstrapStackVersion": MIN_LOOKUP_ROLE_BOOTSTRAP_VERSION, "bootstrapStackVersionSsmParameter": deployment.ssm}),
        );
    }
    if stack.stack_name() != stack.artifact_id() {
        props.insert("stackName".into(), Value::String(stack.stack_name()));
    }
    props
}

/// The `<artifact id>.metadata.json` entries: each construct's metadata (resolved in
/// its own stack), the template files of the stack and its nested stacks, stack tags.
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

/// The destination of an asset in the stack's environment, and its id
/// (`<account>-<region>-<hash of the destination>`, as CDK names it).
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
