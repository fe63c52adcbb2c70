//! `CfnResource`: a CloudFormation resource of any type with untyped properties,
//! rendered exactly as CDK's `CfnResource._toCloudFormation`.
//!
//! Invariant: attribute order is Type, Properties, DependsOn, CreationPolicy,
//! UpdatePolicy, UpdateReplacePolicy, DeletionPolicy, Version, Description, Metadata,
//! Condition; empty Properties/DependsOn/Metadata are omitted; `DependsOn` is sorted
//! by construct path (`localeCompare`); raw overrides are merged last (deep merge,
//! `None` deletes and prunes emptied objects).

use std::ops::Deref;

use serde_json::{Map, Value};

use crate::template::element::{self, CfnElement, ElementBody};
use crate::template::tags::{TagManager, TagType};
use crate::token::{Intrinsic, RefTarget, Token};
use crate::{Construct, Error, RemovalPolicy, Result};

pub(crate) struct ResourceData {
    pub resource_type: String,
    pub properties: Map<String, Value>,
    pub depends_on: Vec<Construct>,
    pub creation_policy: Option<Value>,
    pub update_policy: Option<Value>,
    pub deletion_policy: Option<String>,
    pub update_replace_policy: Option<String>,
    pub version: Option<String>,
    pub description: Option<String>,
    pub metadata: Map<String, Value>,
    pub condition: Option<Construct>,
    pub overrides: Vec<(Vec<String>, Option<Value>)>,
    pub tags: Option<TagManager>,
}

impl ResourceData {
    pub(crate) fn render(&self, _c: &Construct) -> Value {
        let mut m = Map::new();
        m.insert("Type".into(), Value::String(self.resource_type.clone()));
        let mut props = self.properties.clone();
        if let Some(tags) = &self.tags {
            match tags.render() {
                Some(rendered) => {
                    crate::template::tags::insert_sorted(&mut props, &tags.property, rendered)
                }
                None => {
                    props.remove(&tags.property);
                }
            }
        }
        if !props.is_empty() {
            m.insert("Properties".into(), Value::Object(props));
        }
        if !self.depends_on.is_empty() {
            let mut deps = self.depends_on.clone();
            deps.sort_by(|a, b| crate::template::collate::locale_cmp(a.path(), b.path()));
            deps.dedup();
            let ids = deps
                .iter()
                .map(|d| Token::as_any(Intrinsic::LogicalId(d.clone())))
                .collect();
            m.insert("DependsOn".into(), Value::Array(ids));
        }
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                m.insert(k.into(), v);
            }
        };
        put("CreationPolicy", self.creation_policy.clone());
        put("UpdatePolicy", self.update_policy.clone());
        put(
            "UpdateReplacePolicy",
            self.update_replace_policy.clone().map(Value::String),
        );
        put(
            "DeletionPolicy",
            self.deletion_policy.clone().map(Value::String),
        );
        put("Version", self.version.clone().map(Value::String));
        put("Description", self.description.clone().map(Value::String));
        put(
            "Metadata",
            (!self.metadata.is_empty()).then(|| Value::Object(self.metadata.clone())),
        );
        put(
            "Condition",
            self.condition
                .as_ref()
                .map(|c| Token::as_any(Intrinsic::LogicalId(c.clone()))),
        );
        Value::Object(m)
    }
}

/// A CloudFormation resource (CDK's `CfnResource`); L1 classes wrap one.
#[derive(Clone, Debug, PartialEq)]
pub struct CfnResource {
    construct: Construct,
}

impl Deref for CfnResource {
    type Target = Construct;
    fn deref(&self) -> &Construct {
        &self.construct
    }
}

impl AsRef<Construct> for CfnResource {
    fn as_ref(&self) -> &Construct {
        &self.construct
    }
}

impl CfnElement for CfnResource {
    fn element(&self) -> &Construct {
        &self.construct
    }
}

