//! `PolicyStatement`: one IAM statement, rendered exactly as aws-cdk-lib 2.x renders it.
//!
//! The rendering rules matter because the rendered JSON is part of the template and
//! therefore of every diff against a CDK-deployed stack:
//! - keys in CDK's fixed order: `Action, NotAction, Condition, Effect, Principal,
//!   NotPrincipal, Resource, NotResource, Sid` (absent ones omitted);
//! - `Action`/`Resource` lists are de-duplicated keeping first occurrence, and a list of one
//!   element renders as that element (`"Action": "ssm:Get*"`), an empty list is omitted;
//! - principals render as `{ "<Type>": value-or-list }` with the same one-element rule.

use serde_json::{Map, Value};

use crate::error::Error;

/// Whether a statement allows or denies (`Effect`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Effect {
    /// `"Allow"`.
    #[default]
    Allow,
    /// `"Deny"`.
    Deny,
}

impl Effect {
    /// The CloudFormation spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// A principal a statement applies to (for trust and resource policies).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// An AWS service, e.g. `lambda.amazonaws.com` (`{"Service": ...}`).
    Service(String),
    /// An account, role or user ARN (`{"AWS": ...}`).
    Aws(String),
}

impl Principal {
    fn key_and_value(&self) -> (&'static str, &str) {
        match self {
            Principal::Service(s) => ("Service", s),
            Principal::Aws(s) => ("AWS", s),
        }
    }
}

/// The properties of a statement; all lists keep insertion order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicyStatementProps {
    /// `Sid`.
    pub sid: Option<String>,
    /// `Effect` (default Allow).
    pub effect: Effect,
    /// `Action`.
    pub actions: Vec<String>,
    /// `NotAction`.
    pub not_actions: Vec<String>,
    /// `Resource`.
    pub resources: Vec<String>,
    /// `NotResource`.
    pub not_resources: Vec<String>,
    /// `Principal`.
    pub principals: Vec<Principal>,
    /// `Condition` (operator → key → value), rendered as given.
    pub conditions: Map<String, Value>,
}

/// One IAM policy statement.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicyStatement {
    props: PolicyStatementProps,
}

impl PolicyStatement {
    /// Builds a statement, checking action syntax as CDK does (`service:Action`, `*`, or a
    /// token), so a typo fails at synthesis instead of at deploy time.
    pub fn new(props: PolicyStatementProps) -> Result<Self, Error> {
        for action in props.actions.iter().chain(&props.not_actions) {
            validate_action(action)?;
        }
        Ok(Self { props })
    }

    /// A statement with the given effect, actions and resources.
    pub fn allow(actions: &[&str], resources: &[String]) -> Result<Self, Error> {
        Self::new(PolicyStatementProps {
            actions: actions.iter().map(|a| a.to_string()).collect(),
            resources: resources.to_vec(),
            ..Default::default()
        })
    }

    /// The statement's properties.
    pub fn props(&self) -> &PolicyStatementProps {
        &self.props
    }

    /// Adds actions (validated).
    pub fn add_actions(&mut self, actions: &[&str]) -> Result<(), Error> {
        for a in actions {
            validate_action(a)?;
            self.props.actions.push(a.to_string());
        }
        Ok(())
    }

    /// Adds resources.
    pub fn add_resources(&mut self, resources: &[String]) {
        self.props.resources.extend(resources.iter().cloned());
    }

    /// Adds a principal.
    pub fn add_principal(&mut self, principal: Principal) {
        self.props.principals.push(principal);
    }

