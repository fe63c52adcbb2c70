//! What a stack artifact of the manifest asks of a deployment — environment, tags,
//! parameters, termination protection, notification ARNs, asset manifests — and the
//! order stacks deploy in (their `dependencies` between stack artifacts).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

use crate::assembly::{AssemblyReader, read_json};
use crate::error::{Result, ToolkitError};

const STACK_TYPE: &str = "aws:cloudformation:stack";

/// One stack ready to deploy.
#[derive(Debug, Clone)]
pub struct DeployableStack {
    /// Artifact id.
    pub id: String,
    /// CloudFormation stack name.
    pub stack_name: String,
    /// The template.
    pub template: Value,
    /// `aws://account/region` (`unknown-account` / `unknown-region` when agnostic).
    pub environment: String,
    /// Stack tags.
    pub tags: BTreeMap<String, String>,
    /// Parameter values given at synthesis.
    pub parameters: BTreeMap<String, String>,
    /// Termination protection.
    pub termination_protection: bool,
    /// SNS topics for stack events.
    pub notification_arns: Vec<String>,
    /// `s3://bucket/key` of the template asset (with `${AWS::...}` placeholders).
    pub template_object_url: Option<String>,
    /// Asset manifest files (`<stack>.assets.json`).
    pub asset_manifests: Vec<PathBuf>,
    /// Stack artifacts this one depends on.
    pub depends_on: Vec<String>,
    /// The bootstrap roles and version the stack asks for.
    pub roles: StackRoles,
}

/// What a stack artifact says about bootstrap roles (ARNs with `${AWS::...}`
/// placeholders, as synthesized).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StackRoles {
    /// `assumeRoleArn`: the deploy role every CloudFormation call runs with.
    pub assume_role_arn: Option<String>,
    /// `assumeRoleExternalId`.
    pub assume_role_external_id: Option<String>,
    /// `cloudFormationExecutionRoleArn`: passed to CloudFormation as `RoleARN`.
    pub execution_role_arn: Option<String>,
    /// `requiresBootstrapStackVersion`.
    pub requires_bootstrap_version: Option<u32>,
    /// `bootstrapStackVersionSsmParameter`.
    pub bootstrap_version_parameter: Option<String>,
    /// `lookupRole`: the read-only role for reading the deployed template (diff).
    pub lookup_role: Option<LookupRole>,
    /// The asset manifests' own `requiresBootstrapStackVersion` and parameter,
    /// checked before their assets are published (as the CDK CLI does).
    pub asset_requirements: Vec<(u32, Option<String>)>,
}

/// The `lookupRole` of a stack artifact.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LookupRole {
    /// `arn`.
    pub arn: String,
    /// `assumeRoleExternalId`.
    pub external_id: Option<String>,
    /// `requiresBootstrapStackVersion` (8 for the default synthesizer).
    pub requires_bootstrap_version: Option<u32>,
    /// `bootstrapStackVersionSsmParameter`.
    pub bootstrap_version_parameter: Option<String>,
}

impl StackRoles {
    /// From a stack artifact's `properties`.
    pub fn from_properties(props: &Value) -> Self {
        let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
        let version = |v: &Value| {
            v.get("requiresBootstrapStackVersion")
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
        };
        Self {
            assume_role_arn: text(props, "assumeRoleArn"),
            assume_role_external_id: text(props, "assumeRoleExternalId"),
            execution_role_arn: text(props, "cloudFormationExecutionRoleArn"),
            requires_bootstrap_version: version(props),
            bootstrap_version_parameter: text(props, "bootstrapStackVersionSsmParameter"),
            lookup_role: props.get("lookupRole").and_then(|l| {
                Some(LookupRole {
                    arn: text(l, "arn")?,
                    external_id: text(l, "assumeRoleExternalId"),
                    requires_bootstrap_version: version(l),
                    bootstrap_version_parameter: text(l, "bootstrapStackVersionSsmParameter"),
                })
            }),
            asset_requirements: Vec::new(),
        }
    }
}

impl DeployableStack {
    /// Reads one stack artifact of the assembly.
    pub fn load(assembly: &AssemblyReader, id: &str) -> Result<Self> {
        let artifact = assembly
            .artifact(id)
            .filter(|a| a.get("type").and_then(Value::as_str) == Some(STACK_TYPE))
            .ok_or_else(|| ToolkitError::UnknownStackId {
                id: id.to_owned(),
                dir: assembly.dir().to_path_buf(),
                stacks: assembly.stack_ids(),
            })?;
        let stack = assembly.stack(id)?;
        let props = artifact.get("properties").cloned().unwrap_or(Value::Null);
        let deps = Dependencies::of(assembly, artifact, &props);
        Ok(Self {
            id: id.to_string(),
            stack_name: stack.stack_name,
            template: stack.template,
            environment: artifact
                .get("environment")
                .and_then(Value::as_str)
                .unwrap_or("aws://unknown-account/unknown-region")
                .to_string(),
            tags: string_map(props.get("tags")),
            parameters: string_map(props.get("parameters")),
            termination_protection: props
                .get("terminationProtection")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            notification_arns: strings(props.get("notificationArns")),
            template_object_url: props
                .get("stackTemplateAssetObjectUrl")
                .and_then(Value::as_str)
                .map(str::to_owned),
            asset_manifests: deps.asset_manifests,
            depends_on: deps.stacks,
            roles: StackRoles {
                asset_requirements: deps.asset_requirements,
                ..StackRoles::from_properties(&props)
            },
        })
    }

