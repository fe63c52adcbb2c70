//! Stack members beyond the core (the seed's `availability_zones`, `export_value`,
//! `bundling_required`) and the region → partition table; the rest of the follow-up
//! members (nested stacks, automatic exports, `regional_fact`) will join them here.

use serde_json::Value;

use crate::{Error, Result, Stack, Token};

impl Stack {
    /// The availability zones of the stack's environment (CDK's `availabilityZones`):
    /// agnostic stacks get `[Fn::Select(0, Fn::GetAZs("")), Fn::Select(1, ...)]` (or
    /// the `aws:cdk:availability-zones:fallback` context); concrete ones look up the
    /// `availability-zones` context provider (dummy `dummy1a..c`, reported missing).
    pub fn availability_zones(&self) -> Result<Vec<String>> {
        if Token::is_unresolved(&self.account()) || Token::is_unresolved(&self.region()) {
            if let Some(Value::Array(v)) =
                self.try_get_context("aws:cdk:availability-zones:fallback")
            {
                return Ok(v
                    .iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect());
            }
            let azs = crate::Fn::get_azs("");
            return Ok((0..2).filter_map(|i| crate::Fn::select(i, &azs)).collect());
        }
        let got = crate::ContextProvider::get_value(
            self,
            crate::GetContextValueOptions {
                provider: "availability-zones".into(),
                dummy_value: serde_json::json!(["dummy1a", "dummy1b", "dummy1c"]),
                ..Default::default()
            },
        )?;
        match got.value {
            Value::Array(v) => Ok(v
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()),
            other => Err(Error::validation(
                self.path(),
                format!(
                    "Provider availability-zones expects a list, got {other}; fix the value in cdk.context.json"
                ),
            )),
        }
    }

    /// Exports `value` under `name` (an output `Export<name>` in this stack) and returns
    /// `Fn::ImportValue(name)` for use in other stacks (CDK's `exportValue` with a
    /// name; see [`Stack::export_value_with`] for the automatic name).
    pub fn export_value(&self, value: &str, name: &str) -> Result<String> {
        self.export_value_with(
            value,
            crate::ExportValueOptions {
                name: Some(name.to_string()),
                description: None,
            },
        )
    }

    /// Whether assets of this stack need bundling (context `aws:cdk:bundling-stacks`,
    /// default all stacks; patterns `*`/`**` or exact paths).
    pub fn bundling_required(&self) -> bool {
        match self.try_get_context("aws:cdk:bundling-stacks") {
            Some(Value::Array(patterns)) => patterns
                .iter()
                .filter_map(Value::as_str)
                .any(|p| glob_match(p, self.path())),
            _ => true,
        }
    }
}

fn glob_match(pattern: &str, path: &str) -> bool {
    if pattern == "**" || pattern == "*" && !path.contains('/') {
        return true;
    }
    match pattern.split_once('*') {
        None => pattern == path,
        Some((pre, post)) => {
            path.starts_with(pre)
                && path.ends_with(post.trim_start_matches('*'))
                && path.len() >= pre.len() + post.len()
        }
    }
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
