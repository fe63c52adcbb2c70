//! `Policy`: an inline `AWS::IAM::Policy` attached to roles.

use std::cell::RefCell;
use std::rc::Rc;

use cdk::{CfnElement, Construct, Lazy};
use serde_json::Value;

use super::{CfnPolicy, CfnPolicyProps, PolicyDocument, PolicyStatement, Role};
use crate::error::Result;

/// Properties of a [`Policy`].
#[derive(Debug, Clone, Default)]
pub struct PolicyProps {
    /// Statements of the document.
    pub statements: Vec<PolicyStatement>,
    /// `PolicyName`; default is the resource's logical id (CDK's `generatePolicyName`).
    pub policy_name: Option<String>,
}

struct PolicyState {
    document: RefCell<PolicyDocument>,
    roles: RefCell<Vec<Role>>,
}

/// An inline IAM policy (CDK's `iam.Policy`).
#[derive(Clone)]
pub struct Policy {
    construct: Construct,
    resource: CfnPolicy,
    state: Rc<PolicyState>,
}

impl std::fmt::Debug for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Policy({})", self.construct.path())
    }
}

impl Policy {
    /// Creates the policy `id` under `scope` (resource child `Resource`). The document
    /// is rendered at synthesis, so statements may be added later.
    pub fn new(scope: &impl AsRef<Construct>, id: &str, props: PolicyProps) -> Result<Policy> {
        let construct = Construct::new(scope, id)?;
        construct.set_construct_info("aws-cdk-lib.aws_iam.Policy");
        let state = Rc::new(PolicyState {
            document: RefCell::new(PolicyDocument::new(props.statements)),
            roles: RefCell::new(Vec::new()),
        });
        let doc_state = state.clone();
        let document =
            Lazy::any(move || doc_state.document.borrow().render().unwrap_or(Value::Null));
        let resource = CfnPolicy::new(
            &construct,
            "Resource",
            CfnPolicyProps {
                policy_document: Some(document),
                ..Default::default()
            },
        )?;
        // CDK names the policy after its logical id (its last 128 characters; our logical
        // ids of policies are far shorter, the limit is not enforced here).
        let name = props.policy_name.unwrap_or_else(|| resource.logical_id());
        resource.props_mut().policy_name = Some(name);
        let check = state.clone();
        construct.add_validation(move || {
            let mut errors = Vec::new();
            if check.document.borrow().is_empty() {
                errors.push("A PolicyDocument must contain at least one statement; add statements or remove the policy".to_string());
            }
            if check.roles.borrow().is_empty() {
                errors.push("A Policy must be attached to at least one principal (role.attach_inline_policy)".to_string());
            }
            errors
        });
        Ok(Policy {
            construct,
            resource,
            state,
        })
    }

    /// The L2 construct.
    pub fn construct(&self) -> &Construct {
        &self.construct
    }

    /// The `AWS::IAM::Policy` resource.
    pub fn resource(&self) -> &CfnPolicy {
        &self.resource
    }

    /// Appends statements to the document.
    pub fn add_statements(&self, statements: Vec<PolicyStatement>) {
        self.state.document.borrow_mut().add_statements(statements);
    }

    /// Lists `role` in `Roles` (once).
    pub fn attach_to_role(&self, role: &Role) {
        let mut roles = self.state.roles.borrow_mut();
        if roles.iter().any(|r| r.construct() == role.construct()) {
            return;
        }
        roles.push(role.clone());
        self.resource.props_mut().roles = Some(roles.iter().map(Role::role_name).collect());
    }
}

impl AsRef<Construct> for Policy {
    fn as_ref(&self) -> &Construct {
        &self.construct
    }
}
