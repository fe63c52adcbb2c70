//! L1: `AWS::IAM::Role` and `AWS::IAM::Policy`.

use serde_json::Value;

use crate::cfn::{CfnTag, Number, cfn_props};

cfn_props! {
    /// Properties of `AWS::IAM::Role`.
    CfnRoleProps = "AWS::IAM::Role" {
        req "AssumeRolePolicyDocument" assume_role_policy_document: Value,
        opt "Description" description: String,
        opt "ManagedPolicyArns" managed_policy_arns: Vec<String>,
        opt "MaxSessionDuration" max_session_duration: Number,
        opt "Path" path: String,
        opt "PermissionsBoundary" permissions_boundary: String,
        opt "Policies" policies: Vec<Value>,
        opt "RoleName" role_name: String,
        opt "Tags" tags: Vec<CfnTag>,
    }
}

cfn_props! {
    /// Properties of `AWS::IAM::Policy` (an inline policy attached to principals).
    CfnPolicyProps = "AWS::IAM::Policy" {
        opt "Groups" groups: Vec<String>,
        req "PolicyDocument" policy_document: Value,
        req "PolicyName" policy_name: String,
        opt "Roles" roles: Vec<String>,
        opt "Users" users: Vec<String>,
    }
}
