//! Grants: who can be given permissions, and the record of a grant.

use super::{PolicyStatement, Role};
use crate::error::Result;

/// Something permissions can be granted to (CDK's `IGrantable`): here, anything backed
/// by an IAM role (a role, a Lambda function's execution role).
pub trait Grantable {
    /// The role that receives identity-based statements.
    fn grant_role(&self) -> Role;
}

impl Grantable for Role {
    fn grant_role(&self) -> Role {
        self.clone()
    }
}

/// The result of a grant: the statement that was added to the principal's policy.
#[derive(Debug, Clone)]
pub struct Grant {
    statement: PolicyStatement,
}

impl Grant {
    /// Adds `actions` on `resources` to the grantee's `DefaultPolicy` (CDK's
    /// `Grant.addToPrincipal`).
    pub fn add_to_principal(
        grantee: &impl Grantable,
        actions: &[&str],
        resources: &[String],
    ) -> Result<Grant> {
        let statement = PolicyStatement::allow(actions, resources)?;
        grantee
            .grant_role()
            .add_to_principal_policy(statement.clone())?;
        Ok(Grant { statement })
    }

    /// The statement added.
    pub fn statement(&self) -> &PolicyStatement {
        &self.statement
    }
}
