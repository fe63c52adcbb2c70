//! Nested stacks (CDK's `NestedStack`): a stack whose template is deployed as an
//! `AWS::CloudFormation::Stack` resource of its parent.
//!
//! Invariants (aws-cdk-lib 2.276): the nested stack is the construct `<scope>/<id>`;
//! its resource is `<scope>/<id>.NestedStack/<id>.NestedStackResource` (so its logical
//! id in the parent is stable), with removal policy DESTROY unless told otherwise.
//! The template is `<unique id>.nested.template.json`, hashed as compact JSON
//! (sha256) and published as a `file` asset of the top-level stack; `TemplateURL` is
//! `https://s3.<parent region>.<parent url suffix>/<bucket>/<hash>.json`. Templates
//! are finalised deepest first, because a parent's template holds its children's
//! URLs. Values cross the boundary as parameters (parent → child) and outputs read
//! with `Fn::GetAtt [<resource>, Outputs.<id>]` (child → parent), see `references`.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ops::Deref;
use std::rc::Rc;

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::synthesis::synthesizer::{FileAssetPackaging, FileAssetSource};
use crate::template::tags::TagType;
use crate::{
    CfnResource, Construct, Duration, Environment, Error, Lazy, RemovalPolicy, Result, Stack,
    StackProps,
};

/// Props of a [`NestedStack`].
#[derive(Debug, Clone, Default)]
pub struct NestedStackProps {
    /// Values for the nested template's parameters (`Parameters` of the resource).
    pub parameters: BTreeMap<String, String>,
    /// `TimeoutInMinutes` of the resource.
    pub timeout: Option<Duration>,
    /// `NotificationARNs` of the resource.
    pub notification_arns: Vec<String>,
    /// Removal policy of the resource (default DESTROY, as CDK).
    pub removal_policy: Option<RemovalPolicy>,
    /// Template `Description` of the nested stack.
    pub description: Option<String>,
}

/// What a nested stack keeps besides the ordinary stack state.
pub(crate) struct NestedState {
    /// The stack (nested or not) that deploys this one.
    pub parent: Construct,
    /// The `AWS::CloudFormation::Stack` resource in the parent.
    pub resource: CfnResource,
    /// The resource's `Parameters` (props, then cross-stack references).
    pub parameters: Rc<RefCell<Map<String, Value>>>,
    /// The resource's `TemplateURL`, set when the template asset is defined.
    pub template_url: Rc<RefCell<Option<String>>>,
    /// The template as rendered when its asset was defined (written as-is).
    pub template: RefCell<Option<Value>>,
}

/// A nested stack. Derefs to [`Stack`] (so `stack_name`, `nested`, `add_dependency`,
/// ... work on it).
#[derive(Clone, Debug, PartialEq)]
pub struct NestedStack {
    stack: Stack,
}

impl Deref for NestedStack {
    type Target = Stack;
    fn deref(&self) -> &Stack {
        &self.stack
    }
}

impl AsRef<Construct> for NestedStack {
    fn as_ref(&self) -> &Construct {
        self.stack.construct()
    }
}

impl NestedStack {
    /// Creates a nested stack under `scope`, which must be inside a stack (nested or not).
    pub fn new(
        scope: &impl AsRef<Construct>,
        id: &str,
        props: NestedStackProps,
    ) -> Result<NestedStack> {
        let scope = scope.as_ref();
        let parent = Stack::of(scope).map_err(|_| {
            Error::validation(
                scope.path(),
                "Nested stacks must be defined within scope of another stack; create it under a Stack",
            )
        })?;
        let stack = Stack::create(
            scope,
            id,
            StackProps {
                env: Some(Environment {
                    account: Some(parent.account()),
                    region: Some(parent.region()),
                }),
                description: props.description.clone(),
                // same bucket/qualifier as the parent (assets are published by the
                // top-level stack anyway; this keeps `synthesizer().bucket_name()` true)
                stack_synthesizer: Some(parent.state().synthesizer.kind.clone()),
                ..Default::default()
            },
            "aws-cdk-lib.NestedStack",
        )?;
        let holder = Construct::new(scope, &format!("{id}.NestedStack"))?;
        let parameters: Rc<RefCell<Map<String, Value>>> = Rc::new(RefCell::new(
            props
                .parameters
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect(),
        ));
        let template_url: Rc<RefCell<Option<String>>> = Rc::default();
        let resource = stack_resource(&holder, id, &props, &parameters, &template_url)?;
        *stack.state().nested.borrow_mut() = Some(NestedState {
            parent: parent.construct().clone(),
            resource,
            parameters,
            template_url,
            template: RefCell::default(),
        });
        Ok(NestedStack { stack })
    }

