//! IAM: policy statements and documents rendered as aws-cdk-lib renders them, roles with
//! their lazily created `DefaultPolicy`, inline policies, managed policies and grants.

mod cfn;
mod grant;
mod managed_policy;
mod policy;
mod policy_document;
mod policy_statement;
mod role;

pub use cfn::{CfnPolicyProps, CfnRoleProps};
pub use grant::{Grant, Grantable};
pub use managed_policy::ManagedPolicy;
pub use policy::{Policy, PolicyProps};
pub use policy_document::PolicyDocument;
pub use policy_statement::{Effect, PolicyStatement, PolicyStatementProps, Principal};
pub use role::{Role, RoleProps};

/// L1 `AWS::IAM::Role`.
pub type CfnRole = crate::cfn::Cfn<CfnRoleProps>;
/// L1 `AWS::IAM::Policy`.
pub type CfnPolicy = crate::cfn::Cfn<CfnPolicyProps>;
