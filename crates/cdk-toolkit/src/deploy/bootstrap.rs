//! `bootstrap`: the CDK bootstrap stack (`CDKToolkit`) for what this toolkit uses —
//! the file-asset bucket the default synthesizer names
//! (`cdk-hnb659fds-assets-<account>-<region>`), the roles it names
//! (`cdk-hnb659fds-{deploy,cfn-exec,file-publishing,lookup}-role-<account>-<region>`)
//! with the trust and policies of CDK's `bootstrap-template.yaml`, and the SSM
//! parameter `/cdk-bootstrap/hnb659fds/version` that deployments check — deployed as
//! a stack through the same change-set path, with the caller's credentials.
//!
//! Left out of CDK's template: the ECR repository and image-publishing role (no
//! container assets here), the customer-managed KMS key (S3-managed encryption), the
//! bucket policy and the template's parameters (the choices below are inlined).

use serde_json::{Value, json};

use super::Ui;
use super::aws::Aws;
use super::changeset::{DeployOptions, DeployOutcome, StackDeployment, deploy_stack};
use crate::error::{Result, ToolkitError};

/// The bootstrap stack's name, as the CDK CLI names it.
pub const TOOLKIT_STACK_NAME: &str = "CDKToolkit";
/// The default synthesizer's qualifier.
pub const QUALIFIER: &str = "hnb659fds";
/// The version written to the SSM parameter: 8 is the first version with the lookup
/// role (which the default synthesizer requires 8 for; deployments require 6).
pub const BOOTSTRAP_VERSION: u32 = 8;

/// Choices of `bootstrap`, as `cdk bootstrap` takes them.
#[derive(Debug, Clone, Default)]
pub struct BootstrapOptions {
    /// Accounts that may deploy into this environment (`--trust`): they may assume the
    /// deploy, file-publishing and lookup roles.
    pub trusted_accounts: Vec<String>,
    /// Accounts that may only look up context (`--trust-for-lookup`).
    pub trusted_accounts_for_lookup: Vec<String>,
    /// Managed policy ARNs of the CloudFormation execution role
    /// (`--cloudformation-execution-policies`); AdministratorAccess when empty.
    pub execution_policies: Vec<String>,
}

fn name(role: &str) -> Value {
    json!({"Fn::Sub": format!("cdk-{QUALIFIER}-{role}-${{AWS::AccountId}}-${{AWS::Region}}")})
}