    /// The stack behind this nested stack.
    pub fn stack(&self) -> &Stack {
        &self.stack
    }

    /// Sets a value of the resource's `Parameters` (CDK's `setParameter`).
    pub fn set_parameter(&self, name: &str, value: &str) {
        set_parameter(&self.stack, name, value);
    }
}

/// The `AWS::CloudFormation::Stack` resource that deploys the nested template in the
/// parent: `Parameters` and `TemplateURL` are lazy (set until synthesis), the removal
/// policy DESTROY unless the props say otherwise.
fn stack_resource(
    holder: &Construct,
    id: &str,
    props: &NestedStackProps,
    parameters: &Rc<RefCell<Map<String, Value>>>,
    template_url: &Rc<RefCell<Option<String>>>,
) -> Result<CfnResource> {
    let (p, u) = (parameters.clone(), template_url.clone());
    let notification_arns: Option<Value> = (!props.notification_arns.is_empty()).then(|| {
        Value::Array(
            props
                .notification_arns
                .iter()
                .cloned()
                .map(Value::String)
                .collect(),
        )
    });
    let timeout = timeout_in_minutes(props)?;
    let (notification_arns_value, timeout_value) = (notification_arns.clone(), timeout.clone());
    let resource = CfnResource::new(
        holder,
        &format!("{id}.NestedStackResource"),
        "AWS::CloudFormation::Stack",
        json!({
            "NotificationARNs": notification_arns,
            "Parameters": Lazy::any(move || {
                let p = p.borrow();
                if p.is_empty() { Value::Null } else { Value::Object(p.clone()) }
            }),
            "Tags": null,
            "TemplateURL": Lazy::string(move || u.borrow().clone().unwrap_or_else(|| "<unresolved>".into())),
            "TimeoutInMinutes": timeout,
        }),
    )?;
    resource.set_construct_info("aws-cdk-lib.CfnStack");
    tree_attributes(
        &resource,
        parameters,
        template_url,
        notification_arns_value,
        timeout_value,
    );
    resource.set_tag_format(TagType::Standard, "Tags");
    resource.apply_removal_policy(props.removal_policy.unwrap_or(RemovalPolicy::Destroy));
    Ok(resource)
}

/// `TimeoutInMinutes`: the timeout in whole minutes (an integer when integral).
fn timeout_in_minutes(props: &NestedStackProps) -> Result<Option<Value>> {
    Ok(props
        .timeout
        .as_ref()
        .map(Duration::to_minutes)
        .transpose()?
        .map(|m| {
            if m.fract() == 0.0 {
                json!(m as i64)
            } else {
                json!(m)
            }
        }))
}

pub(crate) fn set_parameter(stack: &Stack, name: &str, value: &str) {
    if let Some(n) = stack.state().nested.borrow().as_ref() {
        n.parameters
            .borrow_mut()
            .insert(name.to_string(), Value::String(value.to_string()));
    }
}

/// What aws-cdk-lib's `CfnStack` shows in `tree.json`: type, logical id and its
/// camelCase props as they are at synthesis.
fn tree_attributes(
    resource: &CfnResource,
    parameters: &Rc<RefCell<Map<String, Value>>>,
    template_url: &Rc<RefCell<Option<String>>>,
    notification_arns: Option<Value>,
    timeout: Option<Value>,
) {
    use crate::CfnElement;
    resource.add_tree_attribute(
        "aws:cdk:cloudformation:type",
        json!("AWS::CloudFormation::Stack"),
    );
    resource.add_tree_attribute(
        "aws:cdk:cloudformation:logicalId",
        json!(resource.logical_id()),
    );
    let (r, p, u) = (resource.clone(), parameters.clone(), template_url.clone());
    resource.add_tree_attribute(
        "aws:cdk:cloudformation:props",
        Lazy::any(move || {
            let mut m = Map::new();
            if let Some(n) = &notification_arns {
                m.insert("notificationArns".into(), n.clone());
            }
            if !p.borrow().is_empty() {
                m.insert("parameters".into(), Value::Object(p.borrow().clone()));
            }
            if let Some(Value::Array(tags)) = r.rendered_tags() {
                let camel = tags
                    .iter()
                    .map(|t| json!({"key": t["Key"], "value": t["Value"]}))
                    .collect();
                m.insert("tags".into(), Value::Array(camel));
            }
            if let Some(url) = u.borrow().clone() {
                m.insert("templateUrl".into(), Value::String(url));
            }
            if let Some(t) = &timeout {
                m.insert("timeoutInMinutes".into(), t.clone());
            }
            Value::Object(m)
        }),
    );
}