impl CfnResource {
    /// Creates a resource of `resource_type` with `properties` (a JSON object, may hold
    /// tokens; `null` members are dropped). Taggable types (see [`crate::tags`]) read
    /// their initial tags from the tag property. Adds `aws:cdk:path` metadata when the
    /// app has path metadata enabled (the default, as under the CDK CLI).
    pub fn new(
        scope: &impl AsRef<Construct>,
        id: &str,
        resource_type: &str,
        properties: Value,
    ) -> Result<CfnResource> {
        let scope = scope.as_ref();
        let properties = match properties {
            Value::Object(m) => m,
            Value::Null => Map::new(),
            other => {
                return Err(Error::validation(
                    format!("{}/{id}", scope.path()),
                    format!("properties of {resource_type} must be a JSON object, got {other}"),
                ));
            }
        };
        if !resource_type.contains("::") {
            return Err(Error::validation(
                format!("{}/{id}", scope.path()),
                format!("resource type {resource_type:?} is not of the form AWS::Service::Type"),
            ));
        }
        let tags = crate::template::tags::tag_format(resource_type).map(|(tt, prop)| {
            let mut tm = TagManager::new(tt, prop);
            if let Some(v) = properties.get(prop) {
                tm.add_initial(v);
            }
            tm
        });
        let data = ResourceData {
            resource_type: resource_type.to_string(),
            properties,
            depends_on: Vec::new(),
            creation_policy: None,
            update_policy: None,
            deletion_policy: None,
            update_replace_policy: None,
            version: None,
            description: None,
            metadata: Map::new(),
            condition: None,
            overrides: Vec::new(),
            tags,
        };
        let construct = element::create(
            scope,
            id,
            ElementBody::Resource(Box::new(data.into())),
            "aws-cdk-lib.CfnResource",
        )?;
        let r = CfnResource { construct };
        if r.try_get_context(crate::app::PATH_METADATA_CONTEXT) == Some(Value::Bool(true)) {
            r.add_metadata_entry("aws:cdk:path", Value::String(r.path().to_string()));
        }
        Ok(r)
    }

    /// The resource behind a construct, if it is one.
    pub fn from_construct(c: &Construct) -> Option<CfnResource> {
        match element::element_state(c).map(|s| &s.body) {
            Some(ElementBody::Resource(_)) => Some(CfnResource {
                construct: c.clone(),
            }),
            _ => None,
        }
    }

    fn data<T>(&self, f: impl FnOnce(&mut ResourceData) -> T) -> T {
        match element::element_state(&self.construct).map(|s| &s.body) {
            Some(ElementBody::Resource(d)) => f(&mut d.borrow_mut()),
            _ => unreachable!("CfnResource always wraps a resource element"),
        }
    }

    /// The construct of this resource.
    pub fn construct(&self) -> &Construct {
        &self.construct
    }

    /// The CloudFormation type, e.g. `AWS::S3::Bucket`.
    pub fn cfn_resource_type(&self) -> String {
        self.data(|d| d.resource_type.clone())
    }

    /// `{"Ref": <this>}` as a string token.
    pub fn ref_(&self) -> String {
        element::ref_token(&self.construct)
    }

    /// `{"Fn::GetAtt": [<this>, attribute]}` as a string token.
    pub fn get_att(&self, attribute: &str) -> String {
        Token::as_string(Intrinsic::GetAtt(
            RefTarget::Element(self.construct.clone()),
            attribute.to_string(),
        ))
    }

    /// `Fn::GetAtt` as a list token (for list-valued attributes).
    pub fn get_att_list(&self, attribute: &str) -> Vec<String> {
        Token::as_list(Intrinsic::GetAtt(
            RefTarget::Element(self.construct.clone()),
            attribute.to_string(),
        ))
    }

    /// The current properties (before resolution).
    pub fn properties(&self) -> Value {
        self.data(|d| Value::Object(d.properties.clone()))
    }

    /// Replaces the properties (e.g. an L2 re-rendering its L1 before synthesis).
    pub fn set_properties(&self, properties: Value) -> Result<()> {
        let Value::Object(m) = properties else {
            return Err(Error::validation(
                self.path(),
                "properties must be a JSON object",
            ));
        };
        self.data(|d| {
            if let Some(tm) = &mut d.tags
                && let Some(v) = m.get(&tm.property)
            {
                tm.add_initial(v);
            }
            d.properties = m;
        });
        Ok(())
    }

