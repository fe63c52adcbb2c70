//! IAM changes between two templates' resources, as `cdk diff` tabulates them: one
//! row per policy statement (identity policies, role trust policies, Lambda resource
//! policies) and one per attached managed policy. Rows are compared as rendered
//! strings, so a statement that moved between policies but grants the same is no
//! change, and any new `Allow` row widens permissions.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// One statement, rendered (multi-valued cells joined by newlines).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct IamRow {
    /// What the statement applies to.
    pub resource: String,
    /// `Allow` / `Deny`.
    pub effect: String,
    /// Actions.
    pub action: String,
    /// Principals (trust and resource policies).
    pub principal: String,
    /// Conditions, as compact JSON.
    pub condition: String,
}

/// One managed policy attached to a role, user or group.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ManagedPolicyRow {
    /// The role/user/group.
    pub resource: String,
    /// The policy ARN.
    pub managed_policy_arn: String,
}

/// Added and removed IAM rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IamChanges {
    /// Statements only in the new template.
    pub added_statements: Vec<IamRow>,
    /// Statements only in the old template.
    pub removed_statements: Vec<IamRow>,
    /// Managed policies only in the new template.
    pub added_managed: Vec<ManagedPolicyRow>,
    /// Managed policies only in the old template.
    pub removed_managed: Vec<ManagedPolicyRow>,
}

impl IamChanges {
    /// No IAM change.
    pub fn is_empty(&self) -> bool {
        self.added_statements.is_empty()
            && self.removed_statements.is_empty()
            && self.added_managed.is_empty()
            && self.removed_managed.is_empty()
    }

    /// New `Allow` statements or new managed policies.
    pub fn is_broadening(&self) -> bool {
        self.added_statements.iter().any(|r| r.effect == "Allow") || !self.added_managed.is_empty()
    }
}

/// Compares the IAM content of two `Resources` sections.
pub fn diff(old: &Map<String, Value>, new: &Map<String, Value>) -> IamChanges {
    let (old_s, old_m) = collect(old);
    let (new_s, new_m) = collect(new);
    IamChanges {
        added_statements: new_s.difference(&old_s).cloned().collect(),
        removed_statements: old_s.difference(&new_s).cloned().collect(),
        added_managed: new_m.difference(&old_m).cloned().collect(),
        removed_managed: old_m.difference(&new_m).cloned().collect(),
    }
}

fn collect(resources: &Map<String, Value>) -> (BTreeSet<IamRow>, BTreeSet<ManagedPolicyRow>) {
    let mut statements = BTreeSet::new();
    let mut managed = BTreeSet::new();
    for (id, resource) in resources {
        let props = resource.get("Properties").cloned().unwrap_or(Value::Null);
        match resource.get("Type").and_then(Value::as_str).unwrap_or("") {
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                for s in statements_of(props.get("PolicyDocument")) {
                    statements.insert(row(&s, None));
                }
            }
            "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => {
                let arn = format!("${{{id}.Arn}}");
                for s in statements_of(props.get("AssumeRolePolicyDocument")) {
                    statements.insert(row(&s, Some(&arn)));
                }
                for policy in props
                    .get("Policies")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    for s in statements_of(policy.get("PolicyDocument")) {
                        statements.insert(row(&s, None));
                    }
                }
                for arn in props
                    .get("ManagedPolicyArns")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    managed.insert(ManagedPolicyRow {
                        resource: format!("${{{id}}}"),
                        managed_policy_arn: render_value(arn),
                    });
                }
            }
            "AWS::Lambda::Permission" => {
                let mut condition = Map::new();
                if let Some(arn) = props.get("SourceArn") {
                    condition.insert(
                        "ArnLike".into(),
                        serde_json::json!({"AWS:SourceArn": render_value(arn)}),
                    );
                }
                if let Some(account) = props.get("SourceAccount") {
                    condition.insert(
                        "StringEquals".into(),
                        serde_json::json!({"AWS:SourceAccount": render_value(account)}),
                    );
                }
                statements.insert(IamRow {
                    resource: props
                        .get("FunctionName")
                        .map(render_value)
                        .unwrap_or_default(),
                    effect: "Allow".into(),
                    action: props.get("Action").map(render_value).unwrap_or_default(),
                    principal: principal_of_permission(props.get("Principal")),
                    condition: if condition.is_empty() {
                        String::new()
                    } else {
                        Value::Object(condition).to_string()
                    },
                });
            }
            _ => {}
        }
    }
    (statements, managed)
}

fn principal_of_permission(p: Option<&Value>) -> String {
    match p.map(render_value) {
        Some(s) if s.ends_with(".amazonaws.com") => format!("Service:{s}"),
        Some(s) if s == "*" => s,
        Some(s) => format!("AWS:{s}"),
        None => String::new(),
    }
}

fn statements_of(document: Option<&Value>) -> Vec<Value> {
    match document.and_then(|d| d.get("Statement")) {
        Some(Value::Array(a)) => a.clone(),
        Some(single @ Value::Object(_)) => vec![single.clone()],
        _ => Vec::new(),
    }
}

fn row(statement: &Value, resource_override: Option<&str>) -> IamRow {
    let resource = match resource_override {
        Some(r) => r.to_string(),
        None => lines(statement.get("Resource")),
    };
    IamRow {
        resource,
        effect: statement
            .get("Effect")
            .map(render_value)
            .unwrap_or_else(|| "Allow".into()),
        action: lines(statement.get("Action")),
        principal: principal(statement.get("Principal")),
        condition: statement
            .get("Condition")
            .map(|c| c.to_string())
            .unwrap_or_default(),
    }
}

fn principal(p: Option<&Value>) -> String {
    match p {
        None => String::new(),
        Some(Value::Object(m)) => {
            let mut out = Vec::new();
            for (kind, v) in m {
                for one in values(v) {
                    out.push(format!("{kind}:{}", render_value(&one)));
                }
            }
            out.sort();
            out.join("\n")
        }
        Some(other) => render_value(other),
    }
}

fn values(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    }
}

/// A string or list of strings/tokens, sorted, one per line.
fn lines(v: Option<&Value>) -> String {
    let mut out: Vec<String> = v
        .map(values)
        .unwrap_or_default()
        .iter()
        .map(render_value)
        .collect();
    out.sort();
    out.join("\n")
}

/// Renders a value the way `cdk diff` shows tokens: `${Logical.Attr}`, `${Ref}`,
/// joins concatenated; anything else as compact JSON.
pub fn render_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Object(m) if m.len() == 1 => {
            let (k, inner) = m
                .iter()
                .next()
                .map(|(k, v)| (k.as_str(), v))
                .unwrap_or(("", v));
            match (k, inner) {
                ("Ref", Value::String(r)) => format!("${{{r}}}"),
                ("Fn::GetAtt", Value::Array(a)) => {
                    let parts: Vec<String> = a.iter().map(render_value).collect();
                    format!("${{{}}}", parts.join("."))
                }
                ("Fn::GetAtt", Value::String(s)) => format!("${{{s}}}"),
                ("Fn::Join", Value::Array(a)) if a.len() == 2 => {
                    let sep = a[0].as_str().unwrap_or("");
                    let parts: Vec<String> = values(&a[1]).iter().map(render_value).collect();
                    parts.join(sep)
                }
                ("Fn::ImportValue", x) => format!("${{Import:{}}}", render_value(x)),
                ("Fn::Sub", Value::String(s)) => s.clone(),
                _ => v.to_string(),
            }
        }
        other => other.to_string(),
    }
}
