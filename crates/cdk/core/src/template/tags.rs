//! Tags, as CDK's `TagManager` renders them.
//!
//! Invariants: a taggable resource keeps the tags given in its properties (priority 50)
//! and tags applied with [`Tags::of`] (priority 100 by default; a higher or equal
//! priority wins per key); tags render sorted by key (JavaScript `localeCompare`), in
//! the resource type's format, under its tag property name; no tags → no property.
//! Stack tags (`StackProps::tags`) go to the manifest only; CloudFormation propagates
//! them to resources at deploy time (what aws-cdk-lib 2.276 synthesizes).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::{CfnResource, Construct};

/// How a resource type renders its tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagType {
    /// `[{"Key": k, "Value": v}, ...]`.
    Standard,
    /// `{"k": "v", ...}`.
    Map,
    /// `[{"Key": k, "Value": v}, ...]` (CDK's KEY_VALUE).
    KeyValue,
    /// `[{"Key": k, "Value": v, "PropagateAtLaunch": true}, ...]`.
    AutoScalingGroup,
}

/// Known taggable resource types: `(type, tag format, property name)`. L1 crates may
/// register more per resource with [`CfnResource::set_tag_format`].
const TAGGABLE: &[(&str, TagType, &str)] = &[
    ("AWS::ApiGateway::ApiKey", TagType::Standard, "Tags"),
    ("AWS::ApiGateway::DomainName", TagType::Standard, "Tags"),
    ("AWS::ApiGateway::RestApi", TagType::Standard, "Tags"),
    ("AWS::ApiGateway::Stage", TagType::Standard, "Tags"),
    ("AWS::ApiGateway::UsagePlan", TagType::Standard, "Tags"),
    ("AWS::ApiGateway::VpcLink", TagType::Standard, "Tags"),
    (
        "AWS::AutoScaling::AutoScalingGroup",
        TagType::AutoScalingGroup,
        "Tags",
    ),
    (
        "AWS::CertificateManager::Certificate",
        TagType::Standard,
        "Tags",
    ),
    ("AWS::DynamoDB::Table", TagType::Standard, "Tags"),
    ("AWS::EC2::SecurityGroup", TagType::Standard, "Tags"),
    ("AWS::EC2::VPC", TagType::Standard, "Tags"),
    ("AWS::IAM::ManagedPolicy", TagType::Standard, "Tags"),
    ("AWS::IAM::Role", TagType::Standard, "Tags"),
    ("AWS::IAM::User", TagType::Standard, "Tags"),
    ("AWS::KMS::Key", TagType::Standard, "Tags"),
    ("AWS::Lambda::Function", TagType::Standard, "Tags"),
    ("AWS::Logs::LogGroup", TagType::Standard, "Tags"),
    (
        "AWS::Route53::HealthCheck",
        TagType::Standard,
        "HealthCheckTags",
    ),
    (
        "AWS::Route53::HostedZone",
        TagType::Standard,
        "HostedZoneTags",
    ),
    ("AWS::S3::Bucket", TagType::Standard, "Tags"),
    ("AWS::SNS::Topic", TagType::Standard, "Tags"),
    ("AWS::SQS::Queue", TagType::Standard, "Tags"),
    ("AWS::SSM::Parameter", TagType::Map, "Tags"),
];

/// The tag format of a resource type, if it is taggable.
pub fn tag_format(resource_type: &str) -> Option<(TagType, &'static str)> {
    TAGGABLE
        .iter()
        .find(|(t, _, _)| *t == resource_type)
        .map(|(_, tt, p)| (*tt, *p))
}

const INITIAL_PRIORITY: u32 = 50;
/// Default priority of [`Tags::of`] tags.
pub const DEFAULT_PRIORITY: u32 = 100;

/// The tags of one resource.
#[derive(Debug, Clone)]
pub(crate) struct TagManager {
    /// How the tags render (list of `Key`/`Value`, map, ...).
    pub tag_type: TagType,
    /// The property that holds the tags (`Tags`, `tags`, ...).
    pub property: String,
    tags: BTreeMap<String, (String, u32)>,
    removed: BTreeMap<String, u32>,
}

impl TagManager {
    /// A manager without tags.
    pub fn new(tag_type: TagType, property: &str) -> Self {
        TagManager {
            tag_type,
            property: property.into(),
            tags: BTreeMap::new(),
            removed: BTreeMap::new(),
        }
    }

    /// Reads the tags given in the resource properties.
    pub fn add_initial(&mut self, value: &Value) {
        match value {
            Value::Array(items) => {
                for item in items {
                    let get = |a: &str, b: &str| {
                        item.get(a)
                            .or_else(|| item.get(b))
                            .and_then(Value::as_str)
                            .map(str::to_string)
                    };
                    if let (Some(k), Some(v)) = (get("Key", "key"), get("Value", "value")) {
                        self.set(&k, &v, INITIAL_PRIORITY);
                    }
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    if let Some(v) = v.as_str() {
                        self.set(k, v, INITIAL_PRIORITY);
                    }
                }
            }
            _ => {}
        }
    }

