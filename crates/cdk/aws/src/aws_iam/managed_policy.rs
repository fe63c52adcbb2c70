//! Managed policies referenced by ARN (CDK's `ManagedPolicy.fromAwsManagedPolicyName` /
//! `fromManagedPolicyArn`); nothing is created in the template.

use cdk::{Aws, Construct};

use crate::error::Result;

/// A managed policy known by its ARN.
#[derive(Debug, Clone, PartialEq)]
pub struct ManagedPolicy {
    arn: String,
}

impl ManagedPolicy {
    /// An AWS managed policy, e.g. `service-role/AWSLambdaBasicExecutionRole`; the ARN
    /// uses the stack's partition token, as CDK (`arn:${AWS::Partition}:iam::aws:policy/...`).
    pub fn from_aws_managed_policy_name(name: &str) -> Self {
        Self {
            arn: format!("arn:{}:iam::aws:policy/{name}", Aws::partition()),
        }
    }

    /// A policy by literal ARN. Like CDK it adds an (empty) construct `id` under `scope`,
    /// so the construct tree and `tree.json` have the same shape.
    pub fn from_managed_policy_arn(
        scope: &impl AsRef<Construct>,
        id: &str,
        arn: &str,
    ) -> Result<Self> {
        let c = Construct::new(scope, id)?;
        c.set_construct_info("aws-cdk-lib.Resource");
        Ok(Self {
            arn: arn.to_string(),
        })
    }

    /// The ARN (literal or token).
    pub fn managed_policy_arn(&self) -> &str {
        &self.arn
    }
}
