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

/// The template with the default options (only the environment's own account
/// trusted, AdministratorAccess for deployments); [`template`] fills in the rest.
const TEMPLATE: &str = include_str!("bootstrap-template.json");

/// The bootstrap template. Trusting other accounts requires explicit execution
/// policies (as `cdk bootstrap` refuses to hand AdministratorAccess to them).
pub fn template(options: &BootstrapOptions) -> Result<Value> {
    if !options.trusted_accounts.is_empty() && options.execution_policies.is_empty() {
        return Err(ToolkitError::TrustWithoutPolicies);
    }
    let mut template: Value =
        serde_json::from_str(TEMPLATE).expect("bootstrap-template.json is JSON");
    let resources = &mut template["Resources"];
    let trusted: Vec<&String> = options.trusted_accounts.iter().collect();
    let lookup_trusted: Vec<&String> = options
        .trusted_accounts
        .iter()
        .chain(&options.trusted_accounts_for_lookup)
        .collect();
    trust(&mut resources["FilePublishingRole"], &trusted);
    trust(&mut resources["DeploymentActionRole"], &trusted);
    trust(&mut resources["LookupRole"], &lookup_trusted);
    if !options.execution_policies.is_empty() {
        resources["CloudFormationExecutionRole"]["Properties"]["ManagedPolicyArns"] =
            json!(options.execution_policies);
    }
    let version = json!(BOOTSTRAP_VERSION.to_string());
    resources["CdkBootstrapVersion"]["Properties"]["Value"] = version.clone();
    template["Outputs"]["BootstrapVersion"]["Value"] = version;
    Ok(template)
}

/// Lets `accounts` assume the role too (the template trusts the environment's own
/// account only).
fn trust(role: &mut Value, accounts: &[&String]) {
    if accounts.is_empty() {
        return;
    }
    let statement = json!({
        "Action": "sts:AssumeRole", "Effect": "Allow",
        "Principal": {"AWS": accounts}
    });
    if let Some(statements) = role
        .pointer_mut("/Properties/AssumeRolePolicyDocument/Statement")
        .and_then(Value::as_array_mut)
    {
        statements.push(statement);
    }
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
        assert_eq!(
            r["CdkBootstrapVersion"]["Properties"]["Name"],
            format!("/cdk-bootstrap/{QUALIFIER}/version")
        );
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
