//! ARNs built from components (CDK's `Arn.format` / `stack.formatArn`).
//!
//! Invariant: `arn:<partition>:<service>:<region>:<account>:<resource>[<sep><name>]`,
//! where omitted partition/region/account come from the stack (tokens when agnostic,
//! so the result resolves to a minimal `Fn::Join`), and the separator follows the
//! ARN format: `/` (default), `:` or none.

use crate::{Error, Result, Stack, Token};

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
    /// Formats an ARN from components (CDK's `formatArn`):
    /// `arn:{partition}:{service}:{region}:{account}:{resource}{sep}{resource_name}`
    /// (`:/{resource}` for [`ArnFormat::SlashResourceSlashResourceName`]).
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
        let lead = if c.arn_format == ArnFormat::SlashResourceSlashResourceName {
            "/"
        } else {
            ""
        };
        let mut arn = format!(
            "arn:{partition}:{}:{region}:{account}:{lead}{}",
            c.service, c.resource
        );
        if let Some(n) = &c.resource_name {
            let sep = if c.arn_format == ArnFormat::ColonResourceName {
                ":"
            } else {
                "/"
            };
            arn.push_str(sep);
            arn.push_str(n);
        }
        Ok(arn)
    }

    /// Splits an ARN into components (CDK's `splitArn`). A concrete string is split
    /// here (the detected format wins, as in CDK); a token is split at deploy time
    /// with `Fn::Split`/`Fn::Select` following `arn_format`. A malformed concrete ARN
    /// is an error saying which component is missing.
    pub fn split_arn(&self, arn: &str, arn_format: ArnFormat) -> Result<ArnComponents> {
        if !arn.starts_with("arn:") && Token::is_unresolved(arn) {
            return Ok(split_token_arn(arn, arn_format));
        }
        split_literal_arn(arn).map_err(|m| Error::validation(self.path(), m))
    }
}

fn select(i: usize, list: &[String]) -> String {
    crate::Fn::select(i, list).unwrap_or_default()
}

fn split_token_arn(arn: &str, arn_format: ArnFormat) -> ArnComponents {
    let parts = crate::Fn::split(":", arn);
    let (resource, resource_name) = match arn_format {
        ArnFormat::NoResourceName => (select(5, &parts), None),
        ArnFormat::ColonResourceName => (select(5, &parts), Some(select(6, &parts))),
        ArnFormat::SlashResourceName => {
            let last = crate::Fn::split("/", &select(5, &parts));
            (select(0, &last), Some(select(1, &last)))
        }
        ArnFormat::SlashResourceSlashResourceName => {
            let last = crate::Fn::split("/", &select(5, &parts));
            (select(1, &last), Some(select(2, &last)))
        }
    };
    ArnComponents {
        partition: Some(select(1, &parts)),
        service: select(2, &parts),
        region: Some(select(3, &parts)),
        account: Some(select(4, &parts)),
        resource,
        resource_name,
        arn_format,
    }
}

/// CDK's `Arn.split` of a concrete string (its `parseArnShape` checks first).
pub(crate) fn split_literal_arn(arn: &str) -> std::result::Result<ArnComponents, String> {
    if !arn.starts_with("arn:") {
        return Err(format!(
            "ARNs must start with \"arn:\" and have at least 6 components: {arn}"
        ));
    }
    let components: Vec<&str> = arn.split(':').collect();
    let nth = |i: usize| components.get(i).copied().unwrap_or("");
    if nth(1).is_empty() {
        return Err(format!(
            "The `partition` component (2nd component) of an ARN is required: {arn}"
        ));
    }
    if nth(2).is_empty() {
        return Err(format!(
            "The `service` component (3rd component) of an ARN is required: {arn}"
        ));
    }
    if nth(5).is_empty() {
        return Err(format!(
            "The `resource` component (6th component) of an ARN is required: {arn}"
        ));
    }
    let type_or_name = nth(5);
    let rest = &components[6..];
    let (mut start, mut slash) = (0, type_or_name.find('/'));
    let mut format = ArnFormat::NoResourceName;
    if slash == Some(0) {
        slash = type_or_name[1..].find('/').map(|i| i + 1);
        start = 1;
        format = ArnFormat::SlashResourceSlashResourceName;
    }
    let (resource, mut name) = match slash {
        Some(i) => {
            if start == 0 {
                format = ArnFormat::SlashResourceName;
            }
            (
                type_or_name[start..i].to_string(),
                Some(type_or_name[i + 1..].to_string()),
            )
        }
        None => {
            if !rest.is_empty() {
                format = ArnFormat::ColonResourceName;
            }
            (type_or_name[start..].to_string(), None)
        }
    };
    if !rest.is_empty() {
        let mut n = name.map(|x| x + ":").unwrap_or_default();
        n.push_str(&rest.join(":"));
        name = Some(n);
    }
    Ok(ArnComponents {
        service: nth(2).to_string(),
        resource,
        resource_name: name,
        arn_format: format,
        partition: Some(nth(1).to_string()),
        region: Some(nth(3).to_string()),
        account: Some(nth(4).to_string()),
    })
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
