//! `bootstrap`: the part of the CDK bootstrap stack (`CDKToolkit`) this toolkit uses —
//! the file-asset bucket the default synthesizer names
//! (`cdk-hnb659fds-assets-<account>-<region>`) and the SSM parameter
//! `/cdk-bootstrap/hnb659fds/version` that templates check — deployed as a stack
//! through the same change-set path. No roles: deployments use the caller's
//! credentials.

use serde_json::{Value, json};

use super::Ui;
use super::aws::Aws;
use super::changeset::{DeployOptions, DeployOutcome, StackDeployment, deploy_stack};
use crate::error::Result;

/// The bootstrap stack's name, as the CDK CLI names it.
pub const TOOLKIT_STACK_NAME: &str = "CDKToolkit";
/// The default synthesizer's qualifier.
pub const QUALIFIER: &str = "hnb659fds";
/// The version written to the SSM parameter; the default synthesizer requires 6 for
/// deployments (8 only for its lookup role, which this toolkit does not use).
pub const BOOTSTRAP_VERSION: u32 = 6;

/// The bootstrap template.
pub fn template() -> Value {
    json!({
        "Description": "CDK bootstrap resources used by rootski deploy (asset bucket and version parameter).",
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
            "CdkBootstrapVersion": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {
                    "Type": "String",
                    "Name": format!("/cdk-bootstrap/{QUALIFIER}/version"),
                    "Value": BOOTSTRAP_VERSION.to_string()
                }
            }
        },
        "Outputs": {
            "BucketName": {"Value": {"Ref": "StagingBucket"}},
            "BootstrapVersion": {"Value": BOOTSTRAP_VERSION.to_string()}
        }
    })
}

/// Deploys (or updates) the bootstrap stack in `region`.
pub async fn bootstrap(
    aws: &Aws,
    region: &str,
    options: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<DeployOutcome> {
    let account = aws.account(region).await?;
    ui.line(&format!(
        " ⏳  Bootstrapping environment aws://{account}/{region}..."
    ));
    let deployment = StackDeployment {
        stack_name: TOOLKIT_STACK_NAME.into(),
        template: template(),
        template_url: None,
        parameters: Default::default(),
        tags: Default::default(),
        termination_protection: false,
        notification_arns: Vec::new(),
    };
    deploy_stack(&aws.cloudformation(region), &deployment, options, ui).await
}
