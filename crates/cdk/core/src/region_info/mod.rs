//! `Stack::regional_fact` (CDK's `regionalFact` + `deployTimeLookup`): facts about
//! AWS regions (partition, URL suffix, S3 website endpoints and hosted zones, ...)
//! from the generated table in `facts`, and the region → partition rule.
//!
//! Invariants: a concrete region gets the literal value (or the default; unknown is an
//! error). An agnostic stack gets, over the regions of the target partitions (context
//! `@aws-cdk/core:target-partitions`, default all): one value if all regions agree
//! once the URL suffix and the region name are replaced by `AWS::URLSuffix` /
//! `AWS::Region`; otherwise a `Mappings` entry `<Fact class>Map` with one key per fact
//! parameter (non-alphanumerics → `x`) read with `Fn::FindInMap [map, AWS::Region, key]`.

pub(crate) mod facts;

use serde_json::Value;

use crate::{Aws, CfnMapping, Error, Result, Stack, Token};
use facts::{FACTS, REGIONS};

/// Context key listing the partitions a stack may deploy to.
pub const TARGET_PARTITIONS_CONTEXT: &str = "@aws-cdk/core:target-partitions";

/// The value of `fact` for a concrete region, if known.
pub fn find_fact(region: &str, fact: &str) -> Option<&'static str> {
    FACTS
        .iter()
        .find(|(f, r, _)| *f == fact && *r == region)
        .map(|(_, _, v)| *v)
}

/// The partition of a concrete region name.
pub fn partition_of_region(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("eu-isoe-") {
        "aws-iso-e"
    } else {
        "aws"
    }
}

fn url_suffix(region: &str) -> &'static str {
    find_fact(region, "domainSuffix").unwrap_or("amazonaws.com")
}

impl Stack {
    /// A fact about the stack's region (CDK's `regionalFact`): literal when the region
    /// is known, otherwise a deploy-time lookup; `default_value` is used for regions
    /// that lack the fact (without it, an unknown fact is an error).
    pub fn regional_fact(&self, fact_name: &str, default_value: Option<&str>) -> Result<String> {
        let region = self.region();
        if !Token::is_unresolved(&region) {
            return find_fact(&region, fact_name)
                .or(default_value)
                .map(str::to_string)
                .ok_or_else(|| {
                    Error::validation(
                        self.path(),
                        format!(
                            "region-info: don't know {fact_name} for region {region}; pass a default value"
                        ),
                    )
                });
        }
        let partitions: Option<Vec<String>> = match self.try_get_context(TARGET_PARTITIONS_CONTEXT)
        {
            None => None,
            Some(Value::String(s)) if s == "undefined" => None,
            Some(Value::Array(a)) => Some(
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
            ),
            Some(other) => {
                return Err(Error::validation(
                    self.path(),
                    format!(
                        "Context value '{TARGET_PARTITIONS_CONTEXT}' should be a list of strings, got: {other}"
                    ),
                ));
            }
        };
        let lookup: Vec<(&str, &str)> = REGIONS
            .iter()
            .filter(|(_, p)| {
                partitions
                    .as_ref()
                    .is_none_or(|ps| ps.iter().any(|x| x == p))
            })
            .filter_map(|(r, _)| find_fact(r, fact_name).map(|v| (*r, v)))
            .collect();
        if lookup.is_empty() {
            return default_value.map(str::to_string).ok_or_else(|| {
                Error::validation(
                    self.path(),
                    format!(
                        "region-info: don't have any information for {fact_name}; pass a default value, \
                         or add partitions to the '{TARGET_PARTITIONS_CONTEXT}' context value"
                    ),
                )
            });
        }
        if let Some(pattern) = value_pattern(&lookup) {
            return Ok(pattern);
        }
        let (class, param) = fact_name.split_once(':').unwrap_or((fact_name, "value"));
        let mut chars = class.chars();
        let ucfirst: String = chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
        let map_id = format!("{ucfirst}Map");
        let key: String = param
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { 'x' })
            .collect();
        let mapping = match self
            .try_find_child(&map_id)
            .and_then(|c| CfnMapping::from_construct(&c))
        {
            Some(m) => m,
            None => CfnMapping::new(self, &map_id, Default::default())?,
        };
        for (r, v) in &lookup {
            mapping.set_value(r, &key, Value::String(v.to_string()));
        }
        Ok(mapping.find_in_map(&Aws::region(), &key))
    }
}

/// CDK's `findValuePattern`: one value for every region once URL suffixes and region
/// names are replaced by their pseudo parameters, if there is one.
fn value_pattern(lookup: &[(&str, &str)]) -> Option<String> {
    let mut values: Vec<(&str, String)> = lookup.iter().map(|(r, v)| (*r, v.to_string())).collect();
    let suffixes: Vec<&str> = values.iter().map(|(r, _)| url_suffix(r)).collect();
    let all_same = suffixes.iter().all(|s| *s == suffixes[0]);
    if !all_same && values.iter().all(|(r, v)| v.contains(url_suffix(r))) {
        for (r, v) in values.iter_mut() {
            *v = v
                .split(url_suffix(r))
                .collect::<Vec<_>>()
                .join(&Aws::url_suffix());
        }
    }
    if values.iter().all(|(r, v)| v.contains(r)) {
        for (r, v) in values.iter_mut() {
            *v = v.split(*r).collect::<Vec<_>>().join(&Aws::region());
        }
    }
    let first = values.first()?.1.clone();
    values.iter().all(|(_, v)| *v == first).then_some(first)
}
