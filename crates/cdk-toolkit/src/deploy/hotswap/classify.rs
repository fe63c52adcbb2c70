//! Which changes of a template diff a hotswap can apply, as the CDK CLI's
//! `classifyResourceChanges` decides it — pure, so it is tested on diffs alone.
//!
//! The rule: an `AWS::Lambda::Function` whose changed properties are only `Code`,
//! `Environment` and `Description` is updated through Lambda's own API; an added,
//! removed or retyped resource, any other resource type, any other property (resource
//! attributes such as `DependsOn` included) and any changed output is not.
//! `AWS::CDK::Metadata` changes are ignored, and so are `Metadata` sections (the diff
//! leaves them out). Parameter changes are not looked at, as in the CDK CLI.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::diff::{ChangeKind, TemplateDiff};

/// The properties of a Lambda function that Lambda's update calls change.
pub const LAMBDA_HOTSWAPPABLE: [&str; 3] = ["Code", "Description", "Environment"];

/// A Lambda function whose change can be applied directly.
#[derive(Debug, Clone, PartialEq)]
pub struct LambdaChange {
    /// Logical id.
    pub logical_id: String,
    /// `FunctionName` of the new template, when it names the function.
    pub function_name: Option<Value>,
    /// The changed hotswappable properties and their new values (`None`: removed),
    /// as in the template (intrinsics not yet evaluated).
    pub properties: BTreeMap<String, Option<Value>>,
}

/// A change a hotswap cannot apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// Logical id (or output name).
    pub logical_id: String,
    /// Resource type (`Stack Output` for an output).
    pub resource_type: String,
    /// The properties that cannot be hotswapped (empty for whole-resource reasons).
    pub rejected_properties: Vec<String>,
    /// Why, in the CDK CLI's words.
    pub reason: String,
}

impl Rejected {
    /// The line the CDK CLI prints for it (without its indentation).
    pub fn describe(&self) -> String {
        if self.rejected_properties.is_empty() {
            format!(
                "logicalID: {}, type: {}, reason: {}",
                self.logical_id, self.resource_type, self.reason
            )
        } else {
            format!(
                "logicalID: {}, type: {}, rejected changes: {}, reason: {}",
                self.logical_id,
                self.resource_type,
                self.rejected_properties.join(","),
                self.reason
            )
        }
    }
}

/// A diff split into what a hotswap applies and what it cannot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Classified {
    /// Lambda functions to update directly.
    pub hotswappable: Vec<LambdaChange>,
    /// Everything else, in the order the CDK CLI lists it (outputs first).
    pub rejected: Vec<Rejected>,
}

/// Classifies `diff` (of the deployed template against `new_template`).
pub fn classify(diff: &TemplateDiff, new_template: &Value) -> Classified {
    let mut out = Classified::default();
    for output in &diff.outputs {
        out.rejected.push(Rejected {
            logical_id: output.name.clone(),
            resource_type: "Stack Output".into(),
            rejected_properties: Vec::new(),
            reason: "output was changed".into(),
        });
    }
    for r in &diff.resources {
        let whole = |reason: String| Rejected {
            logical_id: r.logical_id.clone(),
            resource_type: r.resource_type.clone(),
            rejected_properties: Vec::new(),
            reason,
        };
        let id = &r.logical_id;
        match r.kind {
            ChangeKind::Added => {
                out.rejected.push(whole(format!(
                    "resource '{id}' was created by this deployment"
                )));
                continue;
            }
            ChangeKind::Removed => {
                out.rejected.push(whole(format!(
                    "resource '{id}' was destroyed by this deployment"
                )));
                continue;
            }
            ChangeKind::Modified => {}
        }
        if let Some(old_type) = &r.old_type {
            out.rejected.push(whole(format!(
                "resource '{id}' had its type changed from '{old_type}' to '{}'",
                r.resource_type
            )));
            continue;
        }
        match r.resource_type.as_str() {
            "AWS::CDK::Metadata" => {}
            "AWS::Lambda::Function" => classify_function(r, new_template, &mut out),
            _ => out.rejected.push(whole(
                "This resource type is not supported for hotswap deployments".into(),
            )),
        }
    }
    out
}