/// A trust policy: the environment's own account, plus `accounts`.
fn trust(accounts: &[&String]) -> Value {
    let mut statements = vec![json!({
        "Action": "sts:AssumeRole", "Effect": "Allow",
        "Principal": {"AWS": {"Ref": "AWS::AccountId"}}
    })];
    if !accounts.is_empty() {
        statements.push(json!({
            "Action": "sts:AssumeRole", "Effect": "Allow",
            "Principal": {"AWS": accounts}
        }));
    }
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// The bootstrap template. Trusting other accounts requires explicit execution
/// policies (as `cdk bootstrap` refuses to hand AdministratorAccess to them).
pub fn template(options: &BootstrapOptions) -> Result<Value> {
    if !options.trusted_accounts.is_empty() && options.execution_policies.is_empty() {
        return Err(ToolkitError::TrustWithoutPolicies);
    }
    let trusted: Vec<&String> = options.trusted_accounts.iter().collect();
    let lookup_trusted: Vec<&String> = options
        .trusted_accounts
        .iter()
        .chain(&options.trusted_accounts_for_lookup)
        .collect();
    let execution_policies: Vec<Value> = if options.execution_policies.is_empty() {
        vec![json!({"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess"})]
    } else {
        options
            .execution_policies
            .iter()
            .map(|p| json!(p))
            .collect()
    };
    let version_parameter = format!("/cdk-bootstrap/{QUALIFIER}/version");
    let bucket_objects = json!([
        {"Fn::Sub": "${StagingBucket.Arn}"},
        {"Fn::Sub": "${StagingBucket.Arn}/*"}
    ]);
    Ok(json!({
        "Description": "CDK bootstrap resources used by rootski deploy (asset bucket, roles, version parameter).",
        "Resources": {
            "StagingBucket": {
                "Type": "AWS::S3::Bucket",
                "Properties": {
                    "BucketName": {"Fn::Sub": format!("cdk-{QUALIFIER}-assets-${{AWS::AccountId}}-${{AWS::Region}}")},
                    "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": true, "BlockPublicPolicy": true,
                        "IgnorePublicAcls": true, "RestrictPublicBuckets": true
                    },
                    "VersioningConfiguration": {"Status": "Enabled"}
                },
                "UpdateReplacePolicy": "Retain",
                "DeletionPolicy": "Retain"
            },
            "FilePublishingRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": trust(&trusted),
                    "RoleName": name("file-publishing-role")
                }
            },
            "FilePublishingRoleDefaultPolicy": {
                "Type": "AWS::IAM::Policy",
                "Properties": {
                    "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                        "Action": ["s3:GetObject*", "s3:GetBucket*", "s3:GetEncryptionConfiguration",
                                   "s3:List*", "s3:DeleteObject*", "s3:PutObject*", "s3:Abort*"],
                        "Resource": bucket_objects,
                        "Effect": "Allow"
                    }]},
                    "Roles": [{"Ref": "FilePublishingRole"}],
                    "PolicyName": name("file-publishing-role-default-policy")
                }
            },
            "LookupRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": trust(&lookup_trusted),
                    "RoleName": name("lookup-role"),
                    "ManagedPolicyArns": [{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess"}],
                    "Policies": [{
                        "PolicyName": "LookupRolePolicy",
                        "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                            "Sid": "DontReadSecrets",
                            "Effect": "Deny",
                            "Action": ["kms:Decrypt"],
                            "Resource": "*"
                        }]}
                    }]
                }
            },
            "DeploymentActionRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": trust(&trusted),
                    "RoleName": name("deploy-role"),
                    "Policies": [{
                        "PolicyName": "default",
                        "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                            {
                                "Sid": "CloudFormationPermissions",
                                "Effect": "Allow",
                                "Action": ["cloudformation:CreateChangeSet", "cloudformation:DeleteChangeSet",
                                           "cloudformation:DescribeChangeSet", "cloudformation:DescribeStacks",
                                           "cloudformation:ExecuteChangeSet", "cloudformation:CreateStack",
                                           "cloudformation:UpdateStack"],
                                "Resource": "*"
                            },
                            {
                                "Sid": "PipelineCrossAccountArtifactsBucket",
                                "Effect": "Allow",
                                "Action": ["s3:GetObject*", "s3:GetBucket*", "s3:List*", "s3:Abort*",
                                           "s3:DeleteObject*", "s3:PutObject*"],
                                "Resource": "*",
                                "Condition": {"StringNotEquals": {"s3:ResourceAccount": {"Ref": "AWS::AccountId"}}}
                            },
                            {
                                "Sid": "CliStagingBucket",
                                "Effect": "Allow",
                                "Action": ["s3:GetObject*", "s3:GetBucket*", "s3:List*"],
                                "Resource": bucket_objects
                            },
                            {
                                "Action": "iam:PassRole",
                                "Resource": {"Fn::Sub": "${CloudFormationExecutionRole.Arn}"},
                                "Effect": "Allow"
                            },
                            {
                                "Sid": "CliPermissions",
                                "Action": ["cloudformation:DescribeStackEvents", "cloudformation:GetTemplate",
                                           "cloudformation:DeleteStack", "cloudformation:UpdateTerminationProtection",
                                           "cloudformation:ListExports", "cloudformation:ListImports",
                                           "sts:GetCallerIdentity", "cloudformation:GetTemplateSummary"],
                                "Resource": "*",
                                "Effect": "Allow"
                            },
                            {
                                "Sid": "ReadVersion",
                                "Effect": "Allow",
                                "Action": ["ssm:GetParameter", "ssm:GetParameters"],
                                "Resource": {"Fn::Sub": format!("arn:${{AWS::Partition}}:ssm:${{AWS::Region}}:${{AWS::AccountId}}:parameter{version_parameter}")}
                            }
                        ]}
                    }]
                }
            },
            "CloudFormationExecutionRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                        "Action": "sts:AssumeRole", "Effect": "Allow",
                        "Principal": {"Service": "cloudformation.amazonaws.com"}
                    }]},
                    "ManagedPolicyArns": execution_policies,
                    "RoleName": name("cfn-exec-role")
                }
            },
            "CdkBootstrapVersion": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {
                    "Type": "String",
                    "Name": version_parameter,
                    "Value": BOOTSTRAP_VERSION.to_string()
                }
            }
        },
        "Outputs": {
            "BucketName": {"Value": {"Ref": "StagingBucket"}},
            "BootstrapVersion": {"Value": BOOTSTRAP_VERSION.to_string()}
        }
    }))
}