    /// The environment's account and region, `None` where agnostic.
    pub fn account_and_region(&self) -> (Option<String>, Option<String>) {
        let rest = self.environment.strip_prefix("aws://").unwrap_or("");
        let (account, region) = rest.split_once('/').unwrap_or((rest, ""));
        let known = |s: &str, unknown: &str| (!s.is_empty() && s != unknown).then(|| s.to_string());
        (
            known(account, "unknown-account"),
            known(region, "unknown-region"),
        )
    }
}

/// A JSON object's values as strings (non-strings in their JSON text).
fn string_map(value: Option<&Value>) -> BTreeMap<String, String> {
    value
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_str().map_or_else(|| v.to_string(), str::to_owned),
            )
        })
        .collect()
}

/// The strings of a JSON array.
fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// What a stack artifact's `dependencies` and `additionalDependencies` name.
struct Dependencies {
    /// Its asset manifests' files.
    asset_manifests: Vec<PathBuf>,
    /// `(requiresBootstrapStackVersion, bootstrapStackVersionSsmParameter)` of its
    /// asset manifests.
    asset_requirements: Vec<(u32, Option<String>)>,
    /// The stacks it depends on.
    stacks: Vec<String>,
}

impl Dependencies {
    fn of(assembly: &AssemblyReader, artifact: &Value, props: &Value) -> Self {
        let mut deps = Self {
            asset_manifests: Vec::new(),
            asset_requirements: Vec::new(),
            stacks: Vec::new(),
        };
        let named = strings(artifact.get("dependencies"))
            .into_iter()
            .chain(strings(props.get("additionalDependencies")));
        for dep in named {
            let Some(a) = assembly.artifact(&dep) else {
                continue;
            };
            match a.get("type").and_then(Value::as_str) {
                Some("cdk:asset-manifest") => deps.add_asset_manifest(assembly, a),
                Some(STACK_TYPE) if !deps.stacks.contains(&dep) => deps.stacks.push(dep),
                _ => {}
            }
        }
        deps
    }

    fn add_asset_manifest(&mut self, assembly: &AssemblyReader, manifest: &Value) {
        if let Some(file) = manifest.pointer("/properties/file").and_then(Value::as_str) {
            let path = assembly.dir().join(file);
            if !self.asset_manifests.contains(&path) {
                self.asset_manifests.push(path);
            }
        }
        let props = manifest.get("properties").unwrap_or(&Value::Null);
        let required = props
            .get("requiresBootstrapStackVersion")
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok());
        if let Some(required) = required {
            let parameter = props
                .get("bootstrapStackVersionSsmParameter")
                .and_then(Value::as_str)
                .map(str::to_owned);
            self.asset_requirements.push((required, parameter));
        }
    }
}