/// A modified function: the hotswappable properties form a [`LambdaChange`], the
/// others a [`Rejected`] (both, when both changed, as the CDK CLI reports them).
fn classify_function(r: &crate::diff::ResourceDiff, new_template: &Value, out: &mut Classified) {
    let (ok, rejected): (Vec<_>, Vec<_>) = r
        .properties
        .iter()
        .partition(|p| LAMBDA_HOTSWAPPABLE.contains(&p.name.as_str()));
    if !rejected.is_empty() {
        let names: Vec<String> = rejected.iter().map(|p| p.name.clone()).collect();
        out.rejected.push(Rejected {
            logical_id: r.logical_id.clone(),
            resource_type: r.resource_type.clone(),
            reason: format!(
                "resource properties '{}' are not hotswappable on this resource type",
                names.join(",")
            ),
            rejected_properties: names,
        });
    }
    if ok.is_empty() {
        return;
    }
    let function_name = new_template
        .pointer(&format!(
            "/Resources/{}/Properties/FunctionName",
            r.logical_id
        ))
        .cloned();
    out.hotswappable.push(LambdaChange {
        logical_id: r.logical_id.clone(),
        function_name,
        properties: ok.iter().map(|p| (p.name.clone(), p.new.clone())).collect(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff_templates;
    use serde_json::json;

    fn function(code_key: &str, memory: u32, description: &str) -> Value {
        json!({
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Code": {"S3Bucket": "assets", "S3Key": code_key},
                "Description": description,
                "Environment": {"Variables": {"BUCKET": {"Ref": "Bucket"}}},
                "Handler": "bootstrap",
                "MemorySize": memory,
                "Runtime": "provided.al2023"
            },
            "Metadata": {"aws:asset:path": format!("asset.{code_key}")}
        })
    }

    fn template(resources: Value, outputs: Value) -> Value {
        json!({"Resources": resources, "Outputs": outputs})
    }

    fn classified(old: Value, new: Value) -> Classified {
        classify(&diff_templates(&old, &new), &new)
    }

    #[test]
    fn code_and_description_of_a_function_are_hotswappable() {
        let old = template(
            json!({"Fn": function("a.zip", 512, "v1"), "CDKMetadata": {"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "x"}}}),
            json!({}),
        );
        let new = template(
            json!({"Fn": function("b.zip", 512, "v2"), "CDKMetadata": {"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "y"}}}),
            json!({}),
        );
        let c = classified(old, new);
        assert_eq!(c.rejected, vec![]);
        assert_eq!(
            c.hotswappable,
            vec![LambdaChange {
                logical_id: "Fn".into(),
                function_name: None,
                properties: BTreeMap::from([
                    (
                        "Code".into(),
                        Some(json!({"S3Bucket": "assets", "S3Key": "b.zip"}))
                    ),
                    ("Description".into(), Some(json!("v2"))),
                ]),
            }]
        );
    }

    #[test]
    fn metadata_only_changes_are_nothing_to_do() {
        let mut new_fn = function("a.zip", 512, "v1");
        new_fn["Metadata"] = json!({"aws:cdk:path": "Stack/Moved/Resource"});
        let c = classified(
            template(json!({"Fn": function("a.zip", 512, "v1")}), json!({})),
            template(json!({"Fn": new_fn}), json!({})),
        );
        assert_eq!(c, Classified::default());
    }

    #[test]
    fn other_properties_resources_and_outputs_are_rejected_in_cdk_words() {
        let old = template(
            json!({"Fn": function("a.zip", 512, "v1"), "Gone": {"Type": "AWS::SNS::Topic"},
                   "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "x"}}}),
            json!({"Url": {"Value": "a"}}),
        );
        let new = template(
            json!({"Fn": function("b.zip", 1024, "v1"), "New": {"Type": "AWS::SQS::Queue"},
                   "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "y"}}}),
            json!({"Url": {"Value": "b"}}),
        );
        let c = classified(old, new);
        let lines: Vec<String> = c.rejected.iter().map(Rejected::describe).collect();
        assert_eq!(
            lines,
            vec![
                "logicalID: Url, type: Stack Output, reason: output was changed",
                "logicalID: Bucket, type: AWS::S3::Bucket, reason: This resource type is not \
                 supported for hotswap deployments",
                "logicalID: Fn, type: AWS::Lambda::Function, rejected changes: MemorySize, \
                 reason: resource properties 'MemorySize' are not hotswappable on this \
                 resource type",
                "logicalID: Gone, type: AWS::SNS::Topic, reason: resource 'Gone' was \
                 destroyed by this deployment",
                "logicalID: New, type: AWS::SQS::Queue, reason: resource 'New' was created by \
                 this deployment",
            ]
        );
        // The code change of the same function stays hotswappable (applied by --hotswap).
        assert_eq!(c.hotswappable.len(), 1);
        assert_eq!(
            c.hotswappable[0].properties.keys().collect::<Vec<_>>(),
            vec!["Code"]
        );
    }

    #[test]
    fn a_retyped_resource_and_changed_attributes_are_rejected() {
        let mut new_fn = function("a.zip", 512, "v1");
        new_fn["DependsOn"] = json!(["Role"]);
        let c = classified(
            template(
                json!({"Fn": function("a.zip", 512, "v1"), "T": {"Type": "AWS::SNS::Topic"}}),
                json!({}),
            ),
            template(
                json!({"Fn": new_fn, "T": {"Type": "AWS::SQS::Queue"}}),
                json!({}),
            ),
        );
        let lines: Vec<String> = c.rejected.iter().map(Rejected::describe).collect();
        assert_eq!(
            lines,
            vec![
                "logicalID: Fn, type: AWS::Lambda::Function, rejected changes: DependsOn, \
                 reason: resource properties 'DependsOn' are not hotswappable on this \
                 resource type",
                "logicalID: T, type: AWS::SQS::Queue, reason: resource 'T' had its type \
                 changed from 'AWS::SNS::Topic' to 'AWS::SQS::Queue'",
            ]
        );
        assert!(c.hotswappable.is_empty());
    }
}
