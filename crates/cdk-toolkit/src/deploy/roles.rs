//! The bootstrap roles, used as the CDK CLI uses them: every AWS call for a stack
//! (CloudFormation, the version parameter), an asset destination or a context lookup
//! runs with the role the assembly names for it (`assumeRoleArn`, a destination's
//! `assumeRoleArn`, `lookupRoleArn`), after `${AWS::AccountId}`, `${AWS::Region}` and
//! `${AWS::Partition}` are substituted for the target environment.
//!
//! When the role cannot be assumed, the CDK CLI proceeds with the caller's own
//! credentials if (and only if) they are for the target account — with a warning —
//! and fails otherwise; [`on_assume_failure`] is that rule. Without a role, the
//! caller's credentials must be for the target account.

use std::collections::HashMap;

use super::Ui;
use super::aws::{Aws, Caller};
use crate::error::{Result, ToolkitError};

/// The environment placeholders resolve to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Account id.
    pub account: String,
    /// Region.
    pub region: String,
    /// Partition (`aws` unless the credentials say otherwise).
    pub partition: String,
}

impl Target {
    /// Replaces `${AWS::AccountId}`, `${AWS::Region}`, `${AWS::Partition}`.
    pub fn substitute(&self, s: &str) -> String {
        s.replace("${AWS::AccountId}", &self.account)
            .replace("${AWS::Region}", &self.region)
            .replace("${AWS::Partition}", &self.partition)
    }
}

/// A role to assume, placeholders already substituted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleToAssume {
    /// The role's ARN.
    pub arn: String,
    /// `sts:ExternalId`, when the role's trust policy asks for one.
    pub external_id: Option<String>,
}

impl RoleToAssume {
    /// From an assembly's (placeholder) ARN and external id.
    pub fn resolve(arn: &str, external_id: Option<&str>, target: &Target) -> Self {
        Self {
            arn: target.substitute(arn),
            external_id: external_id.map(|e| target.substitute(e)),
        }
    }
}

/// What to do when a role cannot be assumed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssumeFailure {
    /// The caller's credentials are for the target account: warn and use them.
    ProceedWithCaller,
    /// Fail with the assume error.
    Fail,
}

/// The CDK CLI's rule: fall back to the caller's credentials only when they are for
/// the target account, and never for expired credentials (they would fail anyway).
pub fn on_assume_failure(caller_account: &str, target_account: &str, error: &str) -> AssumeFailure {
    if caller_account == target_account && !error.contains("ExpiredToken") {
        AssumeFailure::ProceedWithCaller
    } else {
        AssumeFailure::Fail
    }
}

/// The warning printed when proceeding with the caller's credentials (CDK's words).
pub fn fallback_warning(role_arn: &str) -> String {
    format!(
        "current credentials could not be used to assume '{role_arn}', but are for the right \
         account. Proceeding anyway."
    )
}

/// SDK configurations per role, assumed once per run (as the CDK CLI caches its SDKs
/// per environment and role).
pub struct Sessions<'a> {
    base: &'a Aws,
    caller: Caller,
    assumed: HashMap<(String, String), Aws>,
}

impl<'a> Sessions<'a> {
    /// Sessions derived from the caller's configuration `base`, whose identity is
    /// `caller`.
    pub fn new(base: &'a Aws, caller: Caller) -> Self {
        Self {
            base,
            caller,
            assumed: HashMap::new(),
        }
    }

    /// Who the caller is.
    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    /// The configuration to act in `target` with: `role` assumed, or the caller's
    /// credentials when there is no role or (for the caller's own account) the role
    /// cannot be assumed. `purpose` names the work in messages ("deploying Stack").
    pub async fn for_role(
        &mut self,
        target: &Target,
        role: Option<&RoleToAssume>,
        purpose: &str,
        ui: &mut dyn Ui,
    ) -> Result<Aws> {
        let Some(role) = role else {
            if self.caller.account != target.account {
                return Err(ToolkitError::NoRoleForAccount {
                    purpose: purpose.to_owned(),
                    account: target.account.clone(),
                    caller: self.caller.account.clone(),
                });
            }
            return Ok(self.base.clone());
        };
        let key = (role.arn.clone(), target.region.clone());
        if let Some(aws) = self.assumed.get(&key) {
            return Ok(aws.clone());
        }
        let aws = match self
            .base
            .assume_role(&role.arn, role.external_id.as_deref(), &target.region)
            .await
        {
            Ok((aws, identity)) => {
                ui.line(&format!("  {purpose}: assumed {}", identity.arn));
                aws
            }
            Err(e) => {
                let error = e.to_string();
                match on_assume_failure(&self.caller.account, &target.account, &error) {
                    AssumeFailure::ProceedWithCaller => {
                        tracing::debug!("assuming {}: {error}", role.arn);
                        ui.line(&format!(" ⚠️  {}", fallback_warning(&role.arn)));
                        self.base.clone()
                    }
                    AssumeFailure::Fail => {
                        return Err(ToolkitError::AssumeRoleFailed {
                            purpose: purpose.to_owned(),
                            role: role.arn.clone(),
                            account: target.account.clone(),
                            caller: self.caller.account.clone(),
                            error,
                        });
                    }
                }
            }
        };
        self.assumed.insert(key, aws.clone());
        Ok(aws)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Target {
        Target {
            account: "123456789012".into(),
            region: "eu-west-1".into(),
            partition: "aws-cn".into(),
        }
    }

    #[test]
    fn placeholders_resolve() {
        assert_eq!(
            target().substitute(
                "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-deploy-role-${AWS::AccountId}-${AWS::Region}"
            ),
            "arn:aws-cn:iam::123456789012:role/cdk-hnb659fds-deploy-role-123456789012-eu-west-1"
        );
        assert_eq!(target().substitute("no placeholders"), "no placeholders");
        let role = RoleToAssume::resolve(
            "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/r",
            Some("ext-${AWS::Region}"),
            &target(),
        );
        assert_eq!(role.arn, "arn:aws-cn:iam::123456789012:role/r");
        assert_eq!(role.external_id.as_deref(), Some("ext-eu-west-1"));
    }

    #[test]
    fn fallback_only_for_the_callers_own_account() {
        assert_eq!(
            on_assume_failure("111111111111", "111111111111", "AccessDenied: not trusted"),
            AssumeFailure::ProceedWithCaller
        );
        assert_eq!(
            on_assume_failure("111111111111", "222222222222", "AccessDenied: not trusted"),
            AssumeFailure::Fail
        );
        assert_eq!(
            on_assume_failure("111111111111", "111111111111", "ExpiredToken: expired"),
            AssumeFailure::Fail
        );
        assert!(fallback_warning("arn:r").contains("could not be used to assume 'arn:r'"));
    }
}