    /// Sets one top-level property.
    pub fn set_property(&self, name: &str, value: Value) {
        self.data(|d| {
            d.properties.insert(name.to_string(), value);
        });
    }

    /// `DependsOn` this other resource (rendered sorted by path). A resource in another
    /// stack makes this stack depend on that one instead, as CDK's `addDependency`.
    pub fn add_depends_on(&self, target: &CfnResource) {
        let reason = format!("{} -> {}", self.path(), target.path());
        // Across stacks this becomes a stack dependency (or DependsOn on nested stack
        // resources, see `stack::dependencies`); a cycle there is reported again at synthesis if the
        // user adds it through Stack::add_dependency, here the reverse one simply wins.
        let _ = crate::stack::dependencies::dispatch(&self.construct, &target.construct, &reason);
    }

    /// Adds `target` to `DependsOn` (same template; no dispatch).
    pub(crate) fn push_depends_on(&self, target: &CfnResource) {
        if target == self {
            return;
        }
        self.data(|d| {
            if !d.depends_on.contains(&target.construct) {
                d.depends_on.push(target.construct.clone());
            }
        });
    }

    /// Resources this one has `DependsOn`.
    pub fn depends_on(&self) -> Vec<Construct> {
        self.data(|d| d.depends_on.clone())
    }

    /// Sets `DeletionPolicy` and `UpdateReplacePolicy` as CDK's `applyRemovalPolicy`.
    pub fn apply_removal_policy(&self, policy: RemovalPolicy) {
        self.apply_removal_policy_with(policy, true);
    }

    /// Like [`Self::apply_removal_policy`]; `apply_to_update_replace_policy = false`
    /// leaves `UpdateReplacePolicy` alone.
    pub fn apply_removal_policy_with(
        &self,
        policy: RemovalPolicy,
        apply_to_update_replace_policy: bool,
    ) {
        let value = policy.cfn_deletion_policy().to_string();
        self.data(|d| {
            d.deletion_policy = Some(value.clone());
            if apply_to_update_replace_policy {
                d.update_replace_policy = Some(value);
            }
        });
    }

    /// `Condition` of this resource.
    pub fn set_condition(&self, condition: &crate::CfnCondition) {
        self.data(|d| d.condition = Some(condition.construct().clone()));
    }

    /// Adds a key to the resource's `Metadata` attribute.
    pub fn add_metadata_entry(&self, key: &str, value: Value) {
        self.data(|d| {
            d.metadata.insert(key.to_string(), value);
        });
    }

    /// Reads a key of the resource's `Metadata` attribute.
    pub fn get_metadata_entry(&self, key: &str) -> Option<Value> {
        self.data(|d| d.metadata.get(key).cloned())
    }

    /// `CreationPolicy` attribute.
    pub fn set_creation_policy(&self, policy: Value) {
        self.data(|d| d.creation_policy = Some(policy));
    }

    /// `UpdatePolicy` attribute.
    pub fn set_update_policy(&self, policy: Value) {
        self.data(|d| d.update_policy = Some(policy));
    }

    /// `Description` attribute (not a property).
    pub fn set_description(&self, description: &str) {
        self.data(|d| d.description = Some(description.to_string()));
    }

    /// Raw override at a dotted path of the rendered resource (`Properties.A.B`); `.`
    /// inside a key is written `\.`; numeric components index arrays.
    pub fn add_override(&self, path: &str, value: Value) {
        let p = split_override_path(path);
        self.data(|d| d.overrides.push((p, Some(value))));
    }

    /// Removes the value at a dotted path of the rendered resource.
    pub fn add_deletion_override(&self, path: &str) {
        let p = split_override_path(path);
        self.data(|d| d.overrides.push((p, None)));
    }

    /// `add_override("Properties." + path, value)`.
    pub fn add_property_override(&self, path: &str, value: Value) {
        self.add_override(&format!("Properties.{path}"), value);
    }

