//! `RemovalPolicy`: what happens to a resource when it leaves the stack or is replaced.

/// CDK's `RemovalPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RemovalPolicy {
    /// Delete the resource (`DeletionPolicy: Delete`).
    Destroy,
    /// Keep the resource (`DeletionPolicy: Retain`), CDK's default for stateful resources.
    #[default]
    Retain,
    /// Take a snapshot, then delete (`Snapshot`).
    Snapshot,
    /// Retain except when creation failed (`RetainExceptOnCreate`).
    RetainOnUpdateOrDelete,
}

impl RemovalPolicy {
    /// The CloudFormation `DeletionPolicy`/`UpdateReplacePolicy` value.
    pub fn cfn_deletion_policy(self) -> &'static str {
        match self {
            RemovalPolicy::Destroy => "Delete",
            RemovalPolicy::Retain => "Retain",
            RemovalPolicy::Snapshot => "Snapshot",
            RemovalPolicy::RetainOnUpdateOrDelete => "RetainExceptOnCreate",
        }
    }
}