/// Deploys (or updates) the bootstrap stack in `region`.
pub async fn bootstrap(
    aws: &Aws,
    region: &str,
    bootstrap: &BootstrapOptions,
    options: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<DeployOutcome> {
    let template = template(bootstrap)?;
    let account = aws.account(region).await?;
    ui.line(&format!(
        " ⏳  Bootstrapping environment aws://{account}/{region}..."
    ));
    let deployment = StackDeployment {
        stack_name: TOOLKIT_STACK_NAME.into(),
        template,
        template_url: None,
        parameters: Default::default(),
        tags: Default::default(),
        termination_protection: false,
        notification_arns: Vec::new(),
        execution_role_arn: None,
    };
    deploy_stack(&aws.cloudformation(region), &deployment, options, ui).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_has_cdks_roles_and_version() {
        let t = template(&BootstrapOptions::default()).expect("template");
        let r = &t["Resources"];
        for (id, role) in [
            ("DeploymentActionRole", "deploy-role"),
            ("CloudFormationExecutionRole", "cfn-exec-role"),
            ("FilePublishingRole", "file-publishing-role"),
            ("LookupRole", "lookup-role"),
        ] {
            assert_eq!(r[id]["Type"], "AWS::IAM::Role");
            assert_eq!(
                r[id]["Properties"]["RoleName"]["Fn::Sub"],
                format!("cdk-hnb659fds-{role}-${{AWS::AccountId}}-${{AWS::Region}}")
            );
        }
        assert_eq!(
            r["CloudFormationExecutionRole"]["Properties"]["ManagedPolicyArns"][0]["Fn::Sub"],
            "arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess"
        );
        assert_eq!(r["CdkBootstrapVersion"]["Properties"]["Value"], "8");
        let statements =
            r["DeploymentActionRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
                .as_array()
                .expect("statements")
                .len();
        assert_eq!(statements, 1, "only the own account without --trust");
    }

    #[test]
    fn trusting_accounts_needs_execution_policies() {
        let mut options = BootstrapOptions {
            trusted_accounts: vec!["111111111111".into()],
            ..Default::default()
        };
        let err = template(&options).expect_err("no policies").to_string();
        assert!(err.contains("--cloudformation-execution-policies"), "{err}");
        options.execution_policies = vec!["arn:aws:iam::aws:policy/PowerUserAccess".into()];
        let t = template(&options).expect("template");
        let r = &t["Resources"];
        assert_eq!(
            r["DeploymentActionRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][1]["Principal"]
                ["AWS"][0],
            "111111111111"
        );
        assert_eq!(
            r["CloudFormationExecutionRole"]["Properties"]["ManagedPolicyArns"][0],
            "arn:aws:iam::aws:policy/PowerUserAccess"
        );
    }

    /// The option combinations the golden files hold, by file name.
    fn golden_cases() -> Vec<(&'static str, BootstrapOptions)> {
        vec![
            ("default", BootstrapOptions::default()),
            (
                "trust",
                BootstrapOptions {
                    trusted_accounts: vec!["111111111111".into()],
                    execution_policies: vec!["arn:aws:iam::aws:policy/PowerUserAccess".into()],
                    ..Default::default()
                },
            ),
            (
                "trust_for_lookup",
                BootstrapOptions {
                    trusted_accounts_for_lookup: vec!["222222222222".into()],
                    ..Default::default()
                },
            ),
            (
                "all",
                BootstrapOptions {
                    trusted_accounts: vec!["111111111111".into(), "333333333333".into()],
                    trusted_accounts_for_lookup: vec!["222222222222".into()],
                    execution_policies: vec![
                        "arn:aws:iam::aws:policy/PowerUserAccess".into(),
                        "arn:aws:iam::aws:policy/IAMFullAccess".into(),
                    ],
                },
            ),
        ]
    }

    /// The template for every option combination equals the golden file captured
    /// from the former `json!` template (`GOLDEN_WRITE=1` rewrites them).
    #[test]
    fn the_template_matches_the_golden_files() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bootstrap");
        for (case, options) in golden_cases() {
            let got = template(&options).expect("template");
            let path = dir.join(format!("{case}.json"));
            if std::env::var_os("GOLDEN_WRITE").is_some() {
                let text = serde_json::to_string_pretty(&got).expect("json") + "\n";
                std::fs::write(&path, text).expect("write golden");
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("golden file");
            let want: Value = serde_json::from_str(&text).expect("golden json");
            assert_eq!(got, want, "{case}");
        }
    }
}