    /// `add_deletion_override("Properties." + path)`.
    pub fn add_property_deletion_override(&self, path: &str) {
        self.add_deletion_override(&format!("Properties.{path}"));
    }

    /// Declares (or changes) how this resource type renders tags.
    pub fn set_tag_format(&self, tag_type: TagType, property: &str) {
        self.data(|d| {
            let mut tm = TagManager::new(tag_type, property);
            if let Some(v) = d.properties.get(property) {
                tm.add_initial(v);
            }
            d.tags = Some(tm);
        });
    }

    /// The tag property as it renders now (sorted, priorities applied), `None` without
    /// tags or for untaggable types. Call it lazily (e.g. in a `Lazy::any`) to include
    /// tags applied by `Tags::of` at synthesis.
    pub fn rendered_tags(&self) -> Option<Value> {
        self.data(|d| d.tags.as_ref().and_then(TagManager::render))
    }

    /// Whether this resource renders tags.
    pub fn is_taggable(&self) -> bool {
        self.data(|d| d.tags.is_some())
    }

    pub(crate) fn with_tags(&self, f: impl FnOnce(&mut TagManager)) {
        self.data(|d| {
            if let Some(t) = &mut d.tags {
                f(t);
            }
        });
    }
}

fn split_override_path(path: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'.') => {
                chars.next();
                if let Some(s) = out.last_mut() {
                    s.push('.')
                }
            }
            '.' => out.push(String::new()),
            c => {
                if let Some(s) = out.last_mut() {
                    s.push(c)
                }
            }
        }
    }
    out
}

/// Deep-merges one override into a rendered resource (CDK's `deepMerge` semantics).
pub(crate) fn apply_override(target: &mut Value, path: &[String], value: Option<Value>) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    if let Value::Array(items) = target
        && let Ok(i) = first.parse::<usize>()
    {
        if let Some(item) = items.get_mut(i) {
            if rest.is_empty() {
                if let Some(v) = value {
                    *item = v;
                }
            } else {
                apply_override(item, rest, value);
            }
        }
        return;
    }
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(map) = target else { return };
    if rest.is_empty() {
        match value {
            Some(v) => {
                merge_into(map, first, v);
            }
            None => {
                map.remove(first);
            }
        }
        return;
    }
    let child = map
        .entry(first.clone())
        .or_insert_with(|| Value::Object(Map::new()));
    if !(child.is_object() || child.is_array()) {
        *child = Value::Object(Map::new());
    }
    apply_override(child, rest, value);
    if child.as_object().is_some_and(Map::is_empty) {
        map.remove(first);
    }
}

fn merge_into(map: &mut Map<String, Value>, key: &str, value: Value) {
    match (map.get_mut(key), value) {
        (Some(Value::Object(existing)), Value::Object(new)) => {
            for (k, v) in new {
                merge_into(existing, &k, v);
            }
        }
        (_, v) => {
            map.insert(key.to_string(), v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn override_paths() {
        assert_eq!(
            split_override_path("Properties.A\\.B.C"),
            vec!["Properties", "A.B", "C"]
        );
        let mut v = json!({"Type": "T", "Properties": {"A": {"X": 1}, "L": [{"k": 1}, {"k": 2}]}});
        apply_override(
            &mut v,
            &split_override_path("Properties.A.Y"),
            Some(json!(2)),
        );
        apply_override(
            &mut v,
            &split_override_path("Properties.L.1.k"),
            Some(json!(3)),
        );
        apply_override(
            &mut v,
            &split_override_path("Properties.New"),
            Some(json!({"a": 1})),
        );
        assert_eq!(
            v["Properties"],
            json!({"A": {"X": 1, "Y": 2}, "L": [{"k": 1}, {"k": 3}], "New": {"a": 1}})
        );
        apply_override(&mut v, &split_override_path("Properties.A.X"), None);
        apply_override(&mut v, &split_override_path("Properties.A.Y"), None);
        assert!(v["Properties"].get("A").is_none());
    }
}
