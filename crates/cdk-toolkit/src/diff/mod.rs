//! Template diff: what `cdk diff` shows, computed from two templates (the deployed one
//! from `GetTemplate`, the synthesized one). Pure — no AWS calls — so it is tested with
//! golden files.
//!
//! - resources added, removed, modified, with property-level detail;
//! - replacement flagged for properties that CloudFormation can only change by
//!   replacing the resource ([`replacement`]), loudly when the type holds data;
//! - IAM statement and managed-policy changes as tables ([`iam`]).

pub mod iam;
mod render;
pub mod replacement;

use std::collections::BTreeSet;

use serde_json::{Map, Value};

pub use iam::{IamChanges, IamRow};
pub use render::render;

/// How an entry changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// Only in the new template.
    Added,
    /// Only in the old template.
    Removed,
    /// In both, different.
    Modified,
}

/// Whether an update replaces the resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Replacement {
    /// Updated in place.
    None,
    /// A replacement property takes a value only known at deploy time.
    May,
    /// A replacement property (or the type) changed.
    Will,
}

/// One changed property of a resource (top-level `Properties` key or a resource
/// attribute such as `DeletionPolicy`).
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyChange {
    /// Property name.
    pub name: String,
    /// Old value, if it was set.
    pub old: Option<Value>,
    /// New value, if it is set.
    pub new: Option<Value>,
    /// Changing it replaces the resource.
    pub replacement: Replacement,
}

/// One added, removed or modified resource.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceDiff {
    /// Logical id.
    pub logical_id: String,
    /// The (new, else old) resource type.
    pub resource_type: String,
    /// The old type when the type changed.
    pub old_type: Option<String>,
    /// Added, removed or modified.
    pub kind: ChangeKind,
    /// Property detail of a modification.
    pub properties: Vec<PropertyChange>,
    /// Replacement of a modification.
    pub replacement: Replacement,
    /// The type holds data (tables, buckets, domain names, ...).
    pub stateful: bool,
    /// A removal keeps the physical resource (`DeletionPolicy: Retain`/`Snapshot`).
    pub retained: bool,
}

impl ResourceDiff {
    /// Data is lost: a stateful resource is replaced, or removed without retention.
    pub fn destroys_data(&self) -> bool {
        self.stateful
            && match self.kind {
                ChangeKind::Added => false,
                ChangeKind::Removed => !self.retained,
                ChangeKind::Modified => self.replacement == Replacement::Will,
            }
    }
}

/// A changed output or parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryDiff {
    /// Output or parameter name.
    pub name: String,
    /// Added, removed or modified.
    pub kind: ChangeKind,
    /// Old definition.
    pub old: Option<Value>,
    /// New definition.
    pub new: Option<Value>,
}

/// Everything that differs between two templates.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateDiff {
    /// Parameter changes.
    pub parameters: Vec<EntryDiff>,
    /// Resource changes, in logical-id order.
    pub resources: Vec<ResourceDiff>,
    /// Output changes.
    pub outputs: Vec<EntryDiff>,
    /// IAM statement and managed-policy changes.
    pub iam: IamChanges,
}

impl TemplateDiff {
    /// Nothing differs.
    pub fn is_empty(&self) -> bool {
        self.parameters.is_empty()
            && self.resources.is_empty()
            && self.outputs.is_empty()
            && self.iam.is_empty()
    }

    /// Some resource is (or may be) replaced.
    pub fn has_replacements(&self) -> bool {
        self.resources
            .iter()
            .any(|r| r.kind == ChangeKind::Modified && r.replacement != Replacement::None)
    }

    /// IAM permissions are widened (new Allow statements or managed policies).
    pub fn widens_permissions(&self) -> bool {
        self.iam.is_broadening()
    }
}

/// Resource attributes other than `Properties` that matter to a diff (`Metadata` is
/// left out: CDK path metadata changes with every refactor and never changes AWS).
const RESOURCE_ATTRIBUTES: [&str; 5] = [
    "Condition",
    "DeletionPolicy",
    "DependsOn",
    "UpdateReplacePolicy",
    "UpdatePolicy",
];

