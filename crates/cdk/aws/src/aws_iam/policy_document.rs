//! `PolicyDocument`: an ordered list of statements rendered as aws-cdk-lib 2.x does with
//! the `@aws-cdk/aws-iam:minimizePolicies` flag unset (its default): statements keep
//! insertion order, exact duplicates (same rendered JSON) are dropped keeping the first,
//! and `Version` is always `2012-10-17`. Merging of combinable statements (the minimize
//! flag) is not implemented; no stack here enables it.

use serde_json::{Map, Value};

use super::policy_statement::PolicyStatement;

/// An IAM policy document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicyDocument {
    statements: Vec<PolicyStatement>,
}

impl PolicyDocument {
    /// A document with the given statements.
    pub fn new(statements: Vec<PolicyStatement>) -> Self {
        Self { statements }
    }

    /// Appends statements.
    pub fn add_statements(&mut self, statements: impl IntoIterator<Item = PolicyStatement>) {
        self.statements.extend(statements);
    }

    /// True when no statement was added (CDK then omits the document or the policy).
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// The statements in insertion order.
    pub fn statements(&self) -> &[PolicyStatement] {
        &self.statements
    }

    /// Renders `{"Statement": [...], "Version": "2012-10-17"}`, or `None` when empty.
    ///
    /// Duplicates are detected on the rendered statement JSON. CDK compares the resolved
    /// JSON; tokens here are stable encodings of the same intrinsic, so comparing before
    /// resolution finds the same duplicates.
    pub fn render(&self) -> Option<Value> {
        if self.is_empty() {
            return None;
        }
        let mut seen: Vec<String> = Vec::new();
        let mut statements = Vec::new();
        for s in &self.statements {
            let json = s.to_statement_json();
            let key = json.to_string();
            if !seen.contains(&key) {
                seen.push(key);
                statements.push(json);
            }
        }
        let mut doc = Map::new();
        doc.insert("Statement".into(), Value::Array(statements));
        doc.insert("Version".into(), Value::String("2012-10-17".into()));
        Some(Value::Object(doc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws_iam::Principal;

    #[test]
    fn renders_version_last_and_drops_exact_duplicates() {
        let a = PolicyStatement::allow(&["s3:GetObject"], &["r".into()]).unwrap();
        let b = PolicyStatement::allow(&["s3:PutObject"], &["r".into()]).unwrap();
        let doc = PolicyDocument::new(vec![a.clone(), b, a]);
        assert_eq!(
            doc.render().unwrap().to_string(),
            r#"{"Statement":[{"Action":"s3:GetObject","Effect":"Allow","Resource":"r"},{"Action":"s3:PutObject","Effect":"Allow","Resource":"r"}],"Version":"2012-10-17"}"#
        );
    }

    #[test]
    fn empty_document_renders_nothing() {
        assert!(PolicyDocument::default().render().is_none());
    }

    #[test]
    fn assume_role_document_matches_cdk_fixture() {
        let mut s = PolicyStatement::allow(&["sts:AssumeRole"], &[]).unwrap();
        s.add_principal(Principal::Service("apigateway.amazonaws.com".into()));
        let doc = PolicyDocument::new(vec![s]).render().unwrap();
        assert_eq!(
            doc,
            serde_json::json!({
                "Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow",
                               "Principal": {"Service": "apigateway.amazonaws.com"}}],
                "Version": "2012-10-17"
            })
        );
    }
}