    /// Renders the statement JSON with CDK's key order and normalisation.
    pub fn to_statement_json(&self) -> Value {
        let p = &self.props;
        let mut out = Map::new();
        put(&mut out, "Action", norm_list(&p.actions));
        put(&mut out, "NotAction", norm_list(&p.not_actions));
        if !p.conditions.is_empty() {
            out.insert("Condition".into(), Value::Object(p.conditions.clone()));
        }
        out.insert("Effect".into(), Value::String(p.effect.as_str().into()));
        put(&mut out, "Principal", norm_principals(&p.principals));
        put(&mut out, "Resource", norm_list(&p.resources));
        put(&mut out, "NotResource", norm_list(&p.not_resources));
        if let Some(sid) = &p.sid {
            out.insert("Sid".into(), Value::String(sid.clone()));
        }
        Value::Object(out)
    }
}

fn put(out: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(v) = value {
        out.insert(key.into(), v);
    }
}

/// De-duplicates keeping the first occurrence; one element → scalar; none → omitted.
fn norm_list(values: &[String]) -> Option<Value> {
    let mut unique: Vec<&String> = Vec::with_capacity(values.len());
    for v in values {
        if !unique.contains(&v) {
            unique.push(v);
        }
    }
    match unique.as_slice() {
        [] => None,
        [one] => Some(Value::String((*one).clone())),
        many => Some(Value::Array(
            many.iter().map(|s| Value::String((*s).clone())).collect(),
        )),
    }
}

/// Groups principals by type in first-seen order; each group follows the list rules
/// (CDK does not de-duplicate principal values).
fn norm_principals(principals: &[Principal]) -> Option<Value> {
    let mut groups: Vec<(&'static str, Vec<String>)> = Vec::new();
    for p in principals {
        let (key, value) = p.key_and_value();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, values)) => values.push(value.to_string()),
            None => groups.push((key, vec![value.to_string()])),
        }
    }
    if groups.is_empty() {
        return None;
    }
    let mut out = Map::new();
    for (key, values) in groups {
        let v = if values.len() == 1 {
            Value::String(values[0].clone())
        } else {
            Value::Array(values.into_iter().map(Value::String).collect())
        };
        out.insert(key.into(), v);
    }
    Some(Value::Object(out))
}

/// CDK's action check: `*`, `service:Action` with letters/digits/`*`, or an unresolved token.
fn validate_action(action: &str) -> Result<(), Error> {
    if action == "*" || cdk::Token::is_unresolved(action) {
        return Ok(());
    }
    let valid = match action.split_once(':') {
        Some((service, name)) => {
            !service.is_empty()
                && !name.is_empty()
                && service
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '*')
        }
        None => false,
    };
    if valid {
        Ok(())
    } else {
        Err(Error::InvalidAction(action.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn single_action_and_resource_render_as_scalars() {
        let s =
            PolicyStatement::allow(&["ssm:Get*"], &["arn:aws:ssm:r:a:parameter/x".into()]).unwrap();
        assert_eq!(
            serde_json::to_string(&s.to_statement_json()).unwrap(),
            r#"{"Action":"ssm:Get*","Effect":"Allow","Resource":"arn:aws:ssm:r:a:parameter/x"}"#
        );
    }

    #[test]
    fn lists_are_deduplicated_in_order() {
        let s =
            PolicyStatement::allow(&["s3:B", "s3:A", "s3:B"], &["r2".into(), "r1".into()]).unwrap();
        assert_eq!(
            s.to_statement_json(),
            json!({"Action": ["s3:B", "s3:A"], "Effect": "Allow", "Resource": ["r2", "r1"]})
        );
    }

    #[test]
    fn trust_statement_matches_cdk() {
        let mut s = PolicyStatement::allow(&["sts:AssumeRole"], &[]).unwrap();
        s.add_principal(Principal::Service("lambda.amazonaws.com".into()));
        assert_eq!(
            serde_json::to_string(&s.to_statement_json()).unwrap(),
            r#"{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"}}"#
        );
    }

    #[test]
    fn bad_actions_are_rejected() {
        assert!(PolicyStatement::allow(&["s3 GetObject"], &[]).is_err());
        assert!(PolicyStatement::allow(&["GetObject"], &[]).is_err());
        assert!(PolicyStatement::allow(&["*"], &[]).is_ok());
    }
}