/// Compares an old (deployed; `Value::Null` when none) and a new template.
pub fn diff_templates(old: &Value, new: &Value) -> TemplateDiff {
    let old_res = section(old, "Resources");
    let new_res = section(new, "Resources");
    let mut resources = Vec::new();
    for id in keys(&old_res, &new_res) {
        if let Some(d) = diff_resource(&id, old_res.get(&id), new_res.get(&id)) {
            resources.push(d);
        }
    }
    TemplateDiff {
        parameters: diff_entries(&section(old, "Parameters"), &section(new, "Parameters")),
        resources,
        outputs: diff_entries(&section(old, "Outputs"), &section(new, "Outputs")),
        iam: iam::diff(&old_res, &new_res),
    }
}

fn section(template: &Value, name: &str) -> Map<String, Value> {
    template
        .get(name)
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

fn keys(a: &Map<String, Value>, b: &Map<String, Value>) -> BTreeSet<String> {
    a.keys().chain(b.keys()).cloned().collect()
}

fn diff_entries(old: &Map<String, Value>, new: &Map<String, Value>) -> Vec<EntryDiff> {
    keys(old, new)
        .into_iter()
        .filter_map(|name| {
            let (o, n) = (old.get(&name), new.get(&name));
            let kind = match (o, n) {
                (None, Some(_)) => ChangeKind::Added,
                (Some(_), None) => ChangeKind::Removed,
                (Some(a), Some(b)) if a != b => ChangeKind::Modified,
                _ => return None,
            };
            Some(EntryDiff {
                name,
                kind,
                old: o.cloned(),
                new: n.cloned(),
            })
        })
        .collect()
}

fn type_of(resource: &Value) -> String {
    resource
        .get("Type")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_string()
}

fn diff_resource(id: &str, old: Option<&Value>, new: Option<&Value>) -> Option<ResourceDiff> {
    let (kind, current) = match (old, new) {
        (None, Some(n)) => (ChangeKind::Added, n),
        (Some(o), None) => (ChangeKind::Removed, o),
        (Some(o), Some(n)) if o != n => (ChangeKind::Modified, n),
        _ => return None,
    };
    let resource_type = type_of(current);
    let mut diff = ResourceDiff {
        logical_id: id.to_string(),
        stateful: replacement::is_stateful(&resource_type),
        retained: matches!(
            current.get("DeletionPolicy").and_then(Value::as_str),
            Some("Retain" | "RetainExceptOnCreate" | "Snapshot")
        ),
        resource_type,
        old_type: None,
        kind,
        properties: Vec::new(),
        replacement: Replacement::None,
    };
    if let (Some(o), Some(n)) = (old, new) {
        let old_type = type_of(o);
        if old_type != diff.resource_type {
            diff.old_type = Some(old_type);
            diff.replacement = Replacement::Will;
        }
        let old_props = section(o, "Properties");
        let new_props = section(n, "Properties");
        for name in keys(&old_props, &new_props) {
            let (a, b) = (old_props.get(&name), new_props.get(&name));
            if a == b {
                continue;
            }
            let replaces = if replacement::replaces(&diff.resource_type, &name) {
                if b.is_some_and(has_deploy_time_value) {
                    Replacement::May
                } else {
                    Replacement::Will
                }
            } else {
                Replacement::None
            };
            diff.replacement = diff.replacement.max(replaces);
            diff.properties.push(PropertyChange {
                name,
                old: a.cloned(),
                new: b.cloned(),
                replacement: replaces,
            });
        }
        for attr in RESOURCE_ATTRIBUTES {
            let (a, b) = (o.get(attr), n.get(attr));
            if a != b {
                diff.properties.push(PropertyChange {
                    name: attr.to_string(),
                    old: a.cloned(),
                    new: b.cloned(),
                    replacement: Replacement::None,
                });
            }
        }
        if diff.properties.is_empty() && diff.old_type.is_none() {
            // Only Metadata changed: nothing CloudFormation would do.
            return None;
        }
    }
    Some(diff)
}

/// A `Ref`/`Fn::GetAtt`/`Fn::ImportValue` anywhere inside: the value is only known
/// at deploy time, so a change of it may or may not replace.
fn has_deploy_time_value(v: &Value) -> bool {
    match v {
        Value::Object(m) => {
            m.keys()
                .any(|k| matches!(k.as_str(), "Ref" | "Fn::GetAtt" | "Fn::ImportValue"))
                || m.values().any(has_deploy_time_value)
        }
        Value::Array(a) => a.iter().any(has_deploy_time_value),
        _ => false,
    }
}