/// Nested stacks below `root`, deepest first (post-order), as CDK prepares them.
pub(crate) fn nested_stacks_post_order(root: &Construct) -> Vec<Stack> {
    fn walk(c: &Construct, out: &mut Vec<Stack>) {
        for child in c.children() {
            walk(&child, out);
        }
        if let Some(s) = Stack::from_construct(c)
            && s.nested()
        {
            out.push(s);
        }
    }
    let mut out = Vec::new();
    walk(root, &mut out);
    out
}

impl Stack {
    /// Whether this is a nested stack ([`crate::NestedStack`]).
    pub fn nested(&self) -> bool {
        self.state().nested.borrow().is_some()
    }
    /// The parent of a nested stack (`None` for top-level stacks).
    pub fn nested_stack_parent(&self) -> Option<Stack> {
        self.state()
            .nested
            .borrow()
            .as_ref()
            .and_then(|n| Stack::from_construct(&n.parent))
    }
    /// The `AWS::CloudFormation::Stack` resource of a nested stack in its parent
    /// (`None` for top-level stacks).
    pub fn nested_stack_resource(&self) -> Option<crate::CfnResource> {
        self.state()
            .nested
            .borrow()
            .as_ref()
            .map(|n| n.resource.clone())
    }
}

/// The path of `stack` relative to its top-level stack (CDK's
/// `stackRelativeConstructPath`), for asset display names.
fn stack_relative_path(stack: &Stack) -> String {
    let mut top = stack.clone();
    while let Some(p) = top.nested_stack_parent() {
        top = p;
    }
    stack
        .path()
        .strip_prefix(top.path())
        .map(|p| p.trim_start_matches('/').to_string())
        .unwrap_or_else(|| stack.path().to_string())
}

/// Renders the nested template, registers it as a file asset of the parent and sets
/// the resource's `TemplateURL` and tags (CDK's `_prepareTemplateAsset`).
pub(crate) fn prepare_template_asset(stack: &Stack) -> Result<()> {
    let Some(parent) = stack.nested_stack_parent() else {
        return Ok(());
    };
    let (resource, url) = match stack.state().nested.borrow().as_ref() {
        Some(n) => (n.resource.clone(), n.template_url.clone()),
        None => return Ok(()),
    };
    if url.borrow().is_some() {
        return Ok(());
    }
    for (k, v) in stack.tags() {
        resource.with_tags(|t| t.set(&k, &v, 100));
    }
    let template = crate::synthesis::render_template(stack)?;
    let compact = crate::synthesis::assembly::to_js_json(&template, 0);
    let hash = hex::encode(Sha256::digest(compact.as_bytes()));
    let location = parent
        .synthesizer()
        .add_file_asset_in_assembly(FileAssetSource {
            source_path: stack.template_file().into(),
            packaging: FileAssetPackaging::File,
            source_hash: Some(hash),
            display_name: Some(format!(
                "{} Nested Stack Template",
                stack_relative_path(stack)
            )),
        })?;
    if stack.try_get_context("aws:cdk:enable-asset-metadata") == Some(Value::Bool(true)) {
        resource.add_metadata_entry("aws:asset:path", Value::String(stack.template_file()));
        resource.add_metadata_entry("aws:asset:property", Value::String("TemplateURL".into()));
    }
    *url.borrow_mut() = Some(format!(
        "https://s3.{}.{}/{}/{}",
        parent.region(),
        parent.url_suffix(),
        location.bucket_name,
        location.object_key
    ));
    if let Some(n) = stack.state().nested.borrow().as_ref() {
        *n.template.borrow_mut() = Some(template);
    }
    Ok(())
}

/// The template rendered by [`prepare_template_asset`].
pub(crate) fn rendered_template(stack: &Stack) -> Option<Value> {
    stack
        .state()
        .nested
        .borrow()
        .as_ref()
        .and_then(|n| n.template.borrow().clone())
}
