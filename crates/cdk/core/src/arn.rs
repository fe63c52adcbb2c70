//! ARNs built from components (CDK's `Arn.format` / `stack.formatArn`).
//!
//! Invariant: `arn:<partition>:<service>:<region>:<account>:<resource>[<sep><name>]`,
//! where omitted partition/region/account come from the stack (tokens when agnostic,
//! so the result resolves to a minimal `Fn::Join`), and the separator follows the
//! ARN format: `/` (default), `:` or none.

use crate::{Error, Result, Stack};

/// How the resource name is attached (CDK's `ArnFormat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ArnFormat {
    /// `arn:...:resource` (no name).
    NoResourceName,
    /// `arn:...:resource:name`.
    ColonResourceName,
    /// `arn:...:resource/name` (default).
    #[default]
    SlashResourceName,
    /// `arn:...:resource/resource/name`.
    SlashResourceSlashResourceName,
}

/// Components of an ARN; `None` partition/region/account take the stack's.
#[derive(Debug, Clone, Default)]
pub struct ArnComponents {
    /// Service namespace, e.g. `dynamodb`.
    pub service: String,
    /// Resource type or name, e.g. `table`.
    pub resource: String,
    /// Resource name, e.g. `rootski*`.
    pub resource_name: Option<String>,
    /// Separator style.
    pub arn_format: ArnFormat,
    /// Partition (default: the stack's).
    pub partition: Option<String>,
    /// Region (default: the stack's; `Some("")` for global services like IAM).
    pub region: Option<String>,
    /// Account (default: the stack's; `Some("")` e.g. for S3 buckets).
    pub account: Option<String>,
}

impl Stack {
    /// Formats an ARN from components (CDK's `formatArn`).
    pub fn format_arn(&self, c: ArnComponents) -> Result<String> {
        if c.service.is_empty() {
            return Err(Error::validation(
                self.path(),
                "format_arn needs a service (e.g. \"dynamodb\")",
            ));
        }
        let partition = c.partition.unwrap_or_else(|| self.partition());
        let region = c.region.unwrap_or_else(|| self.region());
        let account = c.account.unwrap_or_else(|| self.account());
        let mut arn = format!(
            "arn:{partition}:{}:{region}:{account}:{}",
            c.service, c.resource
        );
        match (c.arn_format, &c.resource_name) {
            (ArnFormat::NoResourceName, _) | (_, None) => {}
            (ArnFormat::ColonResourceName, Some(n)) => arn.push_str(&format!(":{n}")),
            (ArnFormat::SlashResourceName, Some(n)) => arn.push_str(&format!("/{n}")),
            (ArnFormat::SlashResourceSlashResourceName, Some(n)) => arn.push_str(&format!("/{n}")),
        }
        Ok(arn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{App, AppProps, Environment, StackProps};
    use serde_json::json;

    #[test]
    fn formats_like_cdk() {
        let app = App::new(AppProps {
            read_environment: false,
            ..Default::default()
        })
        .unwrap();
        let s = Stack::new(&app, "S", StackProps::default()).unwrap();
        let arn = s
            .format_arn(ArnComponents {
                service: "dynamodb".into(),
                resource: "table".into(),
                resource_name: Some("rootski*".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(
            s.resolve(&json!(arn)).unwrap(),
            json!({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":dynamodb:", {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"}, ":table/rootski*"]]})
        );
        let env = Environment {
            account: Some("1".into()),
            region: Some("eu-west-1".into()),
        };
        let c = Stack::new(
            &app,
            "C",
            StackProps {
                env: Some(env),
                ..Default::default()
            },
        )
        .unwrap();
        let arn = c
            .format_arn(ArnComponents {
                service: "ssm".into(),
                resource: "parameter".into(),
                resource_name: Some("rootski*".into()),
                partition: Some("aws".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(arn, "arn:aws:ssm:eu-west-1:1:parameter/rootski*");
        let colon = c
            .format_arn(ArnComponents {
                service: "logs".into(),
                resource: "log-group".into(),
                resource_name: Some("g".into()),
                arn_format: ArnFormat::ColonResourceName,
                partition: Some("aws".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(colon, "arn:aws:logs:eu-west-1:1:log-group:g");
    }
}