    /// Sets `key` unless a higher-priority tag or removal holds it.
    pub fn set(&mut self, key: &str, value: &str, priority: u32) {
        if self.removed.get(key).is_some_and(|p| *p > priority) {
            return;
        }
        if self.tags.get(key).is_some_and(|(_, p)| *p > priority) {
            return;
        }
        self.removed.remove(key);
        self.tags
            .insert(key.to_string(), (value.to_string(), priority));
    }

    /// Removes `key` unless a higher-priority tag holds it; blocks lower-priority sets.
    pub fn remove(&mut self, key: &str, priority: u32) {
        if self.tags.get(key).is_some_and(|(_, p)| *p > priority) {
            return;
        }
        self.tags.remove(key);
        self.removed.insert(key.to_string(), priority);
    }

    /// The rendered tag property value, or `None` without tags.
    pub fn render(&self) -> Option<Value> {
        if self.tags.is_empty() {
            return None;
        }
        let mut keys: Vec<&String> = self.tags.keys().collect();
        keys.sort_by(|a, b| crate::template::collate::locale_cmp(a, b));
        let pairs = keys
            .into_iter()
            .map(|k| (k.clone(), self.tags[k].0.clone()));
        Some(match self.tag_type {
            TagType::Map => Value::Object(pairs.map(|(k, v)| (k, Value::String(v))).collect()),
            TagType::AutoScalingGroup => Value::Array(
                pairs
                    .map(|(k, v)| serde_json::json!({"Key": k, "Value": v, "PropagateAtLaunch": true}))
                    .collect(),
            ),
            TagType::Standard | TagType::KeyValue => {
                Value::Array(pairs.map(|(k, v)| serde_json::json!({"Key": k, "Value": v})).collect())
            }
        })
    }
}

/// Inserts `key` into an object keeping alphabetical position when the keys are
/// sorted (L1 properties are), else at the end.
pub(crate) fn insert_sorted(map: &mut Map<String, Value>, key: &str, value: Value) {
    if map.contains_key(key) {
        map.insert(key.to_string(), value);
        return;
    }
    let keys: Vec<&String> = map.keys().collect();
    let sorted = keys.windows(2).all(|w| w[0] <= w[1]);
    if !sorted || keys.last().is_none_or(|k| k.as_str() < key) {
        map.insert(key.to_string(), value);
        return;
    }
    let old = std::mem::take(map);
    let mut inserted = false;
    for (k, v) in old {
        if !inserted && k.as_str() > key {
            map.insert(key.to_string(), value.clone());
            inserted = true;
        }
        map.insert(k, v);
    }
}

/// Applies tags to every taggable resource below a scope (CDK's `Tags.of(scope)`).
pub struct Tags {
    scope: Construct,
}

impl Tags {
    /// Tags for everything below `scope` (including `scope`).
    pub fn of(scope: &impl AsRef<Construct>) -> Tags {
        Tags {
            scope: scope.as_ref().clone(),
        }
    }

    /// Adds a tag (priority 100) to every taggable resource below the scope, applied
    /// at synthesis (so it reaches resources created later too).
    pub fn add(&self, key: &str, value: &str) {
        self.add_with_priority(key, value, DEFAULT_PRIORITY);
    }

    /// Adds a tag with an explicit priority (higher wins).
    pub fn add_with_priority(&self, key: &str, value: &str, priority: u32) {
        let (scope, key, value) = (self.scope.clone(), key.to_string(), value.to_string());
        self.scope.add_prepare_hook(move || {
            for r in scope
                .find_all()
                .iter()
                .filter_map(CfnResource::from_construct)
            {
                r.with_tags(|t| t.set(&key, &value, priority));
            }
            Ok(())
        });
    }

    /// Removes a tag (priority 100) from every taggable resource below the scope.
    pub fn remove(&self, key: &str) {
        let (scope, key) = (self.scope.clone(), key.to_string());
        self.scope.add_prepare_hook(move || {
            for r in scope
                .find_all()
                .iter()
                .filter_map(CfnResource::from_construct)
            {
                r.with_tags(|t| t.remove(&key, DEFAULT_PRIORITY));
            }
            Ok(())
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn render_sorted_with_priorities() {
        let mut t = TagManager::new(TagType::Standard, "Tags");
        t.add_initial(&json!([{"Key": "own", "Value": "1"}, {"Key": "alpha", "Value": "mine"}]));
        t.set("alpha", "aspect", DEFAULT_PRIORITY);
        t.set("zeta", "z", DEFAULT_PRIORITY);
        assert_eq!(
            t.render(),
            Some(
                json!([{"Key": "alpha", "Value": "aspect"}, {"Key": "own", "Value": "1"}, {"Key": "zeta", "Value": "z"}])
            )
        );
        let mut m = TagManager::new(TagType::Map, "Tags");
        assert_eq!(m.render(), None);
        m.set("b", "2", 100);
        m.set("a", "1", 100);
        assert_eq!(m.render(), Some(json!({"a": "1", "b": "2"})));
    }

    #[test]
    fn insert_keeps_alphabetical_position() {
        let mut m = json!({"BucketName": "x", "VersioningConfiguration": {}})
            .as_object()
            .cloned()
            .unwrap();
        insert_sorted(&mut m, "Tags", json!([]));
        assert_eq!(
            m.keys().collect::<Vec<_>>(),
            vec!["BucketName", "Tags", "VersioningConfiguration"]
        );
    }
}