/// Reads the assembly's missing-context lookups (`manifest.json` "missing").
pub fn missing_context(assembly: &AssemblyReader) -> Vec<Value> {
    assembly
        .manifest()
        .get("missing")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// Stacks in deployment order: the selection (all stacks when empty) plus, when
/// `with_dependencies`, the stacks they depend on; dependencies first, manifest order
/// otherwise. Unknown names are an error listing the known ones.
pub fn deployment_order(
    assembly: &AssemblyReader,
    selection: &[String],
    with_dependencies: bool,
) -> Result<Vec<DeployableStack>> {
    let all = assembly.stack_ids();
    let mut by_id = BTreeMap::new();
    for id in &all {
        by_id.insert(id.clone(), DeployableStack::load(assembly, id)?);
    }
    let mut wanted: Vec<String> = Vec::new();
    if selection.is_empty() {
        wanted = all.clone();
    } else {
        for name in selection {
            let id = by_id
                .values()
                .find(|s| &s.id == name || &s.stack_name == name)
                .map(|s| s.id.clone())
                .ok_or_else(|| ToolkitError::UnknownStack {
                    name: name.clone(),
                    dir: assembly.dir().to_path_buf(),
                    stacks: all.clone(),
                })?;
            if !wanted.contains(&id) {
                wanted.push(id);
            }
        }
    }
    if with_dependencies {
        let mut i = 0;
        while i < wanted.len() {
            for dep in by_id
                .get(&wanted[i])
                .map(|s| s.depends_on.clone())
                .unwrap_or_default()
            {
                if !wanted.contains(&dep) {
                    wanted.push(dep);
                }
            }
            i += 1;
        }
    }
    let mut ordered: Vec<DeployableStack> = Vec::new();
    let mut remaining: Vec<String> = all.into_iter().filter(|id| wanted.contains(id)).collect();
    while !remaining.is_empty() {
        let ready = remaining.iter().position(|id| {
            by_id
                .get(id)
                .is_some_and(|s| s.depends_on.iter().all(|d| !remaining.contains(d)))
        });
        let Some(pos) = ready else {
            return Err(ToolkitError::DependencyCycle { stacks: remaining });
        };
        let id = remaining.remove(pos);
        if let Some(s) = by_id.remove(&id) {
            ordered.push(s);
        }
    }
    Ok(ordered)
}

/// Reads an asset manifest (`<stack>.assets.json`).
pub fn read_asset_manifest(path: &std::path::Path) -> Result<Value> {
    read_json(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &std::path::Path) {
        let stack = |deps: &[&str]| {
            serde_json::json!({"type": STACK_TYPE, "environment": "aws://unknown-account/unknown-region",
                "properties": {"templateFile": "t.json", "tags": {"team": "ru"}, "terminationProtection": true},
                "dependencies": deps})
        };
        let manifest = serde_json::json!({"version": "55.0.0", "artifacts": {
            "C": stack(&["B"]), "A": stack(&[]), "B": stack(&["A", "B.assets"]),
            "B.assets": {"type": "cdk:asset-manifest", "properties": {"file": "B.assets.json",
                "requiresBootstrapStackVersion": 6, "bootstrapStackVersionSsmParameter": "/p"}}
        }});
        std::fs::write(dir.join("manifest.json"), manifest.to_string()).expect("write");
        std::fs::write(dir.join("t.json"), "{}").expect("write");
        std::fs::write(dir.join("B.assets.json"), r#"{"files": {}}"#).expect("write");
    }

    #[test]
    fn bootstrap_roles_are_read_from_the_properties() {
        let props = serde_json::json!({
            "assumeRoleArn": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/deploy",
            "assumeRoleExternalId": "ext",
            "cloudFormationExecutionRoleArn": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/exec",
            "requiresBootstrapStackVersion": 6,
            "bootstrapStackVersionSsmParameter": "/cdk-bootstrap/hnb659fds/version",
            "lookupRole": {"arn": "arn:aws:iam::1:role/lookup", "requiresBootstrapStackVersion": 8,
                "bootstrapStackVersionSsmParameter": "/cdk-bootstrap/hnb659fds/version"}
        });
        let roles = StackRoles::from_properties(&props);
        assert_eq!(
            roles.assume_role_arn.as_deref(),
            Some("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/deploy")
        );
        assert_eq!(roles.assume_role_external_id.as_deref(), Some("ext"));
        assert!(
            roles
                .execution_role_arn
                .is_some_and(|r| r.ends_with("role/exec"))
        );
        assert_eq!(roles.requires_bootstrap_version, Some(6));
        let lookup = roles.lookup_role.expect("lookup role");
        assert_eq!(lookup.arn, "arn:aws:iam::1:role/lookup");
        assert_eq!(lookup.requires_bootstrap_version, Some(8));
    }

    #[test]
    fn dependencies_deploy_first_and_properties_are_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path());
        let assembly = AssemblyReader::load(dir.path()).expect("load");
        let ids = |v: Vec<DeployableStack>| v.into_iter().map(|s| s.id).collect::<Vec<_>>();
        assert_eq!(
            ids(deployment_order(&assembly, &[], true).expect("all")),
            ["A", "B", "C"]
        );
        assert_eq!(
            ids(deployment_order(&assembly, &["C".into()], true).expect("c")),
            ["A", "B", "C"]
        );
        assert_eq!(
            ids(deployment_order(&assembly, &["C".into()], false).expect("c")),
            ["C"]
        );
        let b = DeployableStack::load(&assembly, "B").expect("b");
        assert_eq!(b.depends_on, vec!["A"]);
        assert_eq!(b.asset_manifests, vec![dir.path().join("B.assets.json")]);
        assert!(b.termination_protection);
        assert_eq!(b.tags.get("team").map(String::as_str), Some("ru"));
        assert_eq!(b.account_and_region(), (None, None));
        assert_eq!(b.roles.assume_role_arn, None);
        assert_eq!(
            b.roles.asset_requirements,
            vec![(6, Some("/p".to_string()))]
        );
        let err = deployment_order(&assembly, &["Nope".into()], true).expect_err("unknown");
        assert!(
            err.to_string().contains("stacks: C, A, B") || err.to_string().contains("stacks:"),
            "{err}"
        );
    }
}
